/*
 * test-cosignature.c - C2SP tlog-cosignature/v1 (app/log/cosignature.c):
 * a cosignature made by OpenSSL (not by this code) over the spec's example
 * checkpoint is made byte for byte and checked; round trips on a real
 * signed checkpoint; and every malformed, replayed or altered cosignature
 * is refused while other keys' lines are ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/checkpoint.h"
#include "app/log/cosignature.h"
#include "lib/encode.h"

/* Go's sumdb/note example key (PeterNeumann), used here as a witness. */
#define PETER_SEED "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define W_NAME     "witness.example/peter"
/*
 * The vector, made outside this code: the key id with sha256sum of
 * NAME "\n" 0x04 PUB, the signature with `openssl pkeyutl -sign -rawin`
 * over the message below, the time 1679315147 (0x641850cb) big-endian.
 */
#define W_VKEY     W_NAME "+6fa0057c+BBpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define SOFA_TEXT  "example.com/behind-the-sofa\n20852163\n" \
		   "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
#define SOFA_TIME  1679315147
#define SOFA_COSIG "\xe2\x80\x94 " W_NAME " b6AFfAAAAABkGFDLJeR//pqzhnEKVvEm" \
	"2wWbh2RJ6oru5+cUUfm5X9NnlaGr8aSH9QE5RVZD4QGlxl2F5UpVIIi94p178KLfqPPsAA==\n"

static struct sigkey *peter, *logkey;

static int setup(void **state)
{
	uint8_t raw[33], seed[SIGKEY_SEED_LEN];
	struct od_err err;
	size_t n;

	assert_int_equal(b64_decode("seed", PETER_SEED, strlen(PETER_SEED),
				    raw, sizeof raw, &n, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(raw + 1, &peter, &err), OD_OK);
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &logkey, &err), OD_OK);
	return 0;
}

static int teardown(void **state)
{
	sigkey_free(peter);
	sigkey_free(logkey);
	return 0;
}

