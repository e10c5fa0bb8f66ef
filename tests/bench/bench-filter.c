/*
 * bench-filter.c - what the filter language (app/desk/order-filter.h)
 * costs on the desk's list of 100,000 orders (`make bench`; issue 12).
 *
 *   bench-filter [N]
 *	N made-up orders (default 100000) in memory, as the desk's index
 *	holds them (number, placed, customer, currency, total, status);
 *	names from a mix of scripts, accents and CJK.  It prints, "NAME:
 *	VALUE UNIT", the time of one pass of order_filter_match over every
 *	order (the median of RUNS) for a status term, placed and total
 *	terms, and a customer term (each name folded as the search folds
 *	it), and each against the baseline measured in the same run: a
 *	bare loop comparing each order's status, which is what a status tab
 *	costs.  `:filter` runs one such pass when Enter is pressed (and at
 *	each reload), never per key.  Targets are printed for a reader,
 *	never checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/desk/order-filter.h"

#define RUNS 9

static const char *const names[] = {
	"Jos\xc3\xa9 Garc\xc3\xad" "a", "Hans M\xc3\xbcller", "Anna Stra\xc3\x9f" "e",
	"\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e", "Nguy\xe1\xbb\x85n V\xc4\x83n An",
	"Siobh\xc3\xa1n Murphy", "John Smith", "\xea\xb9\x80\xec\xb2\xa0\xec\x88\x98",
};
static const char *const currencies[] = { "EUR", "JPY", "KWD", "USD" };

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median time of RUNS passes of f (NULL: the status baseline). */
static double pass_ms(const struct order_filter *f,
		      const struct filter_order *o, size_t n, size_t *kept)
{
	double t[RUNS], start;
	size_t i, r, k = 0;

	for (r = 0; r < RUNS; r++) {
		start = now_ms();
		k = 0;
		for (i = 0; i < n; i++)
			k += f ? (size_t)order_filter_match(f, &o[i], 1)
			       : (size_t)(o[i].status == 2);
		t[r] = now_ms() - start;
	}
	qsort(t, RUNS, sizeof t[0], cmp_double);
	*kept = k;
	return t[RUNS / 2];
}

int main(int argc, char **argv)
{
	static const char *const exprs[] = {
		"status:held", "placed:<7d total:>100", "customer:garcia",
		"status:held customer:garcia placed:<7d total:>100",
		"paid:no delivered:no return:open",
	};
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000, i, kept;
	struct filter_order *o = calloc(n ? n : 1, sizeof *o);
	char (*placed)[21] = calloc(n ? n : 1, sizeof *placed);
	time_t now = time(NULL);
	double base, ms;
	struct od_err err;

	if (o == NULL || placed == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		time_t t = now - (time_t)(i % 30) * 86400 - (time_t)i;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(placed[i], sizeof placed[i], "%Y-%m-%dT%H:%M:%SZ", &tm);
		o[i].number = "1000";
		o[i].placed = placed[i];
		o[i].customer = names[i % (sizeof names / sizeof names[0])];
		o[i].currency = currencies[i % 4];
		o[i].total = (long long)(i * 7919 % 100000);
		o[i].status = (int)(i % 6);
		o[i].pay = (int)(i % 7);
		/* As the index says it: open, or not open (closed or none). */
		o[i].returns = i % 49 ? FILTER_RETURN_NONE | FILTER_RETURN_CLOSED
				      : FILTER_RETURN_OPEN;
	}
	base = pass_ms(NULL, o, n, &kept);
	printf("filter baseline (a status compare per order, as a tab): "
	       "%.3f ms for %zu orders\n", base, n);
	for (i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
		struct order_filter *f = NULL;

		if (order_filter_parse(exprs[i], now, &f, &err) != OD_OK) {
			fprintf(stderr, "bench-filter: %s\n", err.msg);
			return 1;
		}
		ms = pass_ms(f, o, n, &kept);
		printf("filter \"%s\": %.2f ms for %zu orders (%zu kept), "
		       "%.0fx the baseline (target: under 100 ms, once per "
		       "Enter)\n", exprs[i], ms, n, kept, base > 0 ? ms / base
							    : 0);
		order_filter_free(f);
	}
	free(o);
	free(placed);
	return 0;
}
