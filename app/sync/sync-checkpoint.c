/* sync-checkpoint.c - the backend's checkpoints, checked and kept. */
#include "app/sync/sync-checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/checkpoint.h"
#include "app/log/clock.h"
#include "app/log/log-key.h"
#include "app/log/witness-policy.h"
#include "app/sync/sync-cosign.h"
#include "app/sync/sync-rebase.h"
#include "lib/encode.h"
#include "lib/merkle.h"
#include "storage/store-merkle.h"

/* A check in progress: the key, the kept and the new checkpoints. */
struct cp_check {
	struct store *s;
	const struct backend_call *bc;
	struct note_verifier v;
	struct checkpoint prev, c;
	int have_prev;
	char *warning;             /* for a warning, or NULL */
	size_t warning_size;
};

enum od_code sync_learned_log_key(struct store *s, struct note_verifier *v,
				  int *known, struct od_err *err)
{
	char *key = NULL, *shop = NULL;
	uint8_t pub[SIGKEY_PUB_LEN + 1];
	size_t n = 0;
	enum od_code rc = store_meta_get(s, SYNC_META_HEADKEY, &key, err);

	*known = 0;
	if (rc == OD_OK)
		rc = store_meta_get(s, "shop", &shop, err);
	/* None yet, or "" since the desk was attached to another backend. */
	if (rc == OD_E_NOTFOUND || (rc == OD_OK && key[0] == '\0')) {
		rc = OD_OK;
		goto out;
	}
	if (rc == OD_OK && (b64_decode("the backend's key", key, strlen(key),
				       pub, sizeof pub, &n, err) != OD_OK ||
			    n != SIGKEY_PUB_LEN))
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's key kept in"
				" this store is damaged; restore a backup");
	if (rc == OD_OK)
		rc = checkpoint_log_key(shop, pub, v, err);
	*known = rc == OD_OK;
out:
	free(key);
	free(shop);
	return rc;
}

/*
 * The log's verifier key as this desk knows it: the one the owner named
 * in the log (app/log/log-key.h), else the one it learned; *known is 0
 * while it has none yet.
 */
static enum od_code known_key(struct store *s, struct note_verifier *v,
			      int *known, struct od_err *err)
{
	char *key = NULL;
	enum od_code rc = store_meta_get(s, LOG_KEY_META, &key, err);

	/* The key the owner named in the log wins over the learned one. */
	if (rc == OD_OK) {
		rc = note_verifier_parse(key, v, err);
		free(key);
		*known = rc == OD_OK;
		return rc == OD_OK ? OD_OK : od_err_set(err, OD_E_TAMPERED,
			"the log key named in this store is damaged; restore "
			"a backup");
	}
	if (rc != OD_E_NOTFOUND)
		return rc;
	return sync_learned_log_key(s, v, known, err);
}

/* The refusal of a checkpoint that does not extend what was before. */
static enum od_code forked(const struct cp_check *k, uint64_t old,
			   const char *what, struct od_err *err)
{
	return od_err_set(err, OD_E_TAMPERED, "the backend's signed "
			  "checkpoint of %llu entries does not extend %s "
			  "(%llu entries): the backend forked the log; both "
			  "are kept in this store as evidence",
			  (unsigned long long)k->c.size, what,
			  (unsigned long long)old);
}

/* Reads the "proof" list of a proof answer o into p. */
static enum od_code read_proof(json_t *o, struct merkle_proof *p,
			       struct od_err *err)
{
	json_t *list = json_object_get(o, "proof"), *h;
	size_t i, n;

	p->n = 0;
	if (!json_is_array(list) || json_array_size(list) > MERKLE_MAX_PROOF)
		goto bad;
	json_array_foreach(list, i, h) {
		if (!json_is_string(h) ||
		    b64_decode("a proof's hash", json_string_value(h),
			       json_string_length(h), p->hash[i],
			       MERKLE_HASH_LEN, &n, err) != OD_OK ||
		    n != MERKLE_HASH_LEN)
			goto bad;
		p->n++;
	}
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "the backend's consistency proof "
			  "is malformed");
}

/*
 * Checks that the tree of old entries with old_root (what) is the start
 * of the new checkpoint, by a consistency proof the backend gives.
 */
static enum od_code extends(const struct cp_check *k, uint64_t old,
			    const uint8_t old_root[MERKLE_HASH_LEN],
			    const char *what, struct od_err *err)
{
	struct merkle_proof p;
	struct od_err why;
	json_t *o = NULL;
	char path[96];
	enum od_code rc;

	if (old == 0)
		return OD_OK;
	if (old == k->c.size)
		return memcmp(old_root, k->c.root, MERKLE_HASH_LEN) == 0 ?
		       OD_OK : forked(k, old, what, err);
	snprintf(path, sizeof path, "/v1/proof/consistency?old=%llu&size=%llu",
		 (unsigned long long)old, (unsigned long long)k->c.size);
	rc = backend_call(k->bc, "GET", path, NULL, NULL, &o, err);
	if (rc == OD_OK)
		rc = read_proof(o, &p, err);
	json_decref(o);
	if (rc == OD_OK && merkle_check_consistency(old, k->c.size, old_root,
						    k->c.root, &p,
						    &why) != OD_OK)
		rc = forked(k, old, what, err);
	return rc;
}

/* Sets one meta value in its own transaction. */
static enum od_code keep(struct store *s, const char *key, const char *value,
			 struct od_err *err)
{
	enum od_code rc = store_begin(s, err);

