/*
 * sync-page.h - a pulled page's entries read from its JSON and parsed,
 * which needs no store: the thread that fetched the page does it
 * (sync-prefetch.h), off the writer's path.
 */
#ifndef OD_SYNC_PAGE_H
#define OD_SYNC_PAGE_H

#include <jansson.h>
#include <stddef.h>

#include "app/log/statement.h"
#include "storage/store.h"

struct sync_page {
	struct log_record *recs;  /* the page's well-formed first n entries,
				     their texts borrowed from the JSON */
	struct statement **sts;   /* each parsed, or NULL if it does not */
	size_t n;
};

/*
 * Reads entries (an answer's "entries") up to the first malformed one
 * into pg; without memory (or entries not an array) pg->n is 0, and the
 * writer reads each entry as it takes it.
 */
void sync_page_read(json_t *entries, struct sync_page *pg);

void sync_page_free(struct sync_page *pg);

#endif
