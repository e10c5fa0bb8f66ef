/*
 * backend-evidence.c - POST /v1/evidence and GET /v1/evidence/HASH: the
 * evidence files the shop's statements name, kept in the backend's
 * encrypted store for the desks.
 *
 * Only files a log entry names are taken or served: the backend is not a
 * file store for anything a desk certificate cares to put there, and a
 * desk cannot learn of a file the log does not mention.  A file is taken
 * only if its bytes hash to the name it was sent under.
 */
#include "app/orderdeskd/backend-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/evidence-wire.h"
#include "app/orderdeskd/routes.h"
#include "storage/store-evidence.h"

/* Refuses with status and msg (a shorthand). */
static unsigned refuse(const struct route_call *c, unsigned status,
		       const char *msg)
{
	return backend_reply_error(c->out, status, msg, c->note,
				   c->note_size);
}

/* The status for a failure of ours: bad input 400, others 500. */
static unsigned failed(const struct route_call *c, enum od_code rc,
		       const struct od_err *err)
{
	return refuse(c, rc == OD_E_INPUT ? 400 : rc == OD_E_TAMPERED ? 422 :
		      rc == OD_E_NOTFOUND ? 404 : 500, err->msg);
}

/* Whether hash is named by an entry of the log; answers when not. */
static unsigned check_named(const struct route_call *c, const char *hash)
{
	struct od_err err;
	int named = 0;
	enum od_code rc = store_evidence_named(backend_store(c->b), hash,
					       &named, &err);

	if (rc != OD_OK)
		return failed(c, rc, &err);
	if (!named)
		return refuse(c, 404, "no entry of the shop's log names this "
			      "evidence; push the statement first");
	return 0;
}

unsigned backend_post_evidence(const struct route_call *c)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct evidence_blob blob;
	json_error_t jerr;
	json_t *o = json_loadb(c->body, c->len, JSON_REJECT_DUPLICATES, &jerr);
	struct od_err err;
	enum od_code rc;
	unsigned status;

	rc = evidence_wire_decode(o, NULL, &blob, &err);
	json_decref(o);
	if (rc != OD_OK)
		return failed(c, rc, &err);
	status = check_named(c, blob.hash);
	if (status == 0) {
		rc = store_evidence_put(backend_store(c->b), blob.data,
					blob.len, evidence_sniff(blob.data,
								 blob.len),
					blob.hash, 1, hash, &err);
		status = rc != OD_OK ? failed(c, rc, &err) :
			 backend_reply_json(c->out, json_pack("{s:s}",
				"stored", hash));
		if (rc == OD_OK)
			snprintf(c->note, c->note_size, "evidence %.24s... "
				 "stored, %zu bytes", hash, blob.len);
	}
	evidence_blob_free(&blob);
	return status;
}

unsigned backend_get_evidence(const struct route_call *c)
{
	const char *hash = c->path + strlen(EVIDENCE_WIRE_PATH "/");
	struct buf b;
	struct od_err err;
	char *text = NULL;
	enum od_code rc;
	unsigned status;

	if (!store_evidence_hash_ok(hash))
		return refuse(c, 400, "ask for " EVIDENCE_WIRE_PATH
			      "/sha256:HEX (64 lower-case hex digits)");
	status = check_named(c, hash);
	if (status != 0)
		return status;
	buf_init(&b, STORE_EVIDENCE_MAX);
	rc = store_evidence_get(backend_store(c->b), hash, &b, NULL, &err);
	if (rc == OD_OK) {
		text = evidence_wire_encode(hash, b.data, b.len);
		if (text == NULL)
			rc = od_err_set(&err, OD_E_NOMEM, "out of memory");
	}
	buf_free(&b);
	if (rc != OD_OK)
		return failed(c, rc, &err);
	buf_reset(c->out);
	if (buf_adds(c->out, text, &err) != OD_OK)
		status = refuse(c, 500, "the evidence does not fit the answer");
	else
		status = 200;
	free(text);
	return status;
}
