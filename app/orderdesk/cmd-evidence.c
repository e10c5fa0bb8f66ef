/*
 * cmd-evidence.c - `orderdesk evidence get|list`: the evidence files the
 * signed statements name (photos, proofs of delivery), written out after
 * their hash is checked, or listed for one order with where they stand.
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>
#include <string.h>

#include "app/log/order.h"
#include "app/shop/evidence.h"

/* What list_one needs: the store, where to print, how many so far. */
struct listing {
	struct shop *sh;
	struct cli *c;
	size_t n;
};

/* Prints one named file of the order: hash, entry, and what is here. */
static enum od_code list_one(void *ctx, long long seq, const char *kind,
			     const char *hash, struct od_err *err)
{
	struct listing *l = ctx;
	struct shop *sh = l->sh;
	struct cli *c = l->c;
	struct store_evidence_info info;
	enum od_code rc = store_evidence_stat(sh->store, hash, &info, err);

	l->n++;
	if (rc == OD_E_NOTFOUND) {
		fprintf(c->out, "%s  entry %lld %s  not here yet: sync "
			"first\n", hash, seq, kind);
		return OD_OK;
	}
	if (rc == OD_OK)
		fprintf(c->out, "%s  entry %lld %s  %lld bytes %s\n", hash,
			seq, kind, info.size, info.type);
	return rc;
}

/* evidence list NUMBER */
static enum od_code list(struct cli *c, struct shop *sh, const char *number,
			 struct od_err *err)
{
	struct listing l = { sh, c, 0 };
	struct order_state os;
	enum od_code rc = order_number_check(number, err);

	if (rc == OD_OK)
		rc = store_order_state(sh->store, number, &os, err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND, "no order %s in this "
				  "shop; see orderdesk list", number);
	if (rc == OD_OK)
		rc = store_evidence_named_each(sh->store, number, 0, list_one,
					       &l, err);
	if (rc == OD_OK && l.n == 0)
		fprintf(c->out, "Order %s names no evidence files.\n", number);
	return rc;
}

/* evidence get HASH FILE */
static enum od_code get(struct cli *c, struct shop *sh, const char *hash,
			const char *path, struct od_err *err)
{
	struct store_evidence_info info;
	enum od_code rc = evidence_write_out(sh, hash, path, &info, err);

	if (rc == OD_OK)
		fprintf(c->out, "Wrote %s (%lld bytes, %s), its SHA-256 "
			"checked.\n", path, info.size, info.type);
	return rc;
}

static enum od_code cmd_evidence(struct cli *c, int argc, char **argv,
				 struct od_err *err)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct shop *sh = NULL;
	enum od_code rc;
	int is_get = argc == 4 && strcmp(argv[1], "get") == 0;

	if (!is_get && !(argc == 3 && strcmp(argv[1], "list") == 0))
		return cli_usage(&cmd_evidence_entry, err);
	/* A malformed name is told before the passphrase is asked. */
	if (is_get && (rc = evidence_name(argv[2], hash, err)) != OD_OK)
		return rc;
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc == OD_OK)
		rc = is_get ? get(c, sh, argv[2], argv[3], err) :
			      list(c, sh, argv[2], err);
	if (rc == OD_OK)
		rc = cli_flush(c, err);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_evidence_entry = {
	"evidence", "get HASH FILE | list NUMBER",
	"write out an evidence file (its hash checked), or list an order's",
	cmd_evidence,
};
