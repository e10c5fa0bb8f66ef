/*
 * store.h - the shop's tables in SQLite: the log, and the state folded from it.
 *
 * A store is one database file opened through the encrypting VFS
 * (storage/vfs-crypt.h), or, for replaying the log during verification, a
 * plain in-memory database with the same schema.  The app layer never sees
 * SQL: it calls these functions inside store_begin/store_commit, so that each
 * appended statement and the state it changes land in one transaction.
 *
 * Strings handed to callbacks are borrowed and valid only during the call.
 */
#ifndef OD_STORE_H
#define OD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "storage/records.h"

#define STORE_KEY_LEN 32
#define STORE_SCHEMA_VERSION 2

struct store;

/*
 * Creates a new encrypted store file at path (which must not exist) with the
 * schema in place.  *out is the caller's (store_close).
 */
enum od_code store_create(const char *path, const uint8_t key[STORE_KEY_LEN],
			  struct store **out, struct od_err *err);

/*
 * Opens the encrypted store at path.  A wrong key or a damaged file gives
 * OD_E_TAMPERED; a store made by a newer orderdesk gives OD_E_INPUT.
 */
enum od_code store_open(const char *path, const uint8_t key[STORE_KEY_LEN],
			struct store **out, struct od_err *err);

/*
 * Makes a store of a connection the caller opened (and now owns: closed
 * on failure too): a fresh one gets the schema, an existing one is checked
 * and upgraded like any store.  store_open_memory uses it; the benchmarks
 * use it on a plain file, to measure what the encryption costs.
 */
struct sqlite3;
enum od_code store_adopt(struct sqlite3 *db, int fresh, struct store **out,
			 struct od_err *err);

/* Opens an empty, plain, in-memory store (for replaying the log). */
enum od_code store_open_memory(struct store **out, struct od_err *err);

/* Closes the store (checkpointing its WAL); NULL is a no-op. */
void store_close(struct store *s);

/* Starts a write transaction, waiting for other writers (BEGIN IMMEDIATE). */
enum od_code store_begin(struct store *s, struct od_err *err);

/* Commits; on failure the transaction is rolled back. */
enum od_code store_commit(struct store *s, struct od_err *err);

/* Rolls back the open transaction, if any. */
void store_rollback(struct store *s);

/* Chooses durability: full (fsync on every commit) or normal (for bulk). */
enum od_code store_set_durable(struct store *s, int full, struct od_err *err);

/* Reads a meta value (*value is the caller's); absent gives OD_E_NOTFOUND. */
enum od_code store_meta_get(struct store *s, const char *key, char **value,
			    struct od_err *err);
enum od_code store_meta_set(struct store *s, const char *key,
			    const char *value, struct od_err *err);
/*
 * Removes a meta value (none: OD_OK).  Its bytes are overwritten, not left
 * on a free page (secure_delete is on from then on for this connection):
 * for a value that must not outlive its removal, such as a key.
 */
enum od_code store_meta_delete(struct store *s, const char *key,
			       struct od_err *err);

/* ---- the log ---- */

/* The last entry's seq and hash; seq 0 and a zero hash for an empty log. */
enum od_code store_log_head(struct store *s, long long *seq, uint8_t hash[32],
			    struct od_err *err);

/* Finds a statement id in the log: OD_OK with *seq, or OD_E_NOTFOUND. */
enum od_code store_log_find_id(struct store *s, const char *id,
			       long long *seq, struct od_err *err);

/*
 * Calls cb with each order number that has a log entry after seq, once
 * each (store-unsynced.c).  Reads only the entries after seq, so it is
 * cheap when few are.
 */
enum od_code store_log_orders_after(struct store *s, long long seq,
				    void (*cb)(void *ctx, const char *number),
				    void *ctx, struct od_err *err);

/*
 * The last entry's seq, statement id and digest: what a new statement
 * follows.  An empty log gives *seq 0 (id and digest untouched).
 */
