/* sync.c - push what the backend lacks, pull what the desk lacks, verified. */
#include "app/sync/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/sync/backend-call.h"
#include "app/log/ledger.h"
#include "app/log/wire.h"
#include "app/sync/people-sync.h"
#include "app/keys/pki.h"
#include "app/shop/sync-key.h"
#include "app/sync/sync-checkpoint.h"
#include "app/sync/sync-rebase.h"
#include "app/sync/sync-verify.h"
#include "lib/encode.h"
#include "lib/secret.h"
#include "net/tls-client.h"
#include "storage/store-sync.h"

#define PEM_MAX (64 * 1024)
#define SHOP_NAME_MAX 128 /* bytes, as statement.c and pki_make_ca allow */
#define PULL_PAGE 1000

#define META_URL      SYNC_META_URL
#define META_PIN      SYNC_META_PIN
#define META_HEADKEY  SYNC_META_HEADKEY
#define META_SEEN_SEQ SYNC_META_SEEN_SEQ
#define META_SEEN     SYNC_META_SEEN

/* One sync in progress. */
struct sync_job {
	struct shop *sh;
	int own_lock;           /* hold the store per step, not throughout */
	struct tls_client *client;
	char head_key[48];      /* base64 of the backend's key; "" if new */
	int head_key_kept;      /* head_key is in the store */
	long long seen_seq;
	uint8_t seen_hash[32];
	struct buf resp;
	struct sync_report *rep;
	int reached;            /* the backend answered at least once */
	const atomic_int *stop; /* set: end the request under way */
	struct sync_refusal *refused;
	size_t nrefused;
	struct sync_conn *keep;  /* a client kept from the last sync, or NULL */
};

/* A head the backend signed, checked. */
struct head {
	long long seq;
	uint8_t hash[32];
};

/* Reads the PEM file src (a certificate) into b, refusing anything else. */
static enum od_code load_pem(const char *src, struct buf *b,
			     struct od_err *err)
{
	char chunk[4096];
	ssize_t n;
	int fd;
	enum od_code rc = OD_OK;

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
		else if (buf_add(b, chunk, (size_t)n, err) != OD_OK)
			rc = od_err_set(err, OD_E_INPUT, "%.200s is too large "
					"for a certificate", src);
	}
	close(fd);
	if (rc == OD_OK && (b->data == NULL ||
			    strncmp(b->data, "-----BEGIN ", 11) != 0))
		rc = od_err_set(err, OD_E_INPUT, "%.200s is not a PEM "
				"certificate", src);
	return rc;
}

/* Writes b to dir/name (mode 0600). */
static enum od_code write_pem(const struct buf *b, const char *dir,
			      const char *name, struct od_err *err)
{
	char path[4200];
	enum od_code rc = OD_OK;
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 || write(fd, b->data, b->len) != (ssize_t)b->len ||
	    fsync(fd) != 0)
		rc = od_err_set(err, OD_E_IO, "cannot write %.200s: %s", path,
				strerror(errno));
	if (fd >= 0 && close(fd) != 0 && rc == OD_OK)
		rc = od_err_set(err, OD_E_IO, "cannot write %.200s: %s", path,
				strerror(errno));
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

/* The shop this store belongs to ("" for a joining desk's empty store). */
static enum od_code local_shop(struct store *s, char *out, size_t size,
			       struct od_err *err)
{
	char *v = NULL;
	enum od_code rc = store_meta_get(s, "shop", &v, err);

	out[0] = '\0';
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		snprintf(out, size, "%s", v);
	free(v);
	return rc;
}

/* Refuses a backend of another shop, naming both (theirs from the wire). */
static enum od_code other_shop(const char *theirs, const char *ours,
			       struct od_err *err)
{
	return od_err_set(err, OD_E_DENIED, "this backend serves the shop "
			  "\"%.80s\"; this desk is \"%.80s\"; nothing was "
			  "changed", backend_call_text(theirs), ours);
}

/*
 * Checks that the shop CA ca_pem names this store's shop: a backend's CA
 * bears its shop's name (pki_make_ca), and a backend refuses the genesis
 * of any other shop, which would leave this desk's whole log refused.
 */
static enum od_code same_shop_ca(struct store *s, const char *ca_pem,
				 struct od_err *err)
{
	char ours[SHOP_NAME_MAX + 1], theirs[SHOP_NAME_MAX + 1];
	enum od_code rc = local_shop(s, ours, sizeof ours, err);

