/*
 * bench-desk.c - how fast the desk's screens answer (`make bench`).
 *
 *   bench-desk STORE USER 3< PASSPHRASE
 *	Unlocks STORE as USER the way the desk does and draws its screens
 *	through the real views (ui/) into a curses screen whose output goes
 *	to /dev/null at 80x24, then prints one figure a line, "NAME: VALUE
 *	UNIT": the key derivation apart, the first full screen after it, and
 *	the time from a key press to the finished redraw for scrolling, one
 *	step of incremental search and a tab change (mean and worst of
 *	several presses), and reading one order checked against its log.  Targets are printed beside the figures, never
 *	checked: the exit status says only whether everything worked.
 *
 * The passphrase comes on descriptor 3, one line, as with the commands.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "app/desk/desk.h"
#include "lib/secret.h"
#include "storage/keyslot.h"
#include "ui/view.h"

#define PASS_MAX 1024

/* Where the figures go: stdout is curses' (and /dev/null's). */
static FILE *out;

/* Milliseconds since an arbitrary start. */
static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads the passphrase line from descriptor 3; its length or -1. */
static ssize_t read_pass(char *pass, size_t cap)
{
	size_t len = 0;
	ssize_t n;
	char c;

	while (len + 1 < cap && (n = read(3, &c, 1)) == 1 && c != '\n')
		pass[len++] = c;
	pass[len] = '\0';
	return len > 0 ? (ssize_t)len : -1;
}

/* Times the key derivation alone, as keyslot_unlock does it. */
static int time_kdf(const char *dir, const char *user, const char *pass,
		    size_t len, double *ms)
{
	uint8_t key[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf = NULL;
	struct od_err err;
	char path[4096];
	double t0;
	int rc;

	snprintf(path, sizeof path, "%s/keyslots", dir);
	if (keyslot_load(path, &kf, &err) != OD_OK) {
		fprintf(stderr, "bench-desk: %s\n", err.msg);
		return -1;
	}
	t0 = now_ms();
	rc = keyslot_unlock(kf, user, pass, len, key, seed, &err) == OD_OK;
	*ms = now_ms() - t0;
	secret_wipe(key, sizeof key);
	secret_wipe(seed, sizeof seed);
	keyslot_free(kf);
	if (!rc)
		fprintf(stderr, "bench-desk: %s\n", err.msg);
	return rc ? 0 : -1;
}

/* The resident memory now, in MiB (0 when /proc cannot tell). */
static double rss_mib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, resident = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	return (double)resident * (double)sysconf(_SC_PAGESIZE) /
	       (1024.0 * 1024.0);
}

/*
 * Presses each key of keys (n of them) on the top view and redraws,
 * printing the mean and worst time from press to finished redraw.
 */
static void press(struct ui *u, const char *name, const int *keys, size_t n)
{
	double sum = 0, worst = 0, t0, dt;
	size_t i;

	for (i = 0; i < n; i++) {
		t0 = now_ms();
		u->stack[u->depth - 1]->key(u, keys[i]);
		ui_draw(u);
		dt = now_ms() - t0;
		sum += dt;
		if (dt > worst)
			worst = dt;
	}
	fprintf(out, "desk redraw after %s (mean of %zu): %.2f ms (target: "
		"under 16 ms)\n", name, n, sum / (double)n);
	fprintf(out, "desk redraw after %s (worst of %zu): %.2f ms\n", name,
		n, worst);
}

/*
 * One order as the order screen and `orderdesk show` read it: its rows,
 * every entry's signature and chain link, and the order folded again from
 * its entries (desk_detail).  The first order gets three notes and a
 * confirmation first, so that its history has a few entries.
 */
static int time_order(struct desk *d)
{
	static const enum stmt_kind kinds[] = { STMT_ORDER_NOTE,
		STMT_ORDER_NOTE, STMT_ORDER_CONFIRM, STMT_ORDER_NOTE };
	const struct desk_row *row = desk_row(d, 0);
	char number[64];
	struct desk_detail *dd = NULL;
	struct desk_act *act = NULL;
	struct od_err err;
	long long seq;
	size_t i, n = 50, entries = 0;
	double t0, total;

	if (row == NULL)
		return 0;
	snprintf(number, sizeof number, "%s", row->number);
	for (i = 0; i < sizeof kinds / sizeof *kinds; i++) {
		if (desk_prepare(d, kinds[i], number,
				 kinds[i] == STMT_ORDER_NOTE ? "bench note"
							     : NULL,
				 NULL, NULL, &act, &err) != OD_OK ||
		    desk_act_sign(d, act, &seq, &err) != OD_OK) {
			desk_act_free(act);
			fprintf(stderr, "bench-desk: %s\n", err.msg);
			return -1;
		}
		desk_act_free(act);
		act = NULL;
	}
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		if (desk_detail(d, number, &dd, &err) != OD_OK) {
			fprintf(stderr, "bench-desk: %s\n", err.msg);
			return -1;
		}
		entries = dd->nevents;
		desk_detail_free(dd);
	}
	total = now_ms() - t0;
	fprintf(out, "desk one order read and checked against its signed "
		"history (%zu entries: signatures, chain links, folded again; "
		"mean of %zu): %.2f ms (target: a few ms)\n", entries, n,
		total / (double)n);
	return 0;
}

