/*
 * backend-import.c - `orderdeskd import` with the overlap handling of
 * `orderdesk import` (backend-import.h).
 */
#include "app/orderdeskd/backend-import.h"

#include <string.h>

#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/log/statement.h"

/* Reads the whole file, checking every order; rewinds it to its source. */
static enum od_code check_file(struct import_reader *in, struct od_err *err)
{
	enum import_source src = IMPORT_AUTO;
	struct order *o;
	enum od_code rc;

	while ((rc = import_next(in, &o, err)) == OD_OK && o != NULL) {
		src = import_last_meta(in)->source;
		order_free(o);
	}
	if (rc == OD_OK)
		rc = import_set_source(in, src, err);
	return rc;
}

/* Signs and logs what order o needs, as storefront name with key k. */
static enum od_code bring_up(struct store *s, const struct sigkey *k,
			     const char *name, const char *fp,
			     const struct order *o,
			     const struct import_meta *m,
			     struct import_tally *t, struct od_err *err)
{
	struct statement *st = NULL;
	struct import_plan p;
	enum od_code rc;
	size_t i;

	rc = import_plan_decide(s, o, m, &p, err);
	for (i = 0; rc == OD_OK && i < p.n; i++) {
		rc = statement_new(p.steps[i], name, fp, o->number, &st, err);
		if (rc == OD_OK)
			rc = import_plan_fill(o, m, &p, i, st, err);
		if (rc == OD_OK)
			rc = ledger_append(s, k, st, NULL, err);
		statement_free(st);
		st = NULL;
	}
	if (rc == OD_OK)
		import_tally_add(t, &p);
	return rc;
}

enum od_code backend_import_file(struct backend *b, const char *name,
				 struct import_reader *in,
				 struct import_tally *t, struct od_err *err)
{
	struct store *s = backend_store(b);
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	struct order *o;
	enum od_code rc;

	memset(t, 0, sizeof *t);
	/* A file that does not parse signs nothing: read it whole first. */
	rc = check_file(in, err);
	if (rc == OD_OK)
		rc = backend_storefront_signer(b, name, &k, fp, err);
	if (rc == OD_OK)
		rc = store_begin(s, err);
	if (rc != OD_OK)
		goto out;
	while ((rc = import_next(in, &o, err)) == OD_OK && o != NULL) {
		rc = bring_up(s, k, name, fp, o, import_last_meta(in), t, err);
		order_free(o);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
out:
	if (rc != OD_OK)
		memset(t, 0, sizeof *t);
	sigkey_free(k);
	return rc;
}
