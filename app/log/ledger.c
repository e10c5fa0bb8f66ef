/* ledger.c - appending to the hash-chained log, and replaying it. */
#include "app/log/ledger.h"
#include "app/log/ledger-rules.h"

#include <gnutls/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/clock.h"
#include "app/log/fold.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/secret.h"

enum od_code ledger_hash(const uint8_t prev[LEDGER_HASH_LEN], long long seq,
			 const char *text, size_t len,
			 const uint8_t sig[SIGKEY_SIG_LEN],
			 uint8_t out[LEDGER_HASH_LEN], struct od_err *err)
{
	gnutls_hash_hd_t h;
	uint8_t be[8];
	int i;

	for (i = 0; i < 8; i++)
		be[i] = (uint8_t)((unsigned long long)seq >> (56 - 8 * i));
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot start a SHA-256");
	gnutls_hash(h, prev, LEDGER_HASH_LEN);
	gnutls_hash(h, be, sizeof be);
	gnutls_hash(h, text, len);
	gnutls_hash(h, sig, SIGKEY_SIG_LEN);
	gnutls_hash_deinit(h, out);
	return OD_OK;
}

/*
 * The digest that names an entry in a later statement's prev:
 * SHA-256(statement).  The statement alone is enough to pin history (its
 * signature is checked on its own, and Ed25519 gives one signature per
 * text), and leaving the signature out lets a bulk action build every
 * statement of a batch first and sign them all at once (ledger_append_many).
 */
static enum od_code entry_digest(const char *text, size_t len,
				 uint8_t out[LEDGER_HASH_LEN], struct od_err *err)
{
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, text, len, out) < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot compute a SHA-256");
	return OD_OK;
}

/*
 * Where the log stands: its last entry's seq and hash.  A batch carries it
 * from one entry to the next (its statements were built to follow each
 * other), instead of reading it back and checking the chain each time.
 */
struct log_tip {
	long long head;
	uint8_t hash[LEDGER_HASH_LEN];
};

/*
 * Folds st and appends (text, sig) as the entry after the current head.
 * The statement must already be known authentic.  With tip NULL the head
 * is read and st's prev checked against the log; otherwise st is known to
 * follow tip, which is moved on to the new entry.
 */
static enum od_code append_checked(struct store *s, const struct statement *st,
				   const char *text, size_t len,
				   const uint8_t sig[SIGKEY_SIG_LEN],
				   struct log_tip *tip, long long *seq,
				   struct od_err *err)
{
	uint8_t prev[LEDGER_HASH_LEN];
	struct log_record r;
	struct log_index ix;
	long long head, dup;
	enum od_code rc;

	rc = store_log_find_id(s, st->id, &dup, err);
	if (rc == OD_OK)
		return od_err_set(err, OD_E_EXISTS,
				  "statement %s is already in the log (entry "
				  "%lld); a replay has no effect", st->id, dup);
	if (rc != OD_E_NOTFOUND)
		return rc;
	if (tip != NULL) {
		head = tip->head;
		memcpy(prev, tip->hash, sizeof prev);
	} else {
		rc = store_log_head(s, &head, prev, err);
		if (rc == OD_OK)
			rc = ledger_check_chained(s, st, head, err);
		if (rc != OD_OK)
			return rc;
	}
	rc = fold_apply(s, st, head + 1, err);
	if (rc != OD_OK)
		return rc;
	r.seq = head + 1;
	r.statement = text;
	r.statement_len = len;
	memcpy(r.signature, sig, SIGKEY_SIG_LEN);
	rc = ledger_hash(prev, r.seq, text, len, sig, r.hash, err);
	if (rc == OD_OK)
		rc = entry_digest(text, len, r.digest, err);
	if (rc != OD_OK)
		return rc;
	ix.id = st->id;
	ix.kind = statement_kind_name(st->kind);
	ix.order = st->order;
	ix.actor = st->actor;
	ix.time = st->time;
	rc = store_log_append(s, &r, &ix, err);
	if (rc == OD_OK && seq != NULL)
		*seq = r.seq;
	if (rc == OD_OK && tip != NULL) {
		tip->head = r.seq;
		memcpy(tip->hash, r.hash, sizeof tip->hash);
	}
	return rc;
}

/*
 * Where the log stands for a statement signed now: its last entry's seq
 * (0 for an empty log), id, digest (what a prev names) and time.
 */
