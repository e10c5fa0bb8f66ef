/*
 * test-ledger.c - the fold and the hash-chained log on an in-memory store:
 * who may sign what, which transitions are legal, partial shipments,
 * replays, forged and revoked signers, the last owner, and the replay that
 * `audit verify` runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <gnutls/crypto.h>

#include "app/log/clock.h"
#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/log/role.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "tests/unit/fixture-world.h"

/* Appends st signed by p in its own transaction; returns the code. */
static enum od_code append(struct fixture_world *w, struct fixture_person *p,
			   struct statement *st)
{
	return fixture_append(w->s, p, st, NULL, &w->err);
}

static void user_add(struct fixture_world *w, struct fixture_person *p,
		     const char *role)
{
	fixture_user_add(w->s, &w->owner, p, role);
}

static enum order_status status_of(struct fixture_world *w, const char *number)
{
	return fixture_status(w->s, number);
}

/* Only the first statement may found a shop. */
static void test_second_genesis_refused(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st = fixture_stmt(&w->owner, STMT_SHOP_GENESIS, NULL);
	char b64[64];

	b64_encode(w->owner.pub, SIGKEY_PUB_LEN, b64);
	fixture_add(st, "shop", "Again");
	fixture_add(st, "role", "owner");
	fixture_add(st, "pubkey", b64);
	assert_int_equal(append(w, &w->owner, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "already been founded"));
}

/* The role table, statement by statement, through the fold. */
static void test_roles(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st;

	st = fixture_stmt(&w->staff, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(append(w, &w->staff, st), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg, "sam is staff and may not confirm"));
	st = fixture_stmt(&w->staff, STMT_ORDER_CANCEL, "1");
	fixture_add(st, "reason", "x");
	assert_int_equal(append(w, &w->staff, st), OD_E_DENIED);
	st = fixture_stmt(&w->keeper, STMT_USER_REVOKE, NULL);
	fixture_add(st, "user", "sam");
	assert_int_equal(append(w, &w->keeper, st), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg, "ask the owner"));
	st = fixture_stmt(&w->staff, STMT_ORDER_NOTE, "1");
	fixture_add(st, "text", "fragile");
	assert_int_equal(append(w, &w->staff, st), OD_OK);
	assert_int_equal(status_of(w, "1"), ORDER_NEW);
}

/* A storefront places orders, and marks its own paid, refunded or
 * cancelled (its webhooks and exports); nothing else, whoever holds its
 * key. */
static void test_storefront_role(void **state)
{
	struct fixture_world *w = *state;
	struct fixture_person web;
	struct statement *st;
	static const enum stmt_kind denied[] = {
		STMT_ORDER_CONFIRM, STMT_ORDER_HOLD,
		STMT_ORDER_RELEASE, STMT_ORDER_NOTE, STMT_SHIPMENT_CONFIRM,
		STMT_USER_ADD, STMT_USER_ROLE, STMT_USER_REVOKE,
	};
	size_t i;

	assert_int_equal(role_allows(ROLE_STOREFRONT, STMT_ORDER_PLACED), 1);
	for (i = 0; i < sizeof denied / sizeof denied[0]; i++)
		assert_int_equal(role_allows(ROLE_STOREFRONT, denied[i]), 0);
	fixture_person_make(&web, "web");
	user_add(w, &web, "storefront");
	assert_int_equal(append(w, &web, fixture_order(&web, "W-1")),
			 OD_OK);
	assert_int_equal(status_of(w, "W-1"), ORDER_NEW);
	st = fixture_stmt(&web, STMT_ORDER_CONFIRM, "W-1");
	assert_int_equal(append(w, &web, st), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg, "web is storefront and may not"));
	st = fixture_stmt(&web, STMT_ORDER_NOTE, "1");
	fixture_add(st, "text", "x");
	assert_int_equal(append(w, &web, st), OD_E_DENIED);
	/* Cancelled at the storefront: its own order only. */
	st = fixture_stmt(&web, STMT_ORDER_CANCEL, "1");
	fixture_add(st, "reason", "cancelled in shopify");
	assert_int_equal(append(w, &web, st), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg, "was not placed by storefront web"));
	assert_int_equal(status_of(w, "1"), ORDER_NEW);
	/* Refunded at the storefront: its own order only, too. */
	assert_int_equal(role_allows(ROLE_STOREFRONT, STMT_PAYMENT_REFUND), 1);
	st = fixture_stmt(&web, STMT_PAYMENT_REFUND, "1");
	fixture_add(st, "amount", "100");
	fixture_add(st, "reason", "refunded in shopify");
	assert_int_equal(append(w, &web, st), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg, "paid, refunded or cancelled"));
	st = fixture_stmt(&web, STMT_ORDER_CANCEL, "W-1");
	fixture_add(st, "reason", "cancelled in shopify");
	assert_int_equal(append(w, &web, st), OD_OK);
	assert_int_equal(status_of(w, "W-1"), ORDER_CANCELLED);
	/* Revoked by the owner: its orders stop. */
	st = fixture_stmt(&w->owner, STMT_USER_REVOKE, NULL);
	fixture_add(st, "user", "web");
	assert_int_equal(append(w, &w->owner, st), OD_OK);
	assert_int_equal(append(w, &web, fixture_order(&web, "W-2")),
			 OD_E_AUTH);
	sigkey_free(web.key);
}

/* Collects the seqs a walk visits; stops after max of them. */
struct walk {
	long long seqs[64];
	size_t n, max;
};

static enum od_code walk_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct walk *wk = ctx;

	if (wk->n >= wk->max)
		return od_err_set(err, OD_E_EXISTS, "enough");
	wk->seqs[wk->n++] = r->seq;
	return OD_OK;
}

