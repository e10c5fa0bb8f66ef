/*
 * test-backend.c - orderdeskd's rules without the network: its directory,
 * keys and certificates, the two routes (accepted, duplicate, refused
 * receipts; signed heads; pages), every malformed request the routes must
 * refuse, and the configuration file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>

#include "app/orderdeskd/backend.h"
#include "app/log/ledger.h"
#include "app/log/wire.h"
#include "app/keys/pki.h"
#include "lib/encode.h"
#include "lib/secret.h"
#include "net/https-server.h"
#include "net/tls-client.h"

/* A backend directory, its open backend, and a desk's log to push. */
struct fixture {
	char dir[64];
	struct backend *b;
	struct store *desk;        /* the desk's log, in memory */
	struct sigkey *owner;
	char owner_fp[SIGKEY_FP_LEN + 1];
	struct backend_init_report rep;
	struct buf out;
	char note[160];
};

/* Removes a directory tree made by a test. */
static void remove_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Adds a signed statement to the desk's log. */
static void desk_append(struct fixture *f, enum stmt_kind kind,
			const char *const *kv, size_t n)
{
	struct statement *st = NULL;
	struct od_err err;
	size_t i;

	assert_int_equal(statement_new(kind, "owner", f->owner_fp, NULL, &st,
				       &err), OD_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(statement_add(st, kv[2 * i], kv[2 * i + 1],
					       &err), OD_OK);
	assert_int_equal(store_begin(f->desk, &err), OD_OK);
	assert_int_equal(ledger_append(f->desk, f->owner, st, NULL, &err),
			 OD_OK);
	assert_int_equal(store_commit(f->desk, &err), OD_OK);
	statement_free(st);
}

/* Makes a public key's base64, for user statements. */
static void new_pub64(char out[64])
{
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct sigkey *k = NULL;
	struct od_err err;

	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
	sigkey_public(k, pub);
	b64_encode(pub, sizeof pub, out);
	sigkey_free(k);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	char pub64[64], user64[64];
	struct od_err err;

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test-backend.%d/bk",
		 (int)getpid());
	{
		char parent[64];

		snprintf(parent, sizeof parent, "/tmp/test-backend.%d",
			 (int)getpid());
		remove_tree(parent);
		assert_int_equal(mkdir(parent, 0700), 0);
	}
	assert_int_equal(backend_init(f->dir, "Test shop", NULL, 0, &f->rep,
				      &err), OD_OK);
	assert_int_equal(backend_open(f->dir, 1, &f->b, &err), OD_OK);
	assert_int_equal(store_open_memory(&f->desk, &err), OD_OK);
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &f->owner, &err), OD_OK);
	sigkey_public(f->owner, pub);
	assert_int_equal(sigkey_fingerprint(pub, f->owner_fp, &err), OD_OK);
	b64_encode(pub, sizeof pub, pub64);
	new_pub64(user64);
	{
		const char *genesis[] = { "shop", "Test shop", "role", "owner",
					  "pubkey", pub64 };
		const char *user[] = { "user", "mei", "role", "shopkeeper",
				       "pubkey", user64 };

		desk_append(f, STMT_SHOP_GENESIS, genesis, 3);
		desk_append(f, STMT_USER_ADD, user, 3);
	}
	buf_init(&f->out, 64 * 1024 * 1024);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char parent[64];

	backend_close(f->b);
	store_close(f->desk);
	sigkey_free(f->owner);
	buf_free(&f->out);
	snprintf(parent, sizeof parent, "/tmp/test-backend.%d", (int)getpid());
	remove_tree(parent);
	free(f);
	return 0;
}

/* Gathers the desk's log as a push body. */
static enum od_code gather(void *ctx, const struct log_record *r,
			   struct od_err *err)
{
	char sig[b64_encoded_len(SIGKEY_SIG_LEN) + 1];

	b64_encode(r->signature, sizeof r->signature, sig);
	json_array_append_new(ctx, json_pack("{s:s%, s:s}", "statement",
					     r->statement, r->statement_len,
					     "signature", sig));
	return OD_OK;
}

/* The desk's whole log as {"statements": [...]} text (caller frees). */
static char *push_body(struct fixture *f)
{
	json_t *list = json_array(), *o;
	struct od_err err;
	char *text;

	assert_int_equal(store_log_each(f->desk, NULL, gather, list, &err),
			 OD_OK);
	o = json_pack("{s:o}", "statements", list);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

/* Runs a route; parses a JSON answer into *ans (if not NULL). */
static unsigned route(struct fixture *f, const char *method, const char *path,
		      const char *after, const char *limit, const char *body,
		      json_t **ans)
{
	unsigned status;
	json_error_t jerr;

	buf_reset(&f->out);
	status = backend_route(f->b, method, path, after, limit, body,
			       body ? strlen(body) : 0, &f->out, f->note,
			       sizeof f->note);
	if (ans != NULL) {
		*ans = json_loadb(f->out.data, f->out.len, 0, &jerr);
		assert_non_null(*ans);
	}
	return status;
}

/* Checks a head's signature the way a desk does; returns its seq. */
static long long verified_head(struct fixture *f, json_t *ans)
{
	json_t *h = json_object_get(ans, "head");
	uint8_t hash[32], pub[32], sig[64];
	struct sigkey_pub *p = NULL;
	struct buf text;
	struct od_err err;
	size_t n;
	const char *key = json_string_value(json_object_get(h, "key"));
	const char *s = json_string_value(json_object_get(h, "signature"));
	long long seq = json_integer_value(json_object_get(h, "seq"));

	assert_string_equal(key, f->rep.head_key);
	assert_int_equal(hex_decode("hash", json_string_value(json_object_get(
				    h, "hash")), hash, 32, &err), OD_OK);
	assert_int_equal(b64_decode("key", key, strlen(key), pub, 32, &n,
				    &err), OD_OK);
	assert_int_equal(b64_decode("sig", s, strlen(s), sig, 64, &n, &err),
			 OD_OK);
	buf_init(&text, 512);
	assert_int_equal(wire_head_text(seq, hash, json_string_value(
			 json_object_get(h, "time")), &text, &err), OD_OK);
	assert_int_equal(sigkey_pub_new(pub, &p, &err), OD_OK);
	assert_int_equal(sigkey_pub_verify(p, text.data, text.len, sig, &err),
			 OD_OK);
	/* One changed byte of what was signed: it must not verify. */
	text.data[text.len - 2] ^= 1;
	assert_int_equal(sigkey_pub_verify(p, text.data, text.len, sig, &err),
			 OD_E_TAMPERED);
	sigkey_pub_free(p);
	buf_free(&text);
	return seq;
}

/* The result and seq of receipt i. */
static void expect_receipt(json_t *ans, size_t i, const char *result,
			   long long seq)
{
	json_t *r = json_array_get(json_object_get(ans, "receipts"), i);

	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "result")),
			    result);
	if (seq > 0)
		assert_int_equal(json_integer_value(json_object_get(r, "seq")),
				 seq);
}

