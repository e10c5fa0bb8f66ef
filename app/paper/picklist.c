/* picklist.c - a pick list drawn as one table, by SKU (paper.h). */
#include "app/paper/paper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/paper/doc.h"

/* The columns, in points. */
#define COL_SKU    DOC_MARGIN
#define W_SKU      100.0
#define COL_NAME   (COL_SKU + W_SKU + 8)
#define W_NAME     150.0
#define COL_QTY    (COL_NAME + W_NAME + 8)
#define W_QTY      40.0
#define COL_ORDERS (COL_QTY + W_QTY + 14)
#define W_ORDERS   (DOC_RIGHT - COL_ORDERS)

/* The table's head, on the first page and each one it runs on to. */
static void table_head(struct doc *d, void *ctx)
{
	doc_text(d, DOC_BOLD, COL_SKU, W_SKU, PANGO_ALIGN_LEFT, "SKU", 1);
	doc_text(d, DOC_BOLD, COL_NAME, W_NAME, PANGO_ALIGN_LEFT, "Item", 1);
	doc_text(d, DOC_BOLD, COL_QTY, W_QTY, PANGO_ALIGN_RIGHT, "Qty", 1);
	d->y += doc_text(d, DOC_BOLD, COL_ORDERS, W_ORDERS, PANGO_ALIGN_LEFT,
			 "Orders", 1);
	doc_rule(d);
}

/* "A-1 ×2, A-7 ×1": which orders need the line's SKU, and how many. */
static enum od_code needs_text(const struct pick_line *l, struct buf *b,
			       struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t i;

	buf_reset(b);
	for (i = 0; rc == OD_OK && i < l->nneeds; i++)
		rc = buf_addf(b, err, "%s%s \xc3\x97%lld", i ? ", " : "",
			      l->needs[i].number, l->needs[i].qty);
	return rc;
}

/* One SKU's row; the tallest cell sets its height. */
static enum od_code pick_row(struct doc *d, const struct pick_line *l,
			     struct buf *b, struct od_err *err)
{
	char qty[32];
	double h, c;

	if (needs_text(l, b, err) != OD_OK)
		return err->code;
	snprintf(qty, sizeof qty, "%lld", l->qty);
	h = doc_text(d, DOC_BODY, COL_SKU, W_SKU, PANGO_ALIGN_LEFT, l->sku, 0);
	c = doc_text(d, DOC_BODY, COL_NAME, W_NAME, PANGO_ALIGN_LEFT, l->name,
		     0);
	h = c > h ? c : h;
	c = doc_text(d, DOC_BODY, COL_ORDERS, W_ORDERS, PANGO_ALIGN_LEFT,
		     b->data, 0);
	h = c > h ? c : h;
	doc_need(d, h);
	doc_text(d, DOC_BODY, COL_SKU, W_SKU, PANGO_ALIGN_LEFT, l->sku, 1);
	doc_text(d, DOC_BODY, COL_NAME, W_NAME, PANGO_ALIGN_LEFT, l->name, 1);
	doc_text(d, DOC_BODY, COL_QTY, W_QTY, PANGO_ALIGN_RIGHT, qty, 1);
	doc_text(d, DOC_BODY, COL_ORDERS, W_ORDERS, PANGO_ALIGN_LEFT, b->data,
		 1);
	d->y += h + 4;
	return OD_OK;
}

/* The list's title: the shop, what batch, how many orders and SKUs. */
static void pick_top(struct doc *d, const char *shop, const char *batch,
		     const struct pick_list *pl)
{
	const double w = DOC_RIGHT - DOC_MARGIN;
	char text[256];

	doc_text(d, DOC_SMALL, DOC_MARGIN, w, PANGO_ALIGN_RIGHT, "Pick list",
		 1);
	d->y += doc_text(d, DOC_TITLE, DOC_MARGIN, w, PANGO_ALIGN_LEFT, shop,
			 1);
	snprintf(text, sizeof text, "Pick list for %s: %zu order%s, %zu "
		 "SKU%s", batch, pl->norders, pl->norders == 1 ? "" : "s",
		 pl->nlines, pl->nlines == 1 ? "" : "s");
	d->y += 6 + doc_text(d, DOC_BODY, DOC_MARGIN, w, PANGO_ALIGN_LEFT,
			     text, 1);
	d->y += 14;
}

enum od_code paper_picklist(const char *shop, const char *batch,
			    const struct pick_list *pl, struct buf *pdf,
			    struct od_err *err)
{
	enum od_code rc;
	struct doc d;
	struct buf b;
	size_t i;

	if (doc_open(&d, pdf, err) != OD_OK)
		return err->code;
	buf_init(&b, 1u << 20);
	pick_top(&d, shop, batch, pl);
	table_head(&d, NULL);
	d.head = table_head;
	for (i = 0, rc = OD_OK; rc == OD_OK && i < pl->nlines; i++)
		rc = pick_row(&d, &pl->lines[i], &b, err);
	buf_free(&b);
	if (rc != OD_OK) {
		doc_abandon(&d);
		return rc;
	}
	return doc_close(&d, err);
}
