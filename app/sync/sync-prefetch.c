/* sync-prefetch.c - the pull's next page fetched ahead (sync-prefetch.h). */
#include "app/sync/sync-prefetch.h"

#include <stdio.h>
#include <string.h>

static void *fetch_main(void *arg)
{
	struct sync_prefetch *p = arg;

	p->rc = sync_job_call(p->j, "GET", p->path, NULL, &p->ans, &p->err);
	if (p->rc == OD_OK)
		sync_page_read(json_object_get(p->ans, "entries"), &p->page);
	return NULL;
}

void sync_prefetch_start(struct sync_prefetch *p, struct sync_job *j,
			 long long after)
{
	memset(p, 0, sizeof *p);
	p->j = j;
	p->after = after;
	snprintf(p->path, sizeof p->path, "/v1/log?after=%lld&limit=%d", after,
		 PULL_PAGE);
	p->running = pthread_create(&p->thread, NULL, fetch_main, p) == 0;
}

int sync_prefetch_take(struct sync_prefetch *p, long long after, json_t **ans,
		       struct sync_page *page, enum od_code *rc,
		       struct od_err *err)
{
	int ours;

	if (!p->running)
		return 0;
	pthread_join(p->thread, NULL);
	p->running = 0;
	ours = p->after == after;
	if (ours) {
		*ans = p->ans;
		*page = p->page;
		*rc = p->rc;
		if (p->rc != OD_OK)
			*err = p->err;
	} else {
		sync_page_free(&p->page);
		json_decref(p->ans);
	}
	memset(&p->page, 0, sizeof p->page);
	p->ans = NULL;
	return ours;
}

void sync_prefetch_end(struct sync_prefetch *p)
{
	if (p->running)
		pthread_join(p->thread, NULL);
	p->running = 0;
	sync_page_free(&p->page);
	json_decref(p->ans);
	p->ans = NULL;
}
