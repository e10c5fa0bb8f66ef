/*
 * store-numbers.h - order numbers straight from an index, never a walk of
 * every order: those starting with what was typed (the `:` line's Tab
 * completion, on the number's own index), and those of one status (the
 * Held tab's reasons, on the status index).  Neither needs the desk's
 * index of every order in memory.
 */
#ifndef OD_STORE_NUMBERS_H
#define OD_STORE_NUMBERS_H

#include <stddef.h>

#include "storage/store.h"

/* Called with each number (borrowed for the call); not OD_OK stops. */
typedef enum od_code (*store_number_cb)(void *ctx, const char *number,
					struct od_err *err);

/* What a walk by prefix keeps beside the prefix. */
struct store_numbers_scope {
	unsigned statuses;      /* 1u << status bits; 0: every status */
	int open_return;        /* only orders with a return open or
				   received, not yet closed */
};

/*
 * Calls cb for at most limit numbers that start with prefix (bytes, taken
 * as they are: '%', '_', '*' and '[' are themselves; "" starts every
 * number) among those scope keeps (NULL: all), in byte order, or with
 * backward from the last.  A range of the number's index, read up to
 * limit of the kept ones; or, when the scope's statuses have fewer
 * orders than that would read (a tab of a few held orders), those
 * statuses' index, whole.  Either way about sqrt(limit * orders) rows at
 * most, never every order.
 */
enum od_code store_numbers_prefix(struct store *s, const char *prefix,
				  const struct store_numbers_scope *scope,
				  int backward, size_t limit,
				  store_number_cb cb, void *ctx,
				  struct od_err *err);

/* Calls cb for every order of status, in no given order. */
enum od_code store_numbers_status(struct store *s, int status,
				  store_number_cb cb, void *ctx,
				  struct od_err *err);

/*
 * For tests to ask SQLite's plan of (EXPLAIN QUERY PLAN): the prefix
 * query (bounded: with an end to the range; with open_return), the
 * status query, and the prefix query of a status with few orders.
 */
const char *store_numbers_prefix_sql(int backward, int bounded,
				     int open_return);
const char *store_numbers_status_sql(void);
const char *store_numbers_few_sql(int bounded);

#endif
