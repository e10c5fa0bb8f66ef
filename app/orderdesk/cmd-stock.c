/*
 * cmd-stock.c - `orderdesk stock`: per SKU, the units accepted returns put
 * back on the shelf (return close --restock), as the log's fold has them.
 * orderdesk keeps no inventory of its own: this is what came back, so the
 * merchant can add it to the storefront's stock.
 */
#include "app/orderdesk/cli.h"

/* One SKU's line. */
static enum od_code stock_row(void *ctx, const struct stock_record *r,
			      struct od_err *err)
{
	struct cli *c = ctx;

	(void)err;
	fprintf(c->out, "%-24s %10lld %8lld\n", r->sku, r->units, r->returns);
	return OD_OK;
}

static enum od_code cmd_stock(struct cli *c, int argc, char **argv,
			      struct od_err *err)
{
	struct shop *sh = NULL;
	enum od_code rc;

	(void)argv;
	if (argc != 1)
		return cli_usage(&cmd_stock_entry, err);
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc == OD_OK) {
		fprintf(c->out, "%-24s %10s %8s\n", "SKU", "RESTOCKED",
			"RETURNS");
		rc = store_stock_each(sh->store, stock_row, c, err);
	}
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_stock_entry = {
	"stock", "",
	"units accepted returns put back on the shelf, per SKU", cmd_stock,
};