enum od_code store_log_tip(struct store *s, long long *seq, char id[33],
			   uint8_t digest[32], struct od_err *err);

/*
 * Finds the entry with statement id: OD_OK with its seq, the time of its
 * statement (time has room for 21 bytes) and its digest, or OD_E_NOTFOUND.
 */
enum od_code store_log_entry(struct store *s, const char *id, long long *seq,
			     char time[21], uint8_t digest[32],
			     struct od_err *err);

/* The columns kept beside each entry, for lookups and filters. */
struct log_index {
	const char *id;
	const char *kind;
	const char *order;   /* "" when none */
	const char *actor;
	const char *time;
};

/* Appends an entry; a duplicate id or seq gives OD_E_EXISTS. */
enum od_code store_log_append(struct store *s, const struct log_record *r,
			      const struct log_index *ix, struct od_err *err);

typedef enum od_code (*store_log_cb)(void *ctx, const struct log_record *r,
				     struct od_err *err);

/*
 * Calls cb for each entry in seq order, only those about order if order is
 * not NULL.  A callback's error stops the walk and is returned.
 */
enum od_code store_log_each(struct store *s, const char *order,
			    store_log_cb cb, void *ctx, struct od_err *err);

/*
 * Calls cb for each entry with a seq above after_seq, in seq order, reading
 * only those rows (seq is the table's key): a page of the log costs its own
 * size, not the log's.  A callback's error stops the walk and is returned.
 */
enum od_code store_log_each_after(struct store *s, long long after_seq,
				  store_log_cb cb, void *ctx,
				  struct od_err *err);

/*
 * Calls cb once with the entry at seq, reading that row alone (seq is the
 * table's key): with store_log_find_id, what a lookup of one statement
 * costs whatever the log's length.  No entry there gives OD_E_NOTFOUND; a
 * callback's error is returned.
 */
enum od_code store_log_at(struct store *s, long long seq, store_log_cb cb,
			  void *ctx, struct od_err *err);

/*
 * How many log rows this store has read into records since it was opened
 * (every walk and store_log_at): a meter for tests and benchmarks, which
 * say with it what a request cost in rows instead of in seconds.
 */
long long store_log_rows_read(const struct store *s);

/* ---- users ---- */

/* Reads a user; absent gives OD_E_NOTFOUND. */
enum od_code store_user_get(struct store *s, const char *name,
			    struct user_record *u, struct od_err *err);

/* Inserts or replaces a user. */
enum od_code store_user_put(struct store *s, const struct user_record *u,
			    struct od_err *err);

/* Number of active users with role. */
enum od_code store_user_count_active(struct store *s, const char *role,
				     long long *n, struct od_err *err);

typedef enum od_code (*store_user_cb)(void *ctx, const struct user_record *u,
				      struct od_err *err);
enum od_code store_user_each(struct store *s, store_user_cb cb, void *ctx,
			     struct od_err *err);

/*
 * Records that the key pubkey (fingerprint fp), name's until the user.rekey
 * at seq, is retired: it signs nothing from then on and is never anyone's
 * key again.  A fingerprint already retired gives OD_E_EXISTS.
 */
enum od_code store_key_retire(struct store *s, const char *fp,
			      const char *name, const uint8_t pubkey[32],
			      long long seq, struct od_err *err);

/*
 * Whose retired key fp is (name, 33 bytes), the seq of the rekey that
 * retired it and (if pubkey is not NULL) the key itself, which still
 * checks what they signed before; a key never retired gives OD_E_NOTFOUND.
 */
enum od_code store_key_retired(struct store *s, const char *fp, char *name,
			       size_t name_size, long long *seq,
			       uint8_t *pubkey, struct od_err *err);

/* ---- orders ---- */

/* Inserts a new order with its items; an existing number gives OD_E_EXISTS. */
enum od_code store_order_insert(struct store *s, const struct order *o,
				struct od_err *err);

/*
 * Reads an order with its items (and their shipped quantities).  Absent gives
 * OD_E_NOTFOUND.  *out is the caller's (record_order_free).
 */
