/* backend.c - orderdeskd's directory, store, signed heads and routes. */
#include "app/orderdeskd/backend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/log/fold.h"
#include "app/import/import.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/keys/pki.h"
#include "app/log/statement.h"
#include "app/log/checkpoint.h"
#include "app/log/wire.h"
#include "app/orderdeskd/events.h"
#include "app/orderdeskd/routes.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"

#define KEY_MAGIC      "orderdeskd-key/1"
#define SF_KEY_MAGIC   "orderdeskd-storefront-key/1"
#define CONF_MAX_BYTES 8192
#define PEM_MAX_BYTES  (64 * 1024)

struct backend {
	struct store *store;
	struct sigkey *head_key;
	uint8_t head_pub[SIGKEY_PUB_LEN];
	char shop[160];
	char dir[4096];
	int lock_fd;
	unsigned max_batch;
	unsigned max_page;
	/* The revoked serials as last read (sorted), and which file that
	 * was: reread when the inode, size or time changes. */
	char **revoked;
	size_t nrevoked;
	int rv_state;            /* 0 not read, 1 read or absent, -1 bad */
	ino_t rv_ino;
	off_t rv_size;
	struct timespec rv_mtime;
};

static void revoked_drop(struct backend *b);

void backend_config_default(struct backend_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->address, sizeof cfg->address, "127.0.0.1");
	cfg->port = 8443;
	cfg->max_connections = 64;
	cfg->max_per_ip = 16;
	cfg->max_body = 4 * 1024 * 1024;
	cfg->timeout_s = 15;
	cfg->request_time_s = 30;
	cfg->max_batch = 500;
	cfg->max_page = 1000;
	cfg->join_ttl_s = 24 * 3600;
	cfg->join_fails = 10;
}

enum od_code backend_config_listen(struct backend_config *cfg,
				   const char *spec, struct od_err *err)
{
	const char *colon = strrchr(spec, ':');
	struct in_addr a;
	char addr[64], *end;
	unsigned long port;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof addr)
		goto bad;
	memcpy(addr, spec, (size_t)(colon - spec));
	addr[colon - spec] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (inet_pton(AF_INET, addr, &a) != 1 || colon[1] == '\0' || *end ||
	    errno || port > 65535)
		goto bad;
	snprintf(cfg->address, sizeof cfg->address, "%s", addr);
	cfg->port = (unsigned)port;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_USAGE, "listen on ADDRESS:PORT, e.g. "
			  "127.0.0.1:8443 (IPv4), not %.64s", spec);
}

/* Parses a positive decimal no larger than max. */
static int parse_count(const char *s, unsigned long long max,
		       unsigned long long *out)
{
	char *end;

	if (*s < '1' || *s > '9')
		return 0;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return *end == '\0' && errno == 0 && *out <= max;
}

/* Applies one "name = value" line of the configuration. */
static enum od_code config_line(struct backend_config *cfg, char *line,
				int lineno, struct od_err *err)
{
	char *eq = strchr(line, '='), *name = line, *value, *p;
	unsigned long long n = 0;

	while (*name == ' ' || *name == '\t')
		name++;
	if (*name == '\0' || *name == '#')
		return OD_OK;
	if (eq == NULL)
		goto bad;
	value = eq + 1;
	for (p = eq; p > name && (p[-1] == ' ' || p[-1] == '\t'); p--)
		;
	*p = '\0';
	while (*value == ' ' || *value == '\t')
		value++;
	for (p = value + strlen(value); p > value &&
	     (p[-1] == ' ' || p[-1] == '\t'); p--)
		;
	*p = '\0';
	if (strcmp(name, "listen") == 0)
		return backend_config_listen(cfg, value, err) == OD_OK ? OD_OK :
		       od_err_set(err, OD_E_INPUT, "%s line %d: listen = "
				  "ADDRESS:PORT", BACKEND_CONF_FILE, lineno);
	if (strcmp(name, "witness") == 0)
		return witness_conf_line(&cfg->witnesses, value, lineno, err);
	if (strcmp(name, "max_connections") == 0 &&
	    parse_count(value, 100000, &n))
		cfg->max_connections = (unsigned)n;
	else if (strcmp(name, "max_per_ip") == 0 &&
		 parse_count(value, 100000, &n))
		cfg->max_per_ip = (unsigned)n;
	else if (strcmp(name, "max_body") == 0 &&
		 parse_count(value, 256ULL * 1024 * 1024, &n))
		cfg->max_body = (size_t)n;
	else if (strcmp(name, "timeout") == 0 && parse_count(value, 3600, &n))
		cfg->timeout_s = (unsigned)n;
	else if (strcmp(name, "request_time") == 0 &&
		 parse_count(value, 3600, &n))
		cfg->request_time_s = (unsigned)n;
	else if (strcmp(name, "max_batch") == 0 &&
		 parse_count(value, 100000, &n))
		cfg->max_batch = (unsigned)n;
	else if (strcmp(name, "max_page") == 0 &&
		 parse_count(value, 100000, &n))
		cfg->max_page = (unsigned)n;
	else if (strcmp(name, "join_ttl") == 0 &&
		 parse_count(value, 30 * 24 * 3600, &n))
		cfg->join_ttl_s = (unsigned)n;
	else if (strcmp(name, "join_fails") == 0 &&
		 parse_count(value, 100000, &n))
		cfg->join_fails = (unsigned)n;
	else
		goto bad;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "%s line %d: expected one of listen, "
			  "max_connections, max_per_ip, max_body, timeout, "
			  "request_time, max_batch, max_page, join_ttl, join_fails "
			  "= a positive number",
			  BACKEND_CONF_FILE, lineno);
}

/* Reads a whole small file of dir into *out (NUL-terminated, capped). */
static enum od_code read_small(const char *dir, const char *name, size_t cap,
			       int private, char **out, size_t *len,
			       struct od_err *err)
{
	char path[4096];
	struct buf b;
	struct stat st;
	char chunk[4096];
	ssize_t n;
	int fd;
	enum od_code rc = OD_OK;

	*out = NULL;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return od_err_set(err, errno == ENOENT ? OD_E_NOTFOUND :
				  OD_E_IO, "cannot read %.200s: %s", path,
				  strerror(errno));
	if (private && (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0)) {
		close(fd);
		return od_err_set(err, OD_E_AUTH, "%.200s may be read by "
				  "others; chmod 600 it (and consider the key "
				  "exposed)", path);
	}
	buf_init(&b, cap);
	while (rc == OD_OK && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = od_err_set(err, OD_E_IO, "cannot read %.200s: %s",
					path, strerror(errno));
		else if (buf_add(&b, chunk, (size_t)n, err) != OD_OK)
			rc = od_err_set(err, OD_E_INPUT, "%.200s is larger "
					"than %zu bytes", path, cap);
	}
	secret_wipe(chunk, sizeof chunk);
	close(fd);
	if (rc == OD_OK && b.data == NULL)
		rc = buf_adds(&b, "", err);
	if (rc != OD_OK) {
		buf_free(&b);
		return rc;
	}
	if (len != NULL)
		*len = b.len;
	*out = buf_take(&b);
	return OD_OK;
}

