/*
 * cli-restock.c - the restock lines of `return close RMA --accept
 * --restock | --restock-item SKU:QTY ...`: what goes back on the shelf,
 * signed with the close (app/log/fold-restock.c checks it).
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/fold.h"

/* Copies what the return ctx->rma received. */
struct received_look {
	const char *rma;
	char *received;
};

static enum od_code look_received(void *ctx, const struct return_record *r,
				  struct od_err *err)
{
	struct received_look *l = ctx;

	if (strcmp(r->rma, l->rma) != 0)
		return OD_OK;
	free(l->received);
	if ((l->received = strdup(r->received)) == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

/* Adds "SKU QTY" for each SKU of "SKU QTY [SERIAL], ...", units summed. */
static enum od_code restock_all(struct statement *st, const char *received,
				struct od_err *err)
{
	char line[96];
	const char *p, *q;
	size_t n;
	enum od_code rc = OD_OK;

	for (p = received; *p != '\0' && rc == OD_OK;
	     p += strcspn(p, ","), p += strspn(p, ", ")) {
		n = strcspn(p, " ,");
		/* Only at a SKU's first line: fold_units_in sums them all. */
		for (q = received; q < p; q += strcspn(q, ","),
		     q += strspn(q, ", "))
			if (strcspn(q, " ,") == n && memcmp(q, p, n) == 0)
				break;
		if (n == 0 || n > 64 || q < p)
			continue;
		snprintf(line, sizeof line, "%.*s %lld", (int)n, p,
			 fold_units_in(received, p, n));
		rc = statement_add(st, "restock", line, err);
	}
	return rc;
}

enum od_code cli_return_restock(struct shop *sh, const char *order,
				const char *rma, int all, char **items,
				size_t nitems, struct statement *st,
				struct od_err *err)
{
	struct received_look l = { rma, NULL };
	char value[128], *p;
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < nitems && rc == OD_OK; i++) {
		p = strchr(items[i], ':');
		if (p == NULL || p == items[i] || strlen(items[i]) >= sizeof value)
			return od_err_set(err, OD_E_USAGE, "--restock-item: "
					  "give SKU:QUANTITY, e.g. TEA-001:2");
		snprintf(value, sizeof value, "%.*s %s",
			 (int)(p - items[i]), items[i], p + 1);
		rc = statement_add(st, "restock", value, err);
	}
	if (!all || rc != OD_OK)
		return rc;
	rc = store_return_each(sh->store, order, look_received, &l, err);
	if (rc == OD_OK && (l.received == NULL || l.received[0] == '\0'))
		rc = od_err_set(err, OD_E_STATE, "return %s has not been "
				"received; receive it first", rma);
	if (rc == OD_OK)
		rc = restock_all(st, l.received, err);
	free(l.received);
	return rc;
}
