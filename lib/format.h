/*
 * format.h - turning orders into text for people and programs: money in
 * major units, columns that line up with CJK text.  CSV is lib/csv.h's.
 */
#ifndef OD_FORMAT_H
#define OD_FORMAT_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

/*
 * Formats minor units as the currency shows them: "256.00 CNY", "1200 JPY",
 * "1.250 KWD".  out must hold at least 40 bytes.
 */
void format_money(long long minor, const char *currency, char *out,
		  size_t cap);

/* Digits after the point in a currency's major unit: 0, 2 or 3. */
int format_currency_exponent(const char *currency);

/*
 * Appends s to b padded or cut to exactly width terminal columns.  Wide
 * characters count two; a cut never splits a character and ends in "…";
 * anything not printable (which validation should already have refused)
 * shows as "?", so nothing reaches the terminal raw.
 */
enum od_code format_fit(struct buf *b, const char *s, int width,
			struct od_err *err);

#endif
