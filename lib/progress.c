/* progress.c - the progress line of long jobs (see progress.h). */
#include "lib/progress.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* One line per process: only a command (one thread) begins it. */
static struct {
	int on;
	char kept[160];
	char verb[32], unit[32];
	long long done, total;
	double start, drawn;
	struct sigaction old_int, old_term;
} P;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Async-signal-safe: write(2) and _exit(2) only. */
static void on_signal(int sig)
{
	static const char lead[] = "\r\033[Kinterrupted; ";
	ssize_t unused;

	unused = write(STDERR_FILENO, lead, sizeof lead - 1);
	unused = write(STDERR_FILENO, P.kept, strlen(P.kept));
	unused = write(STDERR_FILENO, "\n", 1);
	(void)unused;
	_exit(128 + sig);
}

void progress_begin(const char *kept)
{
	struct sigaction sa;

	if (P.on || !isatty(STDERR_FILENO))
		return;
	memset(&P, 0, sizeof P);
	snprintf(P.kept, sizeof P.kept, "%s", kept);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &P.old_int);
	sigaction(SIGTERM, &sa, &P.old_term);
	P.on = 1;
}

void progress_phase(const char *verb, const char *unit, long long total)
{
	if (!P.on)
		return;
	snprintf(P.verb, sizeof P.verb, "%s", verb);
	snprintf(P.unit, sizeof P.unit, "%s", unit);
	P.done = 0;
	P.total = total;
	P.start = now();
	P.drawn = 0;
}

/* 12345678 as "12,345,678". */
static void commas(char *buf, size_t size, long long n)
{
	char digits[32];
	size_t len, i, o = 0;

	len = (size_t)snprintf(digits, sizeof digits, "%lld", n < 0 ? 0 : n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

void progress_format(char *buf, unsigned long size, const char *verb,
		     const char *unit, long long done, long long total,
		     double secs)
{
	char d[32], t[32], rate[48] = "", left[48] = "";
	double per = secs > 0.05 ? (double)done / secs : 0;

	commas(d, sizeof d, done);
	commas(t, sizeof t, total);
	if (per >= 1) {
		commas(rate, sizeof rate, (long long)per);
		strncat(rate, "/s", sizeof rate - strlen(rate) - 1);
	}
	if (per >= 1 && total > done) {
		long long s = (long long)((double)(total - done) / per + 0.5);

		snprintf(left, sizeof left, " · %lld:%02lld left", s / 60,
			 s % 60);
	}
	if (total >= 0)
		snprintf(buf, size, "%s: %s of %s %s%s%s%s", verb, d, t, unit,
			 rate[0] ? " · " : "", rate, left);
	else
		snprintf(buf, size, "%s: %s %s%s%s", verb, d, unit,
			 rate[0] ? " · " : "", rate);
}

void progress_step(long long n)
{
	char line[200];
	double t;

	if (!P.on)
		return;
	P.done += n;
	t = now();
	if (t - P.drawn < 0.1 && P.done != P.total)
		return;
	P.drawn = t;
	progress_format(line, sizeof line, P.verb, P.unit, P.done, P.total,
			t - P.start);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
}

void progress_end(void)
{
	if (!P.on)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	sigaction(SIGINT, &P.old_int, NULL);
	sigaction(SIGTERM, &P.old_term, NULL);
	P.on = 0;
}
