/*
 * desk-dashboard.c - the owner's dashboard (desk-dashboard.h): the figures
 * from storage/store-dash.h's queries, the holds from desk-hold.c.
 */
#include "app/desk/desk-dashboard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/desk/desk-internal.h"
#include "app/log/clock.h"
#include "storage/store-dash.h"

/* Parcels' delays, growing. */
struct delays {
	long long *s;
	size_t n, cap;
};

/* The day n days before day (YYYY-MM-DD) into out. */
static void day_before(const char *day, int n, char out[11])
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (strptime(day, "%Y-%m-%d", &tm) == NULL) {
		out[0] = '\0';
		return;
	}
	t = timegm(&tm) - (time_t)n * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Which of the days shown day is, or -1. */
static int day_index(const struct desk_dashboard *b, const char *day)
{
	char a[24], z[24];
	long long secs;
	struct od_err err;

	snprintf(a, sizeof a, "%sT00:00:00Z", b->first);
	snprintf(z, sizeof z, "%.10sT00:00:00Z", day);
	if (clock_diff(a, z, &secs, &err) != OD_OK || secs < 0 ||
	    secs / 86400 >= DESK_DASH_DAYS)
		return -1;
	return (int)(secs / 86400);
}

/* The row of currency code, made if there is room (else NULL). */
static struct desk_dash_currency *currency(struct desk_dashboard *b,
					   const char *code)
{
	size_t i;

	for (i = 0; i < b->ncur; i++)
		if (strcmp(b->cur[i].code, code) == 0)
			return &b->cur[i];
	if (b->ncur == DESK_DASH_CURRENCIES_READ)
		return NULL;
	snprintf(b->cur[b->ncur].code, sizeof b->cur[0].code, "%s", code);
	return &b->cur[b->ncur++];
}

static enum od_code add_day(void *ctx, const char *day, const char *code,
			    long long n, long long total, struct od_err *err)
{
	struct desk_dashboard *b = ctx;
	struct desk_dash_currency *c;
	int i = day_index(b, day);

	if (i < 0)
		return OD_OK;
	b->orders[i] += n;
	c = currency(b, code);
	if (c == NULL) {
		b->other_cur_orders += n;
		return OD_OK;
	}
	c->per_day[i] += total;
	c->total += total;
	c->orders += n;
	return OD_OK;
}

static enum od_code add_delay(void *ctx, const char *placed,
			      const char *shipped, struct od_err *err)
{
	struct delays *d = ctx;
	long long secs, *s;

	if (clock_diff(placed, shipped, &secs, err) != OD_OK)
		return OD_OK;          /* a time not read is left out */
	if (d->n == d->cap) {
		s = realloc(d->s, (d->cap ? d->cap * 2 : 256) * sizeof *s);
		if (s == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		d->s = s;
		d->cap = d->cap ? d->cap * 2 : 256;
	}
	/* A parcel dated before its order (clocks apart): no delay. */
	d->s[d->n++] = secs > 0 ? secs : 0;
	return OD_OK;
}

/* Currencies by orders, most first (then by code). */
static int by_orders(const void *a, const void *b)
{
	const struct desk_dash_currency *x = a, *y = b;

	if (x->orders != y->orders)
		return x->orders > y->orders ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Keeps the busiest currencies, counting the others' orders. */
static void busiest(struct desk_dashboard *b)
{
	size_t i;

	qsort(b->cur, b->ncur, sizeof *b->cur, by_orders);
	for (i = DESK_DASH_CURRENCIES; i < b->ncur; i++)
		b->other_cur_orders += b->cur[i].orders;
	if (b->ncur > DESK_DASH_CURRENCIES)
		b->ncur = DESK_DASH_CURRENCIES;
}

static int by_secs(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Counts one statement kind of a person's. */
static void count_kind(struct desk_dash_person *p, const char *kind)
{
	size_t i;

	p->n++;
	for (i = 0; i < p->nkinds; i++)
		if (strcmp(p->kinds[i].kind, kind) == 0) {
			p->kinds[i].n++;
			return;
		}
	if (p->nkinds == DESK_DASH_KINDS) {
		p->other++;
		return;
	}
	snprintf(p->kinds[p->nkinds].kind, sizeof p->kinds[0].kind, "%s",
		 kind);
	p->kinds[p->nkinds++].n = 1;
}

static enum od_code add_entry(void *ctx, const char *actor, const char *kind,
			      struct od_err *err)
{
	struct desk_dashboard *b = ctx;
	size_t i;

	b->today_n++;
	for (i = 0; i < b->npeople; i++)
		if (strcmp(b->people[i].name, actor) == 0)
			break;
	if (i == b->npeople) {
		if (b->npeople == DESK_DASH_PEOPLE)
			return OD_OK;
		snprintf(b->people[i].name, sizeof b->people[0].name, "%s",
			 actor);
		b->npeople++;
	}
	count_kind(&b->people[i], kind);
	return OD_OK;
}

/* The figures the store answers, the store held. */
static enum od_code read_store(struct store *s, struct desk_dashboard *b,
			       struct od_err *err)
{
	struct delays d = { NULL, 0, 0 };
	char since[24];
	enum od_code rc = store_dash_last_day(s, b->last, err);
	int i;

	if (rc == OD_OK && b->last[0]) {
		for (i = 0; i < DESK_DASH_DAYS; i++)
			day_before(b->last, DESK_DASH_DAYS - 1 - i,
				   b->days[i]);
		memcpy(b->first, b->days[0], sizeof b->first);
		rc = store_dash_days(s, b->first, add_day, b, err);
		busiest(b);
	}
	if (rc == OD_OK)
		rc = store_dash_shipped(s, add_delay, &d, err);
	if (rc == OD_OK && d.n > 0) {
		qsort(d.s, d.n, sizeof *d.s, by_secs);
		b->shipped = (long long)d.n;
		b->median_s = d.s[(d.n - 1) / 2];
		b->p90_s = d.s[(d.n * 9) / 10 < d.n ? (d.n * 9) / 10 : d.n - 1];
	}
	free(d.s);
	snprintf(since, sizeof since, "%sT00:00:00Z", b->today);
	if (rc == OD_OK)
		rc = store_dash_since(s, since, add_entry, b, err);
	return rc;
}

enum od_code desk_dashboard(struct desk *d, struct desk_dashboard *out,
			    struct od_err *err)
{
	struct desk_holds *h = NULL;
	time_t now = time(NULL);
	struct tm tm;
	enum od_code rc;
	size_t i;

	memset(out, 0, sizeof *out);
	if (desk_shop(d) == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (desk_role(d) != ROLE_OWNER)
		return od_err_set(err, OD_E_AUTH, "The dashboard is the "
				  "owner's; ask an owner.");
	gmtime_r(&now, &tm);
	strftime(out->today, sizeof out->today, "%Y-%m-%d", &tm);
	rc = desk_holds(d, &h, err);
	if (rc != OD_OK)
		return rc;
	for (i = 0; i < DESK_HOLD_REASONS; i++) {
		out->held[i] = h->count[i];
		out->nheld += h->count[i];
	}
	desk_holds_free(h);
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = read_store(desk_shop(d)->store, out, err);
	shop_release(desk_shop(d));
	return rc;
}
