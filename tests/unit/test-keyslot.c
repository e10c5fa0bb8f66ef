/*
 * test-keyslot.c - the key-slot file: round trips, passphrases, revocation,
 * tampering, strict loading, atomic saving.
 *
 * Every Argon2id derivation costs about 0.3 s (64 MiB), so the tests share
 * one file made once (owner and mei) and count their derivations: about 30
 * in all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/encode.h"
#include "lib/err.h"
#include "storage/keyslot.h"

#define OWNER_PASS "correct horse battery staple"
#define MEI_PASS   "mei's \xe7\xa7\x98\xe5\xaf\x86 passphrase"
#define NEW_PASS   "a brand new passphrase"
/* The longest name allowed (32 bytes), with every kind of character. */
#define SAM        "sam.lee_2-abcdefghijklmnopqrstuv"

/* What the shared fixture holds. */
static struct {
	char dir[64];
	uint8_t data_key[KEYSLOT_KEY_LEN];
	uint8_t owner_seed[KEYSLOT_SEED_LEN];
	uint8_t mei_seed[KEYSLOT_SEED_LEN];
	char *text;             /* the saved file: slots owner, mei */
	size_t len;
	mode_t mode;            /* its mode, saved under umask 022 */
	int n;                  /* for unique file names */
} fx;

/* Reads a whole file (NUL-terminated); fails the test if it cannot. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len != NULL)
		*len = (size_t)n;
	return p;
}

/* Writes n bytes to path, replacing it. */
static void spill(const char *path, const char *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* A fresh path in the test directory. */
static void new_path(char *path, size_t n)
{
	snprintf(path, n, "%s/keyslots-%d", fx.dir, fx.n++);
}

/* A fresh path holding text. */
static void path_with(char *path, size_t n, const char *text, size_t len)
{
	new_path(path, n);
	spill(path, text, len);
}

/* Deterministic, distinct test bytes. */
static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 31 * i);
}

