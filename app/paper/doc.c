/* doc.c - a PDF drawn top down with cairo and pango (doc.h). */
#include "app/paper/doc.h"

#include <string.h>

#include "lib/lsan.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DOC_ASAN 1
#endif
#elif defined(__SANITIZE_ADDRESS__)
#define DOC_ASAN 1
#endif

#ifdef DOC_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

/* LeakSanitizer's hook (sanitizer builds only): fontconfig's one leak,
 * lib/lsan.h (weak: sigtoken.c has the same). */
__attribute__((weak)) const char *__lsan_default_suppressions(void)
{
	return OD_LSAN_SUPPRESSIONS;
}

/* Keeps that out of stderr: a refusal is still one line there. */
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

/* The fonts: fontconfig's "Sans" and whatever it falls back to per glyph. */
static const char *const font_names[DOC_FONT_COUNT] = {
	[DOC_BODY] = "Sans 10",
	[DOC_BOLD] = "Sans Bold 10",
	[DOC_SMALL] = "Sans 8",
	[DOC_TITLE] = "Sans Bold 16",
};

/* cairo's writer: appends to the buffer, up to its cap. */
static cairo_status_t write_out(void *ctx, const unsigned char *p,
				unsigned int n)
{
	struct doc *d = ctx;
	struct od_err ignored;

	if (buf_add(d->out, p, n, &ignored) != OD_OK) {
		d->overflow = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

enum od_code doc_open(struct doc *d, struct buf *out, struct od_err *err)
{
	int i;

	memset(d, 0, sizeof *d);
	d->out = out;
	buf_reset(out);
	d->surface = cairo_pdf_surface_create_for_stream(write_out, d,
							 DOC_PAGE_W,
							 DOC_PAGE_H);
	d->cr = cairo_create(d->surface);
	if (cairo_status(d->cr) != CAIRO_STATUS_SUCCESS) {
		od_err_set(err, OD_E_INTERNAL, "cannot begin a PDF: %s",
			   cairo_status_to_string(cairo_status(d->cr)));
		doc_abandon(d);
		return OD_E_INTERNAL;
	}
	/* Not pango's default font map: that one lives on in a thread key
	 * with every font pattern it looked up. */
	d->fontmap = pango_cairo_font_map_new();
	d->context = pango_font_map_create_context(d->fontmap);
	pango_cairo_update_context(d->cr, d->context);
	d->layout = pango_layout_new(d->context);
	for (i = 0; i < DOC_FONT_COUNT; i++)
		d->fonts[i] = pango_font_description_from_string(font_names[i]);
	pango_layout_set_wrap(d->layout, PANGO_WRAP_WORD_CHAR);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	d->y = DOC_MARGIN;
	d->pages = 1;
	return OD_OK;
}

double doc_text(struct doc *d, enum doc_font font, double x, double width,
		PangoAlignment align, const char *text, int draw)
{
	char *valid = NULL;
	int w, h;

	if (!g_utf8_validate(text, -1, NULL))
		text = valid = g_utf8_make_valid(text, -1);
	pango_layout_set_font_description(d->layout, d->fonts[font]);
	pango_layout_set_width(d->layout, pango_units_from_double(width));
	pango_layout_set_alignment(d->layout, align);
	pango_layout_set_text(d->layout, text, -1);
	pango_layout_get_size(d->layout, &w, &h);
	if (draw) {
		cairo_move_to(d->cr, x, d->y);
		pango_cairo_show_layout(d->cr, d->layout);
	}
	g_free(valid);
	return pango_units_to_double(h);
}

void doc_page(struct doc *d)
{
	cairo_show_page(d->cr);
	d->pages++;
	d->y = DOC_MARGIN;
}

int doc_need(struct doc *d, double h)
{
	if (d->y + h <= DOC_PAGE_H - DOC_MARGIN || d->y <= DOC_MARGIN)
		return 0;
	doc_page(d);
	if (d->head != NULL)
		d->head(d, d->head_ctx);
	return 1;
}

void doc_rule(struct doc *d)
{
	cairo_save(d->cr);
	cairo_set_line_width(d->cr, 0.5);
	cairo_move_to(d->cr, DOC_MARGIN, d->y + 2);
	cairo_line_to(d->cr, DOC_RIGHT, d->y + 2);
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
	d->y += 6;
}

void doc_abandon(struct doc *d)
{
	int i;

	for (i = 0; i < DOC_FONT_COUNT; i++)
		if (d->fonts[i] != NULL)
			pango_font_description_free(d->fonts[i]);
	if (d->layout != NULL)
		g_object_unref(d->layout);
	if (d->context != NULL)
		g_object_unref(d->context);
	if (d->fontmap != NULL)
		g_object_unref(d->fontmap);
	if (d->cr != NULL)
		cairo_destroy(d->cr);
	if (d->surface != NULL)
		cairo_surface_destroy(d->surface);
	memset(d, 0, sizeof *d);
}

enum od_code doc_close(struct doc *d, struct od_err *err)
{
	cairo_status_t st;
	enum od_code rc = OD_OK;

	cairo_show_page(d->cr);
	cairo_surface_finish(d->surface);
	st = cairo_surface_status(d->surface);
	if (d->overflow)
		rc = od_err_set(err, OD_E_INPUT, "the PDF would pass %zu "
				"MiB; print fewer orders at once",
				d->out->cap >> 20);
	else if (st != CAIRO_STATUS_SUCCESS)
		rc = od_err_set(err, OD_E_INTERNAL, "cannot make the PDF: %s",
				cairo_status_to_string(st));
	doc_abandon(d);
	return rc;
}
