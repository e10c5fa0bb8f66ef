/* cmd-list.c - `orderdesk list` and `orderdesk show`: reading orders. */
#include "app/orderdesk/cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/desk-pick.h"
#include "app/desk/desk-shop.h"
#include "app/desk/desk-tabs.h"
#include "lib/format.h"
#include "app/log/money.h"
#include "app/log/order.h"
#include "lib/csv.h"
#include "lib/utf8.h"

enum list_format { LIST_TABLE, LIST_JSON, LIST_CSV };

struct list_job {
	struct cli *c;
	enum list_format format;
	struct buf line;
	long long count;
	struct store *store;            /* held, for parcels and --filter */
	struct order_filter *filter;    /* --filter, or NULL */
};

/* "2026-11-20T09:15:00Z" -> "2026-11-20 09:15" */
static void short_time(const char *t, char *out, size_t cap)
{
	snprintf(out, cap, "%.10s %.5s", t, strlen(t) >= 16 ? t + 11 : "");
}

/* One table row: columns sized for 80 columns, CJK-aware. */
static enum od_code table_row(struct list_job *j, const struct order *o,
			      struct od_err *err)
{
	char when[32], money[48], items[16];
	enum od_code rc;

	short_time(o->placed_at, when, sizeof when);
	format_money(o->total, o->currency, money, sizeof money);
	snprintf(items, sizeof items, "%zu", o->nitems);
	buf_reset(&j->line);
	rc = format_fit(&j->line, o->number, 10, err);
	if (rc == OD_OK)
		rc = buf_addf(&j->line, err, " %-16s ", when);
	if (rc == OD_OK)
		rc = format_fit(&j->line, o->customer_name, 20, err);
	if (rc == OD_OK)
		rc = buf_addf(&j->line, err, " %5s %16s  %-10s %s\n", items,
			      money, order_status_name(o->status),
			      money_state_name(money_state(o)));
	if (rc == OD_OK)
		fputs(j->line.data, j->c->out);
	return rc;
}

/* The total in the currency's major units, as a number: "162.84". */
static void decimal_total(long long minor, const char *currency, char *out,
			  size_t cap)
{
	char *sp;

	format_money(minor, currency, out, cap);
	sp = strchr(out, ' ');
	if (sp != NULL)
		*sp = '\0';
}

/* An order's parcels' carriers and tracking codes, each joined by "; ". */
struct parcels {
	struct buf carrier, tracking;
};

static enum od_code add_parcel(void *ctx, const struct shipment_record *r,
			       struct od_err *err)
{
	struct parcels *p = ctx;
	const char *sep = p->carrier.len ? "; " : "";
	enum od_code rc = buf_addf(&p->carrier, err, "%s%s", sep, r->carrier);

	if (rc == OD_OK)
		rc = buf_addf(&p->tracking, err, "%s%s", sep, r->tracking);
	return rc;
}

/* One CSV row, through the program's one CSV writer (formula guard). */
static enum od_code csv_order(struct list_job *j, const struct order *o,
			      struct od_err *err)
{
	struct parcels p = { { 0 }, { 0 } };
	const char *cols[11];
	char total[48], items[16];
	enum od_code rc;

	buf_init(&p.carrier, 4096);
	buf_init(&p.tracking, 4096);
	rc = buf_addf(&p.carrier, err, "%s", "");
	if (rc == OD_OK)
		rc = buf_addf(&p.tracking, err, "%s", "");
	if (rc == OD_OK)
		rc = store_shipment_each(j->store, o->number, add_parcel, &p,
					 err);
	decimal_total(o->total, o->currency, total, sizeof total);
	snprintf(items, sizeof items, "%zu", o->nitems);
	cols[0] = o->number;
	cols[1] = o->placed_at;
	cols[2] = o->customer_name;
	cols[3] = o->city;
	cols[4] = items;
	cols[5] = total;
	cols[6] = o->currency;
	cols[7] = order_status_name(o->status);
	cols[8] = money_state_name(money_state(o));
	cols[9] = p.carrier.data;
	cols[10] = p.tracking.data;
	buf_reset(&j->line);
	if (rc == OD_OK)
		rc = csv_row(&j->line, cols, 11, err);
	if (rc == OD_OK)
		fputs(j->line.data, j->c->out);
	buf_free(&p.carrier);
	buf_free(&p.tracking);
	return rc;
}

/* The CSV header line. */
static enum od_code csv_head(struct list_job *j, struct od_err *err)
{
	static const char *const head[] = { "number", "placed_at", "customer",
		"city", "items", "total", "currency", "status", "payment",
		"carrier", "tracking" };
	enum od_code rc = csv_row(&j->line, head, 11, err);