/* Makes the shared file: owner and mei, saved with umask 022. */
static int setup(void **state)
{
	struct keyslot_file *kf;
	struct od_err err;
	struct stat st;
	char path[128];

	strcpy(fx.dir, "/tmp/test-keyslot-XXXXXX");
	if (mkdtemp(fx.dir) == NULL)
		return -1;
	fill(fx.data_key, sizeof fx.data_key, 1);
	fill(fx.owner_seed, sizeof fx.owner_seed, 2);
	fill(fx.mei_seed, sizeof fx.mei_seed, 3);
	umask(022);
	new_path(path, sizeof path);
	if (keyslot_new(path, &kf, &err) != OD_OK ||
	    keyslot_add(kf, "owner", OWNER_PASS, strlen(OWNER_PASS),
			fx.data_key, fx.owner_seed, NULL, &err) != OD_OK ||
	    keyslot_add(kf, "mei", MEI_PASS, strlen(MEI_PASS), fx.data_key,
			fx.mei_seed, NULL, &err) != OD_OK ||
	    keyslot_save(kf, fx.data_key, &err) != OD_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	keyslot_free(kf);
	fx.text = slurp(path, &fx.len);
	if (stat(path, &st) != 0)
		return -1;
	fx.mode = st.st_mode & 07777;
	return 0;
}

/* Removes the test directory. */
static int teardown(void **state)
{
	char cmd[128];

	free(fx.text);
	snprintf(cmd, sizeof cmd, "rm -rf %s", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Loads a copy of the fixture. */
static struct keyslot_file *load_copy(char *path, size_t n)
{
	struct keyslot_file *kf;
	struct od_err err;

	path_with(path, n, fx.text, fx.len);
	assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
	return kf;
}

/* new -> add -> save -> load -> unlock gives the same key and seed. */
static void test_round_trip(void **state)
{
	uint8_t dk[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf;
	struct od_err err;
	char path[128];

	new_path(path, sizeof path);
	assert_int_equal(keyslot_new(path, &kf, &err), OD_OK);
	assert_int_equal(keyslot_count(kf), 0);
	assert_int_equal(keyslot_add(kf, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), fx.data_key,
				     fx.owner_seed, NULL, &err), OD_OK);
	assert_int_equal(keyslot_count(kf), 1);
	assert_string_equal(keyslot_user(kf, 0), "owner");
	assert_true(keyslot_has(kf, "owner"));
	assert_false(keyslot_has(kf, "mei"));
	/* Unsaved slots are not covered by a MAC yet. */
	assert_int_equal(keyslot_unlock(kf, "owner", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_E_USAGE);
	assert_int_equal(keyslot_save(kf, fx.data_key, &err), OD_OK);
	keyslot_free(kf);

	assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
	assert_int_equal(keyslot_count(kf), 1);
	assert_int_equal(keyslot_unlock(kf, "owner", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_OK);
	assert_memory_equal(dk, fx.data_key, sizeof dk);
	assert_memory_equal(seed, fx.owner_seed, sizeof seed);
	keyslot_free(kf);
}

/* A wrong passphrase is OD_E_AUTH and the file stays byte for byte. */
static void test_wrong_passphrase(void **state)
{
	uint8_t dk[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf;
	struct od_err err;
	char path[128], *after;
	size_t len;

	kf = load_copy(path, sizeof path);
	memset(dk, 0x77, sizeof dk);
	assert_int_equal(keyslot_unlock(kf, "owner", "correct horse battery",
					21, dk, seed, &err), OD_E_AUTH);
	/* No reset is named: none exists (README: a forgotten one). */
	assert_string_equal(err.msg, "wrong passphrase for owner; try again");
	assert_int_equal(dk[0] | dk[31] | seed[0] | seed[31], 0);

	assert_int_equal(keyslot_unlock(kf, "zed", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_E_AUTH);
	assert_non_null(strstr(err.msg, "no user zed in this shop"));
	assert_int_equal(keyslot_unlock(kf, "Owner\x1b[2J", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_E_AUTH);
	assert_null(strstr(err.msg, "\x1b"));
	keyslot_free(kf);

	after = slurp(path, &len);
	assert_int_equal(len, fx.len);
	assert_memory_equal(after, fx.text, len);
	free(after);
}

/* Each user unlocks their own seed and the same data key. */
static void test_two_users(void **state)
{
	uint8_t dk[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf;
	struct od_err err;
	char path[128];

	kf = load_copy(path, sizeof path);
	assert_int_equal(keyslot_count(kf), 2);
	assert_string_equal(keyslot_user(kf, 1), "mei");
	assert_null(keyslot_user(kf, 2));
	assert_int_equal(keyslot_unlock(kf, "mei", MEI_PASS, strlen(MEI_PASS),
					dk, seed, &err), OD_OK);
	assert_memory_equal(dk, fx.data_key, sizeof dk);
	assert_memory_equal(seed, fx.mei_seed, sizeof seed);
	assert_int_equal(keyslot_unlock(kf, "owner", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_OK);
	assert_memory_equal(seed, fx.owner_seed, sizeof seed);
	/* The owner's passphrase does not open mei's slot. */
	assert_int_equal(keyslot_unlock(kf, "mei", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_E_AUTH);
	assert_non_null(strstr(err.msg, "wrong passphrase for mei"));
	keyslot_free(kf);
}

/* A new passphrase works, the old one stops working, the seed stays. */
static void test_change_passphrase(void **state)
{
	uint8_t dk[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf;
	struct od_err err;
	char path[128];

	kf = load_copy(path, sizeof path);
	assert_int_equal(keyslot_change_passphrase(kf, "mei", "not it", 6,
						   NEW_PASS, strlen(NEW_PASS),
						   &err), OD_E_AUTH);
	assert_int_equal(keyslot_change_passphrase(kf, "mei", MEI_PASS,
						   strlen(MEI_PASS), "", 0,
						   &err), OD_E_USAGE);
	assert_int_equal(keyslot_change_passphrase(kf, "mei", MEI_PASS,
						   strlen(MEI_PASS), NEW_PASS,
						   strlen(NEW_PASS), &err),
			 OD_OK);
	assert_int_equal(keyslot_unlock(kf, "mei", NEW_PASS, strlen(NEW_PASS),
					dk, seed, &err), OD_E_USAGE);
	assert_int_equal(keyslot_save(kf, fx.data_key, &err), OD_OK);
	keyslot_free(kf);

	assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
	assert_int_equal(keyslot_unlock(kf, "mei", MEI_PASS, strlen(MEI_PASS),
					dk, seed, &err), OD_E_AUTH);
	assert_int_equal(keyslot_unlock(kf, "mei", NEW_PASS, strlen(NEW_PASS),
					dk, seed, &err), OD_OK);
	assert_memory_equal(seed, fx.mei_seed, sizeof seed);
	assert_memory_equal(dk, fx.data_key, sizeof dk);
	keyslot_free(kf);
}

/*
 * keyslot_rekey: a new seed under the new passphrase and a new X25519 pair
 * (the bundle's seal_pub changes), the same data key; the old passphrase
 * must be right and nothing changes when it is not.
 */
static void test_rekey(void **state)
{
	uint8_t dk[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	uint8_t fresh[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf;
	struct buf before, after;
	struct od_err err;
	char path[128];

	memset(fresh, 0x5a, sizeof fresh);
	kf = load_copy(path, sizeof path);
	buf_init(&before, 4096);
	buf_init(&after, 4096);
	assert_int_equal(keyslot_bundle_export(kf, "mei", &before, &err),
			 OD_OK);
	assert_int_equal(keyslot_rekey(kf, "mei", "not it", 6, NEW_PASS,
				       strlen(NEW_PASS), fx.data_key, fresh,
				       &err), OD_E_AUTH);
	assert_int_equal(keyslot_bundle_export(kf, "mei", &after, &err),
			 OD_OK);
	assert_string_equal(before.data, after.data);
	assert_int_equal(keyslot_rekey(kf, "mei", MEI_PASS, strlen(MEI_PASS),
				       NEW_PASS, strlen(NEW_PASS), fx.data_key,
				       fresh, &err), OD_OK);
	assert_int_equal(keyslot_save(kf, fx.data_key, &err), OD_OK);
	after.len = 0;
	assert_int_equal(keyslot_bundle_export(kf, "mei", &after, &err),
			 OD_OK);
	assert_string_not_equal(strstr(before.data, "seal_pub:"),
				strstr(after.data, "seal_pub:"));
	keyslot_free(kf);

	assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
	assert_int_equal(keyslot_unlock(kf, "mei", MEI_PASS, strlen(MEI_PASS),
					dk, seed, &err), OD_E_AUTH);
	assert_int_equal(keyslot_unlock(kf, "mei", NEW_PASS, strlen(NEW_PASS),
					dk, seed, &err), OD_OK);
	assert_memory_equal(seed, fresh, sizeof seed);
	assert_memory_equal(dk, fx.data_key, sizeof dk);
	keyslot_free(kf);
	buf_free(&before);
	buf_free(&after);
}

/* The text of slot i (from its '{' to its '}') in a saved file. */
static char *slot_text(const char *text, int i)
{
	const char *p = strstr(text, "\"slots\"");
	const char *end;
	char *out;

	assert_non_null(p);
	for (; i >= 0; i--) {
		p = strstr(p + 1, "{\n      \"user\"");
		assert_non_null(p);
	}
	end = strstr(p, "\n    }");
	assert_non_null(end);
	end += 6;
	out = strndup(p, (size_t)(end - p));
	assert_non_null(out);
	return out;
}

/*
 * Revocation: drop mei, rotate the data key; the others unlock the new key,
 * mei cannot, and mei's old slot spliced back in is caught by the MAC.
 */
static void test_remove_and_rewrap(void **state)
{
	uint8_t dk[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	uint8_t new_key[KEYSLOT_KEY_LEN], sam_seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf;
	struct od_err err;
	char path[128], path2[128], *text, *mei, *splice, *at;
	size_t len;

	fill(new_key, sizeof new_key, 9);
	fill(sam_seed, sizeof sam_seed, 10);
	kf = load_copy(path, sizeof path);
	assert_int_equal(keyslot_add(kf, SAM, "sam pass", 8, fx.data_key,
				     sam_seed, NULL, &err), OD_OK);
	assert_int_equal(keyslot_remove(kf, "mei", &err), OD_OK);
	assert_int_equal(keyslot_remove(kf, "mei", &err), OD_E_NOTFOUND);
	assert_false(keyslot_has(kf, "mei"));
	assert_int_equal(keyslot_rewrap_all(kf, new_key, &err), OD_OK);
	/* The old key is no longer the one the slots hold. */
	assert_int_equal(keyslot_save(kf, fx.data_key, &err), OD_E_USAGE);
	assert_int_equal(keyslot_save(kf, new_key, &err), OD_OK);
	keyslot_free(kf);

	assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
	assert_int_equal(keyslot_count(kf), 2);
	assert_int_equal(keyslot_unlock(kf, "owner", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_OK);
	assert_memory_equal(dk, new_key, sizeof dk);
	assert_memory_equal(seed, fx.owner_seed, sizeof seed);
	assert_int_equal(keyslot_unlock(kf, SAM, "sam pass", 8, dk, seed,
					&err), OD_OK);
	assert_memory_equal(dk, new_key, sizeof dk);
	assert_memory_equal(seed, sam_seed, sizeof seed);
	assert_int_equal(keyslot_unlock(kf, "mei", MEI_PASS, strlen(MEI_PASS),
					dk, seed, &err), OD_E_AUTH);
	keyslot_free(kf);

	/* Put mei's old slot back, before sam's. */
	text = slurp(path, &len);
	mei = slot_text(fx.text, 1);
	at = slot_text(text, 1);
	splice = malloc(len + strlen(mei) + sizeof ",\n    ");
	assert_non_null(splice);
	len = (size_t)(strstr(text, at) - text);
	memcpy(splice, text, len);
	strcpy(splice + len, mei);
	strcat(splice, ",\n    ");
	strcat(splice, text + len);
	path_with(path2, sizeof path2, splice, strlen(splice));
	assert_int_equal(keyslot_load(path2, &kf, &err), OD_OK);
	assert_int_equal(keyslot_count(kf), 3);
	assert_int_equal(keyslot_unlock(kf, "mei", MEI_PASS, strlen(MEI_PASS),
					dk, seed, &err), OD_E_TAMPERED);
	assert_int_equal(dk[0] | dk[1] | seed[0] | seed[1], 0);
	keyslot_free(kf);
	free(text);
	free(mei);
	free(at);
	free(splice);
}

/* Changes base64 character at of the value of the k-th field named key. */
static char *edit_b64(const char *key, int k, size_t at)
{
	char *t = strdup(fx.text), *p = t, pat[32];

	assert_non_null(t);
	snprintf(pat, sizeof pat, "\"%s\": \"", key);
	for (; k >= 0; k--) {
		p = strstr(p, pat);
		assert_non_null(p);
		p += strlen(pat);
	}
	assert_true(at < strcspn(p, "\"="));
	p[at] = p[at] == 'A' ? 'B' : 'A';
	return t;
}

/* Replaces the first occurrence of from with to in the fixture text. */
static char *edit_text(const char *from, const char *to)
{
	const char *at = strstr(fx.text, from);
	char *t;
	size_t pre;

	if (at == NULL)
		fail_msg("fixture has no \"%s\"", from);
	pre = (size_t)(at - fx.text);
	t = malloc(fx.len + strlen(to) + 1);
	assert_non_null(t);
	memcpy(t, fx.text, pre);
	strcpy(t + pre, to);
	strcat(t, at + strlen(from));
	return t;
}

/*
 * Edits that keep the file well-formed: whoever unlocks must get an error,
 * never a key.  want is the code unlocking user with their passphrase gives.
 */
static void test_tamper_detected(void **state)
{
	static const struct {
		const char *field;      /* base64 field to edit, or NULL */
		int index;              /* which occurrence (0 owner, 1 mei) */
		size_t at;              /* which character of it */
		const char *from, *to;  /* or a text edit */
		const char *user, *pass;
		enum od_code want;
	} cases[] = {
		/* character 5: ephemeral key or nonce; 100: ciphertext */
		{ "wrapped", 0, 5, NULL, NULL, "owner", OWNER_PASS,
		  OD_E_TAMPERED },
		{ "wrapped", 0, 100, NULL, NULL, "owner", OWNER_PASS,
		  OD_E_TAMPERED },
		{ "sealed", 0, 5, NULL, NULL, "owner", OWNER_PASS, OD_E_AUTH },
		{ "sealed", 0, 100, NULL, NULL, "owner", OWNER_PASS, OD_E_AUTH },
		{ "salt", 0, 5, NULL, NULL, "owner", OWNER_PASS, OD_E_AUTH },
		{ "seal_pub", 0, 5, NULL, NULL, "owner", OWNER_PASS, OD_E_AUTH },
		{ "mac", 0, 5, NULL, NULL, "owner", OWNER_PASS, OD_E_TAMPERED },
		/* an edit in mei's slot is caught when the owner unlocks */
		{ "wrapped", 1, 100, NULL, NULL, "owner", OWNER_PASS,
		  OD_E_TAMPERED },
		{ NULL, 0, 0, "\"user\": \"owner\"", "\"user\": \"ownes\"",
		  "ownes", OWNER_PASS, OD_E_AUTH },
		{ NULL, 0, 0, "\"user\": \"owner\"", "\"user\": \"ownes\"",
		  "owner", OWNER_PASS, OD_E_AUTH },
		{ NULL, 0, 0, "\"t\": 3", "\"t\": 4", "owner", OWNER_PASS,
		  OD_E_AUTH },
		{ NULL, 0, 0, "\"m\": 65536", "\"m\": 65537", "owner",
		  OWNER_PASS, OD_E_AUTH },
	};
	uint8_t dk[KEYSLOT_KEY_LEN], seed[KEYSLOT_SEED_LEN];
	struct keyslot_file *kf;
	struct od_err err;
	enum od_code got;
	char path[128], *t;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].field != NULL)
			t = edit_b64(cases[i].field, cases[i].index,
				     cases[i].at);
		else
			t = edit_text(cases[i].from, cases[i].to);
		assert_string_not_equal(t, fx.text);
		path_with(path, sizeof path, t, strlen(t));
		free(t);
		assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
		memset(dk, 0x55, sizeof dk);
		got = keyslot_unlock(kf, cases[i].user, cases[i].pass,
				     strlen(cases[i].pass), dk, seed, &err);
		if (got != cases[i].want)
			fail_msg("case %zu: got %s (%s), want %s", i,
				 od_code_name(got), err.msg,
				 od_code_name(cases[i].want));
		assert_int_equal(dk[0] | dk[7] | dk[31], 0);
		keyslot_free(kf);
	}
}

/* Files that must be refused when loading, without any derivation. */
static void test_load_refusals(void **state)
{
	static const struct {
		const char *from, *to;
		const char *msg;        /* expected in the message */
	} cases[] = {
		{ "{", "[", "not valid JSON" },
		{ "\"format\": \"orderdesk-keyslots/1\"",
		  "\"format\": \"orderdesk-keyslots/2\"", "orderdesk-keyslots/1" },
		{ "\"format\": \"orderdesk-keyslots/1\"",
		  "\"format\": \"orderdesk-keyslots/1\", \"x\": 1", "fields" },
		{ "\"format\": \"orderdesk-keyslots/1\"",
		  "\"format\": \"orderdesk-keyslots/1\", "
		  "\"format\": \"orderdesk-keyslots/1\"", "JSON" },
		{ "\"user\": \"owner\"", "\"user\": \"Owner\"", "user name" },
		{ "\"user\": \"owner\"", "\"user\": \"1owner\"", "user name" },
		{ "\"user\": \"owner\"", "\"user\": \"\"", "user name" },
		/* jansson refuses \u0000 itself; either way it is damaged */
		{ "\"user\": \"owner\"", "\"user\": \"own\\u0000er\"",
		  "damaged" },
		{ "\"user\": \"owner\"",
		  "\"user\": \"abcdefghijklmnopqrstuvwxyzabcdefg\"", "user name" },
		{ "\"user\": \"owner\"", "\"user\": \"mei\"", "two slots" },
		{ "\"user\": \"owner\"", "\"user\": 5", "user name" },
		{ "\"user\": \"owner\",", "", "fields" },
		{ "\"user\": \"owner\",", "\"user\": \"owner\", \"extra\": 0,",
		  "fields" },
		{ "\"alg\": \"argon2id\"", "\"alg\": \"argon2i\"", "kdf" },
		{ "\"t\": 3", "\"t\": \"3\"", "numbers" },
		{ "\"t\": 3", "\"t\": 3.0", "numbers" },
		{ "\"t\": 3", "\"t\": -3", "numbers" },
		{ "\"t\": 3", "\"t\": 4294967299", "numbers" },
		{ "\"t\": 3", "\"t\": 1", "unsafe parameters for owner" },
		{ "\"t\": 3", "\"t\": 101", "unsafe parameters" },
		{ "\"m\": 65536", "\"m\": 65535", "unsafe parameters" },
		{ "\"m\": 65536", "\"m\": 1024", "unsafe parameters" },
		{ "\"m\": 65536", "\"m\": 4194305", "unsafe parameters" },
		{ "\"p\": 1", "\"p\": 0", "unsafe parameters" },
		{ "\"p\": 1", "\"p\": 17", "unsafe parameters" },
		{ "\"salt\": \"", "\"salt\": \"AAAA", "key field" },
		{ "\"salt\": \"", "\"salt\": \" ", "key field" },
		{ "\"sealed\": \"", "\"sealed\": \"\\n", "key field" },
		{ "\"seal_pub\": \"", "\"seal_pub\": \"x", "key field" },
		{ "\"mac\": \"", "\"mac\": \"AAAA", "mac" },
		{ "\"slots\": [", "\"slots\": {\"a\": 1}, \"s\": [", "fields" },
	};
	struct keyslot_file *kf;
	struct od_err err;
	enum od_code got;
	char path[128], *t;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t = edit_text(cases[i].from, cases[i].to);
		path_with(path, sizeof path, t, strlen(t));
		free(t);
		kf = (struct keyslot_file *)&kf;
		od_err_clear(&err);
		got = keyslot_load(path, &kf, &err);
		if (got != OD_E_TAMPERED || strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu (%s): got %s \"%s\"", i, cases[i].to,
				 od_code_name(got), err.msg);
		assert_null(kf);
	}
}

/* Empty, non-JSON, oversized and missing files. */
static void test_load_odd_files(void **state)
{
	struct keyslot_file *kf;
	struct od_err err;
	char path[128], *big;
	size_t n = 1024 * 1024 + 1;

	path_with(path, sizeof path, "", 0);
	assert_int_equal(keyslot_load(path, &kf, &err), OD_E_TAMPERED);
	path_with(path, sizeof path, "not json", 8);
	assert_int_equal(keyslot_load(path, &kf, &err), OD_E_TAMPERED);
	big = malloc(n);
	assert_non_null(big);
	memset(big, ' ', n);
	path_with(path, sizeof path, big, n);
	free(big);
	assert_int_equal(keyslot_load(path, &kf, &err), OD_E_TAMPERED);
	assert_non_null(strstr(err.msg, "1 MiB"));
	assert_int_equal(keyslot_load(fx.dir, &kf, &err), OD_E_TAMPERED);
	snprintf(path, sizeof path, "%s/none", fx.dir);
	assert_int_equal(keyslot_load(path, &kf, &err), OD_E_NOTFOUND);
	assert_null(kf);
}

/* Adding refuses bad names, duplicates, weak costs, empty passphrases. */
static void test_add_refusals(void **state)
{
	static const char *const bad_names[] = {
		"", "Mei", "1mei", "-mei", ".mei", "mei zhang", "mei/x",
		"m\xc3\xa9i", "abcdefghijklmnopqrstuvwxyzabcdefg", "mei\n",
	};
	static const struct keyslot_kdf weak[] = {
		{ 3, 32768, 1 }, { 1, 65536, 1 }, { 3, 65536, 0 },
		{ 101, 65536, 1 }, { 3, 4194305, 1 },
	};
	uint8_t other_key[KEYSLOT_KEY_LEN];
	struct keyslot_file *kf;
	struct od_err err;
	char path[128];
	size_t i;

	kf = load_copy(path, sizeof path);
	for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		if (keyslot_add(kf, bad_names[i], "pw", 2, fx.data_key,
				fx.mei_seed, NULL, &err) != OD_E_USAGE)
			fail_msg("accepted user name \"%s\"", bad_names[i]);
	}
	assert_int_equal(keyslot_add(kf, "mei", "pw", 2, fx.data_key,
				     fx.mei_seed, NULL, &err), OD_E_EXISTS);
	assert_int_equal(keyslot_add(kf, "sam", "", 0, fx.data_key,
				     fx.mei_seed, NULL, &err), OD_E_USAGE);
	for (i = 0; i < sizeof weak / sizeof weak[0]; i++)
		assert_int_equal(keyslot_add(kf, "sam", "pw", 2, fx.data_key,
					     fx.mei_seed, &weak[i], &err),
				 OD_E_USAGE);
	/* A key that is not the file's own is refused before any work. */
	fill(other_key, sizeof other_key, 42);
	assert_int_equal(keyslot_add(kf, "sam", "pw", 2, other_key,
				     fx.mei_seed, NULL, &err), OD_E_TAMPERED);
	assert_int_equal(keyslot_save(kf, other_key, &err), OD_E_TAMPERED);
	assert_int_equal(keyslot_count(kf), 2);
	keyslot_free(kf);
}

/* 1 if needle (n bytes) occurs in hay. */
static int contains(const char *hay, size_t len, const void *needle, size_t n)
{
	return memmem(hay, len, needle, n) != NULL;
}

/* The file is 0600 under umask 022 and 0277; no secret appears in it. */
static void test_mode_and_no_secrets(void **state)
{
	static const char *const passes[] = { OWNER_PASS, MEI_PASS };
	const uint8_t *secrets[] = { fx.data_key, fx.owner_seed, fx.mei_seed };
	char text[KEYSLOT_KEY_LEN * 2 + 1];
	struct keyslot_file *kf;
	struct od_err err;
	struct stat st;
	char path[128];
	mode_t old;
	size_t i;

	path_with(path, sizeof path, fx.text, fx.len);
	chmod(path, 0644);
	assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
	assert_int_equal(fx.mode, 0600);
	/* A umask that takes the owner's write bit away changes nothing. */
	old = umask(0277);
	assert_int_equal(keyslot_save(kf, fx.data_key, &err), OD_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	keyslot_free(kf);

	for (i = 0; i < sizeof passes / sizeof passes[0]; i++) {
		assert_false(contains(fx.text, fx.len, passes[i],
				      strlen(passes[i])));
		/* nor any 8-byte piece of it */
		assert_false(contains(fx.text, fx.len, passes[i] + 8, 8));
	}
	for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
		assert_false(contains(fx.text, fx.len, secrets[i], 8));
		hex_encode(secrets[i], KEYSLOT_KEY_LEN, text);
		assert_false(contains(fx.text, fx.len, text, 16));
		b64_encode(secrets[i], KEYSLOT_KEY_LEN, text);
		assert_false(contains(fx.text, fx.len, text, 12));
	}
	assert_true(contains(fx.text, fx.len, "\"mei\"", 5));
}

/*
 * Saving replaces a stale temporary file (even a symlink, which is not
 * followed), and a failed write leaves the old file as it was.
 */
static void test_save_atomic(void **state)
{
	struct keyslot_file *kf;
	struct od_err err;
	struct rlimit rl, small;
	char path[128], tmp[160], victim[160], *after;
	void (*old_handler)(int);
	enum od_code got;
	size_t len;

	kf = load_copy(path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.part", path);
	snprintf(victim, sizeof victim, "%s.victim", path);
	spill(victim, "keep me", 7);
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(keyslot_remove(kf, "mei", &err), OD_OK);
	assert_int_equal(keyslot_save(kf, fx.data_key, &err), OD_OK);
	assert_int_equal(access(tmp, F_OK), -1);
	after = slurp(victim, &len);
	assert_string_equal(after, "keep me");
	free(after);

	/* Make the write fail part way (EFBIG past the size limit). */
	after = slurp(path, &len);
	assert_int_equal(keyslot_remove(kf, "owner", &err), OD_OK);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	small = rl;
	small.rlim_cur = 64;
	old_handler = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	got = keyslot_save(kf, fx.data_key, &err);
	setrlimit(RLIMIT_FSIZE, &rl);
	signal(SIGXFSZ, old_handler);
	assert_int_equal(got, OD_E_IO);
	assert_non_null(strstr(err.msg, "was not changed"));
	assert_int_equal(access(tmp, F_OK), -1);
	{
		size_t len2;
		char *now = slurp(path, &len2);

		assert_int_equal(len2, len);
		assert_memory_equal(now, after, len);
		free(now);
	}
	free(after);

	/* A directory that does not exist. */
	keyslot_free(kf);
	snprintf(tmp, sizeof tmp, "%s/no/such/dir/keyslots", fx.dir);
	assert_int_equal(keyslot_new(tmp, &kf, &err), OD_OK);
	assert_int_equal(keyslot_save(kf, fx.data_key, &err), OD_E_IO);
	keyslot_free(kf);
}

/* Replaces the first "from" in text by "to" (a new string). */
static char *swap_text(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	char *out;
	size_t head;

	assert_non_null(at);
	head = (size_t)(at - text);
	out = malloc(strlen(text) + strlen(to) + 1);
	assert_non_null(out);
	memcpy(out, text, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

/*
 * A person's bundle carries their sealed keys to another store with its own
 * data key: they unlock it there with their own passphrase; the same
 * bundle again changes nothing; anything not exactly a bundle is refused.
 */
static void test_bundle(void **state)
{
	static const struct { const char *from, *to; } bad[] = {
		{ "user: mei\n", "user: Mei\n" },
		{ "kdf: argon2id 3 65536 1", "kdf: argon2id 3 1024 1" },
		{ "kdf: argon2id 3 65536 1", "kdf: argon2i 3 65536 1" },
		{ "kdf: argon2id 3 65536 1", "kdf: argon2id 3 65536 1 " },
		{ "salt: ", "salt: A" },
		{ "sealed: ", "seal: " },
		{ "seal_pub: ", "seal_pub: =" },
		{ "user: mei\n", "" },
		/* Found by fuzz-keyslot-bundle: sscanf read these as 3. */
		{ "kdf: argon2id 3 65536 1", "kdf: argon2id +3 65536 1" },
		{ "kdf: argon2id 3 65536 1", "kdf: argon2id 03 65536 1" },
		{ "kdf: argon2id 3 65536 1",
		  "kdf: argon2id -4294967293 65536 1" },
		{ "kdf: argon2id 3 65536 1", "kdf:  argon2id 3 65536 1" },
		{ "kdf: argon2id 3 65536 1", "kdf: argon2id 3\t65536 1" },
		{ "kdf: argon2id 3 65536 1", "kdf: argon2id 3 65536 4294967297" },
	};
	uint8_t other_key[KEYSLOT_KEY_LEN], dk[KEYSLOT_KEY_LEN];
	uint8_t seed[KEYSLOT_SEED_LEN];
	char path[128], path2[128], user[KEYSLOT_NAME_MAX + 1], *text, *broken;
	struct keyslot_file *kf, *kf2;
	struct od_err err;
	struct buf b;
	size_t i;

	(void)state;
	new_path(path, sizeof path);
	spill(path, fx.text, fx.len);
	assert_int_equal(keyslot_load(path, &kf, &err), OD_OK);
	buf_init(&b, 4096);
	assert_int_equal(keyslot_bundle_export(kf, "mei", &b, &err), OD_OK);
	assert_int_equal(keyslot_bundle_export(kf, "nobody", &b, &err),
			 OD_E_NOTFOUND);
	text = buf_take(&b);
	assert_null(strstr(text, MEI_PASS));
	assert_int_equal(keyslot_bundle_parse(text, user, &err), OD_OK);
	assert_string_equal(user, "mei");
	keyslot_free(kf);

	memset(other_key, 0x5a, sizeof other_key);
	new_path(path2, sizeof path2);
	assert_int_equal(keyslot_new(path2, &kf2, &err), OD_OK);
	assert_int_equal(keyslot_save(kf2, other_key, &err), OD_OK);
	assert_int_equal(keyslot_bundle_import(kf2, text, other_key, &err),
			 OD_OK);
	assert_int_equal(keyslot_bundle_import(kf2, text, other_key, &err),
			 OD_OK);
	assert_int_equal(keyslot_count(kf2), 1);
	assert_int_equal(keyslot_bundle_import(kf2, text, fx.data_key, &err),
			 OD_E_USAGE);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		broken = swap_text(text, bad[i].from, bad[i].to);
		assert_int_not_equal(keyslot_bundle_import(kf2, broken,
							   other_key, &err),
				     OD_OK);
		free(broken);
	}
	assert_int_equal(keyslot_save(kf2, other_key, &err), OD_OK);
	keyslot_free(kf2);

	assert_int_equal(keyslot_load(path2, &kf2, &err), OD_OK);
	assert_int_equal(keyslot_unlock(kf2, "mei", OWNER_PASS,
					strlen(OWNER_PASS), dk, seed, &err),
			 OD_E_AUTH);
	assert_int_equal(keyslot_unlock(kf2, "mei", MEI_PASS,
					strlen(MEI_PASS), dk, seed, &err),
			 OD_OK);
	assert_memory_equal(dk, other_key, sizeof dk);
	assert_memory_equal(seed, fx.mei_seed, sizeof seed);
	keyslot_free(kf2);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_two_users),
		cmocka_unit_test(test_change_passphrase),
		cmocka_unit_test(test_rekey),
		cmocka_unit_test(test_remove_and_rewrap),
		cmocka_unit_test(test_tamper_detected),
		cmocka_unit_test(test_load_refusals),
		cmocka_unit_test(test_load_odd_files),
		cmocka_unit_test(test_add_refusals),
		cmocka_unit_test(test_mode_and_no_secrets),
		cmocka_unit_test(test_save_atomic),
		cmocka_unit_test(test_bundle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
