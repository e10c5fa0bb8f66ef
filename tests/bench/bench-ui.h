/*
 * bench-ui.h - what the screens' benchmarks share (bench-desk.c,
 * bench-redraw.c): the clock, the passphrase on descriptor 3, and pressing
 * keys on the real views with the time from press to finished redraw.
 * Static functions in a header: each bench is one object file.
 */
#ifndef OD_BENCH_UI_H
#define OD_BENCH_UI_H

#include <stddef.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ui/view.h"

/* Milliseconds since an arbitrary start. */
static inline double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads the passphrase line from descriptor 3; its length or -1. */
static inline ssize_t read_pass(char *pass, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	char c;

	while (len + 1 < cap && (n = read(3, &c, 1)) == 1 && c != '\n')
		pass[len++] = c;
	pass[len] = '\0';
	return len > 0 ? (ssize_t)len : -1;
}

#define BENCH_PRESS_MAX 1024      /* presses p95 is taken over */

/* For qsort: doubles, smallest first. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Presses each key of keys (n of them) on the top view and redraws; the
 * mean and worst time from press to finished redraw go to *mean, *worst,
 * and (unless p95 is NULL) the time 95 in 100 presses beat to *p95: on a
 * loaded machine the worst is the scheduler's as much as the desk's.
 */
static inline void press_keys(struct ui *u, const int *keys, size_t n,
			      double *mean, double *worst, double *p95)
{
	static double took[BENCH_PRESS_MAX];
	double sum = 0, t0, dt;
	size_t i;

	*worst = 0;
	for (i = 0; i < n; i++) {
		struct ui_frame *top = &u->stack[u->depth - 1];

		t0 = now_ms();
		top->view->key(u, top->st, keys[i]);
		ui_draw(u);
		dt = now_ms() - t0;
		sum += dt;
		if (dt > *worst)
			*worst = dt;
		if (i < BENCH_PRESS_MAX)
			took[i] = dt;
	}
	*mean = n ? sum / (double)n : 0;
	if (p95 == NULL || n == 0)
		return;
	n = n < BENCH_PRESS_MAX ? n : BENCH_PRESS_MAX;
	qsort(took, n, sizeof *took, bench_cmp_double);
	*p95 = took[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1];
}

#endif
