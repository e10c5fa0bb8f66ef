/*
 * view-dashboard.c - the owner's dashboard (view-dashboard.h): the figures
 * of app/desk/desk-dashboard.h as a page of text, each day's bar one of
 * ▁▂▃▄▅▆▇█ (two columns a day), in the text view (view-text.c: it
 * scrolls, p shows it in $PAGER, a lock drops it and an unlock reads it
 * again).
 */
#include "ui/view-dashboard.h"

#include <stdio.h>
#include <string.h>

#include "app/desk/desk-dashboard.h"
#include "app/log/clock.h"
#include "lib/buf.h"
#include "lib/format.h"

#define BAR_MAX 24                /* columns of a hold's bar */

static const char *const blocks[8] = {
	"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█",
};

/* Appends a bar per value (two columns each; a space for none). */
static enum od_code spark(struct buf *b, const long long *v, size_t n,
			  struct od_err *err)
{
	long long max = 0;
	enum od_code rc = OD_OK;
	size_t i;
	int level;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	for (i = 0; i < n && rc == OD_OK; i++) {
		if (v[i] <= 0) {
			rc = buf_adds(b, "  ", err);
			continue;
		}
		level = (int)((v[i] * 8 - 1) / max);
		rc = buf_addf(b, err, "%s%s", blocks[level], blocks[level]);
	}
	return rc;
}

/* Orders per day: the bars, the first and last day under them, the top. */
static enum od_code orders_part(struct buf *b, const struct desk_dashboard *D,
				struct od_err *err)
{
	long long sum = 0, top = 0;
	size_t i, at = 0;
	enum od_code rc;

	if (D->last[0] == '\0')
		return buf_adds(b, "Orders per day\n  no orders yet\n\n", err);
	for (i = 0; i < DESK_DASH_DAYS; i++) {
		sum += D->orders[i];
		if (D->orders[i] > top)
			top = D->orders[i], at = i;
	}
	rc = buf_addf(b, err, "Orders per day, %s to %s (the newest "
		      "order's day)\n  ", D->first, D->last);
	if (rc == OD_OK)
		rc = spark(b, D->orders, DESK_DASH_DAYS, err);
	if (rc == OD_OK)
		rc = buf_addf(b, err, "\n  %-*s%s\n  %lld orders in %d days, "
			      "the most %lld on %s\n\n",
			      DESK_DASH_DAYS * 2 - 5, D->first + 5,
			      D->last + 5, sum, DESK_DASH_DAYS, top,
			      D->days[at]);
	return rc;
}

/* Revenue per day, a row per currency. */
static enum od_code money_part(struct buf *b, const struct desk_dashboard *D,
			       struct od_err *err)
{
	enum od_code rc = D->ncur ? buf_adds(b, "Revenue per day (order "
					     "totals, by currency)\n", err)
				  : OD_OK;
	char money[48];
	size_t i;

	for (i = 0; i < D->ncur && rc == OD_OK; i++) {
		rc = buf_addf(b, err, "  %-4s ", D->cur[i].code);
		if (rc == OD_OK)
			rc = spark(b, D->cur[i].per_day, DESK_DASH_DAYS, err);
		format_money(D->cur[i].total, D->cur[i].code, money,
			     sizeof money);
		if (rc == OD_OK)
			rc = buf_addf(b, err, "  %s, %lld orders\n", money,
				      D->cur[i].orders);
	}
	if (rc == OD_OK && D->other_cur_orders > 0)
		rc = buf_addf(b, err, "  and %lld orders in other currencies\n",
			      D->other_cur_orders);
	return rc == OD_OK && D->ncur ? buf_adds(b, "\n", err) : rc;
}

/* Placed to shipped, and the holds by reason. */
static enum od_code ship_hold_part(struct buf *b,
				   const struct desk_dashboard *D,
				   struct od_err *err)
{
	char median[32], p90[32];
	size_t i, most = 1, w;
	enum od_code rc;

	clock_span(D->median_s, median, sizeof median);
	clock_span(D->p90_s, p90, sizeof p90);
	rc = D->shipped ? buf_addf(b, err, "Placed to first parcel, %lld "
				   "order%s shipped\n  median %s · 90 in 100 "
				   "within %s\n\n", D->shipped,
				   D->shipped == 1 ? "" : "s", median, p90)
			: buf_adds(b, "Placed to first parcel\n  nothing "
				   "shipped yet\n\n", err);
	for (i = 0; i < DESK_HOLD_REASONS; i++)
		if (D->held[i] > most)
			most = D->held[i];
	if (rc == OD_OK)
		rc = buf_addf(b, err, "Holds by reason, %zu held\n", D->nheld);
	for (i = 0; i < DESK_HOLD_REASONS && rc == OD_OK; i++) {
		rc = buf_addf(b, err, "  %-19s ", desk_hold_reasons[i]);
		for (w = 0; rc == OD_OK && w < (D->held[i] * BAR_MAX +
		     most - 1) / most; w++)
			rc = buf_adds(b, blocks[7], err);
		if (rc == OD_OK)
			rc = buf_addf(b, err, " %zu\n", D->held[i]);
	}
	return rc == OD_OK ? buf_adds(b, "\n", err) : rc;
}

/* What each person signed today. */
static enum od_code people_part(struct buf *b, const struct desk_dashboard *D,
				struct od_err *err)
{
	enum od_code rc = buf_addf(b, err, "Today (%s, UTC), by person: %lld "
				   "statements signed\n", D->today,
				   D->today_n);
	const struct desk_dash_person *p;
	size_t i, k;

	if (rc == OD_OK && D->npeople == 0)
		rc = buf_adds(b, "  nobody has signed anything today\n", err);
	for (i = 0; i < D->npeople && rc == OD_OK; i++) {
		p = &D->people[i];
		rc = buf_addf(b, err, "  %-12s %4lld ", p->name, p->n);
		for (k = 0; k < p->nkinds && rc == OD_OK; k++)
			rc = buf_addf(b, err, "%s%s %lld", k ? " · " : "",
				      p->kinds[k].kind, p->kinds[k].n);
		if (rc == OD_OK && p->other > 0)
			rc = buf_addf(b, err, " · other %lld", p->other);
		if (rc == OD_OK)
			rc = buf_adds(b, "\n", err);
	}
	return rc;
}

static enum od_code fill(struct ui *u, long long arg, struct buf *b,
			 struct od_err *err)
{
	struct desk_dashboard D;
	enum od_code rc = desk_dashboard(u->desk, &D, err);

	if (rc == OD_OK)
		rc = orders_part(b, &D, err);
	if (rc == OD_OK)
		rc = money_part(b, &D, err);
	if (rc == OD_OK)
		rc = ship_hold_part(b, &D, err);
	if (rc == OD_OK)
		rc = people_part(b, &D, err);
	return rc;
}

enum ui_next dashboard_key(struct orders_st *O, struct ui *u, int key,
			   int kind)
{
	if (desk_role(u->desk) != ROLE_OWNER) {
		ui_message(u, 1, "The dashboard (D) is the owner's; ask an "
			   "owner.");
		return UI_DRAW;
	}
	(void)view_text_open(u, "dashboard", fill, 0);
	return UI_DRAW;
}
