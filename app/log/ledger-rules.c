/*
 * ledger-rules.c - what a statement must be to follow the log: its prev
 * names an entry here, it is not dated before that entry nor before the
 * last clock reset, a reset answers the tip itself; and the backend's
 * bound on a statement's time against its own clock.
 */
#include "app/log/ledger.h"
#include "app/log/ledger-rules.h"

#include <stdlib.h>
#include <string.h>

#include "app/log/clock.h"
#include "app/log/fold.h"
#include "lib/encode.h"

/*
 * The floor no entry may be dated before: the time of the last shop.clock
 * (fold.c records its id).  An id the log no longer has (a desk's rebase
 * took its own reset out to append it again) sets no floor meanwhile.
 */
static enum od_code check_floor(struct store *s, const struct statement *st,
				struct od_err *err)
{
	uint8_t hash[LEDGER_HASH_LEN];
	char *id = NULL, when[21];
	long long seq;
	enum od_code rc;

	rc = store_meta_get(s, FOLD_META_CLOCK_FLOOR, &id, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		rc = store_log_entry(s, id, &seq, when, hash, err);
	free(id);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK && strcmp(st->time, when) < 0)
		rc = od_err_set(err, OD_E_STATE,
				"statement %s is dated before the shop's clock "
				"reset (entry %lld, %s); fix this computer's "
				"clock", st->id, seq, when);
	return rc;
}

/*
 * shop.clock: the owner answers a tip dated ahead of the real time.  It
 * must follow the tip itself (head, seq: what prev names), name that
 * tip's time, and be dated before it: a log whose tip is not ahead has
 * nothing to reset, which also makes a reset good only once.
 */
static enum od_code check_reset(const struct statement *st, long long head,
				long long seq, const char *when,
				struct od_err *err)
{
	const char *answers = statement_get(st, "answers");

	if (seq != head)
		return od_err_set(err, OD_E_STATE,
				  "statement %s resets the clock after entry "
				  "%lld, but the log's last entry is %lld; sync "
				  "and reset again", st->id, seq, head);
	if (answers == NULL || strcmp(answers, when) != 0)
		return od_err_set(err, OD_E_STATE,
				  "statement %s answers a time that is not the "
				  "one of the entry it follows (%lld)", st->id,
				  seq);
	if (strcmp(st->time, when) >= 0)
		return od_err_set(err, OD_E_STATE,
				  "statement %s resets the clock, but entry "
				  "%lld is not dated ahead of it: there is "
				  "nothing to reset", st->id, seq);
	return OD_OK;
}

/*
 * Checks that st follows history this log has: its prev names an entry
 * here, by id and digest ("none" only for the very first), and it is not
 * dated before that entry.  Because prev is signed, removing, replacing or
 * reordering an entry before a statement breaks that statement.
 */
enum od_code ledger_check_chained(struct store *s, const struct statement *st,
				  long long head, struct od_err *err)
{
	uint8_t want[LEDGER_HASH_LEN], have[LEDGER_HASH_LEN];
	char id[STMT_ID_LEN + 1], when[21];
	long long seq;
	enum od_code rc;

	if (strcmp(st->prev, "none") == 0) {
		if (head != 0)
			return od_err_set(err, OD_E_STATE,
					  "statement %s claims to be the first"
					  " in a log that has entries", st->id);
		return OD_OK;
	}
	if (head == 0)
		return od_err_set(err, OD_E_STATE,
				  "the first statement of a log must follow "
				  "nothing (prev: none)");
	memcpy(id, st->prev, STMT_ID_LEN);
	id[STMT_ID_LEN] = '\0';
	rc = hex_decode("prev", st->prev + STMT_ID_LEN + 1, want, sizeof want,
			err);
	if (rc == OD_OK)
		rc = store_log_entry(s, id, &seq, when, have, err);
	if (rc == OD_OK && memcmp(want, have, sizeof want) != 0)
		rc = OD_E_NOTFOUND;
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_STATE,
				  "statement %s follows a log entry this log "
				  "does not have", st->id);
	if (rc != OD_OK)
		return rc;
	if (st->kind == STMT_SHOP_CLOCK)
		rc = check_reset(st, head, seq, when, err);
	else if (strcmp(st->time, when) < 0)
		rc = od_err_set(err, OD_E_STATE,
				"statement %s is dated before the entry it "
				"follows (%lld)", st->id, seq);
	if (rc == OD_OK)
		rc = check_floor(s, st, err);
	return rc;
}

enum od_code ledger_check_fresh(const struct statement *st, time_t now,
				struct od_err *err)
{
	char mine[21], span[32];
	long long ahead;
	enum od_code rc;

	clock_format(now, mine);
	rc = clock_diff(mine, st->time, &ahead, err);
	if (rc != OD_OK)
		return rc;
	clock_span(ahead > 0 ? ahead : -ahead, span, sizeof span);
	if (ahead > CLOCK_SKEW_SECONDS)
		return od_err_set(err, OD_E_STATE, "statement %s is dated %s "
				  "ahead of the backend's clock; fix the "
				  "desk's clock", st->id, span);
	if (st->kind == STMT_SHOP_CLOCK && ahead < -CLOCK_SKEW_SECONDS)
		return od_err_set(err, OD_E_STATE, "the clock reset %s is "
				  "dated %s behind the backend's clock; fix "
				  "this desk's clock and reset again", st->id,
				  span);
	return OD_OK;
}
