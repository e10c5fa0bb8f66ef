/* format.c - money and terminal columns. */
#include "lib/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"

/* Three capitals as one number, for a switch; 0 for anything else. */
#define CODE3(a, b, c) (((unsigned)(a) << 16) | ((unsigned)(b) << 8) | (c))

/*
 * Currencies whose minor unit is not a hundredth (ISO 4217).  A switch on
 * the code as a number, not a list of strcmp: an importer asks once per
 * amount.
 */
int format_currency_exponent(const char *currency)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (currency[i] < 'A' || currency[i] > 'Z')
			return 2;
	if (currency[3] != '\0')
		return 2;
	switch (CODE3(currency[0], currency[1], currency[2])) {
	case CODE3('B', 'I', 'F'): case CODE3('C', 'L', 'P'):
	case CODE3('D', 'J', 'F'): case CODE3('G', 'N', 'F'):
	case CODE3('I', 'S', 'K'): case CODE3('J', 'P', 'Y'):
	case CODE3('K', 'M', 'F'): case CODE3('K', 'R', 'W'):
	case CODE3('P', 'Y', 'G'): case CODE3('R', 'W', 'F'):
	case CODE3('U', 'G', 'X'): case CODE3('V', 'N', 'D'):
	case CODE3('V', 'U', 'V'): case CODE3('X', 'A', 'F'):
	case CODE3('X', 'O', 'F'): case CODE3('X', 'P', 'F'):
		return 0;
	case CODE3('B', 'H', 'D'): case CODE3('I', 'Q', 'D'):
	case CODE3('J', 'O', 'D'): case CODE3('K', 'W', 'D'):
	case CODE3('L', 'Y', 'D'): case CODE3('O', 'M', 'R'):
	case CODE3('T', 'N', 'D'):
		return 3;
	default:
		return 2;
	}
}

void format_money(long long minor, const char *currency, char *out,
		  size_t cap)
{
	int e = format_currency_exponent(currency);
	unsigned long long v = minor < 0 ? 0ULL - (unsigned long long)minor
					 : (unsigned long long)minor;
	unsigned long long div = e == 0 ? 1 : e == 2 ? 100 : 1000;

	if (e == 0)
		snprintf(out, cap, "%s%llu %s", minor < 0 ? "-" : "", v,
			 currency);
	else
		snprintf(out, cap, "%s%llu.%0*llu %s", minor < 0 ? "-" : "",
			 v / div, e, v % div, currency);
}

/* Decodes the character at s; anything unprintable becomes "?". */
static size_t next_char(const char *s, size_t n, const char **show,
			size_t *show_len, int *w)
{
	unsigned cp;
	size_t len = utf8_decode(s, n, &cp);

	if (len == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
		*show = "?";
		*show_len = 1;
		*w = 1;
		return len ? len : 1;
	}
	*show = s;
	*show_len = len;
	*w = utf8_cp_width(cp);
	return len;
}

/* Display width of s, as format_fit would show it. */
static int text_width(const char *s, size_t n)
{
	const char *show;
	size_t i = 0, show_len;
	int w, total = 0;

	while (i < n) {
		i += next_char(s + i, n - i, &show, &show_len, &w);
		total += w;
	}
	return total;
}

enum od_code format_fit(struct buf *b, const char *s, int width,
			struct od_err *err)
{
	size_t n = strlen(s), i = 0, len, show_len;
	const char *show;
	int used = 0, w, room = width;
	int cut = text_width(s, n) > width;
	enum od_code rc = OD_OK;

	if (cut)
		room = width - 1;   /* a column for the ellipsis */
	while (i < n && rc == OD_OK) {
		len = next_char(s + i, n - i, &show, &show_len, &w);
		if (used + w > room)
			break;
		rc = buf_add(b, show, show_len, err);
		used += w;
		i += len;
	}
	if (rc == OD_OK && cut && width > 0) {
		rc = buf_adds(b, "\xe2\x80\xa6", err); /* … */
		used++;
	}
	while (rc == OD_OK && used < width) {
		rc = buf_add(b, " ", 1, err);
		used++;
	}
	return rc;
}
