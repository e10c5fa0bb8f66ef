/*
 * desk-audit.c - the shop's whole log as the owner's audit history shows
 * it: filtered, checked entry by entry, brought up to date, replayed.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "lib/utf8.h"
#include "storage/store.h"

/* One word of an audit filter, matched against an entry. */
static int word_matches(const char *w, size_t wlen, const struct statement *st)
{
	const char *dots = memmem(w, wlen, "..", 2);
	const char *kind = statement_kind_name(st->kind);

	if (dots != NULL) {
		/* A date range: compare the date part of the time. */
		size_t alen = (size_t)(dots - w), blen = wlen - alen - 2;

		return strncmp(st->time, w, alen) >= 0 &&
		       strncmp(st->time, dots + 2, blen) <= 0;
	}
	if (strlen(st->actor) == wlen && memcmp(st->actor, w, wlen) == 0)
		return 1;
	if (strlen(st->order) == wlen && memcmp(st->order, w, wlen) == 0)
		return 1;
	if (kind != NULL && strncmp(kind, w, wlen) == 0)
		return 1;
	return strncmp(st->time, w, wlen) == 0;
}

/* Whether every word of filter matches st. */
static int filter_matches(const char *filter, const struct statement *st)
{
	const char *p = filter, *end;

	while (p != NULL && *p) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ' ');
		if (end == NULL)
			end = p + strlen(p);
		if (!word_matches(p, (size_t)(end - p), st))
			return 0;
		p = end;
	}
	return 1;
}

/* An entry kept for the audit until the walk ends. */
struct kept {
	struct desk_entry e;
	char *text;
	size_t len;
	uint8_t sig[SIGKEY_SIG_LEN];
};

struct audit_walk {
	struct desk *d;
	const char *filter;
	struct kept *ring;      /* DESK_AUDIT_MAX, oldest overwritten */
	size_t next, count;
	long long last_seq;     /* the last entry walked, or where it began */
	uint8_t prev_hash[LEDGER_HASH_LEN];   /* and its chain hash */
	long long scanned;
	long long tip;          /* an entry already read: only compared */
	int moved;              /* it is not in the log as it was read */
	int people;             /* a user.* entry was walked */
};

/* Frees what a kept entry owns. */
static void kept_clear(struct kept *k)
{
	free(k->text);
	free(k->e.detail);
	memset(k, 0, sizeof *k);
}

static enum od_code audit_entry(void *ctx, const struct log_record *r,
				struct od_err *err)
{
	struct audit_walk *w = ctx;
	uint8_t hash[LEDGER_HASH_LEN];
	struct statement *st = NULL;
	struct od_err ignored;
	struct kept *k;
	int chain_ok;
	enum od_code rc;

