/*
 * desk-tabs.c - what a tab keeps and how many each tab counts: a row's
 * fact bits made once when the index is read, then only bit tests, so
 * the tabs' counts cost nothing per key at 100,000 orders.
 */
#include "app/desk/desk-tabs.h"

#include <string.h>

#include "app/desk/desk-internal.h"
#include "app/log/money.h"

uint8_t desk_row_facts(const struct order_brief *b)
{
	struct order o;
	enum pay_state ps;
	uint8_t f = 0;

	/* money_state reads only these: the one rule for "unpaid". */
	memset(&o, 0, sizeof o);
	o.total = b->total;
	o.paid = b->paid;
	o.refunded = b->refunded;
	o.arrival = b->arrival;
	ps = money_state(&o);
	if (ps == PAY_UNPAID || ps == PAY_AUTHORIZED || ps == PAY_PARTLY_PAID)
		f |= DESK_FACT_UNPAID;
	if (b->open_return)
		f |= DESK_FACT_RETURN;
	return f;
}

int desk_tab_keeps(const struct desk *d, const struct desk_tab *t, size_t i)
{
	const struct desk_row *r = &d->rows[i];

	if (t->statuses && !(t->statuses & DESK_TAB_STATUS(r->status)))
		return 0;
	if ((r->facts & t->facts) != t->facts)
		return 0;
	if (t->view < 0)
		return 1;
	return (size_t)t->view < d->views.n && d->views.keep != NULL &&
	       (d->views.keep[i] >> t->view) & 1;
}

void desk_tab_tally_reset(struct desk *d)
{
	memset(d->fact_counts, 0, sizeof d->fact_counts);
	memset(d->views.counts, 0, sizeof d->views.counts);
}

void desk_tab_tally(struct desk *d, size_t i)
{
	const struct desk_row *r = &d->rows[i];
	unsigned bits, v;

	d->fact_counts[r->status][r->facts & (DESK_FACTS - 1)]++;
	bits = d->views.keep != NULL ? d->views.keep[i] : 0;
	for (v = 0; bits != 0; v++, bits >>= 1)
		d->views.counts[v] += bits & 1;
}

size_t desk_count_tab(const struct desk *d, const struct desk_tab *t)
{
	size_t n = 0;
	unsigned s, f;

	if (t->view >= 0)
		return (size_t)t->view < d->views.n && t->statuses == 0 &&
		       t->facts == 0 ? d->views.counts[t->view] : 0;
	for (s = 0; s < ORDER_STATUS_COUNT; s++) {
		if (t->statuses && !(t->statuses & DESK_TAB_STATUS(s)))
			continue;
		for (f = 0; f < DESK_FACTS; f++)
			if ((f & t->facts) == t->facts)
				n += d->fact_counts[s][f];
	}
	return n;
}
