/* ledger.c - appending to the hash-chained log, and replaying it. */
#include "app/log/ledger.h"

#include <gnutls/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/clock.h"
#include "app/log/fold.h"
#include "lib/buf.h"
#include "lib/encode.h"

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
static enum od_code check_chained(struct store *s, const struct statement *st,
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
			rc = check_chained(s, st, head, err);
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

/* Points st's prev at the entry (tip_id, digest), or at nothing. */
static enum od_code set_prev(struct statement *st, int empty,
			     const char *tip_id,
			     const uint8_t digest[LEDGER_HASH_LEN],
			     struct od_err *err)
{
	char prev[STMT_PREV_LEN + 1];

	if (empty)
		return statement_set_prev(st, "none", err);
	memcpy(prev, tip_id, STMT_ID_LEN);
	prev[STMT_ID_LEN] = ' ';
	hex_encode(digest, LEDGER_HASH_LEN, prev + STMT_ID_LEN + 1);
	return statement_set_prev(st, prev, err);
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

/* The time of the log's tip into when[21], "" for an empty log. */
static enum od_code tip_time(struct store *s, long long head,
			     const char *tip_id, char when[21],
			     struct od_err *err)
{
	uint8_t hash[LEDGER_HASH_LEN];
	long long seq;

	when[0] = '\0';
	if (head == 0)
		return OD_OK;
	return store_log_entry(s, tip_id, &seq, when, hash, err);
}

enum od_code ledger_fit_time(struct store *s, struct statement *st,
			     struct od_err *err)
{
	uint8_t digest[LEDGER_HASH_LEN];
	char tip_id[STMT_ID_LEN + 1], when[21];
	long long head = 0;
	enum od_code rc = store_log_tip(s, &head, tip_id, digest, err);

	if (rc == OD_OK)
		rc = tip_time(s, head, tip_id, when, err);
	if (rc == OD_OK)
		rc = fit_time(st, when, err);
	return rc;
}

/*
 * A batch's texts, built before any is signed: each statement follows the
 * one before it in the batch, the first the entry this signer sees last.
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
	uint8_t digest[LEDGER_HASH_LEN];
	char tip_id[STMT_ID_LEN + 1], when[21];
	long long head = 0;
	enum od_code rc;
	size_t i;

	rc = store_log_tip(s, &head, tip_id, digest, err);
	if (rc == OD_OK)
		rc = tip_time(s, head, tip_id, when, err);
	for (i = 0; i < n && rc == OD_OK; i++, b->built++) {
		buf_init(&b->texts[i], STMT_MAX_BYTES);
		rc = fit_time(sts[i], when, err);
		/* What check_chained asks of each later one, kept here. */
		if (rc == OD_OK && i > 0 &&
		    strcmp(sts[i]->time, sts[i - 1]->time) < 0)
			rc = od_err_set(err, OD_E_STATE,
					"statement %s is dated before the one "
					"it follows", sts[i]->id);
		if (rc == OD_OK)
			rc = set_prev(sts[i], head == 0 && i == 0, tip_id,
				      digest, err);
		if (rc == OD_OK)
			rc = statement_build(sts[i], &b->texts[i], err);
		if (rc == OD_OK)
			rc = entry_digest(b->texts[i].data, b->texts[i].len,
					  digest, err);
		memcpy(tip_id, sts[i]->id, STMT_ID_LEN);
		tip_id[STMT_ID_LEN] = '\0';
		b->msgs[i] = b->texts[i].data;
		b->lens[i] = b->texts[i].len;
	}
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
	struct sigkey_pipe *pipe = NULL;
	struct log_tip tip;
	enum od_code rc;
	size_t i;

	if (n == 0)
		return OD_OK;
	b.texts = calloc(n, sizeof *b.texts);
	b.msgs = calloc(n, sizeof *b.msgs);
	b.lens = calloc(n, sizeof *b.lens);
	b.sigs = calloc(n, sizeof *b.sigs);
	if (b.texts == NULL || b.msgs == NULL || b.lens == NULL ||
	    b.sigs == NULL) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	rc = batch_build(s, sts, n, &b, err);
	/*
	 * Entry i is folded and stored while the next ones are signed.  The
	 * first is checked against the log like any statement; each later
	 * one was built above to follow the one before it.
	 */
	if (rc == OD_OK)
		rc = sigkey_pipe_start(key, b.msgs, b.lens, n, b.sigs, &pipe,
				       err);
	for (i = 0; i < n && rc == OD_OK; i++) {
		rc = sigkey_pipe_wait(pipe, i, err);
		if (rc == OD_OK)
			rc = append_checked(s, sts[i], b.texts[i].data,
					    b.texts[i].len, b.sigs[i],
					    i == 0 ? NULL : &tip,
					    seqs != NULL ? &seqs[i] : NULL,
					    err);
		if (rc == OD_OK && i == 0 && n > 1)
			rc = store_log_head(s, &tip.head, tip.hash, err);
	}
	sigkey_pipe_end(pipe);
out:
	batch_free(&b);
	return rc;
}

enum od_code ledger_append(struct store *s, const struct sigkey *key,
			   struct statement *st, long long *seq,
			   struct od_err *err)
{
	return ledger_append_many(s, key, &st, 1, seq, err);
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
		rc = check_signature(s, st, text, len, sig, checked_pub, err);
	if (rc == OD_OK)
		rc = append_checked(s, st, text, len, sig, NULL, seq, err);
	statement_free(st);
	return rc;
}
