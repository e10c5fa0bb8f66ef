/*
 * bench-import.c - how fast a Shopify export is read against orderdesk's
 * own CSV of the same orders (`make bench`; issue 14).
 *
 *   bench-import ORDERS.csv OUT.csv
 *	ORDERS.csv is orderdesk's CSV (gen-orders --csv).  Its orders are
 *	written to OUT.csv as Shopify's "Export orders" CSV (79 columns, the
 *	order's columns on its first row only, decimal money, times with an
 *	offset, every third SKU left empty, paid as the order arrived).
 *	Then each file is read whole through the importer
 *	(import_open_file, import_next to the end: the parse, every check
 *	and, for Shopify, the SHA-256 of each order's bytes; not the
 *	signing, which is the same for both), five times each, alternating.  Timed in the process's CPU time, not the wall
 *	clock: on a machine other work shares, waiting for a core is not the
 *	importer's cost, and the ratio stays steady.  Prints "NAME: VALUE
 *	UNIT": both rates (the best round of each), the ratio Shopify over
 *	orderdesk of the best rounds and the range of the rounds' own ratios
 *	(target 0.8 or more, printed for a reader, never checked).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/import/import.h"
#include "lib/format.h"

#define ROUNDS 5

static const char *const shopify_cols[] = {
	"Name", "Email", "Financial Status", "Paid at", "Fulfillment Status",
	"Fulfilled at", "Accepts Marketing", "Currency", "Subtotal",
	"Shipping", "Taxes", "Total", "Discount Code", "Discount Amount",
	"Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
	"Lineitem price", "Lineitem compare at price", "Lineitem sku",
	"Lineitem requires shipping", "Lineitem taxable",
	"Lineitem fulfillment status", "Billing Name", "Billing Street",
	"Billing Address1", "Billing Address2", "Billing Company",
	"Billing City", "Billing Zip", "Billing Province", "Billing Country",
	"Billing Phone", "Shipping Name", "Shipping Street",
	"Shipping Address1", "Shipping Address2", "Shipping Company",
	"Shipping City", "Shipping Zip", "Shipping Province",
	"Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
	"Cancelled at", "Payment Method", "Payment Reference",
	"Refunded Amount", "Vendor", "Outstanding Balance", "Employee",
	"Location", "Device ID", "Id", "Tags", "Risk Level", "Source",
	"Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name",
	"Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name",
	"Tax 4 Value", "Tax 5 Name", "Tax 5 Value", "Phone",
	"Receipt Number", "Duties", "Billing Province Name",
	"Shipping Province Name", "Payment ID", "Payment Terms Name",
	"Next Payment Due At", "Payment References",
};
#define NCOLS (sizeof shopify_cols / sizeof shopify_cols[0])

static void die(const char *what, const struct od_err *err)
{
	fprintf(stderr, "bench-import: %s: %s\n", what, err->msg);
	exit(1);
}

/* The process's CPU time (one thread reads: its time). */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One CSV field, quoted when it must be. */
static void field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* v minor units of currency as a decimal ("34.50"), into buf. */
static const char *money(long long v, const char *currency, char *buf,
			 size_t n)
{
	int e = format_currency_exponent(currency);
	long long p = 1;
	int i;

	if (e <= 0) {
		snprintf(buf, n, "%lld", v);
		return buf;
	}
	char frac[24];

	for (i = 0; i < e && i < 6; i++)
		p *= 10;
	snprintf(frac, sizeof frac, "%0*lld", i, v % p);
	snprintf(buf, n, "%lld.%.6s", v / p, frac);
	return buf;
}

