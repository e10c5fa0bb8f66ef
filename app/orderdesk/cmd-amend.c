/*
 * cmd-amend.c - `orderdesk amend`: a corrected ship-to or items before
 * shipping, as a signed order.amend that carries each old value beside
 * the new (app/log/fold-amend.c decides).
 */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/fold.h"
#include "app/log/order.h"
#include "lib/buf.h"

/* What the command line asks to change (NULL: unchanged). */
struct amend_ask {
	const char *name, *city, *postcode, *country;
	const char *line[ORDER_MAX_LINES];
	char **items;               /* "SKU:QTY" as typed */
	size_t nitems;
	char **adds;                /* "SKU:QTY:PRICE[:NAME]" as typed */
	size_t nadds;
	int any;
};

/* Adds was-FIELD (when old is not empty) and FIELD for a part asked. */
static enum od_code add_part(struct statement *st, const char *field,
			     const char *old, const char *v,
			     struct od_err *err)
{
	char was[32];
	enum od_code rc = OD_OK;

	if (v == NULL)
		return OD_OK;
	snprintf(was, sizeof was, "was-%s", field);
	if (old != NULL && *old)
		rc = statement_add(st, was, old, err);
	if (rc == OD_OK)
		rc = statement_add(st, field, v, err);
	return rc;
}

/* The address lines: the order's, then the new set with those asked. */
static enum od_code add_lines(struct statement *st, const struct order *o,
			      const struct amend_ask *a, struct od_err *err)
{
	size_t i, n = o->nlines, asked = 0;
	enum od_code rc = OD_OK;

	for (i = 0; i < ORDER_MAX_LINES; i++) {
		if (a->line[i] == NULL)
			continue;
		asked = 1;
		if (i > n)
			return od_err_set(err, OD_E_USAGE, "--ship-to-line%zu: "
					  "order %s's address has %zu lines; "
					  "give line %zu first", i + 1,
					  o->number, n, n + 1);
		if (i == n)
			n++;
	}
	if (!asked)
		return OD_OK;
	for (i = 0; i < o->nlines && rc == OD_OK; i++)
		rc = statement_add(st, "was-ship-line", o->ship_lines[i], err);
	for (i = 0; i < n && rc == OD_OK; i++)
		rc = statement_add(st, "ship-line", a->line[i] ? a->line[i]
				   : o->ship_lines[i], err);
	return rc;
}

/* Reads "SKU:QTY"; OD_E_USAGE if not that. */
static enum od_code item_arg(const char *arg, char *sku, size_t cap,
			     long long *qty, struct od_err *err)
{
	const char *colon = strchr(arg, ':');
	char *end;

	if (colon == NULL || colon == arg || (size_t)(colon - arg) >= cap)
		goto bad;
	*qty = strtoll(colon + 1, &end, 10);
	if (*end != '\0' || *qty < 0 || *qty > 100000)
		goto bad;
	snprintf(sku, cap, "%.*s", (int)(colon - arg), arg);
	return OD_OK;
bad:
	return od_err_set(err, OD_E_USAGE, "--item: give SKU:QUANTITY (0 "
			  "takes it out, up to 100000), e.g. TEA-001:2");
}

/* The items asked (old quantities, then new) and the totals. */
static enum od_code add_items(struct statement *st, struct order *o,
			      const struct amend_ask *a, struct od_err *err)
{
	char sku[ORDER_SKU_MAX + 1], v[ORDER_SKU_MAX + 24];
	long long qty = 0, total = o->shipping + o->tax - o->discount;
	size_t i, k, pass;
	enum od_code rc = OD_OK;

	if (a->nitems == 0 && a->nadds == 0)
		return OD_OK;
	for (pass = 0; pass < 2 && rc == OD_OK; pass++)
		for (i = 0; i < a->nitems && rc == OD_OK; i++) {
			rc = item_arg(a->items[i], sku, sizeof sku, &qty, err);
			for (k = 0; rc == OD_OK && k < o->nitems; k++)
				if (strcmp(o->items[k].sku, sku) == 0)
					break;
			if (rc == OD_OK && k == o->nitems)
				return od_err_set(err, OD_E_USAGE, "--item: "
						  "order %s has no item %s",
						  o->number, sku);
			if (rc != OD_OK)
				break;
			snprintf(v, sizeof v, "%s %lld", sku,
				 pass ? qty : o->items[k].qty);
			rc = statement_add(st, pass ? "item" : "was-item", v,
					   err);
			if (pass)
				o->items[k].qty = qty;
		}
	for (k = 0; k < o->nitems; k++)
		total += o->items[k].qty * o->items[k].unit_price;
	for (i = 0; i < a->nadds && rc == OD_OK; i++)
		rc = cli_amend_add_item(st, o, a->adds[i], &total, err);
	snprintf(v, sizeof v, "%lld", o->total);
	if (rc == OD_OK)
		rc = statement_add(st, "was-total", v, err);
	snprintf(v, sizeof v, "%lld", total);
	if (rc == OD_OK)
		rc = statement_add(st, "total", v, err);
	return rc;
}