/* store_log_each_after: exactly the entries above a seq, in order. */
static void test_log_each_after(void **state)
{
	struct fixture_world *w = *state;
	struct walk wk;
	long long head = 0, after;
	uint8_t hash[32];
	size_t i;

	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	assert_int_equal(head, 6);
	for (after = -1; after <= head + 1; after++) {
		memset(&wk, 0, sizeof wk);
		wk.max = 64;
		assert_int_equal(store_log_each_after(w->s, after, walk_cb, &wk,
						      &w->err), OD_OK);
		assert_int_equal(wk.n, after < 0 ? (size_t)head :
				 after >= head ? 0 : (size_t)(head - after));
		for (i = 0; i < wk.n; i++)
			assert_int_equal(wk.seqs[i],
					 (after < 0 ? 0 : after) + 1 +
					 (long long)i);
	}
	/* A callback's error stops the walk and comes back. */
	memset(&wk, 0, sizeof wk);
	wk.max = 2;
	assert_int_equal(store_log_each_after(w->s, 1, walk_cb, &wk, &w->err),
			 OD_E_EXISTS);
	assert_int_equal(wk.n, 2);
	assert_int_equal(wk.seqs[1], 3);
}

/*
 * store_log_at: the one entry at a seq, one row read, the same bytes a walk
 * gives; no entry there is OD_E_NOTFOUND and a callback's error comes back.
 */
static void test_log_at(void **state)
{
	struct fixture_world *w = *state;
	struct walk wk;
	long long seq, rows;

	for (seq = 1; seq <= 6; seq++) {
		memset(&wk, 0, sizeof wk);
		wk.max = 64;
		rows = store_log_rows_read(w->s);
		assert_int_equal(store_log_at(w->s, seq, walk_cb, &wk,
					      &w->err), OD_OK);
		assert_int_equal(store_log_rows_read(w->s) - rows, 1);
		assert_int_equal(wk.n, 1);
		assert_int_equal(wk.seqs[0], seq);
	}
	memset(&wk, 0, sizeof wk);
	wk.max = 64;
	assert_int_equal(store_log_at(w->s, 0, walk_cb, &wk, &w->err),
			 OD_E_NOTFOUND);
	assert_int_equal(store_log_at(w->s, 7, walk_cb, &wk, &w->err),
			 OD_E_NOTFOUND);
	assert_int_equal(wk.n, 0);
	wk.max = 0;
	assert_int_equal(store_log_at(w->s, 3, walk_cb, &wk, &w->err),
			 OD_E_EXISTS);
}

/* A statement whose key line names someone else's key is refused. */
static void test_wrong_key_refused(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st = NULL;

	/* mei's name, sam's fingerprint, signed by sam. */
	assert_int_equal(statement_new(STMT_ORDER_CONFIRM, "mei", w->staff.fp,
				       "1", &st, &w->err), OD_OK);
	assert_int_equal(append(w, &w->staff, st), OD_E_AUTH);
	assert_non_null(strstr(w->err.msg, "not mei's"));
}

/* The transition table from each state. */
static void test_transitions(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st;

	st = fixture_stmt(&w->keeper, STMT_ORDER_RELEASE, "1");
	assert_int_equal(append(w, &w->keeper, st), OD_E_STATE);
	st = fixture_stmt(&w->keeper, STMT_ORDER_HOLD, "1");
	fixture_add(st, "reason", "check");
	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	assert_int_equal(status_of(w, "1"), ORDER_HELD);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(append(w, &w->keeper, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "release it first"));
	st = fixture_stmt(&w->keeper, STMT_ORDER_RELEASE, "1");
	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	assert_int_equal(status_of(w, "1"), ORDER_NEW);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(append(w, &w->keeper, st), OD_E_STATE);
	st = fixture_stmt(&w->keeper, STMT_ORDER_HOLD, "1");
	fixture_add(st, "reason", "check");
	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	st = fixture_stmt(&w->keeper, STMT_ORDER_RELEASE, "1");
	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	assert_int_equal(status_of(w, "1"), ORDER_CONFIRMED);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CANCEL, "2");
	fixture_add(st, "reason", "asked");
	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	assert_int_equal(status_of(w, "2"), ORDER_CANCELLED);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "2");
	assert_int_equal(append(w, &w->keeper, st), OD_E_STATE);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "404");
	assert_int_equal(append(w, &w->keeper, st), OD_E_NOTFOUND);
}

static enum od_code ship(struct fixture_world *w, const char *order,
			 const char *item1, const char *item2)
{
	struct statement *st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM,
					    order);

	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", "SF123");
	fixture_add(st, "item", item1);
	if (item2 != NULL)
		fixture_add(st, "item", item2);
	return append(w, &w->staff, st);
}

/* Parcels: partial, over-shipping, unknown SKU, then the rest. */
static void test_partial_shipment(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st;

	assert_int_equal(ship(w, "3", "A 1", NULL), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "only confirmed orders can ship"));
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "3");
	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	assert_int_equal(ship(w, "3", "A 1", NULL), OD_OK);
	assert_int_equal(status_of(w, "3"), ORDER_CONFIRMED);
	assert_int_equal(ship(w, "3", "A 2", NULL), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "only 1 of A"));
	/* The same SKU twice in one parcel cannot over-ship either. */
	assert_int_equal(ship(w, "3", "A 1", "A 1"), OD_E_STATE);
	assert_int_equal(ship(w, "3", "Z 1", NULL), OD_E_INPUT);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CANCEL, "3");
	fixture_add(st, "reason", "late");
	assert_int_equal(append(w, &w->keeper, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "shipped parcels"));
	assert_int_equal(ship(w, "3", "A 1", "B 1"), OD_OK);
	assert_int_equal(status_of(w, "3"), ORDER_SHIPPED);
}