int main(int argc, char **argv)
{
	static int scroll[200], pages[50], tabs[12], search[16];
	static const char typed[] = "/ber";   /* then Backspace, again */
	char pass[PASS_MAX];
	struct rusage ru;
	struct od_err err;
	struct ui u;
	double kdf, t0, unlocked, drawn, rss0;
	ssize_t len;
	size_t i, ns = 0;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-desk STORE USER 3< PASSPHRASE\n");
		return 2;
	}
	len = read_pass(pass, sizeof pass);
	if (len < 0) {
		fprintf(stderr, "bench-desk: no passphrase on descriptor 3\n");
		return 2;
	}
	/* The figures go to the real stdout; curses draws to /dev/null. */
	fd = dup(STDOUT_FILENO);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (out == NULL || freopen("/dev/null", "w", stdout) == NULL) {
		fprintf(stderr, "bench-desk: %s\n", strerror(errno));
		return 1;
	}
	setenv("TERM", "xterm-256color", 1);
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	setenv("NO_COLOR", "", 1);
	if (time_kdf(argv[1], argv[2], pass, (size_t)len, &kdf) != 0)
		return 1;

	memset(&u, 0, sizeof u);
	if (desk_new(argv[1], &u.desk, &err) != OD_OK) {
		fprintf(stderr, "bench-desk: %s\n", err.msg);
		return 1;
	}
	if (screen_init(&u) != 0) {
		fprintf(stderr, "bench-desk: cannot start curses\n");
		return 1;
	}
	ui_push(&u, &view_orders);
	t0 = now_ms();
	if (desk_unlock(u.desk, argv[2], pass, (size_t)len, &err) != OD_OK) {
		screen_fini();
		fprintf(stderr, "bench-desk: %s\n", err.msg);
		return 1;
	}
	secret_wipe(pass, sizeof pass);
	unlocked = now_ms();
	ui_unlocked(&u);
	ui_draw(&u);
	drawn = now_ms();
	if (u.fatal_code != OD_OK) {
		screen_fini();
		fprintf(stderr, "bench-desk: %s\n", u.fatal);
		return 1;
	}
	fprintf(out, "desk orders indexed: %zu\n", desk_count_status(u.desk,
								    -1));
	fprintf(out, "desk key derivation (Argon2id, apart): %.1f ms\n", kdf);
	fprintf(out, "desk key derivation inside the unlock: %.1f ms\n",
		desk_unlock_kdf_ms(u.desk));
	/* The derivation timed inside this very unlock, not the run apart:
	 * two runs of Argon2id differ by more than the rest takes. */
	fprintf(out, "desk first full screen after unlock (unlock, index and "
		"draw, key derivation taken out): %.1f ms (target: under "
		"100 ms)\n", drawn - t0 - desk_unlock_kdf_ms(u.desk));
	fprintf(out, "desk first draw alone: %.2f ms\n", drawn - unlocked);
	t0 = now_ms();
	if (desk_reload(u.desk, &err) != OD_OK) {
		screen_fini();
		fprintf(stderr, "bench-desk: %s\n", err.msg);
		return 1;
	}
	fprintf(out, "desk index reread alone (r: lock, open, read every "
		"order): %.1f ms\n", now_ms() - t0);

	for (i = 0; i < sizeof scroll / sizeof *scroll; i++)
		scroll[i] = 'j';
	press(&u, "a scroll key (j)", scroll, sizeof scroll / sizeof *scroll);
	for (i = 0; i < sizeof pages / sizeof *pages; i++)
		pages[i] = UI_FN(KEY_NPAGE);
	press(&u, "a page key (PgDn)", pages, sizeof pages / sizeof *pages);
	for (i = 0; i < sizeof tabs / sizeof *tabs; i++)
		tabs[i] = '\t';
	press(&u, "a tab change (Tab)", tabs, sizeof tabs / sizeof *tabs);
	/* '/' opens the search; every later key is one step of it. */
	press(&u, "opening the search (/)", (const int[]){ '/' }, 1);
	/*
	 * The desk reads every order's searchable text once, when it is first
	 * idle (ui.c); that walk of the log is reported apart.
	 */
	rss0 = rss_mib();
	t0 = now_ms();
	if (desk_search_ready(u.desk, &err) != OD_OK) {
		screen_fini();
		fprintf(stderr, "bench-desk: %s\n", err.msg);
		return 1;
	}
	fprintf(out, "desk search text index, read once at the first idle "
		"moment after unlock: %.1f ms\n", now_ms() - t0);
	fprintf(out, "desk search text index: %.1f MiB more resident memory\n",
		rss_mib() - rss0);
	for (i = 1; typed[i]; i++)
		search[ns++] = typed[i];
	search[ns++] = 127;
	search[ns++] = 127;
	for (i = 2; typed[i]; i++)
		search[ns++] = typed[i];
	search[ns++] = 127;
	search[ns++] = 127;
	search[ns++] = 127;
	press(&u, "one step of incremental search", search, ns);
	if (time_order(u.desk) != 0) {
		screen_fini();
		return 1;
	}

	screen_fini();
	desk_free(u.desk);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		fprintf(out, "desk peak memory (index for all orders, curses, "
			"Argon2id's 64 MiB): %.1f MiB\n",
			(double)ru.ru_maxrss / 1024.0);
	fclose(out);
	return 0;
}