	if (rc == OD_OK && ours[0] != '\0')
		rc = pki_cert_org(ca_pem, theirs, sizeof theirs, err);
	/* A CA that names no shop is not one orderdeskd made: the genesis
	 * guard (push_batch) still stops a refused founding. */
	if (rc == OD_OK && ours[0] != '\0' && theirs[0] != '\0' &&
	    strcmp(ours, theirs) != 0)
		rc = other_shop(theirs, ours, err);
	return rc;
}

static enum od_code attach_probe(struct shop *sh,
				 const struct sync_attach *a,
				 const char *key_pem, struct od_err *err);

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
	rc = load_pem(a->ca, &ca, err);
	if (rc == OD_OK)
		rc = load_pem(a->cert, &cert, err);
	if (rc == OD_OK && a->key != NULL)
		rc = sync_key_read_file(a->key, cert.data, &key, err);
	else if (rc == OD_OK)
		rc = pki_check_key(a->key_pem, cert.data, "the desk's new key",
				   err);
	if (rc == OD_OK)
		rc = same_shop_ca(sh->store, ca.data, err);
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
	char ca[4200], cert[4200], mark[8], *key = NULL;
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
	j->head_key_kept = j->head_key[0] != '\0';
	if ((url[0] == '\0' || pin[0] == '\0') &&
	    meta_read(s, SYNC_META_RESTORED, mark, sizeof mark, err) == OD_OK &&
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
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's log is "
				"shorter (%lld entries) than it signed before "
				"(%lld): history was removed; sync stopped and "
				"nothing here was changed", h->seq,
				j->seen_seq);
	return rc;
}

/* Sends a request and parses a 200 answer as a JSON object, retrying a
 * dropped connection; a 401 is the backend's trouble, not a refusal. */