enum od_code backend_config_load(const char *dir, struct backend_config *cfg,
				 struct od_err *err)
{
	char *text = NULL, *line, *next;
	enum od_code rc;
	int lineno = 0;

	rc = read_small(dir, BACKEND_CONF_FILE, CONF_MAX_BYTES, 0, &text, NULL,
			err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	for (line = text; rc == OD_OK && line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		rc = config_line(cfg, line, ++lineno, err);
	}
	free(text);
	return rc;
}

enum od_code backend_read_pem(const char *dir, const char *name, char **pem,
			      struct od_err *err)
{
	return read_small(dir, name, PEM_MAX_BYTES,
			  strstr(name, ".key") != NULL, pem, NULL, err);
}

/* Writes a new file dir/name (which must not exist) durably, mode 0600. */
static enum od_code write_new(const char *dir, const char *name,
			      const void *p, size_t len, struct od_err *err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s",
				  path, strerror(errno));
	if (write(fd, p, len) != (ssize_t)len || fsync(fd) != 0) {
		int e = errno;

		close(fd);
		return od_err_set(err, e == ENOSPC ? OD_E_NOSPACE : OD_E_IO,
				  "cannot write %.200s: %s", path,
				  strerror(e));
	}
	if (close(fd) != 0)
		return od_err_set(err, OD_E_IO, "cannot write %.200s: %s",
				  path, strerror(errno));
	return OD_OK;
}

/* Writes both halves of a certificate as NAME.pem and NAME.key. */
static enum od_code write_pair(const char *dir, const char *name,
			       const char *cert, const char *key,
			       struct od_err *err)
{
	char file[64];
	enum od_code rc;

	snprintf(file, sizeof file, "%s.pem", name);
	rc = write_new(dir, file, cert, strlen(cert), err);
	if (rc == OD_OK) {
		snprintf(file, sizeof file, "%s.key", name);
		rc = write_new(dir, file, key, strlen(key), err);
	}
	return rc;
}

/* Reads backend.key: the store's data key and the head-signing seed. */
static enum od_code read_key_file(const char *dir,
				  uint8_t data_key[STORE_KEY_LEN],
				  uint8_t seed[SIGKEY_SEED_LEN],
				  struct od_err *err)
{
	/* "orderdeskd-key/1\ndata: HEX\nsign: HEX\n" */
	const size_t head = sizeof KEY_MAGIC + 6, want = head + 64 + 7 + 65;
	char *text = NULL, hex_a[65], hex_b[65];
	size_t len = 0;
	enum od_code rc;

	rc = read_small(dir, BACKEND_KEY_FILE, 512, 1, &text, &len, err);
	if (rc != OD_OK)
		return rc;
	if (len == want) {
		memcpy(hex_a, text + head, 64);
		memcpy(hex_b, text + head + 64 + 7, 64);
	}
	hex_a[64] = hex_b[64] = '\0';
	if (len != want || memcmp(text, KEY_MAGIC "\ndata: ", head) != 0 ||
	    memcmp(text + head + 64, "\nsign: ", 7) != 0 ||
	    text[len - 1] != '\n' ||
	    hex_decode("the data key", hex_a, data_key, STORE_KEY_LEN,
		       err) != OD_OK ||
	    hex_decode("the signing key", hex_b, seed, SIGKEY_SEED_LEN,
		       err) != OD_OK)
		rc = od_err_set(err, OD_E_TAMPERED, "%s in %.200s is damaged",
				BACKEND_KEY_FILE, dir);
	secret_wipe(hex_a, sizeof hex_a);
	secret_wipe(hex_b, sizeof hex_b);
	secret_wipe(text, len);
	free(text);
	return rc;
}

/* Makes the first desk's bundle: the CA and a client certificate. */
static enum od_code make_join(const char *dir, const char *ca_cert,
			      const char *ca_key, struct od_err *err)
{
	char path[4096], *cert = NULL, *key = NULL;
	enum od_code rc;

	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_JOIN_DIR);
	if (mkdir(path, 0700) != 0)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s",
				  path, strerror(errno));
	rc = pki_make_leaf(ca_cert, ca_key, PKI_CLIENT, "desk-1", NULL, 0,
			   &cert, &key, err);
	if (rc == OD_OK)
		rc = write_pair(path, "desk", cert, key, err);
	if (rc == OD_OK)
		rc = write_new(path, "ca.pem", ca_cert, strlen(ca_cert), err);
	free(cert);
	secret_free_str(key);
	return rc;
}

/* The log's verifier key as text into out[size]. */
static enum od_code log_key_text(const char *shop,
				 const uint8_t pub[SIGKEY_PUB_LEN], char *out,
				 size_t size, struct od_err *err)
{
	struct note_verifier v;
	struct buf b;
	enum od_code rc = checkpoint_log_key(shop, pub, &v, err);

	buf_init(&b, size - 1);
	if (rc == OD_OK)
		rc = note_verifier_text(&v, &b, err);
	if (rc == OD_OK)
		snprintf(out, size, "%s", b.data);
	buf_free(&b);
	return rc;
}

enum od_code backend_init(const char *dir, const char *shop,
			  const char *const *hosts, size_t nhosts,
			  struct backend_init_report *rep, struct od_err *err)
{
	const char *names[BACKEND_HOSTS_MAX + 2] = { "127.0.0.1", "localhost" };
	uint8_t data_key[STORE_KEY_LEN], seed[SIGKEY_SEED_LEN];
	uint8_t pub[SIGKEY_PUB_LEN];
	char *ca_cert = NULL, *ca_key = NULL, *srv_cert = NULL, *srv_key = NULL;
	char keytext[192], hex_a[65], hex_b[65], path[4096];
	struct sigkey *k = NULL;
	struct store *s = NULL;
	size_t i;
	enum od_code rc;