/* The witness key prints and parses as NAME+KEYID+BASE64(0x04 ‖ key). */
static void test_cosigner_key(void **state)
{
	struct note_verifier w, v;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct od_err err;
	struct buf b;

	sigkey_public(peter, pub);
	assert_int_equal(cosigner_make(W_NAME, pub, &w, &err), OD_OK);
	assert_memory_equal(w.id, "\x6f\xa0\x05\x7c", 4);
	buf_init(&b, 256);
	assert_int_equal(cosigner_text(&w, &b, &err), OD_OK);
	assert_string_equal(b.data, W_VKEY);
	buf_free(&b);
	assert_int_equal(cosigner_parse(W_VKEY, &v, &err), OD_OK);
	assert_memory_equal(&v, &w, sizeof v);
	/* The same key as a log key (0x01) has another id: never mixed up. */
	assert_int_equal(note_verifier_make(W_NAME, pub, &v, &err), OD_OK);
	assert_memory_not_equal(v.id, w.id, 4);

	static const char *const bad[] = {
		W_NAME "+6fa0057d+BBpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		W_NAME "+6fa0057c+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		W_NAME "+6fa0057c+BBpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
		W_NAME "+6fa0057c",
		"+6fa0057c+BBpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (cosigner_parse(bad[i], &v, &err) != OD_E_INPUT)
			fail_msg("accepted \"%s\"", bad[i]);
}

/* OpenSSL's cosignature is ours byte for byte, and checks. */
static void test_vector(void **state)
{
	struct note_verifier w;
	struct od_err err;
	struct buf b;
	uint64_t t = 0;

	assert_int_equal(cosigner_parse(W_VKEY, &w, &err), OD_OK);
	buf_init(&b, 4096);
	assert_int_equal(cosignature_sign(SOFA_TEXT, strlen(SOFA_TEXT), W_NAME,
					  peter, SOFA_TIME, &b, &err), OD_OK);
	assert_string_equal(b.data, SOFA_COSIG);
	buf_free(&b);
	assert_int_equal(cosignature_check(SOFA_TEXT, strlen(SOFA_TEXT),
					   SOFA_COSIG, strlen(SOFA_COSIG), &w,
					   &t, &err), OD_OK);
	assert_int_equal(t, SOFA_TIME);
}

/* Checks sigs against SOFA_TEXT: the code, err's message checked. */
static enum od_code check_as(const char *text, const char *sigs,
			     const char *msg_part)
{
	struct note_verifier w;
	struct od_err err;
	uint64_t t;
	enum od_code rc;

	assert_int_equal(cosigner_parse(W_VKEY, &w, &err), OD_OK);
	rc = cosignature_check(text, strlen(text), sigs, strlen(sigs), &w, &t,
			       &err);
	if (rc != OD_OK && msg_part != NULL && strstr(err.msg, msg_part) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.msg, msg_part);
	return rc;
}

/* SOFA_COSIG with its last byte cut (75 bytes), into s. */
static enum od_code short_line(char *s, size_t size)
{
	const char *b64 = SOFA_COSIG + strlen("\xe2\x80\x94 " W_NAME " ");
	uint8_t raw[COSIG_LEN];
	char enc[b64_encoded_len(COSIG_LEN) + 1];
	struct od_err err;
	size_t n;
	enum od_code rc = b64_decode("line", b64, strlen(b64) - 1, raw,
				     sizeof raw, &n, &err);

	b64_encode(raw, n - 1, enc);
	snprintf(s, size, "\xe2\x80\x94 " W_NAME " %s\n", enc);
	return rc;
}

/* Replays, alterations, wrong lengths and times, doubles: all refused. */
static void test_refusals(void **state)
{
	char s[1024], *p;
	struct od_err err;
	struct buf b;
	const char *other_text = "example.com/behind-the-sofa\n20852164\n"
		"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

	assert_int_equal(check_as(SOFA_TEXT, SOFA_COSIG, NULL), OD_OK);
	/* Another checkpoint (one more entry): the signature is not its. */
	assert_int_equal(check_as(other_text, SOFA_COSIG, "does not verify"),
			 OD_E_TAMPERED);
	/* Another time (the last byte of the timestamp). */
	snprintf(s, sizeof s, "%s", SOFA_COSIG);
	p = strstr(s, "ABkGFDL");
	p[6] = 'M';
	assert_int_equal(check_as(SOFA_TEXT, s, "does not verify"),
			 OD_E_TAMPERED);
	/* A time past 2^63 - 1: the top bit set. */
	snprintf(s, sizeof s, "%s", SOFA_COSIG);
	p = strstr(s, "b6AFfAAAAAB");
	p[5] = 'I';
	assert_int_equal(check_as(SOFA_TEXT, s, "2^63"), OD_E_TAMPERED);
	/* A plain note signature (no timestamp) by the witness key id. */
	buf_init(&b, 4096);
	assert_int_equal(note_sign(SOFA_TEXT, strlen(SOFA_TEXT), W_NAME, peter,
				   &b, &err), OD_OK);
	assert_int_equal(check_as(SOFA_TEXT, strstr(b.data, "\n\n") + 2,
				  "not cosigned"), OD_E_NOTFOUND);
	buf_free(&b);
	/* The same witness twice. */
	snprintf(s, sizeof s, "%s%s", SOFA_COSIG, SOFA_COSIG);
	assert_int_equal(check_as(SOFA_TEXT, s, "twice"), OD_E_TAMPERED);
	/* Cut short, no prefix, no name. */
	snprintf(s, sizeof s, "%s", SOFA_COSIG);
	s[strlen(s) - 1] = '\0';
	assert_int_equal(check_as(SOFA_TEXT, s, "cut short"), OD_E_INPUT);
	assert_int_equal(check_as(SOFA_TEXT, SOFA_COSIG + 4, "\"— \""),
			 OD_E_INPUT);
	assert_int_equal(check_as(SOFA_TEXT, "\xe2\x80\x94  AAAA\n", "NAME"),
			 OD_E_INPUT);
	/* A cosignature one byte short of 76. */
	assert_int_equal(short_line(s, sizeof s), OD_OK);
	assert_int_equal(check_as(SOFA_TEXT, s, "not a timestamped"),
			 OD_E_TAMPERED);
	/* Nobody's cosignature: the text is refused as not cosigned. */
	assert_int_equal(check_as(SOFA_TEXT, "\xe2\x80\x94 someone AAAAAAAA\n",
				  W_NAME), OD_E_NOTFOUND);
}

/* A real checkpoint, signed by the log and cosigned, opens; others not. */
static void test_round_trip(void **state)
{
	struct checkpoint c = { .size = 7 }, got;
	struct note_verifier log, w, w2;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct od_err err;
	struct buf note;
	size_t text_len;
	uint64_t t = 0;

	checkpoint_origin("Acme Tea", c.origin, sizeof c.origin);
	memset(c.root, 0xab, sizeof c.root);
	sigkey_public(logkey, pub);
	assert_int_equal(note_verifier_make(c.origin, pub, &log, &err), OD_OK);
	assert_int_equal(cosigner_make("w2", pub, &w2, &err), OD_OK);
	sigkey_public(peter, pub);
	assert_int_equal(cosigner_make(W_NAME, pub, &w, &err), OD_OK);
	buf_init(&note, 8192);
	assert_int_equal(checkpoint_sign(&c, logkey, &note, &err), OD_OK);
	assert_int_equal(note_open(note.data, note.len, &log, &text_len, &err),
			 OD_OK);
	assert_int_equal(cosignature_open(note.data, note.len, &log, &w, &got,
					  &t, &err), OD_E_NOTFOUND);
	assert_int_equal(cosignature_sign(note.data, text_len, W_NAME, peter,
					  1765000000, &note, &err), OD_OK);
	if (cosignature_open(note.data, note.len, &log, &w, &got, &t, &err) !=
	    OD_OK)
		fail_msg("%s", err.msg);
	assert_int_equal(t, 1765000000);
	assert_int_equal(got.size, 7);
	/* The log's own line is not a cosignature; w2 has not cosigned. */
	assert_int_equal(cosignature_open(note.data, note.len, &log, &w2, &got,
					  &t, &err), OD_E_NOTFOUND);
	/* The checkpoint still opens for the log with the witness line. */
	assert_int_equal(checkpoint_open(note.data, note.len, &log, &got, &err),
			 OD_OK);
	buf_free(&note);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cosigner_key),
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