/* Writes order o as Shopify's rows: its columns on the first only. */
static void put_order(FILE *f, const struct order *o)
{
	const char *v[NCOLS];
	char name[40], total[32], when[40], qty[24], price[32];
	char city[600];
	size_t i, k;

	snprintf(name, sizeof name, "#%s", o->number);
	/* The same instant with its offset, as Shopify writes times (the
	 * importer works the offset out whatever it is). */
	snprintf(when, sizeof when, "%.10s %.8s +0000", o->placed_at,
		 o->placed_at + 11);
	snprintf(city, sizeof city, "%s", o->city);
	for (i = 0; i < o->nitems; i++) {
		for (k = 0; k < NCOLS; k++)
			v[k] = "";
		v[0] = name;
		if (i == 0) {
			v[1] = o->email;
			/* As the order arrived, so that both files make the
			 * same statements when imported whole. */
			v[2] = o->arrival == ARRIVAL_PAID ? "paid" :
			       o->arrival == ARRIVAL_AUTHORIZED ? "authorized" :
			       "pending";
			v[7] = o->currency;
			v[9] = "0";
			v[10] = "0";
			v[11] = money(o->total, o->currency, total,
				      sizeof total);
			v[13] = "0";
			v[15] = when;
			v[24] = v[34] = o->ship_name;
			v[26] = v[36] = o->ship_lines[0];
			v[27] = v[37] = o->nlines > 1 ? o->ship_lines[1] : "";
			v[29] = v[39] = city;
			v[30] = v[40] = o->postcode;
			v[32] = v[42] = o->country;
			v[33] = o->phone;
			v[44] = o->note;
		}
		snprintf(qty, sizeof qty, "%lld", o->items[i].qty);
		v[16] = qty;
		v[17] = o->items[i].name;
		v[18] = money(o->items[i].unit_price, o->currency, price,
			      sizeof price);
		v[20] = i % 3 == 0 ? "" : o->items[i].sku;
		v[21] = "true";
		for (k = 0; k < NCOLS; k++) {
			if (k > 0)
				fputc(',', f);
			field(f, v[k]);
		}
		fputc('\n', f);
	}
}

/* Writes ORDERS.csv's orders to out as Shopify's export. */
static size_t convert(const char *in, const char *out)
{
	struct import_reader *r;
	struct order *o;
	struct od_err err;
	size_t k, n = 0;
	FILE *f;

	od_err_clear(&err);
	if (import_open_file(in, &r, &err) != OD_OK)
		die(in, &err);
	f = fopen(out, "w");
	if (f == NULL) {
		perror(out);
		exit(1);
	}
	for (k = 0; k < NCOLS; k++)
		fprintf(f, "%s%s", k ? "," : "", shopify_cols[k]);
	fputc('\n', f);
	while (import_next(r, &o, &err) == OD_OK && o != NULL) {
		put_order(f, o);
		order_free(o);
		n++;
	}
	if (err.code != OD_OK)
		die(in, &err);
	if (fclose(f) != 0) {
		perror(out);
		exit(1);
	}
	import_close(r);
	return n;
}

/* Reads path whole through the importer; the seconds it took. */
static double read_all(const char *path, size_t want,
		       enum import_source src)
{
	struct import_reader *r;
	struct order *o;
	struct od_err err;
	size_t n = 0;
	double t0 = now_s();

	od_err_clear(&err);
	if (import_open_file(path, &r, &err) != OD_OK ||
	    import_set_source(r, src, &err) != OD_OK)
		die(path, &err);
	while (import_next(r, &o, &err) == OD_OK && o != NULL) {
		order_free(o);
		n++;
	}
	if (err.code != OD_OK)
		die(path, &err);
	import_close(r);
	if (n != want) {
		fprintf(stderr, "bench-import: %s: %zu orders, not %zu\n",
			path, n, want);
		exit(1);
	}
	return now_s() - t0;
}

int main(int argc, char **argv)
{
	double own = 1e9, shop = 1e9, a, b, lo = 1e9, hi = 0;
	size_t n;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-import ORDERS.csv OUT.csv\n");
		return 2;
	}
	n = convert(argv[1], argv[2]);
	for (i = 0; i < ROUNDS; i++) {
		a = read_all(argv[1], n, IMPORT_ORDERDESK);
		b = read_all(argv[2], n, IMPORT_SHOPIFY);
		own = a < own ? a : own;
		shop = b < shop ? b : shop;
		lo = a / b < lo ? a / b : lo;
		hi = a / b > hi ? a / b : hi;
	}
	printf("import read, orderdesk CSV (%zu orders): %.0f orders/s\n", n,
	       (double)n / own);
	printf("import read, Shopify CSV (the same orders): %.0f orders/s\n",
	       (double)n / shop);
	printf("import read, Shopify over orderdesk CSV: %.2f (rounds "
	       "%.2f-%.2f, CPU time; target 0.8 or more)\n", own / shop, lo,
	       hi);
	return 0;
}