struct tip_now {
	long long head;
	char id[STMT_ID_LEN + 1];
	uint8_t digest[LEDGER_HASH_LEN];
	char when[21];
};

static enum od_code tip_read(struct store *s, struct tip_now *t,
			     struct od_err *err)
{
	uint8_t hash[LEDGER_HASH_LEN];
	long long seq;
	enum od_code rc = store_log_tip(s, &t->head, t->id, t->digest, err);

	t->when[0] = '\0';
	if (rc != OD_OK || t->head == 0)
		return rc;
	return store_log_entry(s, t->id, &seq, t->when, hash, err);
}

/*
 * The one rule for the prev field of a statement following t: "none" for
 * an empty log, else the tip's id and digest.
 */
static void tip_prev(const struct tip_now *t, char prev[STMT_PREV_LEN + 1])
{
	if (t->head == 0) {
		snprintf(prev, STMT_PREV_LEN + 1, "none");
		return;
	}
	memcpy(prev, t->id, STMT_ID_LEN);
	prev[STMT_ID_LEN] = ' ';
	hex_encode(t->digest, LEDGER_HASH_LEN, prev + STMT_ID_LEN + 1);
	prev[STMT_PREV_LEN] = '\0';
}

/*
 * Dates st no earlier than the log's tip (when, "" for an empty log): a
 * clock a little behind another desk's is moved up to the tip's time; one
 * further behind than the shop's skew is this computer's to fix, and
 * nothing is signed.  A shop.clock is dated before the tip on purpose.
 */
static enum od_code fit_time(struct statement *st, const char *when,
			     struct od_err *err)
{
	char span[32];
	long long behind;
	enum od_code rc;

	if (when[0] == '\0' || st->kind == STMT_SHOP_CLOCK ||
	    strcmp(st->time, when) >= 0)
		return OD_OK;
	rc = clock_diff(st->time, when, &behind, err);
	if (rc != OD_OK)
		return rc;
	if (behind <= CLOCK_SKEW_SECONDS)
		return statement_set_time(st, when, err);
	clock_span(behind, span, sizeof span);
	return od_err_set(err, OD_E_STATE, "this computer's clock is behind "
			  "the shop's log by %s; fix the clock (if it is "
			  "right, the owner answers the future-dated entry "
			  "with `orderdesk clock reset`)", span);
}

/* Chains st to t: its prev names t, and it is dated no earlier. */
static enum od_code chain_to(struct statement *st, const struct tip_now *t,
			     struct od_err *err)
{
	char prev[STMT_PREV_LEN + 1];
	enum od_code rc = fit_time(st, t->when, err);

	tip_prev(t, prev);
	if (rc == OD_OK)
		rc = statement_set_prev(st, prev, err);
	return rc;
}

enum od_code ledger_prepare(struct store *s, struct statement *st,
			    struct od_err *err)
{
	struct tip_now t;
	enum od_code rc = tip_read(s, &t, err);

	if (rc == OD_OK)
		rc = chain_to(st, &t, err);
	return rc;
}

/*
 * A batch's texts, built before any is signed, and their signatures.
 * Each statement follows the one before it in the batch, the first the
 * entry this signer sees last.
 */
struct batch {
	struct buf *texts;
	const char **msgs;
	size_t *lens;
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
	size_t built;
};

static enum od_code batch_build(struct store *s, struct statement *const *sts,
				size_t n, struct batch *b, struct od_err *err)
{
	struct tip_now t;
	enum od_code rc = tip_read(s, &t, err);
	size_t i;

	for (i = 0; i < n && rc == OD_OK; i++, b->built++) {
		buf_init(&b->texts[i], STMT_MAX_BYTES);
		rc = chain_to(sts[i], &t, err);
		/* What check_chained asks of each later one, kept here. */
		if (rc == OD_OK && i > 0 &&
		    strcmp(sts[i]->time, sts[i - 1]->time) < 0)
			rc = od_err_set(err, OD_E_STATE,
					"statement %s is dated before the one "
					"it follows", sts[i]->id);
		if (rc == OD_OK)
			rc = statement_build(sts[i], &b->texts[i], err);
		if (rc == OD_OK)
			rc = entry_digest(b->texts[i].data, b->texts[i].len,
					  t.digest, err);
		/* The next one follows this one (the tip's time stays the
		 * floor: each is dated no earlier than the one before). */
		t.head++;
		memcpy(t.id, sts[i]->id, STMT_ID_LEN);
		t.id[STMT_ID_LEN] = '\0';
		b->msgs[i] = b->texts[i].data;
		b->lens[i] = b->texts[i].len;
	}
	return rc;
}

