/*
 * cmd-import.c - `orderdesk import FILE`: orders from JSON or CSV.
 *
 * The file is read twice, never held whole: once to check every order
 * before a passphrase is asked for, then again inside the one transaction
 * that signs and stores the orders in rounds (shop_append_many).  The
 * second reading checks everything again, so a file changed in between
 * cannot slip anything past: any error rolls the whole import back.
 */
#include "app/orderdesk/cli.h"

#include <stdio.h>

#include "app/import/import.h"
#include "app/log/order.h"

struct import_job {
	struct shop *sh;
	struct import_reader *in;
	size_t count;            /* orders the check found */
};

/* The file no longer holds what the check read. */
static enum od_code file_changed(struct od_err *err)
{
	return od_err_set(err, OD_E_INPUT,
			  "the import file changed while it was imported");
}

/*
 * Makes the order.placed statement for order i, the next one of the file.
 * After the last, the file must end as the check saw it end, before the
 * transaction commits.
 */
static enum od_code make_placed(void *ctx, size_t i, struct statement **out,
				struct od_err *err)
{
	struct import_job *job = ctx;
	struct order *o = NULL, *extra = NULL;
	enum od_code rc;

	rc = import_next(job->in, &o, err);
	if (rc == OD_OK && o == NULL)
		rc = file_changed(err);
	if (rc == OD_OK)
		rc = shop_statement(job->sh, STMT_ORDER_PLACED, o->number, out,
				    err);
	if (rc == OD_OK)
		rc = order_to_statement(o, *out, err);
	order_free(o);
	if (rc == OD_OK && i + 1 == job->count) {
		rc = import_next(job->in, &extra, err);
		if (rc == OD_OK && extra != NULL)
			rc = file_changed(err);
		order_free(extra);
	}
	return rc;
}

static enum od_code cmd_import(struct cli *c, int argc, char **argv,
			       struct od_err *err)
{
	struct import_job job = { NULL, NULL, 0 };
	long long first = 0;
	enum od_code rc;

	if (argc != 2)
		return cli_usage(&cmd_import_entry, err);
	/* Check the whole file before asking for a passphrase. */
	rc = import_open_file(argv[1], &job.in, err);
	if (rc == OD_OK)
		rc = import_check(job.in, &job.count, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &job.sh, err);
	if (rc == OD_OK) {
		rc = shop_append_many(job.sh, job.count, make_placed, &job,
				      &first, err);
		if (rc != OD_OK) {
			char why[OD_ERR_MSG_MAX];

			snprintf(why, sizeof why, "%s", err->msg);
			od_err_set(err, rc, "%.200s; nothing was imported",
				   why);
		}
	}
	if (rc == OD_OK && job.count > 0)
		fprintf(c->out, "Imported %zu orders, signed by %s (log "
			"entries %lld to %lld).\n", job.count, job.sh->user,
			first, first + (long long)job.count - 1);
	else if (rc == OD_OK)
		fprintf(c->out, "The file holds no orders; nothing to do.\n");
	shop_close(job.sh);
	import_close(job.in);
	return rc;
}

const struct cli_command cmd_import_entry = {
	"import", "FILE", "add orders from a JSON or CSV file", cmd_import,
};
