/*
 * fuzz-sync-response.c - libFuzzer target for what a desk reads from the
 * backend during a sync (app/sync/sync.c): the entries of a GET /v1/log page
 * (sync_page_entry) and the receipts of a POST /v1/statements answer
 * (sync_receipt_read), loaded as the desk loads an answer.
 *
 * The first byte chooses the answer, the rest is its body.  An accepted
 * entry or receipt, built again the way the backend builds it
 * (app/orderdeskd/backend-log.c, backend-push.c: page_entry, receipt), must read back the same; an
 * entry's statement is exactly its JSON string's bytes, a receipt that says
 * where a statement landed names a seq above 0.  A refusal is OD_E_INPUT
 * with a message.  Anything else aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/sync/sync.h"
#include "lib/encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless a refusal is a clean OD_E_INPUT. */
static void expect_refusal(const struct od_err *err)
{
	if (err->code != OD_E_INPUT || err->msg[0] == '\0')
		abort();
}

/* Checks one entry of a log page. */
static void check_entry(json_t *e)
{
	char sig[b64_encoded_len(SIGKEY_SIG_LEN) + 1], hex[65];
	struct log_record r, again;
	struct od_err err;
	json_t *built;

	od_err_clear(&err);
	if (sync_page_entry(e, &r, &err) != OD_OK) {
		expect_refusal(&err);
		return;
	}
	if (r.seq < 1 || r.statement == NULL ||
	    r.statement != json_string_value(json_object_get(e, "statement")) ||
	    r.statement_len != json_string_length(json_object_get(e,
								  "statement")))
		abort();
	hex_encode(r.hash, sizeof r.hash, hex);
	b64_encode(r.signature, sizeof r.signature, sig);
	built = json_pack("{s:I, s:s%, s:s, s:s}", "seq", (json_int_t)r.seq,
			  "statement", r.statement, r.statement_len,
			  "signature", sig, "hash", hex);
	if (built == NULL)
		return;
	if (sync_page_entry(built, &again, &err) != OD_OK ||
	    again.seq != r.seq || again.statement_len != r.statement_len ||
	    memcmp(again.statement, r.statement, r.statement_len) != 0 ||
	    memcmp(again.signature, r.signature, sizeof r.signature) != 0 ||
	    memcmp(again.hash, r.hash, sizeof r.hash) != 0)
		abort();
	json_decref(built);
}

/* Checks one receipt. */
static void check_receipt(json_t *j)
{
	const char *res = json_string_value(json_object_get(j, "result"));
	struct sync_receipt r, again;
	struct od_err err;
	json_t *built;

	od_err_clear(&err);
	if (sync_receipt_read(j, &r, &err) != OD_OK) {
		expect_refusal(&err);
		return;
	}
	switch (r.result) {
	case SYNC_ACCEPTED:
	case SYNC_DUPLICATE:
		if (r.seq < 1 || r.id != NULL || r.reason != NULL ||
		    res == NULL || strcmp(res, r.result == SYNC_ACCEPTED ?
					  "accepted" : "duplicate") != 0)
			abort();
		built = json_pack("{s:s, s:s, s:I}", "id", "x", "result", res,
				  "seq", (json_int_t)r.seq);
		break;
	case SYNC_REFUSED:
		if (r.seq != 0 || res == NULL || strcmp(res, "refused") != 0)
			abort();
		built = json_pack("{s:s, s:s, s:s}", "id", r.id ? r.id : "",
				  "result", "refused", "reason",
				  r.reason ? r.reason : "");
		break;
	default:
		abort();
	}
	if (built == NULL)
		return;
	if (sync_receipt_read(built, &again, &err) != OD_OK ||
	    again.result != r.result || again.seq != r.seq)
		abort();
	json_decref(built);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *o, *arr;
	size_t i;

	if (size == 0)
		return 0;
	/* As call() loads every answer. */
	o = json_loadb((const char *)data + 1, size - 1,
		       JSON_REJECT_DUPLICATES, &jerr);
	if (data[0] & 1) {
		arr = json_object_get(o, "receipts");
		for (i = 0; i < json_array_size(arr); i++)
			check_receipt(json_array_get(arr, i));
	} else {
		arr = json_object_get(o, "entries");
		for (i = 0; i < json_array_size(arr); i++)
			check_entry(json_array_get(arr, i));
	}
	json_decref(o);
	return 0;
}
