/* sync.c - push what the backend lacks, pull what the desk lacks, verified:
 * the rounds of one sync (sync-job.h has its parts). */
#include "app/sync/sync.h"
#include "app/sync/sync-job.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/sync/sync-checkpoint.h"
#include "app/sync/sync-events.h"
#include "app/sync/sync-evidence.h"
#include "app/sync/sync-unlock-report.h"
#include "lib/encode.h"
#include "storage/store-sync.h"

/*
 * Keeps the key of the first head this desk verified: without it, every
 * sync would take whatever key the backend shows, and a head signed by
 * another key would prove nothing.
 */
static enum od_code keep_head_key(struct sync_job *j, struct od_err *err)
{
	const char *kv[2] = { META_HEADKEY, j->head_key };
	enum od_code rc;

	if (j->head_key_kept || j->head_key[0] == '\0')
		return OD_OK;
	rc = sync_job_hold(j, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	rc = sync_meta_put(j->sh->store, kv, 1, err);
	sync_job_let_go(j);
	if (rc == OD_OK)
		j->head_key_kept = 1;
	return rc;
}

/*
 * Before a desk's first sync: the shop CA it was given (DIR/backend/ca.pem)
 * must name this store's shop, before a byte is sent.
 */
static enum od_code first_contact(struct sync_job *j, struct od_err *err)
{
	char path[4200];
	struct buf ca;
	enum od_code rc;

	snprintf(path, sizeof path, "%s/%s/ca.pem", j->sh->dir, SYNC_DIR);
	buf_init(&ca, PEM_MAX);
	rc = sync_load_pem(path, &ca, err);
	if (rc == OD_OK)
		rc = sync_job_hold(j, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = sync_same_shop_ca(j->sh->store, ca.data, err);
		sync_job_let_go(j);
	}
	buf_free(&ca);
	return rc;
}

/* genesis_refusal for a sync under way (the store held for the read). */
static enum od_code another_genesis(struct sync_job *j, json_t *e0,
				    struct od_err *err)
{
	enum od_code rc = sync_job_hold(j, SHOP_READ, err);

	if (rc != OD_OK)
		return rc;
	rc = sync_genesis_refusal(j->sh->store, e0, err);
	sync_job_let_go(j);
	return rc;
}

/*
 * Checks that the backend still holds this desk's synced history: its
 * entry at the synced head (or, never synced, its first entry) has the
 * same chain hash as ours.  Sets *h to the backend's head.
 */
static enum od_code probe(struct sync_job *j, struct head *h,
			  struct od_err *err)
{
	long long at = j->seen_seq > 0 ? j->seen_seq : 1;
	struct find_hash f;
	uint8_t theirs[32];
	json_t *ans = NULL, *e0;
	const char *hx;
	char path[96];
	enum od_code rc;

	/* Never synced: the backend must serve this shop (sync_attach checks
	 * this too, but an older orderdesk attached without it). */
	rc = j->seen_seq == 0 ? first_contact(j, err) : OD_OK;
	snprintf(path, sizeof path, "/v1/log?after=%lld&limit=1", at - 1);
	if (rc == OD_OK)
		rc = sync_job_call(j, "GET", path, NULL, &ans, err);
	if (rc == OD_OK)
		rc = sync_job_check_head(j, json_object_get(ans, "head"), h,
					 err);
	if (rc == OD_OK && j->seen_seq == 0) {
		rc = sync_job_hold(j, SHOP_READ, err);
		if (rc == OD_OK) {
			rc = sync_local_hash(j->sh->store, 1, &f, err);
			sync_job_let_go(j);
		}
	} else if (rc == OD_OK) {
		f.found = 1;
		memcpy(f.hash, j->seen_hash, 32);
	}
	/* A backend with no entries yet takes a founding desk's whole log. */
	if (rc == OD_OK && f.found && h->seq >= at) {
		e0 = json_array_get(json_object_get(ans, "entries"), 0);
		hx = sync_json_str(e0, "hash");
		if (sync_json_seq(e0, "seq") != at || hx == NULL ||
		    hex_decode("a hash", hx, theirs, 32, err) != OD_OK ||
		    memcmp(theirs, f.hash, 32) != 0)
			rc = j->seen_seq == 0 ? another_genesis(j, e0, err) :
						sync_diverged(at, err);
	}
	/* Only a backend whose history is ours teaches its key. */
	if (rc == OD_OK)
		rc = keep_head_key(j, err);
	json_decref(ans);
	return rc;
}

/*
 * One round: check the synced history, push the outbox, then either the
 * backend's head is ours (done) or pull what it has and rebase.  *more
 * says statements still wait (signed meanwhile, or placed again by the
 * rebase) and another round should push them.
 */
static enum od_code sync_round(struct sync_job *j, int *more,
			       struct od_err *err)
{
	struct pushed pushed;
	struct find_hash f;
	struct pull pl;
	struct head h;
	long long waiting = 0;
	enum od_code rc;

