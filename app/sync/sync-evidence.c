/* sync-evidence.c - evidence files to and from the backend
 * (sync-evidence.h). */
#include "app/sync/sync-evidence.h"
#include "app/sync/sync-job.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/evidence-wire.h"
#include "app/sync/backend-call.h"
#include "storage/store-evidence.h"

/* Hashes to send or fetch, copied out of the store. */
struct hashes {
	char (*v)[STORE_EVIDENCE_HASH_LEN + 1];
	size_t n, cap;
};

/* How far the log was read for the files it names (store meta). */
#define META_EVIDENCE_SCANNED "sync.evidence_scanned"

/* Hashes gathered while the store is read. */
struct scan {
	struct store *s;
	struct hashes h;
};

/* Appends hash to ctx (a struct hashes). */
static enum od_code add_hash(void *ctx, const char *hash, struct od_err *err)
{
	struct hashes *h = ctx;
	void *nv;
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcmp(h->v[i], hash) == 0)
			return OD_OK;
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		nv = realloc(h->v, h->cap * sizeof *h->v);
		if (nv == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		h->v = nv;
	}
	snprintf(h->v[h->n++], sizeof *h->v, "%s", hash);
	return OD_OK;
}

/* Adds a file this desk has not sent to ctx when its log names it: one
 * kept for a statement the log then refused would only be refused. */
static enum od_code add_unsent(void *ctx, const char *hash,
			       struct od_err *err)
{
	struct scan *m = ctx;
	int named = 0;
	enum od_code rc = store_evidence_named(m->s, hash, &named, err);

	return rc == OD_OK && named ? add_hash(&m->h, hash, err) : rc;
}

/* Notes a file the log names as wanted when this desk does not have it. */
static enum od_code want_missing(void *ctx, long long seq, const char *kind,
				 const char *hash, struct od_err *err)
{
	struct store *s = ctx;
	struct store_evidence_info info;
	enum od_code rc = store_evidence_stat(s, hash, &info, err);

	(void)seq;
	(void)kind;
	if (rc == OD_E_NOTFOUND)
		return store_evidence_want(s, hash, err);
	return rc;
}

/*
 * Notes the files the log names that are not here, reading each entry of
 * the synced history once (a scan of a long log at every sync would cost
 * more than the sync): the entries after the synced head, which a rebase
 * may change, are read again next time.
 */
static enum od_code scan_log(struct sync_job *j, struct od_err *err)
{
	struct store *s = j->sh->store;
	char *v = NULL, upto[32];
	long long after = 0;
	enum od_code rc = store_meta_get(s, META_EVIDENCE_SCANNED, &v, err);

	if (rc == OD_OK)
		after = strtoll(v, NULL, 10);
	free(v);
	if (rc == OD_E_NOTFOUND)
		rc = OD_OK;
	if (rc == OD_OK)
		rc = store_evidence_named_each(s, NULL, after < 0 ? 0 : after,
					       want_missing, s, err);
	snprintf(upto, sizeof upto, "%lld", j->seen_seq);
	if (rc == OD_OK && j->seen_seq > after)
		rc = store_meta_set(s, META_EVIDENCE_SCANNED, upto, err);
	return rc;
}

/* Calls the backend; *status gets its HTTP status (0: not reached). */
static enum od_code call(struct sync_job *j, const char *method,
			 const char *path, const char *body, long *status,
			 json_t **out, struct od_err *err)
{
	struct backend_call bc = { j->client, &j->resp, SYNC_TRIES, j->stop,
				   0 };
	enum od_code rc = backend_call(&bc, method, path, body, status, out,
				       err);

	if (*status != 0)
		j->reached = 1;
	return rc;
}

/* Notes a refused file in rep (the first one's reason kept). */
static void refused(struct sync_evidence_report *rep, const char *msg)
{
	if (rep->refused++ == 0)
		snprintf(rep->note, sizeof rep->note, "%s", msg);
}