static void test_init_files(void **state)
{
	struct fixture *f = *state;
	const char *files[] = { "backend.key", "ca.key", "server.key",
				"join/desk.key", "orderdesk.db" };
	char path[128];
	struct backend_init_report rep;
	struct backend *other = NULL;
	struct stat st;
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", f->dir, files[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	assert_int_equal(strncmp(f->rep.pin, "sha256//", 8), 0);
	assert_int_equal(strlen(f->rep.pin), PKI_PIN_LEN);
	assert_int_equal(backend_init(f->dir, "Again", NULL, 0, &rep, &err),
			 OD_E_EXISTS);
	/* A second serving backend on the same directory is refused. */
	assert_int_equal(backend_open(f->dir, 1, &other, &err), OD_E_BUSY);
	assert_null(other);
}

static void test_key_file_mode(void **state)
{
	struct fixture *f = *state;
	struct backend *other = NULL;
	struct od_err err;
	char path[128];

	snprintf(path, sizeof path, "%s/backend.key", f->dir);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(backend_open(f->dir, 0, &other, &err), OD_E_AUTH);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(backend_open(f->dir, 0, &other, &err), OD_OK);
	backend_close(other);
}

static void test_certificates_chain(void **state)
{
	struct fixture *f = *state;
	char *ca = NULL, *cert = NULL, *key = NULL, pin2[PKI_PIN_LEN + 1];
	gnutls_x509_crt_t c = NULL, a = NULL;
	gnutls_datum_t d;
	unsigned status = 1;
	struct od_err err;
	char *ca_key = NULL;

	assert_int_equal(backend_read_pem(f->dir, "ca.pem", &ca, &err), OD_OK);
	assert_int_equal(backend_read_pem(f->dir, "ca.key", &ca_key, &err),
			 OD_OK);
	assert_int_equal(pki_make_leaf(ca, ca_key, PKI_CLIENT, "bad name!",
				       NULL, 0, &cert, &key, &err),
			 OD_E_USAGE);
	assert_null(cert);
	assert_int_equal(pki_make_leaf(ca, ca_key, PKI_CLIENT, "..", NULL, 0,
				       &cert, &key, &err), OD_E_USAGE);
	assert_int_equal(pki_make_leaf(ca, ca_key, PKI_CLIENT, "desk-9", NULL,
				       0, &cert, &key, &err), OD_OK);
	gnutls_x509_crt_init(&c);
	gnutls_x509_crt_init(&a);
	d.data = (unsigned char *)cert;
	d.size = (unsigned)strlen(cert);
	assert_true(gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM) >= 0);
	d.data = (unsigned char *)ca;
	d.size = (unsigned)strlen(ca);
	assert_true(gnutls_x509_crt_import(a, &d, GNUTLS_X509_FMT_PEM) >= 0);
	assert_true(gnutls_x509_crt_verify(c, &a, 1, 0, &status) >= 0);
	assert_int_equal(status, 0);
	/* Another certificate has another pin. */
	assert_int_equal(pki_pin(cert, pin2, &err), OD_OK);
	assert_string_not_equal(pin2, f->rep.pin);
	gnutls_x509_crt_deinit(c);
	gnutls_x509_crt_deinit(a);
	free(ca);
	free(cert);
	secret_free_str(key);
	secret_free_str(ca_key);
}

static void test_push_then_replay(void **state)
{
	struct fixture *f = *state;
	char *body = push_body(f);
	json_t *ans = NULL;

	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       &ans), 200);
	expect_receipt(ans, 0, "accepted", 1);
	expect_receipt(ans, 1, "accepted", 2);
	assert_int_equal(verified_head(f, ans), 2);
	json_decref(ans);
	/* The same batch again: duplicates, nothing appended. */
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       &ans), 200);
	expect_receipt(ans, 0, "duplicate", 1);
	expect_receipt(ans, 1, "duplicate", 2);
	assert_int_equal(verified_head(f, ans), 2);
	assert_non_null(strstr(f->note, "0 accepted, 2 duplicate"));
	json_decref(ans);
	free(body);
}

static void test_bad_signature_refused(void **state)
{
	struct fixture *f = *state;
	char *body = push_body(f), *sig;
	json_t *ans = NULL;

	/* The first signature's first base64 character changed. */
	sig = strstr(body, "\"signature\":\"") + 13;
	*sig = *sig == 'A' ? 'B' : 'A';
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       &ans), 200);
	expect_receipt(ans, 0, "refused", 0);
	/* Said as when judged alone (the batch is judged again one by one,
	 * each statement as parsed once). */
	assert_non_null(strstr(json_string_value(json_object_get(
		json_array_get(json_object_get(ans, "receipts"), 0), "reason")),
		"does not check: it was altered or forged"));
	/* The second statement needs the first (its signer is unknown). */
	expect_receipt(ans, 1, "refused", 0);
	assert_int_equal(verified_head(f, ans), 0);
	json_decref(ans);
	free(body);
}

