/* witness.c - C2SP tlog-witness: verify, persist, then cosign. */
#include "app/witness/witness.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "app/keys/sigkey.h"
#include "app/log/cosignature.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/merkle.h"
#include "lib/secret.h"

#define DEFAULT_NAME "orderdesk-witness"
#define FILE_MAX     (WITNESS_LOGS_MAX * 400)

struct witness {
	char *dir;
	char name[CHECKPOINT_NAME_MAX + 1];
	struct sigkey *key;
	struct note_verifier logs[WITNESS_LOGS_MAX];
	size_t nlogs;
	pthread_mutex_t lock;   /* one check-and-persist at a time */
};

/* Reads path (at most cap bytes) into out; a missing file: OD_E_NOTFOUND. */
static enum od_code read_file(const char *path, size_t cap, struct buf *out,
			      struct od_err *err)
{
	enum od_code rc;

	buf_init(out, cap);
	rc = file_read_capped(path, cap, 1, out, err);
	if (rc != OD_OK)
		buf_free(out);
	return rc;
}

/* Makes a new key named name in path. */
static enum od_code new_key(const char *path, const char *name,
			    struct od_err *err)
{
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN] = { 0 };
	char seed64[b64_encoded_len(SIGKEY_SEED_LEN) + 1];
	struct note_verifier v;
	struct buf b;
	enum od_code rc = cosigner_make(name, pub, &v, err);

	if (rc != OD_OK)
		return od_err_set(err, OD_E_USAGE, "a witness name is printable"
				  " text without spaces or '+' (a URL without "
				  "its scheme, say)");
	rc = sigkey_generate_seed(seed, err);
	if (rc != OD_OK)
		return rc;
	b64_encode(seed, sizeof seed, seed64);
	buf_init(&b, 512);
	rc = buf_addf(&b, err, "%s\n%s\n", name, seed64);
	if (rc == OD_OK)
		rc = file_write_atomic(path, b.data, b.len, err);
	buf_free(&b);
	secret_wipe(seed, sizeof seed);
	secret_wipe(seed64, sizeof seed64);
	return rc;
}

/* Loads the key in path into w. */
static enum od_code load_key(struct witness *w, const char *path,
			     struct od_err *err)
{
	uint8_t seed[SIGKEY_SEED_LEN + 1];
	struct buf b;
	char *nl, *nl2;
	size_t n = 0;
	enum od_code rc = read_file(path, 1024, &b, err);

	if (rc != OD_OK)
		return rc;
	nl = b.data ? strchr(b.data, '\n') : NULL;
	nl2 = nl ? strchr(nl + 1, '\n') : NULL;
	if (nl == NULL || nl2 == NULL || nl2[1] != '\0' ||
	    (size_t)(nl - b.data) > CHECKPOINT_NAME_MAX ||
	    b64_decode("the witness key", nl + 1, (size_t)(nl2 - nl - 1), seed,
		       sizeof seed, &n, err) != OD_OK || n != SIGKEY_SEED_LEN)
		rc = od_err_set(err, OD_E_INPUT, "%s is not a witness key "
				"(NAME and a base64 seed, a line each); "
				"restore it from a backup", path);
	if (rc == OD_OK) {
		memcpy(w->name, b.data, (size_t)(nl - b.data));
		w->name[nl - b.data] = '\0';
		rc = sigkey_from_seed(seed, &w->key, err);
	}
	secret_wipe(seed, sizeof seed);
	buf_free(&b);
	return rc;
}

/* Loads dir's logs file (none yet: no logs) into w. */
static enum od_code load_logs(struct witness *w, struct od_err *err)
{
	char path[4096], *p, *nl;
	struct buf b;
	enum od_code rc;

