/*
 * cmd-return.c - `orderdesk return open|receive|close`: a return (RMA) of
 * shipped items, what came back and in what state, and how it ended, each
 * a signed statement the fold checks (app/log/fold-return.c).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/order.h"
#include "app/shop/evidence.h"
#include "lib/buf.h"

/* The order of a return number ORDER-Rn: all before the last "-R". */
static enum od_code rma_order(const char *rma, char *order, size_t cap,
			      struct od_err *err)
{
	const char *r = NULL, *p;

	for (p = strstr(rma, "-R"); p != NULL; p = strstr(p + 1, "-R"))
		r = p;
	if (r == NULL || r == rma || (size_t)(r - rma) >= cap ||
	    strspn(r + 2, "0123456789") != strlen(r + 2) || r[2] == '\0')
		return od_err_set(err, OD_E_USAGE,
				  "a return number looks like 1042-R1");
	memcpy(order, rma, (size_t)(r - rma));
	order[r - rma] = '\0';
	return order_number_check(order, err);
}

/* Counts an order's returns, to number the next. */
static enum od_code count_one(void *ctx, const struct return_record *r,
			      struct od_err *err)
{
	(void)r;
	(void)err;
	++*(size_t *)ctx;
	return OD_OK;
}

/* Finds the return in ctx[0] and copies its condition and note. */
struct return_look {
	const char *rma;
	char condition[16];
	char note[256];
};

static enum od_code look_one(void *ctx, const struct return_record *r,
			     struct od_err *err)
{
	struct return_look *l = ctx;

	(void)err;
	if (strcmp(r->rma, l->rma) == 0) {
		snprintf(l->condition, sizeof l->condition, "%s", r->condition);
		snprintf(l->note, sizeof l->note, "%s", r->note);
	}
	return OD_OK;
}

/* Adds "SKU:QTY[:SERIAL]" options as item fields "SKU QTY [SERIAL]". */
static enum od_code add_items(struct statement *st, char **items, size_t n,
			      int serials, struct od_err *err)
{
	char value[256], *p;
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < n && rc == OD_OK; i++) {
		if (strlen(items[i]) >= sizeof value ||
		    strchr(items[i], ':') == NULL)
			return od_err_set(err, OD_E_USAGE, "--item: give "
					  "SKU:QUANTITY%s, e.g. TEA-001:2",
					  serials ? "[:SERIAL]" : "");
		snprintf(value, sizeof value, "%s", items[i]);
		for (p = value; (p = strchr(p, ':')) != NULL; p++)
			*p = ' ';
		rc = statement_add(st, "item", value, err);
	}
	return rc;
}

/* The options every subcommand may take. */
struct return_opts {
	const char *reason, *condition, *refund;
	char **items;
	size_t nitems;
	char **files;          /* --evidence, receive only */
	size_t nfiles;
	char **restocks;       /* --restock-item, close --accept only */
	size_t nrestocks;
	int accept, reject, restock_all;
};

static enum od_code parse_opts(int argc, char **argv, struct return_opts *o,
			       struct od_err *err)
{
	static const struct option opts[] = {
		{ "item", required_argument, NULL, 'i' },
		{ "reason", required_argument, NULL, 'r' },
		{ "condition", required_argument, NULL, 'c' },
		{ "accept", no_argument, NULL, 'a' },
		{ "reject", no_argument, NULL, 'j' },
		{ "evidence", required_argument, NULL, 'e' },
		{ "refund", required_argument, NULL, 'f' },
		{ "restock", no_argument, NULL, 's' },
		{ "restock-item", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'i')
			o->items[o->nitems++] = optarg;
		else if (opt == 'r')
			o->reason = optarg;
		else if (opt == 'c')
			o->condition = optarg;
		else if (opt == 'a')
			o->accept = 1;
		else if (opt == 'j')
			o->reject = 1;
		else if (opt == 'e')
			o->files[o->nfiles++] = optarg;
		else if (opt == 'f')
			o->refund = optarg;
		else if (opt == 's')
			o->restock_all = 1;
		else if (opt == 'k')
			o->restocks[o->nrestocks++] = optarg;
		else
			return cli_usage(&cmd_return_entry, err);
	}
	if (optind + 1 != argc)
		return cli_usage(&cmd_return_entry, err);
	return OD_OK;
}

/* Makes the statement of subcommand what about the return or order arg. */
static enum od_code make(struct shop *sh, const char *what, const char *arg,
			 const struct return_opts *o, char *rma, size_t cap,
			 struct statement **st, struct od_err *err)
{
	char order[ORDER_NUMBER_MAX + 1];
	size_t n = 0;
	enum od_code rc;

	if (strcmp(what, "open") == 0) {
		rc = order_number_check(arg, err);
		if (rc == OD_OK)
			rc = store_return_each(sh->store, arg, count_one, &n,
					       err);
		snprintf(rma, cap, "%s-R%zu", arg, n + 1);
		if (rc == OD_OK)
			rc = shop_statement(sh, STMT_RETURN_OPEN, arg, st, err);
		if (rc == OD_OK)
			rc = statement_add(*st, "rma", rma, err);
		if (rc == OD_OK)
			rc = statement_add(*st, "reason", o->reason, err);
		if (rc == OD_OK)
			rc = add_items(*st, o->items, o->nitems, 0, err);
		return rc;
	}
	snprintf(rma, cap, "%s", arg);
	rc = rma_order(arg, order, sizeof order, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, strcmp(what, "receive") == 0
				    ? STMT_RETURN_RECEIVE : STMT_RETURN_CLOSE,
				    order, st, err);
	if (rc == OD_OK)
		rc = statement_add(*st, "rma", arg, err);
	if (rc == OD_OK && strcmp(what, "receive") == 0) {
		rc = statement_add(*st, "condition", o->condition, err);
		if (rc == OD_OK)
			rc = add_items(*st, o->items, o->nitems, 1, err);
		if (rc == OD_OK)
			rc = evidence_attach(sh, *st, o->files, o->nfiles,
					     err);
	} else if (rc == OD_OK) {
		rc = statement_add(*st, "decision",
				   o->accept ? "accept" : "reject", err);
		if (rc == OD_OK && o->reason != NULL)
			rc = statement_add(*st, "reason", o->reason, err);
		if (rc == OD_OK)
			rc = cli_return_restock(sh, order, arg, o->restock_all,
						o->restocks, o->nrestocks,
						*st, err);
	}
	return rc;
}