static void test_same_id_other_signature(void **state)
{
	struct fixture *f = *state;
	char *body = push_body(f), *sig;
	json_t *ans = NULL;

	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       NULL), 200);
	sig = strstr(body, "\"signature\":\"") + 13;
	*sig = *sig == 'A' ? 'B' : 'A';
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       &ans), 200);
	/* Not a harmless duplicate: the bytes differ from the logged entry. */
	expect_receipt(ans, 0, "refused", 0);
	expect_receipt(ans, 1, "duplicate", 2);
	json_decref(ans);
	free(body);
}

static void test_other_shop_refused(void **state)
{
	struct fixture *f = *state;
	struct store *other = NULL;
	struct store *keep = f->desk;
	struct od_err err;
	char pub64[64], *body;
	uint8_t pub[32];
	json_t *ans = NULL;

	assert_int_equal(store_open_memory(&other, &err), OD_OK);
	f->desk = other;
	sigkey_public(f->owner, pub);
	b64_encode(pub, sizeof pub, pub64);
	{
		const char *genesis[] = { "shop", "Another shop", "role",
					  "owner", "pubkey", pub64 };

		desk_append(f, STMT_SHOP_GENESIS, genesis, 3);
	}
	body = push_body(f);
	f->desk = keep;
	store_close(other);
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       &ans), 200);
	expect_receipt(ans, 0, "refused", 0);
	assert_non_null(strstr(json_string_value(json_object_get(
		json_array_get(json_object_get(ans, "receipts"), 0),
		"reason")), "another shop"));
	json_decref(ans);
	free(body);
}

static void test_log_pages(void **state)
{
	struct fixture *f = *state;
	char *body = push_body(f);
	json_t *ans = NULL, *e;

	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       NULL), 200);
	free(body);
	assert_int_equal(route(f, "GET", "/v1/log", "0", "1", NULL, &ans),
			 200);
	e = json_object_get(ans, "entries");
	assert_int_equal(json_array_size(e), 1);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(e, 0), "seq")), 1);
	assert_int_equal(verified_head(f, ans), 2);
	json_decref(ans);
	assert_int_equal(route(f, "GET", "/v1/log", "1", NULL, NULL, &ans),
			 200);
	e = json_object_get(ans, "entries");
	assert_int_equal(json_array_size(e), 1);
	assert_int_equal(json_integer_value(json_object_get(
		json_array_get(e, 0), "seq")), 2);
	json_decref(ans);
	assert_int_equal(route(f, "GET", "/v1/log", "2", NULL, NULL, &ans),
			 200);
	assert_int_equal(json_array_size(json_object_get(ans, "entries")), 0);
	json_decref(ans);
}

