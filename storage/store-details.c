/* store-details.c - an order's shipments and notes, recorded and walked. */
#include "storage/store.h"

#include "storage/store-internal.h"

static const char shipment_add_sql[] =
	"INSERT INTO shipments(seq, order_no, carrier, tracking, items)"
	" VALUES(?1, ?2, ?3, ?4, ?5)";
static const char note_add_sql[] =
	"INSERT INTO notes(seq, order_no, actor, time, text)"
	" VALUES(?1, ?2, ?3, ?4, ?5)";
static const char shipment_each_sql[] =
	"SELECT seq, carrier, tracking, items FROM shipments"
	" WHERE order_no = ?1 ORDER BY seq";
static const char note_each_sql[] =
	"SELECT seq, actor, time, text FROM notes"
	" WHERE order_no = ?1 ORDER BY seq";

enum od_code store_shipment_add(struct store *s, const char *number,
				const struct shipment_record *r,
				struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, shipment_add_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, r->seq);
	store_bind_text(st, 2, number);
	store_bind_text(st, 3, r->carrier);
	store_bind_text(st, 4, r->tracking);
	store_bind_text(st, 5, r->items);
	return store_step_done(s, st, "recording the shipment", err);
}

enum od_code store_note_add(struct store *s, const char *number,
			    const struct note_record *r, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, note_add_sql, err);

	if (st == NULL)
		return err->code;
	sqlite3_bind_int64(st, 1, r->seq);
	store_bind_text(st, 2, number);
	store_bind_text(st, 3, r->actor);
	store_bind_text(st, 4, r->time);
	store_bind_text(st, 5, r->text);
	return store_step_done(s, st, "recording the note", err);
}

/* A walk over the shipments or the notes of one order. */
struct detail_walk {
	store_shipment_cb shipment;
	store_note_cb note;
	void *ctx;
};

/* Hands the current row to the walk's callback. */
static enum od_code detail_row(sqlite3_stmt *st, const struct detail_walk *w,
			       struct od_err *err)
{
	struct shipment_record sr;
	struct note_record nr;

	if (w->shipment != NULL) {
		sr.seq = sqlite3_column_int64(st, 0);
		sr.carrier = store_col_text(st, 1);
		sr.tracking = store_col_text(st, 2);
		sr.items = store_col_text(st, 3);
		return w->shipment(w->ctx, &sr, err);
	}
	nr.seq = sqlite3_column_int64(st, 0);
	nr.actor = store_col_text(st, 1);
	nr.time = store_col_text(st, 2);
	nr.text = store_col_text(st, 3);
	return w->note(w->ctx, &nr, err);
}

/* Walks the rows sql gives for an order number. */
static enum od_code detail_each(struct store *s, const char *sql,
				const char *number,
				const struct detail_walk *w,
				struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	/* Not the cache of statements: the callbacks may use it. */
	int src = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	store_bind_text(st, 1, number);
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		rc = detail_row(st, w, err);
		if (rc != OD_OK)
			break;
	}
	if (rc == OD_OK && src != SQLITE_DONE)
		rc = store_fail(s, src, "reading the order", err);
	sqlite3_finalize(st);
	return rc;
}

enum od_code store_shipment_each(struct store *s, const char *number,
				 store_shipment_cb cb, void *ctx,
				 struct od_err *err)
{
	struct detail_walk w = { cb, NULL, ctx };

	return detail_each(s, shipment_each_sql, number, &w, err);
}

enum od_code store_note_each(struct store *s, const char *number,
			     store_note_cb cb, void *ctx, struct od_err *err)
{
	struct detail_walk w = { NULL, cb, ctx };

	return detail_each(s, note_each_sql, number, &w, err);
}
