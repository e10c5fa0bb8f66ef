/*
 * cmd-import.c - `orderdesk import [--from SOURCE] FILE`: orders from
 * orderdesk's JSON or CSV, or a storefront's own export.
 *
 * The file is read twice, never held whole: once to check every order
 * before a passphrase is asked for, then again inside the one transaction
 * that signs and stores the orders in rounds (shop_append_many).  The
 * second reading checks everything again, so a file changed in between
 * cannot slip anything past: any error rolls the whole import back.  An
 * order the storefront cancelled is its order.placed and an order.cancel.
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "app/import/import.h"
#include "app/log/order.h"

struct import_job {
	struct shop *sh;
	struct import_reader *in;
	size_t orders;           /* orders the check found */
	size_t cancels;          /* of them, cancelled by the storefront */
	char cancel[ORDER_NUMBER_MAX + 1];  /* the order to cancel next */
	enum import_source source;
};

/* The file no longer holds what the check read. */
static enum od_code file_changed(struct od_err *err)
{
	return od_err_set(err, OD_E_INPUT,
			  "the import file changed while it was imported");
}

/* The order.cancel of the order placed just before. */
static enum od_code make_cancel(struct import_job *job,
				struct statement **out, struct od_err *err)
{
	char reason[64];
	enum od_code rc;

	snprintf(reason, sizeof reason, "cancelled in %s",
		 import_source_name(job->source));
	rc = shop_statement(job->sh, STMT_ORDER_CANCEL, job->cancel, out,
			    err);
	if (rc == OD_OK)
		rc = statement_add(*out, "reason", reason, err);
	job->cancel[0] = '\0';
	return rc;
}

/*
 * Makes statement i: the next order's order.placed, or the order.cancel
 * that follows it.  After the last, the file must end as the check saw it
 * end, before the transaction commits.
 */
static enum od_code make_statement(void *ctx, size_t i,
				   struct statement **out, struct od_err *err)
{
	struct import_job *job = ctx;
	struct order *o = NULL, *extra = NULL;
	enum od_code rc;

	*out = NULL;
	if (job->cancel[0] != '\0')
		rc = make_cancel(job, out, err);
	else
		rc = import_next(job->in, &o, err);
	if (rc == OD_OK && o == NULL && *out == NULL)
		rc = file_changed(err);
	if (rc == OD_OK && o != NULL)
		rc = shop_statement(job->sh, STMT_ORDER_PLACED, o->number, out,
				    err);
	if (rc == OD_OK && o != NULL)
		rc = order_to_statement(o, *out, err);
	if (rc == OD_OK && o != NULL && import_last_meta(job->in)->cancelled)
		snprintf(job->cancel, sizeof job->cancel, "%s", o->number);
	order_free(o);
	if (rc == OD_OK && i + 1 == job->orders + job->cancels) {
		rc = import_next(job->in, &extra, err);
		if (rc == OD_OK && (extra != NULL || job->cancel[0] != '\0'))
			rc = file_changed(err);
		order_free(extra);
	}
	return rc;
}

/* Reads the whole file, counting orders and cancellations, then rewinds. */
static enum od_code check_file(struct import_job *job, struct od_err *err)
{
	struct order *o;
	enum od_code rc;

	while ((rc = import_next(job->in, &o, err)) == OD_OK && o != NULL) {
		job->orders++;
		job->cancels += import_last_meta(job->in)->cancelled != 0;
		job->source = import_last_meta(job->in)->source;
		order_free(o);
	}
	if (rc == OD_OK)
		rc = import_set_source(job->in, job->source, err);
	return rc;
}

/* Reads --from SOURCE; returns the index of FILE through *first. */
static enum od_code import_opts(int argc, char **argv,
				enum import_source *src, struct od_err *err)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*src = IMPORT_AUTO;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'f')
			return cli_usage(&cmd_import_entry, err);
		if (import_source_parse(optarg, src, err) != OD_OK)
			return OD_E_USAGE;
	}
	if (optind + 1 != argc)
		return cli_usage(&cmd_import_entry, err);
	return OD_OK;
}

/* Signs and stores the checked file's statements in one transaction. */
static enum od_code import_run(struct cli *c, struct import_job *job,
			       struct od_err *err)
{
	size_t n = job->orders + job->cancels;
	long long first = 0;
	enum od_code rc;
	char why[OD_ERR_MSG_MAX];

	if (n == 0) {
		fprintf(c->out, "The file holds no orders; nothing to do.\n");
		return OD_OK;
	}
	rc = cli_unlock(c, SHOP_WRITE, &job->sh, err);
	if (rc != OD_OK)
		return rc;
	rc = shop_append_many(job->sh, n, make_statement, job, &first, err);
	if (rc != OD_OK) {
		snprintf(why, sizeof why, "%s", err->msg);
		return od_err_set(err, rc, "%.200s; nothing was imported",
				  why);
	}
	fprintf(c->out, "Imported %zu orders", job->orders);
	if (job->cancels > 0)
		fprintf(c->out, " (%zu cancelled in %s)", job->cancels,
			import_source_name(job->source));
	fprintf(c->out, ", signed by %s (log entries %lld to %lld).\n",
		job->sh->user, first, first + (long long)n - 1);
	return OD_OK;
}

static enum od_code cmd_import(struct cli *c, int argc, char **argv,
			       struct od_err *err)
{
	struct import_job job;
	enum import_source src;
	enum od_code rc;

	memset(&job, 0, sizeof job);
	rc = import_opts(argc, argv, &src, err);
	/* Check the whole file before asking for a passphrase. */
	if (rc == OD_OK)
		rc = import_open_file(argv[argc - 1], &job.in, err);
	if (rc == OD_OK)
		rc = import_set_source(job.in, src, err);
	if (rc == OD_OK)
		rc = check_file(&job, err);
	if (rc == OD_OK)
		rc = import_run(c, &job, err);
	shop_close(job.sh);
	import_close(job.in);
	return rc;
}

const struct cli_command cmd_import_entry = {
	"import", "[--from orderdesk|woocommerce] FILE",
	"add orders from a file: orderdesk's JSON or CSV, or a storefront's "
	"export", cmd_import,
};
