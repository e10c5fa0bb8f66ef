/*
 * unlock-fails.h - failed unlocks of a desk's store, kept for its owner.
 *
 * A wrong passphrase cannot open the encrypted store, so the record of the
 * attempts lies beside it, in STORE/unlock-failures (mode 0600): how many,
 * the first and last time.  Never the passphrase or the name tried: it
 * says someone tried, not what.  The next sync reports it to the backend
 * (app/sync/sync-unlock-report.h), which keeps it as a security event, and
 * the record goes.
 */
#ifndef OD_UNLOCK_FAILS_H
#define OD_UNLOCK_FAILS_H

#include "lib/err.h"

#define UNLOCK_FAILS_FILE "unlock-failures"

struct unlock_fails {
	long long count;
	long long first;      /* unix time */
	long long last;
};

/* Counts one failed unlock of the store in dir (best effort: a record
 * that cannot be written must not stand in the way of the next try). */
void unlock_fails_note(const char *dir);

/* Reads the record (count 0 when there is none). */
enum od_code unlock_fails_read(const char *dir, struct unlock_fails *f,
			       struct od_err *err);

/* Removes the record if it still holds what was reported (f): failures
 * noted meanwhile are kept for the next report. */
void unlock_fails_clear(const char *dir, const struct unlock_fails *f);

#endif