	snprintf(path, sizeof path, "%s/logs", w->dir);
	rc = read_file(path, FILE_MAX, &b, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	for (p = b.data; rc == OD_OK && p != NULL && *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		if (w->nlogs == WITNESS_LOGS_MAX)
			rc = od_err_set(err, OD_E_INPUT, "%s names over %d logs",
					path, WITNESS_LOGS_MAX);
		else if (note_verifier_parse(p, &w->logs[w->nlogs++], err)
			 != OD_OK)
			rc = od_err_set(err, OD_E_INPUT, "%s: \"%.60s\" is not "
					"a log key (as `orderdeskd key` prints "
					"it)", path, p);
	}
	buf_free(&b);
	return rc;
}

enum od_code witness_open(const char *dir, const char *name,
			  struct witness **out, struct od_err *err)
{
	struct witness *w;
	char path[4096];
	enum od_code rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot make %s: %s", dir,
				  strerror(errno));
	rc = file_check_private_dir(dir, 1, err);
	if (rc != OD_OK)
		return rc;
	w = calloc(1, sizeof *w);
	if (w == NULL || (w->dir = strdup(dir)) == NULL) {
		free(w);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	pthread_mutex_init(&w->lock, NULL);
	snprintf(path, sizeof path, "%s/witness.key", dir);
	if (access(path, F_OK) != 0)
		rc = new_key(path, name ? name : DEFAULT_NAME, err);
	if (rc == OD_OK)
		rc = load_key(w, path, err);
	if (rc == OD_OK && name != NULL && strcmp(name, w->name) != 0)
		rc = od_err_set(err, OD_E_USAGE, "this witness is named %s "
				"already; leave out --name", w->name);
	if (rc == OD_OK)
		rc = load_logs(w, err);
	if (rc != OD_OK) {
		witness_close(w);
		return rc;
	}
	*out = w;
	return OD_OK;
}

void witness_close(struct witness *w)
{
	if (w == NULL)
		return;
	sigkey_free(w->key);
	pthread_mutex_destroy(&w->lock);
	free(w->dir);
	free(w);
}

void witness_key(const struct witness *w, struct note_verifier *v)
{
	uint8_t pub[SIGKEY_PUB_LEN];

	sigkey_public(w->key, pub);
	cosigner_make(w->name, pub, v, &(struct od_err){ 0 });
}

/* Whether text (NULL: none) has the whole line line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	     p = p ? p + 1 : NULL)
		if (strncmp(p, line, n) == 0 && p[n] == '\n')
			return 1;
	return 0;
}

enum od_code witness_add_log(const char *dir, const char *vkey,
			     struct od_err *err)
{
	struct note_verifier v;
	char path[4096];
	struct buf b;
	enum od_code rc = note_verifier_parse(vkey, &v, err);

	if (rc != OD_OK)
		return rc;
	snprintf(path, sizeof path, "%s/logs", dir);
	rc = read_file(path, FILE_MAX, &b, err);
	if (rc == OD_E_NOTFOUND) {
		buf_init(&b, FILE_MAX);
		rc = OD_OK;
	}
	if (rc == OD_OK && has_line(b.data, vkey)) {
		buf_free(&b);
		return OD_OK;
	}
	if (rc == OD_OK)
		rc = buf_addf(&b, err, "%s\n", vkey);
	if (rc == OD_OK)
		rc = file_write_atomic(path, b.data, b.len, err);
	buf_free(&b);
	return rc;
}

/* A request: its old size, its proof and where its checkpoint note is. */
struct add_req {
	uint64_t old;
	struct merkle_proof proof;
	const char *note;
	size_t note_len;
};

/* Parses a decimal without leading zeros from [p, end) into *v. */
static int parse_size(const char *p, const char *end, uint64_t *v)
{
	uint64_t x = 0;

	if (p == end || (p[0] == '0' && end - p > 1) || end - p > 19)
		return 0;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	*v = x;
	return x <= (uint64_t)INT64_MAX;
}

/* Parses the body: "old N\n", up to 63 hash lines, "\n", the note. */
static int parse_body(const char *body, size_t len, struct add_req *r)
{
	const char *p = body, *end = body + len, *nl;
	size_t n;
	struct od_err err;

	nl = memchr(p, '\n', len);
	if (nl == NULL || nl - p < 5 || memcmp(p, "old ", 4) != 0 ||
	    !parse_size(p + 4, nl, &r->old))
		return 0;
	r->proof.n = 0;
	for (p = nl + 1; p < end && *p != '\n'; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || r->proof.n == 63 ||
		    b64_decode("a proof line", p, (size_t)(nl - p),
			       r->proof.hash[r->proof.n], MERKLE_HASH_LEN, &n,
			       &err) != OD_OK || n != MERKLE_HASH_LEN)
			return 0;
		r->proof.n++;
	}
	if (p >= end)
		return 0;
	r->note = p + 1;
	r->note_len = (size_t)(end - p - 1);
	return 1;
}

/* The log whose origin begins the note, or NULL. */
static const struct note_verifier *find_log(const struct witness *w,
					    const char *note, size_t len)
{
	const char *nl = memchr(note, '\n', len);
	size_t i, n;

	if (nl == NULL)
		return NULL;
	n = (size_t)(nl - note);
	for (i = 0; i < w->nlogs; i++)
		if (strlen(w->logs[i].name) == n &&
		    memcmp(w->logs[i].name, note, n) == 0)
			return &w->logs[i];
	return NULL;
}

