/* sync.c - push what the backend lacks, pull what the desk lacks, verified. */
#include "app/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/backend.h"
#include "app/ledger.h"
#include "app/pki.h"
#include "lib/encode.h"
#include "lib/secret.h"
#include "net/tls-client.h"

#define PEM_MAX (64 * 1024)
#define PULL_PAGE 1000

/* The store's meta keys. */
#define META_URL      "sync.url"
#define META_PIN      "sync.pin"
#define META_HEADKEY  "sync.head_key"    /* base64 of the backend's key */
#define META_SEEN_SEQ "sync.seen_seq"    /* last verified head */
#define META_SEEN     "sync.seen_hash"

/* One sync in progress. */
struct sync_job {
	struct shop *sh;
	struct tls_client *client;
	char head_key[48];      /* base64 of the backend's key; "" if new */
	long long seen_seq;
	uint8_t seen_hash[32];
	struct buf resp;
	struct sync_report *rep;
};

/* A head the backend signed, checked. */
struct head {
	long long seq;
	uint8_t hash[32];
};

/* Copies the file src to dir/name (mode 0600), refusing non-PEM content. */
static enum od_code copy_pem(const char *src, const char *dir,
			     const char *name, struct od_err *err)
{
	char path[4096], chunk[4096];
	struct buf b;
	ssize_t n;
	int fd;
	enum od_code rc = OD_OK;

	buf_init(&b, PEM_MAX);
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot read %.200s: %s", src,
				  strerror(errno));
	while (rc == OD_OK && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = od_err_set(err, OD_E_IO, "cannot read %.200s: %s",
					src, strerror(errno));
		else if (buf_add(&b, chunk, (size_t)n, err) != OD_OK)
			rc = od_err_set(err, OD_E_INPUT, "%.200s is too large "
					"for a certificate or key", src);
	}
	close(fd);
	secret_wipe(chunk, sizeof chunk);
	if (rc == OD_OK && (b.data == NULL ||
			    strncmp(b.data, "-----BEGIN ", 11) != 0))
		rc = od_err_set(err, OD_E_INPUT, "%.200s is not a PEM "
				"certificate or key", src);
	if (rc == OD_OK) {
		snprintf(path, sizeof path, "%s/%s", dir, name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
			  O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, b.data, b.len) != (ssize_t)b.len ||
		    fsync(fd) != 0)
			rc = od_err_set(err, OD_E_IO, "cannot write %.200s: %s",
					path, strerror(errno));
		if (fd >= 0 && close(fd) != 0 && rc == OD_OK)
			rc = od_err_set(err, OD_E_IO, "cannot write %.200s: %s",
					path, strerror(errno));
	}
	buf_free(&b);
	return rc;
}

/* Sets meta values in one transaction; n pairs of key, value. */
static enum od_code meta_put(struct store *s, const char *const *kv, size_t n,
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

enum od_code sync_attach(struct shop *sh, const struct sync_attach *a,
			 struct od_err *err)
{
	const char *kv[4] = { META_URL, a->url, META_PIN, a->pin };
	char dir[4096];
	enum od_code rc;

	if (strncmp(a->url, "https://", 8) != 0 || strlen(a->url) > 512)
		return od_err_set(err, OD_E_USAGE, "--backend takes an "
				  "https://HOST:PORT address");
	if (strncmp(a->pin, "sha256//", 8) != 0 || strlen(a->pin) != 52)
		return od_err_set(err, OD_E_USAGE, "--pin takes sha256// and 44 "
				  "base64 characters, as orderdeskd init "
				  "prints it");
	snprintf(dir, sizeof dir, "%s/%s", sh->dir, SYNC_DIR);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s", dir,
				  strerror(errno));
	rc = copy_pem(a->ca, dir, "ca.pem", err);
	if (rc == OD_OK)
		rc = copy_pem(a->cert, dir, "desk.pem", err);
	if (rc == OD_OK)
		rc = copy_pem(a->key, dir, "desk.key", err);
	if (rc == OD_OK)
		rc = meta_put(sh->store, kv, 2, err);
	return rc;
}

