/* store-check.c - whole-store digests, integrity checks and copies. */
#include "storage/store.h"

#include <gnutls/crypto.h>
#include <string.h>

#include "storage/store-internal.h"
#include "storage/vfs-crypt.h"
#include "lib/progress.h"

/*
 * The folded state, table by table, in a fixed order.  The derived search
 * column is left out: it is an index, not state.
 */
static const char *const digest_sql[] = {
	"SELECT name, role, pubkey, fingerprint, active, added_seq"
	" FROM users ORDER BY name",
	"SELECT fingerprint, name, pubkey, seq FROM retired_keys"
	" ORDER BY fingerprint",
	"SELECT number, placed_at, currency, customer, email, phone, ship_name,"
	" ship_lines, city, postcode, country, total, note, status, held_from,"
	" reason, nitems FROM orders ORDER BY number",
	"SELECT order_no, pos, sku, name, qty, unit_price, shipped FROM items"
	" ORDER BY order_no, pos",
	"SELECT seq, order_no, carrier, tracking, items FROM shipments"
	" ORDER BY seq",
	"SELECT seq, order_no, actor, time, text FROM notes ORDER BY seq",
	"SELECT order_no, shipping, tax, discount, arrival, paid, refunded"
	" FROM money ORDER BY order_no",
	"SELECT seq, order_no, refund, amount, actor, time, method, reason,"
	" items, reference FROM payments ORDER BY seq",
	"SELECT rma, order_no, seq, state, reason, items, condition, received,"
	" note FROM returns ORDER BY rma",
	"SELECT ship_seq, order_no, seq, time FROM deliveries ORDER BY ship_seq",
	"SELECT rma, sku, order_no, seq, qty FROM restocks ORDER BY rma, sku",
};

/* Feeds one column to the hash as type, length, bytes: unambiguous. */
static void digest_column(gnutls_hash_hd_t h, sqlite3_stmt *st, int i)
{
	unsigned char tag = (unsigned char)sqlite3_column_type(st, i);
	sqlite3_int64 v;
	uint32_t n;
	const void *p;

	gnutls_hash(h, &tag, 1);
	switch (tag) {
	case SQLITE_INTEGER:
		v = sqlite3_column_int64(st, i);
		gnutls_hash(h, &v, sizeof v);
		break;
	case SQLITE_NULL:
		break;
	default:
		p = sqlite3_column_blob(st, i);
		n = (uint32_t)sqlite3_column_bytes(st, i);
		gnutls_hash(h, &n, sizeof n);
		if (n > 0)
			gnutls_hash(h, p, n);
		break;
	}
}

enum od_code store_state_digest(struct store *s, uint8_t digest[32],
				struct od_err *err)
{
	gnutls_hash_hd_t h;
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	size_t t;
	int src, i, n;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot start a SHA-256");
	for (t = 0; t < sizeof digest_sql / sizeof *digest_sql; t++) {
		src = sqlite3_prepare_v2(s->db, digest_sql[t], -1, &st, NULL);
		if (src != SQLITE_OK) {
			rc = store_fail(s, src, "reading the store", err);
			break;
		}
		gnutls_hash(h, "\n", 1);
		n = sqlite3_column_count(st);
		while ((src = sqlite3_step(st)) == SQLITE_ROW)
			for (i = 0; i < n; i++)
				digest_column(h, st, i);
		sqlite3_finalize(st);
		if (src != SQLITE_DONE) {
			rc = store_fail(s, src, "reading the store", err);
			break;
		}
	}
	gnutls_hash_deinit(h, digest);
	return rc;
}

enum od_code store_integrity_check(struct store *s, struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = OD_OK;
	int src;

	src = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st,
				 NULL);
	if (src != SQLITE_OK)
		return store_fail(s, src, "checking the store", err);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW) {
		if (strcmp(store_col_text(st, 0), "ok") != 0)
			rc = od_err_set(err, OD_E_TAMPERED,
					"the store's database structure is "
					"damaged; restore it from a backup");
	} else {
		rc = store_fail(s, src, "checking the store", err);
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Copies in steps of 256 pages, for the progress line of `backup`, inside
 * one read transaction so every step reads the same snapshot.
 */
static int copy_steps(sqlite3 *db, sqlite3_backup *b)
{
	int own = sqlite3_get_autocommit(db), src = SQLITE_OK, first = 1;
	long long before = 0, now;

	if (own)
		src = sqlite3_exec(db, "BEGIN; SELECT count(*) FROM "
				   "sqlite_master", NULL, NULL, NULL);
	while (src == SQLITE_OK) {
		src = sqlite3_backup_step(b, 256);
		if (first)
			progress_phase("copying", "pages",
				       sqlite3_backup_pagecount(b));
		first = 0;
		now = sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b);
		progress_step(now - before);
		before = now;
	}
	if (own && sqlite3_get_autocommit(db) == 0)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return src;
}

enum od_code store_copy_to(struct store *s, const char *path,
			   const uint8_t key[STORE_KEY_LEN], struct od_err *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	enum od_code rc;
	int src;

	rc = vfs_crypt_open(path, key, 1, &dst, err);
	if (rc != OD_OK)
		return rc;
	b = sqlite3_backup_init(dst, "main", s->db, "main");
	if (b == NULL) {
		rc = store_fail(s, sqlite3_errcode(dst), "copying the store",
				err);
		goto out;
	}
	src = copy_steps(s->db, b);
	sqlite3_backup_finish(b);
	if (src != SQLITE_DONE) {
		rc = store_fail(s, src, "copying the store", err);
		goto out;
	}
	/* Fold the WAL into the file so the copy stands alone once closed. */
	src = sqlite3_wal_checkpoint_v2(dst, "main", SQLITE_CHECKPOINT_TRUNCATE,
					NULL, NULL);
	if (src != SQLITE_OK)
		rc = store_fail(s, src, "copying the store", err);
out:
	sqlite3_close(dst);
	return rc;
}