	if (rc == OD_OK)
		fputs(j->line.data, j->c->out);
	return rc;
}

/* One JSON object (the array brackets are printed around the walk). */
static enum od_code json_row(struct list_job *j, const struct order *o,
			     struct od_err *err)
{
	json_t *obj;
	char *text;

	obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I,"
			" s:s, s:s?, s:s, s:I, s:I}",
			"number", o->number, "placed_at", o->placed_at,
			"customer", o->customer_name, "email", o->email,
			"phone", o->phone, "city", o->city,
			"country", o->country, "currency", o->currency,
			"total", (json_int_t)o->total,
			"items", (json_int_t)o->nitems,
			"status", order_status_name(o->status),
			"reason", o->reason,
			"payment", money_state_name(money_state(o)),
			"paid", (json_int_t)o->paid,
			"refunded", (json_int_t)o->refunded);
	text = obj ? json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(obj);
	if (text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	fprintf(j->c->out, "%s\n  %s", j->count ? "," : "", text);
	free(text);
	return OD_OK;
}

static enum od_code list_row(void *ctx, const struct order *o,
			     struct od_err *err)
{
	struct list_job *j = ctx;
	struct filter_order fo = { o->number, o->placed_at, o->customer_name,
		o->currency, o->total, (int)o->status, NULL, 0, NULL, 0 };
	enum od_code rc;
	int pass = 1;

	if (j->filter != NULL) {
		rc = desk_pick_order(j->store, j->filter, &fo, &pass, err);
		if (rc != OD_OK || !pass)
			return rc;
	}
	if (j->format == LIST_CSV)
		rc = csv_order(j, o, err);
	else if (j->format == LIST_JSON)
		rc = json_row(j, o, err);
	else
		rc = table_row(j, o, err);
	j->count++;
	return rc;
}

/*
 * --view NAME: the person's saved view's filter, and --filter's terms too
 * (all must hold), into *f (replacing --filter's alone).
 */
static enum od_code list_view(struct shop *sh, const char *name,
			      const char *filter, struct order_filter **f,
			      struct od_err *err)
{
	char text[ORDER_FILTER_MAX + 1], both[2 * ORDER_FILTER_MAX + 2];
	enum od_code rc = desk_view_find(sh->store, sh->user, name, text,
					 sizeof text, err);

	if (rc != OD_OK)
		return rc;
	snprintf(both, sizeof both, "%s %s", text, filter ? filter : "");
	order_filter_free(*f);
	*f = NULL;
	return order_filter_parse(both, time(NULL), f, err);
}

static enum od_code cmd_list(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "search", required_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' },
		{ "filter", required_argument, NULL, 'F' },
		{ "view", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_filter f = { -1, NULL };
	struct list_job j = { c, LIST_TABLE, { 0 }, 0, NULL, NULL };
	const char *filter = NULL, *view = NULL;
	struct shop *sh = NULL;
	enum order_status status;
	enum od_code rc = OD_OK;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 's' && strcmp(optarg, "all") == 0)
			f.status = -1;
		else if (opt == 's' &&
			 (rc = order_status_parse(optarg, &status, err)) == OD_OK)
			f.status = (int)status;
		else if (opt == 's')
			return od_err_set(err, OD_E_USAGE, "unknown status; use"
					  " new, confirmed, held, shipped, "
					  "delivered, "
					  "cancelled or all");
		else if (opt == 'q')
			f.search = optarg;
		else if (opt == 'F')
			filter = optarg;
		else if (opt == 'v')
			view = optarg;
		else if (opt == 'f' && strcmp(optarg, "table") == 0)
			j.format = LIST_TABLE;
		else if (opt == 'f' && strcmp(optarg, "json") == 0)
			j.format = LIST_JSON;
		else if (opt == 'f' && strcmp(optarg, "csv") == 0)
			j.format = LIST_CSV;
		else
			return cli_usage(&cmd_list_entry, err);
	}
	if (optind != argc)
		return cli_usage(&cmd_list_entry, err);
	if (f.search != NULL)
		rc = utf8_check_text("search text", f.search, strlen(f.search),
				     DESK_SEARCH_MAX, 0, err);
	/* The filter is checked before the passphrase is asked for. */
	if (rc == OD_OK && filter != NULL)
		rc = order_filter_parse(filter, time(NULL), &j.filter, err);
	if (rc == OD_OK && view != NULL)
		rc = desk_view_name_check(view, err);
	if (rc == OD_OK)
		rc = cli_unlock(c, SHOP_READ, &sh, err);
	/* A saved view is the signed-in person's, read once unlocked. */
	if (rc == OD_OK && view != NULL)
		rc = list_view(sh, view, filter, &j.filter, err);
	if (rc != OD_OK) {
		order_filter_free(j.filter);
		shop_close(sh);
		return rc;
	}
	j.store = sh->store;
	buf_init(&j.line, 64 * 1024);
	if (j.format == LIST_TABLE)
		fprintf(c->out, "%-10s %-16s %-20s %5s %16s  %-10s %s\n",
			"NUMBER", "PLACED", "CUSTOMER", "ITEMS", "TOTAL",
			"STATUS", "PAYMENT");
	else if (j.format == LIST_CSV)
		rc = csv_head(&j, err);
	else
		fputc('[', c->out);
	/* A search asks the store's full-text index, as the screens do. */
	if (rc == OD_OK)
		rc = store_order_each(sh->store, &f, list_row, &j, err);
	if (rc == OD_OK && j.format == LIST_JSON)
		fprintf(c->out, "%s]\n", j.count ? "\n" : "");
	buf_free(&j.line);
	order_filter_free(j.filter);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_list_entry = {
	"list", "[--status S] [--search TEXT] [--filter EXPR] [--view NAME] "
	"[--format table|json|csv]",
	"list orders", cmd_list,
};

