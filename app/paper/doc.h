/*
 * doc.h - a PDF being drawn with cairo and pango, page by page, top down.
 *
 * The only place besides slip.c and picklist.c that sees cairo or pango:
 * the rest of orderdesk gets PDF bytes (paper.h).  Text is laid out by
 * pango (shaping, fallback to a font that has the glyph: CJK names come
 * out in the CJK font fontconfig finds) and cairo embeds a subset of each
 * font with its ToUnicode map, so the text can be selected and read back.
 * Text is always set as plain text, never as pango markup: an order's
 * text cannot change the styling.
 */
#ifndef OD_PAPER_DOC_H
#define OD_PAPER_DOC_H

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "app/paper/paper.h"
#include "lib/buf.h"
#include "lib/err.h"

/* A4 in points, and the margin around what is drawn. */
#define DOC_PAGE_W 595.28
#define DOC_PAGE_H 841.89
#define DOC_MARGIN 48.0
#define DOC_RIGHT (DOC_PAGE_W - DOC_MARGIN)

enum doc_font { DOC_BODY, DOC_BOLD, DOC_SMALL, DOC_TITLE, DOC_FONT_COUNT };

struct doc;

/* Draws the top of a continued page (a table's head); y is doc_y's. */
typedef void (*doc_head_fn)(struct doc *d, void *ctx);

struct doc {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoFontMap *fontmap;  /* this doc's own: freed with it, caches and all */
	PangoContext *context;
	PangoLayout *layout;
	PangoFontDescription *fonts[DOC_FONT_COUNT];
	struct buf *out;
	int overflow;          /* the PDF passed DOC_MAX_BYTES */
	double y;              /* where the next thing goes */
	int pages;             /* pages begun */
	doc_head_fn head;      /* drawn on each page doc_need begins */
	void *head_ctx;
};

/* Starts a PDF written into out (emptied first); the first page begun. */
enum od_code doc_open(struct doc *d, struct buf *out, struct od_err *err);

/*
 * Lays out text (UTF-8; invalid bytes are shown as U+FFFD) in font at x,
 * doc_y, wrapped at width points (by word, else by character); align is
 * PANGO_ALIGN_LEFT or _RIGHT.  With draw 0 it only measures.  Returns the
 * height it takes.
 */
double doc_text(struct doc *d, enum doc_font font, double x, double width,
		PangoAlignment align, const char *text, int draw);

/* Makes room for h points: if they do not fit, begins a new page and
 * draws its head.  Returns 1 if it began one. */
int doc_need(struct doc *d, double h);

/* A thin horizontal rule across the page at doc_y, then a little space. */
void doc_rule(struct doc *d);

/* Ends the current page and begins a new one (with no head). */
void doc_page(struct doc *d);

/*
 * Finishes the PDF into out.  A cairo failure gives OD_E_INTERNAL, a PDF
 * over its buffer's cap OD_E_INPUT.  Frees everything but out.
 */
enum od_code doc_close(struct doc *d, struct od_err *err);

/* Frees a doc that will not be finished (after a failure); out as it is. */
void doc_abandon(struct doc *d);

#endif