/* Chains st to the last entry, as ledger_append would. */
static void chain_to_head(struct fixture_world *w, struct statement *st)
{
	uint8_t digest[32];
	char id[33], prev[STMT_PREV_LEN + 1];
	long long head;

	assert_int_equal(store_log_tip(w->s, &head, id, digest, &w->err),
			 OD_OK);
	assert_true(head > 0);
	memcpy(prev, id, 32);
	prev[32] = ' ';
	hex_encode(digest, sizeof digest, prev + 33);
	assert_int_equal(statement_set_prev(st, prev, &w->err), OD_OK);
}

/* A statement appended twice has one effect: the replay is refused. */
static void test_replay_refused(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st = fixture_stmt(&w->staff, STMT_ORDER_NOTE, "1");
	uint8_t sig[SIGKEY_SIG_LEN];
	struct buf text;
	long long seq = 0, head;
	uint8_t hash[32];

	fixture_add(st, "text", "ring twice");
	chain_to_head(w, st);
	buf_init(&text, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &text, &w->err), OD_OK);
	assert_int_equal(sigkey_sign(w->staff.key, text.data, text.len, sig,
				     &w->err), OD_OK);
	statement_free(st);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(ledger_accept(w->s, text.data, text.len, sig, &seq,
				       &w->err), OD_OK);
	assert_int_equal(ledger_accept(w->s, text.data, text.len, sig, NULL,
				       &w->err), OD_E_EXISTS);
	assert_non_null(strstr(w->err.msg, "a replay has no effect"));
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	assert_int_equal(head, seq);
	buf_free(&text);
}

/* The log's tip as a prev value ("ID DIGEST"). */
static void tip_prev(struct fixture_world *w, char prev[STMT_PREV_LEN + 1])
{
	uint8_t digest[32];
	char id[33];
	long long head;

	assert_int_equal(store_log_tip(w->s, &head, id, digest, &w->err),
			 OD_OK);
	memcpy(prev, id, 32);
	prev[32] = ' ';
	hex_encode(digest, sizeof digest, prev + 33);
}

/* Signs st (its prev already set) as p, frees it, and accepts it. */
static enum od_code accept_as(struct fixture_world *w, struct fixture_person *p,
			      struct statement *st)
{
	uint8_t sig[SIGKEY_SIG_LEN];
	struct buf text;
	enum od_code rc;

	buf_init(&text, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &text, &w->err), OD_OK);
	assert_int_equal(sigkey_sign(p->key, text.data, text.len, sig,
				     &w->err), OD_OK);
	statement_free(st);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	rc = ledger_accept(w->s, text.data, text.len, sig, NULL, &w->err);
	if (rc == OD_OK)
		assert_int_equal(store_commit(w->s, &w->err), OD_OK);
	else
		store_rollback(w->s);
	buf_free(&text);
	return rc;
}

/* A note by p on order 1 dated at (a statement time). */
static struct statement *note_at(struct fixture_person *p, const char *at)
{
	struct statement *st = fixture_stmt(p, STMT_ORDER_NOTE, "1");
	struct od_err err;

	fixture_add(st, "text", "x");
	assert_int_equal(statement_set_time(st, at, &err), OD_OK);
	return st;
}

/* A shop.clock by p answering the time at. */
static struct statement *reset_of(struct fixture_person *p, const char *at)
{
	struct statement *st = fixture_stmt(p, STMT_SHOP_CLOCK, NULL);

	fixture_add(st, "answers", at);
	return st;
}

/*
 * A desk whose clock is behind the log's tip: by more than the skew it
 * signs nothing and says why; by less, its statement is dated at the tip.
 */
static void test_clock_behind(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st;
	char ahead[21];
	long long head, head2;
	uint8_t hash[32];

	clock_format(time(NULL) + 3650LL * 86400, ahead);
	assert_int_equal(fixture_append(w->s, &w->keeper,
					note_at(&w->keeper, ahead), NULL,
					&w->err), OD_OK);
	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	st = fixture_stmt(&w->staff, STMT_ORDER_NOTE, "1");
	fixture_add(st, "text", "y");
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "this computer's clock is behind "
			       "the shop's log by 3650 days; fix the clock"));
	assert_int_equal(store_log_head(w->s, &head2, hash, &w->err), OD_OK);
	assert_int_equal(head2, head);

	/* Two minutes behind: signed, dated at the tip. */
	clock_format(time(NULL) + 120, ahead);
	store_close(w->s);
	assert_int_equal(store_open_memory(&w->s, &w->err), OD_OK);
	fixture_shop_found(w->s, &w->owner, &w->keeper, &w->staff);
	assert_int_equal(fixture_append(w->s, &w->keeper,
					note_at(&w->keeper, ahead), NULL,
					&w->err), OD_OK);
	st = fixture_stmt(&w->staff, STMT_ORDER_NOTE, "1");
	fixture_add(st, "text", "y");
	assert_int_equal(ledger_prepare(w->s, st, &w->err), OD_OK);
	assert_string_equal(st->time, ahead);
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_OK);
}

/*
 * The way out of a log dated ahead: a shop.clock by an owner, that follows
 * the tip, names its time and is dated before it; once, and later entries
 * are not dated before it.  audit verify replays all of it.
 */