/* Prints one charge line of an order, if it has the charge. */
static void show_charge(struct cli *c, const char *label, long long v,
			const char *currency)
{
	char money[48];

	format_money(v, currency, money, sizeof money);
	if (v != 0)
		fprintf(c->out, "%-9s %s\n", label, money);
}

/* Where `show` prints payments, and in which currency. */
struct show_ctx {
	struct cli *c;
	const struct order *o;
};

/* One payment or refund, as `show` prints it. */
static enum od_code show_payment(void *ctx, const struct payment_record *r,
				 struct od_err *err)
{
	const struct show_ctx *x = ctx;
	const struct order *o = x->o;
	struct cli *c = x->c;
	char money[48];

	(void)err;
	format_money(r->amount, o->currency, money, sizeof money);
	if (r->refund)
		fprintf(c->out, "  refunded (entry %lld) %s %s by %s: %s%s%s%s\n",
			r->seq, r->time, money, r->actor, r->reason,
			r->items[0] ? " [" : "", r->items,
			r->items[0] ? "]" : "");
	else
		fprintf(c->out, "  received (entry %lld) %s %s (%s) by %s\n",
			r->seq, r->time, money, r->method, r->actor);
	if (r->reference[0])
		fprintf(c->out, "    reference %s\n", r->reference);
	return OD_OK;
}

/* One return, as `show` prints it. */
static enum od_code show_return(void *ctx, const struct return_record *r,
				struct od_err *err)
{
	static const char *const states[RETURN_STATE_COUNT] = {
		"open", "received", "accepted", "rejected",
	};
	struct cli *c = ctx;

	(void)err;
	fprintf(c->out, "  %s (entry %lld) %s: %s [%s]\n", r->rma, r->seq,
		states[r->state], r->reason, r->items);
	if (r->condition[0])
		fprintf(c->out, "    came back %s: %s\n", r->condition,
			r->received);
	if (r->note[0])
		fprintf(c->out, "    %s\n", r->note);
	return OD_OK;
}

/* The order's money: charges, total, where its payment stands, payments. */
static enum od_code show_money(struct cli *c, struct shop *sh,
			       const struct order *o, struct od_err *err)
{
	char money[48], paid[48], back[48];
	struct show_ctx ctx = { c, o };

	/* The items' sum, when charges make the total differ from it. */
	if (o->shipping != 0 || o->tax != 0 || o->discount != 0)
		show_charge(c, "Items", o->total - o->shipping - o->tax +
			    o->discount, o->currency);
	show_charge(c, "Shipping", o->shipping, o->currency);
	show_charge(c, "Tax", o->tax, o->currency);
	if (o->discount != 0) {
		format_money(o->discount, o->currency, money, sizeof money);
		fprintf(c->out, "Discount  -%s\n", money);
	}
	format_money(o->total, o->currency, money, sizeof money);
	format_money(o->paid, o->currency, paid, sizeof paid);
	format_money(o->refunded, o->currency, back, sizeof back);
	fprintf(c->out, "Total     %s\nPayment   %s: %s paid, %s refunded\n"
		"Payments\n", money, money_state_name(money_state(o)), paid,
		back);
	return store_payment_each(sh->store, o->number, show_payment, &ctx,
				  err);
}

/* Prints the order's history as the order screen shows it: each entry
 * marked by whether its signature and chain link check. */
