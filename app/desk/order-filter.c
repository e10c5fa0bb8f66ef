/* order-filter.c - the filter language: parsing terms, matching orders. */
#include "app/desk/order-filter.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/desk/order-filter-life.h"
#include "app/log/order.h"
#include "lib/format.h"
#include "lib/text-fold.h"
#include "lib/utf8.h"

enum term_field { T_STATUS, T_CUSTOMER, T_PLACED, T_TOTAL, T_SKU, T_CARRIER,
		  T_PAID, T_DELIVERED, T_RETURN };
enum term_op { OP_EQ, OP_LT, OP_GT, OP_LE, OP_GE };

#define TIME_LEN 20             /* YYYY-MM-DDTHH:MM:SSZ */

struct term {
	enum term_field field;
	enum term_op op;
	int status;
	char *text;                 /* folded: customer, sku glob, carrier */
	int by_date;                /* placed: a day, not a time ago */
	char from[TIME_LEN + 1];    /* placed: lower bound (inclusive), "" */
	char to[TIME_LEN + 1];      /* placed: upper bound (exclusive), "" */
	long long amount;           /* total: value times 10^scale */
	int scale;
	unsigned set;               /* paid, delivered, return: the bits */
};

struct order_filter {
	struct term t[ORDER_FILTER_TERMS];
	size_t n;
};

static const char *const fields[] = {
	"status", "customer", "placed", "total", "sku", "carrier",
	"paid", "delivered", "return",
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* What each field expects, said after the term in a refusal. */
static const char *const expects[] = {
	"a status: new, confirmed, held, shipped, delivered or cancelled",
	"text in the customer's name (quote it if it has spaces)",
	"<, > or = and days or hours (<7d, >12h, =1d) or a date (2026-11-20,"
	" <2026-11-20)",
	"an amount in the currency's units, with <, >, =, <= or >= "
	"(>100, <=25.50; at most 3 decimals)",
	"a SKU or a glob (TEA-*, MUG-?)",
	"text in the carrier's name (dhl)",
	"unpaid, authorized, cod, partly, paid, partly-refunded, refunded "
	"or no (still to come); several with commas",
	"yes or no (shipped, not yet delivered)",
	"open, closed or none; several with commas",
};

void order_filter_free(struct order_filter *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++)
		free(f->t[i].text);
	free(f);
}

size_t order_filter_terms(const struct order_filter *f)
{
	return f ? f->n : 0;
}

static int wants(const struct order_filter *f, enum term_field field)
{
	size_t i;

	for (i = 0; f != NULL && i < f->n; i++)
		if (f->t[i].field == field)
			return 1;
	return 0;
}

int order_filter_wants_items(const struct order_filter *f)
{
	return wants(f, T_SKU);
}

int order_filter_wants_parcels(const struct order_filter *f)
{
	return wants(f, T_CARRIER);
}

int order_filter_wants_returns(const struct order_filter *f,
			       const struct filter_order *o)
{
	size_t i;

	for (i = 0; f != NULL && i < f->n; i++)
		if (f->t[i].field == T_RETURN &&
		    filter_return_ok(f->t[i].set, o->returns) < 0)
			return 1;
	return 0;
}

/* Reads an operator at *v: "<=" ">=" "<" ">" "=" or none (def). */
static enum term_op read_op(const char **v, enum term_op def)
{
	const char *s = *v;
	enum term_op op = def;

	if (s[0] == '<' && s[1] == '=')
		op = OP_LE, s += 2;
	else if (s[0] == '>' && s[1] == '=')
		op = OP_GE, s += 2;
	else if (s[0] == '<')
		op = OP_LT, s++;
	else if (s[0] == '>')
		op = OP_GT, s++;
	else if (s[0] == '=')
		op = OP_EQ, s++;
	*v = s;
	return op;
}

/* Whether s is n ASCII digits exactly. */
static int digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static void iso_time(time_t t, char out[TIME_LEN + 1])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, TIME_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* placed: a date (YYYY-MM-DD) or a count of days or hours ago. */
static int parse_placed(struct term *t, const char *v, time_t now)
{
	const char *start = v;
	size_t len, i;
	long long n = 0, unit;

	t->op = read_op(&v, OP_EQ);
	len = strlen(v);
	if (len == 10 && digits(v, 4) && v[4] == '-' && digits(v + 5, 2) &&
	    v[7] == '-' && digits(v + 8, 2)) {
		if (t->op == OP_LE || t->op == OP_GE)
			return 0;
		t->by_date = 1;
		memcpy(t->from, v, 10);
		t->from[10] = '\0';
		return 1;
	}
	if (len < 2 || len > 7 || (v[len - 1] != 'd' && v[len - 1] != 'h'))
		return 0;
	for (i = 0; i + 1 < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		n = n * 10 + (v[i] - '0');
	}
	unit = v[len - 1] == 'd' ? 86400 : 3600;
	/* "placed:7d" reads as "within the last 7 days". */
	if (v == start || t->op == OP_LE)
		t->op = OP_LT;
	if (t->op == OP_GE)
		t->op = OP_GT;
	if (t->op == OP_LT)
		iso_time(now - (time_t)(n * unit), t->from);
	else if (t->op == OP_GT)
		iso_time(now - (time_t)(n * unit), t->to);
	else {
		iso_time(now - (time_t)((n + 1) * unit), t->from);
		iso_time(now - (time_t)(n * unit), t->to);
	}
	return 1;
}