/* The order.amend for a, from o as it is now. */
static enum od_code build(struct statement *st, struct order *o,
			  const struct amend_ask *a, struct od_err *err)
{
	enum od_code rc = add_part(st, "ship-name", o->ship_name, a->name,
				   err);

	if (rc == OD_OK)
		rc = add_lines(st, o, a, err);
	if (rc == OD_OK)
		rc = add_part(st, "ship-city", o->city, a->city, err);
	if (rc == OD_OK)
		rc = add_part(st, "ship-postcode", o->postcode, a->postcode,
			      err);
	if (rc == OD_OK)
		rc = add_part(st, "ship-country", o->country, a->country, err);
	if (rc == OD_OK)
		rc = add_items(st, o, a, err);
	return rc;
}

/* Reads the options into a; OD_E_USAGE for anything else. */
static enum od_code parse(int argc, char **argv, struct amend_ask *a,
			  struct od_err *err)
{
	static const struct option opts[] = {
		{ "ship-to-name", required_argument, NULL, 'n' },
		{ "ship-to-line1", required_argument, NULL, '1' },
		{ "ship-to-line2", required_argument, NULL, '2' },
		{ "ship-to-line3", required_argument, NULL, '3' },
		{ "ship-to-line4", required_argument, NULL, '4' },
		{ "ship-to-city", required_argument, NULL, 'c' },
		{ "ship-to-postcode", required_argument, NULL, 'p' },
		{ "ship-to-country", required_argument, NULL, 'C' },
		{ "item", required_argument, NULL, 'i' },
		{ "add-item", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt >= '1' && opt <= '4')
			a->line[opt - '1'] = optarg;
		else if (opt == 'n')
			a->name = optarg;
		else if (opt == 'c')
			a->city = optarg;
		else if (opt == 'p')
			a->postcode = optarg;
		else if (opt == 'C')
			a->country = optarg;
		else if (opt == 'i')
			a->items[a->nitems++] = optarg;
		else if (opt == 'a')
			a->adds[a->nadds++] = optarg;
		else
			return cli_usage(&cmd_amend_entry, err);
		a->any = 1;
	}
	if (!a->any || optind + 1 != argc)
		return cli_usage(&cmd_amend_entry, err);
	return OD_OK;
}

/* amend NUMBER --ship-to-... */
static enum od_code cmd_amend(struct cli *c, int argc, char **argv,
			      struct od_err *err)
{
	struct amend_ask a;
	struct shop *sh = NULL;
	struct order *o = NULL;
	struct statement *st = NULL;
	struct buf said;
	long long seq = 0;
	enum od_code rc;

	memset(&a, 0, sizeof a);
	a.items = calloc((size_t)argc + 1, sizeof *a.items);
	a.adds = calloc((size_t)argc + 1, sizeof *a.adds);
	if (a.items == NULL || a.adds == NULL) {
		free(a.items);
		free(a.adds);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	rc = parse(argc, argv, &a, err);

	buf_init(&said, 64 * 1024);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_WRITE, &sh, err);
	if (rc == OD_OK)
		rc = store_order_get(sh->store, argv[optind], &o, err);
	if (rc == OD_OK)
		rc = shop_statement(sh, STMT_ORDER_AMEND, argv[optind], &st,
				    err);
	if (rc == OD_OK)
		rc = build(st, o, &a, err);
	if (rc == OD_OK)
		rc = fold_amend_describe(st, &said, err);
	if (rc == OD_OK)
		rc = shop_append(sh, &st, 1, &seq, err);
	if (rc == OD_OK)
		fprintf(c->out, "Order %s amended, signed by %s (log entry "
			"%lld): %s\n", argv[optind], sh->user, seq, said.data);
	buf_free(&said);
	free(a.items);
	free(a.adds);
	record_order_free(o);
	statement_free(st);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_amend_entry = {
	"amend", "NUMBER [--ship-to-name TEXT] [--ship-to-line1..4 TEXT] "
	"[--ship-to-city TEXT] [--ship-to-postcode TEXT] "
	"[--ship-to-country CC] [--item SKU:QTY ...] "
	"[--add-item SKU:QTY:PRICE[:NAME] ...]",
	"correct an order's ship-to or items before it ships (QTY 0 takes "
	"an item out), old and new signed",
	cmd_amend,
};