	memset(rep, 0, sizeof *rep);
	if (nhosts > BACKEND_HOSTS_MAX)
		return od_err_set(err, OD_E_USAGE, "at most %d --host names",
				  BACKEND_HOSTS_MAX);
	for (i = 0; i < nhosts; i++)
		names[2 + i] = hosts[i];
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s", dir,
				  strerror(errno));
	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_KEY_FILE);
	if (access(path, F_OK) == 0)
		return od_err_set(err, OD_E_EXISTS, "%.200s already holds a "
				  "backend; choose another --dir", dir);
	rc = sigkey_random(data_key, sizeof data_key, err);
	if (rc == OD_OK)
		rc = sigkey_generate_seed(seed, err);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &k, err);
	if (rc != OD_OK)
		goto out;
	sigkey_public(k, pub);
	b64_encode(pub, sizeof pub, rep->head_key);
	rc = log_key_text(shop, pub, rep->log_key, sizeof rep->log_key, err);
	if (rc != OD_OK)
		goto out;
	hex_encode(data_key, sizeof data_key, hex_a);
	hex_encode(seed, sizeof seed, hex_b);
	snprintf(keytext, sizeof keytext, "%s\ndata: %s\nsign: %s\n",
		 KEY_MAGIC, hex_a, hex_b);
	secret_wipe(hex_a, sizeof hex_a);
	secret_wipe(hex_b, sizeof hex_b);
	rc = write_new(dir, BACKEND_KEY_FILE, keytext, strlen(keytext), err);
	secret_wipe(keytext, sizeof keytext);
	if (rc == OD_OK)
		rc = pki_make_ca(shop, &ca_cert, &ca_key, err);
	if (rc == OD_OK)
		rc = write_pair(dir, "ca", ca_cert, ca_key, err);
	if (rc == OD_OK)
		rc = pki_make_leaf(ca_cert, ca_key, PKI_SERVER, "orderdeskd",
				   names, nhosts + 2, &srv_cert, &srv_key, err);
	if (rc == OD_OK)
		rc = write_pair(dir, "server", srv_cert, srv_key, err);
	if (rc == OD_OK)
		rc = pki_pin(srv_cert, rep->pin, err);
	if (rc == OD_OK)
		rc = make_join(dir, ca_cert, ca_key, err);
	if (rc == OD_OK) {
		static const char conf[] =
			"# orderdeskd limits; reread on SIGHUP\n"
			"listen = 127.0.0.1:8443\nmax_connections = 64\n"
			"max_per_ip = 16\nmax_body = 4194304\ntimeout = 15\n"
			"request_time = 30\n"
			"max_batch = 500\nmax_page = 1000\n";

		rc = write_new(dir, BACKEND_CONF_FILE, conf, sizeof conf - 1,
			       err);
	}
	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_DB_FILE);
	if (rc == OD_OK)
		rc = store_create(path, data_key, &s, err);
	if (rc == OD_OK)
		rc = store_begin(s, err);
	if (rc == OD_OK) {
		rc = store_meta_set(s, "backend.shop", shop, err);
		if (rc == OD_OK)
			rc = store_commit(s, err);
		else
			store_rollback(s);
	}
out:
	store_close(s);
	sigkey_free(k);
	secret_wipe(data_key, sizeof data_key);
	secret_wipe(seed, sizeof seed);
	free(ca_cert);
	free(srv_cert);
	secret_free_str(ca_key);
	secret_free_str(srv_key);
	return rc;
}

void backend_close(struct backend *b)
{
	if (b == NULL)
		return;
	store_close(b->store);
	sigkey_free(b->head_key);
	revoked_drop(b);
	if (b->lock_fd >= 0)
		close(b->lock_fd);
	free(b);
}

enum od_code backend_open(const char *dir, int serve, struct backend **out,
			  struct od_err *err)
{
	uint8_t data_key[STORE_KEY_LEN], seed[SIGKEY_SEED_LEN];
	struct backend *b;
	char path[4096], *shop = NULL;
	enum od_code rc;

	*out = NULL;
	b = calloc(1, sizeof *b);
	if (b == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	b->lock_fd = -1;
	b->max_batch = 500;
	b->max_page = 1000;
	snprintf(b->dir, sizeof b->dir, "%s", dir);
	if (serve) {
		snprintf(path, sizeof path, "%s/lock", dir);
		b->lock_fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW |
				  O_CLOEXEC, 0600);
		if (b->lock_fd < 0 || flock(b->lock_fd, LOCK_EX | LOCK_NB)) {
			rc = od_err_set(err, OD_E_BUSY, "another orderdeskd "
					"serves %.200s", dir);
			backend_close(b);
			return rc;
		}
	}
	rc = read_key_file(dir, data_key, seed, err);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &b->head_key, err);
	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_DB_FILE);
	if (rc == OD_OK)
		rc = store_open(path, data_key, &b->store, err);
	if (rc == OD_OK)
		rc = store_meta_get(b->store, "backend.shop", &shop, err);
	if (rc == OD_OK) {
		snprintf(b->shop, sizeof b->shop, "%s", shop);
		sigkey_public(b->head_key, b->head_pub);
	}
	free(shop);
	secret_wipe(data_key, sizeof data_key);
	secret_wipe(seed, sizeof seed);
	if (rc != OD_OK) {
		backend_close(b);
		return rc;
	}
	*out = b;
	return OD_OK;
}

const char *backend_dir(const struct backend *b)
{
	return b->dir;
}

const char *backend_shop(const struct backend *b)
{
	return b->shop;
}

struct store *backend_store(struct backend *b)
{
	return b->store;
}

const struct sigkey *backend_head_key(const struct backend *b)
{
	return b->head_key;
}

void backend_set_config(struct backend *b, const struct backend_config *cfg)
{
	b->max_batch = cfg->max_batch;
	b->max_page = cfg->max_page;
}

/* The log's head, signed now by the backend: a JSON object. */
static enum od_code signed_head(struct backend *b, json_t **out,
				struct od_err *err)
{
	uint8_t hash[32], sig[SIGKEY_SIG_LEN];
	char hex[65], now[STMT_TIME_LEN + 1];
	char sig64[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	char pub64[b64_encoded_len(SIGKEY_PUB_LEN) + 1];
	long long seq;
	struct buf text;
	struct tm tm;
	time_t t = time(NULL);
	enum od_code rc;

	*out = NULL;
	buf_init(&text, 512);
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = store_log_head(b->store, &seq, hash, err);
	if (rc == OD_OK)
		rc = wire_head_text(seq, hash, now, &text, err);
	if (rc == OD_OK)
		rc = sigkey_sign(b->head_key, text.data, text.len, sig, err);
	if (rc == OD_OK) {
		hex_encode(hash, 32, hex);
		b64_encode(sig, sizeof sig, sig64);
		b64_encode(b->head_pub, sizeof b->head_pub, pub64);
		*out = json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq",
				 (json_int_t)seq, "hash", hex, "time", now,
				 "key", pub64, "signature", sig64);
		if (*out == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	buf_free(&text);
	return rc;
}

unsigned backend_reply_error(struct buf *out, unsigned status, const char *msg,
			     char *note, size_t note_size)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	struct od_err err;

	json_decref(o);
	buf_reset(out);
	if (text == NULL || buf_adds(out, text, &err) != OD_OK)
		status = 500;
	free(text);
	snprintf(note, note_size, "%.*s", (int)(note_size - 1), msg);
	return status;
}

/* Finishes an answer: the object with the signed head, as JSON text. */
static unsigned route_done(struct backend *b, json_t *root, struct buf *out,
			   char *note, size_t note_size)
{
	json_t *head = NULL;
	struct od_err err;
	char *text;
	unsigned status = 200;

	if (signed_head(b, &head, &err) != OD_OK ||
	    json_object_set_new(root, "head", head) != 0) {
		json_decref(root);
		return backend_reply_error(out, 500, "the backend cannot read its "
				   "log; see its log", note, note_size);
	}
	text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	buf_reset(out);
	if (text == NULL || buf_adds(out, text, &err) != OD_OK)
		status = backend_reply_error(out, 500, "the answer is too large",
				     note, note_size);
	free(text);
	return status;
}

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
		if (!parse_count(arg_after, 1ULL << 62, &v))
			return backend_reply_error(out, 400, "after= takes a sequence "
					   "number", note, note_size);
		pg.after = (long long)v;
	}
	if (arg_limit != NULL) {
		if (!parse_count(arg_limit, 1ULL << 31, &v))
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
	return route_done(b, root, out, note, note_size);
}

