/* cmd-import.c - `orderdesk import FILE`: orders from JSON or CSV. */
#include "app/cli.h"

#include <stdio.h>

#include "app/import.h"
#include "app/order.h"

struct import_job {
	struct shop *sh;
	struct order_list *list;
};

/* Makes the order.placed statement for order i of the list. */
static enum od_code make_placed(void *ctx, size_t i, struct statement **out,
				struct od_err *err)
{
	struct import_job *job = ctx;
	struct shop *sh = job->sh;
	const struct order *o = job->list->orders[i];
	enum od_code rc;

	rc = shop_statement(sh, STMT_ORDER_PLACED, o->number, out, err);
	if (rc == OD_OK)
		rc = order_to_statement(o, *out, err);
	return rc;
}

static enum od_code cmd_import(struct cli *c, int argc, char **argv,
			       struct od_err *err)
{
	struct order_list *list = NULL;
	struct shop *sh = NULL;
	struct import_job job;
	long long first = 0;
	enum od_code rc;

	if (argc != 2)
		return cli_usage(&cmd_import_entry, err);
	/* Parse and check the whole file before asking for a passphrase. */
	rc = import_read_file(argv[1], &list, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK) {
		job.sh = sh;
		job.list = list;
		rc = shop_append_many(sh, list->count, make_placed, &job,
				      &first, err);
		if (rc != OD_OK) {
			char why[OD_ERR_MSG_MAX];

			snprintf(why, sizeof why, "%s", err->msg);
			od_err_set(err, rc, "%.200s; nothing was imported",
				   why);
		}
	}
	if (rc == OD_OK && list->count > 0)
		fprintf(c->out, "Imported %zu orders, signed by %s (log "
			"entries %lld to %lld).\n", list->count, sh->user,
			first, first + (long long)list->count - 1);
	else if (rc == OD_OK)
		fprintf(c->out, "The file holds no orders; nothing to do.\n");
	shop_close(sh);
	order_list_free(list);
	return rc;
}

const struct cli_command cmd_import_entry = {
	"import", "FILE", "add orders from a JSON or CSV file", cmd_import,
};
