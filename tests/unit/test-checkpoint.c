/*
 * test-checkpoint.c - signed notes and checkpoints (app/log/checkpoint.c):
 * the example note of Go's golang.org/x/mod/sumdb/note made and opened
 * byte for byte, checkpoints round trip, and every malformed or wrongly
 * signed note is refused while other keys' signatures are ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/checkpoint.h"
#include "app/log/tlog-proof.h"
#include "lib/encode.h"

/* The example of golang.org/x/mod/sumdb/note (facts, not code). */
#define PETER_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define PETER_SEED "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define PETER_TEXT "If you think cryptography is the answer to your problem,\n" \
		   "then you don't know what your problem is.\n"
#define PETER_NOTE PETER_TEXT "\n\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/" \
	"SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6R" \
	"yyBwJnAM=\n"

static struct sigkey *peter, *other;

static int setup(void **state)
{
	uint8_t raw[33], seed[SIGKEY_SEED_LEN];
	struct od_err err;
	size_t n;

	assert_int_equal(b64_decode("seed", PETER_SEED, strlen(PETER_SEED),
				    raw, sizeof raw, &n, &err), OD_OK);
	assert_int_equal(n, 33);
	assert_int_equal(raw[0], 1);
	assert_int_equal(sigkey_from_seed(raw + 1, &peter, &err), OD_OK);
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &other, &err), OD_OK);
	return 0;
}

static int teardown(void **state)
{
	sigkey_free(peter);
	sigkey_free(other);
	return 0;
}

