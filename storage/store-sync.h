/*
 * store-sync.h - what sync keeps beside the log: the backend's entries
 * pulled but not yet applied (the staging table), the statements the
 * backend or a rebase refused (the conflicts), and the few whole-table
 * operations a rebase needs (cutting the log after the synced head,
 * forgetting folded state to fold it again).
 *
 * The two tables are made on first use (store_sync_tables, inside a write
 * transaction), so stores made before them open unchanged; readers of a
 * store without them see no conflicts.
 */
#ifndef OD_STORE_SYNC_H
#define OD_STORE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "storage/store.h"

/* Makes the sync tables if missing; inside the caller's transaction. */
enum od_code store_sync_tables(struct store *s, struct od_err *err);

/* Opens a savepoint inside the caller's transaction. */
enum od_code store_savepoint(struct store *s, struct od_err *err);

/* Ends the savepoint: keeps (keep != 0) or undoes what was done since. */
enum od_code store_savepoint_end(struct store *s, int keep,
				 struct od_err *err);

/* ---- the staging table: pulled entries waiting for a rebase ---- */

/* Empties the staging table. */
enum od_code store_incoming_clear(struct store *s, struct od_err *err);

/* Adds a pulled entry (r->digest is not used); a known seq: OD_E_EXISTS. */
enum od_code store_incoming_add(struct store *s, const struct log_record *r,
				struct od_err *err);

/* The highest staged seq, 0 when none. */
enum od_code store_incoming_last(struct store *s, long long *seq,
				 struct od_err *err);

/* Calls cb for each staged entry in seq order (digest zeroed). */
enum od_code store_incoming_each(struct store *s, store_log_cb cb, void *ctx,
				 struct od_err *err);

/* ---- the log and the state, for a rebase ---- */

/* Removes every log entry after after_seq. */
enum od_code store_log_cut(struct store *s, long long after_seq,
			   struct od_err *err);

/* Counts the log entries after after_seq (cheap: the head minus it). */
enum od_code store_log_count_after(struct store *s, long long after_seq,
				   long long *n, struct od_err *err);

/* Removes an order with its items, shipments and notes. */
enum od_code store_order_forget(struct store *s, const char *number,
				struct od_err *err);

/* Removes every user, order, item, shipment and note: to fold again. */
enum od_code store_state_forget(struct store *s, struct od_err *err);

/* ---- conflicts ---- */

struct conflict_record {
	long long n;            /* 1, 2, ...: order of recording */
	const char *stmt_id;
	const char *kind;       /* e.g. "order.confirm" */
	const char *order;      /* "" when none */
	const char *actor;      /* who signed the refused statement */
	const char *at;         /* when it was refused (UTC, ISO 8601) */
	const char *source;     /* "backend" or "desk": who refused it */
	const char *reason;     /* why, in words */
	const char *truth;      /* what the shop's log says instead */
	const char *statement;  /* the exact signed text */
	size_t statement_len;
	uint8_t signature[64];
	int acked;              /* a person has been shown it */
};

/* Records a conflict (n and acked are ignored); inside a transaction. */
enum od_code store_conflict_add(struct store *s,
				const struct conflict_record *c,
				struct od_err *err);

typedef enum od_code (*store_conflict_cb)(void *ctx,
					  const struct conflict_record *c,
					  struct od_err *err);

/* Calls cb for each conflict with n >= from, oldest first. */
enum od_code store_conflict_each(struct store *s, long long from,
				 store_conflict_cb cb, void *ctx,
				 struct od_err *err);

/* How many conflicts there are, how many not acked, and the highest n. */
enum od_code store_conflict_count(struct store *s, long long *total,
				  long long *unacked, long long *last,
				  struct od_err *err);

/* Marks every conflict as shown; inside a transaction. */
enum od_code store_conflict_ack(struct store *s, struct od_err *err);

#endif
