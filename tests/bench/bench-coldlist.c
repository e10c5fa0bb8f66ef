/*
 * bench-coldlist.c - plain SQLite's cold list, the baseline for a cold
 * `orderdesk list` (tests/bench/run.sh).
 *
 *   bench-coldlist PLAIN.db        lists every order of a plain store
 *   bench-coldlist --empty PATH    makes an empty plain store
 *
 * A fresh process opens a plain SQLite file with SQLite's defaults (its
 * 2 MiB page cache) and prints every order as `orderdesk list` does, with
 * the same formatting calls, so that the only differences left are the
 * encryption, the unlock and the cache size.  run.sh runs it under
 * `bench-store --peak-rss` for its wall time; the empty store gives the
 * fixed cost of a process, as an empty shop does for orderdesk.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "app/log/money.h"
#include "app/log/order.h"
#include "lib/buf.h"
#include "lib/format.h"
#include "storage/store.h"

/* One row as cmd-list.c's table_row makes it. */
static enum od_code row(void *ctx, const struct order *o, struct od_err *err)
{
	struct buf *line = ctx;
	char when[32], money[48], items[16];
	enum od_code rc;

	snprintf(when, sizeof when, "%.10s %.5s", o->placed_at,
		 strlen(o->placed_at) >= 16 ? o->placed_at + 11 : "");
	format_money(o->total, o->currency, money, sizeof money);
	snprintf(items, sizeof items, "%zu", o->nitems);
	buf_reset(line);
	rc = format_fit(line, o->number, 10, err);
	if (rc == OD_OK)
		rc = buf_addf(line, err, " %-16s ", when);
	if (rc == OD_OK)
		rc = format_fit(line, o->customer_name, 20, err);
	if (rc == OD_OK)
		rc = buf_addf(line, err, " %5s %16s  %-10s %s\n", items,
			      money, order_status_name(o->status),
			      money_state_name(money_state(o)));
	if (rc == OD_OK)
		fputs(line->data, stdout);
	return rc;
}

/* Opens path plainly (creating it when fresh) and lists it unless fresh. */
static enum od_code run(const char *path, int fresh, struct od_err *err)
{
	struct store_filter f = { -1, NULL };
	struct store *s = NULL;
	sqlite3 *db = NULL;
	struct buf line;
	enum od_code rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
			    (fresh ? SQLITE_OPEN_CREATE : 0), NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return od_err_set(err, OD_E_IO, "cannot open %s", path);
	}
	rc = store_adopt(db, fresh, &s, err);
	if (rc != OD_OK || fresh) {
		store_close(s);
		return rc;
	}
	buf_init(&line, 64 * 1024);
	printf("%-10s %-16s %-20s %5s %16s  %-10s %s\n", "NUMBER", "PLACED",
	       "CUSTOMER", "ITEMS", "TOTAL", "STATUS", "PAYMENT");
	rc = store_order_each(s, &f, row, &line, err);
	buf_free(&line);
	store_close(s);
	return rc;
}

int main(int argc, char **argv)
{
	struct od_err err;
	enum od_code rc;

	od_err_clear(&err);
	if (argc == 2 && argv[1][0] != '-')
		rc = run(argv[1], 0, &err);
	else if (argc == 3 && strcmp(argv[1], "--empty") == 0)
		rc = run(argv[2], 1, &err);
	else {
		fprintf(stderr, "usage: bench-coldlist PLAIN.db\n"
			"       bench-coldlist --empty PATH\n");
		return 2;
	}
	if (rc != OD_OK) {
		fprintf(stderr, "bench-coldlist: %s\n", err.msg);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
