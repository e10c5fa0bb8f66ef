/*
 * test-witness-policy.c - the shop's witness policy (app/log/
 * witness-policy.c): a shop.witnesses statement folds into a policy that
 * loads back; a checkpoint with the quorum of cosignatures passes, one
 * short of it is refused naming the first missing witness, a forged
 * cosignature by a named witness is refused as tampering, and other
 * keys' lines do not count; the newest cosignature time is found.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/log/cosignature.h"
#include "app/log/witness-policy.h"
#include "lib/buf.h"
#include "tests/unit/fixture-plain.h"

#define NW 3
#define KEY64 "00000000000000000000000000000000" \
	      "00000000000000000000000000000000"

static struct sigkey *logkey, *wk[NW], *stranger;
static struct note_verifier logv, wv[NW];
static struct buf note;           /* the log's note of the checkpoint */
static size_t text_len;

static struct sigkey *new_key(void)
{
	uint8_t seed[SIGKEY_SEED_LEN];
	struct sigkey *k = NULL;
	struct od_err err;

	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
	return k;
}

static int setup(void **state)
{
	struct checkpoint c = { .size = 42 };
	uint8_t pub[SIGKEY_PUB_LEN];
	struct od_err err;
	char name[32];
	int i;

	logkey = new_key();
	stranger = new_key();
	sigkey_public(logkey, pub);
	checkpoint_origin("Test shop", c.origin, sizeof c.origin);
	assert_int_equal(note_verifier_make(c.origin, pub, &logv, &err), OD_OK);
	for (i = 0; i < NW; i++) {
		wk[i] = new_key();
		sigkey_public(wk[i], pub);
		snprintf(name, sizeof name, "w%d.example", i);
		assert_int_equal(cosigner_make(name, pub, &wv[i], &err), OD_OK);
	}
	buf_init(&note, CHECKPOINT_NOTE_MAX);
	assert_int_equal(checkpoint_sign(&c, logkey, &note, &err), OD_OK);
	text_len = (size_t)(strstr(note.data, "\n\n") + 1 - note.data);
	return 0;
}

static int teardown(void **state)
{
	int i;

	for (i = 0; i < NW; i++)
		sigkey_free(wk[i]);
	sigkey_free(logkey);
	sigkey_free(stranger);
	buf_free(&note);
	return 0;
}

/* A copy of the note with cosignature lines by the witnesses in who[]
 * (a -1 ends it) at time 1000 + i, into out. */
static void cosigned(const int *who, struct buf *out)
{
	struct od_err err;
	size_t i;

	buf_init(out, CHECKPOINT_NOTE_MAX);
	assert_int_equal(buf_add(out, note.data, note.len, &err), OD_OK);
	for (i = 0; who[i] >= 0; i++)
		assert_int_equal(cosignature_sign(note.data, text_len,
						  wv[who[i]].name, wk[who[i]],
						  1000 + (uint64_t)who[i], out,
						  &err), OD_OK);
}

static void policy_of(struct witness_policy *p, unsigned quorum)
{
	memset(p, 0, sizeof *p);
	p->quorum = quorum;
	p->n = NW;
	memcpy(p->w, wv, sizeof wv);
}

static void test_quorum(void **state)
{
	struct witness_policy p;
	struct od_err err;
	struct buf b;
	uint64_t newest;

	policy_of(&p, 2);
	cosigned((const int[]){ 0, 2, -1 }, &b);
	assert_int_equal(policy_check_note(&p, b.data, b.len, text_len, 42,
					   &err), OD_OK);
	policy_newest(&p, b.data, b.len, text_len, &newest);
	assert_int_equal(newest, 1002);
	buf_free(&b);

	cosigned((const int[]){ 2, -1 }, &b);
	assert_int_equal(policy_check_note(&p, b.data, b.len, text_len, 42,
					   &err), OD_E_DENIED);
	assert_string_equal(err.msg, "checkpoint 42 lacks witness "
			    "w0.example's cosignature (quorum 2 of 3)");
	buf_free(&b);

	/* The log's own note, no cosignature: nothing counts. */
	assert_int_equal(policy_check_note(&p, note.data, note.len, text_len,
					   42, &err), OD_E_DENIED);
	policy_newest(&p, note.data, note.len, text_len, &newest);
	assert_int_equal(newest, 0);
}

/* A stranger's line under a witness's name does not count; one with
 * the witness's key id is a forgery, refused. */
