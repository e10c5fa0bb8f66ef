/* store.c - opening the store, its schema, transactions and meta values. */
#include "storage/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/store-cache.h"
#include "storage/store-internal.h"
#include "storage/store-page-schema.h"
#include "storage/store-prefs-schema.h"
#include "storage/store-search-schema.h"
#include "storage/vfs-crypt.h"

/*
 * The schema.  orders.search holds the searchable text of an order (number,
 * customer, email, phone, city, SKUs and item names), from which the
 * full-text index is made (storage/store-search-schema.c, created beside
 * this).
 */
/*
 * The keys people retired with a user.rekey.  Added after schema 2 was
 * fixed, so a store made before it gains the table on open (upgrade):
 * nothing else changed, and an older orderdesk ignores it.
 */
#define RETIRED_KEYS_SQL \
	"CREATE TABLE IF NOT EXISTS retired_keys(" \
	"  fingerprint TEXT PRIMARY KEY," \
	"  name TEXT NOT NULL," \
	"  pubkey BLOB NOT NULL," \
	"  seq INTEGER NOT NULL);"

/*
 * An order's money beyond its total (issue 13), the payments and
 * refunds made, and its returns.  Added after schema 2 was fixed, like retired_keys: a store
 * made before gains the tables on open; an order without a money row has
 * no shipping, tax or discount and nothing paid (all it could have then).
 * A row is written only for an order with money to say, so an import of
 * plain orders writes no more than before.
 */
/*
 * Each parcel's delivery (by its shipment's seq), and the units of an
 * accepted return put back on the shelf: added like the money tables.
 */
#define DELIVERIES_SQL \
	"CREATE TABLE IF NOT EXISTS deliveries(" \
	"  ship_seq INTEGER PRIMARY KEY," \
	"  order_no TEXT NOT NULL," \
	"  seq INTEGER NOT NULL," \
	"  time TEXT NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS deliveries_order ON deliveries(order_no);"
#define RESTOCKS_SQL \
	"CREATE TABLE IF NOT EXISTS restocks(" \
	"  rma TEXT NOT NULL," \
	"  sku TEXT NOT NULL," \
	"  order_no TEXT NOT NULL," \
	"  seq INTEGER NOT NULL," \
	"  qty INTEGER NOT NULL," \
	"  PRIMARY KEY(rma, sku)) WITHOUT ROWID;" \
	"CREATE INDEX IF NOT EXISTS restocks_order ON restocks(order_no);"

