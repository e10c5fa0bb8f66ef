/*
 * desk-arena.c - the order index's memory: its text in a string arena of
 * large blocks (100,000 orders in a few allocations), wiped when dropped.
 * Below both desk-index.c, which fills it, and desk.c, which drops it on
 * lock.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/secret.h"

#define ARENA_BLOCK (256 * 1024)

/* Copies s into the arena; NULL when out of memory. */
const char *desk_arena_dup(struct desk *d, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	struct arena_block *b = d->arena;
	char *p;

	if (b == NULL || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		b = malloc(sizeof *b + size);
		if (b == NULL)
			return NULL;
		b->next = d->arena;
		b->used = 0;
		b->size = size;
		d->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s ? s : "", n);
	b->used += n;
	return p;
}

/* Drops the index, wiping its text: customer data must not outlive a lock. */
void desk_index_free(struct desk *d)
{
	struct arena_block *b, *next;

	for (b = d->arena; b != NULL; b = next) {
		next = b->next;
		secret_wipe(b->data, b->used);
		free(b);
	}
	d->arena = NULL;
	free(d->rows);
	free(d->match);
	free(d->view);
	free(d->id_row);
	free(d->perm);
	d->perm = NULL;
	d->id_row = NULL;
	d->nid = d->ids_seen = 0;
	d->ids_failed = 0;
	d->rows = NULL;
	d->match = NULL;
	d->view = NULL;
	d->nrows = d->arows = d->nview = 0;
	memset(d->counts, 0, sizeof d->counts);
	d->watch.known = 0;
	d->index_ready = 0;
	desk_pick_drop(&d->pick);
	desk_views_drop(d);
}
