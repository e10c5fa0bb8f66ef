/*
 * test-keyslot-token.c - the "tokenkeys" file (app/shop/keyslot-token.h):
 * one line per person, others' lines kept, 0600, a swap undone, refused
 * URIs never written.
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

#include "app/shop/keyslot-token.h"

static char dir[] = "/tmp/od-tokenkeys.XXXXXX";

/* The file's text, or "" when there is none. */
static const char *text(void)
{
	static char buf[4096];
	char path[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/" KEYSLOT_TOKEN_FILE, dir);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void test_set_get(void **state)
{
	char uri[SIGTOKEN_URI_MAX + 1], path[256];
	struct od_err err;
	struct stat st;
	int found = 1;

	assert_int_equal(keyslot_token_get(dir, "mei", uri, &found, &err),
			 OD_OK);
	assert_int_equal(found, 0);
	assert_int_equal(keyslot_token_set(dir, "mei", "pkcs11:token=a", &err),
			 OD_OK);
	assert_int_equal(keyslot_token_set(dir, "me", "pkcs11:token=b", &err),
			 OD_OK);
	assert_string_equal(text(), "mei pkcs11:token=a\nme pkcs11:token=b\n");
	assert_int_equal(keyslot_token_get(dir, "me", uri, &found, &err),
			 OD_OK);
	assert_int_equal(found, 1);
	assert_string_equal(uri, "pkcs11:token=b");   /* not mei's line */
	assert_int_equal(keyslot_token_set(dir, "mei", "pkcs11:token=c", &err),
			 OD_OK);
	assert_string_equal(text(), "me pkcs11:token=b\nmei pkcs11:token=c\n");
	assert_int_equal(keyslot_token_set(dir, "me", NULL, &err), OD_OK);
	assert_string_equal(text(), "mei pkcs11:token=c\n");
	snprintf(path, sizeof path, "%s/" KEYSLOT_TOKEN_FILE, dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A URI with a PIN, or one that would break the file, is refused. */
	assert_int_equal(keyslot_token_set(dir, "kai", "pkcs11:token=a?"
					   "pin-value=1", &err), OD_E_USAGE);
	assert_int_equal(keyslot_token_set(dir, "kai", "pkcs11:a\nkai x",
					   &err), OD_E_USAGE);
	assert_string_equal(text(), "mei pkcs11:token=c\n");
	assert_int_equal(keyslot_token_set(dir, "mei", NULL, &err), OD_OK);
}

static void test_swap_undo(void **state)
{
	struct keyslot_token_undo undo;
	struct od_err err;

	assert_int_equal(keyslot_token_set(dir, "sam", "pkcs11:token=s", &err),
			 OD_OK);
	assert_int_equal(keyslot_token_swap(dir, "sam", "pkcs11:token=t",
					    &undo, &err), OD_OK);
	assert_string_equal(text(), "sam pkcs11:token=t\n");
	keyslot_token_undo(&undo);
	assert_string_equal(text(), "sam pkcs11:token=s\n");
	assert_int_equal(keyslot_token_swap(dir, "kai", "pkcs11:token=k",
					    &undo, &err), OD_OK);
	keyslot_token_undo(&undo);      /* kai had none: none again */
	assert_string_equal(text(), "sam pkcs11:token=s\n");
	assert_int_equal(keyslot_token_swap(dir, "sam", NULL, &undo, &err),
			 OD_OK);
	assert_string_equal(text(), "");
	keyslot_token_undo(&undo);
	assert_string_equal(text(), "sam pkcs11:token=s\n");
}

/* Without a line the key is the seed's. */
static void test_open_seed(void **state)
{
	uint8_t seed[KEYSLOT_SEED_LEN] = { 1 }, a[SIGKEY_PUB_LEN];
	uint8_t b[SIGKEY_PUB_LEN];
	struct sigkey *k = NULL, *want = NULL;
	struct od_err err;

	assert_int_equal(keyslot_token_open(dir, "mei", seed, &k, &err),
			 OD_OK);
	assert_false(sigkey_on_token(k));
	assert_int_equal(sigkey_from_seed(seed, &want, &err), OD_OK);
	sigkey_public(k, a);
	sigkey_public(want, b);
	assert_memory_equal(a, b, SIGKEY_PUB_LEN);
	sigkey_free(k);
	sigkey_free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get),
		cmocka_unit_test(test_swap_undo),
		cmocka_unit_test(test_open_seed),
	};
	char cmd[128];
	int rc;

	if (mkdtemp(dir) == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