#define MONEY_SQL \
	"CREATE TABLE IF NOT EXISTS money(" \
	"  order_no TEXT PRIMARY KEY," \
	"  shipping INTEGER NOT NULL," \
	"  tax INTEGER NOT NULL," \
	"  discount INTEGER NOT NULL," \
	"  arrival INTEGER NOT NULL," \
	"  paid INTEGER NOT NULL," \
	"  refunded INTEGER NOT NULL) WITHOUT ROWID;" \
	"CREATE TABLE IF NOT EXISTS payments(" \
	"  seq INTEGER PRIMARY KEY," \
	"  order_no TEXT NOT NULL," \
	"  refund INTEGER NOT NULL," \
	"  amount INTEGER NOT NULL," \
	"  actor TEXT NOT NULL," \
	"  time TEXT NOT NULL," \
	"  method TEXT NOT NULL," \
	"  reason TEXT NOT NULL," \
	"  items TEXT NOT NULL," \
	"  reference TEXT NOT NULL);" \
	"CREATE INDEX IF NOT EXISTS payments_order ON payments(order_no);" \
	"CREATE TABLE IF NOT EXISTS returns(" \
	"  rma TEXT PRIMARY KEY," \
	"  order_no TEXT NOT NULL," \
	"  seq INTEGER NOT NULL," \
	"  state INTEGER NOT NULL," \
	"  reason TEXT NOT NULL," \
	"  items TEXT NOT NULL," \
	"  condition TEXT NOT NULL," \
	"  received TEXT NOT NULL," \
	"  note TEXT NOT NULL) WITHOUT ROWID;" \
	"CREATE INDEX IF NOT EXISTS returns_order ON returns(order_no, seq);" \
	DELIVERIES_SQL RESTOCKS_SQL

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE log("
	"  seq INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  order_no TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  time TEXT NOT NULL,"
	"  statement BLOB NOT NULL,"
	"  signature BLOB NOT NULL,"
	"  hash BLOB NOT NULL,"
	"  digest BLOB NOT NULL);"
	"CREATE INDEX log_order ON log(order_no) WHERE order_no <> '';"
	"CREATE TABLE users("
	"  name TEXT PRIMARY KEY,"
	"  role TEXT NOT NULL,"
	"  pubkey BLOB NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  active INTEGER NOT NULL,"
	"  added_seq INTEGER NOT NULL);"
	RETIRED_KEYS_SQL
	STORE_MERKLE_SQL
	"CREATE TABLE orders("
	"  number TEXT PRIMARY KEY,"
	"  placed_at TEXT NOT NULL,"
	"  currency TEXT NOT NULL,"
	"  customer TEXT NOT NULL,"
	"  email TEXT NOT NULL,"
	"  phone TEXT NOT NULL,"
	"  ship_name TEXT NOT NULL,"
	"  ship_lines TEXT NOT NULL,"
	"  city TEXT NOT NULL,"
	"  postcode TEXT NOT NULL,"
	"  country TEXT NOT NULL,"
	"  total INTEGER NOT NULL,"
	"  note TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  held_from INTEGER NOT NULL,"
	"  reason TEXT,"
	"  nitems INTEGER NOT NULL,"
	"  search TEXT NOT NULL) WITHOUT ROWID;"
	/*
	 * In placed order, with every column a listing shows: the desk's
	 * index of all orders is one scan of this (store_order_brief_each).
	 */
	"CREATE INDEX orders_list ON orders(placed_at, number, status, "
	"  customer, total, currency, nitems);"
	"CREATE INDEX orders_status ON orders(status, placed_at, number);"
	"CREATE TABLE items("
	"  order_no TEXT NOT NULL,"
	"  pos INTEGER NOT NULL,"
	"  sku TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  qty INTEGER NOT NULL,"
	"  unit_price INTEGER NOT NULL,"
	"  shipped INTEGER NOT NULL,"
	"  PRIMARY KEY(order_no, pos)) WITHOUT ROWID;"
	"CREATE TABLE shipments("
	"  seq INTEGER PRIMARY KEY,"
	"  order_no TEXT NOT NULL,"
	"  carrier TEXT NOT NULL,"
	"  tracking TEXT NOT NULL,"
	"  items TEXT NOT NULL);"
	"CREATE INDEX shipments_order ON shipments(order_no);"
	"CREATE TABLE notes("
	"  seq INTEGER PRIMARY KEY,"
	"  order_no TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  time TEXT NOT NULL,"
	"  text TEXT NOT NULL);"
	"CREATE INDEX notes_order ON notes(order_no);"
	MONEY_SQL;

/* Runs SQL text with no results. */
static enum od_code store_exec(struct store *s, const char *sql,
			       const char *what, struct od_err *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return store_fail(s, rc, what, err);
	return OD_OK;
}

/* Wraps an open connection in a store. */
static enum od_code store_wrap(sqlite3 *db, struct store **out,
			       struct od_err *err)
{
	struct store *s = calloc(1, sizeof *s);

	if (s == NULL) {
		sqlite3_close(db);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	s->db = db;
	/* Full durability by default: a reported action survives power loss. */
	sqlite3_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
		     NULL, NULL, NULL);
	/* The search index's triggers call od_fold on every write. */
	if (search_schema_register(db, err) != OD_OK) {
		store_close(s);
		return err->code;
	}
	*out = s;
	return OD_OK;
}

/*
 * Whether the opened file holds any schema at all: SQLite takes an empty
 * (truncated) file for a new database, which would then fail as "SQL logic
 * error" on the first query instead of as the damage it is.
 */
static enum od_code store_check_nonempty(struct store *s, struct od_err *err)
{
	sqlite3_stmt *st;
	int src, n = 0;

	src = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master",
				 -1, &st, NULL);
	if (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
		n = sqlite3_column_int(st, 0);
		src = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (src != SQLITE_OK)
		return store_fail(s, src, "reading the store", err);
	if (n == 0)
		return od_err_set(err, OD_E_TAMPERED, "the store's database is"
				  " empty (truncated or damaged); restore the "
				  "latest backup with `orderdesk restore`");
	return OD_OK;
}

/* Checks the schema version of an opened store. */
static enum od_code store_check_version(struct store *s, struct od_err *err)
{
	char *v = NULL;
	enum od_code rc = store_check_nonempty(s, err);
	int version;

	if (rc == OD_OK)
		rc = store_meta_get(s, "schema", &v, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_TAMPERED,
				  "the store has no schema version; it is "
				  "damaged: restore it from a backup");
	if (rc != OD_OK)
		return rc;
	version = atoi(v);
	free(v);
	if (version != STORE_SCHEMA_VERSION)
		return od_err_set(err, OD_E_INPUT,
				  "the store was made by another version of "
				  "orderdesk (schema %d); use that version",
				  version);
	return OD_OK;
}

/* Adds what a store of the same schema made by an older build lacks. */
static enum od_code store_upgrade(struct store *s, struct od_err *err)
{
	enum od_code rc = store_exec(s, RETIRED_KEYS_SQL MONEY_SQL,
				     "upgrading the store", err);

	/* Saved views had a table of their own: now settings. */
	if (rc == OD_OK)
		rc = prefs_schema_upgrade(s->db, err);
	if (rc == OD_OK)
		rc = search_schema_upgrade(s->db, err);
	if (rc == OD_OK)
		rc = page_schema_ensure(s->db, err);
	return rc != OD_OK ? rc : store_merkle_start(s, err);
}

/* Creates the schema in a fresh store. */
static enum od_code store_init_schema(struct store *s, struct od_err *err)
{
	enum od_code rc;
	char v[16];

	rc = store_begin(s, err);
	if (rc != OD_OK)
		return rc;
	rc = store_exec(s, schema_sql, "creating the store", err);
	if (rc == OD_OK)
		rc = search_schema_create(s->db, err);
	if (rc == OD_OK)
		rc = page_schema_ensure(s->db, err);
	if (rc == OD_OK) {
		snprintf(v, sizeof v, "%d", STORE_SCHEMA_VERSION);
		rc = store_meta_set(s, "schema", v, err);
	}
	if (rc != OD_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* Opens (or creates, with the schema) an encrypted store file. */
static enum od_code store_open_encrypted(const char *path,
					 const uint8_t key[STORE_KEY_LEN],
					 int create, struct store **out,
					 struct od_err *err)
{
	sqlite3 *db = NULL;
	struct store *s = NULL;
	enum od_code rc;

	*out = NULL;
	rc = vfs_crypt_open(path, key, create, &db, err);
	if (rc != OD_OK)
		return rc;
	rc = store_wrap(db, &s, err);
	if (rc != OD_OK)
		return rc;
	/* First: the opening checks below read through the cache too. */
	rc = store_cache_apply(s, err);
	if (rc == OD_OK)
		rc = create ? store_init_schema(s, err)
			    : store_check_version(s, err);
	if (rc == OD_OK && !create)
		rc = store_upgrade(s, err);
	if (rc == OD_OK)
		rc = store_head_start(s, path, key, create, err);
	if (rc != OD_OK) {
		/* Leave a refused store's WAL as it is, for whoever looks. */
		if (!create)
			sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
					  1, NULL);
		store_close(s);
		return rc;
	}
	*out = s;
	return OD_OK;
}

enum od_code store_create(const char *path, const uint8_t key[STORE_KEY_LEN],
			  struct store **out, struct od_err *err)
{
	return store_open_encrypted(path, key, 1, out, err);
}

enum od_code store_open(const char *path, const uint8_t key[STORE_KEY_LEN],
			struct store **out, struct od_err *err)
{
	return store_open_encrypted(path, key, 0, out, err);
}

enum od_code store_adopt(sqlite3 *db, int fresh, struct store **out,
			 struct od_err *err)
{
	struct store *s = NULL;
	enum od_code rc;

	*out = NULL;
	rc = store_wrap(db, &s, err);
	if (rc != OD_OK)
		return rc;
	if (fresh) {
		rc = store_init_schema(s, err);
	} else {
		rc = store_check_version(s, err);
		if (rc == OD_OK)
			rc = store_upgrade(s, err);
	}
	if (rc != OD_OK) {
		store_close(s);
		return rc;
	}
	*out = s;
	return OD_OK;
}

enum od_code store_open_memory(struct store **out, struct od_err *err)
{
	sqlite3 *db = NULL;

	*out = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return od_err_set(err, OD_E_NOMEM, "cannot open an in-memory "
				  "store: out of memory");
	}
	sqlite3_exec(db, "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
		     NULL, NULL, NULL);
	return store_adopt(db, 1, out, err);
}

void store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->in_tx)
		store_rollback(s);
	for (i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].stmt);
	/* Before the close: it finalizes a statement of its own. */
	store_head_end(s);
	sqlite3_close(s->db);
	free(s);
}

