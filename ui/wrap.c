/* wrap.c - rows of long text, and text made safe for a pager (wrap.h). */
#include "ui/wrap.h"

#include <string.h>

#include "lib/utf8.h"

/* Bytes and columns of the character at s (n > 0 bytes left); an
 * unprintable one takes one column (format_fit shows '?'). */
static size_t one_char(const char *s, size_t n, int *w, int *bad)
{
	unsigned cp;
	size_t len = utf8_decode(s, n, &cp);

	*bad = len == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
	*w = *bad ? 1 : utf8_cp_width(cp);
	return len ? len : 1;
}

size_t wrap_row(const char *s, int width, const char **next)
{
	size_t n = strcspn(s, "\n"), i = 0, len, brk = 0;
	int used = 0, w, bad;

	while (i < n) {
		len = one_char(s + i, n - i, &w, &bad);
		if (used + w > width && i > 0)
			break;
		used += w;
		i += len;
		if (s[i - 1] == ' ')
			brk = i;
	}
	if (i < n && brk > 0)
		i = brk;
	len = i;
	/* The spaces at a break belong to neither row. */
	while (len > 0 && s[len - 1] == ' ' && i < n)
		len--;
	while (i < n && s[i] == ' ')
		i++;
	if (i < n)
		*next = s + i;
	else
		*next = s[n] == '\n' ? s + n + 1 : NULL;
	return len;
}

enum od_code wrap_clean(struct buf *b, const char *s, struct od_err *err)
{
	size_t n = strlen(s), i = 0, len;
	enum od_code rc = OD_OK;
	int w, bad;

	while (i < n && rc == OD_OK) {
		len = one_char(s + i, n - i, &w, &bad);
		if (bad && s[i] != '\n')
			rc = buf_add(b, "?", 1, err);
		else
			rc = buf_add(b, s + i, len, err);
		i += len;
	}
	return rc;
}
