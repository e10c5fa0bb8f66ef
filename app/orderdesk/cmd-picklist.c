/*
 * cmd-picklist.c - `orderdesk picklist`: what a batch of orders still has
 * to ship, by SKU, as one PDF list (app/paper/pick.h sums it).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>

#include "app/log/order.h"
#include "app/desk/desk-paper.h"
#include "app/paper/paper.h"

/* Reads the batch: the orders named, else those with status. */
static enum od_code read_batch(struct cli *c, char *const *numbers, size_t n,
			       enum order_status status,
			       struct paper_orders *po, struct od_err *err)
{
	struct shop *sh = NULL;
	enum od_code rc = cli_unlock(c, SHOP_READ, &sh, err);

	if (rc == OD_OK && n > 0)
		rc = paper_orders_named(sh, numbers, n, po, err);
	else if (rc == OD_OK)
		rc = paper_orders_status(sh, status, po, err);
	if (rc == OD_OK && po->n == 0)
		rc = od_err_set(err, OD_E_NOTFOUND, "no %s order has anything "
				"left to ship; nothing was written",
				order_status_name(status));
	shop_close(sh);
	return rc;
}

/* Sums the batch and draws it; *picked: the orders on the list. */
static enum od_code draw_batch(const struct paper_orders *po,
			       const char *batch, struct buf *pdf,
			       size_t *picked, struct od_err *err)
{
	struct pick_list pl;
	enum od_code rc = OD_OK;
	size_t i, added;

	pick_init(&pl);
	for (i = 0; rc == OD_OK && i < po->n; i++)
		rc = pick_add(&pl, po->v[i], &added, err);
	if (rc == OD_OK)
		rc = pick_finish(&pl, err);
	if (rc == OD_OK)
		rc = paper_picklist(po->shop, batch, &pl, pdf, err);
	*picked = pl.norders;
	pick_free(&pl);
	return rc;
}

/* picklist [--status S] [NUMBER...] --out FILE [--force] */
static enum od_code cmd_picklist(struct cli *c, int argc, char **argv,
				 struct od_err *err)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct paper_orders po = { NULL, 0, NULL };
	enum order_status status = ORDER_CONFIRMED;
	const char *out = NULL;
	enum od_code rc = OD_OK;
	char batch[64];
	struct buf pdf;
	size_t picked = 0;
	int opt, force = 0, by_status = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 's' && order_status_parse(optarg, &status, err))
			return od_err_set(err, OD_E_USAGE, "unknown status; use"
					  " new, confirmed, held, shipped or"
					  " delivered");
		else if (opt == 's')
			by_status = 1;
		else if (opt == 'o')
			out = optarg;
		else if (opt == 'f')
			force = 1;
		else
			return cli_usage(&cmd_picklist_entry, err);
	}
	if (out == NULL || (by_status && optind < argc))
		return cli_usage(&cmd_picklist_entry, err);
	rc = paper_check_out(out, force, err);
	if (rc != OD_OK)
		return rc;
	buf_init(&pdf, PAPER_MAX_BYTES);
	rc = read_batch(c, argv + optind, (size_t)(argc - optind), status,
			&po, err);
	if (optind < argc)
		snprintf(batch, sizeof batch, "the orders named");
	else
		snprintf(batch, sizeof batch, "status %s",
			 order_status_name(status));
	if (rc == OD_OK)
		rc = draw_batch(&po, batch, &pdf, &picked, err);
	if (rc == OD_OK)
		rc = paper_save(out, &pdf, force, err);
	if (rc == OD_OK)
		fprintf(c->out, "Wrote a pick list of %zu order%s to %s.%s\n",
			picked, picked == 1 ? "" : "s", out, picked < po.n ?
			" Left out: orders that need no shipping." : "");
	paper_orders_free(&po);
	buf_free(&pdf);
	return rc;
}

const struct cli_command cmd_picklist_entry = {
	"picklist", "[--status S | NUMBER...] --out FILE [--force]",
	"a pick list as PDF: what a batch still has to ship, by SKU",
	cmd_picklist,
};
