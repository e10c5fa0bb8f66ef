/*
 * import-kept.h - the orders of an import's check pass, kept with what the
 * file said of each (struct import_meta) while they fit a memory budget, so
 * that the passes after it need not read and parse the file again.
 *
 * Past the budget everything kept is freed and the caller streams the file
 * again, as it did before: memory stays flat in the number of orders.
 */
#ifndef OD_IMPORT_KEPT_H
#define OD_IMPORT_KEPT_H

#include <stddef.h>

#include "app/import/import.h"

/* What an import keeps by default: well under the bench's flat-memory
 * margin (32 MiB over a small file's peak), about 20,000 orders. */
#define IMPORT_KEPT_BUDGET (24UL * 1024 * 1024)

struct import_kept;

/* A new, empty set of kept orders holding at most budget bytes. */
enum od_code import_kept_new(size_t budget, struct import_kept **out,
			     struct od_err *err);

/*
 * Takes o (always: it is kept or freed) and a copy of *meta.  Once the
 * orders no longer fit the budget, all of them are freed and the set gives
 * up for good (import_kept_whole is then 0); that is not an error.
 */
void import_kept_add(struct import_kept *k, struct order *o,
		     const struct import_meta *meta);

/* 1 while every order added is kept; 0 once the budget was passed. */
int import_kept_whole(const struct import_kept *k);

/* The number of orders kept. */
size_t import_kept_count(const struct import_kept *k);

/* Order i and what the file said of it (i < import_kept_count). */
const struct order *import_kept_order(const struct import_kept *k, size_t i);
const struct import_meta *import_kept_meta(const struct import_kept *k,
					   size_t i);

/* An estimate of the bytes o holds on the heap, malloc's overhead in. */
size_t import_kept_order_bytes(const struct order *o);

/* Frees the set and its orders; NULL is a no-op. */
void import_kept_free(struct import_kept *k);

#endif
