/* fold-unconfirm.c - order.unconfirm: a confirmation taken back, in time. */
#include "app/log/fold-unconfirm.h"

#include <stdio.h>
#include <string.h>

#include "app/log/clock.h"
#include "app/log/order.h"

/* A walk for the latest entry of one kind about an order. */
struct last_walk {
	char line[48];          /* "\nkind: NAME\n" */
	long long before;       /* seqs from here on are not looked at */
	struct fold_last *out;
	int found;
};

/* Keeps r if it is of the kind and before the bound (a later one wins). */
static enum od_code last_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct last_walk *w = ctx;
	struct statement *st = NULL;
	size_t head = r->statement_len < 128 ? r->statement_len : 128;
	enum od_code rc;

	if (w->before > 0 && r->seq >= w->before)
		return OD_OK;
	/* The kind is the third line of a canonical text: a look at its
	 * start spares parsing the order's other entries. */
	if (memmem(r->statement, head, w->line, strlen(w->line)) == NULL)
		return OD_OK;
	rc = statement_parse(r->statement, r->statement_len, &st, err);
	if (rc != OD_OK)
		return od_err_set(err, OD_E_TAMPERED, "log entry %lld does not "
				  "parse; the store is damaged", r->seq);
	w->out->seq = r->seq;
	memcpy(w->out->id, st->id, sizeof w->out->id);
	memcpy(w->out->time, st->time, sizeof w->out->time);
	memcpy(w->out->actor, st->actor, sizeof w->out->actor);
	w->found = 1;
	statement_free(st);
	return OD_OK;
}

enum od_code fold_unconfirm_last(struct store *s, const char *number,
				 enum stmt_kind kind, long long before,
				 struct fold_last *out, struct od_err *err)
{
	struct last_walk w;
	const char *name = statement_kind_name(kind);
	enum od_code rc;

	if (name == NULL)
		return od_err_set(err, OD_E_INTERNAL, "unknown statement kind");
	memset(&w, 0, sizeof w);
	snprintf(w.line, sizeof w.line, "\nkind: %s\n", name);
	w.before = before;
	w.out = out;
	rc = store_log_each(s, number, last_cb, &w, err);
	if (rc == OD_OK && !w.found)
		return OD_E_NOTFOUND;
	return rc;
}

/* Whether the order may go back to new at all: confirmed, nothing sent. */
static enum od_code unconfirm_state(const char *n, const struct order_state *os,
				    struct od_err *err)
{
	switch (os->status) {
	case ORDER_CONFIRMED:
		break;
	case ORDER_HELD:
		return od_err_set(err, OD_E_STATE, "order %s is on hold; "
				  "release it first", n);
	case ORDER_NEW:
		return od_err_set(err, OD_E_STATE, "order %s is new: it is not "
				  "confirmed, so there is no confirmation to "
				  "take back", n);
	default:
		return od_err_set(err, OD_E_STATE, "order %s is %s; its "
				  "confirmation cannot be taken back", n,
				  order_status_name(os->status));
	}
	if (os->any_shipped)
		return od_err_set(err, OD_E_STATE, "order %s has shipped "
				  "parcels; its confirmation cannot be taken "
				  "back (open a return when they come back)", n);
	return OD_OK;
}

/* The statement must be dated within the window after the confirmation. */
static enum od_code in_window(const struct statement *st,
			      const struct fold_last *c, struct od_err *err)
{
	char span[32];
	long long after;
	enum od_code rc = clock_diff(c->time, st->time, &after, err);

	if (rc != OD_OK)
		return rc;
	if (after < 0)
		return od_err_set(err, OD_E_STATE, "statement %s is dated "
				  "before the confirmation it takes back "
				  "(entry %lld)", st->id, c->seq);
	if (after <= FOLD_UNCONFIRM_WINDOW)
		return OD_OK;
	clock_span(after, span, sizeof span);
	/* The remedy early: a screen's message line shows about 100 columns. */
	return od_err_set(err, OD_E_STATE, "order %s was confirmed %s before "
			  "this; the limit is %d: cancel or hold it instead "
			  "(entry %lld, %s)", st->order, span,
			  FOLD_UNCONFIRM_WINDOW / 60, c->seq, c->time);
}

enum od_code fold_unconfirm_apply(struct store *s, const struct statement *st,
				  long long seq, struct od_err *err)
{
	const char *undoes = statement_get(st, "undoes");
	struct order_state os;
	struct fold_last c;
	enum od_code rc;

	if (undoes == NULL)
		return od_err_set(err, OD_E_INPUT, "order.unconfirm names no "
				  "confirmation (undoes)");
	rc = store_order_state(s, st->order, &os, err);
	if (rc == OD_OK)
		rc = unconfirm_state(st->order, &os, err);
	if (rc != OD_OK)
		return rc;
	rc = fold_unconfirm_last(s, st->order, STMT_ORDER_CONFIRM, seq, &c,
				 err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_STATE, "order %s has no "
				  "confirmation in the log to take back",
				  st->order);
	if (rc != OD_OK)
		return rc;
	if (strcmp(c.id, undoes) != 0)
		return od_err_set(err, OD_E_STATE, "statement %s takes back a "
				  "confirmation that is not order %s's latest "
				  "(entry %lld); sign it again", st->id,
				  st->order, c.seq);
	rc = in_window(st, &c, err);
	if (rc == OD_OK)
		rc = store_order_set_state(s, st->order, ORDER_NEW,
					   os.held_from, NULL, err);
	return rc;
}

enum od_code fold_unconfirm_redo(struct store *s, const struct statement *st,
				 struct od_err *err)
{
	struct order_state os;
	enum od_code rc = store_order_state(s, st->order, &os, err);

	if (rc == OD_OK)
		rc = unconfirm_state(st->order, &os, err);
	if (rc == OD_OK)
		rc = store_order_set_state(s, st->order, ORDER_NEW,
					   os.held_from, NULL, err);
	return rc;
}

enum od_code fold_unconfirm_fresh(struct store *s, const struct statement *st,
				  time_t now, struct od_err *err)
{
	const char *undoes = statement_get(st, "undoes");
	char mine[STMT_TIME_LEN + 1], when[STMT_TIME_LEN + 1], span[32];
	uint8_t digest[32];
	long long seq, since;
	enum od_code rc;

	if (st->kind != STMT_ORDER_UNCONFIRM || undoes == NULL)
		return OD_OK;
	rc = store_log_entry(s, undoes, &seq, when, digest, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;   /* the fold says why */
	if (rc != OD_OK)
		return rc;
	clock_format(now, mine);
	rc = clock_diff(when, mine, &since, err);
	if (rc != OD_OK || since <= FOLD_UNCONFIRM_WINDOW + CLOCK_SKEW_SECONDS)
		return rc;
	clock_span(since, span, sizeof span);
	return od_err_set(err, OD_E_STATE, "statement %s takes back order %s's "
			  "confirmation (entry %lld) %s after it by the "
			  "backend's clock; it must arrive within %d minutes "
			  "(%d, and %d for clocks): order %s stays confirmed; "
			  "cancel or hold it instead", st->id, st->order, seq,
			  span, (FOLD_UNCONFIRM_WINDOW + CLOCK_SKEW_SECONDS) /
			  60, FOLD_UNCONFIRM_WINDOW / 60,
			  CLOCK_SKEW_SECONDS / 60, st->order);
}
