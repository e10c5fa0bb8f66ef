/*
 * bench-redraw.c - every redraw of the orders list, with a filter and
 * with extra columns (`make bench`).
 *
 *   bench-redraw STORE USER 3< PASSPHRASE
 *	Unlocks STORE as USER and drives the real orders view into a curses
 *	screen sent to /dev/null at 160x40 (room for the extra columns), in
 *	four set-ups measured one after the other in this process: the
 *	usual columns and no filter (the baseline), a `:filter` active,
 *	extra columns chosen (carrier, tracking, city, e-mail, paid: the
 *	person's setting, as `=` keeps it), and both.  For each it prints
 *	the mean and worst time from a key press to the finished redraw for
 *	scrolling (j), paging (PgDn) and a tab change (Tab), and the ratio
 *	of each mean to the baseline's.  The target (every redraw under
 *	16 ms) is printed beside them, never checked: the exit status says
 *	only whether everything worked.  Last, the owner's dashboard (D)
 *	read, against an index reread in the same process.
 *
 * The passphrase comes on descriptor 3, one line, as with the commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-dashboard.h"
#include "app/desk/desk-index-need.h"
#include "app/desk/desk-pick.h"
#include "app/desk/desk-prefs.h"
#include "lib/secret.h"
#include "tests/bench/bench-ui.h"
#include "ui/orders-view.h"

#define PASS_MAX 1024
#define SCROLLS 400
#define PAGES 120
#define TABS 12

static const char filter_expr[] = "total:>100 placed:<3650d";
static const char extras[] =
	"placed,items,total,status,carrier,tracking,city,email,paid";

/* Where the figures go: stdout is curses' (and /dev/null's). */
static FILE *out;

/* One set-up's figures: j, PgDn, Tab (mean and worst). */
struct figures {
	double mean[3], worst[3], p95[3];
};

static const char *const pressed_name[3] = { "j", "PgDn", "Tab" };

/* Presses j, PgDn and Tab from the top of the All tab. */
static void run(struct ui *u, struct figures *f)
{
	static int scroll[SCROLLS], pages[PAGES], tabs[TABS];
	double mean, worst;
	size_t i;

	for (i = 0; i < SCROLLS; i++)
		scroll[i] = 'j';
	for (i = 0; i < PAGES; i++)
		pages[i] = UI_FN(KEY_NPAGE);
	for (i = 0; i < TABS; i++)
		tabs[i] = '\t';
	/* The All tab (it applies the filter), at its top. */
	press_keys(u, (const int[]){ '6', 'g' }, 2, &mean, &worst, NULL);
	press_keys(u, scroll, SCROLLS, &f->mean[0], &f->worst[0],
		   &f->p95[0]);
	press_keys(u, pages, PAGES, &f->mean[1], &f->worst[1], &f->p95[1]);
	press_keys(u, tabs, TABS, &f->mean[2], &f->worst[2], &f->p95[2]);
}

/* Prints one set-up's figures, with their ratios to base's. */
static void report(const char *name, const struct figures *f,
		   const struct figures *base, double *worst)
{
	int k;

	for (k = 0; k < 3; k++) {
		fprintf(out, "redraw %s, after %s: mean %.2f ms, p95 %.2f ms,"
			" worst %.2f ms (target: every redraw under 16 ms)",
			name, pressed_name[k], f->mean[k], f->p95[k],
			f->worst[k]);
		if (base != NULL && base->mean[k] > 0)
			fprintf(out, ", %.2fx the usual columns' mean",
				f->mean[k] / base->mean[k]);
		fprintf(out, "\n");
		if (f->worst[k] > *worst)
			*worst = f->worst[k];
	}
}

/* Sets the filter and the person's columns (NULL: the usual ones). */
static int setup(struct ui *u, const char *expr, const char *cols)
{
	struct orders_st *O = u->stack[0].st;
	struct od_err err;

	if (desk_pick(u->desk, expr, &err) != OD_OK ||
	    desk_pref_set(u->desk, "columns", cols, &err) != OD_OK) {
		fprintf(stderr, "bench-redraw: %s\n", err.msg);
		return -1;
	}
	/* Read again at the next redraw, as after an unlock. */
	orders_cols_drop(&O->cols);
	return 0;
}

