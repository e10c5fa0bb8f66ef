/* sync-verify.c - pulled entries checked ahead on every core (sync-verify.h). */
#include "app/sync/sync-verify.h"

#include <stdlib.h>
#include <string.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/log/statement.h"

void sync_checked_free(struct sync_checked *c)
{
	free(c->pubs);
	free(c->ok);
	memset(c, 0, sizeof *c);
}

/* Finds the key that must have signed r in s now; 0 if there is none
 * yet (its signer comes later in the page) or r does not parse. */
static int signer_key(struct store *s, const struct log_record *r,
		      uint8_t pub[SIGKEY_PUB_LEN])
{
	struct statement *st = NULL;
	struct od_err err;
	int found;

	if (statement_parse(r->statement, r->statement_len, &st, &err) !=
	    OD_OK)
		return 0;
	found = fold_signer_key(s, st, pub, &err) == OD_OK;
	statement_free(st);
	return found;
}

void sync_check_ahead(struct store *s, const struct log_record *recs,
		      size_t n, struct sync_checked *c)
{
	const char **texts = NULL;
	size_t *lens = NULL, *at = NULL, i, k = 0;
	uint8_t (*pubs)[SIGKEY_PUB_LEN] = NULL, (*sigs)[SIGKEY_SIG_LEN] = NULL;
	unsigned char *ok = NULL;

	memset(c, 0, sizeof *c);
	if (n < 2)
		return;
	c->pubs = calloc(n, sizeof *c->pubs);
	c->ok = calloc(n, 1);
	pubs = calloc(n, sizeof *pubs);
	sigs = calloc(n, sizeof *sigs);
	texts = calloc(n, sizeof *texts);
	lens = calloc(n, sizeof *lens);
	at = calloc(n, sizeof *at);
	ok = calloc(n, 1);
	if (c->pubs == NULL || c->ok == NULL || pubs == NULL || sigs == NULL ||
	    texts == NULL || lens == NULL || at == NULL || ok == NULL) {
		sync_checked_free(c);
		goto out;
	}
	/* Only the entries whose signer is known: the rest wait their turn. */
	for (i = 0; i < n; i++) {
		if (!signer_key(s, &recs[i], pubs[k]))
			continue;
		memcpy(sigs[k], recs[i].signature, SIGKEY_SIG_LEN);
		texts[k] = recs[i].statement;
		lens[k] = recs[i].statement_len;
		at[k++] = i;
	}
	sigkey_verify_many((const uint8_t (*)[SIGKEY_PUB_LEN])pubs, texts,
			   lens, (const uint8_t (*)[SIGKEY_SIG_LEN])sigs, k, ok);
	for (i = 0; i < k; i++) {
		if (!ok[i])
			continue;
		memcpy(c->pubs[at[i]], pubs[i], SIGKEY_PUB_LEN);
		c->ok[at[i]] = 1;
	}
	c->n = n;
out:
	free(pubs);
	free(sigs);
	free(texts);
	free(lens);
	free(at);
	free(ok);
}

const uint8_t *sync_checked_key(const struct sync_checked *c, size_t i)
{
	return i < c->n && c->ok[i] ? c->pubs[i] : NULL;
}

enum od_code sync_accept_pulled(struct store *s, const struct log_record *r,
				const uint8_t *checked, struct od_err *err)
{
	char why[OD_ERR_MSG_MAX];
	long long seq = 0;
	enum od_code rc;

	rc = ledger_accept_checked(s, r->statement, r->statement_len,
				   r->signature, checked, &seq, err);
	if (rc == OD_OK || rc == OD_E_NOMEM || rc == OD_E_IO ||
	    rc == OD_E_NOSPACE)
		return rc;
	memcpy(why, err->msg, sizeof why);
	return od_err_set(err, OD_E_TAMPERED, "the backend's entry %lld does "
			  "not verify here (%.150s); sync stopped", r->seq,
			  why);
}
