/* backend-reply.c - a route's answer: JSON with the head, or an error. */
#include "app/orderdeskd/backend-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/statement.h"
#include "app/log/wire.h"
#include "lib/encode.h"

/* The log's head, signed now by the backend: a JSON object. */
static enum od_code signed_head(struct backend *b, json_t **out,
				struct od_err *err)
{
	uint8_t hash[32], sig[SIGKEY_SIG_LEN];
	char hex[65], now[STMT_TIME_LEN + 1];
	char sig64[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	char pub64[b64_encoded_len(SIGKEY_PUB_LEN) + 1];
	long long seq;
	struct buf text;
	struct tm tm;
	time_t t = time(NULL);
	enum od_code rc;

	*out = NULL;
	buf_init(&text, 512);
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = store_log_head(b->store, &seq, hash, err);
	if (rc == OD_OK)
		rc = wire_head_text(seq, hash, now, &text, err);
	if (rc == OD_OK)
		rc = sigkey_sign(b->head_key, text.data, text.len, sig, err);
	if (rc == OD_OK) {
		hex_encode(hash, 32, hex);
		b64_encode(sig, sizeof sig, sig64);
		b64_encode(b->head_pub, sizeof b->head_pub, pub64);
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq",
				 (json_int_t)seq, "hash", hex, "time", now,
				 "key", pub64, "signature", sig64);
		if (*out == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	buf_free(&text);
	return rc;
}

unsigned backend_reply_error(struct buf *out, unsigned status, const char *msg,
			     char *note, size_t note_size)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	struct od_err err;

	json_decref(o);
	buf_reset(out);
	if (text == NULL || buf_adds(out, text, &err) != OD_OK)
		status = 500;
	free(text);
	snprintf(note, note_size, "%.*s", (int)(note_size - 1), msg);
	return status;
}

/* Finishes an answer: the object with the signed head, as JSON text. */
unsigned backend_route_done(struct backend *b, json_t *root, struct buf *out,
			    char *note, size_t note_size)
{
	json_t *head = NULL;
	struct od_err err;
	char *text;
	unsigned status = 200;

	if (signed_head(b, &head, &err) != OD_OK ||
	    json_object_set_new(root, "head", head) != 0) {
		json_decref(root);
		return backend_reply_error(out, 500, "the backend cannot read its "
				   "log; see its log", note, note_size);
	}
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	buf_reset(out);
	if (text == NULL || buf_adds(out, text, &err) != OD_OK)
		status = backend_reply_error(out, 500, "the answer is too large",
				     note, note_size);
	free(text);
	return status;
}

unsigned backend_reply_json(struct buf *out, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	struct od_err err;
	unsigned status = 200;

	json_decref(o);
	buf_reset(out);
	if (text == NULL || buf_adds(out, text, &err) != OD_OK)
		status = 500;
	free(text);
	return status;
}
