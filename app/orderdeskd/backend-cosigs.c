/* backend-cosigs.c - the log's newest checkpoint and the cosignatures
 * kept of it (backend-proof.h). */
#include "app/orderdeskd/backend-proof.h"

#include <jansson.h>
#include <string.h>

#include "app/log/cosignature.h"
#include "lib/encode.h"
#include "storage/store-merkle.h"

#define COSIG_META      "checkpoint.cosignatures"
#define COSIGNERS_MAX   64          /* kept; served: what fits in 8 KiB */

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

/*
 * The kept cosignatures, {VKEY: {"size": N, "line": LINE}, ...}, each
 * cosigner's newest (a new object when there are none).
 */
static json_t *cosigs_load(struct store *s, struct od_err *err)
{
	char *text = NULL;
	json_t *o = NULL;
	enum od_code rc = store_meta_get(s, COSIG_META, &text, err);

	if (rc == OD_OK)
		o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	else if (rc == OD_E_NOTFOUND)
		o = json_object();
	free(text);
	if (o != NULL && !json_is_object(o)) {
		json_decref(o);
		o = NULL;
	}
	if (o == NULL && rc != OD_E_NOTFOUND)
		od_err_set(err, OD_E_TAMPERED, "the kept cosignatures are "
			   "damaged");
	return o;
}

/*
 * Appends to note the kept cosignatures of the checkpoint of size, as
 * many as fit in a note a desk takes (CHECKPOINT_NOTE_MAX bytes).
 */
enum od_code backend_cosigs_add(struct store *s, uint64_t size,
			       struct buf *note, struct od_err *err)
{
	json_t *all = cosigs_load(s, err), *one;
	const char *vkey, *line;
	enum od_code rc = all ? OD_OK : OD_E_TAMPERED;

	json_object_foreach(all, vkey, one) {
		line = json_string_value(json_object_get(one, "line"));
		if (rc == OD_OK && line != NULL &&
		    (uint64_t)json_integer_value(json_object_get(one, "size"))
		    == size && note->len + strlen(line) <= CHECKPOINT_NOTE_MAX)
			rc = buf_adds(note, line, err);
	}
	json_decref(all);
	return rc;
}

uint64_t backend_cosig_size(struct store *s, const char *vkey)
{
	json_t *all = cosigs_load(s, &(struct od_err){ 0 });
	uint64_t size = (uint64_t)json_integer_value(json_object_get(
				json_object_get(all, vkey), "size"));

	json_decref(all);
	return size;
}

uint64_t backend_cosig_time(struct store *s, const char *vkey)
{
	json_t *all = cosigs_load(s, &(struct od_err){ 0 });
	const char *line = json_string_value(json_object_get(
				json_object_get(all, vkey), "line"));
	const char *b64 = line ? strrchr(line, ' ') : NULL;
	uint8_t raw[COSIG_LEN + 1];
	uint64_t t = 0;
	size_t n = 0, i;

	if (b64 != NULL && b64_decode("a cosignature", b64 + 1,
				      strcspn(b64 + 1, "\n"), raw, sizeof raw,
				      &n, &(struct od_err){ 0 }) == OD_OK &&
	    n == COSIG_LEN)
		for (i = 0; i < 8; i++)
			t = t << 8 | raw[CHECKPOINT_KEYID_LEN + i];
	json_decref(all);
	return t;
}

enum od_code backend_cosig_keep(struct store *s, const char *vkey,
			       uint64_t size, const char *line,
			       struct od_err *err)
{
	json_t *all = cosigs_load(s, err), *had;
	char *dump = NULL;
	enum od_code rc = all ? store_begin(s, err) : OD_E_TAMPERED;

	if (rc != OD_OK) {
		json_decref(all);
		return rc;
	}
	had = json_object_get(all, vkey);
	if (had == NULL && json_object_size(all) >= COSIGNERS_MAX)
		rc = od_err_set(err, OD_E_INPUT, "this backend keeps the "
				"cosignatures of %d cosigners at most",
				COSIGNERS_MAX);
	else if (had == NULL || (uint64_t)json_integer_value(
			 json_object_get(had, "size")) <= size) {
		json_object_set_new(all, vkey, json_pack("{s:I, s:s}", "size",
					(json_int_t)size, "line", line));
		dump = json_dumps(all, JSON_COMPACT);
		rc = dump ? store_meta_set(s, COSIG_META, dump, err)
			  : od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	free(dump);
	json_decref(all);
	if (rc != OD_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

