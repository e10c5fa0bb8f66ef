/* csv.c - CSV fields that stay data in a spreadsheet. */
#include "lib/csv.h"

#include <string.h>

/* Whether a spreadsheet would take a field starting with c as a formula. */
static int formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	       c == '\r';
}

/*
 * Whether c ends a cell or a row for some spreadsheet: ',' by RFC 4180,
 * ';' where the locale's list separator is one (Excel in de or fr), tab
 * where it sniffs tabs, and a line break.
 */
static int splits(char c)
{
	return c == ',' || c == ';' || c == '\t' || c == '\r' || c == '\n';
}

enum od_code csv_field(struct buf *b, const char *s, struct od_err *err)
{
	const char *p;
	int quote;
	enum od_code rc = OD_OK;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, "\",;\t\r\n") != NULL;
	if (quote)
		rc = buf_add(b, "\"", 1, err);
	for (p = s; rc == OD_OK && *p; p++) {
		/*
		 * Quoting keeps the field one cell only for a reader that
		 * splits where we do: one splitting at ';' ignores a quote
		 * that does not open its piece, so "Bob;=1+1" would give it
		 * a cell "=1+1".  Every place a cell can start is guarded,
		 * not just the first.
		 */
		if ((p == s || splits(p[-1])) && formula_start(*p))
			rc = buf_add(b, "'", 1, err);
		/* A quote inside a quoted field is written twice. */
		if (rc == OD_OK && *p == '"')
			rc = buf_add(b, "\"", 1, err);
		if (rc == OD_OK)
			rc = buf_add(b, p, 1, err);
	}
	if (rc == OD_OK && quote)
		rc = buf_add(b, "\"", 1, err);
	return rc;
}

enum od_code csv_row(struct buf *b, const char *const *f, size_t n,
		     struct od_err *err)
{
	enum od_code rc = OD_OK;
	size_t i;

	for (i = 0; i < n && rc == OD_OK; i++) {
		if (i > 0)
			rc = buf_add(b, ",", 1, err);
		if (rc == OD_OK)
			rc = csv_field(b, f[i], err);
	}
	if (rc == OD_OK)
		rc = buf_add(b, "\r\n", 2, err);
	return rc;
}
