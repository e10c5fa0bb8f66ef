/* backend-proof.c - the log's checkpoint and proofs on the wire. */
#include "app/orderdeskd/backend-proof.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/orderdeskd/routes.h"
#include "lib/encode.h"
#include "storage/store-merkle.h"

#define NOTE_ANSWER_MAX (CHECKPOINT_NOTE_MAX + 1024)

enum od_code backend_log_key(const struct backend *b, struct note_verifier *v,
			     struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];

	sigkey_public(backend_head_key(b), pub);
	return checkpoint_log_key(backend_shop(b), pub, v, err);
}

enum od_code backend_checkpoint(struct backend *b, struct checkpoint *c,
				struct buf *note, struct od_err *err)
{
	struct store *s = backend_store(b);
	struct checkpoint cp;
	enum od_code rc;

	memset(&cp, 0, sizeof cp);
	checkpoint_origin(backend_shop(b), cp.origin, sizeof cp.origin);
	rc = store_merkle_size(s, &cp.size, err);
	if (rc == OD_OK)
		rc = store_merkle_root(s, cp.size, cp.root, err);
	if (rc == OD_OK)
		rc = checkpoint_sign(&cp, backend_head_key(b), note, err);
	if (rc == OD_OK && c != NULL)
		*c = cp;
	return rc;
}

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

unsigned backend_get_checkpoint(const struct route_call *c)
{
	struct checkpoint cp;
	struct od_err err;
	struct buf note;
	json_t *o = NULL;

	buf_init(&note, NOTE_ANSWER_MAX);
	if (backend_checkpoint(c->b, &cp, &note, &err) != OD_OK) {
		buf_free(&note);
		return failed(c, &err);
	}
	o = json_pack("{s:s}", "checkpoint", note.data);
	buf_free(&note);
	snprintf(c->note, c->note_size, "checkpoint of %llu entries",
		 (unsigned long long)cp.size);
	return answer(c, o);
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