static void test_clock_reset(void **state)
{
	struct fixture_world *w = *state;
	char ahead[21], now[21], before[21], between[21], reset[21];
	char old_prev[STMT_PREV_LEN + 1];
	struct ledger_report rep;
	struct statement *st;

	clock_format(time(NULL), now);
	clock_format(time(NULL) - 3600, before);
	clock_format(time(NULL) + 60, between);
	clock_format(time(NULL) + 120, reset);
	clock_format(time(NULL) + 3650LL * 86400, ahead);

	/* Nothing to reset in a log that is not ahead. */
	assert_int_equal(fixture_append(w->s, &w->owner,
					reset_of(&w->owner, now), NULL,
					&w->err), OD_E_STATE);
	tip_prev(w, old_prev);
	assert_int_equal(fixture_append(w->s, &w->keeper,
					note_at(&w->keeper, ahead), NULL,
					&w->err), OD_OK);
	/* Frozen: a statement signed elsewhere, dated now, is refused. */
	st = note_at(&w->staff, now);
	chain_to_head(w, st);
	assert_int_equal(accept_as(w, &w->staff, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "dated before the entry it"));

	/* Only an owner; only naming the tip's own time. */
	assert_int_equal(fixture_append(w->s, &w->keeper,
					reset_of(&w->keeper, ahead), NULL,
					&w->err), OD_E_DENIED);
	assert_int_equal(fixture_append(w->s, &w->owner,
					reset_of(&w->owner, now), NULL,
					&w->err), OD_E_STATE);
	/* Only answering the tip itself, not an older entry. */
	st = reset_of(&w->owner, ahead);
	assert_int_equal(statement_set_prev(st, old_prev, &w->err), OD_OK);
	assert_int_equal(accept_as(w, &w->owner, st), OD_E_STATE);

	/* Dated two minutes on, so that an entry can fall between. */
	st = reset_of(&w->owner, ahead);
	assert_int_equal(statement_set_time(st, reset, &w->err), OD_OK);
	assert_int_equal(fixture_append(w->s, &w->owner, st, NULL, &w->err),
			 OD_OK);
	/* Once: the tip is now the reset, not ahead of anything. */
	st = reset_of(&w->owner, reset);
	assert_int_equal(statement_set_time(st, reset, &w->err), OD_OK);
	assert_int_equal(fixture_append(w->s, &w->owner, st, NULL, &w->err),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "nothing to reset"));
	assert_int_equal(fixture_append(w->s, &w->owner,
					reset_of(&w->owner, reset), NULL,
					&w->err), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "before the shop's clock reset"));
	/* Not dated before the reset, even after an older entry. */
	st = note_at(&w->staff, between);
	assert_int_equal(statement_set_prev(st, old_prev, &w->err), OD_OK);
	assert_int_equal(accept_as(w, &w->staff, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "before the shop's clock reset"));
	/* The shop signs again, the revoke included. */
	st = fixture_stmt(&w->staff, STMT_ORDER_NOTE, "1");
	fixture_add(st, "text", "back");
	assert_int_equal(fixture_append(w->s, &w->staff, st, NULL, &w->err),
			 OD_OK);
	st = fixture_stmt(&w->owner, STMT_USER_REVOKE, NULL);
	fixture_add(st, "user", "mei");
	assert_int_equal(fixture_append(w->s, &w->owner, st, NULL, &w->err),
			 OD_OK);
	/* A second future entry, then a reset dated before the first. */
	assert_int_equal(fixture_append(w->s, &w->staff,
					note_at(&w->staff, ahead), NULL,
					&w->err), OD_OK);
	st = reset_of(&w->owner, ahead);
	assert_int_equal(statement_set_time(st, before, &w->err), OD_OK);
	assert_int_equal(fixture_append(w->s, &w->owner, st, NULL, &w->err),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "before the shop's clock reset"));
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

/* The backend's bound: ahead of its clock, or a reset not dated by it. */
static void test_clock_fresh(void **state)
{
	struct fixture_world *w = *state;
	time_t now = time(NULL);
	struct statement *st = fixture_stmt(&w->staff, STMT_ORDER_NOTE, "1");
	char at[21], mine[21];

	/* Dated exactly now, whatever second the test reaches. */
	clock_format(now, mine);
	assert_int_equal(statement_set_time(st, mine, &w->err), OD_OK);
	assert_int_equal(ledger_check_fresh(st, now, &w->err), OD_OK);
	assert_int_equal(ledger_check_fresh(st, now + 3000LL * 86400,
					    &w->err), OD_OK);
	assert_int_equal(ledger_check_fresh(st, now - 3650LL * 86400,
					    &w->err), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "dated 3650 days ahead of the "
			       "backend's clock; fix the desk's clock"));
	assert_int_equal(ledger_check_fresh(st, now - 200, &w->err), OD_OK);
	assert_int_equal(ledger_check_fresh(st, now - 3 * 3600, &w->err),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "dated 3 hours ahead"));
	statement_free(st);
	clock_format(now + 86400, at);
	st = reset_of(&w->owner, at);
	assert_int_equal(statement_set_time(st, mine, &w->err), OD_OK);
	assert_int_equal(ledger_check_fresh(st, now + 60, &w->err), OD_OK);
	assert_int_equal(ledger_check_fresh(st, now + 3600, &w->err),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "60 minutes behind"));
	statement_free(st);
}

/* A signature that does not match the text is refused as tampering. */
static void test_forged_signature_refused(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM,
					    "1");
	uint8_t sig[SIGKEY_SIG_LEN];
	struct buf text;

	buf_init(&text, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &text, &w->err), OD_OK);
	/* Signed by sam, claims to be mei's. */
	assert_int_equal(sigkey_sign(w->staff.key, text.data, text.len, sig,
				     &w->err), OD_OK);
	assert_int_equal(ledger_accept(w->s, text.data, text.len, sig, NULL,
				       &w->err), OD_E_TAMPERED);
	assert_non_null(strstr(w->err.msg, "does not check"));
	assert_int_equal(status_of(w, "1"), ORDER_NEW);
	statement_free(st);
	buf_free(&text);
}

/* Signs st as p (already chained) and offers it to the ledger. */
static enum od_code accept_signed(struct fixture_world *w,
				  struct fixture_person *p,
				  struct statement *st)
{
	uint8_t sig[SIGKEY_SIG_LEN];
	struct buf text;
	enum od_code rc;

