/*
 * csv-rec.h - the records of a CSV (or tab-separated) file, one at a time
 * (csv-rec.c).  Not for other modules.
 */
#ifndef OD_CSV_REC_H
#define OD_CSV_REC_H

#include <stddef.h>

#include "app/import/import-input.h"
#include "lib/buf.h"
#include "lib/err.h"

/* The most fields a record may have: Shopify's export has 79. */
#define CSV_REC_MAX 160

/* The reader's position in the input. */
struct csv {
	struct import_input *in;
	size_t line;          /* line number of the next byte, from 1 */
	char sep;             /* ',' (with RFC 4180 quotes) or '\t' (none) */
	struct csv_record *cur;   /* the record being read the careful way */
	size_t mark;          /* its bytes before this are copied */
};

/*
 * One record: its fields, NUL-terminated, one after another in data.  A
 * header may have one column too many, so that it is named as unknown or
 * repeated rather than just counted.
 */
struct csv_record {
	size_t line;          /* the line it starts on */
	size_t n;
	size_t off[CSV_REC_MAX];
	size_t len[CSV_REC_MAX];
	struct buf data;
	int keep_raw;         /* keep the record's bytes as read */
	struct buf raw;       /* with keep_raw, where they must be copied */
	/* With keep_raw: the record's bytes as read, line end included;
	 * good until the next csv_next (they may be in the input's window). */
	const char *raw_p;
	size_t raw_n;
};

/* Starts reading in at its current position, fields separated by sep. */
void csv_init(struct csv *c, struct import_input *in, char sep);

/* Field i of r (as read, untrimmed). */
const char *rec_field(const struct csv_record *r, size_t i);

/*
 * Reads the next record into r, with at most max (<= CSV_REC_MAX) fields.
 * Empty lines are skipped.  *got is 0 at the end of the input.  Messages
 * name the line and never quote the file.
 */
enum od_code csv_next(struct csv *c, struct csv_record *r, size_t max,
		      int *got, struct od_err *err);

#endif