/* Counts of one batch's receipts, for the log line. */
struct tally {
	unsigned accepted, duplicate, refused;
};

/* What a replayed statement must equal: the entry already logged. */
struct same {
	long long seq;
	const char *text;
	size_t len;
	const uint8_t *sig;
	int found, equal;
};

static enum od_code same_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct same *sm = ctx;

	if (r->seq != sm->seq)
		return OD_OK;
	sm->found = 1;
	sm->equal = r->statement_len == sm->len &&
		    memcmp(r->statement, sm->text, sm->len) == 0 &&
		    memcmp(r->signature, sm->sig, SIGKEY_SIG_LEN) == 0;
	return OD_OK;
}

/*
 * Checks that a statement whose id is logged at seq is that very entry,
 * byte for byte and with the same signature: only then is it a harmless
 * duplicate.  It reads that one row: a walk of the log (or of the order's
 * entries) per copy let one batch of 500 replays hold the only server
 * thread for seconds.
 */
static enum od_code same_entry(struct backend *b, long long seq,
			       const char *text, size_t len,
			       const uint8_t sig[SIGKEY_SIG_LEN],
			       struct od_err *err)
{
	struct same sm = { seq, text, len, sig, 0, 0 };
	enum od_code rc;

	rc = store_log_at(b->store, seq, same_cb, &sm, err);
	if (rc == OD_E_NOTFOUND)
		rc = OD_OK;   /* said below, with the seq */
	if (rc != OD_OK)
		return rc;
	if (!sm.found || !sm.equal)
		return od_err_set(err, OD_E_EXISTS, "entry %lld already has "
				  "this id with other content or another "
				  "signature", seq);
	return OD_OK;
}

/* What became of one statement of a batch. */
enum verdict_result { V_ACCEPTED, V_DUPLICATE, V_REFUSED };

struct verdict {
	enum verdict_result result;
	long long seq;
	char id[STMT_ID_LEN + 1];        /* "" when it did not parse */
	char reason[OD_ERR_MSG_MAX];
};

/*
 * Decides one statement of a batch.  With own_tx each accepted statement
 * is committed on its own; without, the caller's transaction holds it.
 */
static void judge(struct backend *b, const char *text, size_t len,
		  const char *sig64, const uint8_t *checked_pub, int own_tx,
		  struct verdict *v)
{
	uint8_t sig[SIGKEY_SIG_LEN];
	struct statement *st = NULL;
	struct od_err err;
	long long seq = 0;
	size_t siglen = 0;
	enum od_code rc;

	memset(v, 0, sizeof *v);
	od_err_clear(&err);
	rc = b64_decode("the signature", sig64, strlen(sig64), sig,
			sizeof sig, &siglen, &err);
	if (rc == OD_OK && siglen != sizeof sig)
		rc = od_err_set(&err, OD_E_INPUT, "the signature is not 64 "
				"bytes");
	if (rc == OD_OK)
		rc = statement_parse(text, len, &st, &err);
	if (rc == OD_OK) {
		snprintf(v->id, sizeof v->id, "%s", st->id);
		if (st->kind == STMT_SHOP_GENESIS &&
		    strcmp(statement_get(st, "shop"), b->shop) != 0)
			rc = od_err_set(&err, OD_E_DENIED, "this backend serves "
					"another shop; the desk belongs "
					"elsewhere");
	}
	if (rc == OD_OK) {
		rc = store_log_find_id(b->store, st->id, &seq, &err);
		if (rc == OD_OK)
			rc = same_entry(b, seq, text, len, sig, &err);
		if (rc == OD_OK) {
			v->result = V_DUPLICATE;
			v->seq = seq;
			goto out;
		}
		if (rc == OD_E_NOTFOUND)
			rc = OD_OK;
	}
	/* Entering the shop now: one desk's clock must not date the log. */
	if (rc == OD_OK)
		rc = ledger_check_fresh(st, time(NULL), &err);
	if (rc == OD_OK && own_tx)
		rc = store_begin(b->store, &err);
	if (rc == OD_OK) {
		rc = ledger_accept_checked(b->store, text, len, sig,
					   checked_pub, &seq, &err);
		if (own_tx && rc == OD_OK)
			rc = store_commit(b->store, &err);
		else if (own_tx)
			store_rollback(b->store);
	}
	if (rc == OD_OK) {
		v->result = V_ACCEPTED;
		v->seq = seq;
	} else {
		v->result = V_REFUSED;
		snprintf(v->reason, sizeof v->reason, "%s", err.msg);
	}
out:
	statement_free(st);
}

/* Makes the receipt of a verdict and counts it. */
static json_t *receipt(const struct verdict *v, struct tally *t)
{
	switch (v->result) {
	case V_ACCEPTED:
		t->accepted++;
		return json_pack("{s:s, s:s, s:I}", "id", v->id, "result",
				 "accepted", "seq", (json_int_t)v->seq);
	case V_DUPLICATE:
		t->duplicate++;
		return json_pack("{s:s, s:s, s:I}", "id", v->id, "result",
				 "duplicate", "seq", (json_int_t)v->seq);
	default:
		t->refused++;
		event_statement(v->id, v->reason);
		return v->id[0] != '\0' ?
		       json_pack("{s:s, s:s, s:s}", "id", v->id, "result",
				 "refused", "reason", v->reason) :
		       json_pack("{s:s, s:s}", "result", "refused", "reason",
				 v->reason);
	}
}

/* Signatures of a batch checked ahead, on every core. */
struct prechecked {
	uint8_t (*pubs)[SIGKEY_PUB_LEN];
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
	const char **texts;
	size_t *lens;
	size_t *at;              /* which statement of the batch */
	size_t n;
	struct sigkey_vpipe *pipe; /* the checks under way, or NULL */
	size_t *slot;            /* per statement: its check + 1, or 0 */
};

static void prechecked_free(struct prechecked *p)
{
	sigkey_vpipe_end(p->pipe);
	free(p->pubs);
	free(p->sigs);
	free(p->texts);
	free(p->lens);
	free(p->at);
	free(p->slot);
}

/* The key statement i's signature was checked with ahead, or NULL; waits
 * for its verdict (or checks it here). */