	buf_init(&text, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &text, &w->err), OD_OK);
	assert_int_equal(sigkey_sign(p->key, text.data, text.len, sig,
				     &w->err), OD_OK);
	rc = ledger_accept(w->s, text.data, text.len, sig, NULL, &w->err);
	buf_free(&text);
	statement_free(st);
	return rc;
}

/*
 * ledger_accept_checked skips the signature check only for the key the
 * signer has: a forgery "checked" with any other key, or with none, is
 * still checked and refused; a genuine one checked ahead goes in.
 */
static void test_accept_checked(void **state)
{
	struct fixture_world *w = *state;
	uint8_t sig[SIGKEY_SIG_LEN];
	struct statement *st;
	struct buf text;

	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	chain_to_head(w, st);
	buf_init(&text, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &text, &w->err), OD_OK);
	/* Staff signs a statement in the shopkeeper's name. */
	assert_int_equal(sigkey_sign(w->staff.key, text.data, text.len, sig,
				     &w->err), OD_OK);
	assert_int_equal(ledger_accept_checked(w->s, text.data, text.len, sig,
					       w->staff.pub, NULL, &w->err),
			 OD_E_TAMPERED);
	assert_int_equal(ledger_accept_checked(w->s, text.data, text.len, sig,
					       NULL, NULL, &w->err),
			 OD_E_TAMPERED);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_NEW);
	assert_int_equal(sigkey_sign(w->keeper.key, text.data, text.len, sig,
				     &w->err), OD_OK);
	assert_int_equal(ledger_accept_checked(w->s, text.data, text.len, sig,
					       w->keeper.pub, NULL, &w->err),
			 OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	buf_free(&text);
	statement_free(st);
}

/* A statement must follow history this log has, and not predate it. */
static void test_chain_binding(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st;

	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	/* An id this log has, with the wrong digest: a replaced entry. */
	chain_to_head(w, st);
	st->prev[STMT_PREV_LEN - 1] = st->prev[STMT_PREV_LEN - 1] == '0' ? '1' : '0';
	assert_int_equal(accept_signed(w, &w->keeper, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "does not have"));
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(statement_set_prev(st, "0123456789abcdef0123456789"
					    "abcdef 0123456789abcdef01234567"
					    "89abcdef0123456789abcdef01234567"
					    "89abcdef", &w->err), OD_OK);
	assert_int_equal(accept_signed(w, &w->keeper, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "does not have"));
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	chain_to_head(w, st);
	assert_int_equal(statement_set_time(st, "2001-01-01T00:00:00Z",
					    &w->err), OD_OK);
	assert_int_equal(accept_signed(w, &w->keeper, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "dated before"));
	assert_int_equal(status_of(w, "1"), ORDER_NEW);
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	chain_to_head(w, st);
	assert_int_equal(accept_signed(w, &w->keeper, st), OD_OK);
	assert_int_equal(status_of(w, "1"), ORDER_CONFIRMED);
}

/* Remembers each entry's id and the prev it names, in log order. */
struct chain_walk {
	char id[64][STMT_ID_LEN + 1];
	char prev[64][STMT_PREV_LEN + 1];
	uint8_t digest[64][32];
	size_t n;
};

static enum od_code chain_cb(void *ctx, const struct log_record *r,
			     struct od_err *err)
{
	struct chain_walk *cw = ctx;
	struct statement *st = NULL;
	uint8_t text_digest[32];
	enum od_code rc;

	/* An entry is named by the SHA-256 of its statement alone. */
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, r->statement, r->statement_len,
			     text_digest) != 0 ||
	    memcmp(text_digest, r->digest, 32) != 0)
		return od_err_set(err, OD_E_TAMPERED, "digest of %lld", r->seq);
	if (cw->n >= 64)
		return od_err_set(err, OD_E_INPUT, "too many entries");
	rc = statement_parse(r->statement, r->statement_len, &st, err);
	if (rc != OD_OK)
		return rc;
	snprintf(cw->id[cw->n], sizeof cw->id[0], "%s", st->id);
	snprintf(cw->prev[cw->n], sizeof cw->prev[0], "%s", st->prev);
	memcpy(cw->digest[cw->n], r->digest, 32);
	cw->n++;
	statement_free(st);
	return OD_OK;
}

/*
 * ledger_append_many: a batch signed at once (on several threads) is still
 * a chain, each statement naming the one before it by id and SHA-256 of
 * its text, and replays as honest; one bad statement refuses the batch.
 */
