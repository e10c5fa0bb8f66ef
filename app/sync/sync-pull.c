/* sync-pull.c - pull the backend's entries page by page, then rebase
 * what waits here on them. */
#include "app/sync/sync-job.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sync/sync-prefetch.h"
#include "app/sync/sync-rebase.h"
#include "app/sync/sync-verify.h"
#include "lib/progress.h"
#include "storage/store-sync.h"

/* Appends pulled entry i of the page straight to the log (no outbox to
 * move), parsed and its signature checked ahead in c (or here). */
static enum od_code apply_direct(struct sync_job *j, const struct log_record *r,
				 struct sync_checked *c, size_t i,
				 struct od_err *err)
{
	struct store *s = j->sh->store;
	uint8_t got[32];
	long long seq = 0;
	enum od_code rc;

	rc = sync_accept_parsed(s, r, sync_checked_statement(c, i),
				sync_checked_key(c, i), err);
	if (rc == OD_OK)
		rc = store_log_head(s, &seq, got, err);
	if (rc == OD_OK && memcmp(got, r->hash, 32) != 0)
		rc = sync_diverged(r->seq, err);
	/* Nothing waits here: no pulled entry is this desk's own. */
	if (rc == OD_OK)
		sync_rekeys_note(&j->rep->rekeys, r->statement,
				 r->statement_len, r->seq);
	return rc;
}

/*
 * Checks ahead, on every core, the signatures of the page's entries up to
 * the first malformed one (sync-verify.h; pg read and parsed ahead,
 * sync-page.h); straight into the log only: staged entries are checked by
 * the rebase.
 */
static void check_page(struct sync_job *j, const struct pull *pl,
		       struct sync_page *pg, struct sync_checked *c)
{
	memset(c, 0, sizeof *c);
	if (!pl->staging)
		sync_check_ahead_page(j->sh->store, pg, c);
}

/* Entry i of the page: as read ahead, or read now (a malformed one says
 * what is wrong with it). */
static enum od_code page_entry(json_t *entries, const struct sync_page *pg,
			       size_t i, struct log_record *r,
			       struct od_err *err)
{
	if (i < pg->n) {
		*r = pg->recs[i];
		return OD_OK;
	}
	return sync_page_entry(json_array_get(entries, i), r, err);
}

/*
 * Takes one page in one transaction: straight into the log while this
 * desk has nothing waiting (the synced head moves with it), else into the
 * staging table for the rebase.
 */
static enum od_code take_page(struct sync_job *j, struct pull *pl,
			      json_t *entries, struct sync_page *pg,
			      struct od_err *err)
{
	struct store *s = j->sh->store;
	struct sync_checked checked;
	struct log_record r;
	uint8_t hash[32];
	long long head, count = 0, rekeys = j->rep->rekeys.n;
	size_t i;
	enum od_code rc;

	memset(&checked, 0, sizeof checked);
	rc = store_begin(s, err);
	if (rc == OD_OK && !pl->staging) {
		rc = store_log_head(s, &head, hash, err);
		if (rc == OD_OK && (head != pl->after || j->nrefused > 0 ||
				    memcmp(hash, j->seen_hash, 32) != 0))
			pl->staging = 1;
		if (pl->staging && rc == OD_OK)
			rc = store_sync_tables(s, err);
		if (pl->staging && rc == OD_OK)
			rc = store_incoming_clear(s, err);
	}
	if (rc == OD_OK)
		check_page(j, pl, pg, &checked);
	for (i = 0; rc == OD_OK && i < json_array_size(entries); i++) {
		rc = page_entry(entries, pg, i, &r, err);
		if (rc == OD_OK && r.seq <= pl->after)
			continue;
		if (rc == OD_OK && r.seq != pl->after + 1)
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"page skips entries after %lld",
					pl->after);
		/* Only what a signed head covers enters the log. */
		if (rc == OD_OK && r.seq > pl->h.seq)
			rc = od_err_set(err, OD_E_TAMPERED, "the backend sent "
					"entry %lld beyond its signed head (%lld): "
					"sync stopped and nothing of the page was "
					"taken; tell the owner", r.seq, pl->h.seq);
		if (rc == OD_OK)
			rc = pl->staging ? store_incoming_add(s, &r, err)
					 : apply_direct(j, &r, &checked, i, err);
		if (rc == OD_OK) {
			pl->after = r.seq;
			memcpy(hash, r.hash, 32);
			count++;
		}
	}
	sync_checked_free(&checked);
	if (rc == OD_OK && !pl->staging && count > 0)
		rc = sync_meta_seen(s, pl->after, hash, err);
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	/* The page's rekeys are not in the log after all. */
	if (rc != OD_OK)
		j->rep->rekeys.n = rekeys;
	if (rc == OD_OK && !pl->staging && count > 0) {
		j->seen_seq = pl->after;
		memcpy(j->seen_hash, hash, 32);
		j->rep->pulled += count;
	}
	return rc;
}

