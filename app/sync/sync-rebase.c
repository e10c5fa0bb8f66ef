/* sync-rebase.c - the outbox moved after what the backend appended. */
#include "app/sync/sync-rebase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/shop/people-race.h"
#include "lib/encode.h"
#include "app/sync/sync-verify.h"
#include "storage/store-sync.h"

/* One outbox statement taken out of the log. */
struct lifted {
	char *text;
	size_t len;
	uint8_t sig[SIGKEY_SIG_LEN];
	struct statement *st;
	int conflicted;
};

/* A rebase in progress. */
struct rebase {
	struct store *s;
	const struct sync_rebase_in *in;
	struct sync_rebase_out *out;
	struct lifted *v;
	size_t n, cap, bytes;
	long long head;
	uint8_t head_hash[32];
	char now[STMT_TIME_LEN + 1];
	struct log_record *staged;  /* a page of staged entries (texts
				       owned), checked ahead together */
	size_t nstaged;
};

/* Staged entries checked ahead at once (sync-verify.h). */
#define STAGED_PAGE 1000

enum od_code sync_diverged(long long at, struct od_err *err)
{
	return od_err_set(err, OD_E_TAMPERED, "DIVERGED: the backend's history "
			  "and this desk's differ at or before entry %lld; "
			  "sync stopped and nothing here was changed: keep "
			  "this store and tell the owner", at);
}

enum od_code sync_meta_seen(struct store *s, long long seq,
			    const uint8_t hash[32], struct od_err *err)
{
	char num[32], hex[65];
	enum od_code rc;

	snprintf(num, sizeof num, "%lld", seq);
	hex_encode(hash, 32, hex);
	rc = store_meta_set(s, SYNC_META_SEEN_SEQ, num, err);
	if (rc == OD_OK)
		rc = store_meta_set(s, SYNC_META_SEEN, hex, err);
	return rc;
}

/*
 * text parsed if it is a user.rekey, else NULL.  The kind is the third
 * line of a canonical text (the ledger has just accepted it), so a look
 * at its start spares parsing every other entry twice.
 */
static struct statement *parse_rekey(const char *text, size_t len)
{
	static const char line[] = "\nkind: user.rekey\n";
	struct statement *st = NULL;
	struct od_err ignored;

	if (memmem(text, len < 128 ? len : 128, line, sizeof line - 1) == NULL)
		return NULL;
	if (statement_parse(text, len, &st, &ignored) != OD_OK)
		return NULL;
	if (st->kind != STMT_USER_REKEY) {
		statement_free(st);
		return NULL;
	}
	return st;
}

/* Adds one rekey to k. */
static void rekeys_add_one(struct sync_rekeys *k, const char *user,
			   long long seq)
{
	if (k->n < SYNC_REKEYS_SHOWN) {
		snprintf(k->v[k->n].user, sizeof k->v[k->n].user, "%s", user);
		k->v[k->n].seq = seq;
	}
	k->n++;
}

void sync_rekeys_note(struct sync_rekeys *k, const char *text, size_t len,
		      long long seq)
{
	struct statement *st = parse_rekey(text, len);

	if (st != NULL)
		rekeys_add_one(k, st->actor, seq);
	statement_free(st);
}

void sync_rekeys_add(struct sync_rekeys *to, const struct sync_rekeys *from)
{
	long long i;

	for (i = 0; i < from->n; i++)
		if (i < SYNC_REKEYS_SHOWN)
			rekeys_add_one(to, from->v[i].user, from->v[i].seq);
		else
			to->n++;
}

/* Whether id is a statement of this desk's outbox (lifted). */
static int lifted_id(const struct rebase *rb, const char *id)
{
	size_t i;

	for (i = 0; i < rb->n; i++)
		if (strcmp(rb->v[i].st->id, id) == 0)
			return 1;
	return 0;
}