static void test_append_many(void **state)
{
	struct fixture_world *w = *state;
	struct statement *sts[40];
	struct chain_walk *cw = calloc(1, sizeof *cw);
	struct ledger_report rep;
	long long seqs[40], head, head2;
	uint8_t hash[32];
	char number[8], want[STMT_PREV_LEN + 1];
	size_t i;

	assert_non_null(cw);
	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	for (i = 0; i < 40; i++) {
		snprintf(number, sizeof number, "%zu", 100 + i);
		sts[i] = fixture_stmt(&w->keeper, STMT_ORDER_PLACED, number);
		fixture_add(sts[i], "placed", "2026-11-20T09:15:00Z");
		fixture_add(sts[i], "currency", "EUR");
		fixture_add(sts[i], "customer", "Lena");
		fixture_add(sts[i], "ship-name", "Lena");
		fixture_add(sts[i], "ship-line", "Hauptstr. 1");
		fixture_add(sts[i], "ship-city", "Bonn");
		fixture_add(sts[i], "ship-country", "DE");
		fixture_add(sts[i], "item", "A 1 100 Tea");
		fixture_add(sts[i], "total", "100");
	}
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(ledger_append_many(w->s, w->keeper.key, sts, 40, seqs,
					    &w->err), OD_OK);
	assert_int_equal(store_commit(w->s, &w->err), OD_OK);
	for (i = 0; i < 40; i++) {
		assert_int_equal(seqs[i], head + 1 + (long long)i);
		statement_free(sts[i]);
	}
	assert_int_equal(store_log_each_after(w->s, head - 1, chain_cb, cw,
					      &w->err), OD_OK);
	assert_int_equal(cw->n, 41);
	for (i = 1; i < cw->n; i++) {
		snprintf(want, sizeof want, "%s ", cw->id[i - 1]);
		hex_encode(cw->digest[i - 1], 32, want + STMT_ID_LEN + 1);
		assert_string_equal(cw->prev[i], want);
	}
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.orders, 43);

	/* Order 999 does not exist: the whole batch is refused. */
	for (i = 0; i < 20; i++) {
		snprintf(number, sizeof number, "%zu", i == 13 ? 999 : 100 + i);
		sts[i] = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, number);
	}
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_not_equal(ledger_append_many(w->s, w->keeper.key, sts, 20,
						NULL, &w->err), OD_OK);
	store_rollback(w->s);
	for (i = 0; i < 20; i++)
		statement_free(sts[i]);
	assert_int_equal(store_log_head(w->s, &head2, hash, &w->err), OD_OK);
	assert_int_equal(head2, head + 40);
	assert_int_equal(status_of(w, "100"), ORDER_NEW);

	/*
	 * Later entries of a batch are not read back from the log, so the
	 * batch itself keeps what check_chained would ask of them: a
	 * statement dated before the one it follows is refused, as is one
	 * whose id the log already has.
	 */
	for (i = 0; i < 20; i++) {
		snprintf(number, sizeof number, "%zu", 100 + i);
		sts[i] = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, number);
	}
	/* (One dated ahead, not one dated before the tip: ledger_append
	 * refuses that before any batch check, test_clock_behind.) */
	assert_int_equal(statement_set_time(sts[6], "2099-01-01T00:00:00Z",
					    &w->err), OD_OK);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(ledger_append_many(w->s, w->keeper.key, sts, 20,
					    NULL, &w->err), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "dated before"));
	store_rollback(w->s);
	for (i = 0; i < 20; i++)
		statement_free(sts[i]);
	for (i = 0; i < 20; i++) {
		snprintf(number, sizeof number, "%zu", 100 + i);
		sts[i] = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, number);
	}
	memcpy(sts[11]->id, cw->id[5], STMT_ID_LEN);
	assert_int_equal(store_begin(w->s, &w->err), OD_OK);
	assert_int_equal(ledger_append_many(w->s, w->keeper.key, sts, 20,
					    NULL, &w->err), OD_E_EXISTS);
	store_rollback(w->s);
	for (i = 0; i < 20; i++)
		statement_free(sts[i]);
	assert_int_equal(store_log_head(w->s, &head2, hash, &w->err), OD_OK);
	assert_int_equal(head2, head + 40);
	assert_int_equal(status_of(w, "100"), ORDER_NEW);
	free(cw);
}

/* One key, one person: a second name for the same key is refused. */
static void test_key_reuse_refused(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st = fixture_stmt(&w->owner, STMT_USER_ADD, NULL);
	char b64[64];

	b64_encode(w->staff.pub, SIGKEY_PUB_LEN, b64);
	fixture_add(st, "user", "samalias");
	fixture_add(st, "role", "owner");
	fixture_add(st, "pubkey", b64);
	assert_int_equal(append(w, &w->owner, st), OD_E_EXISTS);
	assert_non_null(strstr(w->err.msg, "already belongs to sam"));
}

/* After a revoke the person's statements are refused; the last owner stays. */
static void test_revoke_and_last_owner(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st;

	st = fixture_stmt(&w->owner, STMT_USER_REVOKE, NULL);
	fixture_add(st, "user", "olivia");
	assert_int_equal(append(w, &w->owner, st), OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "only owner"));
	st = fixture_stmt(&w->owner, STMT_USER_ROLE, NULL);
	fixture_add(st, "user", "olivia");
	fixture_add(st, "role", "staff");
	assert_int_equal(append(w, &w->owner, st), OD_E_STATE);
	st = fixture_stmt(&w->owner, STMT_USER_REVOKE, NULL);
	fixture_add(st, "user", "sam");
	assert_int_equal(append(w, &w->owner, st), OD_OK);
	st = fixture_stmt(&w->staff, STMT_ORDER_NOTE, "1");
	fixture_add(st, "text", "still here?");
	assert_int_equal(append(w, &w->staff, st), OD_E_AUTH);
	assert_non_null(strstr(w->err.msg, "revoked"));
	st = fixture_stmt(&w->owner, STMT_USER_ADD, NULL);
	fixture_add(st, "user", "sam");
	fixture_add(st, "role", "staff");
	{
		char b64[64];

		b64_encode(w->staff.pub, SIGKEY_PUB_LEN, b64);
		fixture_add(st, "pubkey", b64);
	}
	assert_int_equal(append(w, &w->owner, st), OD_E_EXISTS);
}

/* A user.rekey by p introducing new's key (new->name must be p's). */
static enum od_code rekey(struct fixture_world *w, struct fixture_person *p,
			  const uint8_t pub[SIGKEY_PUB_LEN])
{
	struct statement *st = fixture_stmt(p, STMT_USER_REKEY, NULL);
	char b64[64];

	b64_encode(pub, SIGKEY_PUB_LEN, b64);
	fixture_add(st, "pubkey", b64);
	return append(w, p, st);
}

/*
 * Appends st signed by p straight to the log, past the fold: what a
 * doctored store or a lying backend would hold.
 */
static void forge_append(struct fixture_world *w, struct fixture_person *p,
			 struct statement *st)
{
	uint8_t head_hash[32];
	struct log_record r;
	struct log_index ix;
	struct buf text;
	long long head;

