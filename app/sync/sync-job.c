/* sync-job.c - one sync's state: its attachment read, its client, its
 * held store, and the signed heads it checks. */
#include "app/sync/sync-job.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/sync/backend-call.h"
#include "app/sync/sync-repush.h"
#include "app/log/wire.h"
#include "app/keys/pki.h"
#include "lib/encode.h"
#include "lib/secret.h"
#include "storage/store-sync.h"

/* Sets meta values in one transaction; n pairs of key, value. */
enum od_code sync_meta_put(struct store *s, const char *const *kv, size_t n,
			     struct od_err *err)
{
	enum od_code rc = store_begin(s, err);
	size_t i;

	for (i = 0; rc == OD_OK && i < n; i++)
		rc = store_meta_set(s, kv[2 * i], kv[2 * i + 1], err);
	if (rc != OD_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* Reads a meta value into a fixed buffer; absent leaves it "". */
enum od_code sync_meta_read(struct store *s, const char *key, char *out,
			      size_t size, struct od_err *err)
{
	char *v = NULL;
	enum od_code rc = store_meta_get(s, key, &v, err);

	out[0] = '\0';
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK) {
		if (strlen(v) >= size)
			rc = od_err_set(err, OD_E_TAMPERED, "the store's %s is "
					"too long", key);
		else
			memcpy(out, v, strlen(v) + 1);
	}
	free(v);
	return rc;
}

/* Reads the attachment and the last verified head, and makes the client. */
enum od_code sync_job_open(struct sync_job *j, struct od_err *err)
{
	struct tls_client_config cfg;
	char url[520], pin[64], seen_seq[32], seen[80];
	char ca[4200], cert[4200], mark[8], *key = NULL;
	struct store *s = j->sh->store;
	enum od_code rc;

	rc = sync_meta_read(s, META_URL, url, sizeof url, err);
	if (rc == OD_OK)
		rc = sync_meta_read(s, META_PIN, pin, sizeof pin, err);
	if (rc == OD_OK)
		rc = sync_meta_read(s, META_HEADKEY, j->head_key,
				    sizeof j->head_key, err);
	if (rc == OD_OK)
		rc = sync_meta_read(s, META_SEEN_SEQ, seen_seq, sizeof seen_seq,
				    err);
	if (rc == OD_OK)
		rc = sync_meta_read(s, META_SEEN, seen, sizeof seen, err);
	if (rc != OD_OK)
		return rc;
	j->head_key_kept = j->head_key[0] != '\0';
	if ((url[0] == '\0' || pin[0] == '\0') &&
	    sync_meta_read(s, SYNC_META_RESTORED, mark, sizeof mark,
			   err) == OD_OK &&
	    mark[0] != '\0')
		return od_err_set(err, OD_E_USAGE, "this store was restored from "
				  "a backup, which holds no backend credentials: "
				  "join again (a code from `orderdesk desk invite` "
				  "on another desk, or `orderdeskd code`), or attach "
				  "a new bundle from `orderdeskd desk add`");
	if (url[0] == '\0' || pin[0] == '\0')
		return od_err_set(err, OD_E_USAGE, "this desk has no backend "
				  "yet: orderdesk sync --backend URL --pin PIN "
				  "--ca FILE --cert FILE --key FILE");
	if (seen_seq[0] != '\0') {
		j->seen_seq = atoll(seen_seq);
		if (hex_decode("the last head", seen, j->seen_hash, 32,
			       err) != OD_OK)
			return od_err_set(err, OD_E_TAMPERED, "the store's last "
					  "sync head is damaged");
	}
	snprintf(ca, sizeof ca, "%s/%s/ca.pem", j->sh->dir, SYNC_DIR);
	snprintf(cert, sizeof cert, "%s/%s/desk.pem", j->sh->dir, SYNC_DIR);
	memset(&cfg, 0, sizeof cfg);
	cfg.base_url = url;
	cfg.pin = pin;
	cfg.ca_file = ca;
	cfg.cert_file = cert;
	cfg.connect_timeout_s = 10;
	cfg.timeout_s = 120;
	cfg.max_response = SYNC_MAX_RESPONSE;
	cfg.cancel = j->stop;
	/* The backend would end the handshake without a word. */
	rc = pki_check_dates(cert, "this desk's certificate", err);
	if (rc == OD_OK)
		rc = sync_key_get(s, &key, err);
	/* The client keeps its own copy, wiped when it is freed. */
	cfg.key_pem = key;
	if (rc == OD_OK && j->keep != NULL && j->keep->client != NULL &&
	    tls_client_matches(j->keep->client, &cfg)) {
		j->client = j->keep->client;
		j->keep->client = NULL;
	} else if (rc == OD_OK) {
		if (j->keep != NULL)
			sync_conn_close(j->keep);
		rc = tls_client_new(&cfg, &j->client, err);
	}
	secret_free_str(key);
	return rc;
}

/* Checks the head's signature with the backend's key. */
enum od_code sync_job_check_head(struct sync_job *j, json_t *o, struct head *h,
			       struct od_err *err)
{
	const char *hash = sync_json_str(o, "hash");
	const char *t = sync_json_str(o, "time");
	const char *key = sync_json_str(o, "key");
	const char *sig = sync_json_str(o, "signature");
	uint8_t pub[SIGKEY_PUB_LEN], raw[SIGKEY_SIG_LEN];
	struct sigkey_pub *p = NULL;
	struct buf text;
	size_t n = 0, m = 0;
	enum od_code rc;

