/* backend.c - opening a backend (its lock, keys and store) and closing it. */
#include "app/orderdeskd/backend.h"
#include "app/orderdeskd/backend-internal.h"
#include "app/orderdeskd/backend-cred.h"
#include "app/orderdeskd/backend-keyfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/encode.h"
#include "lib/secret.h"

/* Reads backend.key: the store's data key and the head-signing seed.  It
 * must be private to this user (backend_read_small checks). */
static enum od_code read_key_file(const char *dir,
				  uint8_t data_key[STORE_KEY_LEN],
				  uint8_t seed[SIGKEY_SEED_LEN],
				  struct od_err *err)
{
	char *text = NULL;
	size_t len = 0;
	enum od_code rc;

	rc = backend_read_small(backend_key_dir(dir), BACKEND_KEY_FILE, 512,
				1, &text, &len, err);
	if (rc != OD_OK)
		return rc;
	if (backend_key_parse(text, len, data_key, seed) != 0)
		rc = od_err_set(err, OD_E_TAMPERED, "%s in %.200s is damaged",
				BACKEND_KEY_FILE, dir);
	secret_wipe(text, len);
	free(text);
	return rc;
}

void backend_close(struct backend *b)
{
	if (b == NULL)
		return;
	store_close(b->store);
	sigkey_free(b->head_key);
	backend_revoked_drop(b);
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