	chain_to_head(w, st);
	buf_init(&text, STMT_MAX_BYTES);
	assert_int_equal(statement_build(st, &text, &w->err), OD_OK);
	assert_int_equal(store_log_head(w->s, &head, head_hash, &w->err),
			 OD_OK);
	memset(&r, 0, sizeof r);
	r.seq = head + 1;
	r.statement = text.data;
	r.statement_len = text.len;
	assert_int_equal(sigkey_sign(p->key, text.data, text.len, r.signature,
				     &w->err), OD_OK);
	assert_int_equal(ledger_hash(head_hash, r.seq, text.data, text.len,
				     r.signature, r.hash, &w->err), OD_OK);
	assert_int_equal(gnutls_hash_fast(GNUTLS_DIG_SHA256, text.data,
					  text.len, r.digest), 0);
	ix.id = st->id;
	ix.kind = statement_kind_name(st->kind);
	ix.order = st->order;
	ix.actor = st->actor;
	ix.time = st->time;
	assert_int_equal(store_log_append(w->s, &r, &ix, &w->err), OD_OK);
	buf_free(&text);
	statement_free(st);
}

/*
 * user.rekey: mei's key becomes a new one, signed by the old; from then on
 * the old key signs nothing (at signing, on a backend's accept, in a
 * replay), the new one signs, and a retired key is nobody's again.
 */
static void test_rekey_retires_old_key(void **state)
{
	struct fixture_world *w = *state;
	struct fixture_person fresh;
	struct ledger_report rep;
	struct statement *st;
	struct user_record u;

	fixture_person_make(&fresh, "mei");
	/* Themselves only: the new key must not be anyone's. */
	assert_int_equal(rekey(w, &w->keeper, w->staff.pub), OD_E_EXISTS);
	assert_non_null(strstr(w->err.msg, "already belongs to sam"));
	assert_int_equal(role_allows(ROLE_STOREFRONT, STMT_USER_REKEY), 0);
	assert_int_equal(rekey(w, &w->keeper, fresh.pub), OD_OK);
	assert_int_equal(store_user_get(w->s, "mei", &u, &w->err), OD_OK);
	assert_string_equal(u.fingerprint, fresh.fp);
	assert_string_equal(u.role, "shopkeeper");

	/* The old key: refused as retired, by the fold and by accept. */
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(append(w, &w->keeper, st), OD_E_AUTH);
	assert_non_null(strstr(w->err.msg, "signed with mei's retired key"));
	st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM, "1");
	chain_to_head(w, st);
	assert_int_equal(accept_signed(w, &w->keeper, st), OD_E_AUTH);
	assert_non_null(strstr(w->err.msg, "mei's retired key"));
	assert_int_equal(rekey(w, &w->keeper, w->keeper.pub), OD_E_AUTH);
	assert_int_equal(status_of(w, "1"), ORDER_NEW);

	/* The new key signs; it cannot go back to the retired one. */
	st = fixture_stmt(&fresh, STMT_ORDER_CONFIRM, "1");
	assert_int_equal(append(w, &fresh, st), OD_OK);
	assert_int_equal(status_of(w, "1"), ORDER_CONFIRMED);
	assert_int_equal(rekey(w, &fresh, w->keeper.pub), OD_E_EXISTS);
	assert_non_null(strstr(w->err.msg, "retired key"));
	st = fixture_stmt(&w->owner, STMT_USER_ADD, NULL);
	{
		char b64[64];

		b64_encode(w->keeper.pub, SIGKEY_PUB_LEN, b64);
		fixture_add(st, "user", "mei2");
		fixture_add(st, "role", "staff");
		fixture_add(st, "pubkey", b64);
	}
	assert_int_equal(append(w, &w->owner, st), OD_E_EXISTS);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.entries, 8);

	/* A log that holds an old-key statement after the rekey fails. */
	st = fixture_stmt(&w->keeper, STMT_ORDER_NOTE, "2");
	fixture_add(st, "text", "signed with an old backup");
	forge_append(w, &w->keeper, st);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_E_TAMPERED);
	assert_non_null(strstr(w->err.msg, "log entry 9"));
	assert_non_null(strstr(w->err.msg, "mei's retired key"));
	fixture_person_free(&fresh);
}

/* The replay of an honest log verifies and counts everything. */
static void test_verify_honest(void **state)
{
	struct fixture_world *w = *state;
	struct ledger_report rep;
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM,
					    "1");

	assert_int_equal(append(w, &w->keeper, st), OD_OK);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	assert_int_equal(rep.entries, 7);
	assert_int_equal(rep.users, 3);
	assert_int_equal(rep.orders, 3);
}

/* The chain hash covers each part: change any and it changes. */
static void test_hash_covers_everything(void **state)
{
	uint8_t prev[32] = { 0 }, sig[64] = { 0 }, a[32], b[32];
	struct od_err err;

	(void)state;
	assert_int_equal(ledger_hash(prev, 1, "x", 1, sig, a, &err), OD_OK);
	assert_int_equal(ledger_hash(prev, 2, "x", 1, sig, b, &err), OD_OK);
	assert_memory_not_equal(a, b, 32);
	assert_int_equal(ledger_hash(prev, 1, "y", 1, sig, b, &err), OD_OK);
	assert_memory_not_equal(a, b, 32);
	sig[63] = 1;
	assert_int_equal(ledger_hash(prev, 1, "x", 1, sig, b, &err), OD_OK);
	assert_memory_not_equal(a, b, 32);
	sig[63] = 0;
	prev[0] = 1;
	assert_int_equal(ledger_hash(prev, 1, "x", 1, sig, b, &err), OD_OK);
	assert_memory_not_equal(a, b, 32);
	prev[0] = 0;
	assert_int_equal(ledger_hash(prev, 1, "x", 1, sig, b, &err), OD_OK);
	assert_memory_equal(a, b, 32);
}

