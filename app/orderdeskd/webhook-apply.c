/*
 * webhook-apply.c - one storefront order from a webhook, made the signed
 * statements that bring the shop up to date with it (webhook.h): what
 * `orderdesk import` decides for an order of a storefront's export
 * (app/import/import-update.h), here signed by the backend with the
 * storefront's key.
 */
#include "app/orderdeskd/webhook.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/import/import-update.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/log/statement.h"
#include "storage/store-hooks.h"

/* The statement of one step of plan p, as storefront sf; *out is the
 * caller's. */
static enum od_code make_step(const char *sf, const char *fp,
			      const struct order *o,
			      const struct import_meta *m,
			      const struct import_plan *p, size_t i,
			      struct statement **out, struct od_err *err)
{
	enum od_code rc;

	rc = statement_new(p->steps[i], sf, fp, o->number, out, err);
	if (rc == OD_OK)
		rc = import_plan_fill(o, m, p, i, *out, err);
	return rc;
}

/* Signs and logs plan p and the delivery, in one transaction. */
static enum od_code sign_plan(struct backend *b, const struct sigkey *k,
			      const char *fp, const char *sf,
			      const char *kind, const struct order *o,
			      const struct import_meta *m,
			      const struct import_plan *p,
			      const char *delivery,
			      struct od_err *err)
{
	struct store *s = backend_store(b);
	struct statement *st = NULL;
	enum od_code rc;
	size_t i;

	rc = store_begin(s, err);
	for (i = 0; rc == OD_OK && i < p->n; i++) {
		rc = make_step(sf, fp, o, m, p, i, &st, err);
		if (rc == OD_OK)
			rc = ledger_append(s, k, st, NULL, err);
		statement_free(st);
		st = NULL;
	}
	if (rc == OD_OK && delivery != NULL)
		rc = store_hook_mark(s, sf, kind, delivery, time(NULL), err);
	if (rc == OD_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

enum od_code webhook_apply(struct backend *b, const char *sf,
			   const char *kind, const struct order *o,
			   const struct import_meta *m, const char *delivery,
			   struct webhook_result *res, struct od_err *err)
{
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	struct od_err oerr;
	struct import_plan p;
	enum od_code rc;

	memset(res, 0, sizeof *res);
	/* A storefront the owner has not approved (or has revoked): the
	 * caller says so, and the storefront retries. */
	rc = backend_storefront_signer(b, sf, &k, fp, err);
	if (rc != OD_OK)
		return rc;
	od_err_clear(&oerr);
	rc = import_plan_decide(backend_store(b), o, m, &p, &oerr);
	if (rc == OD_OK)
		rc = sign_plan(b, k, fp, sf, kind, o, m, &p, delivery, &oerr);
	sigkey_free(k);
	if (rc == OD_OK)
		res->statements = p.n;
	else if (rc == OD_E_INPUT || rc == OD_E_STATE || rc == OD_E_DENIED ||
		 rc == OD_E_EXISTS)
		snprintf(res->refused, sizeof res->refused, "%s", oerr.msg);
	else
		return od_err_set(err, rc, "%s", oerr.msg);
	return OD_OK;
}
