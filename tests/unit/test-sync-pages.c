/*
 * test-sync-pages.c - a pull of more than one page, each next page fetched
 * while the one before is written (app/sync/sync-prefetch.c): the desk's
 * log ends equal to the backend's, and a lying backend's altered entry is
 * refused at that very entry with the sentence of checking one by one,
 * nothing of its page taken, whichever page it is in; a page fetched ahead
 * after a refused one is dropped, and the next sync takes the rest.
 * The backend is real (fixture-backend.h); the "lie" alters a signature in
 * its answer on the way out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/sync/sync.h"
#include "tests/unit/fixture-backend.h"
#include "tests/unit/fixture-desk.h"

/* The backend's log: the genesis and ORDERS orders; a page is 1000, so the
 * second desk (which has the genesis) pulls 2..1001, then 1002..LAST. */
#define ORDERS 1200
#define LAST   (ORDERS + 1)

struct pages {
	struct fixture_backend *f;
	int desks;              /* copies of the second desk opened */
	long long bad;          /* the entry whose signature is altered, or 0 */
	int second_asked;       /* answers that began with entry 1002 */
};

/* Alters entry p->bad's signature in a log page (one base64 letter). */
static void lie(void *ctx, const char *path, struct buf *out)
{
	struct pages *p = ctx;
	json_t *root = json_loadb(out->data, out->len, 0, NULL), *e;
	json_t *entries = json_object_get(root, "entries");
	struct od_err err;
	char sig[128];
	char *text;
	size_t i;

	(void)path;
	if (json_array_size(entries) > 0 &&
	    json_integer_value(json_object_get(json_array_get(entries, 0),
					       "seq")) == 1002)
		p->second_asked++;
	json_array_foreach(entries, i, e) {
		if (json_integer_value(json_object_get(e, "seq")) != p->bad)
			continue;
		snprintf(sig, sizeof sig, "%s",
			 json_string_value(json_object_get(e, "signature")));
		sig[20] = sig[20] == 'A' ? 'B' : 'A';
		json_object_set_new(e, "signature", json_string(sig));
		text = json_dumps(root, JSON_COMPACT);
		assert_non_null(text);
		out->len = 0;
		assert_int_equal(buf_add(out, text, strlen(text), &err), OD_OK);
		free(text);
	}
	json_decref(root);
}

/* The first desk pushes the genesis, then the backend's own log grows by
 * ORDERS orders signed by the owner (as if pushed); once for the tests,
 * each of which pulls into a copy of the second desk as it was founded. */
static int setup(void **state)
{
	struct pages *p = calloc(1, sizeof *p);
	struct order_item item = { "TEA-1", "Green tea", 2, 450, 0 };
	struct store *s;
	struct statement *st = NULL;
	struct sync_report rep;
	struct od_err err;
	struct order o;
	char number[16];
	int i;

	assert_non_null(p);
	p->f = fixture_backend_new("test-sync-pages");
	assert_int_equal(sync_run(p->f->sh, &rep, &err), OD_OK);
	s = backend_store(p->f->b);
	assert_int_equal(store_begin(s, &err), OD_OK);
	for (i = 0; i < ORDERS; i++) {
		snprintf(number, sizeof number, "%d", 5000 + i);
		fixture_desk_order(&o, number);
		o.items = &item;
		o.nitems = 1;
		o.total = 900;
		assert_int_equal(statement_new(STMT_ORDER_PLACED, p->f->sh->user,
					       p->f->sh->fingerprint, number,
					       &st, &err), OD_OK);
		assert_int_equal(order_to_statement(&o, st, &err), OD_OK);
		assert_int_equal(ledger_append(s, p->f->sh->key, st, NULL,
					       &err), OD_OK);
		statement_free(st);
	}
	assert_int_equal(store_commit(s, &err), OD_OK);
	p->f->lie = lie;
	p->f->lie_ctx = p;
	*state = p;
	return 0;
}

/* A new copy of the second desk (as founded), opened and attached. */
static struct shop *fresh_desk(struct pages *p)
{
	char dir[200], cmd[500];

	snprintf(dir, sizeof dir, "%s/pull-%d", p->f->tmp, ++p->desks);
	snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", p->f->desk2, dir);
	assert_int_equal(system(cmd), 0);
	p->second_asked = 0;
	return fixture_backend_desk(p->f, dir);
}

static int teardown(void **state)
{
	struct pages *p = *state;

	fixture_backend_free(p->f);
	free(p);
	return 0;
}

/* The last entry of sh's log, and whether its hash is the backend's. */
static long long head_of(struct pages *p, struct shop *sh)
{
	uint8_t mine[32], theirs[32];
	long long seq = 0, bseq = 0;
	struct od_err err;

	assert_int_equal(store_log_head(sh->store, &seq, mine, &err), OD_OK);
	assert_int_equal(store_log_head(backend_store(p->f->b), &bseq, theirs,
					&err), OD_OK);
	if (seq == bseq)
		assert_memory_equal(mine, theirs, 32);
	return seq;
}

static void test_honest_pages(void **state)
{
	struct pages *p = *state;
	struct shop *sh = fresh_desk(p);
	struct sync_report rep;
	struct od_err err;

	assert_int_equal(sync_run(sh, &rep, &err), OD_OK);
	assert_int_equal(rep.pulled, ORDERS);
	assert_int_equal(head_of(p, sh), LAST);
	assert_int_equal(p->second_asked, 1);
	shop_close(sh);
}

/*
 * Entry bad's signature altered: the pull stops there with the sentence of
 * checking it alone, the desk's log ends at want (nothing of bad's page),
 * the next page was asked for ahead `ahead` times; an honest backend then
 * gives the rest.
 */
static void refused_at(struct pages *p, long long bad, long long want,
		       int ahead)
{
	struct shop *sh = fresh_desk(p);
	struct sync_report rep;
	struct od_err err;
	char prefix[96];

	p->bad = bad;
	assert_int_equal(sync_run(sh, &rep, &err), OD_E_TAMPERED);
	snprintf(prefix, sizeof prefix, "the backend's entry %lld does not "
		 "verify here (the signature of statement ", bad);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0 ||
	    strstr(err.msg, " by owner does not check: it was altered or "
		   "forged); sync stopped") == NULL)
		fail_msg("refused with: %s", err.msg);
	assert_int_equal(head_of(p, sh), want);
	assert_int_equal(p->second_asked, ahead);
	p->bad = 0;
	assert_int_equal(sync_run(sh, &rep, &err), OD_OK);
	assert_int_equal(head_of(p, sh), LAST);
	shop_close(sh);
}

/* In the first page, while the second is fetched ahead (and dropped). */
static void test_lie_in_the_first_page(void **state)
{
	refused_at(*state, 500, 1, 1);
}

static void test_lie_in_the_second_page(void **state)
{
	refused_at(*state, 1100, 1001, 1);
}

/* The first entry of the page fetched ahead. */
static void test_lie_at_the_page_edge(void **state)
{
	refused_at(*state, 1002, 1001, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_honest_pages),
		cmocka_unit_test(test_lie_in_the_first_page),
		cmocka_unit_test(test_lie_in_the_second_page),
		cmocka_unit_test(test_lie_at_the_page_edge),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
