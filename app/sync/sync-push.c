/* sync-push.c - push the outbox in batches and read the receipts. */
#include "app/sync/sync-job.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sync/backend-call.h"
#include "lib/encode.h"
#include "lib/progress.h"
#include "storage/store-sync.h"

/* A push batch being gathered from the outbox. */
struct push {
	struct sync_job *j;
	long long cursor;     /* gather from cursor+1 */
	json_t *batch;
	long long *seqs;      /* local seq of each statement in the batch */
	size_t bytes;
	int full;
};

/* Adds one outbox entry to the batch; stops the walk when it is full. */
static enum od_code gather_cb(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	struct push *p = ctx;
	char sig[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	size_t n = json_array_size(p->batch);
	json_t *e;

	if (n >= SYNC_BATCH || (n > 0 && p->bytes + r->statement_len >
				SYNC_BATCH_BYTES)) {
		p->full = 1;
		return OD_E_EXISTS;   /* stops the walk; not an error */
	}
	b64_encode(r->signature, sizeof r->signature, sig);
	e = json_pack("{s:s%, s:s}", "statement", r->statement,
		      r->statement_len, "signature", sig);
	if (e == NULL || json_array_append_new(p->batch, e) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	p->seqs[n] = r->seq;
	p->bytes += r->statement_len;
	return OD_OK;
}

/* Keeps a refusal for the rebase (beyond the cap the rebase finds it). */
static void keep_refusal(struct sync_job *j, const char *id,
			 const char *reason)
{
	struct sync_refusal *r;

	if (id == NULL || strlen(id) != STMT_ID_LEN ||
	    j->nrefused >= SYNC_REFUSED_MAX)
		return;
	r = &j->refused[j->nrefused++];
	snprintf(r->id, sizeof r->id, "%s", id);
	snprintf(r->reason, sizeof r->reason, "%s", backend_call_text(reason));
}

/* Progress: entries from the synced head to the local one (held). */
static void push_phase(struct sync_job *j)
{
	uint8_t hash[32];
	long long head = 0;
	struct od_err e;

	if (store_log_head(j->sh->store, &head, hash, &e) == OD_OK)
		progress_phase("pushing", "entries", head - j->seen_seq);
}

/* Sends one gathered batch and reads its receipts. */
static enum od_code push_batch(struct push *p, struct pushed *out,
			       int *exact, struct od_err *err)
{
	json_t *body, *ans = NULL, *receipts;
	struct sync_receipt rcpt;
	char *text;
	size_t i, n = json_array_size(p->batch);
	long long top = 0, upto = out->exact_upto;
	enum od_code rc;

	body = json_pack("{s:O}", "statements", p->batch);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = sync_job_call(p->j, "POST", "/v1/statements", text, &ans, err);
	free(text);
	if (rc != OD_OK)
		return rc;
	progress_step((long long)n);
	receipts = json_object_get(ans, "receipts");
	if (!json_is_array(receipts) || json_array_size(receipts) != n)
		rc = od_err_set(err, OD_E_INPUT, "the backend's receipts do not "
				"match the batch");
	for (i = 0; rc == OD_OK && i < n; i++) {
		rc = sync_receipt_read(json_array_get(receipts, i), &rcpt, err);
		if (rc != OD_OK)
			break;
		/* Refused, this shop's founding would take every entry after
		 * it along in the rebase: the desk would lose its people. */
		if (rcpt.result == SYNC_REFUSED && p->seqs[i] == 1) {
			rc = od_err_set(err, OD_E_DENIED, "the backend refused "
					"this shop's founding entry (%.100s); sync"
					" stopped and nothing here was changed",
					backend_call_text(rcpt.reason));
			break;
		}
		if (rcpt.result == SYNC_REFUSED) {
			keep_refusal(p->j, rcpt.id, rcpt.reason);
			*exact = 0;
			continue;
		}
		if (rcpt.result == SYNC_ACCEPTED)
			p->j->rep->pushed++;
		if (rcpt.seq > top)
			top = rcpt.seq;
		if (*exact && rcpt.seq == p->seqs[i])
			upto = p->seqs[i];
		else
			*exact = 0;
	}
	if (rc == OD_OK)
		rc = sync_job_check_head(p->j, json_object_get(ans, "head"),
					 &out->last, err);
	/* Receipts are not signed, the head is: an entry the head does not
	 * cover was not appended, whatever its receipt says. */
	if (rc == OD_OK && top > out->last.seq)
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's receipts "
				"name entry %lld, beyond its signed head (%lld): "
				"sync stopped, nothing counted as sent; tell the "
				"owner", top, out->last.seq);
	if (rc == OD_OK) {
		out->exact_upto = upto;
		out->any = 1;
	}
	json_decref(ans);
	return rc;
}

/*
 * Pushes the outbox (the entries after the synced head) in batches, the
 * store held only while a batch is gathered.  Statements signed meanwhile
 * are pushed too, in order.
 */
enum od_code sync_push_outbox(struct sync_job *j, struct pushed *out,
				struct od_err *err)
{
	long long seqs[SYNC_BATCH];
	struct push p;
	int exact = 1;
	enum od_code rc = OD_OK;

	memset(&p, 0, sizeof p);
	memset(out, 0, sizeof *out);
	out->exact_upto = j->seen_seq;
	p.j = j;
	p.cursor = j->seen_seq;
	p.seqs = seqs;
	p.batch = json_array();
	if (p.batch == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (;;) {
		json_array_clear(p.batch);
		p.bytes = 0;
		p.full = 0;
		rc = sync_job_hold(j, SHOP_READ, err);
		if (rc != OD_OK)
			break;
		if (json_array_size(p.batch) == 0 && p.cursor == j->seen_seq)
			push_phase(j);
		rc = store_log_each_after(j->sh->store, p.cursor, gather_cb, &p,
					  err);
		sync_job_let_go(j);
		if (rc == OD_E_EXISTS && p.full)
			rc = OD_OK;
		if (rc != OD_OK || json_array_size(p.batch) == 0)
			break;
		rc = push_batch(&p, out, &exact, err);
		if (rc != OD_OK)
			break;
		p.cursor = seqs[json_array_size(p.batch) - 1];
	}
	json_decref(p.batch);
	return rc;
}

/* Moves the synced head to local entry seq, which the backend holds. */
enum od_code sync_advance_seen(struct sync_job *j, long long seq,
				 struct od_err *err)
{
	struct find_hash f;
	enum od_code rc = sync_job_hold(j, SHOP_WRITE, err);

	if (rc != OD_OK)
		return rc;
	rc = sync_job_read_seen(j, err);
	if (rc == OD_OK && seq > j->seen_seq)
		rc = sync_local_hash(j->sh->store, seq, &f, err);
	if (rc == OD_OK && seq > j->seen_seq && f.found) {
		rc = store_begin(j->sh->store, err);
		if (rc == OD_OK)
			rc = sync_meta_seen(j->sh->store, seq, f.hash, err);
		if (rc == OD_OK)
			rc = store_commit(j->sh->store, err);
		else
			store_rollback(j->sh->store);
		if (rc == OD_OK) {
			j->seen_seq = seq;
			memcpy(j->seen_hash, f.hash, 32);
		}
	}
	sync_job_let_go(j);
	return rc;
}
