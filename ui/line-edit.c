/*
 * line-edit.c - editing one line of UTF-8 text at a cursor, readline's
 * keys (see line-edit.h).  No curses calls: only the key codes.
 */
#include "ui/line-edit.h"

#include <string.h>

#include "lib/utf8.h"
#include "ui/view.h"

/* The code point at s[i] (len set), or the lone byte when it is not valid
 * UTF-8, so that a broken byte is still one step and one column. */
static unsigned cp_at(const char *s, size_t n, size_t i, size_t *len)
{
	unsigned cp;

	*len = utf8_decode(s + i, n - i, &cp);
	if (*len == 0) {
		*len = 1;
		return (unsigned char)s[i];
	}
	return cp;
}

/* Whether the code point draws nothing on its own (a combining mark). */
static int zero_width(unsigned cp)
{
	return cp >= 0x20 && utf8_cp_width(cp) == 0;
}

/* The start of the character after the one at i. */
static size_t next_char(const char *s, size_t n, size_t i)
{
	size_t len;

	if (i >= n)
		return n;
	(void)cp_at(s, n, i, &len);
	i += len;
	while (i < n && zero_width(cp_at(s, n, i, &len)))
		i += len;
	return i;
}

/* The start of the code point before i (a stray byte is one). */
static size_t prev_cp(const char *s, size_t n, size_t i)
{
	size_t at = i - 1, len;

	while (at > 0 && i - at < 4 && ((unsigned char)s[at] & 0xc0) == 0x80)
		at--;
	(void)cp_at(s, n, at, &len);
	return at + len == i ? at : i - 1;
}

/* The start of the character before i: its marks go with it. */
static size_t prev_char(const char *s, size_t n, size_t i)
{
	size_t len;

	while (i > 0) {
		i = prev_cp(s, n, i);
		if (!zero_width(cp_at(s, n, i, &len)))
			break;
	}
	return i;
}

int line_edit_width(const char *s, size_t n)
{
	size_t i = 0, len;
	unsigned cp;
	int w = 0;

	while (i < n) {
		cp = cp_at(s, n, i, &len);
		w += cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 1 :
		     utf8_cp_width(cp);
		i += len;
	}
	return w;
}

void line_edit_init(struct line_edit *e, char *buf, size_t cap)
{
	e->buf = buf;
	e->cap = cap;
	e->cur = strlen(buf);
	e->first = 0;
}

/* Removes buf[from..to) and zeroes the bytes freed at the end. */
static enum line_edit_result cut(struct line_edit *e, size_t from, size_t to)
{
	size_t n = strlen(e->buf);

	if (from >= to)
		return LINE_EDIT_MOVED;
	memmove(e->buf + from, e->buf + to, n - to + 1);
	memset(e->buf + n - (to - from) + 1, 0, to - from);
	if (e->cur > to)
		e->cur -= to - from;
	else if (e->cur > from)
		e->cur = from;
	return LINE_EDIT_CHANGED;
}

/* Inserts code point cp at the cursor if it fits. */
static enum line_edit_result insert(struct line_edit *e, unsigned cp)
{
	size_t n = strlen(e->buf), len;
	char enc[4];

	len = utf8_encode(cp, enc);
	if (n + len + 1 > e->cap)
		return LINE_EDIT_MOVED;
	memmove(e->buf + e->cur + len, e->buf + e->cur, n - e->cur + 1);
	memcpy(e->buf + e->cur, enc, len);
	memset(enc, 0, sizeof enc);
	e->cur += len;
	return LINE_EDIT_CHANGED;
}

/* The start of the word before the cursor (spaces, then the word). */
static size_t word_start(const struct line_edit *e)
{
	size_t i = e->cur;

	while (i > 0 && e->buf[i - 1] == ' ')
		i--;
	while (i > 0 && e->buf[i - 1] != ' ')
		i--;
	/* Never inside a character: words end at spaces, which are ASCII. */
	return i;
}

/* Whether key is text to insert: a code point that is not a control. */
static int is_text(int key)
{
	return key >= 0x20 && key < 0x110000 && key != 0x7f &&
	       !(key >= 0x80 && key < 0xa0) && !(key >= 0xd800 &&
	       key < 0xe000) && !(key & 0x40000000);
}

enum line_edit_result line_edit_key(struct line_edit *e, int key)
{
	size_t n = strlen(e->buf), was = e->cur;

	if (e->cur > n)
		e->cur = n;
	switch (key) {
	case UI_FN(KEY_LEFT):
	case UI_CTRL('b'):
		e->cur = prev_char(e->buf, n, e->cur);
		return LINE_EDIT_MOVED;
	case UI_FN(KEY_RIGHT):
	case UI_CTRL('f'):
		e->cur = next_char(e->buf, n, e->cur);
		return LINE_EDIT_MOVED;
	case UI_FN(KEY_HOME):
	case UI_CTRL('a'):
		e->cur = 0;
		return LINE_EDIT_MOVED;
	case UI_FN(KEY_END):
	case UI_CTRL('e'):
		e->cur = n;
		return LINE_EDIT_MOVED;
	case UI_FN(KEY_BACKSPACE):
	case 127:
	case UI_CTRL('h'):
		return cut(e, prev_char(e->buf, n, was), was);
	case UI_FN(KEY_DC):
	case UI_CTRL('d'):
		return cut(e, was, next_char(e->buf, n, was));
	case UI_CTRL('u'):
		return cut(e, 0, was);
	case UI_CTRL('k'):
		return cut(e, was, n);
	case UI_CTRL('w'):
		return cut(e, word_start(e), was);
	default:
		return is_text(key) ? insert(e, (unsigned)key) :
		       LINE_EDIT_NOT_MINE;
	}
}

int line_edit_view(struct line_edit *e, int width, const char **shown)
{
	size_t n = strlen(e->buf), p;

	if (width < 1)
		width = 1;
	if (e->cur > n)
		e->cur = n;
	if (e->first > e->cur)
		e->first = e->cur;
	/* The cursor needs its own column after the text before it. */
	while (e->first < e->cur &&
	       line_edit_width(e->buf + e->first, e->cur - e->first) >
	       width - 1)
		e->first = next_char(e->buf, n, e->first);
	/* Room to spare at the end: show more of the start. */
	while (e->first > 0) {
		p = prev_char(e->buf, n, e->first);
		if (line_edit_width(e->buf + p, n - p) > width - 1)
			break;
		e->first = p;
	}
	*shown = e->buf + e->first;
	return line_edit_width(e->buf + e->first, e->cur - e->first);
}