/* total: an amount with at most 3 decimals and an operator. */
static int parse_total(struct term *t, const char *v)
{
	const char *dot;
	size_t whole, frac;

	t->op = read_op(&v, OP_EQ);
	dot = strchr(v, '.');
	whole = dot ? (size_t)(dot - v) : strlen(v);
	frac = dot ? strlen(dot + 1) : 0;
	if (whole < 1 || whole > 13 || !digits(v, whole) ||
	    (dot && (frac < 1 || frac > 3 || !digits(dot + 1, frac))))
		return 0;
	t->amount = strtoll(v, NULL, 10);
	for (size_t i = 0; i < frac; i++)
		t->amount = t->amount * 10 + (dot[1 + i] - '0');
	t->scale = (int)frac;
	return 1;
}

/* Folds v into t->text; 0 when empty, -1 when out of memory. */
static int fold_text(struct term *t, const char *v)
{
	struct od_err e;
	size_t len;

	if (v[0] == '\0')
		return 0;
	if (text_fold(v, strlen(v), &t->text, &len, &e) != OD_OK)
		return -1;
	return len > 0 ? 1 : 0;
}

/*
 * Parses one term "FIELD:VALUE" (the value unquoted) into t.  Returns 1,
 * 0 when the value is malformed, -1 when out of memory, -2 when the field
 * is unknown or missing.
 */
static int parse_term(struct term *t, const char *term, const char *value,
		      time_t now)
{
	const char *colon = strchr(term, ':');
	enum order_status st;
	struct od_err e;
	size_t f;

	if (colon == NULL)
		return -2;
	for (f = 0; f < NFIELDS; f++)
		if (strlen(fields[f]) == (size_t)(colon - term) &&
		    memcmp(fields[f], term, (size_t)(colon - term)) == 0)
			break;
	if (f == NFIELDS)
		return -2;
	t->field = (enum term_field)f;
	switch (t->field) {
	case T_STATUS:
		if (order_status_parse(value, &st, &e) != OD_OK)
			return 0;
		t->status = (int)st;
		return 1;
	case T_PLACED:
		return parse_placed(t, value, now);
	case T_TOTAL:
		return parse_total(t, value);
	case T_PAID:
		return (t->set = filter_paid_parse(value)) != 0;
	case T_DELIVERED:
		return (t->set = filter_delivered_parse(value)) != 0;
	case T_RETURN:
		return (t->set = filter_return_parse(value)) != 0;
	default:
		return fold_text(t, value);
	}
}

/*
 * Cuts the next term from *p into term (raw, for messages) and value
 * (after the colon, quotes removed).  0 at the end; -1 for a term too
 * long or a quote left open.
 */
static int next_term(const char **p, char *term, char *value, size_t cap)
{
	const char *s = *p;
	size_t n = 0, k = 0;
	int quoted = 0, in_value = 0;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0' && (quoted || *s != ' '); s++) {
		if (n + 1 >= cap)
			return -1;
		term[n++] = *s;
		if (*s == '"' && in_value) {
			quoted = !quoted;
			continue;
		}
		if (in_value)
			value[k++] = *s;
		else if (*s == ':')
			in_value = 1;
	}
	term[n] = value[k] = '\0';
	*p = s;
	return quoted ? -1 : 1;
}

/* The one-line refusal for term, after its kind of fault. */
static enum od_code refuse(const char *term, int why, const struct term *t,
			   struct od_err *err)
{
	if (why == -1)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	if (why == -2)
		return od_err_set(err, OD_E_USAGE, "filter term `%s`: expects "
				  "FIELD:VALUE with FIELD one of status, "
				  "customer, placed, total, sku, carrier, paid, "
				  "delivered, return", term);
	return od_err_set(err, OD_E_USAGE, "filter term `%s`: expects %s",
			  term, expects[t->field]);
}

enum od_code order_filter_parse(const char *text, time_t now,
				struct order_filter **out, struct od_err *err)
{
	char term[ORDER_FILTER_MAX + 1], value[ORDER_FILTER_MAX + 1];
	struct order_filter *f;
	const char *p = text;
	enum od_code rc;
	int got, ok;