	if (rc == OD_OK)
		rc = store_meta_set(s, key, value, err);
	if (rc != OD_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/*
 * The checkpoint kept from the last sync, if any, into k->prev.  One
 * that the backend's key does not open was signed by the backend this
 * desk was attached to before (a person attached another: the key was
 * learned again), so this log starts afresh; the store's pages are
 * authenticated, so it cannot be one damaged.
 */
static enum od_code kept(struct cp_check *k, struct od_err *err)
{
	char *note = NULL;
	struct od_err ignored;
	enum od_code rc = store_meta_get(k->s, SYNC_META_CHECKPOINT, &note,
					 err);

	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		k->have_prev = checkpoint_open(note, strlen(note), &k->v,
					       &k->prev, &ignored) == OD_OK;
	free(note);
	return rc;
}

/*
 * Checks the new checkpoint k->c against the kept one and this desk's
 * log (synced entries of it are the backend's).
 */
static enum od_code judge(struct cp_check *k, long long synced,
			  struct od_err *err)
{
	uint8_t own[MERKLE_HASH_LEN];
	uint64_t mine = synced > 0 ? (uint64_t)synced : 0;
	enum od_code rc = OD_OK;

	if (k->have_prev && k->c.size < k->prev.size)
		return od_err_set(err, OD_E_TAMPERED, "the backend's signed "
				  "checkpoint went back from %llu to %llu "
				  "entries: it is hiding entries it signed",
				  (unsigned long long)k->prev.size,
				  (unsigned long long)k->c.size);
	if (k->have_prev)
		rc = extends(k, k->prev.size, k->prev.root,
			     "the one this desk verified before", err);
	if (rc == OD_OK && mine > k->c.size)
		mine = k->c.size;
	if (rc == OD_OK)
		rc = store_merkle_root(k->s, mine, own, err);
	if (rc == OD_OK)
		rc = extends(k, mine, own, "this desk's log", err);
	return rc;
}

/*
 * Checks the note of k->c against the shop's witness policy, if the
 * owner signed one: a quorum of its witnesses must have cosigned it.
 */
static enum od_code witnessed(struct cp_check *k, const char *note,
			      struct od_err *err)
{
	struct witness_policy p;
	size_t len = strlen(note), text_len = 0;
	uint64_t newest = 0;
	long long age;
	char span[32], max[32];
	enum od_code rc = policy_load(k->s, &p, err);

	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		rc = note_open(note, len, &k->v, &text_len, err);
	if (rc == OD_OK)
		rc = policy_check_note(&p, note, len, text_len, k->c.size, err);
	if (rc != OD_OK || p.max_age == 0 || k->warning == NULL)
		return rc;
	/* Online, and the newest cosignature it can get is old: a backend
	 * that withholds looks so, as does one whose witnesses are down. */
	policy_newest(&p, note, len, text_len, &newest);
	age = (long long)time(NULL) - (long long)newest;
	if (age > p.max_age) {
		clock_span(age, span, sizeof span);
		clock_span(p.max_age, max, sizeof max);
		snprintf(k->warning, k->warning_size, "the newest checkpoint "
			 "the shop's witnesses cosigned (%llu entries) is %s "
			 "old, over the policy's %s: the backend may be "
			 "withholding entries, or its witnesses are down",
			 (unsigned long long)k->c.size, span, max);
	}
	return OD_OK;
}

enum od_code sync_checkpoint_kept(struct store *s, char **note,
				  struct checkpoint *c, struct od_err *err)
{
	struct cp_check k = { .s = s };
	int known;
	enum od_code rc = known_key(s, &k.v, &known, err);

	*note = NULL;
	if (rc == OD_OK && known)
		rc = kept(&k, err);
	if (rc != OD_OK)
		return rc;
	if (!k.have_prev)
		return od_err_set(err, OD_E_NOTFOUND, "this desk has no "
				  "checkpoint of its backend yet; run "
				  "`orderdesk sync` first");
	rc = store_meta_get(s, SYNC_META_CHECKPOINT, note, err);
	if (rc == OD_OK)
		*c = k.prev;
	return rc;
}

enum od_code sync_checkpoint(struct store *s, const struct backend_call *bc,
			     long long synced, char *warning,
			     size_t warning_size, struct od_err *err)
{
	struct cp_check k = { .s = s, .bc = bc, .warning = warning,
			      .warning_size = warning_size };
	const char *note;
	json_t *o = NULL;
	long status = 0;
	int known;
	enum od_code rc = known_key(s, &k.v, &known, err);

	if (rc == OD_OK && known)
		rc = kept(&k, err);
	if (rc != OD_OK || !known)
		return rc;
	rc = backend_call(bc, "GET", "/v1/checkpoint", NULL, &status, &o, err);
	/* An older backend has none; one that gave them may not stop. */
	if (rc != OD_OK && status == 404 && !k.have_prev)
		return OD_OK;
	note = json_string_value(json_object_get(o, "checkpoint"));
	if (rc == OD_OK && note == NULL)
		rc = od_err_set(err, OD_E_INPUT, "the backend's answer holds "
				"no checkpoint");
	if (rc == OD_OK)
		rc = checkpoint_open(note, strlen(note), &k.v, &k.c, err);
	if (rc == OD_OK)
		rc = judge(&k, synced, err);
	if (rc == OD_OK)
		rc = witnessed(&k, note, err);
	if (rc == OD_OK)
		rc = keep(s, SYNC_META_CHECKPOINT, note, err);
	/* Only a checkpoint this desk verified is cosigned. */
	if (rc == OD_OK)
		rc = sync_cosign(s, bc, note, &k.c, err);
	else if (rc == OD_E_TAMPERED && k.c.origin[0] != '\0')
		keep(s, SYNC_META_FORK, note, &(struct od_err){ 0 });
	json_decref(o);
	return rc;
}