	*more = 0;
	j->nrefused = 0;
	rc = sync_job_hold(j, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = sync_job_read_seen(j, err);
		sync_job_let_go(j);
	}
	if (rc == OD_OK)
		rc = probe(j, &h, err);
	if (rc == OD_OK)
		rc = sync_push_outbox(j, &pushed, err);
	if (rc == OD_OK && pushed.exact_upto > j->seen_seq)
		rc = sync_advance_seen(j, pushed.exact_upto, err);
	if (rc != OD_OK)
		return rc;
	if (pushed.any)
		h = pushed.last;
	/* The backend's head is an entry of this log: nothing to pull. */
	if (j->nrefused == 0 && h.seq <= pushed.exact_upto) {
		rc = sync_job_hold(j, SHOP_READ, err);
		if (rc == OD_OK)
			rc = sync_local_hash(j->sh->store, h.seq, &f, err);
		sync_job_let_go(j);
		if (rc != OD_OK)
			return rc;
		if (h.seq > 0 && (!f.found || memcmp(f.hash, h.hash, 32) != 0))
			return sync_diverged(h.seq, err);
		if (h.seq > j->seen_seq)
			rc = sync_advance_seen(j, h.seq, err);
		j->rep->head = h.seq;
		return rc;
	}
	memset(&pl, 0, sizeof pl);
	rc = sync_pull(j, &pl, err);
	if (rc != OD_OK)
		return rc;
	if (pl.staging || j->nrefused > 0) {
		rc = sync_job_rebase(j, &pl.h, pl.staging, &waiting, err);
		*more = rc == OD_OK && waiting > 0;
	} else if (j->seen_seq != pl.h.seq ||
		   memcmp(j->seen_hash, pl.h.hash, 32) != 0) {
		rc = sync_diverged(pl.h.seq, err);
	}
	j->rep->head = pl.h.seq;
	return rc;
}

/* Keeps how this attempt went, for the status line (best effort). */
static void note_outcome(struct sync_job *j, enum od_code rc,
			 const struct od_err *err)
{
	char now[32];
	const char *kv[8];
	struct od_err e2;
	size_t n = 0;

	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	kv[n++] = SYNC_META_LAST_TRY;
	kv[n++] = now;
	kv[n++] = SYNC_META_ONLINE;
	kv[n++] = j->reached ? "1" : "0";
	kv[n++] = SYNC_META_ERROR;
	kv[n++] = rc == OD_OK ? "" : err->msg;
	if (rc == OD_OK) {
		kv[n++] = SYNC_META_LAST_OK;
		kv[n++] = now;
	}
	if (sync_job_hold(j, SHOP_WRITE, &e2) != OD_OK)
		return;
	sync_meta_put(j->sh->store, kv, n / 2, &e2);
	sync_job_let_go(j);
}

enum od_code sync_run(struct shop *sh, struct sync_report *rep,
		      struct od_err *err)
{
	return sync_run_until(sh, NULL, rep, err);
}

enum od_code sync_run_until(struct shop *sh, const atomic_int *stop,
			    struct sync_report *rep, struct od_err *err)
{
	return sync_run_kept(sh, stop, NULL, rep, err);
}

enum od_code sync_run_kept(struct shop *sh, const atomic_int *stop,
			   struct sync_conn *keep, struct sync_report *rep,
			   struct od_err *err)
{
	struct sync_job j;
	long long total, unacked;
	long connects = 0;
	int round, more = 1;
	enum od_code rc;

	memset(&j, 0, sizeof j);
	memset(rep, 0, sizeof *rep);
	j.sh = sh;
	j.keep = keep;
	j.stop = stop;
	j.rep = rep;
	j.own_lock = sh->store == NULL;
	buf_init(&j.resp, SYNC_MAX_RESPONSE);
	j.refused = calloc(SYNC_REFUSED_MAX, sizeof *j.refused);
	if (j.refused == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = sync_job_hold(&j, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = store_conflict_count(sh->store, &total, &unacked,
					  &rep->first_conflict, err);
		if (rc == OD_OK)
			rc = sync_job_open(&j, err);
		sync_job_let_go(&j);
	}
	if (j.client != NULL)
		connects = tls_client_connects(j.client);
	rep->first_conflict++;
	for (round = 0; rc == OD_OK && more && round < SYNC_ROUNDS; round++) {
		if (stop != NULL && atomic_load(stop)) {
			rc = od_err_set(err, OD_E_IO, "the sync was stopped: "
					"the desk is locking or closing");
			break;
		}
		rc = sync_round(&j, &more, err);
	}
	/* Evidence files follow the log that names them. */
	if (rc == OD_OK)
		rc = sync_evidence(&j, &rep->evidence, err);
	if (rc == OD_OK || j.client != NULL)
		note_outcome(&j, rc, err);
	if (rc == OD_OK && sync_job_hold(&j, SHOP_READ, err) == OD_OK) {
		store_log_count_after(sh->store, j.seen_seq, &rep->waiting,
				      err);
		sync_job_let_go(&j);
	}
	/*
	 * People last: their bundles are checked against the log just
	 * synced (app/sync/people-sync.h).  The store is held for the few small
	 * requests this takes, as the slots and the store change together.
	 */
	if (rc == OD_OK) {
		rc = sync_job_hold(&j, SHOP_WRITE, err);
		if (rc == OD_OK) {
			/* The backend's checkpoint must extend this log. */
			rc = sync_checkpoint(sh->store, &(struct backend_call){
				j.client, &j.resp, SYNC_TRIES, j.stop, 0 },
				j.seen_seq, rep->checkpoint_warning,
				sizeof rep->checkpoint_warning, err);
			if (rc == OD_OK)
				rc = people_sync(sh, j.client, &rep->people,
						 err);
			if (rc == OD_OK)
				sync_unlock_report(sh, j.client, rep);
			if (rc == OD_OK)
				sync_events_summary(sh, j.client);
			sync_job_let_go(&j);
		}
	}
	if (j.client != NULL)
		rep->connects = tls_client_connects(j.client) - connects;
	/* After a failure the next sync starts afresh. */
	if (rc == OD_OK && keep != NULL) {
		keep->client = j.client;
		j.client = NULL;
	}
	tls_client_free(j.client);
	buf_free(&j.resp);
	free(j.refused);
	return rc;
}