enum od_code store_order_get(struct store *s, const char *number,
			     struct order **out, struct od_err *err);

/* Where an order stands, without its details. */
struct order_state {
	enum order_status status;
	enum order_status held_from;
	int any_shipped;       /* some item has shipped */
};

/* Reads an order's state only (cheap); absent gives OD_E_NOTFOUND. */
enum od_code store_order_state(struct store *s, const char *number,
			       struct order_state *os, struct od_err *err);

/*
 * Writes o's ship-to (name, lines, city, postcode, country) over the
 * stored order o->number's, and its search text: an order.amend
 * (store-amend.c).  Absent gives OD_E_NOTFOUND.
 */
enum od_code store_order_set_ship_to(struct store *s, const struct order *o,
				     struct od_err *err);

/* Sets the quantity of item sku of order number and the order's total
 * (an order.amend; store-amend.c).  Absent gives OD_E_NOTFOUND. */
enum od_code store_order_set_qty(struct store *s, const char *number,
				 const char *sku, long long qty,
				 long long total, struct od_err *err);

/* Adds item it (nothing shipped) to the end of order number's items and
 * sets its total; takes item sku out (store-amend.c).  An order.amend. */
enum od_code store_order_add_item(struct store *s, const char *number,
				  const struct order_item *it,
				  long long total, struct od_err *err);
enum od_code store_order_remove_item(struct store *s, const char *number,
				     const char *sku, long long total,
				     struct od_err *err);

/* Sets an order's status, the status a release returns to, and the reason. */
enum od_code store_order_set_state(struct store *s, const char *number,
				   enum order_status status,
				   enum order_status held_from,
				   const char *reason, struct od_err *err);

/* Adds qty to the shipped quantity of the order's item sku. */
enum od_code store_item_add_shipped(struct store *s, const char *number,
				    const char *sku, long long qty,
				    struct od_err *err);

/* Records a shipment and a note. */
enum od_code store_shipment_add(struct store *s, const char *number,
				const struct shipment_record *r,
				struct od_err *err);
enum od_code store_note_add(struct store *s, const char *number,
			    const struct note_record *r, struct od_err *err);

typedef enum od_code (*store_shipment_cb)(void *ctx,
					  const struct shipment_record *r,
					  struct od_err *err);
typedef enum od_code (*store_note_cb)(void *ctx, const struct note_record *r,
				      struct od_err *err);
enum od_code store_shipment_each(struct store *s, const char *number,
				 store_shipment_cb cb, void *ctx,
				 struct od_err *err);
enum od_code store_note_each(struct store *s, const char *number,
			     store_note_cb cb, void *ctx, struct od_err *err);

/* ---- money (store-money.c) ---- */

/*
 * Writes the money row of a new order (shipping, tax, discount, how it
 * arrived, what it arrived paid) if it has any; store_order_insert calls it.
 */
enum od_code store_money_insert(struct store *s, const struct order *o,
				struct od_err *err);

/*
 * Records a payment or a refund of an order and adds its amount to the
 * order's paid or refunded sum.  The fold has checked it may happen.
 */
enum od_code store_payment_add(struct store *s, const char *number,
			       const struct payment_record *r,
			       struct od_err *err);

typedef enum od_code (*store_payment_cb)(void *ctx,
					 const struct payment_record *r,
					 struct od_err *err);

/* Calls cb for each payment and refund of an order, in log order. */
enum od_code store_payment_each(struct store *s, const char *number,
				store_payment_cb cb, void *ctx,
				struct od_err *err);

/* ---- returns (store-returns.c) ---- */

/* Writes a return, new or changed (by its rma). */
enum od_code store_return_put(struct store *s, const char *number,
			      const struct return_record *r,
			      struct od_err *err);

typedef enum od_code (*store_return_cb)(void *ctx,
					const struct return_record *r,
					struct od_err *err);