	h->seq = sync_json_seq(o, "seq");
	if (h->seq < 0 || hash == NULL || t == NULL || key == NULL ||
	    sig == NULL || strlen(t) != STMT_TIME_LEN ||
	    hex_decode("the head hash", hash, h->hash, 32, err) != OD_OK ||
	    b64_decode("the head key", key, strlen(key), pub, sizeof pub, &n,
		       err) != OD_OK || n != sizeof pub ||
	    b64_decode("the head signature", sig, strlen(sig), raw, sizeof raw,
		       &m, err) != OD_OK || m != sizeof raw)
		return od_err_set(err, OD_E_INPUT, "the backend sent a "
				  "malformed head");
	if (j->head_key[0] != '\0' && strcmp(j->head_key, key) != 0)
		return od_err_set(err, OD_E_TAMPERED, "the backend signs with "
				  "another key than before: sync stopped; ask "
				  "the owner");
	/* Learned over the pinned connection: that is what authenticates it. */
	snprintf(j->head_key, sizeof j->head_key, "%s", key);
	buf_init(&text, 512);
	rc = wire_head_text(h->seq, h->hash, t, &text, err);
	if (rc == OD_OK)
		rc = sigkey_pub_new(pub, &p, err);
	if (rc == OD_OK && sigkey_pub_verify(p, text.data, text.len, raw,
					     err) != OD_OK)
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's signed head "
				"does not verify: sync stopped");
	sigkey_pub_free(p);
	buf_free(&text);
	if (rc == OD_OK && h->seq < j->seen_seq)
		rc = sync_repush_rewind(j->sh, j->own_lock, h->seq, h->hash,
					&j->seen_seq, j->seen_hash,
					&j->rep->repushed, err);
	return rc;
}

/* Sends a request and parses a 200 answer as a JSON object, retrying a
 * dropped connection; a 401 is the backend's trouble, not a refusal. */
enum od_code sync_job_call(struct sync_job *j, const char *method,
			 const char *path, const char *body, json_t **out,
			 struct od_err *err)
{
	struct backend_call bc = { j->client, &j->resp, SYNC_TRIES, j->stop,
				   0 };
	long status = 0;
	enum od_code rc;

	rc = backend_call(&bc, method, path, body, &status, out, err);
	if (status != 0)
		j->reached = 1;
	return rc;
}

/* Holds the store for one step, when the caller did not hold it. */
enum od_code sync_job_hold(struct sync_job *j, enum shop_access access,
			     struct od_err *err)
{
	return j->own_lock ? shop_hold(j->sh, access, err) : OD_OK;
}

/* Lets the store go after a step (see job_hold). */
void sync_job_let_go(struct sync_job *j)
{
	if (j->own_lock)
		shop_release(j->sh);
}

/* Rereads the synced head: another sync may have moved it. */
enum od_code sync_job_read_seen(struct sync_job *j, struct od_err *err)
{
	char num[32], hex[80];
	enum od_code rc;

	j->seen_seq = 0;
	memset(j->seen_hash, 0, 32);
	rc = sync_meta_read(j->sh->store, META_SEEN_SEQ, num, sizeof num, err);
	if (rc == OD_OK)
		rc = sync_meta_read(j->sh->store, META_SEEN, hex, sizeof hex,
				    err);
	if (rc != OD_OK || num[0] == '\0')
		return rc;
	j->seen_seq = atoll(num);
	if (hex_decode("the last head", hex, j->seen_hash, 32, err) != OD_OK)
		return od_err_set(err, OD_E_TAMPERED, "the store's last sync "
				  "head is damaged");
	return OD_OK;
}

static enum od_code find_hash_cb(void *ctx, const struct log_record *r,
				 struct od_err *err)
{
	struct find_hash *f = ctx;

	(void)err;
	if (r->seq == f->seq) {
		memcpy(f->hash, r->hash, 32);
		f->found = 1;
	}
	/* Only the one row is wanted: stop the walk there. */
	return r->seq >= f->seq ? OD_E_EXISTS : OD_OK;
}

/* Reads the chain hash of local entry seq (found 0 if there is none). */
enum od_code sync_local_hash(struct store *s, long long seq,
			       struct find_hash *f, struct od_err *err)
{
	enum od_code rc;

	memset(f, 0, sizeof *f);
	f->seq = seq;
	if (seq <= 0)
		return OD_OK;
	rc = store_log_each_after(s, seq - 1, find_hash_cb, f, err);
	return rc == OD_E_EXISTS ? OD_OK : rc;
}

void sync_conn_close(struct sync_conn *c)
{
	tls_client_free(c->client);
	c->client = NULL;
}

enum od_code sync_client(struct shop *sh, struct tls_client **out,
			 struct od_err *err)
{
	struct sync_job j;
	enum od_code rc;

	memset(&j, 0, sizeof j);
	j.sh = sh;
	rc = sync_job_open(&j, err);
	*out = rc == OD_OK ? j.client : NULL;
	if (rc != OD_OK)
		tls_client_free(j.client);
	return rc;
}
