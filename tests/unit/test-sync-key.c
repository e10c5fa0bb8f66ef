/*
 * test-sync-key.c - the desk's TLS key sealed in the store
 * (app/shop/sync-key.c): reading and checking a bundle's key, and moving an
 * older plaintext backend/desk.key into the store, on an in-memory store
 * beside a temporary directory.
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

#include "app/keys/pki.h"
#include "app/shop/sync-key.h"
#include "app/sync/sync-rebase.h"
#include "lib/secret.h"

struct world {
	char dir[64];
	char old[128];          /* dir/backend/desk.key */
	struct store *s;
	char *ca, *ca_key;      /* a shop CA */
	char *cert[2], *key[2]; /* two desks' certificates and keys */
	struct od_err err;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	char sub[96];
	int i;

	assert_non_null(w);
	snprintf(w->dir, sizeof w->dir, "/tmp/od-sync-key.XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(sub, sizeof sub, "%s/%s", w->dir, SYNC_DIR);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(w->old, sizeof w->old, "%s/%s", sub, SYNC_KEY_OLD_FILE);
	assert_int_equal(store_open_memory(&w->s, &w->err), OD_OK);
	assert_int_equal(pki_make_ca("Key shop", &w->ca, &w->ca_key, &w->err),
			 OD_OK);
	for (i = 0; i < 2; i++)
		assert_int_equal(pki_make_leaf(w->ca, w->ca_key, PKI_CLIENT,
					       i ? "desk-2" : "desk-1", NULL, 0,
					       &w->cert[i], &w->key[i],
					       &w->err), OD_OK);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	char cmd[128];
	int i;

	store_close(w->s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
	assert_int_equal(system(cmd), 0);
	free(w->ca);
	secret_free_str(w->ca_key);
	for (i = 0; i < 2; i++) {
		free(w->cert[i]);
		secret_free_str(w->key[i]);
	}
	free(w);
	return 0;
}

/* Writes text to path, mode 0600, as an older orderdesk did. */
static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0);
}

/* Seals key in the store, as an attach does. */
static void seal(struct world *w, const char *key)
{
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(sync_key_put(w->s, key, &w->err), OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
}

/* The sealed key is exactly want. */
static void sealed_is(struct world *w, const char *want)
{
	char *got = NULL;

	assert_int_equal(sync_key_get(w->s, &got, &w->err), OD_OK);
	assert_string_equal(got, want);
	secret_free_str(got);
}

/* A bundle's key is read and checked against its certificate. */
static void test_read_file(void **state)
{
	struct world *w = *state;
	char path[160], *pem = NULL;

	snprintf(path, sizeof path, "%s/given.key", w->dir);
	put_file(path, w->key[0]);
	assert_int_equal(sync_key_read_file(path, w->cert[0], &pem, &w->err),
			 OD_OK);
	assert_string_equal(pem, w->key[0]);
	secret_free_str(pem);

	/* Another desk's key, a certificate, garbage: refused, and said. */
	assert_int_equal(sync_key_read_file(path, w->cert[1], &pem, &w->err),
			 OD_E_INPUT);
	assert_null(pem);
	assert_non_null(strstr(w->err.msg, "not the key of the desk's "
				"certificate"));
	put_file(path, w->cert[0]);
	assert_int_equal(sync_key_read_file(path, w->cert[0], &pem, &w->err),
			 OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "not an unencrypted private key"));
	/* No part of a key in any message. */
	assert_null(strstr(w->err.msg, "PRIVATE"));
	snprintf(path, sizeof path, "%s/absent.key", w->dir);
	assert_int_equal(sync_key_read_file(path, NULL, &pem, &w->err),
			 OD_E_IO);
}

/* No key sealed: sync says how to attach again. */
static void test_get_none(void **state)
{
	struct world *w = *state;
	char *pem = NULL;

	assert_int_equal(sync_key_get(w->s, &pem, &w->err), OD_E_NOTFOUND);
	assert_null(pem);
	assert_non_null(strstr(w->err.msg, "orderdesk sync --backend"));
}

