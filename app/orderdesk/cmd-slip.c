/*
 * cmd-slip.c - `orderdesk slip`: packing slips as PDF, one page per order
 * (app/paper/paper.h draws them).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>

#include "app/desk/desk-paper.h"
#include "app/paper/paper.h"

/* slip NUMBER... --out FILE [--force] */
static enum od_code cmd_slip(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct paper_orders po = { NULL, 0, NULL };
	const char *out = NULL;
	struct shop *sh = NULL;
	enum od_code rc = OD_OK;
	struct buf pdf;
	int opt, force = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'f')
			force = 1;
		else
			return cli_usage(&cmd_slip_entry, err);
	}
	if (out == NULL || optind >= argc)
		return cli_usage(&cmd_slip_entry, err);
	rc = paper_check_out(out, force, err);
	if (rc != OD_OK)
		return rc;
	buf_init(&pdf, PAPER_MAX_BYTES);
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc == OD_OK)
		rc = paper_orders_named(sh, argv + optind,
					(size_t)(argc - optind), &po, err);
	/* The store is let go before the drawing, which takes a while. */
	shop_close(sh);
	if (rc == OD_OK)
		rc = paper_slips(po.shop, po.v, po.n, &pdf, err);
	if (rc == OD_OK)
		rc = paper_save(out, &pdf, force, err);
	if (rc == OD_OK)
		fprintf(c->out, "Wrote %zu packing slip%s to %s.\n", po.n,
			po.n == 1 ? "" : "s", out);
	paper_orders_free(&po);
	buf_free(&pdf);
	return rc;
}

const struct cli_command cmd_slip_entry = {
	"slip", "NUMBER... --out FILE [--force]",
	"packing slips as PDF, one page per order", cmd_slip,
};