/*
 * The owner's dashboard (D) read, mean of a few, against the index reread
 * (r: every order read) in the same process.
 */
static int time_dashboard(struct ui *u)
{
	struct desk_dashboard *D = malloc(sizeof *D);
	struct od_err err;
	double t0, reread, dash;
	int i, n = 5;

	if (D == NULL)
		return -1;
	t0 = now_ms();
	if (desk_reload(u->desk, &err) != OD_OK ||
	    desk_index_need(u->desk, &err) != OD_OK)
		goto fail;
	reread = now_ms() - t0;
	t0 = now_ms();
	for (i = 0; i < n; i++)
		if (desk_dashboard(u->desk, D, &err) != OD_OK)
			goto fail;
	dash = (now_ms() - t0) / n;
	fprintf(out, "dashboard read (D, owner; %lld orders shipped, mean of "
		"%d): %.1f ms, %.2fx an index reread (%.1f ms)\n", D->shipped,
		n, dash, reread > 0 ? dash / reread : 0, reread);
	free(D);
	return 0;
fail:
	fprintf(stderr, "bench-redraw: %s\n", err.msg);
	free(D);
	return -1;
}

/* Unlocks u's desk as user with the passphrase on descriptor 3. */
static int unlock(struct ui *u, const char *store, const char *user)
{
	char pass[PASS_MAX];
	struct od_err err;
	ssize_t len = read_pass(pass, sizeof pass);

	if (len < 0) {
		fprintf(stderr, "bench-redraw: no passphrase on descriptor "
			"3\n");
		return -1;
	}
	if (desk_new(store, &u->desk, &err) != OD_OK ||
	    screen_init(u) != 0 || view_orders_open(u) != 0 ||
	    desk_unlock(u->desk, user, pass, (size_t)len, &err) != OD_OK ||
	    desk_index_need(u->desk, &err) != OD_OK) {
		secret_wipe(pass, sizeof pass);
		screen_fini();
		fprintf(stderr, "bench-redraw: cannot open the desk: %s\n",
			u->desk ? err.msg : "out of memory");
		return -1;
	}
	secret_wipe(pass, sizeof pass);
	ui_unlocked(u);
	ui_draw(u);
	return u->fatal_code == OD_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct figures base, f;
	struct ui u;
	double worst = 0;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-redraw STORE USER 3< "
			"PASSPHRASE\n");
		return 2;
	}
	fd = dup(STDOUT_FILENO);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (out == NULL || freopen("/dev/null", "w", stdout) == NULL) {
		fprintf(stderr, "bench-redraw: %s\n", strerror(errno));
		return 1;
	}
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", "40", 1);
	setenv("COLUMNS", "160", 1);
	setenv("NO_COLOR", "", 1);
	memset(&u, 0, sizeof u);
	if (unlock(&u, argv[1], argv[2]) != 0)
		return 1;
	fprintf(out, "redraw bench orders: %zu, at 160x40\n",
		desk_count_status(u.desk, -1));
	if (setup(&u, "", NULL) != 0)
		goto fail;
	run(&u, &base);
	report("with the usual columns", &base, NULL, &worst);
	if (setup(&u, filter_expr, NULL) != 0)
		goto fail;
	run(&u, &f);
	report("with :filter total:>100 placed:<3650d", &f, &base, &worst);
	if (setup(&u, "", extras) != 0)
		goto fail;
	run(&u, &f);
	report("with extra columns (carrier, tracking, city, email, paid)",
	       &f, &base, &worst);
	if (setup(&u, filter_expr, extras) != 0)
		goto fail;
	run(&u, &f);
	report("with the filter and the extra columns", &f, &base, &worst);
	fprintf(out, "redraw worst of every set-up above: %.2f ms (target: "
		"under 16 ms)\n", worst);
	(void)setup(&u, "", NULL);
	if (time_dashboard(&u) != 0)
		goto fail;
	screen_fini();
	desk_free(u.desk);
	fclose(out);
	return 0;
fail:
	screen_fini();
	desk_free(u.desk);
	return 1;
}
