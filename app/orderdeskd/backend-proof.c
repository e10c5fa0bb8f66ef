/* backend-proof.c - the log's checkpoint and proofs on the wire. */
#include "app/orderdeskd/backend-proof.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/cosignature.h"
#include "app/orderdeskd/routes.h"
#include "lib/encode.h"
#include "storage/store-merkle.h"

#define NOTE_ANSWER_MAX (CHECKPOINT_NOTE_MAX + 1024)

/* Sends o (which it takes) as the answer. */
static unsigned answer(const struct route_call *c, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	struct od_err err;
	unsigned status = 200;

	json_decref(o);
	buf_reset(c->out);
	if (text == NULL || buf_adds(c->out, text, &err) != OD_OK)
		status = backend_reply_error(c->out, 500, "out of memory",
					     c->note, c->note_size);
	free(text);
	return status;
}

/* Answers the failure of a read of the tree: 400 for a bad ask. */
static unsigned failed(const struct route_call *c, const struct od_err *err)
{
	return backend_reply_error(c->out, err->code == OD_E_INPUT ? 400 : 500,
				   err->code == OD_E_INPUT ? err->msg :
				   "the backend cannot read its log; see its "
				   "log", c->note, c->note_size);
}

/*
 * Whether an Accept header asks for the note as text: text/plain named,
 * and JSON not (a desk asks for JSON, or for nothing).
 */
static int wants_note(const char *accept)
{
	return accept != NULL && strstr(accept, "text/plain") != NULL &&
	       strstr(accept, "application/json") == NULL;
}

unsigned backend_get_checkpoint(const struct route_call *c)
{
	struct checkpoint cp;
	struct od_err err;
	struct buf note;
	json_t *o = NULL;
	enum od_code rc;

	buf_init(&note, NOTE_ANSWER_MAX);
	if (backend_checkpoint(c->b, &cp, &note, &err) != OD_OK ||
	    backend_cosigs_add(backend_store(c->b), cp.size, &note,
				&err) != OD_OK) {
		buf_free(&note);
		return failed(c, &err);
	}
	snprintf(c->note, c->note_size, "checkpoint of %llu entries",
		 (unsigned long long)cp.size);
	if (wants_note(c->args->accept)) {
		/* The signed note itself, for tools that speak C2SP. */
		buf_reset(c->out);
		rc = buf_add(c->out, note.data, note.len, &err);
		buf_free(&note);
		if (rc != OD_OK)
			return failed(c, &err);
		route_answer_type("text/plain; charset=utf-8");
		return 200;
	}
	o = json_pack("{s:s}", "checkpoint", note.data);
	buf_free(&note);
	return answer(c, o);
}

/* The checkpoint text (no signatures) of the log's first size entries. */
static enum od_code text_at(struct backend *b, uint64_t size, struct buf *note,
			    size_t *text_len, struct od_err *err)
{
	struct checkpoint cp;
	uint64_t have;
	enum od_code rc;

	memset(&cp, 0, sizeof cp);
	checkpoint_origin(backend_shop(b), cp.origin, sizeof cp.origin);
	cp.size = size;
	rc = store_merkle_size(backend_store(b), &have, err);
	if (rc == OD_OK && size > have)
		rc = od_err_set(err, OD_E_INPUT, "the log has %llu entries, "
				"not %llu", (unsigned long long)have,
				(unsigned long long)size);
	if (rc == OD_OK)
		rc = store_merkle_root(backend_store(b), size, cp.root, err);
	if (rc == OD_OK)
		rc = checkpoint_sign(&cp, backend_head_key(b), note, err);
	if (rc == OD_OK)
		*text_len = (size_t)(strstr(note->data, "\n\n") + 1 -
				     note->data);
	return rc;
}

