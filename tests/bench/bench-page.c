/*
 * bench-page.c - the paged orders list (app/desk/desk-page.h) against the
 * in-memory desk it will replace, in the same process (`make bench`).
 *
 *   bench-page STORE USER 3< PASSPHRASE
 *	Unlocks STORE as USER (the desk reads every order into memory, as it
 *	does today), then times, with the same desk and store, what the list
 *	needs on each key: the first screen (the in-memory desk: rereading
 *	every order, filtering and counting; paged: the tab bar's counts and
 *	a window of 40 rows), a tab change, a page down, a change of sort,
 *	one step of incremental search and where the selection is at the
 *	list's end ("row k of N"); each figure is a mean of several
 *	presses, printed with its ratio (paged / in-memory).  Then peak
 *	memory, each in a child of its own: the desk unlocked with its
 *	index, and the shop unlocked reading the same pages from the store
 *	(what the desk holds once the screens draw from pages).
 *	Targets are printed beside the figures, never checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/desk/desk-index-need.h"
#include "app/desk/desk-page.h"
#include "app/shop/shop.h"
#include "lib/secret.h"
#include "storage/store-page.h"

#define ROWS 40
#define PRESSES 8

static char pass[1024];
static size_t pass_len;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void read_pass(void)
{
	ssize_t n;
	char c;

	while (pass_len + 1 < sizeof pass && (n = read(3, &c, 1)) == 1 &&
	       c != '\n')
		pass[pass_len++] = c;
}

static void die(const char *what, const struct od_err *err)
{
	fprintf(stderr, "bench-page: %s: %s\n", what, err->msg);
	exit(1);
}

/* The in-memory desk's screen: filter, the tab bar, ROWS rows. */
static size_t mem_screen(struct desk *d, int status, const char *search)
{
	struct od_err err;
	size_t n = 0, i;
	int s;

	if (desk_filter(d, status, search, 0, &err) != OD_OK)
		die("filter", &err);
	for (s = -1; s < ORDER_STATUS_COUNT; s++)
		n += desk_count_status(d, s);
	for (i = 0; i < ROWS && desk_row(d, i) != NULL; i++)
		n += desk_row(d, i)->nitems;
	return n;
}

/* The paged screen: counts and the window. */
static size_t page_screen(struct desk_page *p, unsigned statuses,
			  const char *search, enum desk_sort_key sort)
{
	struct desk_page_tab t = { statuses, 0 };
	size_t counts[ORDER_STATUS_COUNT + 1], n = 0, i;
	struct od_err err;

	if (desk_page_set(p, &t, sort, 0, search, &err) != OD_OK ||
	    desk_page_window(p, ROWS, 0, counts, &err) != OD_OK)
		die("page", &err);
	for (i = 0; i < desk_page_count(p); i++)
		n += desk_page_row(p, i)->nitems;
	return n + counts[ORDER_STATUS_COUNT];
}

static void figure(const char *what, double mem, double paged,
		   const char *target)
{
	printf("paged list %s: %.2f ms (in-memory desk %.2f ms, ratio "
	       "%.3f; %s)\n", what, paged, mem, mem > 0 ? paged / mem : 0,
	       target);
}

/* Tab changes, both ways: the in-memory desk and the pages. */
static void tabs(struct desk *d, struct desk_page *p)
{
	double t0, mem, paged;
	int k;

	t0 = now_ms();
	for (k = 0; k < PRESSES; k++)
		mem_screen(d, k % ORDER_STATUS_COUNT, NULL);
	mem = (now_ms() - t0) / PRESSES;
	t0 = now_ms();
	for (k = 0; k < PRESSES; k++)
		page_screen(p, 1u << (k % ORDER_STATUS_COUNT), NULL,
			    DESK_SORT_PLACED);
	paged = (now_ms() - t0) / PRESSES;
	figure("tab change, mean", mem, paged, "target: under 8 ms at 1M");
}

/* Page down: the in-memory desk's next rows, the pages' next window. */
static void page_down(struct desk *d, struct desk_page *p)
{
	struct desk_page_tab all = { 0, 0 };
	struct od_err err;
	double t0, mem, paged;
	size_t i, k, n = 0;

	mem_screen(d, -1, NULL);
	t0 = now_ms();
	for (k = 0; k < PRESSES; k++)
		for (i = 0; i < ROWS; i++)
			if (desk_row(d, (k + 1) * ROWS + i) != NULL)
				n += desk_row(d, (k + 1) * ROWS + i)->nitems;
	mem = (now_ms() - t0) / PRESSES;
	if (desk_page_set(p, &all, DESK_SORT_PLACED, 0, NULL, &err) != OD_OK ||
	    desk_page_home(p, 0, &err) != OD_OK)
		die("page", &err);
	t0 = now_ms();
	for (k = 0; k < PRESSES; k++)
		if (desk_page_move(p, ROWS, &err) != OD_OK ||
		    desk_page_window(p, ROWS, 0, NULL, &err) != OD_OK)
			die("page down", &err);
	paged = (now_ms() - t0) / PRESSES;
	figure("page down, mean", mem + (n == (size_t)-1), paged,
	       "the in-memory desk only indexes its array");
}

