/* backend-witness.c - checkpoints handed to the shop's witnesses. */
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

/* When each configured witness may be tried again after a failure. */
static time_t retry_at[WITNESS_CONF_MAX];

/* The checkpoint being handed out: its note (the log's signature only). */
struct handout {
	struct backend *b;
	struct checkpoint cp;
	struct buf note;
	size_t text_len;
};

/* The request body: "old M", the proof from M a line a hash, "", note. */
static enum od_code body(const struct handout *h, uint64_t old,
			 struct buf *out, struct od_err *err)
{
	char b64[b64_encoded_len(MERKLE_HASH_LEN) + 1];
	struct merkle_proof p = { .n = 0 };
	size_t i;
	enum od_code rc = OD_OK;

	buf_reset(out);
	if (old > 0 && old < h->cp.size)
		rc = store_merkle_consistency(backend_store(h->b), old,
					      h->cp.size, &p, err);
	if (rc == OD_OK)
		rc = buf_addf(out, err, "old %llu\n", (unsigned long long)old);
	for (i = 0; rc == OD_OK && i < p.n; i++) {
		b64_encode(p.hash[i], MERKLE_HASH_LEN, b64);
		rc = buf_addf(out, err, "%s\n", b64);
	}
	if (rc == OD_OK)
		rc = buf_addf(out, err, "\n");
	return rc == OD_OK ? buf_add(out, h->note.data, h->note.len, err) : rc;
}

/* The fork alarm: t refused this log's checkpoint. */
static void alarm_of(const struct witness_target *t, const struct handout *h,
		     uint64_t old, const char *why)
{
	char detail[300];

	snprintf(detail, sizeof detail, "witness %.80s refuses the checkpoint "
		 "of %llu entries from %llu: %s; this log is not the one it "
		 "was shown (a fork)", t->key.name,
		 (unsigned long long)h->cp.size, (unsigned long long)old, why);
	event_say(EVENT_WITNESS_REFUSED, "", t->key.name, detail);
}

/* Checks and keeps t's cosignature resp of the checkpoint. */
static enum od_code take(const struct witness_target *t,
			 const struct handout *h, struct buf *resp,
			 struct od_err *err)
{
	uint64_t when;
	enum od_code rc;

	if (resp->len == 0 || resp->data[resp->len - 1] != '\n')
		return od_err_set(err, OD_E_INPUT, "its answer is not "
				  "signature lines");
	rc = cosignature_check(h->note.data, h->text_len, resp->data,
			       resp->len, &t->key, &when, err);
	/* Kept: the one line by this witness (it may send others). */
	if (rc == OD_OK)
		rc = backend_cosig_keep(backend_store(h->b), t->vkey,
					h->cp.size, resp->data, err);
	return rc;
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

/* Hands h's checkpoint to t, from the size old it cosigned last. */
static enum od_code hand(const struct witness_target *t,
			 const struct handout *h, uint64_t old,
			 struct od_err *err)
{
	struct buf req, resp;
	long status = 0;
	int tries;
	enum od_code rc = OD_OK;

	buf_init(&req, CHECKPOINT_NOTE_MAX + 64 * 50);
	buf_init(&resp, TEXT_POST_MAX);
	for (tries = 0; rc == OD_OK && tries < 2; tries++) {
		rc = body(h, old, &req, err);
		if (rc == OD_OK)
			rc = text_post(t->url, t->ca_file[0] ? t->ca_file :
				       NULL, req.data, req.len,
				       WITNESS_TIMEOUT_S, &status, &resp, err);
		if (rc != OD_OK || status != 409 || !known_size(&resp, &old))
			break;
		/* Asked from its size, it still says it: it cosigned another
		 * tree of that size, or a larger one. */
		if (old > h->cp.size || (tries == 1 && old == h->cp.size)) {
			alarm_of(t, h, old, "it cosigned a larger tree");
			rc = od_err_set(err, OD_E_TAMPERED, "fork");
		}
	}
	if (rc == OD_OK && status == 200)
		rc = take(t, h, &resp, err);
	else if (rc == OD_OK && status == 422)
		alarm_of(t, h, old, "the consistency proof does not verify");
	if (rc == OD_OK && status != 200)
		rc = od_err_set(err, status == 422 ? OD_E_TAMPERED : OD_E_IO,
				"it answered %ld: %.120s", status,
				resp.data ? resp.data : "");
	buf_free(&req);
	buf_free(&resp);
	return rc;
}

void backend_witness_all(struct backend *b, const struct witness_conf *wc)
{
	struct handout h = { .b = b };
	struct od_err err;
	const char *blank;
	uint64_t old;
	time_t now = time(NULL);
	size_t i;

	buf_init(&h.note, CHECKPOINT_NOTE_MAX);
	if (wc->n == 0 || backend_checkpoint(b, &h.cp, &h.note, &err) != OD_OK ||
	    (blank = strstr(h.note.data, "\n\n")) == NULL) {
		buf_free(&h.note);
		return;
	}
	h.text_len = (size_t)(blank + 1 - h.note.data);
	for (i = 0; i < wc->n; i++) {
		old = backend_cosig_size(backend_store(b), wc->w[i].vkey);
		/* Cosigned already, and lately: a desk can tell a log that
		 * did not grow from one withheld by the cosignature's time. */
		if ((old == h.cp.size && (uint64_t)now < backend_cosig_time(
			     backend_store(b), wc->w[i].vkey) +
		     WITNESS_REFRESH_S) || h.cp.size == 0 || now < retry_at[i])
			continue;
		if (hand(&wc->w[i], &h, old, &err) == OD_OK) {
			retry_at[i] = 0;
			continue;
		}
		retry_at[i] = now + WITNESS_RETRY_S;
		fprintf(stderr, "orderdeskd: witness %.80s (%.120s): %s\n",
			wc->w[i].key.name, wc->w[i].url, err.msg);
	}
	buf_free(&h.note);
}
