/*
 * desk-csv.c - the audit history's filtered view as a CSV file, for an
 * accountant's spreadsheet.  Every row is written through csv_row, so a
 * note that starts with "=" stays text.
 */
#include "app/desk/desk.h"

#include <stdio.h>

#include "lib/buf.h"
#include "lib/csv.h"
#include "lib/file.h"

/* 5000 entries of at most a few KiB each. */
#define CSV_MAX (64 * 1024 * 1024)

enum od_code desk_audit_csv(const struct desk_audit *a, const char *path,
			    struct od_err *err)
{
	static const char *const head[] = {
		"seq", "time", "signer", "role", "kind", "order",
		"signature-checked", "statement id", "summary",
	};
	const char *f[9];
	char seq[24];
	struct buf b;
	size_t i;
	enum od_code rc;

	if (path == NULL || path[0] == '\0')
		return od_err_set(err, OD_E_USAGE, "give a file name for the "
				  "CSV");
	buf_init(&b, CSV_MAX);
	rc = csv_row(&b, head, 9, err);
	for (i = 0; a != NULL && i < a->n && rc == OD_OK; i++) {
		const struct desk_entry *e = &a->entries[i];

		snprintf(seq, sizeof seq, "%lld", e->seq);
		f[0] = seq;
		f[1] = e->time;
		f[2] = e->actor;
		f[3] = e->role;
		f[4] = e->kind;
		f[5] = e->order;
		f[6] = e->sig_ok ? "yes" : "no";
		f[7] = e->id;
		f[8] = e->detail;
		rc = csv_row(&b, f, 9, err);
	}
	if (rc == OD_OK)
		rc = file_write_atomic(path, b.data, b.len, err);
	/* The history names customers' orders: no copy left behind. */
	buf_free(&b);
	return rc;
}