static enum od_code call(struct sync_job *j, const char *method,
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
static enum od_code job_hold(struct sync_job *j, enum shop_access access,
			     struct od_err *err)
{
	return j->own_lock ? shop_hold(j->sh, access, err) : OD_OK;
}

/* Lets the store go after a step (see job_hold). */
static void job_let_go(struct sync_job *j)
{
	if (j->own_lock)
		shop_release(j->sh);
}

/* Rereads the synced head: another sync may have moved it. */
static enum od_code read_seen(struct sync_job *j, struct od_err *err)
{
	char num[32], hex[80];
	enum od_code rc;

	j->seen_seq = 0;
	memset(j->seen_hash, 0, 32);
	rc = meta_read(j->sh->store, META_SEEN_SEQ, num, sizeof num, err);
	if (rc == OD_OK)
		rc = meta_read(j->sh->store, META_SEEN, hex, sizeof hex, err);
	if (rc != OD_OK || num[0] == '\0')
		return rc;
	j->seen_seq = atoll(num);
	if (hex_decode("the last head", hex, j->seen_hash, 32, err) != OD_OK)
		return od_err_set(err, OD_E_TAMPERED, "the store's last sync "
				  "head is damaged");
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

	(void)err;
	if (r->seq == f->seq) {
		memcpy(f->hash, r->hash, 32);
		f->found = 1;
	}
	/* Only the one row is wanted: stop the walk there. */
	return r->seq >= f->seq ? OD_E_EXISTS : OD_OK;
}

/* Reads the chain hash of local entry seq (found 0 if there is none). */
static enum od_code local_hash(struct store *s, long long seq,
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

/* A push batch being gathered from the outbox. */
struct push {
	struct sync_job *j;
	long long cursor;     /* gather from cursor+1 */
	json_t *batch;
	long long *seqs;      /* local seq of each statement in the batch */
	size_t bytes;
	int full;
};

/* Adds one outbox entry to the batch; stops the walk when it is full. */
static enum od_code gather_cb(void *ctx, const struct log_record *r,
			      struct od_err *err)
{
	struct push *p = ctx;
	char sig[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	size_t n = json_array_size(p->batch);
	json_t *e;

	if (n >= SYNC_BATCH || (n > 0 && p->bytes + r->statement_len >
				SYNC_BATCH_BYTES)) {
		p->full = 1;
		return OD_E_EXISTS;   /* stops the walk; not an error */
	}
	b64_encode(r->signature, sizeof r->signature, sig);
	e = json_pack("{s:s%, s:s}", "statement", r->statement,
		      r->statement_len, "signature", sig);
	if (e == NULL || json_array_append_new(p->batch, e) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	p->seqs[n] = r->seq;
	p->bytes += r->statement_len;
	return OD_OK;
}

/* Keeps a refusal for the rebase (beyond the cap the rebase finds it). */
static void keep_refusal(struct sync_job *j, const char *id,
			 const char *reason)
{
	struct sync_refusal *r;

	if (id == NULL || strlen(id) != STMT_ID_LEN ||
	    j->nrefused >= SYNC_REFUSED_MAX)
		return;
	r = &j->refused[j->nrefused++];
	snprintf(r->id, sizeof r->id, "%s", id);
	snprintf(r->reason, sizeof r->reason, "%s", backend_call_text(reason));
}

/* What pushing the outbox found. */
struct pushed {
	long long exact_upto;  /* receipts matched local seqs up to here */
	struct head last;      /* the head of the last answer */
	int any;               /* something was sent */
};

enum od_code sync_receipt_read(struct json_t *r, struct sync_receipt *out,
			       struct od_err *err)
{
	const char *res = get_str(r, "result");

	memset(out, 0, sizeof *out);
	if (res != NULL && (strcmp(res, "accepted") == 0 ||
			    strcmp(res, "duplicate") == 0) &&
	    get_seq(r, "seq") > 0) {
		out->result = res[0] == 'a' ? SYNC_ACCEPTED : SYNC_DUPLICATE;
		out->seq = get_seq(r, "seq");
		return OD_OK;
	}
	if (res != NULL && strcmp(res, "refused") == 0) {
		out->result = SYNC_REFUSED;
		out->id = get_str(r, "id");
		out->reason = get_str(r, "reason");
		return OD_OK;
	}
	return od_err_set(err, OD_E_INPUT, "the backend sent a malformed "
			  "receipt");
}

/* Sends one gathered batch and reads its receipts. */
static enum od_code push_batch(struct push *p, struct pushed *out,
			       int *exact, struct od_err *err)
{
	json_t *body, *ans = NULL, *receipts;
	struct sync_receipt rcpt;
	char *text;
	size_t i, n = json_array_size(p->batch);
	long long top = 0, upto = out->exact_upto;
	enum od_code rc;

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
	if (!json_is_array(receipts) || json_array_size(receipts) != n)
		rc = od_err_set(err, OD_E_INPUT, "the backend's receipts do not "
				"match the batch");
	for (i = 0; rc == OD_OK && i < n; i++) {
		rc = sync_receipt_read(json_array_get(receipts, i), &rcpt, err);
		if (rc != OD_OK)
			break;
		/* Refused, this shop's founding would take every entry after
		 * it along in the rebase: the desk would lose its people. */
		if (rcpt.result == SYNC_REFUSED && p->seqs[i] == 1) {
			rc = od_err_set(err, OD_E_DENIED, "the backend refused "
					"this shop's founding entry (%.100s); sync"
					" stopped and nothing here was changed",
					backend_call_text(rcpt.reason));
			break;
		}
		if (rcpt.result == SYNC_REFUSED) {
			keep_refusal(p->j, rcpt.id, rcpt.reason);
			*exact = 0;
			continue;
		}
		if (rcpt.result == SYNC_ACCEPTED)
			p->j->rep->pushed++;
		if (rcpt.seq > top)
			top = rcpt.seq;
		if (*exact && rcpt.seq == p->seqs[i])
			upto = p->seqs[i];
		else
			*exact = 0;
	}
	if (rc == OD_OK)
		rc = check_head(p->j, json_object_get(ans, "head"), &out->last,
				err);
	/* Receipts are not signed, the head is: an entry the head does not
	 * cover was not appended, whatever its receipt says. */
	if (rc == OD_OK && top > out->last.seq)
		rc = od_err_set(err, OD_E_TAMPERED, "the backend's receipts "
				"name entry %lld, beyond its signed head (%lld): "
				"sync stopped, nothing counted as sent; tell the "
				"owner", top, out->last.seq);
	if (rc == OD_OK) {
		out->exact_upto = upto;
		out->any = 1;
	}
	json_decref(ans);
	return rc;
}

/*
 * Pushes the outbox (the entries after the synced head) in batches, the
 * store held only while a batch is gathered.  Statements signed meanwhile
 * are pushed too, in order.
 */
static enum od_code push_outbox(struct sync_job *j, struct pushed *out,
				struct od_err *err)
{
	long long seqs[SYNC_BATCH];
	struct push p;
	int exact = 1;
	enum od_code rc = OD_OK;

	memset(&p, 0, sizeof p);
	memset(out, 0, sizeof *out);
	out->exact_upto = j->seen_seq;
	p.j = j;
	p.cursor = j->seen_seq;
	p.seqs = seqs;
	p.batch = json_array();
	if (p.batch == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (;;) {
		json_array_clear(p.batch);
		p.bytes = 0;
		p.full = 0;
		rc = job_hold(j, SHOP_READ, err);
		if (rc != OD_OK)
			break;
		rc = store_log_each_after(j->sh->store, p.cursor, gather_cb, &p,
					  err);
		job_let_go(j);
		if (rc == OD_E_EXISTS && p.full)
			rc = OD_OK;
		if (rc != OD_OK || json_array_size(p.batch) == 0)
			break;
		rc = push_batch(&p, out, &exact, err);
		if (rc != OD_OK)
			break;
		p.cursor = seqs[json_array_size(p.batch) - 1];
	}
	json_decref(p.batch);
	return rc;
}

/* Moves the synced head to local entry seq, which the backend holds. */
static enum od_code advance_seen(struct sync_job *j, long long seq,
				 struct od_err *err)
{
	struct find_hash f;
	enum od_code rc = job_hold(j, SHOP_WRITE, err);

	if (rc != OD_OK)
		return rc;
	rc = read_seen(j, err);
	if (rc == OD_OK && seq > j->seen_seq)
		rc = local_hash(j->sh->store, seq, &f, err);
	if (rc == OD_OK && seq > j->seen_seq && f.found) {
		rc = store_begin(j->sh->store, err);
		if (rc == OD_OK)
			rc = sync_meta_seen(j->sh->store, seq, f.hash, err);
		if (rc == OD_OK)
			rc = store_commit(j->sh->store, err);
		else
			store_rollback(j->sh->store);
		if (rc == OD_OK) {
			j->seen_seq = seq;
			memcpy(j->seen_hash, f.hash, 32);
		}
	}
	job_let_go(j);
	return rc;
}

enum od_code sync_page_entry(struct json_t *e, struct log_record *r,
			     struct od_err *err)
{
	const char *sig64 = get_str(e, "signature");
	const char *hash = get_str(e, "hash");
	size_t n = 0;

	memset(r, 0, sizeof *r);
	r->seq = get_seq(e, "seq");
	r->statement = get_str(e, "statement");
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

/* Where a pull stands. */
struct pull {
	long long after;       /* the last entry applied or staged */
	int staging;           /* entries go to the staging table */
	struct head h;         /* the last head the backend signed */
};

/* Appends one pulled entry straight to the log (no outbox to move), its
 * signature checked ahead with the key checked (or NULL: here). */
static enum od_code apply_direct(struct sync_job *j, const struct log_record *r,
				 const uint8_t *checked, struct od_err *err)
{
	struct store *s = j->sh->store;
	uint8_t got[32];
	long long seq = 0;
	enum od_code rc;

	rc = sync_accept_pulled(s, r, checked, err);
	if (rc == OD_OK)
		rc = store_log_head(s, &seq, got, err);
	if (rc == OD_OK && memcmp(got, r->hash, 32) != 0)
		rc = sync_diverged(r->seq, err);
	/* Nothing waits here: no pulled entry is this desk's own. */
	if (rc == OD_OK)
		sync_rekeys_note(&j->rep->rekeys, r->statement,
				 r->statement_len, r->seq);
	return rc;
}

/*
 * Checks ahead, on every core, the signatures of the page's entries up to
 * the first malformed one (sync-verify.h); straight into the log only:
 * staged entries are checked by the rebase.
 */
static void check_page(struct sync_job *j, const struct pull *pl,
		       json_t *entries, struct sync_checked *c)
{
	size_t n = json_array_size(entries), m;
	struct log_record *recs;
	struct od_err ignore;

	memset(c, 0, sizeof *c);
	if (pl->staging || (recs = calloc(n ? n : 1, sizeof *recs)) == NULL)
		return;
	for (m = 0; m < n; m++)
		if (sync_page_entry(json_array_get(entries, m), &recs[m],
				    &ignore) != OD_OK)
			break;
	sync_check_ahead(j->sh->store, recs, m, c);
	free(recs);
}

/*
 * Takes one page in one transaction: straight into the log while this
 * desk has nothing waiting (the synced head moves with it), else into the
 * staging table for the rebase.
 */
static enum od_code take_page(struct sync_job *j, struct pull *pl,
			      json_t *entries, struct od_err *err)
{
	struct store *s = j->sh->store;
	struct sync_checked checked;
	struct log_record r;
	uint8_t hash[32];
	long long head, count = 0, rekeys = j->rep->rekeys.n;
	size_t i;
	enum od_code rc;

	memset(&checked, 0, sizeof checked);
	rc = store_begin(s, err);
	if (rc == OD_OK && !pl->staging) {
		rc = store_log_head(s, &head, hash, err);
		if (rc == OD_OK && (head != pl->after || j->nrefused > 0 ||
				    memcmp(hash, j->seen_hash, 32) != 0))
			pl->staging = 1;
		if (pl->staging && rc == OD_OK)
			rc = store_sync_tables(s, err);
		if (pl->staging && rc == OD_OK)
			rc = store_incoming_clear(s, err);
	}
	if (rc == OD_OK)
		check_page(j, pl, entries, &checked);
	for (i = 0; rc == OD_OK && i < json_array_size(entries); i++) {
		rc = sync_page_entry(json_array_get(entries, i), &r, err);
		if (rc == OD_OK && r.seq <= pl->after)
			continue;
		if (rc == OD_OK && r.seq != pl->after + 1)
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"page skips entries after %lld",
					pl->after);
		/* Only what a signed head covers enters the log. */
		if (rc == OD_OK && r.seq > pl->h.seq)
			rc = od_err_set(err, OD_E_TAMPERED, "the backend sent "
					"entry %lld beyond its signed head (%lld): "
					"sync stopped and nothing of the page was "
					"taken; tell the owner", r.seq, pl->h.seq);
		if (rc == OD_OK)
			rc = pl->staging ? store_incoming_add(s, &r, err)
					 : apply_direct(j, &r,
						sync_checked_key(&checked, i), err);
		if (rc == OD_OK) {
			pl->after = r.seq;
			memcpy(hash, r.hash, 32);
			count++;
		}
	}
	sync_checked_free(&checked);
	if (rc == OD_OK && !pl->staging && count > 0)
		rc = sync_meta_seen(s, pl->after, hash, err);
	if (rc == OD_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	/* The page's rekeys are not in the log after all. */
	if (rc != OD_OK)
		j->rep->rekeys.n = rekeys;
	if (rc == OD_OK && !pl->staging && count > 0) {
		j->seen_seq = pl->after;
		memcpy(j->seen_hash, hash, 32);
		j->rep->pulled += count;
	}
	return rc;
}

/* Pulls every entry after the synced head, page by page. */
static enum od_code pull(struct sync_job *j, struct pull *pl,
			 struct od_err *err)
{
	json_t *ans = NULL, *entries;
	char path[96];
	long long pages = 0;
	enum od_code rc;

	pl->after = j->seen_seq;
	for (;;) {
		snprintf(path, sizeof path, "/v1/log?after=%lld&limit=%d",
			 pl->after, PULL_PAGE);
		rc = call(j, "GET", path, NULL, &ans, err);
		if (rc != OD_OK)
			break;
		entries = json_object_get(ans, "entries");
		rc = check_head(j, json_object_get(ans, "head"), &pl->h, err);
		if (rc == OD_OK && !json_is_array(entries))
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"page is malformed");
		if (rc == OD_OK && pl->after < pl->h.seq &&
		    (json_array_size(entries) == 0 || ++pages > 1000000))
			rc = od_err_set(err, OD_E_INPUT, "the backend's log "
					"stops short of its head");
		if (rc == OD_OK && json_array_size(entries) > 0) {
			rc = job_hold(j, SHOP_WRITE, err);
			if (rc == OD_OK) {
				rc = take_page(j, pl, entries, err);
				job_let_go(j);
			}
		}
		json_decref(ans);
		ans = NULL;
		if (rc != OD_OK || pl->after >= pl->h.seq)
			break;
	}
	return rc;
}

/* Rebases the outbox on the staged entries (sync-rebase.h). */
static enum od_code rebase(struct sync_job *j, const struct head *h,
			   int staged, long long *waiting, struct od_err *err)
{
	struct sync_rebase_in in;
	struct sync_rebase_out out;
	enum od_code rc = job_hold(j, SHOP_WRITE, err);

	if (rc != OD_OK)
		return rc;
	rc = read_seen(j, err);
	memset(&in, 0, sizeof in);
	in.seen = j->seen_seq;
	memcpy(in.seen_hash, j->seen_hash, 32);
	in.target = h->seq;
	memcpy(in.target_hash, h->hash, 32);
	in.refused = j->refused;
	in.nrefused = j->nrefused;
	in.staged = staged;
	if (rc == OD_OK)
		rc = sync_rebase(j->sh->store, &in, &out, err);
	job_let_go(j);
	if (rc != OD_OK)
		return rc;
	j->seen_seq = h->seq;
	memcpy(j->seen_hash, h->hash, 32);
	j->nrefused = 0;
	j->rep->pulled += out.pulled;
	j->rep->conflicts += out.conflicts;
	sync_rekeys_add(&j->rep->rekeys, &out.rekeys);
	*waiting = out.waiting;
	return OD_OK;
}

/*
 * Keeps the key of the first head this desk verified: without it, every
 * sync would take whatever key the backend shows, and a head signed by
 * another key would prove nothing.
 */
static enum od_code keep_head_key(struct sync_job *j, struct od_err *err)
{
	const char *kv[2] = { META_HEADKEY, j->head_key };
	enum od_code rc;

	if (j->head_key_kept || j->head_key[0] == '\0')
		return OD_OK;
	rc = job_hold(j, SHOP_WRITE, err);
	if (rc != OD_OK)
		return rc;
	rc = meta_put(j->sh->store, kv, 1, err);
	job_let_go(j);
	if (rc == OD_OK)
		j->head_key_kept = 1;
	return rc;
}

/*
 * Before a desk's first sync: the shop CA it was given (DIR/backend/ca.pem)
 * must name this store's shop, before a byte is sent.
 */
static enum od_code first_contact(struct sync_job *j, struct od_err *err)
{
	char path[4200];
	struct buf ca;
	enum od_code rc;

	snprintf(path, sizeof path, "%s/%s/ca.pem", j->sh->dir, SYNC_DIR);
	buf_init(&ca, PEM_MAX);
	rc = load_pem(path, &ca, err);
	if (rc == OD_OK)
		rc = job_hold(j, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = same_shop_ca(j->sh->store, ca.data, err);
		job_let_go(j);
	}
	buf_free(&ca);
	return rc;
}

/*
 * A never-synced desk whose first entry is not the backend's: another
 * shop (or another founding of one of the same name).  Said as such,
 * nothing written.
 */
static enum od_code genesis_refusal(struct store *s, json_t *e0,
				    struct od_err *err)
{
	char ours[SHOP_NAME_MAX + 1], theirs[SHOP_NAME_MAX + 1] = "";
	const char *text = get_str(e0, "statement");
	struct statement *st = NULL;
	struct od_err ignore;
	enum od_code rc = local_shop(s, ours, sizeof ours, err);

	if (rc != OD_OK)
		return rc;
	if (text != NULL &&
	    statement_parse(text, strlen(text), &st, &ignore) == OD_OK &&
	    st->kind == STMT_SHOP_GENESIS)
		snprintf(theirs, sizeof theirs, "%s",
			 statement_get(st, "shop"));
	statement_free(st);
	if (theirs[0] != '\0' && strcmp(theirs, ours) != 0)
		return other_shop(theirs, ours, err);
	return od_err_set(err, OD_E_DENIED, "this backend serves another shop"
			  " (its log begins with another founding); this desk "
			  "is \"%.80s\"; nothing was changed", ours);
}

/* genesis_refusal for a sync under way (the store held for the read). */
static enum od_code another_genesis(struct sync_job *j, json_t *e0,
				    struct od_err *err)
{
	enum od_code rc = job_hold(j, SHOP_READ, err);

	if (rc != OD_OK)
		return rc;
	rc = genesis_refusal(j->sh->store, e0, err);
	job_let_go(j);
	return rc;
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
	enum od_code rc = local_hash(sh->store, 1, &f, err);

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
	hx = get_str(e0, "hash");
	if (get_seq(e0, "seq") == 1 && hx != NULL &&
	    hex_decode("a hash", hx, theirs, 32, &ignore) == OD_OK &&
	    memcmp(theirs, f.hash, 32) != 0)
		rc = genesis_refusal(sh->store, e0, err);
	json_decref(ans);
	tls_client_free(c);
	buf_free(&resp);
	return rc;
}

/*
 * Checks that the backend still holds this desk's synced history: its
 * entry at the synced head (or, never synced, its first entry) has the
 * same chain hash as ours.  Sets *h to the backend's head.
 */
static enum od_code probe(struct sync_job *j, struct head *h,
			  struct od_err *err)
{
	long long at = j->seen_seq > 0 ? j->seen_seq : 1;
	struct find_hash f;
	uint8_t theirs[32];
	json_t *ans = NULL, *e0;
	const char *hx;
	char path[96];
	enum od_code rc;

	/* Never synced: the backend must serve this shop (sync_attach checks
	 * this too, but an older orderdesk attached without it). */
	rc = j->seen_seq == 0 ? first_contact(j, err) : OD_OK;
	snprintf(path, sizeof path, "/v1/log?after=%lld&limit=1", at - 1);
	if (rc == OD_OK)
		rc = call(j, "GET", path, NULL, &ans, err);
	if (rc == OD_OK)
		rc = check_head(j, json_object_get(ans, "head"), h, err);
	if (rc == OD_OK && j->seen_seq == 0) {
		rc = job_hold(j, SHOP_READ, err);
		if (rc == OD_OK) {
			rc = local_hash(j->sh->store, 1, &f, err);
			job_let_go(j);
		}
	} else if (rc == OD_OK) {
		f.found = 1;
		memcpy(f.hash, j->seen_hash, 32);
	}
	/* A backend with no entries yet takes a founding desk's whole log. */
	if (rc == OD_OK && f.found && h->seq >= at) {
		e0 = json_array_get(json_object_get(ans, "entries"), 0);
		hx = get_str(e0, "hash");
		if (get_seq(e0, "seq") != at || hx == NULL ||
		    hex_decode("a hash", hx, theirs, 32, err) != OD_OK ||
		    memcmp(theirs, f.hash, 32) != 0)
			rc = j->seen_seq == 0 ? another_genesis(j, e0, err) :
						sync_diverged(at, err);
	}
	/* Only a backend whose history is ours teaches its key. */
	if (rc == OD_OK)
		rc = keep_head_key(j, err);
	json_decref(ans);
	return rc;
}

/*
 * One round: check the synced history, push the outbox, then either the
 * backend's head is ours (done) or pull what it has and rebase.  *more
 * says statements still wait (signed meanwhile, or placed again by the
 * rebase) and another round should push them.
 */
static enum od_code sync_round(struct sync_job *j, int *more,
			       struct od_err *err)
{
	struct pushed pushed;
	struct find_hash f;
	struct pull pl;
	struct head h;
	long long waiting = 0;
	enum od_code rc;

	*more = 0;
	j->nrefused = 0;
	rc = job_hold(j, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = read_seen(j, err);
		job_let_go(j);
	}
	if (rc == OD_OK)
		rc = probe(j, &h, err);
	if (rc == OD_OK)
		rc = push_outbox(j, &pushed, err);
	if (rc == OD_OK && pushed.exact_upto > j->seen_seq)
		rc = advance_seen(j, pushed.exact_upto, err);
	if (rc != OD_OK)
		return rc;
	if (pushed.any)
		h = pushed.last;
	/* The backend's head is an entry of this log: nothing to pull. */
	if (j->nrefused == 0 && h.seq <= pushed.exact_upto) {
		rc = job_hold(j, SHOP_READ, err);
		if (rc == OD_OK)
			rc = local_hash(j->sh->store, h.seq, &f, err);
		job_let_go(j);
		if (rc != OD_OK)
			return rc;
		if (h.seq > 0 && (!f.found || memcmp(f.hash, h.hash, 32) != 0))
			return sync_diverged(h.seq, err);
		if (h.seq > j->seen_seq)
			rc = advance_seen(j, h.seq, err);
		j->rep->head = h.seq;
		return rc;
	}
	memset(&pl, 0, sizeof pl);
	rc = pull(j, &pl, err);
	if (rc != OD_OK)
		return rc;
	if (pl.staging || j->nrefused > 0) {
		rc = rebase(j, &pl.h, pl.staging, &waiting, err);
		*more = rc == OD_OK && waiting > 0;
	} else if (j->seen_seq != pl.h.seq ||
		   memcmp(j->seen_hash, pl.h.hash, 32) != 0) {
		rc = sync_diverged(pl.h.seq, err);
	}
	j->rep->head = pl.h.seq;
	return rc;
}

/* Keeps how this attempt went, for the status line (best effort). */
static void note_outcome(struct sync_job *j, enum od_code rc,
			 const struct od_err *err)
{
	char now[32];
	const char *kv[8];
	struct od_err e2;
	size_t n = 0;

	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	kv[n++] = SYNC_META_LAST_TRY;
	kv[n++] = now;
	kv[n++] = SYNC_META_ONLINE;
	kv[n++] = j->reached ? "1" : "0";
	kv[n++] = SYNC_META_ERROR;
	kv[n++] = rc == OD_OK ? "" : err->msg;
	if (rc == OD_OK) {
		kv[n++] = SYNC_META_LAST_OK;
		kv[n++] = now;
	}
	if (job_hold(j, SHOP_WRITE, &e2) != OD_OK)
		return;
	meta_put(j->sh->store, kv, n / 2, &e2);
	job_let_go(j);
}

enum od_code sync_run(struct shop *sh, struct sync_report *rep,
		      struct od_err *err)
{
	return sync_run_until(sh, NULL, rep, err);
}

void sync_conn_close(struct sync_conn *c)
{
	tls_client_free(c->client);
	c->client = NULL;
}

enum od_code sync_run_until(struct shop *sh, const atomic_int *stop,
			    struct sync_report *rep, struct od_err *err)
{
	return sync_run_kept(sh, stop, NULL, rep, err);
}

enum od_code sync_run_kept(struct shop *sh, const atomic_int *stop,
			   struct sync_conn *keep, struct sync_report *rep,
			   struct od_err *err)
{
	struct sync_job j;
	long long total, unacked;
	long connects = 0;
	int round, more = 1;
	enum od_code rc;

	memset(&j, 0, sizeof j);
	memset(rep, 0, sizeof *rep);
	j.sh = sh;
	j.keep = keep;
	j.stop = stop;
	j.rep = rep;
	j.own_lock = sh->store == NULL;
	buf_init(&j.resp, SYNC_MAX_RESPONSE);
	j.refused = calloc(SYNC_REFUSED_MAX, sizeof *j.refused);
	if (j.refused == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = job_hold(&j, SHOP_READ, err);
	if (rc == OD_OK) {
		rc = store_conflict_count(sh->store, &total, &unacked,
					  &rep->first_conflict, err);
		if (rc == OD_OK)
			rc = job_open(&j, err);
		job_let_go(&j);
	}
	if (j.client != NULL)
		connects = tls_client_connects(j.client);
	rep->first_conflict++;
	for (round = 0; rc == OD_OK && more && round < SYNC_ROUNDS; round++) {
		if (stop != NULL && atomic_load(stop)) {
			rc = od_err_set(err, OD_E_IO, "the sync was stopped: "
					"the desk is locking or closing");
			break;
		}
		rc = sync_round(&j, &more, err);
	}
	if (rc == OD_OK || j.client != NULL)
		note_outcome(&j, rc, err);
	if (rc == OD_OK && job_hold(&j, SHOP_READ, err) == OD_OK) {
		store_log_count_after(sh->store, j.seen_seq, &rep->waiting,
				      err);
		job_let_go(&j);
	}
	/*
	 * People last: their bundles are checked against the log just
	 * synced (app/sync/people-sync.h).  The store is held for the few small
	 * requests this takes, as the slots and the store change together.
	 */
	if (rc == OD_OK) {
		rc = job_hold(&j, SHOP_WRITE, err);
		if (rc == OD_OK) {
			/* The backend's checkpoint must extend this log. */
			rc = sync_checkpoint(sh->store, &(struct backend_call){
				j.client, &j.resp, SYNC_TRIES, j.stop, 0 },
				j.seen_seq, rep->checkpoint_warning,
				sizeof rep->checkpoint_warning, err);
			if (rc == OD_OK)
				rc = people_sync(sh, j.client, &rep->people,
						 err);
			job_let_go(&j);
		}
	}
	if (j.client != NULL)
		rep->connects = tls_client_connects(j.client) - connects;
	/* After a failure the next sync starts afresh. */
	if (rc == OD_OK && keep != NULL) {
		keep->client = j.client;
		j.client = NULL;
	}
	tls_client_free(j.client);
	buf_free(&j.resp);
	free(j.refused);
	return rc;
}

enum od_code sync_client(struct shop *sh, struct tls_client **out,
			 struct od_err *err)
{
	struct sync_job j;
	enum od_code rc;

	memset(&j, 0, sizeof j);
	j.sh = sh;
	rc = job_open(&j, err);
	*out = rc == OD_OK ? j.client : NULL;
	if (rc != OD_OK)
		tls_client_free(j.client);
	return rc;
}