static void show_history(struct cli *c, const struct desk_detail *dd)
{
	const struct desk_event *e;
	size_t i;

	fprintf(c->out, "History (\xe2\x9c\x93 signature checks)\n");
	for (i = 0; i < dd->nevents; i++) {
		e = &dd->events[i];
		fprintf(c->out, "  %s #%-6lld %s  %-16s %s%s%s%s\n",
			e->sig_ok && e->chain_ok ? "\xe2\x9c\x93"
						 : "\xe2\x9c\x97 NOT CHECKED",
			e->seq, e->time, e->kind, e->actor,
			e->role[0] ? " (" : "", e->role, e->role[0] ? ")" : "");
		/* An amendment's old and new values are its whole point. */
		if (strcmp(e->kind, "order.amend") == 0 && e->detail)
			fprintf(c->out, "           %s\n", e->detail);
	}
}

/* The first entry of dd's history that does not check, or NULL. */
static const struct desk_event *first_unchecked(const struct desk_detail *dd)
{
	size_t i;

	for (i = 0; i < dd->nevents; i++)
		if (!dd->events[i].sig_ok || !dd->events[i].chain_ok)
			return &dd->events[i];
	return NULL;
}

/* The ship-to, or that the order needs none (a gift card, a download). */
static void show_ship_to(FILE *out, const struct order *o)
{
	size_t i;

	if (!order_has_ship_to(o)) {
		fprintf(out, "Ship to   no shipping needed\n");
		return;
	}
	fprintf(out, "Ship to   %s\n", o->ship_name);
	for (i = 0; i < o->nlines; i++)
		fprintf(out, "          %s\n", o->ship_lines[i]);
	/* No postcode: the city lines up with the lines above. */
	fprintf(out, "          %s%s%s %s\n", o->postcode,
		o->postcode[0] ? " " : "", o->city, o->country);
}

/*
 * Prints one order through the same reading as the order screen
 * (desk_order_read): rows that do not match the order's signed history
 * are refused, and an entry whose signature or chain link does not check
 * is marked and makes the command fail as damage.
 */
static enum od_code cmd_show(struct cli *c, int argc, char **argv,
			     struct od_err *err)
{
	struct shop *sh = NULL;
	struct desk_detail *dd = NULL;
	const struct desk_event *bad;
	const struct order *o;
	char money[48];
	enum od_code rc;
	size_t i;

	if (argc != 2)
		return cli_usage(&cmd_show_entry, err);
	rc = cli_unlock(c, SHOP_READ, &sh, err);
	if (rc == OD_OK)
		rc = desk_order_read(sh, argv[1], &dd, err);
	if (rc != OD_OK)
		goto out;
	o = dd->order;
	fprintf(c->out, "Order %s  placed %s  %s%s%s\n", o->number,
		o->placed_at, order_status_name(o->status),
		o->reason ? ": " : "", o->reason ? o->reason : "");
	if (dd->source[0] != '\0')
		fprintf(c->out, "Source    %s%s%s\n", dd->source,
			dd->source_id[0] ? ", id " : "", dd->source_id);
	fprintf(c->out, "Customer  %s  %s  %s\n", o->customer_name, o->email,
		o->phone);
	show_ship_to(c->out, o);
	if (o->note[0])
		fprintf(c->out, "Note      %s\n", o->note);
	fprintf(c->out, "Items\n");
	for (i = 0; i < o->nitems; i++) {
		format_money(o->items[i].unit_price, o->currency, money,
			     sizeof money);
		fprintf(c->out, "  %-16s %4lld x %14s  shipped %lld  %s\n",
			o->items[i].sku, o->items[i].qty, money,
			o->items[i].shipped, o->items[i].name);
	}
	rc = show_money(c, sh, o, err);
	if (rc != OD_OK)
		goto out;
	rc = cli_show_parcels(c, sh, dd, err);
	if (rc != OD_OK)
		goto out;
	fprintf(c->out, "Returns\n");
	rc = store_return_each(sh->store, o->number, show_return, c, err);
	if (rc != OD_OK)
		goto out;
	fprintf(c->out, "Notes\n");
	for (i = 0; i < dd->nnotes; i++)
		fprintf(c->out, "  %s %s: %s\n", dd->notes[i].time,
			dd->notes[i].actor, dd->notes[i].text);
	show_history(c, dd);
	bad = first_unchecked(dd);
	if (bad != NULL)
		rc = od_err_set(err, OD_E_TAMPERED, "order %s: log entry %lld's "
				"%s does not check (%zu of %zu entries); run "
				"`orderdesk audit verify`", o->number, bad->seq,
				bad->sig_ok ? "chain link" : "signature",
				dd->nunchecked, dd->nevents);
out:
	desk_detail_free(dd);
	shop_close(sh);
	return rc;
}

const struct cli_command cmd_show_entry = {
	"show", "NUMBER", "everything about one order", cmd_show,
};