/*
 * The one way into the log for a statement signed here: the n texts in b
 * (each built to follow the one before, the first the log's tip) are
 * signed on the spare cores while the ones before are folded and
 * appended.  The first is checked against the log like any statement.
 */
static enum od_code batch_sign_append(struct store *s,
				      const struct sigkey *key,
				      struct statement *const *sts, size_t n,
				      struct batch *b, long long *seqs,
				      struct od_err *err)
{
	struct sigkey_pipe *pipe = NULL;
	struct log_tip tip;
	enum od_code rc;
	size_t i;

	rc = sigkey_pipe_start(key, b->msgs, b->lens, n, b->sigs, &pipe, err);
	for (i = 0; i < n && rc == OD_OK; i++) {
		rc = sigkey_pipe_wait(pipe, i, err);
		if (rc == OD_OK)
			rc = append_checked(s, sts[i], b->msgs[i], b->lens[i],
					    b->sigs[i], i == 0 ? NULL : &tip,
					    seqs != NULL ? &seqs[i] : NULL,
					    err);
		if (rc == OD_OK && i == 0 && n > 1)
			rc = store_log_head(s, &tip.head, tip.hash, err);
	}
	sigkey_pipe_end(pipe);
	return rc;
}

static void batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->built; i++)
		buf_free(&b->texts[i]);
	free(b->texts);
	free(b->msgs);
	free(b->lens);
	free(b->sigs);
}

enum od_code ledger_append_many(struct store *s, const struct sigkey *key,
				struct statement *const *sts, size_t n,
				long long *seqs, struct od_err *err)
{
	struct batch b = { NULL, NULL, NULL, NULL, 0 };
	enum od_code rc;

	if (n == 0)
		return OD_OK;
	b.texts = calloc(n, sizeof *b.texts);
	b.msgs = calloc(n, sizeof *b.msgs);
	b.lens = calloc(n, sizeof *b.lens);
	b.sigs = calloc(n, sizeof *b.sigs);
	if (b.texts == NULL || b.msgs == NULL || b.lens == NULL ||
	    b.sigs == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	else
		rc = batch_build(s, sts, n, &b, err);
	if (rc == OD_OK)
		rc = batch_sign_append(s, key, sts, n, &b, seqs, err);
	batch_free(&b);
	return rc;
}

enum od_code ledger_append(struct store *s, const struct sigkey *key,
			   struct statement *st, long long *seq,
			   struct od_err *err)
{
	return ledger_append_many(s, key, &st, 1, seq, err);
}

enum od_code ledger_try(struct store *s, const struct statement *st,
			struct od_err *err)
{
	long long head = 0;
	uint8_t hash[LEDGER_HASH_LEN];
	enum od_code rc = store_log_head(s, &head, hash, err);

	if (rc == OD_OK)
		rc = store_begin(s, err);
	if (rc != OD_OK)
		return rc;
	rc = fold_apply(s, st, head + 1, err);
	store_rollback(s);
	return rc;
}

/*
 * Whether text, shown before it is signed, still follows the log's tip:
 * its prev names the tip as ledger_prepare would now, and it is dated no
 * earlier than the tip.
 */
static enum od_code shown_at_tip(struct store *s, const struct statement *st,
				 struct od_err *err)
{
	char prev[STMT_PREV_LEN + 1];
	struct tip_now t;
	enum od_code rc = tip_read(s, &t, err);

	if (rc != OD_OK)
		return rc;
	tip_prev(&t, prev);
	if (strcmp(st->prev, prev) != 0 ||
	    (st->kind != STMT_SHOP_CLOCK && strcmp(st->time, t.when) < 0))
		return od_err_set(err, OD_E_STATE, "the shop's log moved on "
				  "while the statement was shown; nothing was "
				  "signed, look at it again");
	return OD_OK;
}

enum od_code ledger_append_shown(struct store *s, const struct sigkey *key,
				 const char *text, size_t len,
				 const struct ledger_then *then,
				 long long *seq, struct od_err *err)
{
	uint8_t sig[1][SIGKEY_SIG_LEN];
	struct batch b = { NULL, &text, &len, sig, 0 };
	struct statement *st = NULL;
	long long at = 0;
	enum od_code rc;

	if (seq != NULL)
		*seq = 0;
	rc = statement_parse(text, len, &st, err);
	if (rc == OD_OK)
		rc = store_begin(s, err);
	if (rc != OD_OK)
		goto out;
	rc = shown_at_tip(s, st, err);
	if (rc == OD_OK)
		rc = batch_sign_append(s, key, &st, 1, &b, &at, err);
	if (rc == OD_OK && then != NULL)
		rc = then->fn(then->ctx, at, err);
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc == OD_OK && seq != NULL)
		*seq = at;
out:
	secret_wipe(sig, sizeof sig);
	statement_free(st);
	return rc;
}