/* Reads a meta value into a fixed buffer; absent leaves it "". */
static enum od_code meta_read(struct store *s, const char *key, char *out,
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
static enum od_code job_open(struct sync_job *j, struct od_err *err)
{
	struct tls_client_config cfg;
	char url[520], pin[64], seen_seq[32], seen[80];
	char ca[4200], cert[4200], key[4200];
	struct store *s = j->sh->store;
	enum od_code rc;

	rc = meta_read(s, META_URL, url, sizeof url, err);
	if (rc == OD_OK)
		rc = meta_read(s, META_PIN, pin, sizeof pin, err);
	if (rc == OD_OK)
		rc = meta_read(s, META_HEADKEY, j->head_key,
			       sizeof j->head_key, err);
	if (rc == OD_OK)
		rc = meta_read(s, META_SEEN_SEQ, seen_seq, sizeof seen_seq,
			       err);
	if (rc == OD_OK)
		rc = meta_read(s, META_SEEN, seen, sizeof seen, err);
	if (rc != OD_OK)
		return rc;
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
	snprintf(key, sizeof key, "%s/%s/desk.key", j->sh->dir, SYNC_DIR);
	memset(&cfg, 0, sizeof cfg);
	cfg.base_url = url;
	cfg.pin = pin;
	cfg.ca_file = ca;
	cfg.cert_file = cert;
	cfg.key_file = key;
	cfg.connect_timeout_s = 10;
	cfg.timeout_s = 120;
	cfg.max_response = SYNC_MAX_RESPONSE;
	/* The backend would end the handshake without a word. */
	rc = pki_check_dates(cert, "this desk's certificate", err);
	if (rc != OD_OK)
		return rc;
	return tls_client_new(&cfg, &j->client, err);
}

/* Reads a string member of exactly the expected shape. */
static const char *get_str(json_t *o, const char *name)
{
	return json_string_value(json_object_get(o, name));
}

/* Reads a non-negative integer member, or -1. */
static long long get_seq(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	return (long long)json_integer_value(v);
}

/* Checks the head's signature with the backend's key. */
static enum od_code check_head(struct sync_job *j, json_t *o, struct head *h,
			       struct od_err *err)
{
	const char *hash = get_str(o, "hash"), *t = get_str(o, "time");
	const char *key = get_str(o, "key"), *sig = get_str(o, "signature");
	uint8_t pub[SIGKEY_PUB_LEN], raw[SIGKEY_SIG_LEN];
	struct sigkey_pub *p = NULL;
	struct buf text;
	size_t n = 0, m = 0;
	enum od_code rc;

	h->seq = get_seq(o, "seq");
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
	rc = backend_head_text(h->seq, h->hash, t, &text, err);
	if (rc == OD_OK)
		rc = sigkey_pub_new(pub, &p, err);
	if (rc == OD_OK && sigkey_pub_verify(p, text.data, text.len, raw,
					     err) != OD_OK)
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's signed head "
				"does not verify: sync stopped");
	sigkey_pub_free(p);
	buf_free(&text);
	if (rc == OD_OK && h->seq < j->seen_seq)
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's log is "
				"shorter (%lld entries) than it signed before "
				"(%lld): history was removed; sync stopped and "
				"nothing here was changed", h->seq,
				j->seen_seq);
	return rc;
}

/* Sends a request and parses a 200 answer as a JSON object. */
static enum od_code call(struct sync_job *j, const char *method,
			 const char *path, const char *body, json_t **out,
			 struct od_err *err)
{
	struct timespec wait = { 0, 200 * 1000 * 1000 };
	json_error_t jerr;
	json_t *o, *e;
	long status = 0;
	enum od_code rc;
	int attempt;

