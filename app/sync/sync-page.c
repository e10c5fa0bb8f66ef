/* sync-page.c - a pulled page read and parsed ahead (sync-page.h). */
#include "app/sync/sync-page.h"

#include <stdlib.h>
#include <string.h>

#include "app/sync/sync.h"

void sync_page_read(json_t *entries, struct sync_page *pg)
{
	size_t n = json_array_size(entries), m;
	struct od_err ignore;

	memset(pg, 0, sizeof *pg);
	if (n == 0)
		return;
	pg->recs = calloc(n, sizeof *pg->recs);
	pg->sts = calloc(n, sizeof *pg->sts);
	if (pg->recs == NULL || pg->sts == NULL) {
		sync_page_free(pg);
		return;
	}
	for (m = 0; m < n; m++) {
		if (sync_page_entry(json_array_get(entries, m), &pg->recs[m],
				    &ignore) != OD_OK)
			break;
		if (statement_parse(pg->recs[m].statement,
				    pg->recs[m].statement_len, &pg->sts[m],
				    &ignore) != OD_OK)
			pg->sts[m] = NULL;
	}
	pg->n = m;
}

void sync_page_free(struct sync_page *pg)
{
	size_t i;

	for (i = 0; pg->sts != NULL && i < pg->n; i++)
		statement_free(pg->sts[i]);
	free(pg->sts);
	free(pg->recs);
	memset(pg, 0, sizeof *pg);
}