enum od_code store_begin(struct store *s, struct od_err *err)
{
	enum od_code rc = store_exec(s, "BEGIN IMMEDIATE",
				     "starting a transaction", err);

	if (rc == OD_OK)
		s->in_tx = 1;
	return rc;
}

enum od_code store_commit(struct store *s, struct od_err *err)
{
	uint8_t hash[32];
	long long seq = 0;
	/* Read in the transaction: the head this very commit makes. */
	int follow = store_head_mark(s, &seq, hash);
	enum od_code rc = store_exec(s, "COMMIT", "saving the change", err);

	if (rc != OD_OK)
		store_rollback(s);
	s->in_tx = 0;
	/* Once per commit, however many entries it appended. */
	if (rc == OD_OK && follow)
		store_head_advance(s, seq, hash);
	if (rc == OD_OK)
		store_head_settle(s, 1);
	return rc;
}

void store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
	store_head_settle(s, 0);
}

enum od_code store_set_durable(struct store *s, int full, struct od_err *err)
{
	enum od_code rc = store_exec(s, full ? "PRAGMA synchronous=FULL"
					     : "PRAGMA synchronous=NORMAL",
				     "setting durability", err);

	/* The next full commit syncs the WAL, and the record follows it. */
	if (rc == OD_OK)
		s->head.lazy = !full;
	return rc;
}