	*out = NULL;
	rc = utf8_check_text("filter", text, strlen(text), ORDER_FILTER_MAX, 1,
			     err);
	if (rc != OD_OK)
		return rc;
	f = calloc(1, sizeof *f);
	if (f == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	while ((got = next_term(&p, term, value, sizeof term)) != 0) {
		if (got < 0) {
			rc = od_err_set(err, OD_E_USAGE, "filter: a quote is "
					"left open; close it (customer:\"Jos"
					"\xc3\xa9 Garc\xc3\xad" "a\")");
			break;
		}
		if (f->n == ORDER_FILTER_TERMS) {
			rc = od_err_set(err, OD_E_USAGE, "filter: at most %d "
					"terms", ORDER_FILTER_TERMS);
			break;
		}
		ok = parse_term(&f->t[f->n], term, value, now);
		if (ok == 1)
			f->n++;
		else {
			rc = refuse(term, ok, &f->t[f->n], err);
			free(f->t[f->n].text);
			break;
		}
	}
	if (rc != OD_OK) {
		order_filter_free(f);
		return rc;
	}
	*out = f;
	return OD_OK;
}

/* Whether s is all ASCII: its fold is then its lower case. */
static int ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/*
 * Whether the ASCII s, in lower case, contains needle (folded): no fold
 * and no allocation, a third of the time of folding (bench-filter.c).
 */
static int ascii_has(const char *s, const char *needle)
{
	size_t n = strlen(needle), i;

	for (; *s; s++) {
		for (i = 0; i < n && s[i] &&
		     (char)tolower((unsigned char)s[i]) == needle[i]; i++)
			;
		if (i == n)
			return 1;
	}
	return n == 0;
}

/* Whether the folded s contains the folded needle; 0 out of memory. */
static int folded_has(const char *s, const char *needle)
{
	struct od_err e;
	size_t len;
	char *x;
	int hit;

	if (s != NULL && ascii(s))
		return ascii_has(s, needle);
	if (s == NULL || text_fold(s, strlen(s), &x, &len, &e) != OD_OK)
		return 0;
	hit = strstr(x, needle) != NULL;
	free(x);
	return hit;
}

/* Whether the folded s matches the (folded) glob. */
static int folded_glob(const char *s, const char *glob)
{
	struct od_err e;
	size_t len;
	char *x;
	int hit;

	if (s == NULL || text_fold(s, strlen(s), &x, &len, &e) != OD_OK)
		return 0;
	hit = fnmatch(glob, x, 0) == 0;
	free(x);
	return hit;
}

static int placed_ok(const struct term *t, const char *placed)
{
	if (t->by_date) {
		int c = strncmp(placed, t->from, 10);

		return t->op == OP_LT ? c < 0 : t->op == OP_GT ? c > 0 : c == 0;
	}
	if (t->from[0] && strcmp(placed, t->from) < 0)
		return 0;
	return !t->to[0] || strcmp(placed, t->to) < 0;
}

/* Compares the total (minor units of currency) with the term's amount. */
static int total_ok(const struct term *t, long long total,
		    const char *currency)
{
	int e = format_currency_exponent(currency), m = e > t->scale ? e
								    : t->scale;
	long long a = total, b = t->amount;
	int i;

	for (i = e; i < m; i++)
		a *= 10;
	for (i = t->scale; i < m; i++)
		b *= 10;
	switch (t->op) {
	case OP_LT: return a < b;
	case OP_GT: return a > b;
	case OP_LE: return a <= b;
	case OP_GE: return a >= b;
	default: return a == b;
	}
}

static int term_ok(const struct term *t, const struct filter_order *o)
{
	size_t i;

	switch (t->field) {
	case T_STATUS:
		return o->status == t->status;
	case T_CUSTOMER:
		return folded_has(o->customer, t->text);
	case T_PLACED:
		return placed_ok(t, o->placed);
	case T_TOTAL:
		return total_ok(t, o->total, o->currency);
	case T_SKU:
		for (i = 0; i < o->nskus; i++)
			if (folded_glob(o->skus[i], t->text))
				return 1;
		return 0;
	case T_CARRIER:
		for (i = 0; i < o->ncarriers; i++)
			if (folded_has(o->carriers[i], t->text))
				return 1;
		return 0;
	case T_PAID:
		return o->pay >= 0 && o->pay < 32 && (t->set >> o->pay) & 1;
	case T_DELIVERED:
		return o->status >= 0 && o->status < 32 &&
		       (t->set >> o->status) & 1;
	case T_RETURN:
		/* Not known yet counts as no: the caller reads them first. */
		return filter_return_ok(t->set, o->returns) == 1;
	}
	return 0;
}

int order_filter_match(const struct order_filter *f,
		       const struct filter_order *o, int cheap_only)
{
	size_t i;

	for (i = 0; f != NULL && i < f->n; i++) {
		if (cheap_only && (f->t[i].field == T_SKU ||
				   f->t[i].field == T_CARRIER))
			continue;
		if (cheap_only && f->t[i].field == T_RETURN &&
		    filter_return_ok(f->t[i].set, o->returns) < 0)
			continue;
		if (!term_ok(&f->t[i], o))
			return 0;
	}
	return 1;
}
