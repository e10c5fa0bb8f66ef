/*
 * cmd-import.c - `orderdesk import [--from SOURCE] FILE`: orders from
 * orderdesk's JSON or CSV, or a storefront's own export.
 *
 * The file is read three times, never held whole: once to check every
 * order before a passphrase is asked for; once, unlocked, to decide what
 * each order needs against the shop (storefront exports overlap: an order
 * already here with the same content needs nothing, one paid or cancelled
 * since needs a payment.receive or an order.cancel); and once inside the
 * one transaction that signs and stores those statements in rounds
 * (shop_append_many).  The last reading decides everything again, so a
 * file changed in between cannot slip anything past: any error rolls the
 * whole import back.
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "app/import/import.h"
#include "app/log/order.h"
#include "lib/progress.h"

/* What one order of the file needs, in the order to sign it. */
enum step { STEP_PLACED, STEP_PAID, STEP_CANCEL };

struct plan {
	enum step steps[3];
	size_t n;
	long long owed;          /* STEP_PAID: what is left to pay */
};

struct import_job {
	struct shop *sh;
	struct import_reader *in;
	enum import_source source;
	size_t orders;           /* orders the check found */
	size_t statements;       /* statements the plan found */
	size_t fresh, here, paid, cancelled, updated;
	/* While signing: the order being done and what is left of it. */
	struct order *cur;
	struct plan plan;
	size_t next;             /* index into plan.steps */
};

/* The file no longer holds what the check read. */
static enum od_code file_changed(struct od_err *err)
{
	return od_err_set(err, OD_E_INPUT,
			  "the import file changed while it was imported");
}

/*
 * Whether the order in the shop is the one in the file: what was bought,
 * when, at what figures.  Payment and cancellation may have moved on.
 */
static int same_order(const struct order *a, const struct order *b)
{
	size_t i;

	if (strcmp(a->placed_at, b->placed_at) != 0 ||
	    strcmp(a->currency, b->currency) != 0 || a->total != b->total ||
	    a->shipping != b->shipping || a->tax != b->tax ||
	    a->discount != b->discount || a->nitems != b->nitems)
		return 0;
	for (i = 0; i < a->nitems; i++)
		if (strcmp(a->items[i].sku, b->items[i].sku) != 0 ||
		    a->items[i].qty != b->items[i].qty ||
		    a->items[i].unit_price != b->items[i].unit_price)
			return 0;
	return 1;
}

/* Decides what order o of the file needs, against the shop. */
static enum od_code decide(struct import_job *job, const struct order *o,
			   struct plan *p, struct od_err *err)
{
	const struct import_meta *m = import_last_meta(job->in);
	struct order *have = NULL;
	enum od_code rc;

	memset(p, 0, sizeof *p);
	rc = store_order_get(job->sh->store, o->number, &have, err);
	if (rc == OD_E_NOTFOUND) {
		od_err_clear(err);
		p->steps[p->n++] = STEP_PLACED;
		if (m->cancelled)
			p->steps[p->n++] = STEP_CANCEL;
		return OD_OK;
	}
	if (rc != OD_OK)
		return rc;
	if (!same_order(have, o))
		rc = od_err_set(err, OD_E_INPUT, "order %s is already in the "
				"shop with other items, figures or time (is "
				"it another storefront's order of the same "
				"number?)",
				o->number);
	if (rc == OD_OK && o->arrival == ARRIVAL_PAID &&
	    have->paid < have->total && have->status != ORDER_CANCELLED) {
		p->owed = have->total - have->paid;
		p->steps[p->n++] = STEP_PAID;
	}
	if (rc == OD_OK && m->cancelled && have->status != ORDER_CANCELLED)
		p->steps[p->n++] = STEP_CANCEL;
	order_free(have);
	return rc;
}

/* Counts what plan p does to an order, for the summary. */
static void tally(struct import_job *job, const struct plan *p)
{
	size_t i;
	int update = 0;

	if (p->n == 0)
		job->here++;
	else if (p->steps[0] == STEP_PLACED)
		job->fresh++;
	for (i = 0; i < p->n && p->steps[0] != STEP_PLACED; i++) {
		update = 1;
		job->paid += p->steps[i] == STEP_PAID;
		job->cancelled += p->steps[i] == STEP_CANCEL;
	}
	job->updated += update;
	job->statements += p->n;
}

/*
 * The current order's order.placed; from a storefront, it names the
 * source and the SHA-256 of the bytes the order came from (the statement's
 * last fields, so orders of orderdesk's own format read as before).
 */
static enum od_code make_placed(struct import_job *job,
				struct statement **out, struct od_err *err)
{
	const struct import_meta *m = import_last_meta(job->in);
	char hex[7 + 65] = "sha256:";
	enum od_code rc;
	size_t i;

	rc = shop_statement(job->sh, STMT_ORDER_PLACED, job->cur->number, out,
			    err);
	if (rc == OD_OK)
		rc = order_to_statement(job->cur, *out, err);
	if (rc != OD_OK || m->source == IMPORT_ORDERDESK)
		return rc;
	for (i = 0; i < 32; i++)
		snprintf(hex + 7 + 2 * i, 3, "%02x", m->sha256[i]);
	rc = statement_add(*out, "source", import_source_name(m->source),
			   err);
	if (rc == OD_OK)
		rc = statement_add(*out, "source-hash", hex, err);
	return rc;
}