	if (r->seq <= w->tip) {
		/* Where an update starts: the entry it was read up to. */
		w->moved = r->seq != w->tip ||
			   memcmp(r->hash, w->prev_hash, sizeof hash) != 0;
		return w->moved ? OD_E_EXISTS : OD_OK;
	}
	w->scanned++;
	w->last_seq = r->seq;
	chain_ok = ledger_hash(w->prev_hash, r->seq, r->statement,
			       r->statement_len, r->signature, hash,
			       &ignored) == OD_OK &&
		   memcmp(hash, r->hash, sizeof hash) == 0;
	memcpy(w->prev_hash, r->hash, sizeof w->prev_hash);
	rc = statement_parse(r->statement, r->statement_len, &st, err);
	if (rc != OD_OK)
		return rc;
	if (st->kind == STMT_USER_ADD || st->kind == STMT_USER_ROLE ||
	    st->kind == STMT_USER_REVOKE || st->kind == STMT_USER_REKEY)
		w->people = 1;
	if (!filter_matches(w->filter, st)) {
		statement_free(st);
		return OD_OK;
	}
	k = &w->ring[w->next];
	kept_clear(k);
	w->next = (w->next + 1) % DESK_AUDIT_MAX;
	if (w->count < DESK_AUDIT_MAX)
		w->count++;
	k->e.seq = r->seq;
	memcpy(k->e.time, st->time, sizeof k->e.time);
	memcpy(k->e.actor, st->actor, sizeof k->e.actor);
	memcpy(k->e.order, st->order, sizeof k->e.order);
	k->e.kind = statement_kind_name(st->kind);
	k->e.chain_ok = chain_ok;
	memcpy(k->e.id, st->id, sizeof k->e.id);
	rc = desk_event_detail(st, &k->e.detail, err);
	if (rc == OD_OK && k->e.detail[0] == '\0' &&
	    statement_get(st, "user") != NULL) {
		free(k->e.detail);
		k->e.detail = strdup(statement_get(st, "user"));
		if (k->e.detail == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	k->text = malloc(r->statement_len);
	if (rc == OD_OK && k->text == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK) {
		memcpy(k->text, r->statement, r->statement_len);
		k->len = r->statement_len;
		memcpy(k->sig, r->signature, sizeof k->sig);
	}
	statement_free(st);
	return rc;
}

/* Checks a kept entry's signature, now that it is known to be shown. */
static void audit_check(struct store *s, struct kept *k)
{
	struct log_record r;
	struct statement *st = NULL;
	struct od_err ignored;
	char role[16];

	memset(&r, 0, sizeof r);
	r.statement = k->text;
	r.statement_len = k->len;
	memcpy(r.signature, k->sig, sizeof r.signature);
	if (statement_parse(k->text, k->len, &st, &ignored) != OD_OK)
		return;
	if (st->kind == STMT_SHOP_GENESIS) {
		uint8_t pub[SIGKEY_PUB_LEN];
		struct sigkey_pub *p = NULL;

		/* The founder's key is in the statement itself. */
		k->e.sig_ok = fold_signer_key(s, st, pub, &ignored) == OD_OK &&
			      sigkey_pub_new(pub, &p, &ignored) == OD_OK &&
			      sigkey_pub_verify(p, k->text, k->len, k->sig,
						&ignored) == OD_OK;
		sigkey_pub_free(p);
		snprintf(k->e.role, sizeof k->e.role, "owner");
	} else {
		role[0] = '\0';
		k->e.sig_ok = desk_signature_checks(s, st, &r, role,
						    sizeof role);
		memcpy(k->e.role, role, sizeof k->e.role);
	}
	statement_free(st);
}

/* Whether d may read the whole history with filter. */
static enum od_code audit_may(struct desk *d, const char *filter,
			      struct od_err *err)
{
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (d->sh->role != ROLE_OWNER)
		return od_err_set(err, OD_E_DENIED, "only an owner may read "
				  "the whole history");
	if (filter != NULL && *filter != '\0')
		return utf8_check_text("filter", filter, strlen(filter),
				       DESK_SEARCH_MAX, 0, err);
	return OD_OK;
}

/* Frees what a walk holds. */
static void audit_walk_free(struct audit_walk *w)
{
	size_t i;

	for (i = 0; w->ring != NULL && i < DESK_AUDIT_MAX; i++)
		kept_clear(&w->ring[i]);
	free(w->ring);
	w->ring = NULL;
}

/*
 * Walks the log after old's tip (the whole log if old is NULL) into w,
 * the store held.  w->moved: old's tip is no longer in the log as read.
 */
static enum od_code audit_walk_run(struct desk *d, const char *filter,
				   const struct desk_audit *old,
				   struct audit_walk *w, struct od_err *err)
{
	enum od_code rc;

	audit_walk_free(w);
	memset(w, 0, sizeof *w);
	w->d = d;
	w->filter = filter;
	w->ring = calloc(DESK_AUDIT_MAX, sizeof *w->ring);
	if (w->ring == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (old == NULL || old->tip_seq == 0)
		return store_log_each(d->sh->store, NULL, audit_entry, w, err);
	w->tip = w->last_seq = old->tip_seq;
	memcpy(w->prev_hash, old->tip_hash, sizeof w->prev_hash);
	w->moved = 1;   /* until the tip is met */
	rc = store_log_each_after(d->sh->store, old->tip_seq - 1, audit_entry,
				  w, err);
	return rc == OD_E_EXISTS && w->moved ? OD_OK : rc;
}

/*
 * Fills a with w's entries, checked, newest first, then old's (taken
 * from it; NULL: none) up to DESK_AUDIT_MAX in all.
 */
static enum od_code audit_collect(struct store *s, struct audit_walk *w,
				  struct desk_audit *old, struct desk_audit *a,
				  struct od_err *err)
{
	size_t keep = old != NULL ? old->n : 0, i;

	if (keep > DESK_AUDIT_MAX - w->count)
		keep = DESK_AUDIT_MAX - w->count;
	a->entries = calloc(w->count + keep ? w->count + keep : 1,
			    sizeof *a->entries);
	if (a->entries == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	/* Newest first: walk the ring backwards from the last one kept. */
	for (i = 0; i < w->count; i++) {
		struct kept *k = &w->ring[(w->next + DESK_AUDIT_MAX - 1 - i) %
					  DESK_AUDIT_MAX];

		audit_check(s, k);
		a->entries[i] = k->e;
		k->e.detail = NULL;   /* now the audit's */
	}
	for (i = 0; i < keep; i++) {
		a->entries[w->count + i] = old->entries[i];
		old->entries[i].detail = NULL;
	}
	a->n = w->count + keep;
	a->scanned = (old != NULL ? old->scanned : 0) + w->scanned;
	a->tip_seq = w->last_seq;
	memcpy(a->tip_hash, w->prev_hash, sizeof a->tip_hash);
	return OD_OK;
}

enum od_code desk_audit(struct desk *d, const char *filter,
			struct desk_audit **out, struct od_err *err)
{
	struct audit_walk w;
	struct desk_audit *a = NULL;
	enum od_code rc;

	*out = NULL;
	memset(&w, 0, sizeof w);
	rc = audit_may(d, filter, err);
	if (rc != OD_OK)
		return rc;
	a = calloc(1, sizeof *a);
	if (a == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	snprintf(a->filter, sizeof a->filter, "%s", filter ? filter : "");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		goto out;
	rc = audit_walk_run(d, a->filter, NULL, &w, err);
	if (rc == OD_OK)
		rc = audit_collect(d->sh->store, &w, NULL, a, err);
out:
	if (d->sh != NULL)
		shop_release(d->sh);
	audit_walk_free(&w);
	if (rc != OD_OK) {
		desk_audit_free(a);
		return rc;
	}
	*out = a;
	return OD_OK;
}

enum od_code desk_audit_update(struct desk *d, struct desk_audit *a,
			       struct od_err *err)
{
	struct desk_audit b;
	struct audit_walk w;
	long long head = 0;
	uint8_t hash[LEDGER_HASH_LEN];
	enum od_code rc;
	size_t i;

	memset(&w, 0, sizeof w);
	memset(&b, 0, sizeof b);
	rc = audit_may(d, a->filter, err);
	if (rc == OD_OK)
		rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = store_log_head(d->sh->store, &head, hash, err);
	/* Nothing new: the common case, for the price of one row. */
	if (rc == OD_OK && head == a->tip_seq &&
	    memcmp(hash, a->tip_hash, sizeof hash) == 0)
		goto out;
	if (rc == OD_OK)
		rc = audit_walk_run(d, a->filter, a, &w, err);
	if (rc == OD_OK && (w.moved || w.people)) {
		/* What was read is stale: read it all again. */
		rc = audit_walk_run(d, a->filter, NULL, &w, err);
		if (rc == OD_OK)
			rc = audit_collect(d->sh->store, &w, NULL, &b, err);
	} else if (rc == OD_OK) {
		rc = audit_collect(d->sh->store, &w, a, &b, err);
	}
	if (rc != OD_OK)
		goto out;
	/* What did not fit, and what the whole read replaced. */
	for (i = 0; i < a->n; i++)
		free(a->entries[i].detail);
	free(a->entries);
	memcpy(b.filter, a->filter, sizeof b.filter);
	*a = b;
out:
	if (d->sh != NULL)
		shop_release(d->sh);
	audit_walk_free(&w);
	return rc;
}

void desk_audit_free(struct desk_audit *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		free(a->entries[i].detail);
	free(a->entries);
	free(a);
}

enum od_code desk_verify_all(struct desk *d, long long *entries,
			     struct od_err *err)
{
	struct ledger_report rep;
	enum od_code rc;

	*entries = 0;
	if (d->sh == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	memset(&rep, 0, sizeof rep);
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = ledger_verify(d->sh->store, &rep, err);
	shop_release(d->sh);
	if (rc == OD_OK)
		*entries = rep.entries;
	return rc;
}
