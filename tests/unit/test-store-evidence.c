/*
 * test-store-evidence.c - evidence files in the store
 * (storage/store-evidence.c) on an in-memory store: put and get, the hash
 * checked both ways, the 10 MiB cap, a second put of the same bytes, and
 * the names the log's statements give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "app/shop/evidence.h"
#include "storage/store-evidence.h"

static const char pdf[] = "%PDF-1.4\nproof of delivery MARKER-7731\n";
/* sha256sum of pdf's bytes, without the NUL. */
static char pdf_hash[STORE_EVIDENCE_HASH_LEN + 1];
/* The connection under the store, to edit a row behind its back. */
static sqlite3 *db_now;

static int setup(void **state)
{
	struct store *s;
	struct od_err err;

	assert_int_equal(sqlite3_open(":memory:", &db_now), SQLITE_OK);
	assert_int_equal(store_adopt(db_now, 1, &s, &err), OD_OK);
	store_evidence_hash(pdf, sizeof pdf - 1, pdf_hash);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* The bytes come back as put, under the name sha256sum gives them. */
static void test_put_get(void **state)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct store_evidence_info info;
	struct od_err err;
	struct buf b;

	assert_string_equal(pdf_hash, "sha256:c83db5abb5720b6e3a7f69cf6ac29d90"
			    "4544ddc7afd30423dde68fede9626a8b");
	assert_int_equal(store_evidence_put(*state, pdf, sizeof pdf - 1,
					    "application/pdf", NULL, 0, hash,
					    &err), OD_OK);
	assert_string_equal(hash, pdf_hash);
	buf_init(&b, STORE_EVIDENCE_MAX);
	assert_int_equal(store_evidence_get(*state, hash, &b, &info, &err),
			 OD_OK);
	assert_int_equal(b.len, sizeof pdf - 1);
	assert_memory_equal(b.data, pdf, sizeof pdf - 1);
	assert_int_equal(info.size, (long long)(sizeof pdf - 1));
	assert_string_equal(info.type, "application/pdf");
	assert_int_equal(info.pushed, 0);
	buf_free(&b);
}

/* A name not here says to sync; a malformed one is not looked up. */
static void test_not_here(void **state)
{
	struct store_evidence_info info;
	struct od_err err;
	struct buf b;

	buf_init(&b, STORE_EVIDENCE_MAX);
	assert_int_equal(store_evidence_get(*state, pdf_hash, &b, &info,
					    &err), OD_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "not here yet: sync first"));
	assert_int_equal(b.len, 0);
	buf_free(&b);
	assert_false(store_evidence_hash_ok("sha256:E1CD"));
	assert_false(store_evidence_hash_ok(pdf_hash + 7));
	assert_true(store_evidence_hash_ok(pdf_hash));
}

/* Bytes fetched by name must hash to it; nothing is kept otherwise. */
static void test_expect(void **state)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct store_evidence_info info;
	struct od_err err;
	char bad[sizeof pdf];

	memcpy(bad, pdf, sizeof pdf);
	bad[10] ^= 1;
	assert_int_equal(store_evidence_put(*state, bad, sizeof bad - 1,
					    "application/pdf", pdf_hash, 1,
					    hash, &err), OD_E_TAMPERED);
	assert_int_equal(store_evidence_stat(*state, pdf_hash, &info, &err),
			 OD_E_NOTFOUND);
	assert_int_equal(store_evidence_put(*state, pdf, sizeof pdf - 1,
					    "application/pdf", pdf_hash, 1,
					    hash, &err), OD_OK);
	assert_int_equal(store_evidence_stat(*state, pdf_hash, &info, &err),
			 OD_OK);
	assert_int_equal(info.pushed, 1);
}

/* A row changed behind the store's back is never handed on. */
static void test_changed_row(void **state)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1], other[STORE_EVIDENCE_HASH_LEN + 1];
	struct od_err err;
	struct buf b;

	assert_int_equal(store_evidence_put(*state, pdf, sizeof pdf - 1,
					    "application/pdf", NULL, 0, hash,
					    &err), OD_OK);
	/* Another file's row renamed to pdf's: its bytes no longer match. */
	assert_int_equal(store_evidence_put(*state, "\xff\xd8\xff", 3,
					    "image/jpeg", NULL, 0, other,
					    &err), OD_OK);
	assert_int_equal(sqlite3_exec(db_now, "DELETE FROM evidence WHERE "
				      "type = 'application/pdf';"
				      "UPDATE evidence SET hash = "
				      "'sha256:c83db5abb5720b6e3a7f69cf6ac29d90"
				      "4544ddc7afd30423dde68fede9626a8b'", NULL, NULL, NULL),
			 SQLITE_OK);
	buf_init(&b, STORE_EVIDENCE_MAX);
	assert_int_equal(store_evidence_get(*state, hash, &b, NULL, &err),
			 OD_E_TAMPERED);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* 10 MiB is kept, a byte more and an empty file are not. */
static void test_cap(void **state)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct store_evidence_info info;
	unsigned char *big = calloc(1, STORE_EVIDENCE_MAX + 1);
	struct od_err err;

	assert_non_null(big);
	assert_int_equal(store_evidence_put(*state, big,
					    STORE_EVIDENCE_MAX + 1, "x", NULL,
					    0, hash, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "10 MiB"));
	assert_int_equal(store_evidence_put(*state, big, 0, "x", NULL, 0,
					    hash, &err), OD_E_INPUT);
	assert_int_equal(store_evidence_put(*state, big, STORE_EVIDENCE_MAX,
					    "x", NULL, 0, hash, &err), OD_OK);
	assert_int_equal(store_evidence_stat(*state, hash, &info, &err),
			 OD_OK);
	assert_int_equal(info.size, STORE_EVIDENCE_MAX);
	free(big);
}

