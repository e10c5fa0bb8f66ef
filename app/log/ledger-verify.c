/*
 * ledger-verify.c - replaying the whole log into a fresh store, as if every
 * entry were new, and comparing the result with the stored state
 * (`orderdesk audit verify`, the desk's check of everything).
 */
#include "app/log/ledger.h"

#include <string.h>

#include "lib/progress.h"

/* State of a replay: the fresh store and where the chain stands. */
struct replay {
	struct store *fresh;
	long long expect_seq;
};

/* Replays one entry of the stored log into the fresh store. */
static enum od_code replay_entry(void *ctx, const struct log_record *r,
				 struct od_err *err)
{
	struct replay *rp = ctx;
	uint8_t head_hash[LEDGER_HASH_LEN];
	long long head, seq = 0;
	enum od_code rc;

	if (r->seq != rp->expect_seq)
		return od_err_set(err, OD_E_TAMPERED,
				  "the log skips from entry %lld to %lld: "
				  "entries were removed", rp->expect_seq - 1,
				  r->seq);
	rc = ledger_accept(rp->fresh, r->statement, r->statement_len,
			   r->signature, &seq, err);
	if (rc == OD_OK)
		rc = store_log_head(rp->fresh, &head, head_hash, err);
	if (rc == OD_OK && memcmp(head_hash, r->hash, LEDGER_HASH_LEN) != 0)
		rc = od_err_set(err, OD_E_TAMPERED,
				"the hash chain breaks here: the log was "
				"altered");
	/*
	 * Any refusal means the stored log is not legitimate; only a failure
	 * of the machine itself (memory, disk) is reported as what it is.
	 */
	if (rc != OD_OK && rc != OD_E_NOMEM && rc != OD_E_IO &&
	    rc != OD_E_NOSPACE) {
		char why[OD_ERR_MSG_MAX];

		memcpy(why, err->msg, sizeof why);
		rc = od_err_set(err, OD_E_TAMPERED, "log entry %lld: %.200s",
				r->seq, why);
	}
	rp->expect_seq++;
	progress_step(1);
	return rc;
}

/* Counts rows for the report. */
static enum od_code count_user(void *ctx, const struct user_record *u,
			       struct od_err *err)
{
	(void)err;
	((struct ledger_report *)ctx)->users += u->active;
	return OD_OK;
}

static enum od_code count_order(void *ctx, const struct order *o,
				struct od_err *err)
{
	(void)o;
	(void)err;
	((struct ledger_report *)ctx)->orders++;
	return OD_OK;
}

enum od_code ledger_verify(struct store *s, struct ledger_report *rep,
			   struct od_err *err)
{
	struct replay rp = { NULL, 1 };
	struct store_filter all = { -1, NULL };
	uint8_t want[32], got[32];
	long long head = -1;
	enum od_code rc;

	memset(rep, 0, sizeof *rep);
	rc = store_open_memory(&rp.fresh, err);
	if (rc != OD_OK)
		return rc;
	rc = store_log_head(s, &head, want, err);
	if (rc == OD_OK)
		rc = store_begin(rp.fresh, err);
	progress_phase("verifying", "entries", head);
	if (rc == OD_OK)
		rc = store_log_each(s, NULL, replay_entry, &rp, err);
	if (rc == OD_OK)
		rc = store_commit(rp.fresh, err);
	if (rc == OD_OK && rp.expect_seq == 1)
		rc = od_err_set(err, OD_E_TAMPERED,
				"the log is empty: the shop was never founded");
	if (rc == OD_OK)
		rc = store_state_digest(s, want, err);
	if (rc == OD_OK)
		rc = store_state_digest(rp.fresh, got, err);
	if (rc == OD_OK && memcmp(want, got, sizeof want) != 0)
		rc = od_err_set(err, OD_E_TAMPERED,
				"the stored orders or users differ from what "
				"the log says: the tables were altered");
	if (rc == OD_OK) {
		rep->entries = rp.expect_seq - 1;
		rc = store_user_each(rp.fresh, count_user, rep, err);
	}
	if (rc == OD_OK)
		rc = store_order_each(rp.fresh, &all, count_order, rep, err);
	store_close(rp.fresh);
	return rc;
}
