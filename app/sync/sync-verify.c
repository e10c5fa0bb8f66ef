/* sync-verify.c - pulled entries checked ahead on every core (sync-verify.h). */
#include "app/sync/sync-verify.h"

#include <stdlib.h>
#include <string.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/log/statement.h"

void sync_checked_free(struct sync_checked *c)
{
	size_t i;

	sigkey_vpipe_end(c->pipe);
	for (i = 0; c->sts != NULL && i < c->nsts; i++)
		statement_free(c->sts[i]);
	free(c->sts);
	free(c->pubs);
	free(c->sigs);
	free(c->texts);
	free(c->lens);
	free(c->at);
	memset(c, 0, sizeof *c);
}

/*
 * Starts checking, on every core, the signatures of recs[0..n) whose
 * signer's key s holds now (sts: each parsed, or NULL; c owns them).
 * Only the entries whose signer is known: the rest wait their turn.
 */
static void start_checks(struct store *s, const struct log_record *recs,
			 struct statement **sts, size_t n,
			 struct sync_checked *c)
{
	struct od_err ignore;
	size_t i, k = 0;

	c->sts = sts;
	c->nsts = n;
	c->pubs = calloc(n, sizeof *c->pubs);
	c->sigs = calloc(n, sizeof *c->sigs);
	c->texts = calloc(n, sizeof *c->texts);
	c->lens = calloc(n, sizeof *c->lens);
	c->at = calloc(n, sizeof *c->at);
	if (c->pubs == NULL || c->sigs == NULL || c->texts == NULL ||
	    c->lens == NULL || c->at == NULL) {
		sync_checked_free(c);
		return;
	}
	for (i = 0; i < n; i++) {
		c->at[i] = -1;
		if (sts[i] == NULL ||
		    fold_signer_key(s, sts[i], c->pubs[k], &ignore) != OD_OK)
			continue;
		memcpy(c->sigs[k], recs[i].signature, SIGKEY_SIG_LEN);
		c->texts[k] = recs[i].statement;
		c->lens[k] = recs[i].statement_len;
		c->at[i] = (long)k++;
	}
	sigkey_vpipe_start((const uint8_t (*)[SIGKEY_PUB_LEN])c->pubs,
			   c->texts, c->lens,
			   (const uint8_t (*)[SIGKEY_SIG_LEN])c->sigs, k,
			   &c->pipe);
	if (c->pipe == NULL) {
		sync_checked_free(c);
		return;
	}
	c->n = n;
}

void sync_check_ahead(struct store *s, const struct log_record *recs,
		      size_t n, struct sync_checked *c)
{
	struct statement **sts;
	struct od_err ignore;
	size_t i;

	memset(c, 0, sizeof *c);
	if (n < 2 || (sts = calloc(n, sizeof *sts)) == NULL)
		return;
	for (i = 0; i < n; i++)
		if (statement_parse(recs[i].statement, recs[i].statement_len,
				    &sts[i], &ignore) != OD_OK)
			sts[i] = NULL;
	start_checks(s, recs, sts, n, c);
}

void sync_check_ahead_page(struct store *s, struct sync_page *pg,
			   struct sync_checked *c)
{
	memset(c, 0, sizeof *c);
	if (pg->n < 2)
		return;
	start_checks(s, pg->recs, pg->sts, pg->n, c);
	/* The statements are c's now, freed with it (or already). */
	pg->sts = NULL;
}

const uint8_t *sync_checked_key(struct sync_checked *c, size_t i)
{
	if (i >= c->n || c->at[i] < 0 ||
	    !sigkey_vpipe_wait(c->pipe, (size_t)c->at[i]))
		return NULL;
	return c->pubs[c->at[i]];
}

const struct statement *sync_checked_statement(const struct sync_checked *c,
					       size_t i)
{
	return i < c->n ? c->sts[i] : NULL;
}

enum od_code sync_accept_pulled(struct store *s, const struct log_record *r,
				const uint8_t *checked, struct od_err *err)
{
	return sync_accept_parsed(s, r, NULL, checked, err);
}

enum od_code sync_accept_parsed(struct store *s, const struct log_record *r,
				const struct statement *st,
				const uint8_t *checked, struct od_err *err)
{
	char why[OD_ERR_MSG_MAX];
	long long seq = 0;
	enum od_code rc;

	rc = st != NULL ? ledger_accept_parsed(s, st, r->statement,
					       r->statement_len, r->signature,
					       checked, &seq, err)
			: ledger_accept_checked(s, r->statement,
						r->statement_len, r->signature,
						checked, &seq, err);
	if (rc == OD_OK || rc == OD_E_NOMEM || rc == OD_E_IO ||
	    rc == OD_E_NOSPACE)
		return rc;
	memcpy(why, err->msg, sizeof why);
	return od_err_set(err, OD_E_TAMPERED, "the backend's entry %lld does "
			  "not verify here (%.150s); sync stopped", r->seq,
			  why);
}