/* Whether the subcommand has what it needs. */
static int complete(const char *what, const struct return_opts *o)
{
	if (o->refund != NULL && strcmp(what, "close") != 0)
		return 0;
	/* Only what an accepted return received goes back on the shelf. */
	if ((o->restock_all || o->nrestocks > 0) &&
	    (strcmp(what, "close") != 0 || !o->accept ||
	     (o->restock_all && o->nrestocks > 0)))
		return 0;
	if (strcmp(what, "open") == 0)
		return o->reason != NULL && o->nitems > 0;
	if (o->nfiles > 0 && strcmp(what, "receive") != 0)
		return 0;
	if (strcmp(what, "receive") == 0)
		return o->condition != NULL && o->nitems > 0;
	if (strcmp(what, "close") == 0)
		return o->accept + o->reject == 1 &&
		       (o->accept || o->reason != NULL) &&
		       (o->refund == NULL || o->accept);
	return 0;
}

/* Says what was signed; a receive says if it was marked wrong-item. */
static void report(struct cli *c, struct shop *sh, const char *what,
		   const char *rma, long long seq)
{
	struct return_look l = { rma, "", "" };
	char order[ORDER_NUMBER_MAX + 1];
	struct od_err ignored;

	if (strcmp(what, "receive") == 0 &&
	    rma_order(rma, order, sizeof order, &ignored) == OD_OK)
		store_return_each(sh->store, order, look_one, &l, &ignored);
	fprintf(c->out, "Return %s %s%s%s%s%s, signed by %s (log entry %lld).\n",
		rma, strcmp(what, "open") == 0 ? "opened"
		: strcmp(what, "receive") == 0 ? "received" : "closed",
		l.condition[0] ? ": " : "", l.condition,
		l.note[0] ? "; " : "", l.note, sh->user, seq);
}

/* Says which units went back on the shelf with the close st. */
static void report_restock(struct cli *c, const struct statement *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->nfields; i++)
		if (strcmp(st->fields[i].name, "restock") == 0)
			fprintf(c->out, "%s%s", n++ ? ", " : "Back on the "
				"shelf: ", st->fields[i].value);
	if (n > 0)
		fprintf(c->out, " (see `orderdesk stock`).\n");
}

static enum od_code cmd_return(struct cli *c, int argc, char **argv,
			       struct od_err *err)
{
	struct return_opts o = { NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, 0,
				 0, 0, 0 };
	char rma[ORDER_NUMBER_MAX + 24], order[ORDER_NUMBER_MAX + 1];
	char money[48];
	struct shop *sh = NULL;
	struct statement *st[2] = { NULL, NULL };
	long long seq[2] = { 0, 0 };
	enum od_code rc;

	if (argc < 3)
		return cli_usage(&cmd_return_entry, err);
	o.items = calloc((size_t)argc, sizeof *o.items);
	o.files = calloc((size_t)argc, sizeof *o.files);
	o.restocks = calloc((size_t)argc, sizeof *o.restocks);
	if (o.items == NULL || o.files == NULL || o.restocks == NULL) {
		free(o.items);
		free(o.files);
		free(o.restocks);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	rc = parse_opts(argc - 1, argv + 1, &o, err);
	if (rc == OD_OK && !complete(argv[1], &o))
		rc = cli_usage(&cmd_return_entry, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = make(sh, argv[1], argv[optind + 1], &o, rma, sizeof rma,
			  &st[0], err);
	/* A refund with the close: both land or neither. */
	if (rc == OD_OK && o.refund != NULL &&
	    (rc = rma_order(rma, order, sizeof order, err)) == OD_OK)
		rc = cli_return_refund(sh, order, rma, o.refund, o.reason,
				       &st[1], money, err);
	if (rc == OD_OK)
		rc = shop_append(sh, st, st[1] ? 2 : 1, seq, err);
	if (rc == OD_OK)
		report(c, sh, argv[1], rma, seq[0]);
	if (rc == OD_OK)
		report_restock(c, st[0]);
	if (rc == OD_OK && st[1] != NULL)
		fprintf(c->out, "Order %s: %s refunded for return %s (log "
			"entry %lld).\n", order, money, rma, seq[1]);
	statement_free(st[0]);
	statement_free(st[1]);
	shop_close(sh);
	free(o.items);
	free(o.files);
	free(o.restocks);
	return rc;
}

const struct cli_command cmd_return_entry = {
	"return", "open NUMBER --item SKU:QTY ... --reason TEXT | receive RMA "
	"--item SKU:QTY[:SERIAL] ... --condition ok|damaged|wrong-item "
	"[--evidence FILE ...] | "
	"close RMA --accept [--restock | --restock-item SKU:QTY ...] "
	"[--refund AMOUNT] | --reject --reason TEXT",
	"returns: open one, receive what came back, close it", cmd_return,
};