static const uint8_t *prechecked_key(struct prechecked *p, size_t i)
{
	size_t k = p->pipe != NULL ? p->slot[i] : 0;

	return k > 0 && sigkey_vpipe_wait(p->pipe, k - 1) ? p->pubs[k - 1] :
							     NULL;
}

/*
 * Checks ahead, spread over the cores, the signature of every statement of
 * list whose signer's key the log already holds; judging each one in
 * order then skips the check when that key is still the signer's
 * (ledger_accept_checked).  The checks run on helper threads while the
 * statements are judged (sigkey_vpipe): the fold and insert of one
 * overlap the checks of the next.  A statement whose signer is added in
 * the same batch, or that does not parse, is checked as it is judged.
 * Without memory p->pipe stays NULL and every statement is checked in
 * order.
 */
static void precheck(struct backend *b, json_t *list, struct prechecked *p)
{
	size_t i, n = json_array_size(list), siglen;
	struct statement *st;
	struct od_err err;
	long long seq;

	memset(p, 0, sizeof *p);
	p->pubs = calloc(n, sizeof *p->pubs);
	p->sigs = calloc(n, sizeof *p->sigs);
	p->texts = calloc(n, sizeof *p->texts);
	p->lens = calloc(n, sizeof *p->lens);
	p->at = calloc(n, sizeof *p->at);
	p->slot = calloc(n, sizeof *p->slot);
	if (!p->pubs || !p->sigs || !p->texts || !p->lens || !p->at ||
	    !p->slot) {
		prechecked_free(p);
		memset(p, 0, sizeof *p);
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *s = json_object_get(e, "statement");
		const char *sig64 = json_string_value(
			json_object_get(e, "signature"));
		size_t k = p->n;

		if (b64_decode("the signature", sig64, strlen(sig64),
			       p->sigs[k], SIGKEY_SIG_LEN, &siglen, &err) !=
			    OD_OK || siglen != SIGKEY_SIG_LEN)
			continue;
		if (statement_parse(json_string_value(s),
				    json_string_length(s), &st, &err) != OD_OK)
			continue;
		/* A logged id is judged by comparing bytes with its entry:
		 * checking a replay's signature would only cost time. */
		if (store_log_find_id(b->store, st->id, &seq, &err) ==
		    OD_E_NOTFOUND &&
		    fold_signer_key(b->store, st, p->pubs[k], &err) == OD_OK) {
			p->texts[k] = json_string_value(s);
			p->lens[k] = json_string_length(s);
			p->at[k] = i;
			p->n++;
		}
		statement_free(st);
	}
	for (i = 0; i < p->n; i++)
		p->slot[p->at[i]] = i + 1;
	sigkey_vpipe_start((const uint8_t (*)[SIGKEY_PUB_LEN])p->pubs,
			   p->texts, p->lens,
			   (const uint8_t (*)[SIGKEY_SIG_LEN])p->sigs, p->n,
			   &p->pipe);
}

/*
 * Decides every statement of list.  First the whole batch in one
 * transaction, one durable commit: the usual case, a desk pushing what it
 * signed.  If any statement is refused (a refused statement may have left
 * half a change in the transaction), or the commit fails, all of it is
 * rolled back and each statement is decided again on its own, committed
 * one by one: the verdicts are those of deciding them in order either way.
 */
static void judge_batch(struct backend *b, json_t *list, struct verdict *vs)
{
	size_t i, n = json_array_size(list);
	struct prechecked pre;
	struct od_err err;
	int fast;

	memset(&pre, 0, sizeof pre);
	fast = store_begin(b->store, &err) == OD_OK;
	if (fast)
		precheck(b, list, &pre);
	for (i = 0; fast && i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *s = json_object_get(e, "statement");

		judge(b, json_string_value(s), json_string_length(s),
		      json_string_value(json_object_get(e, "signature")),
		      prechecked_key(&pre, i), 0, &vs[i]);
		if (vs[i].result == V_REFUSED) {
			store_rollback(b->store);
			fast = 0;
		}
	}
	prechecked_free(&pre);
	if (fast && store_commit(b->store, &err) == OD_OK)
		return;
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(list, i);
		json_t *s = json_object_get(e, "statement");

		judge(b, json_string_value(s), json_string_length(s),
		      json_string_value(json_object_get(e, "signature")), NULL,
		      1, &vs[i]);
	}
}

/* Checks that o is an object with exactly the keys given. */
static int exact_keys(json_t *o, size_t n)
{
	return json_is_object(o) && json_object_size(o) == n;
}

/* Whether each statement of list is {"statement": TEXT, "signature": S}. */
static int statements_shaped(json_t *list)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		json_t *s = json_object_get(e, "statement");
		json_t *g = json_object_get(e, "signature");

		if (!exact_keys(e, 2) || !json_is_string(s) ||
		    !json_is_string(g) ||
		    json_string_length(s) > STMT_MAX_BYTES)
			return 0;
	}
	return 1;
}

/* POST /v1/statements */
static unsigned route_statements(struct backend *b, const char *body,
				 size_t len, struct buf *out, char *note,
				 size_t note_size)
{
	struct tally t = { 0, 0, 0 };
	struct verdict *verdicts = NULL;
	json_error_t jerr;
	json_t *root, *list, *receipts, *answer = NULL, *r;
	unsigned status = 0;
	const char *why = NULL;
	size_t i, n = 0;

	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	list = json_object_get(root, "statements");
	if (root == NULL) {
		status = 400, why = "the body is not JSON";
	} else if (!exact_keys(root, 1) || !json_is_array(list) ||
		   json_array_size(list) == 0) {
		status = 400, why = "the body must be {\"statements\": [...]} "
				    "with at least one";
	} else if ((n = json_array_size(list)) > b->max_batch) {
		status = 413, why = "too many statements in one batch";
	} else if (!statements_shaped(list)) {
		status = 400, why = "each statement must be {\"statement\": "
				    "TEXT, \"signature\": BASE64}";
	}
	if (status != 0)
		goto out;
	status = 500, why = "out of memory";
	answer = json_pack("{s:[]}", "receipts");
	receipts = json_object_get(answer, "receipts");
	verdicts = calloc(n, sizeof *verdicts);
	if (receipts == NULL || verdicts == NULL)
		goto out;
	judge_batch(b, list, verdicts);
	for (i = 0; i < n; i++) {
		r = receipt(&verdicts[i], &t);
		if (r == NULL || json_array_append_new(receipts, r) != 0)
			goto out;
	}
	snprintf(note, note_size, "%u accepted, %u duplicate, %u refused",
		 t.accepted, t.duplicate, t.refused);
	status = route_done(b, answer, out, note, note_size);
	answer = NULL;
	why = NULL;
out:
	free(verdicts);
	json_decref(root);
	json_decref(answer);
	return why ? backend_reply_error(out, status, why, note, note_size)
		   : status;
}


/* Forgets the revoked list read before. */
static void revoked_drop(struct backend *b)
{
	size_t i;

	for (i = 0; i < b->nrevoked; i++)
		free(b->revoked[i]);
	free(b->revoked);
	b->revoked = NULL;
	b->nrevoked = 0;
}

