/* clock.c - statement times as numbers, and spans a person can read. */
#include "app/log/clock.h"

#include <stdio.h>
#include <string.h>

/*
 * Parses a statement time "YYYY-MM-DDTHH:MM:SSZ" (already checked by the
 * statement parser) into seconds since 1970.  Anything else: OD_E_INPUT.
 */
static enum od_code clock_parse(const char *text, time_t *out,
				struct od_err *err)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return od_err_set(err, OD_E_INPUT, "not a statement time "
				  "(YYYY-MM-DDTHH:MM:SSZ)");
	*out = timegm(&tm);
	return OD_OK;
}

void clock_format(time_t t, char out[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void clock_span(long long secs, char *out, size_t size)
{
	long long n;
	const char *unit;

	/* Rounded to the nearest: a clock set "+3650d" a few seconds ago
	 * is 3650 days ahead to its owner, not 3649. */
	if (secs >= 2 * 86400) {
		n = (secs + 43200) / 86400;
		unit = "days";
	} else if (secs >= 2 * 3600) {
		n = (secs + 1800) / 3600;
		unit = "hours";
	} else {
		n = (secs + 30) / 60;
		unit = "minutes";
	}
	if (n <= 1) {
		n = 1;
		unit = "minute";   /* days and hours start at 2 */
	}
	snprintf(out, size, "%lld %s", n, unit);
}

enum od_code clock_diff(const char *a, const char *b, long long *secs,
			struct od_err *err)
{
	time_t ta, tb;
	enum od_code rc = clock_parse(a, &ta, err);

	if (rc == OD_OK)
		rc = clock_parse(b, &tb, err);
	if (rc == OD_OK)
		*secs = (long long)tb - (long long)ta;
	return rc;
}
