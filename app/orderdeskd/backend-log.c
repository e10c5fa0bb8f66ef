/* backend-log.c - GET /v1/log: a page of the log after a sequence number. */
#include "app/orderdeskd/backend-internal.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/orderdeskd/routes.h"
#include "lib/encode.h"

/* A page of the log being gathered. */
struct page {
	long long after;
	size_t limit, count, bytes;
	json_t *entries;
	int full;
};

/* Adds one entry to the page; stops the walk once the page is full. */
static enum od_code page_entry(void *ctx, const struct log_record *r,
			       struct od_err *err)
{
	struct page *pg = ctx;
	char hex[65], sig[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	json_t *e;

	if (r->seq <= pg->after)
		return OD_OK;
	if (pg->count >= pg->limit || (pg->count > 0 &&
	    pg->bytes + r->statement_len > BACKEND_PAGE_BYTES)) {
		pg->full = 1;
		return od_err_set(err, OD_E_EXISTS, "page full");
	}
	hex_encode(r->hash, sizeof r->hash, hex);
	b64_encode(r->signature, sizeof r->signature, sig);
	e = json_pack("{s:I, s:s%, s:s, s:s}", "seq", (json_int_t)r->seq,
		      "statement", r->statement, r->statement_len,
		      "signature", sig, "hash", hex);
	if (e == NULL || json_array_append_new(pg->entries, e) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	pg->count++;
	pg->bytes += r->statement_len;
	return OD_OK;
}

/* GET /v1/log?after=SEQ&limit=N */
static unsigned route_log(struct backend *b, const char *arg_after,
			  const char *arg_limit, struct buf *out, char *note,
			  size_t note_size)
{
	struct page pg = { 0, b->max_page, 0, 0, NULL, 0 };
	unsigned long long v;
	struct od_err err;
	enum od_code rc;
	json_t *root;

	if (arg_after == NULL)
		return backend_reply_error(out, 400, "say where to start: "
				   "/v1/log?after=SEQ", note, note_size);
	if (strcmp(arg_after, "0") != 0) {
		if (!backend_parse_count(arg_after, 1ULL << 62, &v))
			return backend_reply_error(out, 400, "after= takes a sequence "
					   "number", note, note_size);
		pg.after = (long long)v;
	}
	if (arg_limit != NULL) {
		if (!backend_parse_count(arg_limit, 1ULL << 31, &v))
			return backend_reply_error(out, 400, "limit= takes a positive "
					   "number", note, note_size);
		if (v < pg.limit)
			pg.limit = (size_t)v;
	}
	pg.entries = json_array();
	root = json_object();
	if (pg.entries == NULL || root == NULL ||
	    json_object_set_new(root, "entries", pg.entries) != 0) {
		json_decref(root);
		return backend_reply_error(out, 500, "out of memory", note, note_size);
	}
	rc = store_log_each_after(b->store, pg.after, page_entry, &pg, &err);
	if (rc != OD_OK && !pg.full) {
		json_decref(root);
		return backend_reply_error(out, 500, "the backend cannot read its log",
				   note, note_size);
	}
	/* route_done only touches note when it fails. */
	snprintf(note, note_size, "%zu entries after %lld", pg.count,
		 pg.after);
	return backend_route_done(b, root, out, note, note_size);
}

unsigned backend_get_log(const struct route_call *c)
{
	return route_log(c->b, c->args->after, c->args->limit, c->out, c->note,
			 c->note_size);
}
