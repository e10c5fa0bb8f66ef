/*
 * store-prefs.h - each person's settings at this desk, in the encrypted
 * store: a small table of (person, name) -> value, for whatever the screens
 * keep across sessions (the orders list's columns, saved views).  Nothing
 * here is signed or synced: a setting is this desk's, not the shop's.
 *
 * Names are the caller's to choose; use a prefix per feature ("columns",
 * "view.NAME") so that store_pref_each can list one feature's.  The table
 * is made on the first store_pref_set (a store that never had a setting
 * has none, and reads find nothing), so the schema is not changed and an
 * older orderdesk ignores it.
 */
#ifndef OD_STORE_PREFS_H
#define OD_STORE_PREFS_H

#include <stddef.h>

#include "lib/err.h"
#include "storage/store.h"

#define STORE_PREF_NAME_MAX 64      /* bytes of a name */
#define STORE_PREF_VALUE_MAX 4096   /* bytes of a value */

/*
 * Reads person's setting name into value (cap bytes with the NUL): *found
 * says whether there is one (value is "" when not).  A value longer than
 * cap - 1 gives OD_E_INPUT.
 */
enum od_code store_pref_get(struct store *s, const char *person,
			    const char *name, char *value, size_t cap,
			    int *found, struct od_err *err);

/*
 * Sets person's setting name to value (NULL forgets it), in a transaction
 * of its own.  A name that is empty or too long, or a value too long,
 * gives OD_E_INPUT and changes nothing.
 */
enum od_code store_pref_set(struct store *s, const char *person,
			    const char *name, const char *value,
			    struct od_err *err);

/* Called by store_pref_each with each setting; a code other than OD_OK
 * stops the walk and is returned. */
typedef enum od_code (*store_pref_fn)(void *ctx, const char *name,
				      const char *value, struct od_err *err);

/* Calls fn for each of person's settings whose name starts with prefix
 * ("" for all), by name. */
enum od_code store_pref_each(struct store *s, const char *person,
			     const char *prefix, store_pref_fn fn, void *ctx,
			     struct od_err *err);

#endif