/* A sort change to the customer (the in-memory desk sorts everything). */
static void sort_change(struct desk *d, struct desk_page *p)
{
	struct od_err err;
	double t0, mem, paged;

	t0 = now_ms();
	if (desk_sort(d, DESK_SORT_CUSTOMER, &err) != OD_OK)
		die("sort", &err);
	mem_screen(d, -1, NULL);
	mem = now_ms() - t0;
	t0 = now_ms();
	page_screen(p, 0, NULL, DESK_SORT_CUSTOMER);
	paged = now_ms() - t0;
	figure("sort by customer, first time", mem, paged, "one press");
	if (desk_sort(d, DESK_SORT_PLACED, &err) != OD_OK)
		die("sort", &err);
}

/* Incremental search, a key at a time, then back to nothing. */
static void search(struct desk *d, struct desk_page *p)
{
	static const char *const steps[] = { "m", "mü", "mül", "müll",
					     "mülle", "müller", "" };
	const size_t n = sizeof steps / sizeof steps[0];
	double t0, t1, mem, paged, each[sizeof steps / sizeof steps[0]];
	size_t k;

	t0 = now_ms();
	for (k = 0; k < n; k++)
		mem_screen(d, -1, steps[k]);
	mem = (now_ms() - t0) / (double)n;
	t0 = now_ms();
	for (k = 0; k < n; k++) {
		t1 = now_ms();
		page_screen(p, 0, steps[k], DESK_SORT_PLACED);
		each[k] = now_ms() - t1;
	}
	paged = (now_ms() - t0) / (double)n;
	figure("one step of incremental search, mean", mem, paged,
	       "target: under 8 ms a key at 1M");
	/* Which steps cost: the first letters find the most orders. */
	printf("paged list search, each step:");
	for (k = 0; k < n; k++)
		printf(" \"%s\" %.2f ms%s", steps[k], each[k],
		       k + 1 < n ? "," : "\n");
}

/*
 * "Row k of N" at the list's end, the farthest from its start: the pages
 * count the rows before the selection in the store (desk_page_position);
 * the in-memory desk finds the selection by number, as it does at every
 * filter to keep it (desk_find, a walk of its array).
 */
static void position(struct desk *d, struct desk_page *p,
		     enum desk_sort_key sort, const char *what)
{
	struct desk_page_tab all = { 0, 0 };
	char last[64];
	struct od_err err;
	double t0, mem, paged;
	size_t k, at = 0, before = 0;

	if (desk_sort(d, sort, &err) != OD_OK)
		die("sort", &err);
	mem_screen(d, -1, NULL);
	if (desk_count(d) == 0)
		return;
	snprintf(last, sizeof last, "%s",
		 desk_row(d, desk_count(d) - 1)->number);
	t0 = now_ms();
	for (k = 0; k < PRESSES; k++)
		at += desk_find(d, last);
	mem = (now_ms() - t0) / PRESSES;
	if (desk_page_set(p, &all, sort, 0, NULL, &err) != OD_OK ||
	    desk_page_home(p, 1, &err) != OD_OK ||
	    desk_page_window(p, ROWS, ROWS - 1, NULL, &err) != OD_OK)
		die("page", &err);
	t0 = now_ms();
	/* Counted each time: a set forgets the kept position. */
	for (k = 0; k < PRESSES; k++)
		if (desk_page_set(p, &all, sort, 0, NULL, &err) != OD_OK ||
		    desk_page_position(p, &before, &err) != OD_OK)
			die("position", &err);
	paged = (now_ms() - t0) / PRESSES;
	if (before != at / PRESSES)
		printf("paged list position: %zu rows before the last, the "
		       "desk has %zu\n", before, at / PRESSES);
	figure(what, mem, paged, "counted once a list or selection");
	/* A page up from there: the kept position moves with the window. */
	t0 = now_ms();
	for (k = 0; k < PRESSES; k++)
		if (desk_page_move(p, -ROWS, &err) != OD_OK ||
		    desk_page_window(p, ROWS, 0, NULL, &err) != OD_OK ||
		    desk_page_position(p, &before, &err) != OD_OK)
			die("position", &err);
	printf("paged list page up and row k of N (kept), mean: %.2f ms "
	       "(at row %zu)\n", (now_ms() - t0) / PRESSES, before + 1);
	if (desk_sort(d, DESK_SORT_PLACED, &err) != OD_OK)
		die("sort", &err);
}

