/*
 * fold-restock.c - the restock of a return.close: which of the units that
 * came back go back on the shelf.  Only an accepted return restocks, only
 * what its inspection received (never more units of a SKU than came
 * back), and never a wrong-item return: what came back is not what the
 * shop sent.
 */
#include "app/log/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long fold_units_in(const char *list, const char *sku, size_t n)
{
	long long units = 0;
	const char *p = list;
	size_t len;

	while (*p != '\0') {
		len = strcspn(p, " ,");
		if (len == n && memcmp(p, sku, n) == 0 && p[len] == ' ')
			units += strtoll(p + len + 1, NULL, 10);
		p += strcspn(p, ",");
		p += strspn(p, ", ");
	}
	return units;
}

/* Whether a restock line before line k of st names sku[0..n). */
static int named_before(const struct statement *st, size_t k,
			const char *sku, size_t n)
{
	const char *v;
	size_t i;

	for (i = 0; i < k; i++) {
		v = st->fields[i].value;
		if (strcmp(st->fields[i].name, "restock") == 0 &&
		    strcspn(v, " ") == n && memcmp(v, sku, n) == 0)
			return 1;
	}
	return 0;
}

enum od_code fold_restock_apply(struct store *s, const struct statement *st,
				const struct fold_closing *c,
				struct od_err *err)
{
	const char *v;
	long long qty, back;
	enum od_code rc = OD_OK;
	size_t k, n;
	char sku[65];

	for (k = 0; k < st->nfields && rc == OD_OK; k++) {
		if (strcmp(st->fields[k].name, "restock") != 0)
			continue;
		if (!c->accept)
			return od_err_set(err, OD_E_INPUT, "return %s: only an "
					  "accepted return is restocked",
					  c->rma);
		if (strcmp(c->condition, "wrong-item") == 0)
			return od_err_set(err, OD_E_STATE, "return %s came back "
					  "wrong-item; what came back is not "
					  "what was sent and does not go back "
					  "on the shelf", c->rma);
		v = st->fields[k].value;
		n = strcspn(v, " ");
		qty = strtoll(v + n + 1, NULL, 10);
		back = fold_units_in(c->received, v, n);
		if (named_before(st, k, v, n))
			return od_err_set(err, OD_E_INPUT, "return %s: restock "
					  "names %.*s twice", c->rma, (int)n,
					  v);
		if (qty > back)
			return od_err_set(err, OD_E_STATE, "return %s: %lld of "
					  "%.*s came back; at most %lld can go "
					  "back on the shelf", c->rma, back,
					  (int)n, v, back);
		snprintf(sku, sizeof sku, "%.*s", (int)n, v);
		rc = store_restock_add(s, st->order, c->rma, c->seq, sku, qty,
				       err);
	}
	return rc;
}
