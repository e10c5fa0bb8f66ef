/*
 * fold-amend.c - order.amend: before anything ships, a corrected ship-to,
 * each part given as its old and its new value (the items:
 * fold-amend-items.c).  The old value must be the
 * order's at this point of the log, so the signed amendment shows what it
 * replaced, and an amendment made from a stale view is refused.
 */
#include "app/log/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"

/* Refuses an order that is not new, confirmed or held, or has shipped. */
static enum od_code amendable(const struct order *o, struct od_err *err)
{
	size_t i;

	if (o->status != ORDER_NEW && o->status != ORDER_CONFIRMED &&
	    o->status != ORDER_HELD)
		return od_err_set(err, OD_E_STATE, "order %s is %s; only an "
				  "order not yet shipped can be amended",
				  o->number, order_status_name(o->status));
	for (i = 0; i < o->nitems; i++)
		if (o->items[i].shipped > 0)
			return od_err_set(err, OD_E_STATE, "order %s has "
					  "shipped parcels; it cannot be "
					  "amended", o->number);
	return OD_OK;
}

/*
 * One single-valued part: field's new value replaces *cur (or the
 * country) when was-field is what *cur is now.  *changed counts.
 */
static enum od_code amend_part(const struct statement *st,
			       const char *field, char **cur, char *country,
			       int *changed, struct od_err *err)
{
	char was_name[32];
	const char *now = cur ? (*cur ? *cur : "") : country, *was, *v;
	char *copy;

	snprintf(was_name, sizeof was_name, "was-%s", field);
	v = statement_get(st, field);
	was = statement_get(st, was_name);
	if (v == NULL && was != NULL)
		return od_err_set(err, OD_E_INPUT, "%s without %s", was_name,
				  field);
	if (v == NULL)
		return OD_OK;
	if (strcmp(was ? was : "", now) != 0)
		return od_err_set(err, OD_E_STATE, "order %s's %s is \"%.64s\", "
				  "not \"%.64s\" as the amendment says; amend "
				  "what it is now", st->order, field, now,
				  was ? was : "");
	if (strcmp(v, now) == 0)
		return od_err_set(err, OD_E_INPUT, "order %s's %s is already "
				  "\"%.64s\"", st->order, field, now);
	if (cur == NULL) {
		memcpy(country, v, 3);
	} else {
		if ((copy = strdup(v)) == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		free(*cur);
		*cur = copy;
	}
	(*changed)++;
	return OD_OK;
}

/* Gathers the values of field into v (at most ORDER_MAX_LINES). */
static size_t values(const struct statement *st, const char *field,
		     const char *v[ORDER_MAX_LINES])
{
	size_t i, n = 0;

	for (i = 0; i < st->nfields && n < ORDER_MAX_LINES; i++)
		if (strcmp(st->fields[i].name, field) == 0)
			v[n++] = st->fields[i].value;
	return n;
}

/* The address lines, as a whole: the old set must be the order's. */
static enum od_code amend_lines(const struct statement *st, struct order *o,
				int *changed, struct od_err *err)
{
	const char *was[ORDER_MAX_LINES], *now[ORDER_MAX_LINES];
	size_t nwas = values(st, "was-ship-line", was);
	size_t nnow = values(st, "ship-line", now), i, same = nnow == o->nlines;
	char *copy[ORDER_MAX_LINES] = { NULL };

	if (nnow == 0 && nwas > 0)
		return od_err_set(err, OD_E_INPUT,
				  "was-ship-line without ship-line");
	if (nnow == 0)
		return OD_OK;
	if (nwas != o->nlines)
		goto stale;
	for (i = 0; i < nwas; i++)
		if (strcmp(was[i], o->ship_lines[i]) != 0)
			goto stale;
	for (i = 0; same && i < nnow; i++)
		same = strcmp(now[i], o->ship_lines[i]) == 0;
	if (same)
		return od_err_set(err, OD_E_INPUT, "order %s's address lines "
				  "are already those", o->number);
	for (i = 0; i < nnow; i++)
		if ((copy[i] = strdup(now[i])) == NULL) {
			while (i > 0)
				free(copy[--i]);
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		}
	for (i = 0; i < o->nlines; i++)
		free(o->ship_lines[i]);
	memcpy(o->ship_lines, copy, sizeof copy);
	o->nlines = nnow;
	(*changed)++;
	return OD_OK;
stale:
	return od_err_set(err, OD_E_STATE, "order %s's address lines are not "
			  "the ones the amendment says they were; amend what "
			  "they are now", o->number);
}

enum od_code fold_amend_apply(struct store *s, const struct statement *st,
			      struct od_err *err)
{
	struct order *o = NULL;
	int changed = 0;
	enum od_code rc = store_order_get(s, st->order, &o, err);

	if (rc == OD_OK)
		rc = amendable(o, err);
	if (rc == OD_OK)
		rc = amend_part(st, "ship-name", &o->ship_name, NULL, &changed,
				err);
	if (rc == OD_OK)
		rc = amend_lines(st, o, &changed, err);
	if (rc == OD_OK)
		rc = amend_part(st, "ship-city", &o->city, NULL, &changed, err);
	if (rc == OD_OK)
		rc = amend_part(st, "ship-postcode", &o->postcode, NULL,
				&changed, err);
	if (rc == OD_OK)
		rc = amend_part(st, "ship-country", NULL, o->country, &changed,
				err);
	if (rc == OD_OK)
		rc = fold_amend_items(s, st, o, &changed, err);
	if (rc == OD_OK && changed == 0)
		rc = od_err_set(err, OD_E_INPUT, "an amendment needs a new "
				"value");
	if (rc == OD_OK)   /* a ship-to is all or none */
		rc = order_ship_to_check(o, err);
	if (rc == OD_OK)
		rc = store_order_set_ship_to(s, o, err);
	record_order_free(o);
	return rc;
}

enum od_code fold_amend_describe(const struct statement *st, struct buf *b,
				 struct od_err *err)
{
	static const char *const parts[] = {
		"ship-name", "ship-line", "ship-city", "ship-postcode",
		"ship-country", "item", "add-item", "total",
	};
	const char *was[ORDER_MAX_LINES], *now[ORDER_MAX_LINES];
	char was_name[32];
	size_t i, k, nwas, nnow;
	enum od_code rc = OD_OK;

	for (i = 0; rc == OD_OK && i < sizeof parts / sizeof parts[0]; i++) {
		snprintf(was_name, sizeof was_name, "was-%s", parts[i]);
		nwas = values(st, was_name, was);
		nnow = values(st, parts[i], now);
		if (nnow == 0)
			continue;
		rc = buf_addf(b, err, "%s%s ", b->len ? "; " : "", parts[i]);
		for (k = 0; rc == OD_OK && k < nwas; k++)
			rc = buf_addf(b, err, "%s\"%s\"", k ? ", " : "", was[k]);
		if (rc == OD_OK && nwas == 0)
			rc = buf_addf(b, err, "(none)");
		rc = rc == OD_OK ? buf_addf(b, err, " -> ") : rc;
		for (k = 0; rc == OD_OK && k < nnow; k++)
			rc = buf_addf(b, err, "%s\"%s\"", k ? ", " : "", now[k]);
	}
	return rc;
}