/* Calls cb for each return of an order, oldest first. */
enum od_code store_return_each(struct store *s, const char *number,
			       store_return_cb cb, void *ctx,
			       struct od_err *err);

/*
 * Records that the parcel shipped at ship_seq was delivered, by the
 * shipment.deliver at seq made at time (store-parcels.c).
 */
enum od_code store_parcel_delivered(struct store *s, const char *number,
				    long long ship_seq, long long seq,
				    const char *time, struct od_err *err);

typedef enum od_code (*store_parcel_cb)(void *ctx,
					const struct parcel_record *r,
					struct od_err *err);

/* Calls cb for each parcel of an order, oldest first, with its delivery. */
enum od_code store_parcel_each(struct store *s, const char *number,
			       store_parcel_cb cb, void *ctx,
			       struct od_err *err);

/* Records qty units of sku of return rma put back on the shelf. */
enum od_code store_restock_add(struct store *s, const char *number,
			       const char *rma, long long seq,
			       const char *sku, long long qty,
			       struct od_err *err);

typedef enum od_code (*store_stock_cb)(void *ctx,
				       const struct stock_record *r,
				       struct od_err *err);

/* Calls cb for each SKU accepted returns restocked, by SKU. */
enum od_code store_stock_each(struct store *s, store_stock_cb cb, void *ctx,
			      struct od_err *err);

/* Which orders a listing wants. */
struct store_filter {
	int status;            /* an enum order_status, or -1 for all */
	const char *search;    /* substring of number, customer, email, phone,
				  city, SKU or item name; NULL for all */
};

/*
 * Calls cb for each matching order, by number.  The order has no items
 * (items NULL) but nitems is set.  Rows are streamed, never all in memory.
 */
typedef enum od_code (*store_order_cb)(void *ctx, const struct order *o,
				       struct od_err *err);
enum od_code store_order_each(struct store *s, const struct store_filter *f,
			      store_order_cb cb, void *ctx,
			      struct od_err *err);

/*
 * Calls cb for every order, oldest first (placed time, then number), with
 * only what a listing shows: a scan of the orders_list index alone, about
 * a third of the cost of store_order_each over the same orders.
 */
typedef enum od_code (*store_brief_cb)(void *ctx, const struct order_brief *b,
				       struct od_err *err);
enum od_code store_order_brief_each(struct store *s, store_brief_cb cb,
				    void *ctx, struct od_err *err);

/*
 * The same of one order (cb not called for an unknown number), with
 * open_return set; store_order_brief_each leaves it 0.
 */
enum od_code store_order_brief_one(struct store *s, const char *number,
				   store_brief_cb cb, void *ctx,
				   struct od_err *err);

/*
 * Calls cb once for each order with a return open or received, not yet
 * closed, with its placed time (to find it among the briefs): returns
 * are few, so this beside store_order_brief_each costs a fraction of
 * asking every order.
 */
typedef enum od_code (*store_return_open_cb)(void *ctx, const char *number,
					     const char *placed_at,
					     struct od_err *err);
enum od_code store_return_open_each(struct store *s, store_return_open_cb cb,
				    void *ctx, struct od_err *err);

/* ---- whole-store checks and copies ---- */

/*
 * SHA-256 over a canonical dump of the folded state (users, retired keys,
 * orders, items, shipments, notes, money, payments, returns, deliveries,
 * restocks): two stores with the same state have the same digest.
 */
enum od_code store_state_digest(struct store *s, uint8_t digest[32],
				struct od_err *err);

/* Runs PRAGMA integrity_check; any complaint gives OD_E_TAMPERED. */
enum od_code store_integrity_check(struct store *s, struct od_err *err);

/*
 * Copies the whole database into a new encrypted file at path under key
 * (which may differ from the store's own: that is how the data key is
 * rotated).  The copy is complete and checkpointed when this returns.
 */
enum od_code store_copy_to(struct store *s, const char *path,
			   const uint8_t key[STORE_KEY_LEN], struct od_err *err);

#endif
