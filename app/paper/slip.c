/* slip.c - packing slips, one page per order (paper.h). */
#include "app/paper/paper.h"

#include <stdio.h>
#include <string.h>

#include "app/paper/doc.h"
#include "app/log/order.h"

/* The items table's columns, in points from the left margin. */
#define COL_SKU  DOC_MARGIN
#define COL_NAME (DOC_MARGIN + 120)
#define COL_QTY  (DOC_RIGHT - 50)
#define W_SKU    112.0
#define W_NAME   (COL_QTY - COL_NAME - 10)
#define W_QTY    50.0
#define W_PAGE   (DOC_RIGHT - DOC_MARGIN)

struct slip {
	const char *shop;
	const struct order *o;
};

/* Draws text full width and moves down past it. */
static void line(struct doc *d, enum doc_font f, const char *text)
{
	d->y += doc_text(d, f, DOC_MARGIN, W_PAGE, PANGO_ALIGN_LEFT, text, 1);
}

/* The items table's head. */
static void items_head(struct doc *d)
{
	doc_text(d, DOC_BOLD, COL_SKU, W_SKU, PANGO_ALIGN_LEFT, "SKU", 1);
	doc_text(d, DOC_BOLD, COL_NAME, W_NAME, PANGO_ALIGN_LEFT, "Item", 1);
	d->y += doc_text(d, DOC_BOLD, COL_QTY, W_QTY, PANGO_ALIGN_RIGHT,
			 "Qty", 1);
	doc_rule(d);
}

/* The top of a page an order runs on to, then the table's head again. */
static void continued(struct doc *d, void *ctx)
{
	const struct slip *s = ctx;
	char title[160];

	snprintf(title, sizeof title, "Order %s (continued)", s->o->number);
	line(d, DOC_BOLD, title);
	d->y += 8;
	items_head(d);
}

/* The shop, the order's number and date. */
static void slip_top(struct doc *d, const struct slip *s)
{
	char text[160];

	doc_text(d, DOC_SMALL, DOC_MARGIN, W_PAGE, PANGO_ALIGN_RIGHT,
		 "Packing slip", 1);
	line(d, DOC_TITLE, s->shop);
	d->y += 6;
	snprintf(text, sizeof text, "Order %s", s->o->number);
	line(d, DOC_BOLD, text);
	/* YYYY-MM-DD of the placed time. */
	snprintf(text, sizeof text, "Placed %.10s", s->o->placed_at);
	line(d, DOC_BODY, text);
	d->y += 12;
}

/* Where the parcel goes, wrapped: name, address lines, city, country. */
static void slip_ship_to(struct doc *d, const struct order *o)
{
	char place[512];
	size_t i;

	line(d, DOC_SMALL, "Ship to");
	if (!order_has_ship_to(o)) {   /* a gift card, a download */
		line(d, DOC_BOLD, "No shipping needed");
		d->y += 14;
		return;
	}
	line(d, DOC_BOLD, o->ship_name);
	for (i = 0; i < o->nlines; i++)
		line(d, DOC_BODY, o->ship_lines[i]);
	snprintf(place, sizeof place, "%s%s%s", o->postcode,
		 o->postcode[0] ? " " : "", o->city);
	line(d, DOC_BODY, place);
	line(d, DOC_BODY, o->country);
	d->y += 14;
}

/* One item still to ship: SKU, name (wrapped) and quantity. */
static void slip_item(struct doc *d, const struct order_item *it,
		      long long left)
{
	char qty[32];
	double h, hs;

	snprintf(qty, sizeof qty, "%lld", left);
	h = doc_text(d, DOC_BODY, COL_NAME, W_NAME, PANGO_ALIGN_LEFT,
		     it->name, 0);
	hs = doc_text(d, DOC_BODY, COL_SKU, W_SKU, PANGO_ALIGN_LEFT, it->sku,
		      0);
	if (hs > h)
		h = hs;
	doc_need(d, h);
	doc_text(d, DOC_BODY, COL_SKU, W_SKU, PANGO_ALIGN_LEFT, it->sku, 1);
	doc_text(d, DOC_BODY, COL_NAME, W_NAME, PANGO_ALIGN_LEFT, it->name, 1);
	doc_text(d, DOC_BODY, COL_QTY, W_QTY, PANGO_ALIGN_RIGHT, qty, 1);
	d->y += h + 4;
}

/* The customer's note, if any, wrapped under the items. */
static void slip_note(struct doc *d, const char *note)
{
	double h;

	if (note == NULL || note[0] == '\0')
		return;
	d->head = NULL;
	h = doc_text(d, DOC_BODY, DOC_MARGIN, W_PAGE, PANGO_ALIGN_LEFT, note,
		     0);
	d->y += 10;
	doc_need(d, h + 16);
	line(d, DOC_SMALL, "Note from the customer");
	line(d, DOC_BODY, note);
}

/* One order's slip, from the top of a fresh page. */
static void slip_draw(struct doc *d, const struct slip *s)
{
	size_t i;

	slip_top(d, s);
	slip_ship_to(d, s->o);
	items_head(d);
	d->head = continued;
	d->head_ctx = (void *)s;
	for (i = 0; i < s->o->nitems; i++) {
		const struct order_item *it = &s->o->items[i];

		if (it->qty - it->shipped > 0)
			slip_item(d, it, it->qty - it->shipped);
	}
	slip_note(d, s->o->note);
	d->head = NULL;
}

enum od_code paper_slips(const char *shop, struct order *const *orders,
			 size_t n, struct buf *pdf, struct od_err *err)
{
	struct doc d;
	struct slip s;
	size_t i;

	if (doc_open(&d, pdf, err) != OD_OK)
		return err->code;
	for (i = 0; i < n; i++) {
		if (i > 0)
			doc_page(&d);
		s.shop = shop;
		s.o = orders[i];
		slip_draw(&d, &s);
	}
	return doc_close(&d, err);
}
