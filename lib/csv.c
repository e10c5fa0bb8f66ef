/* csv.c - CSV fields that stay data in a spreadsheet. */
#include "lib/csv.h"

#include <string.h>

/* Whether a spreadsheet would take a field starting with c as a formula. */
static int formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	       c == '\r';
}

enum od_code csv_field(struct buf *b, const char *s, struct od_err *err)
{
	const char *p;
	int quote;
	enum od_code rc = OD_OK;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, "\",\r\n") != NULL;
	if (quote)
		rc = buf_add(b, "\"", 1, err);
	if (rc == OD_OK && formula_start(s[0]))
		rc = buf_add(b, "'", 1, err);
	for (p = s; rc == OD_OK && *p; p++) {
		/* A quote inside a quoted field is written twice. */
		if (*p == '"')
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