static enum od_code count_row(void *ctx, const struct order_brief *b,
			      struct od_err *err)
{
	(void)b;
	(void)err;
	++*(size_t *)ctx;
	return OD_OK;
}

/*
 * Runs fn in a child that prints its peak memory as label's, then note
 * (a target, after the figure so that a reader of the log such as
 * targets.sh finds the figure after the first ": "); 0 or -1.
 */
static int child_peak(void (*fn)(const char *, const char *),
		      const char *dir, const char *user, const char *label,
		      const char *note)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn(dir, user);
		if (getrusage(RUSAGE_SELF, &ru) != 0)
			_exit(1);
		printf("paged list peak memory, %s: %.1f MiB%s\n", label,
		       (double)ru.ru_maxrss / 1024.0, note);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}

/* The desk as before the pages: every order in memory, one screen. */
static void peak_desk(const char *dir, const char *user)
{
	struct desk *d = NULL;
	struct od_err err;

	if (desk_new(dir, &d, &err) != OD_OK ||
	    desk_unlock(d, user, pass, pass_len, &err) != OD_OK ||
	    desk_index_need(d, &err) != OD_OK)
		die("unlock", &err);
	mem_screen(d, -1, NULL);
	desk_free(d);
}

/* The shop unlocked, one screen read from the store's pages. */
static void peak_pages(const char *dir, const char *user)
{
	size_t counts[ORDER_STATUS_COUNT], n = 0;
	struct shop *sh = NULL;
	struct od_err err;
	int s;

	if (shop_unlock(dir, user, pass, pass_len, SHOP_READ, &sh, &err) !=
	    OD_OK)
		die("unlock", &err);
	if (store_page_counts(sh->store, NULL, counts, NULL, &err) != OD_OK)
		die("counts", &err);
	for (s = 0; s < ORDER_STATUS_COUNT; s++)
		if (store_page_rows(sh->store, s, STORE_PAGE_PLACED, 0, NULL,
				    NULL, ROWS, count_row, &n, &err) != OD_OK)
			die("rows", &err);
	shop_close(sh);
}

int main(int argc, char **argv)
{
	struct desk *d = NULL;
	struct desk_page *p = NULL;
	struct od_err err;
	double t0, mem, paged;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-page STORE USER 3< PASSPHRASE\n");
		return 2;
	}
	read_pass();
	/* Peak memory first, each in a child (Argon2id's arena in both). */
	fflush(stdout);
	if (child_peak(peak_desk, argv[1], argv[2], "in-memory desk", "") < 0 ||
	    child_peak(peak_pages, argv[1], argv[2], "shop reading pages",
		       " (target: under 96 MiB at 1M)") < 0)
		return 1;
	if (desk_new(argv[1], &d, &err) != OD_OK ||
	    desk_unlock(d, argv[2], pass, pass_len, &err) != OD_OK ||
	    desk_index_need(d, &err) != OD_OK)
		die("unlock", &err);
	if (desk_search_ready(d, &err) != OD_OK)
		die("search", &err);
	/* The in-memory desk's first screen: every order read again. */
	t0 = now_ms();
	if (desk_reload(d, &err) != OD_OK ||
	    desk_index_need(d, &err) != OD_OK)
		die("reload", &err);
	mem_screen(d, -1, NULL);
	mem = now_ms() - t0;
	if (desk_search_ready(d, &err) != OD_OK)
		die("search", &err);
	t0 = now_ms();
	if (desk_page_new(d, &p, &err) != OD_OK)
		die("page", &err);
	page_screen(p, 0, NULL, DESK_SORT_PLACED);
	paged = now_ms() - t0;
	figure("first screen (index read vs counts and one window)", mem,
	       paged, "target: under 50 ms at 1M");
	tabs(d, p);
	page_down(d, p);
	sort_change(d, p);
	search(d, p);
	position(d, p, DESK_SORT_PLACED, "row k of N at the end of All, "
		 "placed");
	position(d, p, DESK_SORT_CUSTOMER, "row k of N at the end of All, "
		 "by customer");
	desk_page_free(p);
	desk_free(d);
	secret_wipe(pass, sizeof pass);
	return 0;
}
