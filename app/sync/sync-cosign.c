/* sync-cosign.c - the desk's cosignatures of the checkpoints it verified. */
#include "app/sync/sync-cosign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/cosignature.h"
#include "lib/encode.h"
#include "lib/secret.h"

/* Makes a new seed and keeps it as SYNC_META_COSIGNER, in a transaction. */
static enum od_code new_seed(struct store *s, uint8_t seed[SIGKEY_SEED_LEN],
			     struct od_err *err)
{
	char text[b64_encoded_len(SIGKEY_SEED_LEN) + 1];
	enum od_code rc = sigkey_generate_seed(seed, err);

	if (rc != OD_OK)
		return rc;
	b64_encode(seed, SIGKEY_SEED_LEN, text);
	rc = store_begin(s, err);
	if (rc == OD_OK)
		rc = store_meta_set(s, SYNC_META_COSIGNER, text, err);
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	secret_wipe(text, sizeof text);
	return rc;
}

enum od_code sync_cosigner(struct store *s, const char *origin,
			   struct sigkey **k, struct note_verifier *w,
			   struct od_err *err)
{
	uint8_t seed[SIGKEY_SEED_LEN + 1], pub[SIGKEY_PUB_LEN];
	char *text = NULL, name[CHECKPOINT_NAME_MAX + 1], hex[9];
	struct sigkey *key = NULL;
	size_t n = 0;
	enum od_code rc = store_meta_get(s, SYNC_META_COSIGNER, &text, err);

	if (rc == OD_E_NOTFOUND)
		rc = new_seed(s, seed, err);
	else if (rc == OD_OK &&
		 (b64_decode("the desk's cosigner key", text, strlen(text),
			     seed, sizeof seed, &n, err) != OD_OK ||
		  n != SIGKEY_SEED_LEN))
		rc = od_err_set(err, OD_E_TAMPERED, "the desk's cosigner key "
				"in this store is damaged; restore a backup");
	secret_free_str(text);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &key, err);
	secret_wipe(seed, sizeof seed);
	if (rc != OD_OK)
		return rc;
	sigkey_public(key, pub);
	hex_encode(pub, 4, hex);
	snprintf(name, sizeof name, "%.180s/desk-%s", origin, hex);
	rc = cosigner_make(name, pub, w, err);
	if (rc == OD_OK && k != NULL)
		*k = key;
	else
		sigkey_free(key);
	return rc;
}

/* Whether this size was sent already (SYNC_META_COSIGNED). */
static int sent_already(struct store *s, uint64_t size)
{
	char *text = NULL, want[24];
	int same;

	if (store_meta_get(s, SYNC_META_COSIGNED, &text, &(struct od_err){ 0 })
	    != OD_OK)
		return 0;
	snprintf(want, sizeof want, "%llu", (unsigned long long)size);
	same = strcmp(text, want) == 0;
	free(text);
	return same;
}

/* The request body: {"cosigner", "size", "cosignature"}, into *body. */
static enum od_code request(const struct note_verifier *w, uint64_t size,
			    const char *line, char **body, struct od_err *err)
{
	struct buf vk;
	json_t *o;
	enum od_code rc;

	buf_init(&vk, 512);
	rc = cosigner_text(w, &vk, err);
	o = rc == OD_OK ? json_pack("{s:s, s:I, s:s}", "cosigner", vk.data,
				    "size", (json_int_t)size, "cosignature",
				    line) : NULL;
	*body = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	buf_free(&vk);
	if (rc == OD_OK && *body == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	return rc;
}

enum od_code sync_cosign(struct store *s, const struct backend_call *bc,
			 const char *note, const struct checkpoint *c,
			 struct od_err *err)
{
	const char *blank = strstr(note, "\n\n");
	struct note_verifier w;
	struct sigkey *k = NULL;
	struct buf line;
	char *body = NULL, size[24];
	json_t *o = NULL;
	long status = 0;
	enum od_code rc;

	if (blank == NULL || sent_already(s, c->size))
		return OD_OK;
	rc = sync_cosigner(s, c->origin, &k, &w, err);
	buf_init(&line, 1024);
	if (rc == OD_OK)
		rc = cosignature_sign(note, (size_t)(blank + 1 - note), w.name,
				      k, (uint64_t)time(NULL), &line, err);
	if (rc == OD_OK)
		rc = request(&w, c->size, line.data, &body, err);
	if (rc == OD_OK)
		rc = backend_call(bc, "POST", "/v1/cosignature", body, &status,
				  &o, err);
	if (rc != OD_OK && status == 422)
		rc = od_err_set(err, OD_E_TAMPERED, "the backend refuses this "
				"desk's cosignature of its own checkpoint of "
				"%llu entries: it holds another log than it "
				"signed", (unsigned long long)c->size);
	else if (rc != OD_OK && (status == 0 || status >= 500))
		rc = OD_OK;                 /* the next sync tries again */
	else if (rc == OD_OK || status == 404) {
		/* Sent, or an older backend: not asked again for this size. */
		rc = OD_OK;
		snprintf(size, sizeof size, "%llu", (unsigned long long)c->size);
		if (store_begin(s, err) == OD_OK) {
			if (store_meta_set(s, SYNC_META_COSIGNED, size, err) ==
			    OD_OK)
				store_commit(s, err);
			else
				store_rollback(s);
		}
	}
	json_decref(o);
	free(body);
	buf_free(&line);
	sigkey_free(k);
	return rc;
}