static void test_refused_requests(void **state)
{
	static const struct {
		const char *method, *path, *after, *limit, *body;
		unsigned status;
	} cases[] = {
		{ "POST", "/v1/statements", NULL, NULL, "", 400 },
		{ "POST", "/v1/statements", NULL, NULL, "[]", 400 },
		{ "POST", "/v1/statements", NULL, NULL, "{}", 400 },
		{ "POST", "/v1/statements", NULL, NULL, "{\"statements\": []}",
		  400 },
		{ "POST", "/v1/statements", NULL, NULL, "{\"statements\": [1]}",
		  400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [{\"statement\": \"x\"}]}", 400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [{\"statement\": \"x\", \"signature\": 1}]}",
		  400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [{\"statement\": \"x\", \"signature\": "
		  "\"x\", \"more\": 1}]}", 400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [], \"statements\": []}", 400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [{\"statement\": \"x\", \"signature\": "
		  "\"x\"}]} trailing", 400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [{\"statement\": \"x\", \"signature\": "
		  "\"x\"}", 400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [{\"statement\": \"a\\u0000b\", "
		  "\"signature\": \"x\"}]}", 400 },
		{ "POST", "/v1/statements", NULL, NULL,
		  "{\"statements\": [{\"statement\": \"a\", \"signature\": "
		  "\"x\"}, {\"statement\": \"b\", \"signature\": \"x\"}, "
		  "{\"statement\": \"c\", \"signature\": \"x\"}]}", 413 },
		{ "GET", "/v1/statements", NULL, NULL, NULL, 405 },
		{ "POST", "/v1/log", "0", NULL, "{}", 405 },
		{ "GET", "/v1/nothing", NULL, NULL, NULL, 404 },
		{ "GET", "/v1/log", NULL, NULL, NULL, 400 },
		{ "GET", "/v1/log", "-1", NULL, NULL, 400 },
		{ "GET", "/v1/log", "01", NULL, NULL, 400 },
		{ "GET", "/v1/log", "1x", NULL, NULL, 400 },
		{ "GET", "/v1/log", "99999999999999999999", NULL, NULL, 400 },
		{ "GET", "/v1/log", "0", "0", NULL, 400 },
		{ "GET", "/v1/log", "0", "abc", NULL, 400 },
	};
	struct fixture *f = *state;
	struct backend_config cfg;
	json_t *ans;
	size_t i;

	backend_config_default(&cfg);
	cfg.max_batch = 2;
	backend_set_config(f->b, &cfg);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ans = NULL;
		assert_int_equal(route(f, cases[i].method, cases[i].path,
				       cases[i].after, cases[i].limit,
				       cases[i].body, &ans), cases[i].status);
		/* Every refusal says why, as {"error": TEXT}. */
		assert_true(json_is_string(json_object_get(ans, "error")));
		json_decref(ans);
	}
}

static void test_refused_statement_text(void **state)
{
	struct fixture *f = *state;
	json_t *ans = NULL;
	char body[512];
	char sig[b64_encoded_len(64) + 1];
	uint8_t zero[64] = { 0 };

	b64_encode(zero, sizeof zero, sig);
	snprintf(body, sizeof body, "{\"statements\": [{\"statement\": "
		 "\"not a statement\", \"signature\": \"%s\"}, {\"statement\":"
		 " \"x\", \"signature\": \"AAAA\"}]}", sig);
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       &ans), 200);
	expect_receipt(ans, 0, "refused", 0);
	expect_receipt(ans, 1, "refused", 0);
	assert_int_equal(verified_head(f, ans), 0);
	json_decref(ans);
}

/* Writes the configuration file of the fixture's directory. */
static void write_conf(struct fixture *f, const char *text)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", f->dir, BACKEND_CONF_FILE);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_config(void **state)
{
	static const char *const bad[] = {
		"max_batch = 0\n", "max_batch = -1\n", "max_batch = x\n",
		"nonsense = 1\n", "max_batch\n", "listen = 127.0.0.1\n",
		"listen = localhost:80\n", "listen = 127.0.0.1:70000\n",
		"timeout = 99999\n",
	};
	struct fixture *f = *state;
	struct backend_config cfg;
	struct od_err err;
	size_t i;

	backend_config_default(&cfg);
	assert_int_equal(backend_config_load(f->dir, &cfg, &err), OD_OK);
	assert_int_equal(cfg.max_batch, 500);
	write_conf(f, "# comment\n\nlisten = 127.0.0.1:0\n max_batch=7 \n"
		   "max_body = 1024\ntimeout = 3\n");
	assert_int_equal(backend_config_load(f->dir, &cfg, &err), OD_OK);
	assert_int_equal(cfg.max_batch, 7);
	assert_int_equal(cfg.max_body, 1024);
	assert_int_equal(cfg.timeout_s, 3);
	assert_int_equal(cfg.port, 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_conf(f, bad[i]);
		backend_config_default(&cfg);
		assert_int_equal(backend_config_load(f->dir, &cfg, &err),
				 OD_E_INPUT);
		assert_non_null(strstr(err.msg, "line 1"));
	}
}

/* A handler for the transport tests: answers what the path asks for. */
static unsigned echo_handler(void *ctx, const struct https_request *req,
			     struct buf *out)
{
	struct od_err err;
	size_t i;

	if (strcmp(req->path, "/forbidden") == 0) {
		buf_adds(out, "{\"error\": \"no\"}", &err);
		return 403;
	}
	if (strcmp(req->path, "/big") == 0) {
		for (i = 0; i < 100000; i++)
			buf_adds(out, "x", &err);
		return 200;
	}
	buf_addf(out, &err, "{\"peer\": \"%s\", \"len\": %zu}", req->peer,
		 req->len);
	return 200;
}

/* Starts the HTTPS server of the fixture's directory on a free port. */
static struct https_server *serve(struct fixture *f, char **pems)
{
	struct https_config hc;
	struct https_server *srv = NULL;
	struct od_err err;

	assert_int_equal(backend_read_pem(f->dir, "server.pem", &pems[0],
					  &err), OD_OK);
	assert_int_equal(backend_read_pem(f->dir, "server.key", &pems[1],
					  &err), OD_OK);
	assert_int_equal(backend_read_pem(f->dir, "ca.pem", &pems[2], &err),
			 OD_OK);
	memset(&hc, 0, sizeof hc);
	hc.cert_pem = pems[0];
	hc.key_pem = pems[1];
	hc.ca_pem = pems[2];
	hc.address = "127.0.0.1";
	hc.port = 0;
	hc.max_connections = 8;
	hc.max_per_ip = 8;
	hc.max_body = 1024;
	hc.max_response = 1024 * 1024;
	hc.timeout_s = 5;
	hc.handler = echo_handler;
	assert_int_equal(https_server_start(&hc, &srv, &err), OD_OK);
	return srv;
}

/* Makes a client of the first desk's bundle with pin and a response cap. */
static struct tls_client *client(struct fixture *f, unsigned port,
				 const char *pin, size_t cap)
{
	char url[64], ca[128], cert[128], *key = NULL;
	struct tls_client_config cfg;
	struct tls_client *c = NULL;
	struct od_err err;

	snprintf(url, sizeof url, "https://127.0.0.1:%u", port);
	snprintf(ca, sizeof ca, "%s/join/ca.pem", f->dir);
	snprintf(cert, sizeof cert, "%s/join/desk.pem", f->dir);
	assert_int_equal(backend_read_pem(f->dir, "join/desk.key", &key, &err),
			 OD_OK);
	memset(&cfg, 0, sizeof cfg);
	cfg.base_url = url;
	cfg.pin = pin;
	cfg.ca_file = ca;
	cfg.cert_file = cert;
	cfg.key_pem = key;
	cfg.connect_timeout_s = 5;
	cfg.timeout_s = 10;
	cfg.max_response = cap;
	assert_int_equal(tls_client_new(&cfg, &c, &err), OD_OK);
	secret_free_str(key);
	return c;
}

static void test_transport(void **state)
{
	struct fixture *f = *state;
	char *pems[3] = { NULL, NULL, NULL };
	struct https_server *srv = serve(f, pems);
	unsigned port = https_server_port(srv);
	struct tls_client *c;
	struct buf resp;
	struct od_err err;
	char big[2048];
	long status = 0;

	assert_true(port > 0);
	buf_init(&resp, 1024 * 1024);
	/* The right pin: the request arrives with the desk's name. */
	c = client(f, port, f->rep.pin, 1024 * 1024);
	assert_int_equal(tls_client_request(c, "POST", "/echo", "{}", 2,
					    &status, &resp, &err), OD_OK);
	assert_int_equal(status, 200);
	assert_string_equal(resp.data, "{\"peer\": \"desk-1\", \"len\": 2}");
	/* libcurl calls a 403 a success: the status must come back. */
	assert_int_equal(tls_client_request(c, "GET", "/forbidden", NULL, 0,
					    &status, &resp, &err), OD_OK);
	assert_int_equal(status, 403);
	/* A body over the server's cap is answered 413. */
	memset(big, 'a', sizeof big);
	assert_int_equal(tls_client_request(c, "POST", "/echo", big,
					    sizeof big, &status, &resp, &err),
			 OD_OK);
	assert_int_equal(status, 413);
	tls_client_free(c);
	/* An answer over the client's cap is refused, not kept. */
	c = client(f, port, f->rep.pin, 1000);
	assert_int_equal(tls_client_request(c, "GET", "/big", NULL, 0, &status,
					    &resp, &err), OD_E_INPUT);
	assert_true(resp.len <= 1000);
	tls_client_free(c);
	/* Another pin: refused before anything is sent. */
	c = client(f, port, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		   1024);
	assert_int_equal(tls_client_request(c, "GET", "/echo", NULL, 0, &status,
					    &resp, &err), OD_E_AUTH);
	assert_non_null(strstr(err.msg, "pinned key"));
	tls_client_free(c);
	https_server_stop(srv);
	/* Nobody listening: an I/O error that says so. */
	c = client(f, port, f->rep.pin, 1024);
	assert_int_equal(tls_client_request(c, "GET", "/echo", NULL, 0, &status,
					    &resp, &err), OD_E_IO);
	tls_client_free(c);
	buf_free(&resp);
	free(pems[0]);
	secret_free_str(pems[1]);
	free(pems[2]);
}

/* Runs a route as a storefront (or a desk when name is NULL). */
static unsigned route_as(struct fixture *f, const char *name,
			 const char *method, const char *path,
			 const char *body, json_t **ans)
{
	struct backend_peer peer = { name ? name : "desk-1", name != NULL };
	json_error_t jerr;
	unsigned status;

	buf_reset(&f->out);
	status = backend_route_peer(f->b, &peer, method, path,
				    &(const struct backend_args){ .after = "0" }, body,
				    body ? strlen(body) : 0, &f->out, f->note,
				    sizeof f->note);
	if (ans != NULL) {
		*ans = json_loadb(f->out.data, f->out.len, 0, &jerr);
		assert_non_null(*ans);
	}
	return status;
}

/* A JSON order for the import format, numbered number. */
static void order_json(char *out, size_t size, const char *number)
{
	snprintf(out, size, "{\"number\": \"%s\", \"placed_at\": "
		 "\"2026-11-01T00:24:04Z\", \"currency\": \"EUR\", "
		 "\"customer\": {\"name\": \"Lena\"}, \"ship_to\": {\"name\": "
		 "\"Lena\", \"lines\": [\"Street 1\"], \"city\": \"Berlin\", "
		 "\"country\": \"DE\"}, \"items\": [{\"sku\": \"TEA-1\", "
		 "\"name\": \"Tea\", \"qty\": 2, \"unit_price\": 150}], "
		 "\"total\": 300}", number);
}

/* Pushes the desk's log, after the owner approves storefront web. */
static void approve_web(struct fixture *f, const char *pubkey)
{
	const char *kv[] = { "user", "web", "role", "storefront",
			     "pubkey", pubkey };
	char *body;

	desk_append(f, STMT_USER_ADD, kv, 3);
	body = push_body(f);
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, body,
			       NULL), 200);
	free(body);
}

/* Counts "result": result among the receipts. */
static size_t count_results(json_t *ans, const char *result)
{
	json_t *list = json_object_get(ans, "receipts"), *r;
	size_t i, n = 0;

	json_array_foreach(list, i, r)
		n += strcmp(json_string_value(json_object_get(r, "result")),
			    result) == 0;
	return n;
}

static void test_storefront_orders(void **state)
{
	struct fixture *f = *state;
	struct backend_storefront_report rep, again;
	struct ledger_report lrep;
	char o1[1024], o2[1024], body[4096], path[256];
	struct od_err err;
	struct stat sb;
	json_t *ans = NULL, *r;

	assert_int_equal(backend_storefront_add(f->dir, "web", &rep, &err),
			 OD_OK);
	assert_int_equal(strlen(rep.pubkey), 44);
	snprintf(path, sizeof path, "%s/storefront-keys/web.key", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(backend_storefront_add(f->dir, "web", &again, &err),
			 OD_E_EXISTS);
	order_json(o1, sizeof o1, "W-1");
	order_json(o2, sizeof o2, "W-2");
	snprintf(body, sizeof body, "[%s, %s]", o1, o2);

	/* Not yet approved by the owner: 403 saying how, nothing logged. */
	assert_int_equal(route_as(f, "web", "POST", "/v1/orders", body, &ans),
			 403);
	assert_non_null(strstr(json_string_value(json_object_get(ans,
			"error")), "--approve-storefront web --key"));
	json_decref(ans);
	approve_web(f, rep.pubkey);

	/* A desk may not post orders; a storefront only posts orders. */
	assert_int_equal(route_as(f, NULL, "POST", "/v1/orders", body, NULL),
			 403);
	assert_int_equal(route_as(f, "web", "GET", "/v1/log", NULL, NULL),
			 403);
	assert_int_equal(route_as(f, "web", "POST", "/v1/statements", "{}",
				  NULL), 403);
	assert_int_equal(route_as(f, "web", "GET", "/v1/orders", NULL, NULL),
			 405);
	/* A certificate naming no storefront of this backend. */
	assert_int_equal(route_as(f, "shop2", "POST", "/v1/orders", body,
				  NULL), 403);

	assert_int_equal(route_as(f, "web", "POST", "/v1/orders", body, &ans),
			 200);
	assert_int_equal(count_results(ans, "accepted"), 2);
	r = json_array_get(json_object_get(ans, "receipts"), 1);
	assert_string_equal(json_string_value(json_object_get(r, "order")),
			    "W-2");
	assert_int_equal(json_integer_value(json_object_get(r, "seq")), 5);
	assert_int_equal(verified_head(f, ans), 5);
	json_decref(ans);

	/* The same orders again: refused, with no second effect. */
	assert_int_equal(route_as(f, "web", "POST", "/v1/orders", body, &ans),
			 200);
	assert_int_equal(count_results(ans, "refused"), 2);
	r = json_array_get(json_object_get(ans, "receipts"), 0);
	assert_non_null(strstr(json_string_value(json_object_get(r,
			"reason")), "W-1"));
	assert_int_equal(verified_head(f, ans), 5);
	assert_non_null(strstr(f->note, "0 orders placed, 2 refused"));
	json_decref(ans);

	/* What the backend signed replays as audit verify does. */
	assert_int_equal(ledger_verify(backend_store(f->b), &lrep, &err),
			 OD_OK);
	assert_int_equal(lrep.entries, 5);
	assert_int_equal(lrep.orders, 2);
}

static void test_storefront_refused_bodies(void **state)
{
	struct fixture *f = *state;
	struct backend_storefront_report rep;
	struct backend_config cfg;
	char o1[1024], o2[1024], big[4096];
	uint8_t hash[32];
	long long seq = 0;
	struct od_err err;
	static const char *const bad[] = {
		"", "   ", "number,placed_at\n1,2\n", "[", "{\"number\": 1}",
		"[{\"number\": \"X\"}]", "[1, 2]", "\"text\"", "null",
		"[{\"number\": \"../x\", \"placed_at\": 5}]",
	};
	size_t i;

	assert_int_equal(backend_storefront_add(f->dir, "web", &rep, &err),
			 OD_OK);
	approve_web(f, rep.pubkey);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(route_as(f, "web", "POST", "/v1/orders",
					  bad[i], NULL), 400);
	/* A batch over max_batch: 413. */
	backend_config_default(&cfg);
	cfg.max_batch = 1;
	backend_set_config(f->b, &cfg);
	order_json(o1, sizeof o1, "W-1");
	order_json(o2, sizeof o2, "W-2");
	snprintf(big, sizeof big, "[%s, %s]", o1, o2);
	assert_int_equal(route_as(f, "web", "POST", "/v1/orders", big, NULL),
			 413);
	/* Nothing of all that reached the log. */
	assert_int_equal(store_log_head(backend_store(f->b), &seq, hash, &err),
			 OD_OK);
	assert_int_equal(seq, 3);
}

/* What backend_import heard. */
struct heard {
	int accepted, refused;
};

static void heard_cb(void *ctx, const char *number, long long seq,
		     const char *reason)
{
	struct heard *h = ctx;

	if (seq > 0)
		h->accepted++;
	else if (reason != NULL && strstr(reason, number) != NULL)
		h->refused++;
}

static void test_storefront_import(void **state)
{
	struct fixture *f = *state;
	struct backend_storefront_report rep;
	struct heard h = { 0, 0 };
	char o1[1024], body[4096];
	struct od_err err;
	size_t accepted = 0;

	order_json(o1, sizeof o1, "F-1");
	snprintf(body, sizeof body, "[%s]", o1);
	assert_int_equal(backend_import(f->b, "web", body, strlen(body),
					heard_cb, &h, &accepted, &err),
			 OD_E_NOTFOUND);
	assert_int_equal(backend_storefront_add(f->dir, "web", &rep, &err),
			 OD_OK);
	assert_int_equal(backend_import(f->b, "web", body, strlen(body),
					heard_cb, &h, &accepted, &err),
			 OD_E_DENIED);
	approve_web(f, rep.pubkey);
	assert_int_equal(backend_import(f->b, "web", "[{", 2, heard_cb, &h,
					&accepted, &err), OD_E_INPUT);
	assert_int_equal(backend_import(f->b, "web", body, strlen(body),
					heard_cb, &h, &accepted, &err), OD_OK);
	assert_int_equal(accepted, 1);
	assert_int_equal(backend_import(f->b, "web", body, strlen(body),
					heard_cb, &h, &accepted, &err), OD_OK);
	assert_int_equal(accepted, 0);
	assert_int_equal(h.accepted, 1);
	assert_int_equal(h.refused, 1);
}

static void test_storefront_names(void **state)
{
	struct fixture *f = *state;
	struct backend_storefront_report rep;
	static const char *const bad[] = {
		"", "Web", "1web", ".web", "-web", "we b", "web/x", "../web",
		"a234567890123456789012345678901234",
	};
	struct od_err err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(backend_storefront_add(f->dir, bad[i], &rep,
							&err), OD_E_USAGE);
	assert_int_equal(backend_storefront_add(f->dir, "shop.web-2_x", &rep,
						&err), OD_OK);
}

/* The storefront's certificate carries the unit the server reads. */
static void test_storefront_certificate(void **state)
{
	struct fixture *f = *state;
	struct backend_storefront_report rep;
	gnutls_x509_crt_t crt;
	gnutls_datum_t d;
	char *pem = NULL, unit[64], path[128];
	size_t len = sizeof unit;
	struct od_err err;

	assert_int_equal(backend_storefront_add(f->dir, "web", &rep, &err),
			 OD_OK);
	snprintf(path, sizeof path, "%s/storefronts/web", f->dir);
	assert_int_equal(backend_read_pem(path, "storefront.pem", &pem, &err),
			 OD_OK);
	d.data = (unsigned char *)pem;
	d.size = (unsigned)strlen(pem);
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM),
			 0);
	assert_int_equal(gnutls_x509_crt_get_dn_by_oid(crt,
			 GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0, 0, unit,
			 &len), 0);
	assert_string_equal(unit, PKI_STOREFRONT_UNIT);
	gnutls_x509_crt_deinit(crt);
	free(pem);
	/* A desk's has none. */
	assert_int_equal(backend_read_pem(f->dir, "join/desk.pem", &pem, &err),
			 OD_OK);
	d.data = (unsigned char *)pem;
	d.size = (unsigned)strlen(pem);
	len = sizeof unit;
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM),
			 0);
	assert_int_equal(gnutls_x509_crt_get_dn_by_oid(crt,
			 GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0, 0, unit,
			 &len), GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
	gnutls_x509_crt_deinit(crt);
	free(pem);
}

/* The serial of a PEM file of the backend directory. */
static void serial_of(struct fixture *f, const char *file,
		      char serial[PKI_SERIAL_MAX + 1])
{
	struct od_err err;
	char *pem = NULL;

	assert_int_equal(backend_read_pem(f->dir, file, &pem, &err), OD_OK);
	assert_int_equal(pki_serial(pem, serial, &err), OD_OK);
	assert_true(strlen(serial) >= 2);
	free(pem);
}

static void test_revoke(void **state)
{
	struct fixture *f = *state;
	struct backend_storefront_report rep;
	char desk[PKI_SERIAL_MAX + 1], web[PKI_SERIAL_MAX + 1], path[128];
	static const char *const damaged[] = {
		"zz desk-1\n", "0a\n", "0a desk-1", " desk-1\n",
		"0A desk-1\n",
	};
	struct od_err err;
	struct stat sb;
	size_t i;
	FILE *fp;

	serial_of(f, "join/desk.pem", desk);
	assert_int_equal(backend_storefront_add(f->dir, "web", &rep, &err),
			 OD_OK);
	serial_of(f, "storefronts/web/storefront.pem", web);
	/* No list: nobody is revoked. */
	assert_int_equal(backend_revoked(f->b, desk), 0);
	assert_int_equal(backend_revoke(f->dir, "nobody", 0, &err),
			 OD_E_NOTFOUND);
	assert_int_equal(backend_revoke(f->dir, "../join", 0, &err),
			 OD_E_USAGE);
	assert_int_equal(backend_revoke(f->dir, "desk-1", 0, &err), OD_OK);
	snprintf(path, sizeof path, "%s/revoked", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0077, 0);
	/* The open backend notices the new list without a restart. */
	assert_int_equal(backend_revoked(f->b, desk), 1);
	assert_int_equal(backend_revoked(f->b, web), 0);
	assert_int_equal(backend_revoke(f->dir, "desk-1", 0, &err),
			 OD_E_STATE);
	/* A storefront's certificate is not a desk's, and the reverse. */
	assert_int_equal(backend_revoke(f->dir, "web", 0, &err),
			 OD_E_NOTFOUND);
	assert_int_equal(backend_revoke(f->dir, "web", 1, &err), OD_OK);
	assert_int_equal(backend_revoked(f->b, web), 1);
	assert_int_equal(backend_revoked(f->b, desk), 1);
	assert_int_equal(backend_revoked(f->b, "0123"), 0);
	/* A damaged list refuses everyone, and so does a cut last line. */
	for (i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
		fp = fopen(path, "w");
		assert_non_null(fp);
		fputs(damaged[i], fp);
		/* Another size or inode: seen as changed. */
		fprintf(fp, "%*s", (int)i, "");
		assert_int_equal(fclose(fp), 0);
		assert_int_equal(backend_revoked(f->b, "0123"), 1);
	}
	assert_int_equal(backend_revoke(f->dir, "desk-1", 0, &err),
			 OD_E_TAMPERED);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(backend_revoked(f->b, desk), 0);
}

/* Appends an order statement (kv pairs) to the desk's log as the owner. */
static void desk_order(struct fixture *f, enum stmt_kind kind,
		       const char *order, const char *const *kv, size_t n)
{
	struct statement *st = NULL;
	struct od_err err;
	size_t i;

	assert_int_equal(statement_new(kind, "owner", f->owner_fp, order, &st,
				       &err), OD_OK);
	for (i = 0; i < n; i++)
		assert_int_equal(statement_add(st, kv[2 * i], kv[2 * i + 1],
					       &err), OD_OK);
	assert_int_equal(store_begin(f->desk, &err), OD_OK);
	assert_int_equal(ledger_append(f->desk, f->owner, st, NULL, &err),
			 OD_OK);
	assert_int_equal(store_commit(f->desk, &err), OD_OK);
	statement_free(st);
}

/*
 * Signs st as the owner, chained to the desk's last entry, without the
 * desk's fold: a statement the desk itself would refuse.  Appends
 * {"statement", "signature"} to list.
 */
static void sign_raw(struct fixture *f, struct statement *st, json_t *list)
{
	uint8_t digest[32], sig[SIGKEY_SIG_LEN];
	char id[33], hex[65], prev[STMT_PREV_LEN + 1];
	char sig64[b64_encoded_len(SIGKEY_SIG_LEN) + 1];
	struct od_err err;
	struct buf text;
	long long seq;

	assert_int_equal(store_log_tip(f->desk, &seq, id, digest, &err), OD_OK);
	hex_encode(digest, 32, hex);
	snprintf(prev, sizeof prev, "%s %s", id, hex);
	assert_int_equal(statement_set_prev(st, prev, &err), OD_OK);
	buf_init(&text, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &text, &err), OD_OK);
	assert_int_equal(sigkey_sign(f->owner, text.data, text.len, sig, &err),
			 OD_OK);
	b64_encode(sig, sizeof sig, sig64);
	json_array_append_new(list, json_pack("{s:s%, s:s}", "statement",
					      text.data, text.len,
					      "signature", sig64));
	buf_free(&text);
}

/*
 * A batch whose middle statement the fold refuses after it has already
 * written part of its change (a shipment whose second item is over the
 * quantity): the statements around it are accepted, the refused one
 * leaves nothing behind, and the backend's state still equals its log.
 */
static void test_batch_refusal_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	static const char *const order[] = {
		"placed", "2026-11-20T09:15:00Z", "currency", "EUR",
		"customer", "Lena", "ship-name", "Lena", "ship-line",
		"Street 1", "ship-city", "Berlin", "ship-country", "DE",
		"item", "A 1 100 Tea", "item", "B 1 50 Cup", "total", "150",
	};
	static const char *const note[] = { "text", "fragile" };
	struct ledger_report rep;
	struct statement *st = NULL;
	json_t *list = json_array(), *body, *ans = NULL;
	struct od_err err;
	char *text;

	desk_order(f, STMT_ORDER_PLACED, "X", order, 10);
	desk_order(f, STMT_ORDER_CONFIRM, "X", NULL, 0);
	text = push_body(f);
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, text,
			       NULL), 200);
	free(text);
	/* Ships A (written first), then B 5 of 1: refused by the fold. */
	assert_int_equal(statement_new(STMT_SHIPMENT_CONFIRM, "owner",
				       f->owner_fp, "X", &st, &err), OD_OK);
	assert_int_equal(statement_add(st, "carrier", "DHL", &err), OD_OK);
	assert_int_equal(statement_add(st, "tracking", "T1", &err), OD_OK);
	assert_int_equal(statement_add(st, "item", "A 1", &err), OD_OK);
	assert_int_equal(statement_add(st, "item", "B 5", &err), OD_OK);
	sign_raw(f, st, list);
	statement_free(st);
	desk_order(f, STMT_ORDER_NOTE, "X", note, 1);
	{
		json_t *all = json_array();
		char *pushed = push_body(f);
		json_t *parsed = json_loads(pushed, 0, NULL);
		json_t *last = json_array_get(json_object_get(parsed,
						"statements"), 4);

		/* [the refused shipment, the note] after what is there */
		json_array_append(all, json_array_get(list, 0));
		json_array_append(all, last);
		body = json_pack("{s:o}", "statements", all);
		json_decref(parsed);
		free(pushed);
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, text,
			       &ans), 200);
	expect_receipt(ans, 0, "refused", 0);
	assert_non_null(strstr(json_string_value(json_object_get(
			json_array_get(json_object_get(ans, "receipts"), 0),
			"reason")), "only 1 of B are left to ship"));
	expect_receipt(ans, 1, "accepted", 5);
	json_decref(ans);
	free(text);
	/* Nothing of the shipment's first item stayed behind. */
	assert_int_equal(ledger_verify(backend_store(f->b), &rep, &err),
			 OD_OK);
	assert_int_equal(rep.entries, 5);
	json_decref(list);
}