static void test_forged(void **state)
{
	struct witness_policy p;
	struct od_err err;
	struct buf b;

	policy_of(&p, 1);
	buf_init(&b, CHECKPOINT_NOTE_MAX);
	assert_int_equal(buf_add(&b, note.data, note.len, &err), OD_OK);
	assert_int_equal(cosignature_sign(note.data, text_len, "w1.example",
					  stranger, 5, &b, &err), OD_OK);
	assert_int_equal(policy_check_note(&p, b.data, b.len, text_len, 42,
					   &err), OD_E_DENIED);
	buf_free(&b);

	cosigned((const int[]){ 1, -1 }, &b);
	b.data[b.len - 5] ^= 0x01;        /* inside the signature's base64 */
	assert_int_not_equal(policy_check_note(&p, b.data, b.len, text_len,
					       42, &err), OD_OK);
	buf_free(&b);
}

/* The statement's field checks. */
static void test_fields(void **state)
{
	struct od_err err;
	struct buf vk;

	assert_int_equal(policy_check_quorum("quorum", "0", &err), OD_E_INPUT);
	assert_int_equal(policy_check_quorum("quorum", "9", &err), OD_E_INPUT);
	assert_int_equal(policy_check_quorum("quorum", "10", &err), OD_E_INPUT);
	assert_int_equal(policy_check_quorum("quorum", "8", &err), OD_OK);
	assert_int_equal(policy_check_max_age("max-age", "59", &err),
			 OD_E_INPUT);
	assert_int_equal(policy_check_max_age("max-age", "060", &err),
			 OD_E_INPUT);
	assert_int_equal(policy_check_max_age("max-age", "3600", &err), OD_OK);
	assert_int_equal(policy_check_key("witness", "nope", &err), OD_E_INPUT);
	buf_init(&vk, 512);
	/* The log's key (0x01) is not a witness key (0x04). */
	assert_int_equal(note_verifier_text(&logv, &vk, &err), OD_OK);
	assert_int_equal(policy_check_key("witness", vk.data, &err),
			 OD_E_INPUT);
	buf_reset(&vk);
	assert_int_equal(cosigner_text(&wv[0], &vk, &err), OD_OK);
	assert_int_equal(policy_check_key("witness", vk.data, &err), OD_OK);
	buf_free(&vk);
}

/* Folds a shop.witnesses statement naming witnesses keys[0..n). */
static enum od_code fold(struct store *s, size_t n, const char *quorum,
			 const char *age, struct od_err *err)
{
	struct statement *st = NULL;
	struct buf vk;
	size_t i;
	enum od_code rc = statement_new(STMT_SHOP_WITNESSES, "owner",
					"sha256:" KEY64, NULL, &st, err);

	buf_init(&vk, 512);
	for (i = 0; rc == OD_OK && i < n; i++) {
		buf_reset(&vk);
		rc = cosigner_text(&wv[i % NW], &vk, err);
		if (rc == OD_OK)
			rc = statement_add(st, "witness", vk.data, err);
	}
	if (rc == OD_OK)
		rc = statement_add(st, "quorum", quorum, err);
	if (rc == OD_OK && age != NULL)
		rc = statement_add(st, "max-age", age, err);
	if (rc == OD_OK)
		rc = policy_fold(s, st, err);
	buf_free(&vk);
	statement_free(st);
	return rc;
}

static void test_fold_load(void **state)
{
	char dir[] = "/tmp/od-policy-XXXXXX", path[64];
	struct witness_policy p;
	struct store *s;
	struct od_err err;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/store.db", dir);
	assert_int_equal(plain_store_open(path, 1, &s, &err), OD_OK);
	assert_int_equal(policy_load(s, &p, &err), OD_E_NOTFOUND);
	assert_int_equal(fold(s, 2, "3", NULL, &err), OD_E_INPUT);
	assert_string_equal(err.msg, "a quorum of 3 is more than the 2 "
			    "witnesses named");
	assert_int_equal(fold(s, 4, "1", NULL, &err), OD_E_INPUT);
	assert_string_equal(err.msg, "a witness is named twice");
	assert_int_equal(policy_load(s, &p, &err), OD_E_NOTFOUND);
	assert_int_equal(fold(s, 3, "2", "3600", &err), OD_OK);
	assert_int_equal(policy_load(s, &p, &err), OD_OK);
	assert_int_equal(p.quorum, 2);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.max_age, 3600);
	assert_string_equal(p.w[2].name, "w2.example");
	assert_memory_equal(p.w[1].pub, wv[1].pub, SIGKEY_PUB_LEN);
	/* A newer policy replaces it. */
	assert_int_equal(fold(s, 1, "1", NULL, &err), OD_OK);
	assert_int_equal(policy_load(s, &p, &err), OD_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.max_age, 0);
	store_close(s);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quorum),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_fold_load),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