/* Posts one file; a 404 (its statement not there yet) waits. */
static enum od_code send_one(struct sync_job *j, const char *hash,
			     struct sync_evidence_report *rep,
			     struct od_err *err)
{
	struct buf b;
	char *body = NULL;
	json_t *ans = NULL;
	long status = 0;
	enum od_code rc;

	buf_init(&b, STORE_EVIDENCE_MAX);
	rc = sync_job_hold(j, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = store_evidence_get(j->sh->store, hash, &b, NULL, err);
		sync_job_let_go(j);
	}
	if (rc == OD_OK && (body = evidence_wire_encode(hash, b.data,
							b.len)) == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	buf_free(&b);
	if (rc == OD_OK)
		rc = call(j, "POST", EVIDENCE_WIRE_PATH, body, &status, &ans,
			  err);
	free(body);
	json_decref(ans);
	if (rc != OD_OK && status != 0 && status != 200) {
		if (status != 404)
			refused(rep, err->msg);
		return OD_OK;
	}
	if (rc == OD_OK)
		rc = sync_job_hold(j, SHOP_WRITE, err);
	if (rc == OD_OK) {
		rc = store_evidence_mark_pushed(j->sh->store, hash, err);
		sync_job_let_go(j);
		rep->sent += rc == OD_OK;
	}
	return rc;
}

/* Fetches one file and keeps it if its bytes hash to its name. */
static enum od_code fetch_one(struct sync_job *j, const char *hash,
			      struct sync_evidence_report *rep,
			      struct od_err *err)
{
	char path[sizeof EVIDENCE_WIRE_PATH + STORE_EVIDENCE_HASH_LEN + 1];
	char kept[STORE_EVIDENCE_HASH_LEN + 1];
	struct evidence_blob blob = { "", NULL, 0 };
	json_t *ans = NULL;
	long status = 0;
	enum od_code rc;

	snprintf(path, sizeof path, EVIDENCE_WIRE_PATH "/%s", hash);
	rc = call(j, "GET", path, NULL, &status, &ans, err);
	if (rc != OD_OK && status != 0) {
		rep->missing += status == 404;
		if (status != 404)
			refused(rep, err->msg);
		return OD_OK;
	}
	if (rc == OD_OK)
		rc = evidence_wire_decode(ans, hash, &blob, err);
	json_decref(ans);
	if (rc == OD_E_TAMPERED || rc == OD_E_INPUT) {
		refused(rep, err->msg);
		return OD_OK;
	}
	if (rc == OD_OK)
		rc = sync_job_hold(j, SHOP_WRITE, err);
	if (rc == OD_OK) {
		rc = store_evidence_put(j->sh->store, blob.data, blob.len,
					evidence_sniff(blob.data, blob.len),
					hash, 1, kept, err);
		sync_job_let_go(j);
		rep->fetched += rc == OD_OK;
	}
	evidence_blob_free(&blob);
	return rc;
}

enum od_code sync_evidence(struct sync_job *j,
			   struct sync_evidence_report *rep,
			   struct od_err *err)
{
	struct scan out = { NULL, { NULL, 0, 0 } }, in = { NULL,
							      { NULL, 0, 0 } };
	enum od_code rc;
	size_t i;

	memset(rep, 0, sizeof *rep);
	rc = sync_job_hold(j, SHOP_WRITE, err);
	if (rc == OD_OK) {
		in.s = out.s = j->sh->store;
		rc = scan_log(j, err);
		if (rc == OD_OK)
			rc = store_evidence_unpushed_each(j->sh->store,
							  add_unsent, &out,
							  err);
		if (rc == OD_OK)
			rc = store_evidence_wanted_each(j->sh->store, add_hash,
							&in.h, err);
		sync_job_let_go(j);
	}
	for (i = 0; rc == OD_OK && i < out.h.n; i++)
		rc = send_one(j, out.h.v[i], rep, err);
	for (i = 0; rc == OD_OK && i < in.h.n; i++)
		rc = fetch_one(j, in.h.v[i], rep, err);
	free(out.h.v);
	free(in.h.v);
	return rc;
}
