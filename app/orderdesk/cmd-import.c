/*
 * cmd-import.c - `orderdesk import [--from SOURCE] FILE`: orders from
 * orderdesk's JSON or CSV, or a storefront's own export.
 *
 * The file is read once to check every order before a passphrase is
 * asked for.  Its orders are kept when they fit a memory budget
 * (import-kept.h, some 20,000 orders); a larger file is read once more,
 * never held whole.  Then, unlocked, inside the one transaction that signs
 * and stores the statements, each order is decided against the shop
 * (storefront exports overlap: an order already here with the same
 * content needs nothing, one paid or cancelled since needs a
 * payment.receive or an order.cancel) on one thread while the statements
 * made are signed and stored on the others (cmd-import-pipe.h).  A file
 * changed since the check is read as it is now: any error rolls the whole
 * import back.
 */
#include "app/orderdesk/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/import/import.h"
#include "app/import/import-kept.h"
#include "app/import/import-update.h"
#include "app/orderdesk/cmd-import-pipe.h"
#include "app/log/order.h"
#include "lib/progress.h"

struct import_job {
	struct shop *sh;
	struct import_reader *in;
	enum import_source source;
	size_t orders;           /* orders the check found */
	struct import_tally tally;
	struct import_kept *kept;  /* the check pass's orders, or NULL */
	size_t at;                 /* the next kept order */
	struct order *owned;       /* the order read from the file again */
};

/* The next order of the file, from those kept or read again (the pipe's
 * import_pipe_next_fn); *o is NULL at the end. */
static enum od_code next_order(void *ctx, const struct order **o,
			       const struct import_meta **m,
			       struct od_err *err)
{
	struct import_job *job = ctx;
	enum od_code rc;

	order_free(job->owned);
	job->owned = NULL;
	*o = NULL;
	if (job->kept != NULL) {
		if (job->at < import_kept_count(job->kept)) {
			*o = import_kept_order(job->kept, job->at);
			*m = import_kept_meta(job->kept, job->at);
			job->at++;
		}
		return OD_OK;
	}
	rc = import_next(job->in, &job->owned, err);
	*o = job->owned;
	*m = import_last_meta(job->in);
	return rc;
}

/* Starts again from the file's first order. */
static enum od_code rewind_orders(struct import_job *job, struct od_err *err)
{
	job->at = 0;
	if (job->kept != NULL)
		return OD_OK;
	return import_set_source(job->in, job->source, err);
}

/*
 * The bytes of orders the check pass may keep: IMPORT_KEPT_BUDGET, or
 * ORDERDESK_IMPORT_KEEP (tests set 0 to take the path of a large file).
 */
static size_t keep_budget(void)
{
	const char *s = getenv("ORDERDESK_IMPORT_KEEP");
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return IMPORT_KEPT_BUDGET;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > SIZE_MAX)
		return IMPORT_KEPT_BUDGET;
	return (size_t)v;
}

/* Reads the whole file, counting its orders and keeping them while they
 * fit the budget, then rewinds. */
static enum od_code check_file(struct import_job *job, struct od_err *err)
{
	struct order *o;
	enum od_code rc;

	rc = import_kept_new(keep_budget(), &job->kept, err);
	while (rc == OD_OK &&
	       (rc = import_next(job->in, &o, err)) == OD_OK && o != NULL) {
		job->orders++;
		job->source = import_last_meta(job->in)->source;
		import_kept_add(job->kept, o, import_last_meta(job->in));
	}
	if (rc == OD_OK && !import_kept_whole(job->kept)) {
		import_kept_free(job->kept);
		job->kept = NULL;
	}
	if (rc == OD_OK)
		rc = rewind_orders(job, err);
	return rc;
}

/* Reads --from SOURCE; FILE is then the last argument. */
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

/* "Imported 2,304 orders: 312 new, 1,988 already here, 4 updated (3
 * paid, 1 cancelled)" and who signed what. */
static void summary(struct cli *c, const struct import_job *job,
		    long long first)
{
	char all[32], what[160];

	import_count_text(job->orders, all, sizeof all);
	import_tally_text(&job->tally, what, sizeof what);
	fprintf(c->out, "Imported %s orders: %s", all, what);
	if (job->tally.statements > 0)
		fprintf(c->out, "; signed by %s (log entries %lld to %lld)",
			job->sh->user, first,
			first + (long long)job->tally.statements - 1);
	fprintf(c->out, ".\n");
}

/* Signs and stores what the checked file needs, in one transaction. */
static enum od_code import_run(struct cli *c, struct import_job *job,
			       struct od_err *err)
{
	long long first = 0;
	enum od_code rc;
	char why[OD_ERR_MSG_MAX];

	if (job->orders == 0) {
		fprintf(c->out, "The file holds no orders; nothing to do.\n");
		return OD_OK;
	}
	rc = cli_unlock(c, SHOP_WRITE, &job->sh, err);
	/* One transaction: interrupted, nothing is imported. */
	if (rc == OD_OK)
		progress_begin("nothing was imported");
	progress_phase("importing", "orders", (long long)job->orders);
	if (rc == OD_OK)
		rc = import_pipe_run(job->sh, next_order, job, job->orders,
				     &job->tally, &first, err);
	progress_end();
	if (rc != OD_OK) {
		snprintf(why, sizeof why, "%s", err->msg);
		return od_err_set(err, rc, "%.200s; nothing was imported",
				  why);
	}
	summary(c, job, first);
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
	order_free(job.owned);
	import_kept_free(job.kept);
	shop_close(job.sh);
	import_close(job.in);
	return rc;
}

const struct cli_command cmd_import_entry = {
	"import", "[--from orderdesk|woocommerce|shopify|amazon|etsy] FILE",
	"add orders from a file: orderdesk's JSON or CSV, or a storefront's "
	"export", cmd_import,
};