static const char meta_get_sql[] = "SELECT value FROM meta WHERE key = ?1";
static const char meta_set_sql[] =
	"INSERT INTO meta(key, value) VALUES(?1, ?2) "
	"ON CONFLICT(key) DO UPDATE SET value = excluded.value";
static const char meta_delete_sql[] = "DELETE FROM meta WHERE key = ?1";

enum od_code store_meta_get(struct store *s, const char *key, char **value,
			    struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, meta_get_sql, err);
	int rc;

	*value = NULL;
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*value = strdup(store_col_text(st, 0));
		sqlite3_reset(st);
		if (*value == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		return OD_OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return od_err_set(err, OD_E_NOTFOUND, "no %s recorded", key);
	return store_fail(s, rc, "reading the store", err);
}

enum od_code store_meta_set(struct store *s, const char *key,
			    const char *value, struct od_err *err)
{
	sqlite3_stmt *st = store_stmt(s, meta_set_sql, err);

	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, value);
	return store_step_done(s, st, "writing the store", err);
}

enum od_code store_meta_delete(struct store *s, const char *key,
			       struct od_err *err)
{
	sqlite3_stmt *st;
	enum od_code rc = store_exec(s, "PRAGMA secure_delete=ON",
				     "writing the store", err);

	if (rc != OD_OK)
		return rc;
	st = store_stmt(s, meta_delete_sql, err);
	if (st == NULL)
		return err->code;
	store_bind_text(st, 1, key);
	return store_step_done(s, st, "writing the store", err);
}
