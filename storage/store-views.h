/*
 * store-views.h - a person's saved views (issue 12): named filters in the
 * filter language, kept in the encrypted store beside the orders.  The
 * text is stored as given; the app layer checks names and filters.
 */
#ifndef OD_STORE_VIEWS_H
#define OD_STORE_VIEWS_H

#include "storage/store.h"

/* Saves (or replaces) person's view name with filter text. */
enum od_code store_view_put(struct store *s, const char *person,
			    const char *name, const char *filter,
			    struct od_err *err);

/* Drops person's view name; *gone is 1 if there was one. */
enum od_code store_view_drop(struct store *s, const char *person,
			     const char *name, int *gone, struct od_err *err);

/* Calls cb for each of person's views, by name. */
typedef enum od_code (*store_view_cb)(void *ctx, const char *name,
				      const char *filter, struct od_err *err);
enum od_code store_view_each(struct store *s, const char *person,
			     store_view_cb cb, void *ctx, struct od_err *err);

#endif
