/*
 * desk-prefs.h - the signed-in person's settings at this desk, kept in the
 * encrypted store (storage/store-prefs.h): what the screens remember for
 * them across sessions (the orders list's columns; saved views).  Each
 * call takes the store for one operation, so read them once (at unlock)
 * and keep them, not on every redraw.
 */
#ifndef OD_DESK_PREFS_H
#define OD_DESK_PREFS_H

#include "app/desk/desk.h"
#include "storage/store-prefs.h"

/* The signed-in person's setting name into value (store_pref_get). */
enum od_code desk_pref_get(struct desk *d, const char *name, char *value,
			   size_t cap, int *found, struct od_err *err);

/* Sets it (NULL forgets it), in a transaction of its own. */
enum od_code desk_pref_set(struct desk *d, const char *name,
			   const char *value, struct od_err *err);

/* Calls fn with each of their settings whose name starts with prefix. */
enum od_code desk_pref_each(struct desk *d, const char *prefix,
			    store_pref_fn fn, void *ctx, struct od_err *err);

#endif