/*
 * Where the page after entries starts if entries is taken whole: its last
 * entry's seq; 0 when there is nothing to fetch ahead (the page ends at
 * the signed head, or its last entry is malformed: the writer says so).
 */
static long long next_after(json_t *entries, const struct pull *pl)
{
	size_t n = json_array_size(entries);
	struct log_record r;
	struct od_err ignore;

	if (n == 0 || sync_page_entry(json_array_get(entries, n - 1), &r,
				      &ignore) != OD_OK ||
	    r.seq <= pl->after || r.seq >= pl->h.seq)
		return 0;
	return r.seq;
}

/* The page after pl->after, its entries read into pg: fetched ahead
 * (sync-prefetch.h) or now. */
static enum od_code fetch_page(struct sync_job *j, struct pull *pl,
			       struct sync_prefetch *pf, json_t **ans,
			       struct sync_page *pg, struct od_err *err)
{
	char path[96];
	enum od_code rc;

	if (sync_prefetch_take(pf, pl->after, ans, pg, &rc, err))
		return rc;
	snprintf(path, sizeof path, "/v1/log?after=%lld&limit=%d", pl->after,
		 PULL_PAGE);
	rc = sync_job_call(j, "GET", path, NULL, ans, err);
	if (rc == OD_OK)
		sync_page_read(json_object_get(*ans, "entries"), pg);
	return rc;
}

/*
 * Pulls every entry after the synced head, page by page; the next page is
 * fetched while this one is written (sync-prefetch.h).
 */
enum od_code sync_pull(struct sync_job *j, struct pull *pl,
			 struct od_err *err)
{
	struct sync_prefetch pf;
	struct sync_page pg;
	json_t *ans = NULL, *entries;
	long long pages = 0, next;
	int phased = 0;
	enum od_code rc;

	memset(&pf, 0, sizeof pf);
	pl->after = j->seen_seq;
	for (;;) {
		memset(&pg, 0, sizeof pg);
		rc = fetch_page(j, pl, &pf, &ans, &pg, err);
		if (rc != OD_OK)
			break;
		entries = json_object_get(ans, "entries");
		rc = sync_job_check_head(j, json_object_get(ans, "head"),
					 &pl->h, err);
		if (rc == OD_OK && !json_is_array(entries))
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"page is malformed");
		if (rc == OD_OK && pl->after < pl->h.seq &&
		    (json_array_size(entries) == 0 || ++pages > 1000000))
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"stops short of its head");
		if (rc == OD_OK && !phased++)
			progress_phase("pulling", "entries", pl->h.seq - pl->after);
		if (rc == OD_OK && json_array_size(entries) > 0) {
			progress_step((long long)json_array_size(entries));
			rc = sync_job_hold(j, SHOP_WRITE, err);
			next = rc == OD_OK ? next_after(entries, pl) : 0;
			if (next > 0)
				sync_prefetch_start(&pf, j, next);
			if (rc == OD_OK) {
				rc = take_page(j, pl, entries, &pg, err);
				sync_job_let_go(j);
			}
		}
		sync_page_free(&pg);
		json_decref(ans);
		ans = NULL;
		if (rc != OD_OK || pl->after >= pl->h.seq)
			break;
	}
	sync_prefetch_end(&pf);
	return rc;
}

/* Rebases the outbox on the staged entries (sync-rebase.h). */
enum od_code sync_job_rebase(struct sync_job *j, const struct head *h,
			   int staged, long long *waiting, struct od_err *err)
{
	struct sync_rebase_in in;
	struct sync_rebase_out out;
	enum od_code rc = sync_job_hold(j, SHOP_WRITE, err);

	if (rc != OD_OK)
		return rc;
	rc = sync_job_read_seen(j, err);
	memset(&in, 0, sizeof in);
	in.seen = j->seen_seq;
	memcpy(in.seen_hash, j->seen_hash, 32);
	in.target = h->seq;
	memcpy(in.target_hash, h->hash, 32);
	in.refused = j->refused;
	in.nrefused = j->nrefused;
	in.staged = staged;
	if (rc == OD_OK)
		rc = sync_rebase(j->sh->store, &in, &out, err);
	sync_job_let_go(j);
	if (rc != OD_OK)
		return rc;
	j->seen_seq = h->seq;
	memcpy(j->seen_hash, h->hash, 32);
	j->nrefused = 0;
	j->rep->pulled += out.pulled;
	j->rep->conflicts += out.conflicts;
	sync_rekeys_add(&j->rep->rekeys, &out.rekeys);
	*waiting = out.waiting;
	return OD_OK;
}