/* Go's verifier key parses, prints back the same, and is Peter's key. */
static void test_verifier_key(void **state)
{
	struct note_verifier v, w;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct od_err err;
	struct buf b;

	assert_int_equal(note_verifier_parse(PETER_VKEY, &v, &err), OD_OK);
	assert_string_equal(v.name, "PeterNeumann");
	sigkey_public(peter, pub);
	assert_memory_equal(v.pub, pub, sizeof pub);
	assert_int_equal(note_verifier_make("PeterNeumann", pub, &w, &err),
			 OD_OK);
	assert_memory_equal(w.id, "\xc7\x4f\x20\xa3", 4);
	buf_init(&b, 256);
	assert_int_equal(note_verifier_text(&w, &b, &err), OD_OK);
	assert_string_equal(b.data, PETER_VKEY);
	buf_free(&b);

	static const char *const bad[] = {
		"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+ApA2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3+AhpczQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20a3",
		"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (note_verifier_parse(bad[i], &v, &err) != OD_E_INPUT)
			fail_msg("accepted \"%s\"", bad[i]);
}

/* Our signer makes Go's example note byte for byte, and opens it. */
static void test_go_example(void **state)
{
	struct note_verifier v;
	struct od_err err;
	struct buf b;
	size_t text_len;

	buf_init(&b, 4096);
	assert_int_equal(note_sign(PETER_TEXT, strlen(PETER_TEXT),
				   "PeterNeumann", peter, &b, &err), OD_OK);
	assert_string_equal(b.data, PETER_NOTE);
	buf_free(&b);
	assert_int_equal(note_verifier_parse(PETER_VKEY, &v, &err), OD_OK);
	assert_int_equal(note_open(PETER_NOTE, strlen(PETER_NOTE), &v,
				   &text_len, &err), OD_OK);
	assert_int_equal(text_len, strlen(PETER_TEXT));
}

/* Opens note as signed by v: the code, with err's message checked. */
static enum od_code open_as(const char *note, const struct note_verifier *v,
			    const char *msg_part)
{
	struct od_err err;
	size_t n;
	enum od_code rc = note_open(note, strlen(note), v, &n, &err);

	if (rc != OD_OK && msg_part != NULL &&
	    strstr(err.msg, msg_part) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err.msg, msg_part);
	return rc;
}

/*
 * The notes that must be refused, and the unknown signature that is
 * ignored.
 */
static void test_note_refusals(void **state)
{
	struct note_verifier v, enoch;
	struct od_err err;
	char note[1024];
	struct buf b;

	assert_int_equal(note_verifier_parse(PETER_VKEY, &v, &err), OD_OK);
	assert_int_equal(note_verifier_parse(ENOCH_VKEY, &enoch, &err), OD_OK);
	/* A signature by a key nobody asked about (a witness's) is ignored. */
	buf_init(&b, 4096);
	assert_int_equal(note_sign(PETER_TEXT, strlen(PETER_TEXT), "Witness",
				   other, &b, &err), OD_OK);
	snprintf(note, sizeof note, "%s%s", PETER_NOTE,
		 b.data + strlen(PETER_TEXT) + 1);
	buf_free(&b);
	assert_int_equal(open_as(note, &v, NULL), OD_OK);
	/* The right name with another key id: not Peter's signature. */
	memcpy(v.id, "\xc7\x4f\x20\xa4", 4);
	assert_int_equal(open_as(PETER_NOTE, &v, "not signed by"),
			 OD_E_TAMPERED);
	assert_int_equal(note_verifier_parse(PETER_VKEY, &v, &err), OD_OK);
	assert_int_equal(open_as(PETER_NOTE, &enoch, "not signed by"),
			 OD_E_TAMPERED);
	/* The text altered. */
	snprintf(note, sizeof note, "%s", PETER_NOTE);
	note[3] = 'Y';
	assert_int_equal(open_as(note, &v, "does not verify"), OD_E_TAMPERED);
	/* Peter's line twice. */
	snprintf(note, sizeof note, "%s%s", PETER_NOTE,
		 strstr(PETER_NOTE, "\n\xe2\x80\x94") + 1);
	assert_int_equal(open_as(note, &v, "twice"), OD_E_TAMPERED);
	/* No final newline; no blank line; a carriage return. */
	snprintf(note, sizeof note, "%s", PETER_NOTE);
	note[strlen(note) - 1] = '\0';
	assert_int_equal(open_as(note, &v, "newline"), OD_E_INPUT);
	snprintf(note, sizeof note, "%.*s%s", (int)strlen(PETER_TEXT) - 1,
		 PETER_TEXT, strstr(PETER_NOTE, "\n\xe2\x80\x94") + 1);
	assert_int_equal(open_as(note, &v, "blank line"), OD_E_INPUT);
	snprintf(note, sizeof note, "%s", PETER_NOTE);
	note[10] = '\r';
	assert_int_equal(open_as(note, &v, "UTF-8"), OD_E_INPUT);
	/* A signature line that is not one. */
	snprintf(note, sizeof note, "%s- PeterNeumann AAAA\n", PETER_NOTE);
	assert_int_equal(open_as(note, &v, "signature line"), OD_E_INPUT);
	snprintf(note, sizeof note, "%s\xe2\x80\x94 PeterNeumann !!!!\n",
		 PETER_NOTE);
	assert_int_equal(open_as(note, &v, "signature line"), OD_E_INPUT);
}

/* A checkpoint signed and opened gives back what was signed. */
static void test_checkpoint_round_trip(void **state)
{
	struct checkpoint c = { .size = 1042 }, got;
	struct note_verifier v;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct od_err err;
	struct buf b;

	checkpoint_origin("Acme Tea+Co", c.origin, sizeof c.origin);
	assert_string_equal(c.origin, "orderdesk/Acme-Tea-Co");
	memset(c.root, 0xab, sizeof c.root);
	buf_init(&b, 4096);
	assert_int_equal(checkpoint_sign(&c, other, &b, &err), OD_OK);
	assert_non_null(strstr(b.data, "orderdesk/Acme-Tea-Co\n1042\nq6ur"));
	sigkey_public(other, pub);
	assert_int_equal(note_verifier_make(c.origin, pub, &v, &err), OD_OK);
	assert_int_equal(checkpoint_open(b.data, b.len, &v, &got, &err),
			 OD_OK);
	assert_string_equal(got.origin, c.origin);
	assert_int_equal(got.size, 1042);
	assert_memory_equal(got.root, c.root, 32);
	buf_free(&b);
}

/* Signs text as other under name and opens it as a checkpoint of name. */
static enum od_code open_text(const char *text, const char *name,
			      struct checkpoint *c, struct od_err *err)
{
	struct note_verifier v;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct buf b;
	enum od_code rc;

	buf_init(&b, 4096);
	assert_int_equal(note_sign(text, strlen(text), name, other, &b, err),
			 OD_OK);
	sigkey_public(other, pub);
	assert_int_equal(note_verifier_make(name, pub, &v, err), OD_OK);
	rc = checkpoint_open(b.data, b.len, &v, c, err);
	buf_free(&b);
	return rc;
}

#define ROOT "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="

/* Checkpoint bodies: strict about size and root, extensions allowed. */
static void test_checkpoint_body(void **state)
{
	static const char *const bad[] = {
		"o\n007\n" ROOT "\n", "o\n-1\n" ROOT "\n", "o\n\n" ROOT "\n",
		"o\n1x\n" ROOT "\n", "o\n99999999999999999999\n" ROOT "\n",
		"o\n5\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urqw==\n",
		"o\n5\n", "o\n5\n" ROOT "x\n",
	};
	struct checkpoint c;
	struct od_err err;
	struct buf b;
	size_t i;

	assert_int_equal(open_text("o\n5\n" ROOT "\n", "o", &c, &err), OD_OK);
	assert_int_equal(c.size, 5);
	assert_int_equal(open_text("o\n0\n" ROOT "\nextension\n", "o", &c,
				   &err), OD_OK);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (open_text(bad[i], "o", &c, &err) != OD_E_INPUT)
			fail_msg("accepted \"%s\"", bad[i]);
	/* The body of another log, signed by this log's key. */
	assert_int_equal(open_text("other\n5\n" ROOT "\n", "o", &c, &err),
			 OD_E_TAMPERED);
	/* A body without its final newline cannot be signed into a note. */
	buf_init(&b, 4096);
	assert_int_not_equal(note_sign("o\n5\n" ROOT, strlen("o\n5\n" ROOT),
				       "o", other, &b, &err), OD_OK);
	buf_free(&b);
}


/* A tree of 5 entries "e0".."e4", every complete subtree's hash. */
static uint8_t nodes[3][5][32];

static enum od_code five_get(void *ctx, unsigned level, uint64_t index,
			     uint8_t out[32], struct od_err *err)
{
	if (level > 2 || ((index + 1) << level) > 5)
		return od_err_set(err, OD_E_NOTFOUND, "no such subtree");
	memcpy(out, nodes[level][index], 32);
	return OD_OK;
}

/* Checks proof text for entry as signed by other; the code. */
static enum od_code check_as(const char *text, const char *entry)
{
	struct note_verifier v;
	uint8_t pub[SIGKEY_PUB_LEN];
	struct checkpoint c;
	struct od_err err;
	uint64_t index;

	sigkey_public(other, pub);
	assert_int_equal(note_verifier_make("o", pub, &v, &err), OD_OK);
	return tlog_proof_check(text, strlen(text), entry, strlen(entry), &v,
				&c, &index, &err);
}

/*
 * A tlog-proof@v1 made for entry 3 of 5 checks offline, and every way it
 * can be wrong is refused.
 */
static void test_tlog_proof(void **state)
{
	struct checkpoint c = { .origin = "o", .size = 5 };
	struct merkle_proof p;
	struct od_err err;
	struct buf note, b;
	char e[16], text[4096], *cut;
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(e, sizeof e, "e%d", i);
		assert_int_equal(merkle_leaf_hash(e, 2, NULL, 0, nodes[0][i],
						  &err), OD_OK);
	}
	for (i = 0; i < 2; i++)
		assert_int_equal(merkle_node_hash(nodes[0][2 * i],
			nodes[0][2 * i + 1], nodes[1][i], &err), OD_OK);
	assert_int_equal(merkle_node_hash(nodes[1][0], nodes[1][1],
					  nodes[2][0], &err), OD_OK);
	assert_int_equal(merkle_root(five_get, NULL, 5, c.root, &err), OD_OK);
	buf_init(&note, 4096);
	buf_init(&b, 8192);
	assert_int_equal(checkpoint_sign(&c, other, &note, &err), OD_OK);
	assert_int_equal(merkle_prove_inclusion(five_get, NULL, 3, 5, &p,
						&err), OD_OK);
	assert_int_equal(tlog_proof_write(3, &p, note.data, note.len, &b,
					  &err), OD_OK);
	assert_non_null(strstr(b.data, TLOG_PROOF_MAGIC "\nindex 3\n"));
	assert_int_equal(check_as(b.data, "e3"), OD_OK);
	assert_int_equal(check_as(b.data, "e2"), OD_E_TAMPERED);
	/* An extra line is allowed (and ignored). */
	snprintf(text, sizeof text, TLOG_PROOF_MAGIC "\nextra AAAA%s",
		 b.data + strlen(TLOG_PROOF_MAGIC));
	assert_int_equal(check_as(text, "e3"), OD_OK);
	/* Another index, a leading zero, another magic, a hash too many. */
	snprintf(text, sizeof text, "%s", b.data);
	text[strlen(TLOG_PROOF_MAGIC) + 7] = '2';
	assert_int_equal(check_as(text, "e3"), OD_E_TAMPERED);
	snprintf(text, sizeof text, TLOG_PROOF_MAGIC "\nindex 03%s",
		 strstr(b.data, "\nindex 3") + 8);
	assert_int_equal(check_as(text, "e3"), OD_E_INPUT);
	snprintf(text, sizeof text, "c2sp.org/tlog-proof@v2%s",
		 b.data + strlen(TLOG_PROOF_MAGIC));
	assert_int_equal(check_as(text, "e3"), OD_E_INPUT);
	snprintf(text, sizeof text, TLOG_PROOF_MAGIC "\nindex 3\n"
		 "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n%s",
		 strstr(b.data, "\nindex 3\n") + 9);
	assert_int_equal(check_as(text, "e3"), OD_E_TAMPERED);
	/* Cut before the checkpoint. */
	snprintf(text, sizeof text, "%s", b.data);
	cut = strstr(text, "\n\n");
	cut[1] = '\0';
	assert_int_equal(check_as(text, "e3"), OD_E_INPUT);
	buf_free(&note);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verifier_key),
		cmocka_unit_test(test_go_example),
		cmocka_unit_test(test_note_refusals),
		cmocka_unit_test(test_checkpoint_round_trip),
		cmocka_unit_test(test_checkpoint_body),
		cmocka_unit_test(test_tlog_proof),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