	*out = NULL;
	/* A dropped connection is retried: a statement sent twice is only a
	 * duplicate.  A refused pin or certificate is not retried. */
	for (attempt = 0;; attempt++) {
		rc = tls_client_request(j->client, method, path, body,
					body ? strlen(body) : 0, &status,
					&j->resp, err);
		if (rc != OD_E_IO || attempt + 1 >= SYNC_TRIES)
			break;
		nanosleep(&wait, NULL);
		wait.tv_nsec *= 2;
	}
	if (rc != OD_OK)
		return rc;
	o = json_loadb(j->resp.data ? j->resp.data : "", j->resp.len,
		       JSON_REJECT_DUPLICATES, &jerr);
	if (status != 200) {
		e = json_object_get(o, "error");
		rc = od_err_set(err, status == 403 ? OD_E_AUTH : OD_E_IO,
				"the backend answered %ld: %.160s", status,
				json_is_string(e) ? json_string_value(e) :
				"(no reason given)");
		json_decref(o);
		return rc;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		return od_err_set(err, OD_E_INPUT, "the backend's answer is not "
				  "the expected JSON");
	}
	*out = o;
	return OD_OK;
}

/* The local log's entry seq: its chain hash. */
struct find_hash {
	long long seq;
	uint8_t hash[32];
	int found;
};

static enum od_code find_hash_cb(void *ctx, const struct log_record *r,
				 struct od_err *err)
{
	struct find_hash *f = ctx;

	if (r->seq != f->seq)
		return OD_OK;
	memcpy(f->hash, r->hash, 32);
	f->found = 1;
	return OD_OK;
}

/* The message for diverged histories. */
static enum od_code diverged(long long at, struct od_err *err)
{
	return od_err_set(err, OD_E_TAMPERED, "DIVERGED: the backend's history "
			  "and this desk's differ at or before entry %lld; "
			  "sync stopped and nothing here was changed: keep "
			  "this store and tell the owner", at);
}

/* Applies pulled entries in one transaction. */
static enum od_code apply_page(struct sync_job *j, json_t *entries,
			       long long *local, uint8_t local_hash[32],
			       struct od_err *err)
{
	struct store *s = j->sh->store;
	uint8_t sig[SIGKEY_SIG_LEN], want[32], got[32];
	size_t i, n;
	long long seq;
	enum od_code rc = store_begin(s, err);

	for (i = 0; rc == OD_OK && i < json_array_size(entries); i++) {
		json_t *e = json_array_get(entries, i);
		const char *text = get_str(e, "statement");
		const char *sig64 = get_str(e, "signature");
		const char *hash = get_str(e, "hash");

		seq = get_seq(e, "seq");
		if (seq <= *local)
			continue;  /* the overlap, already compared */
		if (seq != *local + 1 || text == NULL || sig64 == NULL ||
		    hash == NULL ||
		    b64_decode("a signature", sig64, strlen(sig64), sig,
			       sizeof sig, &n, err) != OD_OK ||
		    n != sizeof sig ||
		    hex_decode("a hash", hash, want, 32, err) != OD_OK) {
			rc = od_err_set(err, OD_E_INPUT, "the backend sent a "
					"malformed log entry after %lld",
					*local);
			break;
		}
		rc = ledger_accept(s, text,
				   json_string_length(json_object_get(e,
							"statement")),
				   sig, &seq, err);
		if (rc != OD_OK) {
			char why[OD_ERR_MSG_MAX];

			memcpy(why, err->msg, sizeof why);
			rc = od_err_set(err, OD_E_TAMPERED, "the backend's "
					"entry %lld does not verify here (%.150s)"
					"; sync stopped", *local + 1, why);
			break;
		}
		rc = store_log_head(s, &seq, got, err);
		if (rc == OD_OK && memcmp(got, want, 32) != 0)
			rc = diverged(seq, err);
		if (rc == OD_OK) {
			*local = seq;
			memcpy(local_hash, got, 32);
			j->rep->pulled++;
		}
	}
	if (rc != OD_OK) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s, err);
}

/* A push batch being gathered from the local log. */
struct push {
	struct sync_job *j;
	long long after;      /* the backend's head: push from after+1 */
	json_t *batch;
	long long first;      /* seq of the batch's first statement */
	size_t bytes;
	struct head last;     /* the head of the last answer */
};

