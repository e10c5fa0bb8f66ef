/*
 * sync-prefetch.h - the pull's next page fetched while this one is written.
 *
 * A pull's writer thread took a page (folds, inserts, commit) and only
 * then asked for the next one: the request, TLS and the JSON parse of the
 * next page waited on the commit, with the verifying cores idle.  Once a
 * page is in hand, its last entry says where the next one starts, so its
 * fetch starts on a thread of its own while this page is written; the
 * page is used only if the page before was taken whole (the writer ended
 * where the fetch began), else it is dropped and asked for again.  Only
 * the fetch, and the reading and parsing of its entries (sync-page.h), are
 * ahead: every check of the answer runs as before, in order.
 */
#ifndef OD_SYNC_PREFETCH_H
#define OD_SYNC_PREFETCH_H

#include <jansson.h>
#include <pthread.h>

#include "app/sync/sync-job.h"
#include "app/sync/sync-page.h"
#include "lib/err.h"

struct sync_prefetch {
	pthread_t thread;
	int running;             /* a fetch is under way (join it) */
	struct sync_job *j;      /* its client and buffer, lent meanwhile */
	long long after;         /* the page asked for: entries after this */
	char path[96];
	json_t *ans;             /* its answer, or NULL */
	struct sync_page page;   /* its entries, read and parsed */
	enum od_code rc;
	struct od_err err;
};

/*
 * Starts fetching the page after `after` with j's client (j's client and
 * answer buffer are the fetch's until sync_prefetch_take or _end).  If no
 * thread can be started, nothing is ahead and the caller fetches as usual.
 */
void sync_prefetch_start(struct sync_prefetch *p, struct sync_job *j,
			 long long after);

/*
 * The page after `after` if that is the one fetched ahead: 1 with *ans
 * and *rc (and err) as sync_job_call would have given them, and *page its
 * entries (the caller frees it, before *ans); 0 when
 * nothing (or another page) was fetched ahead, which is dropped: the
 * caller fetches it as usual.
 */
int sync_prefetch_take(struct sync_prefetch *p, long long after, json_t **ans,
		       struct sync_page *page, enum od_code *rc,
		       struct od_err *err);

/* Waits for a fetch under way and drops what it got. */
void sync_prefetch_end(struct sync_prefetch *p);

#endif