/* Statement step of the current order. */
static enum od_code make_step(struct import_job *job, enum step s,
			      struct statement **out, struct od_err *err)
{
	const char *src = import_source_name(job->source);
	char text[64];
	enum od_code rc;

	if (s == STEP_PLACED)
		return make_placed(job, out, err);
	if (s == STEP_PAID) {
		rc = shop_statement(job->sh, STMT_PAYMENT_RECEIVE,
				    job->cur->number, out, err);
		snprintf(text, sizeof text, "%lld", job->plan.owed);
		if (rc == OD_OK)
			rc = statement_add(*out, "amount", text, err);
		if (rc == OD_OK)
			rc = statement_add(*out, "method", "other", err);
		snprintf(text, sizeof text, "paid in %s", src);
		if (rc == OD_OK)
			rc = statement_add(*out, "reference", text, err);
		return rc;
	}
	rc = shop_statement(job->sh, STMT_ORDER_CANCEL, job->cur->number, out,
			    err);
	snprintf(text, sizeof text, "cancelled in %s", src);
	if (rc == OD_OK)
		rc = statement_add(*out, "reason", text, err);
	return rc;
}

/* Moves to the next order of the file that needs something. */
static enum od_code next_needed(struct import_job *job, struct od_err *err)
{
	enum od_code rc;

	for (;;) {
		order_free(job->cur);
		job->cur = NULL;
		rc = import_next(job->in, &job->cur, err);
		if (rc != OD_OK || job->cur == NULL)
			return rc;
		rc = decide(job, job->cur, &job->plan, err);
		if (rc != OD_OK || job->plan.n > 0)
			break;
	}
	job->next = 0;
	return rc;
}

/*
 * Makes statement i.  After the last, the rest of the file must need
 * nothing and end as the check saw it end, before the transaction commits.
 */
static enum od_code make_statement(void *ctx, size_t i,
				   struct statement **out, struct od_err *err)
{
	struct import_job *job = ctx;
	enum od_code rc = OD_OK;

	*out = NULL;
	if (job->cur == NULL || job->next == job->plan.n)
		rc = next_needed(job, err);
	if (rc == OD_OK && job->cur == NULL)
		rc = file_changed(err);
	if (rc == OD_OK)
		rc = make_step(job, job->plan.steps[job->next++], out, err);
	progress_step(1);
	if (rc == OD_OK && i + 1 == job->statements) {
		rc = next_needed(job, err);
		if (rc == OD_OK && job->cur != NULL)
			rc = file_changed(err);
	}
	return rc;
}

/* Reads the whole file, counting its orders, then rewinds. */
static enum od_code check_file(struct import_job *job, struct od_err *err)
{
	struct order *o;
	enum od_code rc;

	while ((rc = import_next(job->in, &o, err)) == OD_OK && o != NULL) {
		job->orders++;
		job->source = import_last_meta(job->in)->source;
		order_free(o);
	}
	if (rc == OD_OK)
		rc = import_set_source(job->in, job->source, err);
	return rc;
}

/* Reads the file against the shop: what each order needs; rewinds. */
static enum od_code plan_file(struct import_job *job, struct od_err *err)
{
	struct order *o;
	struct plan p;
	enum od_code rc;

	while ((rc = import_next(job->in, &o, err)) == OD_OK && o != NULL) {
		rc = decide(job, o, &p, err);
		order_free(o);
		if (rc != OD_OK)
			return rc;
		tally(job, &p);
		progress_step(1);
	}
	if (rc == OD_OK)
		rc = import_set_source(job->in, job->source, err);
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

/* n with thousands separated by commas, into buf. */
static void format_count(size_t n, char *buf, size_t size)
{
	char digits[32];
	size_t len, i, k = 0;

	len = (size_t)snprintf(digits, sizeof digits, "%zu", n);
	for (i = 0; i < len && k + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
}

/* "312 new, 1,988 already here, 4 updated (3 paid, 1 cancelled)". */
static void summary(struct cli *c, const struct import_job *job,
		    long long first)
{
	char all[32], a[32], b[32], d[32];

	format_count(job->orders, all, sizeof all);
	format_count(job->fresh, a, sizeof a);
	format_count(job->here, b, sizeof b);
	format_count(job->updated, d, sizeof d);
	fprintf(c->out, "Imported %s orders: %s new, %s already here, %s "
		"updated", all, a, b, d);
	if (job->updated > 0)
		fprintf(c->out, " (%zu paid, %zu cancelled)", job->paid,
			job->cancelled);
	if (job->statements > 0)
		fprintf(c->out, "; signed by %s (log entries %lld to %lld)",
			job->sh->user, first,
			first + (long long)job->statements - 1);
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
	progress_phase("reading", "orders", (long long)job->orders);
	if (rc == OD_OK)
		rc = plan_file(job, err);
	progress_phase("importing", "statements", (long long)job->statements);
	if (rc == OD_OK && job->statements > 0)
		rc = shop_append_many(job->sh, job->statements,
				      make_statement, job, &first, err);
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
	order_free(job.cur);
	shop_close(job.sh);
	import_close(job.in);
	return rc;
}

const struct cli_command cmd_import_entry = {
	"import", "[--from orderdesk|woocommerce|shopify|amazon|etsy] FILE",
	"add orders from a file: orderdesk's JSON or CSV, or a storefront's "
	"export", cmd_import,
};