/* Whether s is 1..PKI_SERIAL_MAX lower-case hex digits. */
static int serial_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > PKI_SERIAL_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Parses the revoked list ("SERIAL NAME" lines) into a sorted array of
 * serials; anything else in it gives OD_E_TAMPERED.
 */
static enum od_code revoked_parse(char *text, char ***out, size_t *n,
				  struct od_err *err)
{
	char **list = NULL, **grown, *line, *next, *sp;
	size_t count = 0, cap = 0;
	enum od_code rc = OD_OK;

	for (line = text; rc == OD_OK && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next == NULL) {
			rc = od_err_set(err, OD_E_TAMPERED, "%s: the last line "
					"is cut short", BACKEND_REVOKED);
			break;
		}
		*next++ = '\0';
		sp = strchr(line, ' ');
		if (sp == NULL || !serial_ok(line, (size_t)(sp - line)) ||
		    count >= BACKEND_REVOKED_MAX) {
			rc = od_err_set(err, OD_E_TAMPERED, "%s: line %zu is "
					"not \"SERIAL NAME\"", BACKEND_REVOKED,
					count + 1);
			break;
		}
		*sp = '\0';
		if (count == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(list, cap * sizeof *list);
			if (grown == NULL) {
				rc = od_err_set(err, OD_E_NOMEM,
						"out of memory");
				break;
			}
			list = grown;
		}
		list[count] = strdup(line);
		if (list[count] == NULL)
			rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		else
			count++;
	}
	if (rc != OD_OK) {
		while (count > 0)
			free(list[--count]);
		free(list);
		return rc;
	}
	if (count > 0)
		qsort(list, count, sizeof *list, cmp_str);
	*out = list;
	*n = count;
	return OD_OK;
}

int backend_revoked(struct backend *b, const char *serial)
{
	char path[4200], *text = NULL;
	struct stat st;
	struct od_err err;
	char **list = NULL;
	size_t n = 0;

	snprintf(path, sizeof path, "%s/%s", b->dir, BACKEND_REVOKED);
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return 1;
		revoked_drop(b);
		b->rv_state = 1;
		b->rv_ino = 0;
		return 0;
	}
	if (b->rv_state == 0 || b->rv_ino != st.st_ino ||
	    b->rv_size != st.st_size ||
	    b->rv_mtime.tv_sec != st.st_mtim.tv_sec ||
	    b->rv_mtime.tv_nsec != st.st_mtim.tv_nsec) {
		revoked_drop(b);
		b->rv_state = -1;
		if (read_small(b->dir, BACKEND_REVOKED,
			       (size_t)BACKEND_REVOKED_MAX * 160, 0, &text,
			       NULL, &err) == OD_OK &&
		    revoked_parse(text, &list, &n, &err) == OD_OK) {
			b->revoked = list;
			b->nrevoked = n;
			b->rv_state = 1;
		}
		free(text);
		b->rv_ino = st.st_ino;
		b->rv_size = st.st_size;
		b->rv_mtime = st.st_mtim;
	}
	if (b->rv_state != 1)
		return 1;
	return b->nrevoked > 0 &&
	       bsearch(&serial, b->revoked, b->nrevoked, sizeof *b->revoked,
		       cmp_str) != NULL;
}

/* Adds the serial of dir/file's certificate to list (if present). */
static enum od_code revoke_file(const char *dir, const char *file,
				const char *name, struct buf *list,
				const char *old, int *found, int *added,
				struct od_err *err)
{
	char serial[PKI_SERIAL_MAX + 1], needle[PKI_SERIAL_MAX + 3];
	char *pem = NULL;
	enum od_code rc;

	rc = backend_read_pem(dir, file, &pem, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		rc = pki_serial(pem, serial, err);
	free(pem);
	if (rc != OD_OK)
		return rc;
	*found = 1;
	/* Already listed: at the start of the file or of a line. */
	snprintf(needle, sizeof needle, "\n%s ", serial);
	if ((strncmp(old, needle + 1, strlen(needle + 1)) == 0) ||
	    strstr(old, needle) != NULL)
		return OD_OK;
	*added = 1;
	return buf_addf(list, err, "%s %s\n", serial, name);
}

enum od_code backend_revoke(const char *dir, const char *name, int storefront,
			    struct od_err *err)
{
	char path[4200], *old = NULL;
	struct buf list;
	int found = 0, added = 0;
	enum od_code rc;

	if (!pki_name_ok(name))
		return od_err_set(err, OD_E_USAGE, "a certificate name is 1 to "
				  "%d of A-Z a-z 0-9 . _ -", PKI_NAME_MAX);
	rc = read_small(dir, BACKEND_REVOKED, (size_t)BACKEND_REVOKED_MAX * 160,
			0, &old, NULL, err);
	if (rc == OD_E_NOTFOUND) {
		old = strdup("");
		rc = old ? OD_OK : od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	if (rc != OD_OK)
		return rc;
	buf_init(&list, (size_t)BACKEND_REVOKED_MAX * 160);
	rc = buf_adds(&list, old, err);
	if (rc == OD_OK && list.len > 0 && list.data[list.len - 1] != '\n')
		rc = od_err_set(err, OD_E_TAMPERED, "%.200s/%s: the last line "
				"is cut short; fix or remove it", dir,
				BACKEND_REVOKED);
	if (storefront) {
		snprintf(path, sizeof path, "%s/%s/%s", dir, BACKEND_SF_DIR,
			 name);
		if (rc == OD_OK)
			rc = revoke_file(path, "storefront.pem", name, &list,
					 old, &found, &added, err);
	} else {
		snprintf(path, sizeof path, "%s/desks/%s", dir, name);
		if (rc == OD_OK)
			rc = revoke_file(path, "desk.pem", name, &list, old,
					 &found, &added, err);
		/* The first desk's bundle, made by init. */
		snprintf(path, sizeof path, "%s/%s", dir, BACKEND_JOIN_DIR);
		if (rc == OD_OK && strcmp(name, "desk-1") == 0)
			rc = revoke_file(path, "desk.pem", name, &list, old,
					 &found, &added, err);
	}
	if (rc == OD_OK && !found)
		rc = od_err_set(err, OD_E_NOTFOUND, "this backend made no %s "
				"certificate named %s", storefront ?
				"storefront" : "desk", name);
	if (rc == OD_OK && !added)
		rc = od_err_set(err, OD_E_STATE, "the %s %s is already revoked",
				storefront ? "storefront" : "desk", name);
	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_REVOKED);
	/* A new file, renamed over the old: a serving backend sees the
	 * change (another inode) and never reads half a list. */
	if (rc == OD_OK)
		rc = file_write_atomic(path, list.data, list.len, err);
	buf_free(&list);
	free(old);
	return rc;
}

/* Whether name may name a storefront: a user name of the shop. */
static int storefront_name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > STMT_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		      name[i] == '_' || name[i] == '-'))
			return 0;
	return 1;
}