/* Sends the gathered batch and checks each receipt. */
static enum od_code push_flush(struct push *p, struct od_err *err)
{
	json_t *body, *ans = NULL, *receipts;
	char *text;
	size_t i;
	enum od_code rc;

	if (json_array_size(p->batch) == 0)
		return OD_OK;
	body = json_pack("{s:O}", "statements", p->batch);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = call(p->j, "POST", "/v1/statements", text, &ans, err);
	free(text);
	if (rc != OD_OK)
		return rc;
	receipts = json_object_get(ans, "receipts");
	if (!json_is_array(receipts) ||
	    json_array_size(receipts) != json_array_size(p->batch))
		rc = od_err_set(err, OD_E_INPUT, "the backend's receipts do not "
				"match the batch");
	for (i = 0; rc == OD_OK && i < json_array_size(receipts); i++) {
		json_t *r = json_array_get(receipts, i);
		const char *res = get_str(r, "result");
		long long want = p->first + (long long)i;

		if (res != NULL && (strcmp(res, "accepted") == 0 ||
				    strcmp(res, "duplicate") == 0) &&
		    get_seq(r, "seq") == want) {
			if (res[0] == 'a')
				p->j->rep->pushed++;
			continue;
		}
		if (res != NULL && strcmp(res, "refused") == 0)
			rc = od_err_set(err, OD_E_DENIED, "the backend refused "
					"entry %lld: %.160s", want,
					get_str(r, "reason") ?
					get_str(r, "reason") : "no reason");
		else
			rc = diverged(want, err);
	}
	if (rc == OD_OK)
		rc = check_head(p->j, json_object_get(ans, "head"), &p->last,
				err);
	json_decref(ans);
	json_array_clear(p->batch);
	p->bytes = 0;
	return rc;
}

/* Adds one local entry to the batch; sends it when full. */
static enum od_code push_entry(void *ctx, const struct log_record *r,
			       struct od_err *err)
{
	struct push *p = ctx;
	char sig[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	json_t *e;
	enum od_code rc;

	if (r->seq <= p->after)
		return OD_OK;
	if (json_array_size(p->batch) >= SYNC_BATCH ||
	    p->bytes + r->statement_len > SYNC_BATCH_BYTES) {
		rc = push_flush(p, err);
		if (rc != OD_OK)
			return rc;
	}
	if (json_array_size(p->batch) == 0)
		p->first = r->seq;
	b64_encode(r->signature, sizeof r->signature, sig);
	e = json_pack("{s:s%, s:s}", "statement", r->statement,
		      r->statement_len, "signature", sig);
	if (e == NULL || json_array_append_new(p->batch, e) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	p->bytes += r->statement_len;
	return OD_OK;
}

/* Remembers the verified head and the backend's key. */
static enum od_code remember(struct sync_job *j, const struct head *h,
			     struct od_err *err)
{
	char seq[32], hex[65];
	const char *kv[6] = { META_SEEN_SEQ, seq, META_SEEN, hex,
			      META_HEADKEY, j->head_key };

	snprintf(seq, sizeof seq, "%lld", h->seq);
	hex_encode(h->hash, 32, hex);
	j->rep->head = h->seq;
	return meta_put(j->sh->store, kv, 3, err);
}

/* Pulls pages until the desk has the backend's whole log. */
static enum od_code pull(struct sync_job *j, json_t *first, long long *local,
			 uint8_t local_hash[32], struct head *h,
			 struct od_err *err)
{
	json_t *ans = first, *entries;
	char path[96];
	int pages = 0;
	enum od_code rc = OD_OK;

	for (;;) {
		entries = json_object_get(ans, "entries");
		if (!json_is_array(entries)) {
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"page is malformed");
			break;
		}
		rc = check_head(j, json_object_get(ans, "head"), h, err);
		if (rc == OD_OK)
			rc = apply_page(j, entries, local, local_hash, err);
		if (rc != OD_OK || *local >= h->seq)
			break;
		/* An empty page short of the head would loop for ever. */
		if (json_array_size(entries) == 0 || ++pages > 1000000) {
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"stops short of its head");
			break;
		}
		if (ans != first)
			json_decref(ans);
		ans = NULL;
		snprintf(path, sizeof path, "/v1/log?after=%lld&limit=%d",
			 *local, PULL_PAGE);
		rc = call(j, "GET", path, NULL, &ans, err);
		if (rc != OD_OK)
			break;
	}
	if (ans != first)
		json_decref(ans);
	if (rc == OD_OK && (*local != h->seq ||
			    memcmp(local_hash, h->hash, 32) != 0))
		rc = diverged(h->seq, err);
	return rc;
}

