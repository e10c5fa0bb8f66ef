/*
 * line-edit.h - the one line editor behind every text field of the desk:
 * the search, the audit filter, the passphrase and every dialog's fields.
 *
 * Pure: a buffer, a cursor and a key give a new buffer and cursor, so the
 * editing is tested without a terminal (tests/unit/test-line-edit.c).  Text
 * is UTF-8; the cursor moves by whole characters (a code point and the
 * zero-width marks that follow it), so no key splits one, and the view
 * counts wide (CJK) characters as two columns.
 */
#ifndef OD_UI_LINE_EDIT_H
#define OD_UI_LINE_EDIT_H

#include <stddef.h>

struct line_edit {
	char *buf;        /* UTF-8, NUL-terminated, edited in place */
	size_t cap;       /* bytes buf holds, with the NUL */
	size_t cur;       /* the cursor: a byte offset at a character */
	size_t first;     /* the first byte shown (line_edit_view) */
};

/* What a key did. */
enum line_edit_result {
	LINE_EDIT_NOT_MINE,   /* not an editing key: the caller's */
	LINE_EDIT_MOVED,      /* taken; the text is as it was */
	LINE_EDIT_CHANGED,    /* the text changed */
};

/* Edits buf (cap bytes, holding a string) with the cursor at its end. */
void line_edit_init(struct line_edit *e, char *buf, size_t cap);

/*
 * Applies one key as screen_key gives it: a character inserts at the
 * cursor (when it fits; C0 and C1 controls never do); ← → Ctrl-B Ctrl-F
 * move by a character, Home End Ctrl-A Ctrl-E to either end; Backspace
 * (and Ctrl-H) and Delete (and Ctrl-D) remove the character before or
 * under the cursor; Ctrl-U removes what is before the cursor, Ctrl-K what
 * is after it, Ctrl-W the word before it.  Removed bytes are zeroed, so a
 * passphrase leaves nothing past its end.
 */
enum line_edit_result line_edit_key(struct line_edit *e, int key);

/*
 * Scrolls the view of width columns so the cursor shows (with a column
 * for it at the end), keeping the text still while the cursor moves within
 * it.  Sets *shown to the first byte to draw and returns the cursor's
 * column from there.
 */
int line_edit_view(struct line_edit *e, int width, const char **shown);

/* Columns s[0..n) takes: wide characters 2, zero-width marks 0. */
int line_edit_width(const char *s, size_t n);

#endif
