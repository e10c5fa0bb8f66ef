/*
 * cmd-clock.c - `orderdesk clock reset`: the owner's way out of a log that
 * a computer with a clock far ahead dated into the future.
 *
 * Every entry must not be dated before the one it follows, so one entry
 * dated years ahead stops everyone else from signing.  The owner signs a
 * shop.clock that names that entry (its prev) and its time, dated by the
 * real clock; the ledger accepts it only while the log's tip is ahead of
 * it, and the backend only when it is dated by the backend's own clock,
 * whose signed head vouches for it.  Later entries must not be dated
 * before the reset.
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/log/clock.h"
#include "app/log/ledger.h"
#include "app/sync/sync-status.h"
#include "app/sync/sync.h"

/* Pulls and pushes, if this store is attached to a backend. */
static enum od_code sync_if_attached(struct shop *sh, int attached,
				     struct od_err *err)
{
	struct sync_report rep;

	return attached ? sync_run(sh, &rep, err) : OD_OK;
}

/*
 * Signs the reset after the log's tip, if the tip is dated ahead of this
 * computer's clock by more than the shop's skew.  Store held for writing.
 */
static enum od_code sign_reset(struct shop *sh, long long *tip,
			       char tip_time[21], long long *seq,
			       struct od_err *err)
{
	uint8_t hash[LEDGER_HASH_LEN];
	char id[STMT_ID_LEN + 1];
	struct statement *st = NULL;
	long long ahead, at;
	enum od_code rc;

	rc = store_log_tip(sh->store, tip, id, hash, err);
	if (rc == OD_OK)
		rc = store_log_entry(sh->store, id, &at, tip_time, hash, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_SHOP_CLOCK, NULL, &st, err);
	if (rc == OD_OK)
		rc = clock_diff(st->time, tip_time, &ahead, err);
	if (rc == OD_OK && ahead <= CLOCK_SKEW_SECONDS)
		rc = od_err_set(err, OD_E_STATE, "the shop's log is not dated "
				"ahead of this computer's clock (its last "
				"entry, %lld, is dated %s); nothing to reset",
				*tip, tip_time);
	if (rc == OD_OK)
		rc = statement_add(st, "answers", tip_time, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, seq, err);
	statement_free(st);
	return rc;
}

/* clock reset */
static enum od_code cmd_clock(struct cli *c, int argc, char **argv,
			      struct od_err *err)
{
	char tip_time[STMT_TIME_LEN + 1];
	struct shop *sh = NULL;
	long long tip = 0, seq = 0, synced = 0;
	int attached = 0;
	enum od_code rc;

	if (argc != 2 || strcmp(argv[1], "reset") != 0)
		return cli_usage(&cmd_clock_entry, err);
	rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc != OD_OK)
		return rc;
	if (sh->role != ROLE_OWNER) {
		rc = od_err_set(err, OD_E_DENIED, "only an owner may reset the "
				"shop's clock; ask the owner");
		goto out;
	}
	rc = sync_synced_seq(sh->store, &attached, &synced, err);
	if (rc != OD_OK)
		goto out;
	/* Answer the backend's tip, not an older one this desk has. */
	shop_release(sh);
	rc = sync_if_attached(sh, attached, err);
	if (rc == OD_OK)
		rc = shop_hold(sh, SHOP_WRITE, err);
	if (rc == OD_OK) {
		rc = sign_reset(sh, &tip, tip_time, &seq, err);
		shop_release(sh);
	}
	if (rc == OD_OK) {
		rc = sync_if_attached(sh, attached, err);
		/* The backend takes it only while it is dated by its clock. */
		if (rc != OD_OK) {
			char why[OD_ERR_MSG_MAX];

			snprintf(why, sizeof why, "%s", err->msg);
			od_err_set(err, rc, "the reset is signed here (entry "
				   "%lld) but did not reach the backend: "
				   "%.200s; sync within five minutes, or reset "
				   "again", seq, why);
		}
	}
	if (rc == OD_OK)
		fprintf(c->out, "Reset the shop's clock: entry %lld was dated "
			"%s; from log entry %lld on, entries are dated by the "
			"real clock again%s.\n", tip, tip_time, seq,
			attached ? " (synced with the backend)" :
				   " (not attached to a backend)");
out:
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_clock_entry = {
	"clock", "reset",
	"the owner answers a log entry dated in the future (a computer's "
	"clock ran ahead), so that everyone can sign again",
	cmd_clock,
};
