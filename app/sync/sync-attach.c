/* sync-attach.c - record a backend for this store, checked before a
 * byte is written. */
#include "app/sync/sync-job.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/sync/backend-call.h"
#include "app/keys/pki.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"
#include "storage/store-sync.h"

/* Writes b to dir/name (mode 0600), replacing the last attach's. */
static enum od_code write_pem(const struct buf *b, const char *dir,
			      const char *name, struct od_err *err)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return file_write_atomic(path, b->data, b->len, err);
}

/*
 * Before an attach writes anything: a backend whose log already begins
 * with another founding than this store's is refused, as the first sync
 * would refuse it.  Asked once, over the pinned connection the attach
 * describes (the caller holds the store: short timeouts).  A backend that
 * does not answer, or answers anything else, is left to the sync that
 * follows, which checks the same before it pushes a byte.
 */
static enum od_code attach_probe(struct shop *sh,
				 const struct sync_attach *a,
				 const char *key_pem, struct od_err *err)
{
	struct tls_client_config cfg;
	struct tls_client *c = NULL;
	struct backend_call bc;
	struct find_hash f;
	struct od_err ignore;
	struct buf resp;
	uint8_t theirs[32];
	json_t *ans = NULL, *e0;
	const char *hx;
	enum od_code rc = sync_local_hash(sh->store, 1, &f, err);

	/* A joining desk's empty store takes whatever the backend holds. */
	if (rc != OD_OK || !f.found)
		return rc;
	memset(&cfg, 0, sizeof cfg);
	cfg.base_url = a->url;
	cfg.pin = a->pin;
	cfg.ca_file = a->ca;
	cfg.cert_file = a->cert;
	cfg.key_pem = key_pem;
	cfg.connect_timeout_s = 5;
	cfg.timeout_s = 15;
	cfg.max_response = SYNC_MAX_RESPONSE;
	buf_init(&resp, SYNC_MAX_RESPONSE);
	memset(&bc, 0, sizeof bc);
	bc.resp = &resp;
	bc.tries = 1;
	if (tls_client_new(&cfg, &c, &ignore) == OD_OK) {
		bc.client = c;
		if (backend_call(&bc, "GET", "/v1/log?after=0&limit=1", NULL,
				 NULL, &ans, &ignore) != OD_OK)
			ans = NULL;
	}
	e0 = json_array_get(json_object_get(ans, "entries"), 0);
	hx = sync_json_str(e0, "hash");
	if (sync_json_seq(e0, "seq") == 1 && hx != NULL &&
	    hex_decode("a hash", hx, theirs, 32, &ignore) == OD_OK &&
	    memcmp(theirs, f.hash, 32) != 0)
		rc = sync_genesis_refusal(sh->store, e0, err);
	json_decref(ans);
	tls_client_free(c);
	buf_free(&resp);
	return rc;
}

enum od_code sync_attach(struct shop *sh, const struct sync_attach *a,
			 struct od_err *err)
{
	/* Another backend (another pin) signs with its own key: learn it. */
	const char *kv[6] = { META_URL, a->url, META_PIN, a->pin,
			      META_HEADKEY, "" };
	char dir[4096], *old_pin = NULL, *key = NULL;
	struct buf ca, cert;
	size_t n = 2, i;
	enum od_code rc;

	if (strncmp(a->url, "https://", 8) != 0 || strlen(a->url) > 512)
		return od_err_set(err, OD_E_USAGE, "--backend takes an "
				  "https://HOST:PORT address");
	if (strncmp(a->pin, "sha256//", 8) != 0 || strlen(a->pin) != 52)
		return od_err_set(err, OD_E_USAGE, "--pin takes sha256// and 44 "
				  "base64 characters, as orderdeskd init "
				  "prints it");
	buf_init(&ca, PEM_MAX);
	buf_init(&cert, PEM_MAX);
	/* Everything is checked before anything is written. */
	rc = sync_load_pem(a->ca, &ca, err);
	if (rc == OD_OK)
		rc = sync_load_pem(a->cert, &cert, err);
	if (rc == OD_OK && a->key != NULL)
		rc = sync_key_read_file(a->key, cert.data, &key, err);
	else if (rc == OD_OK)
		rc = pki_check_key(a->key_pem, cert.data, "the desk's new key",
				   err);
	if (rc == OD_OK)
		rc = sync_same_shop_ca(sh->store, ca.data, err);
	if (rc == OD_OK)
		rc = attach_probe(sh, a, key != NULL ? key : a->key_pem, err);
	if (rc != OD_OK)
		goto out;
	snprintf(dir, sizeof dir, "%s/%s", sh->dir, SYNC_DIR);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		rc = od_err_set(err, OD_E_IO, "cannot create %.200s: %s", dir,
				strerror(errno));
		goto out;
	}
	/* The certificates are public; the key goes into the store only. */
	rc = write_pem(&ca, dir, "ca.pem", err);
	if (rc == OD_OK)
		rc = write_pem(&cert, dir, "desk.pem", err);
	if (rc == OD_OK) {
		rc = store_meta_get(sh->store, META_PIN, &old_pin, err);
		if (rc == OD_E_NOTFOUND || (rc == OD_OK &&
					    strcmp(old_pin, a->pin) != 0))
			n = 3;
		if (rc == OD_E_NOTFOUND)
			rc = OD_OK;
		free(old_pin);
	}
	if (rc == OD_OK)
		rc = store_begin(sh->store, err);
	if (rc != OD_OK)
		goto out;
	for (i = 0; rc == OD_OK && i < n; i++)
		rc = store_meta_set(sh->store, kv[2 * i], kv[2 * i + 1], err);
	if (rc == OD_OK)
		rc = sync_key_put(sh->store, key != NULL ? key : a->key_pem,
				  err);
	if (rc == OD_OK)
		rc = store_meta_delete(sh->store, SYNC_META_RESTORED, err);
	if (rc == OD_OK)
		rc = store_commit(sh->store, err);
	else
		store_rollback(sh->store);
out:
	secret_free_str(key);
	buf_free(&ca);
	buf_free(&cert);
	return rc;
}