/* Makes a directory of dir (mode 0700) unless it is there. */
static enum od_code make_subdir(const char *dir, const char *name,
				struct od_err *err)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return od_err_set(err, OD_E_IO, "cannot create %.200s: %s",
				  path, strerror(errno));
	return OD_OK;
}

enum od_code backend_storefront_add(const char *dir, const char *name,
				    struct backend_storefront_report *rep,
				    struct od_err *err)
{
	char *ca = NULL, *ca_key = NULL, *cert = NULL, *key = NULL;
	char path[4096], file[128], hex[65], keytext[128];
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct sigkey *k = NULL;
	enum od_code rc;

	memset(rep, 0, sizeof *rep);
	if (!storefront_name_ok(name))
		return od_err_set(err, OD_E_USAGE, "a storefront's name is 1 "
				  "to %d of a-z 0-9 . _ -, starting with a "
				  "letter (it becomes a user of the shop)",
				  STMT_NAME_MAX);
	snprintf(path, sizeof path, "%s/%s/%s.key", dir, BACKEND_SF_KEYS,
		 name);
	if (access(path, F_OK) == 0)
		return od_err_set(err, OD_E_EXISTS, "there is already a "
				  "storefront %s; choose another name", name);
	rc = backend_read_pem(dir, "ca.pem", &ca, err);
	if (rc == OD_OK)
		rc = backend_read_pem(dir, "ca.key", &ca_key, err);
	if (rc == OD_OK)
		rc = pki_make_leaf(ca, ca_key, PKI_STOREFRONT, name, NULL, 0,
				   &cert, &key, err);
	if (rc == OD_OK)
		rc = sigkey_generate_seed(seed, err);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, &k, err);
	if (rc == OD_OK)
		rc = make_subdir(dir, BACKEND_SF_KEYS, err);
	if (rc == OD_OK)
		rc = make_subdir(dir, BACKEND_SF_DIR, err);
	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_SF_DIR);
	if (rc == OD_OK)
		rc = make_subdir(path, name, err);
	snprintf(path, sizeof path, "%s/%s/%s", dir, BACKEND_SF_DIR, name);
	if (rc == OD_OK)
		rc = write_new(path, "ca.pem", ca, strlen(ca), err);
	if (rc == OD_OK)
		rc = write_pair(path, "storefront", cert, key, err);
	/* The key last: its presence is what makes the storefront. */
	if (rc == OD_OK) {
		hex_encode(seed, sizeof seed, hex);
		snprintf(keytext, sizeof keytext, "%s\nsign: %s\n",
			 SF_KEY_MAGIC, hex);
		snprintf(path, sizeof path, "%s/%s", dir, BACKEND_SF_KEYS);
		snprintf(file, sizeof file, "%s.key", name);
		rc = write_new(path, file, keytext, strlen(keytext), err);
		secret_wipe(hex, sizeof hex);
		secret_wipe(keytext, sizeof keytext);
	}
	if (rc == OD_OK) {
		sigkey_public(k, pub);
		b64_encode(pub, sizeof pub, rep->pubkey);
	}
	sigkey_free(k);
	secret_wipe(seed, sizeof seed);
	free(ca);
	free(cert);
	secret_free_str(ca_key);
	secret_free_str(key);
	return rc;
}

/* Loads the key the backend signs a storefront's orders with. */
static enum od_code storefront_key(struct backend *b, const char *name,
				   struct sigkey **out, struct od_err *err)
{
	const size_t head = sizeof SF_KEY_MAGIC + 6, want = head + 65;
	uint8_t seed[SIGKEY_SEED_LEN];
	char file[128], hex[65], *text = NULL;
	size_t len = 0;
	enum od_code rc;

	*out = NULL;
	if (!storefront_name_ok(name))
		return od_err_set(err, OD_E_NOTFOUND, "this certificate names "
				  "no storefront of this backend");
	snprintf(file, sizeof file, "%s/%s.key", BACKEND_SF_KEYS, name);
	rc = read_small(b->dir, file, 256, 1, &text, &len, err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND, "there is no storefront "
				  "%s; make it with orderdeskd storefront add",
				  name);
	if (rc != OD_OK)
		return rc;
	if (len == want)
		memcpy(hex, text + head, 64);
	hex[64] = '\0';
	if (len != want || memcmp(text, SF_KEY_MAGIC "\nsign: ", head) != 0 ||
	    text[len - 1] != '\n' ||
	    hex_decode("the storefront key", hex, seed, sizeof seed,
		       err) != OD_OK)
		rc = od_err_set(err, OD_E_TAMPERED, "%s of %.200s is damaged",
				file, b->dir);
	if (rc == OD_OK)
		rc = sigkey_from_seed(seed, out, err);
	secret_wipe(hex, sizeof hex);
	secret_wipe(seed, sizeof seed);
	secret_wipe(text, len);
	free(text);
	return rc;
}

/*
 * Checks that the owner has made the storefront a user of the shop with
 * the key the backend holds for it; *fp gets that key's fingerprint.  The
 * fold would refuse each order anyway: this says once, and what to do.
 */
static enum od_code storefront_approved(struct backend *b, const char *name,
					const struct sigkey *k,
					char fp[SIGKEY_FP_LEN + 1],
					struct od_err *err)
{
	uint8_t pub[SIGKEY_PUB_LEN];
	char pub64[64];
	struct user_record u;
	enum od_code rc;

	sigkey_public(k, pub);
	b64_encode(pub, sizeof pub, pub64);
	rc = sigkey_fingerprint(pub, fp, err);
	if (rc != OD_OK)
		return rc;
	rc = store_user_get(b->store, name, &u, err);
	if (rc == OD_E_NOTFOUND || (rc == OD_OK &&
	    (strcmp(u.role, "storefront") != 0 ||
	     memcmp(u.pubkey, pub, sizeof pub) != 0)))
		return od_err_set(err, OD_E_DENIED, "the shop's owner has not "
				  "approved storefront %s with this key; on "
				  "a desk: orderdesk sync --approve-storefront "
				  "%s --key %s", name, name, pub64);
	if (rc == OD_OK && !u.active)
		return od_err_set(err, OD_E_DENIED, "storefront %s has been "
				  "revoked by the shop", name);
	return rc;
}

/* Places one order as the storefront: one transaction, one entry. */
static enum od_code place_one(struct backend *b, const char *name,
			      const char *fp, const struct sigkey *k,
			      const struct order *o, long long *seq,
			      char id[STMT_ID_LEN + 1], struct od_err *err)
{
	struct statement *st = NULL;
	enum od_code rc;

	id[0] = '\0';
	rc = statement_new(STMT_ORDER_PLACED, name, fp, o->number, &st, err);
	if (rc == OD_OK)
		rc = order_to_statement(o, st, err);
	if (rc == OD_OK)
		rc = store_begin(b->store, err);
	if (rc == OD_OK) {
		rc = ledger_append(b->store, k, st, seq, err);
		if (rc == OD_OK)
			rc = store_commit(b->store, err);
		else
			store_rollback(b->store);
	}
	if (rc == OD_OK)
		snprintf(id, STMT_ID_LEN + 1, "%s", st->id);
	statement_free(st);
	return rc;
}

