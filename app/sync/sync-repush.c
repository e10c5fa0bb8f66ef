/* sync-repush.c - entries pushed again to a backend that lost them
 * (sync-repush.h). */
#include "app/sync/sync-repush.h"

#include <string.h>

#include "app/sync/sync-rebase.h"
#include "storage/store.h"

/* The local entry at one seq: its chain hash. */
struct at_seq {
	uint8_t hash[32];
	int found;
};

static enum od_code at_seq_cb(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	struct at_seq *a = ctx;

	(void)err;
	memcpy(a->hash, r->hash, 32);
	a->found = 1;
	return OD_OK;
}

/* Whether the backend's head (seq, hash) is an entry of this log. */
static enum od_code is_prefix(struct store *s, long long seq,
			      const uint8_t hash[32], int *yes,
			      struct od_err *err)
{
	static const uint8_t none[32];
	struct at_seq a;
	enum od_code rc;

	*yes = 0;
	/* An empty log is a prefix of any, if its head says it is empty. */
	if (seq == 0) {
		*yes = memcmp(hash, none, 32) == 0;
		return OD_OK;
	}
	memset(&a, 0, sizeof a);
	rc = store_log_at(s, seq, at_seq_cb, &a, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		*yes = a.found && memcmp(a.hash, hash, 32) == 0;
	return rc;
}

/* Moves the synced head back to the backend's, in one transaction. */
static enum od_code rewind_seen(struct store *s, long long seq,
				const uint8_t hash[32], struct od_err *err)
{
	enum od_code rc = store_begin(s, err);

	if (rc == OD_OK)
		rc = sync_meta_seen(s, seq, hash, err);
	if (rc == OD_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

enum od_code sync_repush_rewind(struct shop *sh, int own_lock,
				long long head_seq,
				const uint8_t head_hash[32],
				long long *seen_seq, uint8_t seen_hash[32],
				long long *lost,
				struct od_err *err)
{
	enum od_code rc = OD_OK;
	int prefix = 0;

	if (own_lock)
		rc = shop_hold(sh, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	rc = is_prefix(sh->store, head_seq, head_hash, &prefix, err);
	if (rc == OD_OK && !prefix)
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's log is "
				"shorter (%lld entries) than it signed before "
				"(%lld) and its last entry is not this desk's: "
				"history was removed or rewritten; sync stopped "
				"and nothing here was changed", head_seq,
				*seen_seq);
	if (rc == OD_OK)
		rc = rewind_seen(sh->store, head_seq, head_hash, err);
	if (own_lock)
		shop_release(sh);
	if (rc != OD_OK)
		return rc;
	*lost += *seen_seq - head_seq;
	*seen_seq = head_seq;
	memcpy(seen_hash, head_hash, 32);
	return OD_OK;
}