unsigned backend_post_cosignature(const struct route_call *c)
{
	json_t *o = json_loadb(c->body, c->len, JSON_REJECT_DUPLICATES, NULL);
	const char *vkey, *line;
	json_int_t size = -1;
	struct note_verifier w;
	struct od_err err;
	struct buf note;
	size_t text_len = 0, n;
	uint64_t t;
	enum od_code rc = OD_E_INPUT;

	vkey = json_string_value(json_object_get(o, "cosigner"));
	line = json_string_value(json_object_get(o, "cosignature"));
	if (json_is_integer(json_object_get(o, "size")))
		size = json_integer_value(json_object_get(o, "size"));
	n = line ? strlen(line) : 0;
	buf_init(&note, NOTE_ANSWER_MAX);
	if (vkey == NULL || line == NULL || size < 0 || n == 0 ||
	    memchr(line, '\n', n) != line + n - 1)
		od_err_set(&err, OD_E_INPUT, "a cosignature is {\"cosigner\": "
			   "VKEY, \"size\": N, \"cosignature\": LINE}");
	else if ((rc = cosigner_parse(vkey, &w, &err)) == OD_OK &&
		 (rc = text_at(c->b, (uint64_t)size, &note, &text_len, &err)) ==
		 OD_OK)
		rc = cosignature_check(note.data, text_len, line, n, &w, &t,
				       &err);
	if (rc == OD_OK)
		rc = backend_cosig_keep(backend_store(c->b), vkey,
					(uint64_t)size, line, &err);
	json_decref(o);
	buf_free(&note);
	if (rc == OD_E_TAMPERED || rc == OD_E_NOTFOUND)
		return backend_reply_error(c->out, 422, err.msg, c->note,
					   c->note_size);
	if (rc != OD_OK)
		return failed(c, &err);
	snprintf(c->note, c->note_size, "cosignature of %lld entries by %.60s",
		 (long long)size, w.name);
	return answer(c, json_pack("{s:I}", "size", size));
}

/* Reads the query argument value named name as a count into *n. */
static int number(const char *name, const char *value, uint64_t *n,
		  struct od_err *err)
{
	char *end;

	errno = 0;
	if (value == NULL || value[0] < '0' || value[0] > '9' ||
	    (value[0] == '0' && value[1] != '\0') ||
	    (*n = strtoull(value, &end, 10), *end != '\0') || errno != 0 ||
	    *n > (1ULL << 62)) {
		od_err_set(err, OD_E_INPUT, "%s= takes a number of entries",
			   name);
		return 0;
	}
	return 1;
}

/* Answers {a_name: a, "size": size, "proof": [...]}. */
static unsigned proof_answer(const struct route_call *c, const char *a_name,
			     uint64_t a, uint64_t size,
			     const struct merkle_proof *p)
{
	char b64[b64_encoded_len(MERKLE_HASH_LEN) + 1];
	json_t *list = json_array(), *o;
	size_t i;

	for (i = 0; list != NULL && i < p->n; i++) {
		b64_encode(p->hash[i], MERKLE_HASH_LEN, b64);
		if (json_array_append_new(list, json_string(b64)) != 0) {
			json_decref(list);
			list = NULL;
		}
	}
	o = list ? json_pack("{s:I, s:I, s:o}", a_name, (json_int_t)a,
			     "size", (json_int_t)size, "proof", list) : NULL;
	snprintf(c->note, c->note_size, "%s %llu to %llu, %zu hashes", a_name,
		 (unsigned long long)a, (unsigned long long)size, p->n);
	return answer(c, o);
}

unsigned backend_get_inclusion(const struct route_call *c)
{
	struct merkle_proof p;
	struct od_err err;
	uint64_t index, size;

	if (!number("index", c->args->index, &index, &err) ||
	    !number("size", c->args->size, &size, &err) ||
	    store_merkle_inclusion(backend_store(c->b), index, size, &p,
				   &err) != OD_OK)
		return failed(c, &err);
	return proof_answer(c, "index", index, size, &p);
}

unsigned backend_get_consistency(const struct route_call *c)
{
	struct merkle_proof p;
	struct od_err err;
	uint64_t old, size;

	if (!number("old", c->args->old, &old, &err) ||
	    !number("size", c->args->size, &size, &err) ||
	    store_merkle_consistency(backend_store(c->b), old, size, &p,
				     &err) != OD_OK)
		return failed(c, &err);
	return proof_answer(c, "old", old, size, &p);
}