/* Counts the files not yet pushed. */
static enum od_code count_cb(void *ctx, const char *hash, struct od_err *err)
{
	(void)hash;
	(void)err;
	++*(int *)ctx;
	return OD_OK;
}

/* A second put changes nothing; pushed stays once set. */
static void test_twice(void **state)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct store_evidence_info info;
	struct od_err err;
	int n = 0;

	assert_int_equal(store_evidence_put(*state, pdf, sizeof pdf - 1,
					    "application/pdf", NULL, 0, hash,
					    &err), OD_OK);
	assert_int_equal(store_evidence_put(*state, pdf, sizeof pdf - 1,
					    "application/pdf", NULL, 0, hash,
					    &err), OD_OK);
	assert_int_equal(store_evidence_unpushed_each(*state, count_cb, &n,
						      &err), OD_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_evidence_mark_pushed(*state, hash, &err),
			 OD_OK);
	assert_int_equal(store_evidence_put(*state, pdf, sizeof pdf - 1,
					    "application/pdf", NULL, 0, hash,
					    &err), OD_OK);
	assert_int_equal(store_evidence_stat(*state, hash, &info, &err),
			 OD_OK);
	assert_int_equal(info.pushed, 1);
	n = 0;
	assert_int_equal(store_evidence_unpushed_each(*state, count_cb, &n,
						      &err), OD_OK);
	assert_int_equal(n, 0);
}

/* Collects what store_evidence_named_each gives. */
struct got_names {
	long long seq[4];
	char hash[4][STORE_EVIDENCE_HASH_LEN + 1];
	int n;
};

static enum od_code named_cb(void *ctx, long long seq, const char *kind,
			     const char *hash, struct od_err *err)
{
	struct got_names *g = ctx;

	(void)err;
	assert_string_equal(kind, "shipment.deliver");
	assert_true(g->n < 4);
	g->seq[g->n] = seq;
	snprintf(g->hash[g->n++], sizeof g->hash[0], "%s", hash);
	return OD_OK;
}

/* The names the log's statements give, by order and in all. */
static void test_named(void **state)
{
	struct got_names g = { { 0 }, { "" }, 0 };
	struct od_err err;
	char sql[1024];
	int named = 0;

	snprintf(sql, sizeof sql, "INSERT INTO log(seq, id, kind, order_no,"
		 " actor, time, statement, signature, hash, digest) VALUES"
		 "(7, 'a', 'shipment.deliver', '1042', 'sam', 't',"
		 " CAST('kind: shipment.deliver\ntracking: X\nevidence: %s"
		 "' || char(10) || 'evidence: sha256:%064d' AS BLOB),"
		 " x'00', x'00', x'00'),"
		 "(8, 'b', 'shipment.deliver', '1043', 'sam', 't',"
		 " CAST('evidence: %s' AS BLOB), x'00', x'00', x'00')",
		 pdf_hash, 1, pdf_hash);
	assert_int_equal(sqlite3_exec(db_now, sql, NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(store_evidence_named_each(*state, "1042", 0, named_cb,
						   &g, &err), OD_OK);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.seq[0], 7);
	assert_string_equal(g.hash[0], pdf_hash);
	assert_string_equal(g.hash[1], "sha256:000000000000000000000000000"
			    "0000000000000000000000000000000000001");
	/* The whole log after entry 7: nothing (8 names nothing, below). */
	g.n = 0;
	assert_int_equal(store_evidence_named_each(*state, NULL, 7, named_cb,
						   &g, &err), OD_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(store_evidence_named_each(*state, NULL, 6, named_cb,
						   &g, &err), OD_OK);
	assert_int_equal(g.n, 2);
	/* Entry 8's line does not start a line: it names nothing. */
	g.n = 0;
	assert_int_equal(store_evidence_named_each(*state, "1043", 0, named_cb,
						   &g, &err), OD_OK);
	assert_int_equal(g.n, 0);
	assert_int_equal(store_evidence_named(*state, pdf_hash, &named, &err),
			 OD_OK);
	assert_int_equal(named, 1);
	assert_int_equal(store_evidence_named(*state, "sha256:00000000000000"
					      "0000000000000000000000000000000"
					      "0000000000000000002", &named,
					      &err), OD_OK);
	assert_int_equal(named, 0);
}

/* A file noted as wanted is listed until it is here. */
static void test_wanted(void **state)
{
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	struct od_err err;
	int n = 0;

	assert_int_equal(store_evidence_want(*state, pdf_hash, &err), OD_OK);
	assert_int_equal(store_evidence_want(*state, pdf_hash, &err), OD_OK);
	assert_int_equal(store_evidence_wanted_each(*state, count_cb, &n,
						    &err), OD_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_evidence_put(*state, pdf, sizeof pdf - 1,
					    "application/pdf", pdf_hash, 1,
					    hash, &err), OD_OK);
	n = 0;
	assert_int_equal(store_evidence_wanted_each(*state, count_cb, &n,
						    &err), OD_OK);
	assert_int_equal(n, 0);
}

/* The media type comes from the bytes, never the name. */
static void test_sniff(void **state)
{
	(void)state;
	assert_string_equal(evidence_sniff(pdf, sizeof pdf - 1),
			    "application/pdf");
	assert_string_equal(evidence_sniff("\xff\xd8\xff\xe0", 4),
			    "image/jpeg");
	assert_string_equal(evidence_sniff("\x89PNG\r\n\x1a\n", 8),
			    "image/png");
	assert_string_equal(evidence_sniff("%PD", 3),
			    "application/octet-stream");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_here, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_row, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wanted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sniff, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
