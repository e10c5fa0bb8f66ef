/* sync-answer.c - the members of the backend's answers, read strictly. */
#include "app/sync/sync-job.h"

#include <jansson.h>
#include <string.h>

#include "lib/encode.h"

/* Reads a string member of exactly the expected shape. */
const char *sync_json_str(json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* Reads a non-negative integer member, or -1. */
long long sync_json_seq(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	return (long long)json_integer_value(v);
}

enum od_code sync_receipt_read(struct json_t *r, struct sync_receipt *out,
			       struct od_err *err)
{
	const char *res = sync_json_str(r, "result");

	memset(out, 0, sizeof *out);
	if (res != NULL && (strcmp(res, "accepted") == 0 ||
			    strcmp(res, "duplicate") == 0) &&
	    sync_json_seq(r, "seq") > 0) {
		out->result = res[0] == 'a' ? SYNC_ACCEPTED : SYNC_DUPLICATE;
		out->seq = sync_json_seq(r, "seq");
		return OD_OK;
	}
	if (res != NULL && strcmp(res, "refused") == 0) {
		out->result = SYNC_REFUSED;
		out->id = sync_json_str(r, "id");
		out->reason = sync_json_str(r, "reason");
		return OD_OK;
	}
	return od_err_set(err, OD_E_INPUT, "the backend sent a malformed "
			  "receipt");
}

enum od_code sync_page_entry(struct json_t *e, struct log_record *r,
			     struct od_err *err)
{
	const char *sig64 = sync_json_str(e, "signature");
	const char *hash = sync_json_str(e, "hash");
	size_t n = 0;

	memset(r, 0, sizeof *r);
	r->seq = sync_json_seq(e, "seq");
	r->statement = sync_json_str(e, "statement");
	r->statement_len = json_string_length(json_object_get(e,
							      "statement"));
	if (r->seq < 1 || r->statement == NULL || sig64 == NULL ||
	    hash == NULL ||
	    b64_decode("a signature", sig64, strlen(sig64), r->signature,
		       sizeof r->signature, &n, err) != OD_OK ||
	    n != sizeof r->signature ||
	    hex_decode("a hash", hash, r->hash, 32, err) != OD_OK)
		return od_err_set(err, OD_E_INPUT, "the backend sent a "
				  "malformed log entry");
	return OD_OK;
}
