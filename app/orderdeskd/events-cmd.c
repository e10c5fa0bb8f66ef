/* events-cmd.c - `orderdeskd events` (events-cmd.h). */
#include "app/orderdeskd/events-cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/orderdeskd/backend.h"
#include "app/orderdeskd/events.h"
#include "storage/store-events.h"

#define USAGE "usage: orderdeskd --dir DIR events [--since AGE] " \
	      "[--kind KIND] [--summary] (AGE like 90s, 30m, 24h or 7d)"

long long events_parse_age(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10), unit;

	if (end == s || v <= 0 || end[0] == '\0' || end[1] != '\0')
		return 0;
	unit = end[0] == 's' ? 1 : end[0] == 'm' ? 60 : end[0] == 'h' ?
	       3600 : end[0] == 'd' ? 86400 : 0;
	if (unit == 0 || v > 100LL * 365 * 86400 / unit)
		return 0;
	return v * unit;
}

static void stamp(long long when, char out[32])
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *dash(const char *s)
{
	return s[0] != '\0' ? s : "-";
}

static enum od_code print_event(void *ctx, const struct store_event *e,
				struct od_err *err)
{
	char when[32];

	stamp(e->time, when);
	printf("%s  %-18s %-15s %-16s %s\n", when, e->kind, dash(e->addr),
	       dash(e->name), e->detail);
	(*(long long *)ctx)++;
	return OD_OK;
}

static enum od_code print_count(void *ctx, const struct store_event_count *c,
				struct od_err *err)
{
	char first[32], last[32];

	if ((*(long long *)ctx)++ == 0)
		printf("%7s  %-18s %-15s %-20s %s\n", "COUNT", "KIND",
		       "ADDRESS", "FIRST", "LAST");
	stamp(c->first, first);
	stamp(c->last, last);
	printf("%7lld  %-18s %-15s %-20s %s\n", c->count, c->kind,
	       dash(c->addr), first, last);
	return OD_OK;
}

enum od_code events_cmd(const char *dir, int argc, char **argv,
			struct od_err *err)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "summary", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *kind = NULL;
	struct backend *b = NULL;
	long long since = 0, age, n = 0;
	enum od_code rc;
	int opt, summary = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 's' && (age = events_parse_age(optarg)) > 0)
			since = (long long)time(NULL) - age;
		else if (opt == 'k' && event_kind_parse(optarg) >= 0)
			kind = optarg;
		else if (opt == 'k')
			return od_err_set(err, OD_E_USAGE, "no event kind "
					  "%.40s (orderdeskd(8) lists them)",
					  optarg);
		else if (opt == 'S')
			summary = 1;
		else
			return od_err_set(err, OD_E_USAGE, USAGE);
	}
	if (optind != argc)
		return od_err_set(err, OD_E_USAGE, USAGE);
	rc = backend_open(dir, 0, &b, err);
	if (rc == OD_OK && summary)
		rc = store_events_count(backend_store(b), since, kind,
					print_count, &n, err);
	else if (rc == OD_OK)
		rc = store_events_each(backend_store(b), since, kind,
				       print_event, &n, err);
	if (rc == OD_OK && n == 0)
		printf("No security events%s.\n", since > 0 || kind != NULL ?
		       " of that kind or age" : "");
	backend_close(b);
	return rc;
}
