/*
 * wrap.h - long text on a screen of a given width: where a row ends
 * (after a space when it can), and text made safe for a pager.  Pure, so
 * that it is tested without a terminal (tests/unit/test-wrap.c).
 */
#ifndef OD_UI_WRAP_H
#define OD_UI_WRAP_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

/*
 * The first row of s (up to its NUL or a '\n'): returns how many bytes
 * fill at most width columns (at least one character, so that the text
 * moves on), broken after the last space when the rest does not fit and a
 * space is in the row; *next is where the next row starts (the '\n' and
 * the spaces at a break skipped), or NULL at the end of the text.  Widths
 * are format_fit's (wide characters two, anything unprintable one).
 */
size_t wrap_row(const char *s, int width, const char **next);

/*
 * Appends s to b with every character a terminal would act on (control
 * characters but '\n', escape sequences, invalid UTF-8) shown as '?', as
 * format_fit draws them: what goes to $PAGER, which shows bytes raw.
 */
enum od_code wrap_clean(struct buf *b, const char *s, struct od_err *err);

#endif
