/*
 * backend-init.c - what `orderdeskd init` and `orderdeskd storefront add`
 * write: keys, certificates, the store.
 */
#include "app/orderdeskd/backend-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/log/statement.h"
#include "app/keys/pki.h"
#include "app/log/checkpoint.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"

/* Writes a new file dir/name (which must not exist) durably, mode 0600. */
static enum od_code write_new(const char *dir, const char *name,
			      const void *p, size_t len, struct od_err *err)
{
	char path[4096 + 256];  /* dir, '/', name: never cut */

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return file_write_new(path, p, len, err);
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

/* Writes backend.key: the store's data key and the head-signing seed. */
static enum od_code write_key_file(const char *dir,
				   const uint8_t data_key[STORE_KEY_LEN],
				   const uint8_t seed[SIGKEY_SEED_LEN],
				   struct od_err *err)
{
	char keytext[192], hex_a[65], hex_b[65];
	enum od_code rc;

	hex_encode(data_key, STORE_KEY_LEN, hex_a);
	hex_encode(seed, SIGKEY_SEED_LEN, hex_b);
	snprintf(keytext, sizeof keytext, "%s\ndata: %s\nsign: %s\n",
		 KEY_MAGIC, hex_a, hex_b);
	secret_wipe(hex_a, sizeof hex_a);
	secret_wipe(hex_b, sizeof hex_b);
	rc = write_new(dir, BACKEND_KEY_FILE, keytext, strlen(keytext), err);
	secret_wipe(keytext, sizeof keytext);
	return rc;
}

/* Makes the backend's store, encrypted with data_key, naming shop. */
static enum od_code init_store(const char *dir, const char *shop,
			       const uint8_t data_key[STORE_KEY_LEN],
			       struct od_err *err)
{
	char path[4096];
	struct store *s = NULL;
	enum od_code rc;

	snprintf(path, sizeof path, "%s/%s", dir, BACKEND_DB_FILE);
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
	store_close(s);
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
	char path[4096];
	struct sigkey *k = NULL;
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
	rc = write_key_file(dir, data_key, seed, err);
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
	if (rc == OD_OK)
		rc = init_store(dir, shop, data_key, err);
out:
	sigkey_free(k);
	secret_wipe(data_key, sizeof data_key);
	secret_wipe(seed, sizeof seed);
	free(ca_cert);
	free(srv_cert);
	secret_free_str(ca_key);
	secret_free_str(srv_key);
	return rc;
}

/* Whether name may name a storefront: a user name of the shop. */
int backend_storefront_name_ok(const char *name)
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
	if (!backend_storefront_name_ok(name))
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
