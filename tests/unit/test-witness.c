/*
 * test-witness.c - the witness's answers (app/witness/witness.c) that the
 * end-to-end test cannot provoke with a real backend: a second checkpoint
 * of the same size with another root (a fork the log signed) gets 409 and
 * is not kept, and the same checkpoint again is cosigned.
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

#include "app/log/checkpoint.h"
#include "app/log/cosignature.h"
#include "app/witness/witness.h"

/* "old OLD\n\n" and c signed by k, into body. */
static void request(uint64_t old, const struct checkpoint *c,
		    const struct sigkey *k, struct buf *body)
{
	struct od_err err;

	buf_reset(body);
	assert_int_equal(buf_addf(body, &err, "old %llu\n\n",
				  (unsigned long long)old), OD_OK);
	assert_int_equal(checkpoint_sign(c, k, body, &err), OD_OK);
}

/* The lines of dir/logs. */
static int logs_lines(const char *dir)
{
	char path[256];
	FILE *f;
	int c, n = 0;

	snprintf(path, sizeof path, "%s/logs", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void test_fork_at_same_size(void **state)
{
	char dir[] = "/tmp/test-witness.XXXXXX", cmd[64];
	struct checkpoint a = { .size = 1 }, b;
	struct note_verifier log, wkey;
	uint8_t seed[SIGKEY_SEED_LEN], pub[SIGKEY_PUB_LEN];
	struct sigkey *k;
	struct witness *w;
	struct od_err err;
	struct buf body, out, vk;
	uint64_t t;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &k, &err), OD_OK);
	checkpoint_origin("Fork shop", a.origin, sizeof a.origin);
	memset(a.root, 0x11, sizeof a.root);
	b = a;
	memset(b.root, 0x22, sizeof b.root);
	sigkey_public(k, pub);
	assert_int_equal(note_verifier_make(a.origin, pub, &log, &err), OD_OK);
	buf_init(&vk, 512);
	assert_int_equal(note_verifier_text(&log, &vk, &err), OD_OK);
	assert_int_equal(witness_add_log(dir, vk.data, &err), OD_OK);
	assert_int_equal(witness_add_log(dir, vk.data, &err), OD_OK);
	assert_int_equal(logs_lines(dir), 1);       /* once, however often */
	assert_int_not_equal(witness_add_log(dir, "x+1+2", &err), OD_OK);
	assert_int_equal(logs_lines(dir), 1);
	assert_int_equal(witness_open(dir, "w.example/1", &w, &err), OD_OK);
	witness_key(w, &wkey);
	buf_init(&body, 16384);
	buf_init(&out, 4096);

	request(0, &a, k, &body);
	assert_int_equal(witness_add_checkpoint(w, body.data, body.len, 100,
						&out), 200);
	/* The answer is a cosignature of a's note by the witness. */
	request(0, &a, k, &body);
	assert_int_equal(buf_add(&body, out.data, out.len, &err), OD_OK);
	assert_int_equal(cosignature_open(body.data + 7, body.len - 7, &log,
					  &wkey, &b, &t, &err), OD_OK);
	assert_int_equal(t, 100);
	b = a;
	memset(b.root, 0x22, sizeof b.root);

	request(1, &b, k, &body);
	assert_int_equal(witness_add_checkpoint(w, body.data, body.len, 101,
						&out), 409);
	assert_string_equal(out.data, "1\n");
	request(1, &a, k, &body);
	assert_int_equal(witness_add_checkpoint(w, body.data, body.len, 102,
						&out), 200);
	witness_close(w);
	sigkey_free(k);
	buf_free(&body);
	buf_free(&out);
	buf_free(&vk);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_at_same_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