/* The path of log's state file into path. */
static void state_path(const struct witness *w, const char *origin,
		       char *path, size_t size)
{
	uint8_t h[32];
	char hex[17];

	gnutls_hash_fast(GNUTLS_DIG_SHA256, origin, strlen(origin), h);
	hex_encode(h, 8, hex);
	snprintf(path, size, "%s/log-%s.note", w->dir, hex);
}

/* The checkpoint w cosigned last of log (size 0, empty root: none). */
static enum od_code load_state(const struct witness *w,
			       const struct note_verifier *log,
			       struct checkpoint *c, struct od_err *err)
{
	char path[4096];
	struct buf b;
	enum od_code rc;

	state_path(w, log->name, path, sizeof path);
	rc = read_file(path, CHECKPOINT_NOTE_MAX, &b, err);
	if (rc == OD_E_NOTFOUND) {
		memset(c, 0, sizeof *c);
		gnutls_hash_fast(GNUTLS_DIG_SHA256, "", 0, c->root);
		return OD_OK;
	}
	if (rc == OD_OK)
		rc = checkpoint_open(b.data ? b.data : "", b.len, log, c, err);
	buf_free(&b);
	if (rc != OD_OK)
		return od_err_set(err, OD_E_TAMPERED, "%s does not hold a "
				  "checkpoint of %s: %s", path, log->name,
				  err->msg);
	return OD_OK;
}

/* Sets out to the one line msg and returns status. */
static unsigned answer(struct buf *out, unsigned status, const char *msg)
{
	struct od_err err;

	buf_reset(out);
	buf_addf(out, &err, "%s\n", msg);
	return status;
}

/* Checks r's checkpoint c against the kept state, under w's lock. */
static unsigned check_and_keep(struct witness *w, const struct add_req *r,
			       const struct note_verifier *log,
			       const struct checkpoint *c, struct buf *out)
{
	struct checkpoint kept;
	struct od_err err;
	char path[4096];
	enum od_code rc;

	if (load_state(w, log, &kept, &err) != OD_OK)
		return answer(out, 500, err.msg);
	if (r->old != kept.size) {
		buf_reset(out);
		buf_addf(out, &err, "%llu\n", (unsigned long long)kept.size);
		return 409;
	}
	if (r->old == c->size && r->proof.n == 0 &&
	    memcmp(kept.root, c->root, MERKLE_HASH_LEN) != 0) {
		buf_reset(out);
		buf_addf(out, &err, "%llu\n", (unsigned long long)kept.size);
		return 409;
	}
	if (r->old == 0 ? r->proof.n != 0 :
	    merkle_check_consistency(r->old, c->size, kept.root, c->root,
				     &r->proof, &err) != OD_OK)
		return answer(out, 422, "the consistency proof does not verify");
	state_path(w, log->name, path, sizeof path);
	rc = file_write_atomic(path, r->note, r->note_len, &err);
	return rc == OD_OK ? 200 : answer(out, 500, err.msg);
}

unsigned witness_add_checkpoint(struct witness *w, const char *body,
				size_t len, uint64_t now, struct buf *out)
{
	const struct note_verifier *log;
	struct add_req r;
	struct checkpoint c;
	struct od_err err;
	size_t text_len;
	unsigned status;
	enum od_code rc;

	if (!parse_body(body, len, &r))
		return answer(out, 400, "the body is \"old N\", up to 63 base64 "
			      "hashes, a blank line and a checkpoint, a line "
			      "each");
	log = find_log(w, r.note, r.note_len);
	if (log == NULL)
		return answer(out, 404, "this witness does not witness that "
			      "log");
	rc = checkpoint_open(r.note, r.note_len, log, &c, &err);
	if (rc == OD_OK)
		rc = note_open(r.note, r.note_len, log, &text_len, &err);
	if (rc != OD_OK)
		return answer(out, rc == OD_E_TAMPERED ? 403 : 400, err.msg);
	if (r.old > c.size)
		return answer(out, 400, "the old size is past the checkpoint's");
	pthread_mutex_lock(&w->lock);
	status = check_and_keep(w, &r, log, &c, out);
	pthread_mutex_unlock(&w->lock);
	if (status != 200)
		return status;
	/* Kept on disk: only now may a cosignature of it leave. */
	buf_reset(out);
	rc = cosignature_sign(r.note, text_len, w->name, w->key, now, out,
			      &err);
	return rc == OD_OK ? 200 : answer(out, 500, err.msg);
}

const char *witness_content_type(unsigned status)
{
	return status == 409 ? "text/x.tlog.size" : "text/plain; charset=utf-8";
}
