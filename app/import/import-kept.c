/*
 * import-kept.c - the check pass's orders kept under a memory budget
 * (import-kept.h), so that an import reads and parses its file once when
 * the orders fit.
 */
#include "app/import/import-kept.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

struct kept_one {
	struct order *order;
	struct import_meta meta;
};

struct import_kept {
	struct kept_one *all;
	size_t n, cap;
	size_t bytes, budget;
	int gave_up;
};

/* What one malloc'd string costs: its bytes and the allocator's header,
 * rounded up to malloc's 16-byte chunks. */
static size_t str_bytes(const char *s)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s) + 1 + 8;
	return (n + 15) & ~(size_t)15;
}

size_t import_kept_order_bytes(const struct order *o)
{
	size_t n, i;

	n = sizeof *o + 16 + sizeof(struct kept_one);
	n += str_bytes(o->number) + str_bytes(o->placed_at);
	n += str_bytes(o->customer_name) + str_bytes(o->email);
	n += str_bytes(o->phone) + str_bytes(o->ship_name);
	for (i = 0; i < o->nlines; i++)
		n += str_bytes(o->ship_lines[i]);
	n += str_bytes(o->city) + str_bytes(o->postcode);
	n += str_bytes(o->note) + str_bytes(o->reason);
	n += o->nitems * sizeof *o->items + 16;
	for (i = 0; i < o->nitems; i++)
		n += str_bytes(o->items[i].sku) + str_bytes(o->items[i].name);
	return n;
}

enum od_code import_kept_new(size_t budget, struct import_kept **out,
			     struct od_err *err)
{
	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		return od_err_set(err, OD_E_NOMEM,
				  "out of memory reading the import file");
	(*out)->budget = budget;
	return OD_OK;
}

/*
 * Frees every order kept; the set then gives up.  The freed pages go back
 * to the system: the heap would otherwise keep them, and the unlock's
 * Argon2id arena would come on top, so a large file would peak at the
 * budget over a small one.
 */
static void give_up(struct import_kept *k)
{
	size_t i, had = k->n;

	for (i = 0; i < k->n; i++)
		order_free(k->all[i].order);
	free(k->all);
	k->all = NULL;
	k->n = k->cap = 0;
	k->bytes = 0;
	k->gave_up = 1;
	if (had > 0)
		malloc_trim(0);
}

/* Room for one more; 0 when the array cannot grow. */
static int grow(struct import_kept *k)
{
	struct kept_one *p;
	size_t cap;

	if (k->n < k->cap)
		return 1;
	cap = k->cap ? k->cap * 2 : 1024;
	p = realloc(k->all, cap * sizeof *p);
	if (p == NULL)
		return 0;
	k->all = p;
	k->cap = cap;
	return 1;
}

void import_kept_add(struct import_kept *k, struct order *o,
		     const struct import_meta *meta)
{
	size_t need;

	if (k->gave_up) {
		order_free(o);
		return;
	}
	need = import_kept_order_bytes(o);
	/* The array itself counts too, at its size after growing. */
	if (k->n == k->cap)
		need += (k->cap ? k->cap : 1024) * sizeof *k->all;
	/* Short of memory only for keeping: streaming again still works. */
	if (need > k->budget - k->bytes || !grow(k)) {
		order_free(o);
		give_up(k);
		return;
	}
	k->all[k->n].order = o;
	k->all[k->n].meta = *meta;
	k->n++;
	k->bytes += need;
}

int import_kept_whole(const struct import_kept *k)
{
	return !k->gave_up;
}

size_t import_kept_count(const struct import_kept *k)
{
	return k->n;
}

const struct order *import_kept_order(const struct import_kept *k, size_t i)
{
	return k->all[i].order;
}

const struct import_meta *import_kept_meta(const struct import_kept *k,
					   size_t i)
{
	return &k->all[i].meta;
}

void import_kept_free(struct import_kept *k)
{
	if (k == NULL)
		return;
	give_up(k);
	free(k);
}
