/*
 * desk-grow.c - growing the arrays of an order's detail one entry at a
 * time (desk-detail.c, desk-money-read.c).
 */
#include "app/desk/desk-money.h"

#include <stdlib.h>
#include <string.h>

void *desk_grow(void **arr, size_t *n, size_t size)
{
	char *bigger = realloc(*arr, (*n + 1) * size);

	if (bigger == NULL)
		return NULL;
	*arr = bigger;
	memset(bigger + *n * size, 0, size);
	return bigger + (*n)++ * size;
}
