/*
 * name-set.h - a set of short names (order numbers), each with where it was
 * first seen, for finding repeats in a stream without keeping what came
 * with them.
 *
 * Names are copied into one arena and found by open addressing, so a
 * hundred thousand names cost a few MiB, not an allocation each.  The set
 * grows to at most max names (its cap); past that an add fails.
 */
#ifndef OD_NAME_SET_H
#define OD_NAME_SET_H

#include <stddef.h>

#include "lib/err.h"

struct name_set;

/* Makes an empty set of at most max names; *out is the caller's. */
enum od_code name_set_new(size_t max, struct name_set **out,
			  struct od_err *err);

/*
 * Adds name with where (1 or more) unless it is already there.  *earlier
 * gets the where it was first added with, or 0 when name is new (and now
 * added).  Fails with OD_E_NOMEM, or OD_E_INPUT past the cap.
 */
enum od_code name_set_add(struct name_set *s, const char *name, size_t where,
			  size_t *earlier, struct od_err *err);

/* The where name was added with, or 0 when it is not in the set. */
size_t name_set_find(const struct name_set *s, const char *name);

/* Frees the set; NULL is a no-op. */
void name_set_free(struct name_set *s);

#endif
