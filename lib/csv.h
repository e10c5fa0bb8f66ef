/*
 * csv.h - one field of a CSV file (RFC 4180) that a spreadsheet opens as
 * text: quoted when it holds a quote, comma or line break, quotes doubled,
 * and a field that starts like a formula (= + - @, tab or CR) given a
 * leading apostrophe so that no spreadsheet runs it.
 */
#ifndef OD_CSV_H
#define OD_CSV_H

#include "lib/buf.h"
#include "lib/err.h"

/*
 * Appends s (NULL as "") to b as one CSV field, without a separator.  A
 * full buffer gives buf's error and leaves b as it was up to the field.
 */
enum od_code csv_field(struct buf *b, const char *s, struct od_err *err);

#endif