enum od_code sync_run(struct shop *sh, struct sync_report *rep,
		      struct od_err *err)
{
	struct sync_job j;
	struct head h;
	struct find_hash f;
	struct push p;
	uint8_t local_hash[32];
	long long local = 0;
	json_t *ans = NULL;
	char path[96];
	enum od_code rc;

	memset(&j, 0, sizeof j);
	memset(rep, 0, sizeof *rep);
	memset(&p, 0, sizeof p);
	j.sh = sh;
	j.rep = rep;
	buf_init(&j.resp, SYNC_MAX_RESPONSE);
	rc = job_open(&j, err);
	if (rc == OD_OK)
		rc = store_log_head(sh->store, &local, local_hash, err);
	if (rc != OD_OK)
		goto out;
	/* Entry `local` too, if the backend has it: one hash compares the
	 * whole prefix. */
	snprintf(path, sizeof path, "/v1/log?after=%lld&limit=%d",
		 local > 0 ? local - 1 : 0, PULL_PAGE);
	rc = call(&j, "GET", path, NULL, &ans, err);
	if (rc == OD_OK)
		rc = check_head(&j, json_object_get(ans, "head"), &h, err);
	if (rc != OD_OK)
		goto out;
	if (h.seq >= local) {
		json_t *e0 = json_array_get(json_object_get(ans, "entries"), 0);
		const char *hx = get_str(e0, "hash");
		uint8_t theirs[32];

		if (local > 0 && (get_seq(e0, "seq") != local || hx == NULL ||
				  hex_decode("a hash", hx, theirs, 32,
					     err) != OD_OK ||
				  memcmp(theirs, local_hash, 32) != 0)) {
			rc = diverged(local, err);
			goto out;
		}
		rc = pull(&j, ans, &local, local_hash, &h, err);
	} else {
		/* The desk has more: the backend's head must be ours too. */
		f.seq = h.seq;
		f.found = 0;
		if (h.seq > 0) {
			rc = store_log_each_after(sh->store, h.seq - 1,
						  find_hash_cb, &f, err);
			if (rc == OD_OK && (!f.found ||
					    memcmp(f.hash, h.hash, 32) != 0))
				rc = diverged(h.seq, err);
		}
		p.j = &j;
		p.after = h.seq;
		p.last = h;
		p.batch = json_array();
		if (rc == OD_OK && p.batch == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		if (rc == OD_OK)
			rc = store_log_each_after(sh->store, p.after,
						  push_entry, &p, err);
		if (rc == OD_OK)
			rc = push_flush(&p, err);
		h = p.last;
		if (rc == OD_OK && (h.seq != local ||
				    memcmp(h.hash, local_hash, 32) != 0))
			rc = diverged(local, err);
	}
	if (rc == OD_OK)
		rc = remember(&j, &h, err);
out:
	json_decref(ans);
	json_decref(p.batch);
	tls_client_free(j.client);
	buf_free(&j.resp);
	return rc;
}

enum od_code sync_synced_seq(struct store *s, int *attached, long long *seq,
			     struct od_err *err)
{
	char url[520], seen[32];
	enum od_code rc = meta_read(s, META_URL, url, sizeof url, err);

	*attached = 0;
	*seq = 0;
	if (rc == OD_OK)
		rc = meta_read(s, META_SEEN_SEQ, seen, sizeof seen, err);
	if (rc != OD_OK)
		return rc;
	*attached = url[0] != '\0';
	*seq = seen[0] ? atoll(seen) : 0;
	return OD_OK;
}