/* One batch of orders being placed, and what came of each. */
struct placing {
	backend_order_fn cb;
	void *ctx;
	json_t *receipts;      /* or NULL */
	size_t accepted, refused;
};

/* The storefront's key, once it is known to be approved to place orders. */
static enum od_code place_begin(struct backend *b, const char *name,
				struct sigkey **k, char fp[SIGKEY_FP_LEN + 1],
				struct od_err *err)
{
	enum od_code rc;

	*k = NULL;
	rc = storefront_key(b, name, k, err);
	if (rc == OD_OK)
		rc = storefront_approved(b, name, *k, fp, err);
	return rc;
}

/*
 * Places o as the storefront and records what came of it in pl; a refused
 * order is recorded, not failed.  Fails only out of memory.
 */
static enum od_code place_next(struct backend *b, const char *name,
			       const char *fp, const struct sigkey *k,
			       const struct order *o, struct placing *pl,
			       struct od_err *err)
{
	char id[STMT_ID_LEN + 1];
	struct od_err oerr;
	long long seq = 0;
	json_t *r;

	od_err_clear(&oerr);
	if (place_one(b, name, fp, k, o, &seq, id, &oerr) == OD_OK) {
		pl->accepted++;
		r = json_pack("{s:s, s:s, s:s, s:I}", "order", o->number,
			      "result", "accepted", "id", id, "seq",
			      (json_int_t)seq);
	} else {
		pl->refused++;
		seq = 0;
		r = json_pack("{s:s, s:s, s:s}", "order", o->number,
			      "result", "refused", "reason", oerr.msg);
	}
	if (pl->cb != NULL)
		pl->cb(pl->ctx, o->number, seq, seq > 0 ? NULL : oerr.msg);
	if (pl->receipts == NULL) {
		json_decref(r);
		return OD_OK;
	}
	if (r == NULL || json_array_append_new(pl->receipts, r) != 0)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	return OD_OK;
}

/*
 * Places each order of list as the storefront; a refused order does not
 * stop the others.  Fails as a whole only when the storefront may not
 * place orders at all, or out of memory.
 */
static enum od_code place_list(struct backend *b, const char *name,
			       const struct order_list *list,
			       struct placing *pl, struct od_err *err)
{
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	enum od_code rc;
	size_t i;

	rc = place_begin(b, name, &k, fp, err);
	for (i = 0; rc == OD_OK && i < list->count; i++)
		rc = place_next(b, name, fp, k, list->orders[i], pl, err);
	sigkey_free(k);
	return rc;
}

enum od_code backend_import_from(struct backend *b, const char *name,
				 struct import_reader *in,
				 backend_order_fn cb, void *ctx,
				 size_t *accepted, struct od_err *err)
{
	struct placing pl = { cb, ctx, NULL, 0, 0 };
	char fp[SIGKEY_FP_LEN + 1];
	struct sigkey *k = NULL;
	struct order *o;
	enum od_code rc;
	size_t count;

	*accepted = 0;
	/* A file that does not parse places nothing: read it whole first. */
	rc = import_check(in, &count, err);
	if (rc == OD_OK)
		rc = place_begin(b, name, &k, fp, err);
	while (rc == OD_OK && (rc = import_next(in, &o, err)) == OD_OK &&
	       o != NULL) {
		rc = place_next(b, name, fp, k, o, &pl, err);
		order_free(o);
	}
	sigkey_free(k);
	*accepted = pl.accepted;
	return rc;
}

enum od_code backend_import(struct backend *b, const char *name,
			    const char *data, size_t len, backend_order_fn cb,
			    void *ctx, size_t *accepted, struct od_err *err)
{
	struct import_reader *in;
	enum od_code rc;

	*accepted = 0;
	rc = import_open_mem(data, len, &in, err);
	if (rc == OD_OK)
		rc = backend_import_from(b, name, in, cb, ctx, accepted, err);
	import_close(in);
	return rc;
}

/* POST /v1/orders, from the storefront name. */
static unsigned route_orders(struct backend *b, const char *name,
			     const char *body, size_t len, struct buf *out,
			     char *note, size_t note_size)
{
	struct placing pl = { NULL, NULL, NULL, 0, 0 };
	struct order_list *list = NULL;
	json_t *answer;
	struct od_err err;
	enum od_code rc;
	unsigned status;

	od_err_clear(&err);
	if (len == 0)
		return backend_reply_error(out, 400, "the body must be orders in the "
				   "import JSON format", note, note_size);
	/* CSV is for files; over the wire only the JSON format. */
	{
		size_t i = (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0) ?
			   3 : 0;

		while (i < len && (body[i] == ' ' || body[i] == '\t' ||
				   body[i] == '\r' || body[i] == '\n'))
			i++;
		if (i == len || (body[i] != '[' && body[i] != '{'))
			return backend_reply_error(out, 400, "the body must be orders "
					   "in the import JSON format", note,
					   note_size);
	}
	rc = import_parse(body, len, &list, &err);
	if (rc != OD_OK)
		return backend_reply_error(out, rc == OD_E_NOMEM ? 500 : 400, err.msg,
				   note, note_size);
	if (list->count > b->max_batch) {
		order_list_free(list);
		return backend_reply_error(out, 413, "too many orders in one request",
				   note, note_size);
	}
	answer = json_object();
	pl.receipts = json_array();
	if (answer == NULL || pl.receipts == NULL ||
	    json_object_set_new(answer, "receipts", pl.receipts) != 0) {
		if (answer == NULL)
			json_decref(pl.receipts);
		json_decref(answer);
		order_list_free(list);
		return backend_reply_error(out, 500, "out of memory", note, note_size);
	}
	rc = place_list(b, name, list, &pl, &err);
	order_list_free(list);
	if (rc != OD_OK) {
		json_decref(answer);
		status = rc == OD_E_DENIED || rc == OD_E_NOTFOUND ? 403 :
			 rc == OD_E_NOMEM ? 500 : 503;
		return backend_reply_error(out, status, err.msg, note, note_size);
	}
	snprintf(note, note_size, "%zu orders placed, %zu refused",
		 pl.accepted, pl.refused);
	return route_done(b, answer, out, note, note_size);
}

unsigned backend_get_log(const struct route_call *c)
{
	return route_log(c->b, c->args->after, c->args->limit, c->out, c->note,
			 c->note_size);
}

unsigned backend_post_statements(const struct route_call *c)
{
	return route_statements(c->b, c->body, c->len, c->out, c->note,
				c->note_size);
}

unsigned backend_post_orders(const struct route_call *c)
{
	return route_orders(c->b, c->peer->name, c->body, c->len, c->out,
			    c->note, c->note_size);
}
