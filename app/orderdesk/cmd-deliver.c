/*
 * cmd-deliver.c - `orderdesk deliver`: the carrier delivered one parcel
 * (--parcel) or a shipped order whole, as a signed shipment.deliver
 * (app/log/fold-deliver.c decides).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/shop/evidence.h"

/* Says what was delivered, and how many of the order's parcels are. */
static enum od_code report(struct cli *c, struct shop *sh,
			   const char *number, const char *parcel,
			   long long seq, struct od_err *err)
{
	size_t done = 0, all = 0;
	enum od_code rc = cli_parcels_delivered(sh, number, &done, &all, err);

	if (rc != OD_OK)
		return rc;
	if (parcel != NULL)
		fprintf(c->out, "Order %s: parcel %s delivered, signed by %s "
			"(log entry %lld); %zu of %zu parcels delivered.\n",
			number, parcel, sh->user, seq, done, all);
	else
		fprintf(c->out, "Order %s delivered, signed by %s (log entry "
			"%lld).\n", number, sh->user, seq);
	return OD_OK;
}

/* deliver NUMBER [--parcel TRACKING] [--evidence FILE ...] */
static enum od_code cmd_deliver(struct cli *c, int argc, char **argv,
				struct od_err *err)
{
	static const struct option opts[] = {
		{ "parcel", required_argument, NULL, 'p' },
		{ "evidence", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *parcel = NULL;
	char **files = calloc((size_t)argc + 1, sizeof *files);
	size_t nfiles = 0;
	struct shop *sh = NULL;
	struct statement *st = NULL;
	long long seq = 0;
	enum od_code rc = OD_OK;
	int opt;

	if (files == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	while (rc == OD_OK &&
	       (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'p')
			parcel = optarg;
		else if (opt == 'e')
			files[nfiles++] = optarg;
		else
			rc = cli_usage(&cmd_deliver_entry, err);
	}
	if (rc == OD_OK && optind + 1 != argc)
		rc = cli_usage(&cmd_deliver_entry, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_SHIPMENT_DELIVER, argv[optind],
				    &st, err);
	if (rc == OD_OK && parcel != NULL)
		rc = statement_add(st, "tracking", parcel, err);
	if (rc == OD_OK)
		rc = evidence_attach(sh, st, files, nfiles, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK)
		rc = report(c, sh, argv[optind], parcel, seq, err);
	statement_free(st);
	shop_close(sh);
	free(files);
	return rc;
}

const struct cli_command cmd_deliver_entry = {
	"deliver", "NUMBER [--parcel TRACKING] [--evidence FILE ...]",
	"the carrier delivered a parcel, or a shipped order", cmd_deliver,
};