/*
 * Replays cost one log row each, whatever the log's length: copies of an
 * early user.add (no order: the old check walked the log from it to the
 * end) and of the first entry of an order with many entries (the old check
 * walked the order's entries) are answered duplicate, reading one row per
 * copy (store_log_rows_read) instead of a walk per copy, which let one
 * batch of 500 replays hold the only server thread for seconds.
 */
static void test_replays_read_one_row(void **state)
{
	enum { NOTES = 200, COPIES = 100 };
	struct fixture *f = *state;
	static const char *const order[] = {
		"placed", "2026-11-20T09:15:00Z", "currency", "EUR",
		"customer", "Lena", "ship-name", "Lena", "ship-line",
		"Street 1", "ship-city", "Berlin", "ship-country", "DE",
		"item", "A 1 100 Tea", "total", "100",
	};
	static const char *const note[] = { "text", "fragile" };
	json_t *pushed, *all, *copies = json_array(), *body, *ans = NULL;
	char *text;
	long long rows;
	size_t i;

	desk_order(f, STMT_ORDER_PLACED, "X", order, 9);
	for (i = 0; i < NOTES; i++)
		desk_order(f, STMT_ORDER_NOTE, "X", note, 1);
	text = push_body(f);
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, text,
			       NULL), 200);
	pushed = json_loads(text, 0, NULL);
	free(text);
	all = json_object_get(pushed, "statements");
	/* Entry 2 is mei's user.add, entry 3 order X's order.placed. */
	for (i = 0; i < COPIES; i++)
		json_array_append(copies, json_array_get(all, 1 + i % 2));
	body = json_pack("{s:o}", "statements", copies);
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	json_decref(pushed);
	rows = store_log_rows_read(backend_store(f->b));
	assert_int_equal(route(f, "POST", "/v1/statements", NULL, NULL, text,
			       &ans), 200);
	rows = store_log_rows_read(backend_store(f->b)) - rows;
	for (i = 0; i < COPIES; i++)
		expect_receipt(ans, i, "duplicate", 2 + (long long)(i % 2));
	assert_non_null(strstr(f->note, "0 accepted, 100 duplicate"));
	/* One row per copy; the walks read about NOTES per copy. */
	assert_int_equal(rows, COPIES);
	json_decref(ans);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_key_file_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_certificates_chain, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_push_then_replay, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_signature_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_replays_read_one_row,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_id_other_signature,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_shop_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_log_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refused_statement_text,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_storefront_orders, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_storefront_refused_bodies,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_storefront_import, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_storefront_names, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_storefront_certificate,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_batch_refusal_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transport, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
