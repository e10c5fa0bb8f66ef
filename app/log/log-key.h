/*
 * log-key.h - the log's verifier key, named in the log by the owner (a
 * shop.log-key statement, app/log/statement.h):
 *
 *   log-key: NAME+KEYID+BASE64     as `orderdeskd key` prints it
 *
 * For a shop founded before the genesis could name it (the genesis is
 * signed before any backend exists), the owner signs this once
 * (`orderdesk witness name-log-key VKEY`), and again when the shop moves
 * to another backend.  The newest one folded is kept in the store's meta
 * (LOG_KEY_META); desks then check checkpoints against it instead of the
 * head key they learned on first contact (app/sync/sync-checkpoint.c).
 */
#ifndef OD_LOG_KEY_H
#define OD_LOG_KEY_H

#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

#define LOG_KEY_META "shop.log-key"

/* The field check of a shop.log-key statement (statement.c calls it;
 * witness-fields.c). */
enum od_code log_key_check(const char *field, const char *v,
			   struct od_err *err);

/* Folds the shop.log-key statement st into s (held for writing). */
enum od_code log_key_fold(struct store *s, const struct statement *st,
			  struct od_err *err);

#endif
