/*
 * cmd-witness-policy.c - `orderdesk witness policy --add VKEY ... --quorum
 * N`: the owner signs the shop's witness policy (a shop.witnesses
 * statement, app/log/witness-policy.h) into the log; `sync` sends it, and
 * from then on every desk takes a checkpoint only with N of those
 * witnesses' cosignatures, and with --max-age warns at sync when the
 * newest they cosigned is older than that.
 *
 * `orderdesk witness name-log-key VKEY`: the owner names the log's
 * verifier key in the log (app/log/log-key.h), for a shop whose genesis
 * could not: desks then check checkpoints against it.  A newer policy replaces the older.
 */
#include "app/orderdesk/cmd-witness-policy.h"

#include <string.h>

#include "app/log/witness-policy.h"
#include "app/shop/shop.h"

enum od_code witness_policy_cmd(struct cli *c, int argc, char **argv,
				struct od_err *err)
{
	const char *keys[POLICY_WITNESSES_MAX], *quorum = NULL, *age = NULL;
	struct statement *st = NULL;
	struct shop *sh = NULL;
	size_t n = 0, i;
	long long seq = 0;
	enum od_code rc;
	int a;

	for (a = 2; a < argc; a++) {
		if (strcmp(argv[a], "--add") == 0 && a + 1 < argc &&
		    n < POLICY_WITNESSES_MAX)
			keys[n++] = argv[++a];
		else if (strcmp(argv[a], "--quorum") == 0 && a + 1 < argc)
			quorum = argv[++a];
		else if (strcmp(argv[a], "--max-age") == 0 && a + 1 < argc)
			age = argv[++a];
		else
			return od_err_set(err, OD_E_USAGE, "usage: orderdesk "
					  "witness policy --add VKEY ... (1 to "
					  "%d) --quorum N [--max-age SECONDS]",
					  POLICY_WITNESSES_MAX);
	}
	if (n == 0 || quorum == NULL)
		return od_err_set(err, OD_E_USAGE, "witness policy needs one "
				  "--add VKEY per witness (`orderdesk witness "
				  "key --dir DIR` prints it) and --quorum N");
	rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_SHOP_WITNESSES, NULL, &st, err);
	for (i = 0; rc == OD_OK && i < n; i++)
		rc = statement_add(st, "witness", keys[i], err);
	if (rc == OD_OK)
		rc = statement_add(st, "quorum", quorum, err);
	if (rc == OD_OK && age != NULL)
		rc = statement_add(st, "max-age", age, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	statement_free(st);
	shop_close(sh);
	if (rc != OD_OK)
		return rc;
	fprintf(c->out, "entry %lld: %zu witnesses, %s must cosign each "
		"checkpoint (sync to send it)\n", seq, n, quorum);
	return cli_flush(c, err);
}

enum od_code witness_log_key_cmd(struct cli *c, int argc, char **argv,
				 struct od_err *err)
{
	struct statement *st = NULL;
	struct shop *sh = NULL;
	long long seq = 0;
	enum od_code rc;

	if (argc != 3)
		return od_err_set(err, OD_E_USAGE, "usage: orderdesk witness "
				  "name-log-key VKEY (`orderdeskd key` prints "
				  "it)");
	rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_SHOP_LOG_KEY, NULL, &st, err);
	if (rc == OD_OK)
		rc = statement_add(st, "log-key", argv[2], err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	statement_free(st);
	shop_close(sh);
	if (rc != OD_OK)
		return rc;
	fprintf(c->out, "entry %lld: desks check checkpoints against this "
		"key from now on (sync to send it)\n", seq);
	return cli_flush(c, err);
}
