/*
 * marks.c - the orders marked for a bulk action, by number, so that a mark
 * survives a tab change, a search or a reread.  Kept sorted for a quick
 * look-up while drawing; at most DESK_BULK_MAX.
 */
#include "ui/view.h"

#include <stdlib.h>
#include <string.h>

static char (*marks)[STMT_ORDER_MAX + 1];
static size_t nmarks;

/* Where number is, or would go, in the sorted marks. */
static size_t find(const char *number, int *found)
{
	size_t lo = 0, hi = nmarks, mid;
	int c;

	*found = 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(number, marks[mid]);
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

int marks_has(const char *number)
{
	int found;

	if (nmarks == 0)
		return 0;
	(void)find(number, &found);
	return found;
}

int marks_set(const char *number, int on)
{
	int found;
	size_t at;

	if (marks == NULL) {
		marks = calloc(DESK_BULK_MAX, sizeof *marks);
		if (marks == NULL)
			return -1;
	}
	if (strlen(number) > STMT_ORDER_MAX)
		return -1;
	at = find(number, &found);
	if (on && !found) {
		if (nmarks == DESK_BULK_MAX)
			return -1;
		memmove(marks[at + 1], marks[at], (nmarks - at) *
			sizeof *marks);
		strcpy(marks[at], number);
		nmarks++;
	} else if (!on && found) {
		memmove(marks[at], marks[at + 1], (nmarks - at - 1) *
			sizeof *marks);
		nmarks--;
	}
	return 0;
}

size_t marks_count(void)
{
	return nmarks;
}

const char *marks_get(size_t i)
{
	return i < nmarks ? marks[i] : NULL;
}

void marks_clear(void)
{
	nmarks = 0;
}
