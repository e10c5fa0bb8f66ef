/*
 * test-backup-sig.c - a backend backup's signature by the head key
 * (app/orderdeskd/backend-backup-sig.h) and a desk's record of failed
 * unlocks (app/shop/unlock-fails.h): each byte of a signed file counts,
 * another key is named, an unsigned "/1" file is told apart; the record
 * counts, never holds what was typed, and is cleared only as reported.
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

#include "app/orderdeskd/backend-backup.h"
#include "app/orderdeskd/backend-backup-sig.h"
#include "app/shop/unlock-fails.h"

static char dir[] = "/tmp/od-test-backup-sig.XXXXXX";

static struct sigkey *new_key(void)
{
	uint8_t seed[SIGKEY_SEED_LEN];
	struct sigkey *k = NULL;
	struct od_err err;

	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
	return k;
}

/* Writes a file of magic and n bytes of filler. */
static void write_body(const char *path, const char *magic, size_t n)
{
	FILE *f = fopen(path, "wb");
	size_t i;

	assert_non_null(f);
	fputs(magic, f);
	for (i = 0; i < n; i++)
		fputc((int)(i * 7 % 251), f);
	fclose(f);
}

static void flip(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	int c;

	assert_non_null(f);
	fseek(f, at, SEEK_SET);
	c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 1, f);
	fclose(f);
}

static void test_signed_file(void **state)
{
	struct sigkey *k = new_key(), *other = new_key();
	uint8_t pub[SIGKEY_PUB_LEN], opub[SIGKEY_PUB_LEN], got[SIGKEY_PUB_LEN];
	char path[128];
	struct od_err err;
	int version = 0;
	long at;

	(void)state;
	sigkey_public(k, pub);
	sigkey_public(other, opub);
	snprintf(path, sizeof path, "%s/b.bak", dir);
	write_body(path, BACKEND_BACKUP_MAGIC, 200000);
	assert_int_equal(bkb_sign_file(path, k, &err), OD_OK);
	assert_int_equal(bkb_verify_file(path, pub, got, &version, &err),
			 OD_OK);
	assert_int_equal(version, 2);
	assert_memory_equal(got, pub, sizeof pub);
	assert_int_equal(bkb_verify_file(path, NULL, NULL, &version, &err),
			 OD_OK);
	/* Another backend's key: refused, naming it. */
	assert_int_equal(bkb_verify_file(path, opub, NULL, &version, &err),
			 OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "another backend's key"));
	/* Any byte changed: the body, the signature. */
	for (at = 25; at < 200000; at += 39999) {
		flip(path, at);
		assert_int_equal(bkb_verify_file(path, pub, NULL, &version,
						 &err), OD_E_TAMPERED);
		flip(path, at);
	}
	flip(path, 20 + 200000 + SIGKEY_PUB_LEN + 3);
	assert_int_equal(bkb_verify_file(path, pub, NULL, &version, &err),
			 OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "altered or damaged"));
	unlink(path);
	sigkey_free(k);
	sigkey_free(other);
}

static void test_unsigned_and_foreign(void **state)
{
	char path[128];
	struct od_err err;
	int version = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/old.bak", dir);
	write_body(path, "orderdeskd-backup/1\n", 1000);
	assert_int_equal(bkb_verify_file(path, NULL, NULL, &version, &err),
			 OD_OK);
	assert_int_equal(version, 1);
	write_body(path, "orderdesk-backup/1\n\n", 1000);
	assert_int_equal(bkb_verify_file(path, NULL, NULL, &version, &err),
			 OD_E_INPUT);
	unlink(path);
}

static void test_unlock_record(void **state)
{
	struct unlock_fails f, g;
	char path[128], text[512];
	struct stat st;
	struct od_err err;
	FILE *fp;
	size_t n;

	(void)state;
	assert_int_equal(unlock_fails_read(dir, &f, &err), OD_OK);
	assert_int_equal(f.count, 0);
	unlock_fails_note(dir);
	unlock_fails_note(dir);
	unlock_fails_note(dir);
	assert_int_equal(unlock_fails_read(dir, &f, &err), OD_OK);
	assert_int_equal(f.count, 3);
	assert_true(f.first > 0 && f.last >= f.first);
	snprintf(path, sizeof path, "%s/%s", dir, UNLOCK_FAILS_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof text - 1, fp);
	fclose(fp);
	text[n] = '\0';
	assert_non_null(strstr(text, "count 3\n"));
	/* One more meanwhile: clearing what was reported keeps it. */
	unlock_fails_note(dir);
	unlock_fails_clear(dir, &f);
	assert_int_equal(unlock_fails_read(dir, &g, &err), OD_OK);
	assert_int_equal(g.count, 4);
	unlock_fails_clear(dir, &g);
	assert_int_equal(unlock_fails_read(dir, &g, &err), OD_OK);
	assert_int_equal(g.count, 0);
	/* A damaged record still says someone tried. */
	fp = fopen(path, "w");
	fputs("garbage", fp);
	fclose(fp);
	assert_int_equal(unlock_fails_read(dir, &g, &err), OD_OK);
	assert_int_equal(g.count, 1);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_file),
		cmocka_unit_test(test_unsigned_and_foreign),
		cmocka_unit_test(test_unlock_record),
	};
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return rc;
}
