/*
 * csv.h - one field or record of a CSV file (RFC 4180) that a spreadsheet opens as
 * text: quoted when it holds a quote, comma, semicolon, tab or line break
 * (the separators spreadsheets use in one locale or another), quotes doubled,
 * and a field that starts like a formula (= + - @, tab or CR) given a
 * leading apostrophe so that no spreadsheet runs it; so is such a character
 * right after a separator or line break inside the field, where a reader
 * that splits at ';' or tab (and so ignores our quotes) starts a cell.
 */
#ifndef OD_CSV_H
#define OD_CSV_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

/*
 * Appends s (NULL as "") to b as one CSV field, without a separator.  A
 * full buffer gives buf's error and leaves b as it was up to the field.
 */
enum od_code csv_field(struct buf *b, const char *s, struct od_err *err);

/*
 * Appends one record: the n fields (NULL as "") through csv_field,
 * separated by commas and ended by CRLF as RFC 4180 asks.  The one way
 * orderdesk writes CSV (`list --format csv`, the audit export), so that no
 * writer can lose the formula guard.
 */
enum od_code csv_row(struct buf *b, const char *const *f, size_t n,
		     struct od_err *err);

#endif
