/*
 * backend-witness.c - checkpoints handed to the shop's witnesses, the
 * network part outside the backend's lock (backend-witness.h).
 */
#include "app/orderdeskd/backend-witness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/cosignature.h"
#include "app/orderdeskd/backend-proof.h"
#include "app/orderdeskd/events.h"
#include "lib/encode.h"
#include "net/text-post.h"
#include "storage/store-merkle.h"

/*
 * Per configured witness, under the lock: when it may be tried again after
 * a failure, and whether a request is handing it a checkpoint now (another
 * one leaves it alone rather than ask twice).
 */
static time_t retry_at[WITNESS_CONF_MAX];
static int busy[WITNESS_CONF_MAX];

/* One witness's exchange: prepared under the lock, run without it. */
struct exchange {
	size_t i;                    /* its line in the configuration */
	uint64_t old;                /* the size it cosigned last here */
	struct buf req, resp;
	long status;
	uint64_t when;               /* its cosignature's time */
	enum od_code rc;
	struct od_err err;
	char alarm[300];             /* a fork alarm to raise, or "" */
};

/* A round: the newest checkpoint, handed to the witnesses due. */
struct round {
	struct backend *b;
	const struct witness_conf *wc;
	pthread_mutex_t *lock;
	struct checkpoint cp;
	struct buf note;             /* the log's signature only */
	size_t text_len;
	struct exchange x[WITNESS_CONF_MAX];
	size_t n;
};

/* The request body: "old M", the proof from M a line a hash, "", note
 * (the store read: the lock held). */
static enum od_code body(const struct round *r, uint64_t old,
			 struct buf *out, struct od_err *err)
{
	char b64[b64_encoded_len(MERKLE_HASH_LEN) + 1];
	struct merkle_proof p = { .n = 0 };
	size_t i;
	enum od_code rc = OD_OK;

	buf_reset(out);
	if (old > 0 && old < r->cp.size)
		rc = store_merkle_consistency(backend_store(r->b), old,
					      r->cp.size, &p, err);
	if (rc == OD_OK)
		rc = buf_addf(out, err, "old %llu\n", (unsigned long long)old);
	for (i = 0; rc == OD_OK && i < p.n; i++) {
		b64_encode(p.hash[i], MERKLE_HASH_LEN, b64);
		rc = buf_addf(out, err, "%s\n", b64);
	}
	if (rc == OD_OK)
		rc = buf_addf(out, err, "\n");
	return rc == OD_OK ? buf_add(out, r->note.data, r->note.len, err) : rc;
}

/* Notes the fork alarm for x: its witness refused this log's checkpoint
 * (raised once the lock is held again). */
static void alarm_of(const struct round *r, struct exchange *x,
		     const char *why)
{
	snprintf(x->alarm, sizeof x->alarm, "witness %.80s refuses the "
		 "checkpoint of %llu entries from %llu: %s; this log is not "
		 "the one it was shown (a fork)", r->wc->w[x->i].key.name,
		 (unsigned long long)r->cp.size, (unsigned long long)x->old,
		 why);
}

/* Reads a 409's body, the size the witness knows, into *size. */
static int known_size(const struct buf *resp, uint64_t *size)
{
	char *end;

	if (resp->len == 0 || resp->data[0] < '0' || resp->data[0] > '9')
		return 0;
	*size = strtoull(resp->data, &end, 10);
	return *end == '\n' || *end == '\0';
}

/*
 * Under the lock: signs the newest checkpoint and picks the witnesses due
 * (not cosigned it, or over WITNESS_REFRESH_S ago, not failed lately, not
 * busy with another request), each with its request body.
 */
static int prepare(struct round *r)
{
	struct store *s = backend_store(r->b);
	struct exchange *x;
	struct od_err err;
	const char *blank;
	time_t now = time(NULL);
	size_t i;

	if (backend_checkpoint(r->b, &r->cp, &r->note, &err) != OD_OK ||
	    r->cp.size == 0 || (blank = strstr(r->note.data, "\n\n")) == NULL)
		return 0;
	r->text_len = (size_t)(blank + 1 - r->note.data);
	for (i = 0; i < r->wc->n; i++) {
		x = &r->x[r->n];
		x->old = backend_cosig_size(s, r->wc->w[i].vkey);
		/* Cosigned already, and lately: a desk can tell a log that
		 * did not grow from one withheld by the cosignature's time. */
		if ((x->old == r->cp.size && (uint64_t)now <
		     backend_cosig_time(s, r->wc->w[i].vkey) +
		     WITNESS_REFRESH_S) || now < retry_at[i] || busy[i])
			continue;
		x->i = i;
		buf_init(&x->req, CHECKPOINT_NOTE_MAX + 64 * 50);
		buf_init(&x->resp, TEXT_POST_MAX);
		x->rc = body(r, x->old, &x->req, &x->err);
		busy[i] = 1;
		r->n++;
	}
	return r->n > 0;
}