/* Copies one outbox entry out of the log, parsed. */
static enum od_code lift_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct rebase *rb = ctx;
	struct lifted *l;
	enum od_code rc;

	if (rb->n == SYNC_REBASE_MAX ||
	    rb->bytes + r->statement_len > SYNC_REBASE_MAX_BYTES)
		return od_err_set(err, OD_E_NOSPACE, "more than %d statements "
				  "wait to be synced; sync from a desk with "
				  "more memory or in smaller steps",
				  SYNC_REBASE_MAX);
	if (rb->n == rb->cap) {
		size_t cap = rb->cap ? 2 * rb->cap : 64;
		struct lifted *v = realloc(rb->v, cap * sizeof *v);

		if (v == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		rb->v = v;
		rb->cap = cap;
	}
	l = &rb->v[rb->n];
	memset(l, 0, sizeof *l);
	l->text = malloc(r->statement_len + 1);
	if (l->text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(l->text, r->statement, r->statement_len);
	l->text[r->statement_len] = '\0';
	l->len = r->statement_len;
	memcpy(l->sig, r->signature, SIGKEY_SIG_LEN);
	rb->n++;
	rb->bytes += r->statement_len;
	rc = statement_parse(l->text, l->len, &l->st, err);
	if (rc != OD_OK)
		return od_err_set(err, OD_E_TAMPERED, "log entry %lld does not "
				  "parse; the store is damaged", r->seq);
	return OD_OK;
}

/* Folds one log entry again: checked for a whole replay, else trusted. */
static enum od_code refold_entry(struct store *s, const struct log_record *r,
				 int whole, struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc = statement_parse(r->statement, r->statement_len, &st,
					  err);

	if (rc == OD_OK)
		rc = whole ? fold_apply(s, st, r->seq, err)
			   : fold_redo(s, st, r->seq, err);
	statement_free(st);
	if (rc != OD_OK && rc != OD_E_NOMEM && rc != OD_E_IO &&
	    rc != OD_E_NOSPACE)
		rc = od_err_set(err, OD_E_TAMPERED, "log entry %lld no longer "
				"folds; the store is damaged: run `orderdesk "
				"audit verify`", r->seq);
	return rc;
}

static enum od_code refold_whole_cb(void *ctx, const struct log_record *r,
				    struct od_err *err)
{
	return refold_entry(ctx, r, 1, err);
}

static enum od_code refold_order_cb(void *ctx, const struct log_record *r,
				    struct od_err *err)
{
	return refold_entry(ctx, r, 0, err);
}

/* Orders by number, for folding each touched order once. */
static int cmp_order(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Makes the state the fold of the log as it now is (the outbox taken
 * out): only the orders the outbox touched, unless it touched people,
 * whose changes reach every later statement; then everything.
 */
static enum od_code refold(struct rebase *rb, struct od_err *err)
{
	const char **orders;
	size_t i, k = 0;
	enum od_code rc = OD_OK;

	for (i = 0; i < rb->n; i++)
		if (!statement_kind_has_order(rb->v[i].st->kind))
			break;
	if (i < rb->n) {
		rc = store_state_forget(rb->s, err);
		if (rc == OD_OK)
			rc = store_log_each(rb->s, NULL, refold_whole_cb, rb->s,
					    err);
		return rc;
	}
	orders = calloc(rb->n ? rb->n : 1, sizeof *orders);
	if (orders == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; i < rb->n; i++)
		orders[i] = rb->v[i].st->order;
	qsort(orders, rb->n, sizeof *orders, cmp_order);
	for (i = 0; rc == OD_OK && i < rb->n; i++) {
		if (i > 0 && strcmp(orders[i], orders[k]) == 0)
			continue;
		k = i;
		rc = store_order_forget(rb->s, orders[i], err);
		if (rc == OD_OK)
			rc = store_log_each(rb->s, orders[i], refold_order_cb,
					    rb->s, err);
	}
	free(orders);
	return rc;
}

/* Appends one staged entry, its signature checked ahead with checked (or
 * NULL: here), and compares its chain hash. */
static enum od_code take_staged(struct rebase *rb, const struct log_record *r,
				const struct statement *parsed,
				const uint8_t *checked, struct od_err *err)
{
	enum od_code rc;

	if (r->seq != rb->head + 1)
		return od_err_set(err, OD_E_BUSY, "the pulled entries do not "
				  "follow this desk's synced head (another "
				  "sync ran meanwhile); sync again");
	rc = sync_accept_parsed(rb->s, r, parsed, checked, err);
	if (rc == OD_OK)
		rc = store_log_head(rb->s, &rb->head, rb->head_hash, err);
	if (rc == OD_OK && memcmp(rb->head_hash, r->hash, 32) != 0)
		rc = sync_diverged(r->seq, err);
	if (rc == OD_OK) {
		/* One of this desk's, come back (its receipt was lost), is
		 * not another desk's change. */
		struct statement *st = parse_rekey(r->statement,
						   r->statement_len);

		if (st != NULL && !lifted_id(rb, st->id))
			rekeys_add_one(&rb->out->rekeys, st->actor, r->seq);
		statement_free(st);
		rb->out->pulled++;
	}
	return rc;
}

/* Takes the page of staged entries gathered so far, in order. */
static enum od_code staged_flush(struct rebase *rb, struct od_err *err)
{
	struct sync_checked c;
	enum od_code rc = OD_OK;
	size_t i;

	sync_check_ahead(rb->s, rb->staged, rb->nstaged, &c);
	for (i = 0; rc == OD_OK && i < rb->nstaged; i++)
		rc = take_staged(rb, &rb->staged[i],
				 sync_checked_statement(&c, i),
				 sync_checked_key(&c, i), err);
	sync_checked_free(&c);
	for (i = 0; i < rb->nstaged; i++)
		free((char *)rb->staged[i].statement);
	rb->nstaged = 0;
	return rc;
}

/* Gathers one staged entry (the walk's record is borrowed: copied). */
static enum od_code staged_cb(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	struct rebase *rb = ctx;
	char *text;

	if (rb->staged == NULL &&
	    (rb->staged = calloc(STAGED_PAGE, sizeof *rb->staged)) == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	text = malloc(r->statement_len + 1);
	if (text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(text, r->statement, r->statement_len);
	text[r->statement_len] = '\0';
	rb->staged[rb->nstaged] = *r;
	rb->staged[rb->nstaged++].statement = text;
	return rb->nstaged == STAGED_PAGE ? staged_flush(rb, err) : OD_OK;
}

/* The last entry about an order: what the shop's log now says. */
struct last_entry {
	char kind[32], actor[STMT_NAME_MAX + 1], time[STMT_TIME_LEN + 1];
	int found;
};

static enum od_code last_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct last_entry *le = ctx;
	struct statement *st = NULL;

	(void)err;
	/* Our own log, checked as it entered: a parse failure cannot be. */
	if (statement_parse(r->statement, r->statement_len, &st, err) !=
	    OD_OK)
		return OD_OK;
	snprintf(le->kind, sizeof le->kind, "%s",
		 statement_kind_name(st->kind));
	snprintf(le->actor, sizeof le->actor, "%s", st->actor);
	snprintf(le->time, sizeof le->time, "%s", st->time);
	le->found = 1;
	statement_free(st);
	return OD_OK;
}

/* Says where an order stands now, after the rebase, for the conflict. */
static enum od_code truth_of(struct rebase *rb, const struct statement *st,
			     char *out, size_t size, struct od_err *err)
{
	struct order_state os;
	struct last_entry le;
	enum od_code rc;

	memset(&le, 0, sizeof le);
	if (st->order[0] == '\0') {
		snprintf(out, size, "the shop's log as the backend holds it "
			 "(orderdesk log)");
		return OD_OK;
	}
	rc = store_order_state(rb->s, st->order, &os, err);
	if (rc == OD_E_NOTFOUND) {
		snprintf(out, size, "order %s is not in the shop's log",
			 st->order);
		return OD_OK;
	}
	if (rc == OD_OK)
		rc = store_log_each(rb->s, st->order, last_cb, &le, err);
	if (rc != OD_OK)
		return rc;
	snprintf(out, size, "order %s is %s; last: %s by %s at %s", st->order,
		 order_status_name(os.status), le.found ? le.kind : "?",
		 le.found ? le.actor : "?", le.found ? le.time : "?");
	return OD_OK;
}

/* Records lifted statement l as a conflict. */
static enum od_code conflict(struct rebase *rb, struct lifted *l,
			     const char *source, const char *reason,
			     struct od_err *err)
{
	struct conflict_record c;
	char truth[OD_ERR_MSG_MAX], race[PEOPLE_RACE_MSG_MAX];
	enum od_code rc = truth_of(rb, l->st, truth, sizeof truth, err);

	/* A rekey of ours that another desk's beat: noted, so that this
	 * desk never takes the key it gave (app/shop/people-race.h). */
	if (rc == OD_OK)
		rc = people_race_note(rb->s, l->st, race, sizeof race, err);
	if (rc != OD_OK)
		return rc;
	memset(&c, 0, sizeof c);
	c.stmt_id = l->st->id;
	c.kind = statement_kind_name(l->st->kind);
	c.order = l->st->order;
	c.actor = l->st->actor;
	c.at = rb->now;
	c.source = source;
	c.reason = reason;
	c.truth = race[0] != '\0' ? race : truth;
	c.statement = l->text;
	c.statement_len = l->len;
	memcpy(c.signature, l->sig, SIGKEY_SIG_LEN);
	rc = store_conflict_add(rb->s, &c, err);
	if (rc == OD_OK) {
		l->conflicted = 1;
		rb->out->conflicts++;
	}
	return rc;
}

/* The statement of the outbox that l follows, if it became a conflict. */
static const struct lifted *follows_conflict(const struct rebase *rb,
					     const struct lifted *l)
{
	size_t i;

	for (i = 0; i < rb->n && &rb->v[i] != l; i++)
		if (rb->v[i].conflicted &&
		    strncmp(l->st->prev, rb->v[i].st->id, STMT_ID_LEN) == 0)
			return &rb->v[i];
	return NULL;
}

/* Appends one outbox statement again, or records why it cannot be. */
static enum od_code replace_one(struct rebase *rb, struct lifted *l,
				struct od_err *err)
{
	const struct lifted *dep;
	char why[OD_ERR_MSG_MAX];
	long long seq;
	size_t i;
	enum od_code rc;

	rc = store_log_find_id(rb->s, l->st->id, &seq, err);
	if (rc == OD_OK) {
		rb->out->landed++;
		return OD_OK;
	}
	if (rc != OD_E_NOTFOUND)
		return rc;
	/* Its signed prev names a statement that was set aside: it cannot
	 * follow anything else, and that is the reason to give. */
	dep = follows_conflict(rb, l);
	if (dep != NULL) {
		snprintf(why, sizeof why, "it was signed right after %s of "
			 "order %s, which was refused, and names it as what "
			 "it follows", statement_kind_name(dep->st->kind),
			 dep->st->order[0] ? dep->st->order : "-");
		return conflict(rb, l, "desk", why, err);
	}
	for (i = 0; i < rb->in->nrefused; i++)
		if (strcmp(rb->in->refused[i].id, l->st->id) == 0)
			return conflict(rb, l, "backend",
					rb->in->refused[i].reason, err);
	rc = store_savepoint(rb->s, err);
	if (rc != OD_OK)
		return rc;
	rc = ledger_accept(rb->s, l->text, l->len, l->sig, &seq, err);
	if (rc == OD_OK) {
		rb->out->waiting++;
		return store_savepoint_end(rb->s, 1, err);
	}
	if (rc == OD_E_NOMEM || rc == OD_E_IO || rc == OD_E_NOSPACE ||
	    rc == OD_E_BUSY)
		return rc;   /* the machine, not the statement: all is undone */
	memcpy(why, err->msg, sizeof why);
	rc = store_savepoint_end(rb->s, 0, err);
	if (rc != OD_OK)
		return rc;
	return conflict(rb, l, "desk", why, err);
}

/* The rebase's steps, inside its transaction. */
static enum od_code rebase_steps(struct rebase *rb, struct od_err *err)
{
	const struct sync_rebase_in *in = rb->in;
	uint8_t hash[32];
	long long head;
	size_t i;
	enum od_code rc;

	rc = store_sync_tables(rb->s, err);
	if (rc == OD_OK)
		rc = store_log_each_after(rb->s, in->seen, lift_cb, rb, err);
	if (rc == OD_OK)
		rc = store_log_cut(rb->s, in->seen, err);
	if (rc == OD_OK)
		rc = store_log_head(rb->s, &head, hash, err);
	if (rc != OD_OK)
		return rc;
	if (head != in->seen || memcmp(hash, in->seen_hash, 32) != 0)
		return sync_diverged(in->seen, err);
	rb->head = head;
	rc = refold(rb, err);
	/* Left over from a sync that was cut off: not this one's. */
	if (rc == OD_OK && !in->staged)
		rc = store_incoming_clear(rb->s, err);
	if (rc == OD_OK)
		rc = store_incoming_each(rb->s, staged_cb, rb, err);
	if (rc == OD_OK)
		rc = staged_flush(rb, err);
	if (rc != OD_OK)
		return rc;
	if (rb->head != in->target ||
	    memcmp(rb->head_hash, in->target_hash, 32) != 0)
		return rb->head < in->target ?
		       od_err_set(err, OD_E_BUSY, "the pulled entries stop "
				  "short of the backend's head; sync again") :
		       sync_diverged(in->target, err);
	for (i = 0; rc == OD_OK && i < rb->n; i++)
		rc = replace_one(rb, &rb->v[i], err);
	if (rc == OD_OK)
		rc = store_incoming_clear(rb->s, err);
	if (rc == OD_OK)
		rc = sync_meta_seen(rb->s, in->target, in->target_hash, err);
	return rc;
}

enum od_code sync_rebase(struct store *s, const struct sync_rebase_in *in,
			 struct sync_rebase_out *out, struct od_err *err)
{
	struct rebase rb;
	struct tm tm;
	time_t now = time(NULL);
	size_t i;
	enum od_code rc;

	memset(&rb, 0, sizeof rb);
	memset(out, 0, sizeof *out);
	rb.s = s;
	rb.in = in;
	rb.out = out;
	rb.head = in->seen;
	memcpy(rb.head_hash, in->seen_hash, 32);
	gmtime_r(&now, &tm);
	strftime(rb.now, sizeof rb.now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = store_begin(s, err);
	if (rc != OD_OK)
		return rc;
	rc = rebase_steps(&rb, err);
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	if (rc != OD_OK)
		memset(out, 0, sizeof *out);
	for (i = 0; i < rb.n; i++) {
		free(rb.v[i].text);
		statement_free(rb.v[i].st);
	}
	free(rb.v);
	for (i = 0; i < rb.nstaged; i++)
		free((char *)rb.staged[i].statement);
	free(rb.staged);
	return rc;
}
