/*
 * clock.h - how far apart two statement times are, and the skew the shop
 * tolerates between its computers' clocks.
 *
 * A statement's time is the signer's clock.  The ledger refuses an entry
 * dated before the one it follows, so one computer whose clock runs ahead
 * would stop every other one from signing.  Both ends bound it: a desk
 * does not sign while its clock is behind the log's tip by more than
 * CLOCK_SKEW_SECONDS, and the backend does not accept a statement dated
 * more than that ahead of its own clock (see ledger.h for shop.clock, the
 * way out of a log that already has one).
 */
#ifndef OD_CLOCK_H
#define OD_CLOCK_H

#include <stddef.h>
#include <time.h>

#include "lib/err.h"

/* How far two clocks of one shop may disagree: five minutes. */
#define CLOCK_SKEW_SECONDS 300

/* Writes t as a statement time "YYYY-MM-DDTHH:MM:SSZ" into out[21]. */
void clock_format(time_t t, char out[21]);

/*
 * Writes a span of secs seconds (>= 0) for a person, in the unit that
 * fits: "3650 days", "2 hours", "7 minutes" (rounded to the nearest, at
 * least 1 minute).
 */
void clock_span(long long secs, char *out, size_t size);

/*
 * Seconds from time a to time b (b - a), both statement times; a fault in
 * either gives OD_E_INPUT.
 */
enum od_code clock_diff(const char *a, const char *b, long long *secs,
			struct od_err *err);

#endif