/* Posts x's request to its witness, the lock not held. */
static enum od_code post(const struct round *r, struct exchange *x)
{
	const struct witness_target *t = &r->wc->w[x->i];

	return text_post(t->url, t->ca_file[0] ? t->ca_file : NULL,
			 x->req.data, x->req.len, t->timeout_s ? t->timeout_s :
			 WITNESS_TIMEOUT_S, &x->status, &x->resp, &x->err);
}

/*
 * Hands the checkpoint to x's witness, the lock not held but for the
 * proof from the size a 409 names (asked once more from there).
 */
static void exchange(struct round *r, struct exchange *x)
{
	int tries;

	for (tries = 0; x->rc == OD_OK && tries < 2; tries++) {
		if (tries == 1) {
			pthread_mutex_lock(r->lock);
			x->rc = body(r, x->old, &x->req, &x->err);
			pthread_mutex_unlock(r->lock);
		}
		if (x->rc == OD_OK)
			x->rc = post(r, x);
		if (x->rc != OD_OK || x->status != 409 ||
		    !known_size(&x->resp, &x->old))
			break;
		/* Asked from its size, it still says it: it cosigned another
		 * tree of that size, or a larger one. */
		if (x->old > r->cp.size || (tries == 1 &&
					    x->old == r->cp.size)) {
			alarm_of(r, x, "it cosigned a larger tree");
			x->rc = od_err_set(&x->err, OD_E_TAMPERED, "fork");
		}
	}
	if (x->rc != OD_OK)
		return;
	if (x->status == 422)
		alarm_of(r, x, "the consistency proof does not verify");
	if (x->status != 200)
		x->rc = od_err_set(&x->err, x->status == 422 ? OD_E_TAMPERED :
				   OD_E_IO, "it answered %ld: %.120s",
				   x->status, x->resp.data ? x->resp.data : "");
	else if (x->resp.len == 0 || x->resp.data[x->resp.len - 1] != '\n')
		x->rc = od_err_set(&x->err, OD_E_INPUT, "its answer is not "
				   "signature lines");
	else
		x->rc = cosignature_check(r->note.data, r->text_len,
					  x->resp.data, x->resp.len,
					  &r->wc->w[x->i].key, &x->when,
					  &x->err);
}

/* Under the lock again: keeps the cosignatures, raises the alarms, notes
 * the failures, and frees the witnesses for the next round. */
static void finish(struct round *r)
{
	const struct witness_target *t;
	struct exchange *x;
	size_t k;

	for (k = 0; k < r->n; k++) {
		x = &r->x[k];
		t = &r->wc->w[x->i];
		/* Kept: the one line by this witness (it may send others). */
		if (x->rc == OD_OK)
			x->rc = backend_cosig_keep(backend_store(r->b), t->vkey,
						   r->cp.size, x->resp.data,
						   &x->err);
		if (x->alarm[0])
			event_say(EVENT_WITNESS_REFUSED, "", t->key.name,
				  x->alarm);
		busy[x->i] = 0;
		retry_at[x->i] = x->rc == OD_OK ? 0 :
				 time(NULL) + WITNESS_RETRY_S;
		if (x->rc != OD_OK)
			fprintf(stderr, "orderdeskd: witness %.80s (%.120s): "
				"%s\n", t->key.name, t->url, x->err.msg);
		buf_free(&x->req);
		buf_free(&x->resp);
	}
}

void backend_witness_round(struct backend *b, const struct witness_conf *wc,
			   pthread_mutex_t *lock)
{
	struct round *r = calloc(1, sizeof *r);
	size_t k;
	int due;

	if (r == NULL || wc->n == 0) {
		free(r);
		return;
	}
	r->b = b;
	r->wc = wc;
	r->lock = lock;
	buf_init(&r->note, CHECKPOINT_NOTE_MAX);
	pthread_mutex_lock(lock);
	due = prepare(r);
	pthread_mutex_unlock(lock);
	for (k = 0; due && k < r->n; k++)
		exchange(r, &r->x[k]);
	pthread_mutex_lock(lock);
	finish(r);
	pthread_mutex_unlock(lock);
	buf_free(&r->note);
	free(r);
}
