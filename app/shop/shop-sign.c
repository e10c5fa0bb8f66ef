/*
 * shop-sign.c - signing as the person who unlocked the shop: one statement
 * or many, appended to the log in one transaction.
 */
#include "app/shop/shop.h"

#include "app/log/ledger.h"

enum od_code shop_statement(struct shop *sh, enum stmt_kind kind,
			    const char *order, struct statement **out,
			    struct od_err *err)
{
	return statement_new(kind, sh->user, sh->fingerprint, order, out, err);
}

enum od_code shop_append_many(struct shop *sh, size_t n, shop_make_fn make,
			      void *ctx, long long *first, struct od_err *err)
{
	struct statement *round[SHOP_ROUND] = { NULL };
	long long seqs[SHOP_ROUND];
	size_t done, m = 0, i;
	enum od_code rc;

	rc = store_begin(sh->store, err);
	for (done = 0; done < n && rc == OD_OK; done += m) {
		m = n - done < SHOP_ROUND ? n - done : SHOP_ROUND;
		for (i = 0; i < m && rc == OD_OK; i++)
			rc = make(ctx, done + i, &round[i], err);
		if (rc == OD_OK)
			rc = ledger_append_many(sh->store, sh->key, round, m,
						seqs, err);
		if (rc == OD_OK && done == 0 && first != NULL)
			*first = seqs[0];
		for (i = 0; i < m; i++) {
			statement_free(round[i]);
			round[i] = NULL;
		}
	}
	if (rc != OD_OK) {
		store_rollback(sh->store);
		return rc;
	}
	return store_commit(sh->store, err);
}

enum od_code shop_append(struct shop *sh, struct statement *const *sts,
			 size_t n, long long *seqs, struct od_err *err)
{
	enum od_code rc;

	rc = store_begin(sh->store, err);
	if (rc == OD_OK)
		rc = ledger_append_many(sh->store, sh->key, sts, n, seqs, err);
	if (rc != OD_OK) {
		store_rollback(sh->store);
		return rc;
	}
	return store_commit(sh->store, err);
}
