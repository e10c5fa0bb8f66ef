/*
 * marks.c - the orders marked for a bulk action, by number, so that a mark
 * survives a tab change, a search or a reread.  Kept sorted for a quick
 * look-up while drawing; at most DESK_BULK_MAX.  The orders view owns them.
 */
#include "ui/view.h"

#include <stdlib.h>
#include <string.h>

/* Where number is, or would go, in the sorted marks. */
static size_t find(const struct marks *mk, const char *number, int *found)
{
	size_t lo = 0, hi = mk->n, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(number, mk->m[mid]);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int marks_has(const struct marks *mk, const char *number)
{
	int found;

	if (mk->n == 0)
		return 0;
	(void)find(mk, number, &found);
	return found;
}

int marks_set(struct marks *mk, const char *number, int on)
{
	int found;
	size_t at;

	if (mk->m == NULL) {
		mk->m = calloc(DESK_BULK_MAX, sizeof *mk->m);
		if (mk->m == NULL)
			return -1;
	}
	if (strlen(number) > STMT_ORDER_MAX)
		return -1;
	at = find(mk, number, &found);
	if (on && !found) {
		if (mk->n == DESK_BULK_MAX)
			return -1;
		memmove(mk->m[at + 1], mk->m[at], (mk->n - at) *
			sizeof *mk->m);
		strcpy(mk->m[at], number);
		mk->n++;
	} else if (!on && found) {
		memmove(mk->m[at], mk->m[at + 1], (mk->n - at - 1) *
			sizeof *mk->m);
		mk->n--;
	}
	return 0;
}

size_t marks_count(const struct marks *mk)
{
	return mk->n;
}

const char *marks_get(const struct marks *mk, size_t i)
{
	return i < mk->n ? mk->m[i] : NULL;
}

void marks_clear(struct marks *mk)
{
	mk->n = 0;
}

void marks_free(struct marks *mk)
{
	free(mk->m);
	mk->m = NULL;
	mk->n = 0;
}