/* The old file is sealed, overwritten with zeros and removed. */
static void test_migrate(void **state)
{
	struct world *w = *state;
	char link_path[160], buf[4096];
	struct stat st;
	size_t n, i;
	FILE *f;

	assert_int_equal(sync_key_migrate(w->s, w->dir, &w->err), OD_OK);
	assert_false(sync_key_old_file(w->dir));     /* no file: nothing */
	put_file(w->old, w->key[0]);
	assert_true(sync_key_old_file(w->dir));
	/* A second name for the file shows what became of its bytes. */
	snprintf(link_path, sizeof link_path, "%s/link", w->dir);
	assert_int_equal(link(w->old, link_path), 0);
	assert_int_equal(sync_key_migrate(w->s, w->dir, &w->err), OD_OK);
	assert_false(sync_key_old_file(w->dir));
	assert_int_equal(lstat(w->old, &st), -1);
	sealed_is(w, w->key[0]);
	f = fopen(link_path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	assert_int_equal(n, strlen(w->key[0]));
	for (i = 0; i < n; i++)
		assert_int_equal(buf[i], 0);
}

/* The file wins over a key sealed before (an older orderdesk wrote it). */
static void test_migrate_file_wins(void **state)
{
	struct world *w = *state;

	seal(w, w->key[0]);
	put_file(w->old, w->key[1]);
	assert_int_equal(sync_key_migrate(w->s, w->dir, &w->err), OD_OK);
	sealed_is(w, w->key[1]);
	assert_false(sync_key_old_file(w->dir));
}

/* A file that is no key is not sealed, and not destroyed either. */
static void test_migrate_not_a_key(void **state)
{
	struct world *w = *state;
	char *pem = NULL;

	put_file(w->old, w->cert[0]);
	assert_int_equal(sync_key_migrate(w->s, w->dir, &w->err), OD_OK);
	assert_true(sync_key_old_file(w->dir));
	assert_int_equal(sync_key_get(w->s, &pem, &w->err), OD_E_NOTFOUND);
}

/* The meta value key is absent. */
static void meta_gone(struct world *w, const char *key)
{
	char *v = NULL;

	assert_int_equal(store_meta_get(w->s, key, &v, &w->err),
			 OD_E_NOTFOUND);
	assert_null(v);
}

/* Detaches the store in one transaction, as a backup or restore does. */
static void detach(struct world *w)
{
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(sync_key_detach(w->s, &w->err), OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
}

/*
 * A detached store (a restored backup) keeps no way to the backend: no
 * key, address or pin; what it verified of the backend's log stays; it is
 * marked so that sync says to join again.  A store never attached is not
 * marked.
 */
static void test_detach(void **state)
{
	struct world *w = *state;
	char *v = NULL;

	detach(w);
	meta_gone(w, SYNC_META_RESTORED);
	seal(w, w->key[0]);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(store_meta_set(w->s, SYNC_META_URL,
					"https://127.0.0.1:1", &w->err), OD_OK);
	assert_int_equal(store_meta_set(w->s, SYNC_META_PIN, "sha256//x",
					&w->err), OD_OK);
	assert_int_equal(store_meta_set(w->s, SYNC_META_SEEN_SEQ, "7",
					&w->err), OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
	detach(w);
	assert_int_equal(sync_key_get(w->s, &v, &w->err), OD_E_NOTFOUND);
	meta_gone(w, SYNC_KEY_META);
	meta_gone(w, SYNC_META_URL);
	meta_gone(w, SYNC_META_PIN);
	assert_int_equal(store_meta_get(w->s, SYNC_META_SEEN_SEQ, &v,
					&w->err), OD_OK);
	assert_string_equal(v, "7");
	free(v);
	assert_int_equal(store_meta_get(w->s, SYNC_META_RESTORED, &v,
					&w->err), OD_OK);
	assert_string_equal(v, "1");
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_get_none, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_file_wins, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_not_a_key, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