/*
 * The last public key imported for verifying.  Importing checks the point
 * (sigkey.c), which costs about as much as a verification, and a log or a
 * pushed batch is mostly runs of statements by the same person.  One entry
 * for the process, behind a lock: the backend verifies on its server's
 * threads, and a per-thread entry would be lost when a thread ends.  A key
 * is public: nothing to wipe.
 */
static struct {
	pthread_mutex_t lock;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct sigkey_pub *key;
} last_pub = { PTHREAD_MUTEX_INITIALIZER, { 0 }, NULL };

/* Checks sig over text with pub, importing pub unless it is the last one. */
static enum od_code verify_with(const uint8_t pub[SIGKEY_PUB_LEN],
				const char *text, size_t len,
				const uint8_t sig[SIGKEY_SIG_LEN],
				struct od_err *err)
{
	struct sigkey_pub *p = NULL;
	enum od_code rc = OD_OK;

	pthread_mutex_lock(&last_pub.lock);
	if (last_pub.key == NULL ||
	    memcmp(last_pub.pub, pub, SIGKEY_PUB_LEN) != 0) {
		rc = sigkey_pub_new(pub, &p, err);
		if (rc == OD_OK) {
			sigkey_pub_free(last_pub.key);
			memcpy(last_pub.pub, pub, SIGKEY_PUB_LEN);
			last_pub.key = p;
		}
	}
	if (rc == OD_OK)
		rc = sigkey_pub_verify(last_pub.key, text, len, sig, err);
	pthread_mutex_unlock(&last_pub.lock);
	return rc;
}

/*
 * Checks sig over text with the key that must have signed st in s, unless
 * the caller already checked it with that very key (checked_pub).
 */
static enum od_code check_signature(struct store *s, const struct statement *st,
				    const char *text, size_t len,
				    const uint8_t sig[SIGKEY_SIG_LEN],
				    const uint8_t *checked_pub,
				    struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	enum od_code rc;

	rc = fold_signer_key(s, st, pub, err);
	if (rc == OD_OK && checked_pub != NULL &&
	    memcmp(pub, checked_pub, SIGKEY_PUB_LEN) == 0)
		return OD_OK;
	if (rc == OD_OK)
		rc = verify_with(pub, text, len, sig, err);
	if (rc == OD_E_TAMPERED)
		od_err_set(err, OD_E_TAMPERED,
			   "the signature of statement %s by %s does not "
			   "check: it was altered or forged", st->id,
			   st->actor);
	return rc;
}

enum od_code ledger_accept(struct store *s, const char *text, size_t len,
			   const uint8_t sig[SIGKEY_SIG_LEN], long long *seq,
			   struct od_err *err)
{
	return ledger_accept_checked(s, text, len, sig, NULL, seq, err);
}

enum od_code ledger_accept_checked(struct store *s, const char *text,
				   size_t len,
				   const uint8_t sig[SIGKEY_SIG_LEN],
				   const uint8_t *checked_pub, long long *seq,
				   struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc;

	rc = statement_parse(text, len, &st, err);
	if (rc == OD_OK)
		rc = ledger_accept_parsed(s, st, text, len, sig, checked_pub,
					  seq, err);
	statement_free(st);
	return rc;
}

enum od_code ledger_accept_parsed(struct store *s, const struct statement *st,
				  const char *text, size_t len,
				  const uint8_t sig[SIGKEY_SIG_LEN],
				  const uint8_t *checked_pub, long long *seq,
				  struct od_err *err)
{
	enum od_code rc = check_signature(s, st, text, len, sig, checked_pub,
					  err);

	if (rc == OD_OK)
		rc = append_checked(s, st, text, len, sig, NULL, seq, err);
	return rc;
}