/* Copies the statement of the one entry store_log_at reads. */
static enum od_code entry_text(void *ctx, const struct log_record *r,
			       struct od_err *err)
{
	struct buf *b = ctx;

	(void)err;
	buf_reset(b);
	return buf_add(b, r->statement, r->statement_len, err);
}

/* A then-hook that refuses, as a key slot that cannot be saved would. */
static enum od_code then_refuses(void *ctx, long long seq,
				 struct od_err *err)
{
	*(long long *)ctx = seq;
	return od_err_set(err, OD_E_IO, "the key slot could not be saved");
}

/* A note about order 1 prepared by the ledger's rule, and its text. */
static struct statement *shown_note(struct fixture_world *w, struct buf *text)
{
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_NOTE, "1");

	fixture_add(st, "text", "call before delivery");
	assert_int_equal(ledger_prepare(w->s, st, &w->err), OD_OK);
	buf_reset(text);
	assert_int_equal(statement_build(st, text, &w->err), OD_OK);
	return st;
}

/*
 * ledger_append_shown signs exactly the bytes shown, and refuses them,
 * changing nothing, once the log's tip has moved on or its hook fails.
 */
static void test_append_shown(void **state)
{
	struct fixture_world *w = *state;
	struct ledger_then then = { then_refuses, NULL };
	struct buf text, stored;
	struct statement *st;
	uint8_t hash[LEDGER_HASH_LEN];
	long long head, head2, seq = -1, hooked = 0, dup;

	buf_init(&text, STMT_MAX_BYTES);
	buf_init(&stored, STMT_MAX_BYTES);
	st = shown_note(w, &text);
	/* Another entry lands while the statement is shown. */
	assert_int_equal(append(w, &w->keeper,
				fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM,
					     "2")), OD_OK);
	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	assert_int_equal(ledger_append_shown(w->s, w->keeper.key, text.data,
					     text.len, NULL, &seq, &w->err),
			 OD_E_STATE);
	assert_non_null(strstr(w->err.msg, "moved on"));
	assert_int_equal(seq, 0);
	assert_int_equal(store_log_head(w->s, &head2, hash, &w->err), OD_OK);
	assert_int_equal(head2, head);
	statement_free(st);

	/* Prepared again: a hook that fails takes the entry back too. */
	st = shown_note(w, &text);
	then.ctx = &hooked;
	assert_int_equal(ledger_append_shown(w->s, w->keeper.key, text.data,
					     text.len, &then, &seq, &w->err),
			 OD_E_IO);
	assert_int_equal(hooked, head + 1);
	assert_int_equal(store_log_find_id(w->s, st->id, &dup, &w->err),
			 OD_E_NOTFOUND);

	/* Then it is signed, and the entry holds the very bytes shown. */
	assert_int_equal(ledger_append_shown(w->s, w->keeper.key, text.data,
					     text.len, NULL, &seq, &w->err),
			 OD_OK);
	assert_int_equal(seq, head + 1);
	assert_int_equal(store_log_at(w->s, seq, entry_text, &stored,
				      &w->err), OD_OK);
	assert_int_equal(stored.len, text.len);
	assert_memory_equal(stored.data, text.data, text.len);
	/* The same bytes again are a replay. */
	assert_int_equal(ledger_append_shown(w->s, w->keeper.key, text.data,
					     text.len, NULL, &seq, &w->err),
			 OD_E_STATE);
	statement_free(st);
	buf_free(&text);
	buf_free(&stored);
}

/* ledger_try gives the fold's answer and keeps nothing. */
static void test_try(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM,
					    "1");
	uint8_t hash[LEDGER_HASH_LEN];
	long long head, head2;

	assert_int_equal(store_log_head(w->s, &head, hash, &w->err), OD_OK);
	assert_int_equal(ledger_try(w->s, st, &w->err), OD_OK);
	assert_int_equal(status_of(w, "1"), ORDER_NEW);
	statement_free(st);
	st = fixture_stmt(&w->staff, STMT_USER_REVOKE, NULL);
	fixture_add(st, "user", "olivia");
	assert_int_equal(ledger_try(w->s, st, &w->err), OD_E_DENIED);
	assert_int_equal(store_log_head(w->s, &head2, hash, &w->err), OD_OK);
	assert_int_equal(head2, head);
	statement_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_WORLD_TEST(test_second_genesis_refused),
		FIXTURE_WORLD_TEST(test_roles),
		FIXTURE_WORLD_TEST(test_storefront_role),
		FIXTURE_WORLD_TEST(test_log_each_after),
		FIXTURE_WORLD_TEST(test_log_at),
		FIXTURE_WORLD_TEST(test_accept_checked),
		FIXTURE_WORLD_TEST(test_append_many),
		FIXTURE_WORLD_TEST(test_wrong_key_refused),
		FIXTURE_WORLD_TEST(test_transitions),
		FIXTURE_WORLD_TEST(test_partial_shipment),
		FIXTURE_WORLD_TEST(test_replay_refused),
		FIXTURE_WORLD_TEST(test_forged_signature_refused),
		FIXTURE_WORLD_TEST(test_chain_binding),
		FIXTURE_WORLD_TEST(test_key_reuse_refused),
		FIXTURE_WORLD_TEST(test_revoke_and_last_owner),
		FIXTURE_WORLD_TEST(test_rekey_retires_old_key),
		FIXTURE_WORLD_TEST(test_verify_honest),
		FIXTURE_WORLD_TEST(test_clock_behind),
		FIXTURE_WORLD_TEST(test_clock_reset),
		FIXTURE_WORLD_TEST(test_clock_fresh),
		cmocka_unit_test(test_hash_covers_everything),
		FIXTURE_WORLD_TEST(test_append_shown),
		FIXTURE_WORLD_TEST(test_try),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
