/*
 * cmd-unconfirm.c - `orderdesk unconfirm NUMBER`: takes back an order's
 * confirmation, within ten minutes of it and before any parcel ships, as a
 * signed order.unconfirm naming it (app/log/fold-unconfirm.h); the log
 * keeps both.  The fold decides, as for every statement.
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>

#include "app/desk/desk-shop.h"
#include "app/log/order.h"

static enum od_code cmd_unconfirm(struct cli *c, int argc, char **argv,
				  struct od_err *err)
{
	struct shop *sh = NULL;
	struct statement *st = NULL;
	long long seq = 0;
	enum od_code rc;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(&cmd_unconfirm_entry, err);
	rc = order_number_check(argv[1], err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = desk_make_unconfirm(sh, argv[1], &st, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK)
		fprintf(c->out, "Order %s unconfirmed: new again, its "
			"confirmation taken back, signed by %s (log entry "
			"%lld).\n", argv[1], sh->user, seq);
	statement_free(st);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_unconfirm_entry = {
	"unconfirm", "NUMBER",
	"take back a confirmation (within 10 minutes, before shipping)",
	cmd_unconfirm,
};
