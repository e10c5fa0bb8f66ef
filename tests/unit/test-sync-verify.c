/*
 * test-sync-verify.c - a page of pulled entries checked ahead on every
 * core (app/sync/sync-verify.c) is judged exactly as when each entry is
 * checked as it is taken: the same entry refused, with the same sentence.
 * A "backend" and a "desk" are two in-memory stores sharing the shop's
 * first six entries; the page is the backend's entries after them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/ledger.h"
#include "app/sync/sync-verify.h"
#include "tests/unit/fixture-shop.h"

#define PAGE_MAX 64

struct world {
	struct store *back, *desk;
	struct fixture_person owner, keeper, staff, lee;
	struct log_record recs[PAGE_MAX];   /* the page (texts owned) */
	size_t n;
	struct od_err err;
};

static enum od_code copy_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	return ledger_accept(ctx, r->statement, r->statement_len,
			     r->signature, NULL, err);
}

/* Keeps the backend's entries after the desk's six, as a pulled page. */
static enum od_code page_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct world *w = ctx;
	char *text = malloc(r->statement_len + 1);

	(void)err;
	assert_non_null(text);
	assert_true(w->n < PAGE_MAX);
	memcpy(text, r->statement, r->statement_len + 1);
	w->recs[w->n] = *r;
	w->recs[w->n++].statement = text;
	return OD_OK;
}

/* A user added in the page, and statements of theirs after it. */
static void lee_joins(struct world *w)
{
	struct statement *st;

	fixture_user_add(w->back, &w->owner, &w->lee, "shopkeeper");
	st = fixture_stmt(&w->lee, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(fixture_append(w->back, &w->lee, st, NULL, &w->err),
			 OD_OK);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	char num[16];
	int i;

	assert_non_null(w);
	assert_int_equal(store_open_memory(&w->back, &w->err), OD_OK);
	assert_int_equal(store_open_memory(&w->desk, &w->err), OD_OK);
	fixture_person_make(&w->owner, "olivia");
	fixture_person_make(&w->keeper, "mei");
	fixture_person_make(&w->staff, "sam");
	fixture_person_make(&w->lee, "lee");
	fixture_shop_found(w->back, &w->owner, &w->keeper, &w->staff);
	assert_int_equal(store_begin(w->desk, &w->err), OD_OK);
	assert_int_equal(store_log_each_after(w->back, 0, copy_cb, w->desk,
					      &w->err), OD_OK);
	assert_int_equal(store_commit(w->desk, &w->err), OD_OK);
	for (i = 0; i < 12; i++) {
		snprintf(num, sizeof num, "%d", 100 + i);
		fixture_place(w->back, &w->keeper, num);
	}
	lee_joins(w);
	for (i = 12; i < 20; i++) {
		snprintf(num, sizeof num, "%d", 100 + i);
		fixture_place(w->back, i % 2 ? &w->lee : &w->keeper, num);
	}
	assert_int_equal(store_log_each_after(w->back, 6, page_cb, w, &w->err),
			 OD_OK);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	size_t i;

	for (i = 0; i < w->n; i++)
		free((char *)w->recs[i].statement);
	store_close(w->back);
	store_close(w->desk);
	fixture_person_free(&w->owner);
	fixture_person_free(&w->keeper);
	fixture_person_free(&w->staff);
	fixture_person_free(&w->lee);
	free(w);
	return 0;
}

/* What taking the page found: the index of the entry refused (n if
 * none) and the sentence; nothing of it is kept. */
struct verdict {
	size_t at;
	enum od_code rc;
	char msg[OD_ERR_MSG_MAX];
};

/* Takes the page in order, each entry checked ahead (ahead) or not. */
static void take(struct world *w, int ahead, struct verdict *v)
{
	struct sync_checked c;
	struct od_err err;
	size_t i;

	memset(v, 0, sizeof *v);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_begin(w->desk, &err), OD_OK);
	if (ahead)
		sync_check_ahead(w->desk, w->recs, w->n, &c);
	for (i = 0; i < w->n; i++) {
		v->rc = sync_accept_pulled(w->desk, &w->recs[i],
					   sync_checked_key(&c, i), &err);
		if (v->rc != OD_OK) {
			memcpy(v->msg, err.msg, sizeof v->msg);
			break;
		}
	}
	v->at = i;
	sync_checked_free(&c);
	store_rollback(w->desk);
}

/* Every signature of a whole, honest page is checked ahead but those of
 * a user the page itself adds; the page is taken whole either way. */
static void test_honest_page(void **state)
{
	struct world *w = *state;
	struct verdict one, ahead;
	struct sync_checked c;
	size_t i, checked = 0;

	assert_int_equal(w->n, 22);
	assert_int_equal(store_begin(w->desk, &w->err), OD_OK);
	sync_check_ahead(w->desk, w->recs, w->n, &c);
	for (i = 0; i < w->n; i++)
		checked += sync_checked_key(&c, i) != NULL;
	sync_checked_free(&c);
	store_rollback(w->desk);
	/* lee's user.add is the owner's; lee's five are checked later. */
	assert_int_equal(checked, 22 - 5);
	take(w, 0, &one);
	take(w, 1, &ahead);
	assert_int_equal(one.rc, OD_OK);
	assert_int_equal(ahead.rc, OD_OK);
	assert_int_equal(one.at, w->n);
	assert_int_equal(ahead.at, w->n);
}

/* One bad signature in the middle of the page: refused at that entry,
 * with the same sentence, checked ahead or not; the entries before it
 * still taken. */
static void test_bad_signature_in_the_middle(void **state)
{
	struct world *w = *state;
	struct verdict one, ahead;
	struct sync_checked c;

	w->recs[7].signature[5] ^= 0x20;
	take(w, 0, &one);
	take(w, 1, &ahead);
	assert_int_equal(one.rc, OD_E_TAMPERED);
	assert_int_equal(one.at, 7);
	assert_non_null(strstr(one.msg, "the backend's entry 14 does not "
			       "verify here"));
	assert_int_equal(ahead.rc, one.rc);
	assert_int_equal(ahead.at, one.at);
	assert_string_equal(ahead.msg, one.msg);
	/* Checked ahead, the bad one is not vouched for; the rest are. */
	assert_int_equal(store_begin(w->desk, &w->err), OD_OK);
	sync_check_ahead(w->desk, w->recs, w->n, &c);
	assert_null(sync_checked_key(&c, 7));
	assert_non_null(sync_checked_key(&c, 6));
	assert_non_null(sync_checked_key(&c, 8));
	sync_checked_free(&c);
	store_rollback(w->desk);
}

/* A bad signature by the user the page adds (checked as it is taken). */
static void test_bad_signature_of_a_new_user(void **state)
{
	struct world *w = *state;
	struct verdict one, ahead;

	w->recs[13].signature[0] ^= 0x01;
	take(w, 0, &one);
	take(w, 1, &ahead);
	assert_int_equal(one.rc, OD_E_TAMPERED);
	assert_int_equal(one.at, 13);
	assert_int_equal(ahead.at, one.at);
	assert_string_equal(ahead.msg, one.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_honest_page, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_signature_in_the_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_signature_of_a_new_user, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
