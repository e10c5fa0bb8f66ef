/*
 * test-sync-rebase.c - the rebase of a desk's outbox (app/sync/sync-rebase.c)
 * and the storage it stands on (storage/store-sync.c), without a network:
 * a "backend" and a "desk" are two in-memory stores that share a history
 * (genesis, three people, orders 1 to 3).  Each test signs statements on
 * the desk (its outbox) and on the backend (the news), stages the news in
 * the desk's staging table as a pull would, and rebases.  A rekey of the
 * desk's that lost to the backend's is noted (app/shop/people-race.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/crypto.h>
#include <sqlite3.h>

#include "app/log/ledger.h"
#include "app/log/order.h"
#include "app/shop/people-race.h"
#include "lib/encode.h"
#include "app/sync/sync-rebase.h"
#include "storage/store-internal.h"
#include "storage/store-sync.h"
#include "tests/unit/fixture-shop.h"

struct world {
	struct store *back, *desk;
	struct fixture_person owner, keeper, staff, lee;
	long long seen;            /* the desk's synced head */
	uint8_t seen_hash[32];
	struct od_err err;
};

/* Signs and appends st as p to s; *id (if given) gets its id. */
static void append(struct store *s, struct fixture_person *p,
		   struct statement *st, char id[STMT_ID_LEN + 1])
{
	struct od_err err;

	assert_int_equal(fixture_append(s, p, st, id, &err), OD_OK);
}

/* Order statements, each signed and appended to s. */
static void confirm(struct store *s, struct fixture_person *p,
		    const char *order,
		    char id[STMT_ID_LEN + 1])
{
	append(s, p, fixture_stmt(p, STMT_ORDER_CONFIRM, order), id);
}

static void cancel(struct store *s, struct fixture_person *p, const char *order,
		   char id[STMT_ID_LEN + 1])
{
	struct statement *st = fixture_stmt(p, STMT_ORDER_CANCEL, order);

	fixture_add(st, "reason", "the customer called");
	append(s, p, st, id);
}

static void note(struct store *s, struct fixture_person *p, const char *order,
		 const char *text, char id[STMT_ID_LEN + 1])
{
	struct statement *st = fixture_stmt(p, STMT_ORDER_NOTE, order);

	fixture_add(st, "text", text);
	append(s, p, st, id);
}

/* Copies the entries of from after after_seq onto to, checked as new. */
struct copy { struct store *to; };

static enum od_code copy_cb(void *ctx, const struct log_record *r,
			    struct od_err *err)
{
	struct copy *c = ctx;

	return ledger_accept(c->to, r->statement, r->statement_len,
			     r->signature, NULL, err);
}

static void copy_log(struct store *from, struct store *to, long long after)
{
	struct copy c = { to };
	struct od_err err;

	assert_int_equal(store_begin(to, &err), OD_OK);
	assert_int_equal(store_log_each_after(from, after, copy_cb, &c, &err),
			 OD_OK);
	assert_int_equal(store_commit(to, &err), OD_OK);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	assert_int_equal(store_open_memory(&w->back, &w->err), OD_OK);
	assert_int_equal(store_open_memory(&w->desk, &w->err), OD_OK);
	fixture_person_make(&w->owner, "olivia");
	fixture_person_make(&w->keeper, "mei");
	fixture_person_make(&w->staff, "sam");
	fixture_person_make(&w->lee, "lee");
	fixture_shop_found(w->back, &w->owner, &w->keeper, &w->staff);
	copy_log(w->back, w->desk, 0);
	assert_int_equal(store_log_head(w->desk, &w->seen, w->seen_hash,
					&w->err), OD_OK);
	assert_int_equal(w->seen, 6);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	store_close(w->back);
	store_close(w->desk);
	fixture_person_free(&w->owner);
	fixture_person_free(&w->keeper);
	fixture_person_free(&w->staff);
	fixture_person_free(&w->lee);
	free(w);
	return 0;
}

/* Stages the backend's entries after the desk's synced head, as a pull. */
struct stage { struct store *desk; int corrupt_at; int how; };

static enum od_code stage_cb(void *ctx, const struct log_record *r,
			     struct od_err *err)
{
	struct stage *sg = ctx;
	struct log_record copy = *r;

	if (r->seq == sg->corrupt_at && sg->how == 0)
		copy.hash[7] ^= 0x10;
	if (r->seq == sg->corrupt_at && sg->how == 1)
		copy.signature[3] ^= 0x01;
	return store_incoming_add(sg->desk, &copy, err);
}

static void stage_bad(struct world *w, long long corrupt_at, int how)
{
	struct stage sg = { w->desk, (int)corrupt_at, how };

	assert_int_equal(store_begin(w->desk, &w->err), OD_OK);
	assert_int_equal(store_sync_tables(w->desk, &w->err), OD_OK);
	assert_int_equal(store_incoming_clear(w->desk, &w->err), OD_OK);
	assert_int_equal(store_log_each_after(w->back, w->seen, stage_cb, &sg,
					      &w->err), OD_OK);
	assert_int_equal(store_commit(w->desk, &w->err), OD_OK);
}

static void stage(struct world *w)
{
	stage_bad(w, -1, 0);
}

/* Rebases the desk onto the backend's head. */
static enum od_code rebase(struct world *w, const struct sync_refusal *ref,
			   size_t nref, struct sync_rebase_out *out)
{
	struct sync_rebase_in in;

	memset(&in, 0, sizeof in);
	in.seen = w->seen;
	memcpy(in.seen_hash, w->seen_hash, 32);
	assert_int_equal(store_log_head(w->back, &in.target, in.target_hash,
					&w->err), OD_OK);
	in.refused = ref;
	in.nrefused = nref;
	in.staged = 1;
	return sync_rebase(w->desk, &in, out, &w->err);
}

/* The ids of the log entries after after_seq, in order. */
struct ids { char id[16][STMT_ID_LEN + 1]; size_t n; };

static enum od_code ids_cb(void *ctx, const struct log_record *r,
			   struct od_err *err)
{
	struct ids *v = ctx;
	struct statement *st = NULL;

	assert_int_equal(statement_parse(r->statement, r->statement_len, &st,
					 err), OD_OK);
	assert_true(v->n < 16);
	memcpy(v->id[v->n++], st->id, STMT_ID_LEN + 1);
	statement_free(st);
	return OD_OK;
}

static void ids_after(struct store *s, long long after, struct ids *v)
{
	struct od_err err;

	memset(v, 0, sizeof *v);
	assert_int_equal(store_log_each_after(s, after, ids_cb, v, &err),
			 OD_OK);
}

/* The conflicts, oldest first. */
struct conflicts {
	size_t n;
	char id[8][STMT_ID_LEN + 1];
	char source[8][16];
	char reason[8][OD_ERR_MSG_MAX];
	char truth[8][OD_ERR_MSG_MAX];
};

static enum od_code conflict_cb(void *ctx, const struct conflict_record *c,
				struct od_err *err)
{
	struct conflicts *v = ctx;

	(void)err;
	assert_true(v->n < 8);
	snprintf(v->id[v->n], sizeof v->id[0], "%s", c->stmt_id);
	snprintf(v->source[v->n], sizeof v->source[0], "%s", c->source);
	snprintf(v->reason[v->n], sizeof v->reason[0], "%s", c->reason);
	snprintf(v->truth[v->n], sizeof v->truth[0], "%s", c->truth);
	v->n++;
	return OD_OK;
}

static void conflicts_of(struct store *s, struct conflicts *v)
{
	struct od_err err;

	memset(v, 0, sizeof *v);
	assert_int_equal(store_conflict_each(s, 1, conflict_cb, v, &err),
			 OD_OK);
}

/*
 * SHA-256 over everything a rebase may touch: the folded state, every log
 * entry, the conflicts, the staging table and the synced head.
 */
static enum od_code hash_log_cb(void *ctx, const struct log_record *r,
				struct od_err *err)
{
	(void)err;
	gnutls_hash(ctx, &r->seq, sizeof r->seq);
	gnutls_hash(ctx, r->statement, r->statement_len);
	gnutls_hash(ctx, r->signature, sizeof r->signature);
	gnutls_hash(ctx, r->hash, sizeof r->hash);
	return OD_OK;
}

static enum od_code hash_conflict_cb(void *ctx,
				     const struct conflict_record *c,
				     struct od_err *err)
{
	(void)err;
	gnutls_hash(ctx, &c->n, sizeof c->n);
	gnutls_hash(ctx, c->statement, c->statement_len);
	gnutls_hash(ctx, c->reason, strlen(c->reason) + 1);
	return OD_OK;
}

static void store_print(struct store *s, uint8_t out[32])
{
	static const char *const keys[] = { SYNC_META_SEEN_SEQ,
					    SYNC_META_SEEN };
	uint8_t state[32];
	gnutls_hash_hd_t h;
	struct od_err err;
	char *v = NULL;
	size_t i;

	assert_int_equal(gnutls_hash_init(&h, GNUTLS_DIG_SHA256), 0);
	assert_int_equal(store_state_digest(s, state, &err), OD_OK);
	gnutls_hash(h, state, sizeof state);
	assert_int_equal(store_log_each_after(s, 0, hash_log_cb, h, &err),
			 OD_OK);
	assert_int_equal(store_conflict_each(s, 1, hash_conflict_cb, h, &err),
			 OD_OK);
	assert_int_equal(store_incoming_each(s, hash_log_cb, h, &err), OD_OK);
	for (i = 0; i < 2; i++) {
		if (store_meta_get(s, keys[i], &v, &err) == OD_OK)
			gnutls_hash(h, v, strlen(v) + 1);
		free(v);
		v = NULL;
	}
	gnutls_hash_deinit(h, out);
}

/*
 * The desk's orders are what a fresh replay of its log makes: ledger_verify
 * says so, and a store built by accepting the log entry by entry has the
 * same state digest.
 */
static void expect_replay_equal(struct store *s)
{
	uint8_t want[32], got[32];
	struct ledger_report rep;
	struct store *fresh = NULL;
	struct od_err err;

	assert_int_equal(ledger_verify(s, &rep, &err), OD_OK);
	assert_int_equal(store_open_memory(&fresh, &err), OD_OK);
	copy_log(s, fresh, 0);
	assert_int_equal(store_state_digest(s, got, &err), OD_OK);
	assert_int_equal(store_state_digest(fresh, want, &err), OD_OK);
	assert_memory_equal(got, want, 32);
	store_close(fresh);
}

/* The backend's history, entry for entry, is the desk's up to its head. */
static void expect_history_of_backend(struct world *w, long long target)
{
	struct ids b, d;

	ids_after(w->back, 0, &b);
	ids_after(w->desk, 0, &d);
	assert_int_equal(b.n, (size_t)target);
	assert_true(d.n >= b.n);
	assert_memory_equal(b.id, d.id, sizeof b.id[0] * b.n);
}

/* Statements still legal after the news stay waiting, in their order. */
static void test_legal_stay_pending_in_order(void **state)
{
	struct world *w = *state;
	char a[STMT_ID_LEN + 1], b[STMT_ID_LEN + 1], c[STMT_ID_LEN + 1];
	struct sync_rebase_out out;
	struct conflicts cf;
	struct ids after;

	confirm(w->desk, &w->keeper, "2", a);
	note(w->desk, &w->staff, "3", "gift wrap", b);
	confirm(w->desk, &w->keeper, "3", c);
	cancel(w->back, &w->owner, "1", NULL);
	note(w->back, &w->keeper, "2", "call first", NULL);
	stage(w);
	assert_int_equal(rebase(w, NULL, 0, &out), OD_OK);
	assert_int_equal(out.pulled, 2);
	assert_int_equal(out.waiting, 3);
	assert_int_equal(out.conflicts, 0);
	assert_int_equal(out.landed, 0);
	expect_history_of_backend(w, 8);
	ids_after(w->desk, 8, &after);
	assert_int_equal(after.n, 3);
	assert_string_equal(after.id[0], a);
	assert_string_equal(after.id[1], b);
	assert_string_equal(after.id[2], c);
	conflicts_of(w->desk, &cf);
	assert_int_equal(cf.n, 0);
	assert_int_equal(fixture_status(w->desk, "1"), ORDER_CANCELLED);
	assert_int_equal(fixture_status(w->desk, "2"), ORDER_CONFIRMED);
	assert_int_equal(fixture_status(w->desk, "3"), ORDER_CONFIRMED);
	expect_replay_equal(w->desk);
	/* The waiting ones are what the backend will take next. */
	copy_log(w->desk, w->back, 8);
	expect_replay_equal(w->back);
}

/* One no longer legal becomes a conflict, with the fold's reason. */
static void test_illegal_becomes_conflict(void **state)
{
	struct world *w = *state;
	char x[STMT_ID_LEN + 1], a[STMT_ID_LEN + 1];
	struct sync_rebase_out out;
	struct conflicts cf;
	struct ids after;

	note(w->desk, &w->staff, "2", "fragile", x);
	confirm(w->desk, &w->keeper, "1", a);
	cancel(w->back, &w->owner, "1", NULL);
	stage(w);
	assert_int_equal(rebase(w, NULL, 0, &out), OD_OK);
	assert_int_equal(out.waiting, 1);
	assert_int_equal(out.conflicts, 1);
	ids_after(w->desk, 7, &after);
	assert_int_equal(after.n, 1);
	assert_string_equal(after.id[0], x);
	conflicts_of(w->desk, &cf);
	assert_int_equal(cf.n, 1);
	assert_string_equal(cf.id[0], a);
	assert_string_equal(cf.source[0], "desk");
	assert_non_null(strstr(cf.reason[0], "order 1 is cancelled"));
	assert_non_null(strstr(cf.truth[0], "order 1 is cancelled; last: "
				"order.cancel by olivia"));
	assert_int_equal(fixture_status(w->desk, "1"), ORDER_CANCELLED);
	expect_replay_equal(w->desk);
}

/*
 * A waiting statement whose signed prev names one set aside cannot follow
 * anything else: it becomes a conflict too, saying why, though it would be
 * legal on its own.  One the backend refused is a conflict with the
 * backend's reason.
 */
static void test_follows_conflict(void **state)
{
	struct world *w = *state;
	char a[STMT_ID_LEN + 1], b[STMT_ID_LEN + 1], c[STMT_ID_LEN + 1];
	struct sync_refusal ref;
	struct sync_rebase_out out;
	struct conflicts cf;
	struct ids after;

	note(w->desk, &w->staff, "3", "left at the door", c);
	confirm(w->desk, &w->keeper, "1", a);
	note(w->desk, &w->staff, "2", "fragile", b);
	cancel(w->back, &w->owner, "1", NULL);
	stage(w);
	memset(&ref, 0, sizeof ref);
	memcpy(ref.id, c, sizeof ref.id);
	snprintf(ref.reason, sizeof ref.reason, "sam may not note order 3");
	assert_int_equal(rebase(w, &ref, 1, &out), OD_OK);
	assert_int_equal(out.waiting, 0);
	assert_int_equal(out.conflicts, 3);
	ids_after(w->desk, 7, &after);
	assert_int_equal(after.n, 0);
	conflicts_of(w->desk, &cf);
	assert_int_equal(cf.n, 3);
	assert_string_equal(cf.id[0], c);
	assert_string_equal(cf.source[0], "backend");
	assert_string_equal(cf.reason[0], "sam may not note order 3");
	assert_string_equal(cf.id[1], a);
	assert_string_equal(cf.id[2], b);
	assert_string_equal(cf.source[2], "desk");
	assert_non_null(strstr(cf.reason[2], "signed right after "
			       "order.confirm of order 1, which was refused"));
	expect_replay_equal(w->desk);
}

/* One the backend already holds is not appended twice. */
static void test_landed_not_twice(void **state)
{
	struct world *w = *state;
	char x[STMT_ID_LEN + 1], y[STMT_ID_LEN + 1];
	struct sync_rebase_out out;
	struct ids all;
	size_t i, seen_x = 0;

	note(w->desk, &w->staff, "2", "fragile", x);
	copy_log(w->desk, w->back, 6);      /* pushed, answer lost */
	note(w->back, &w->keeper, "3", "call first", NULL);
	note(w->desk, &w->staff, "1", "blue box", y);
	stage(w);
	assert_int_equal(rebase(w, NULL, 0, &out), OD_OK);
	assert_int_equal(out.pulled, 2);
	assert_int_equal(out.landed, 1);
	assert_int_equal(out.waiting, 1);
	ids_after(w->desk, 0, &all);
	for (i = 0; i < all.n; i++)
		seen_x += strcmp(all.id[i], x) == 0;
	assert_int_equal(seen_x, 1);
	assert_string_equal(all.id[all.n - 1], y);
	expect_history_of_backend(w, 8);
	expect_replay_equal(w->desk);
}

/* An outbox touching people folds everything again: still the replay. */
static void test_people_in_outbox(void **state)
{
	struct world *w = *state;
	struct sync_rebase_out out;
	struct conflicts cf;

	fixture_user_add(w->desk, &w->owner, &w->lee, "staff");
	note(w->desk, &w->lee, "2", "lee was here", NULL);
	confirm(w->desk, &w->keeper, "1", NULL);
	cancel(w->back, &w->owner, "1", NULL);
	confirm(w->back, &w->keeper, "3", NULL);
	stage(w);
	assert_int_equal(rebase(w, NULL, 0, &out), OD_OK);
	assert_int_equal(out.waiting, 2);
	assert_int_equal(out.conflicts, 1);
	conflicts_of(w->desk, &cf);
	assert_int_equal(cf.n, 1);
	assert_non_null(strstr(cf.reason[0], "cancelled"));
	assert_int_equal(fixture_status(w->desk, "3"), ORDER_CONFIRMED);
	expect_replay_equal(w->desk);
}

/*
 * Makes an outbox of three (a note, a confirm that the news makes illegal,
 * a note signed after it: two conflicts to come) and news on the backend.
 */
static void diverge(struct world *w)
{
	note(w->desk, &w->staff, "2", "fragile", NULL);
	confirm(w->desk, &w->keeper, "1", NULL);
	note(w->desk, &w->staff, "3", "blue box", NULL);
	cancel(w->back, &w->owner, "1", NULL);
	note(w->back, &w->keeper, "2", "call first", NULL);
	confirm(w->back, &w->keeper, "3", NULL);
}

/* Expects rc from a rebase and the store exactly as before it. */
static void expect_failed_unchanged(struct world *w,
				    const struct sync_rebase_in *in,
				    enum od_code want)
{
	uint8_t before[32], after[32];
	struct sync_rebase_out out;

	store_print(w->desk, before);
	out.pulled = 99;
	assert_int_equal(sync_rebase(w->desk, in, &out, &w->err), want);
	assert_int_equal(out.pulled, 0);
	assert_int_equal(out.conflicts, 0);
	store_print(w->desk, after);
	assert_memory_equal(before, after, 32);
}

/* The in for a rebase onto the backend's head. */
static void rebase_in(struct world *w, struct sync_rebase_in *in)
{
	memset(in, 0, sizeof *in);
	in->seen = w->seen;
	memcpy(in->seen_hash, w->seen_hash, 32);
	assert_int_equal(store_log_head(w->back, &in->target, in->target_hash,
					&w->err), OD_OK);
	in->staged = 1;
}

/*
 * A pulled entry that does not chain as the backend says, or does not
 * verify, fails the rebase after the outbox was cut, the orders folded
 * again and earlier entries appended: nothing of it stays.
 */
static void test_bad_pulled_entry_changes_nothing(void **state)
{
	struct world *w = *state;
	struct sync_rebase_in in;

	diverge(w);
	rebase_in(w, &in);
	stage_bad(w, 8, 0);
	expect_failed_unchanged(w, &in, OD_E_TAMPERED);
	assert_non_null(strstr(w->err.msg, "DIVERGED"));
	stage_bad(w, 9, 1);
	expect_failed_unchanged(w, &in, OD_E_TAMPERED);
	assert_non_null(strstr(w->err.msg, "does not verify here"));
	/* Entries that stop short of the head the backend signed. */
	stage(w);
	in.target++;
	expect_failed_unchanged(w, &in, OD_E_BUSY);
	in.target--;
	in.target_hash[0] ^= 1;
	expect_failed_unchanged(w, &in, OD_E_TAMPERED);
	/* The same rebase, whole, does change the store. */
	in.target_hash[0] ^= 1;
	{
		uint8_t before[32], after[32];
		struct sync_rebase_out out;

		store_print(w->desk, before);
		assert_int_equal(sync_rebase(w->desk, &in, &out, &w->err),
				 OD_OK);
		assert_int_equal(out.waiting, 1);
		assert_int_equal(out.conflicts, 2);
		store_print(w->desk, after);
		assert_memory_not_equal(before, after, 32);
	}
	expect_replay_equal(w->desk);
}

/*
 * A failure at the very last step (recording the synced head), after the
 * outbox went back in and a conflict was recorded, leaves the store as it
 * was: a trigger makes that write fail.
 */
static void test_failure_at_the_end_changes_nothing(void **state)
{
	struct world *w = *state;
	struct sync_rebase_in in;
	struct sync_rebase_out out;
	char *msg = NULL;

	diverge(w);
	stage(w);
	rebase_in(w, &in);
	assert_int_equal(sqlite3_exec(w->desk->db,
		"CREATE TEMP TRIGGER fail_seen BEFORE INSERT ON main.meta "
		"WHEN NEW.key = '" SYNC_META_SEEN "' BEGIN "
		"SELECT RAISE(ABORT, 'injected failure'); END;"
		"CREATE TEMP TRIGGER fail_seen2 BEFORE UPDATE ON main.meta "
		"WHEN NEW.key = '" SYNC_META_SEEN "' BEGIN "
		"SELECT RAISE(ABORT, 'injected failure'); END;",
		NULL, NULL, &msg), SQLITE_OK);
	sqlite3_free(msg);
	/* SQLite's constraint error, as the store reports it. */
	expect_failed_unchanged(w, &in, OD_E_EXISTS);
	assert_int_equal(sqlite3_exec(w->desk->db,
		"DROP TRIGGER temp.fail_seen; DROP TRIGGER temp.fail_seen2;",
		NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sync_rebase(w->desk, &in, &out, &w->err), OD_OK);
	assert_int_equal(out.waiting, 1);
	assert_int_equal(out.conflicts, 2);
	expect_replay_equal(w->desk);
}

/* p signs a user.rekey to next's key on s; *id (if given) gets its id. */
static void rekey(struct store *s, struct fixture_person *p,
		  const struct fixture_person *next, char id[STMT_ID_LEN + 1])
{
	struct statement *st = fixture_stmt(p, STMT_USER_REKEY, NULL);
	char b64[64];

	b64_encode(next->pub, SIGKEY_PUB_LEN, b64);
	fixture_add(st, "pubkey", b64);
	append(s, p, st, id);
}

/*
 * mei's rekey on the desk loses to one the backend took first: it is set
 * aside, the race is noted for mei alone, with the winner's entry and key
 * in the conflict, and the pulled rekey is reported.
 */
static void test_rekey_race(void **state)
{
	struct world *w = *state;
	struct fixture_person here, there;
	struct sync_rebase_out out;
	struct conflicts cf;
	char msg[PEOPLE_RACE_MSG_MAX], want[160];

	fixture_person_make(&here, "mei");
	fixture_person_make(&there, "mei");
	rekey(w->desk, &w->keeper, &here, NULL);
	rekey(w->back, &w->keeper, &there, NULL);
	stage(w);
	assert_int_equal(rebase(w, NULL, 0, &out), OD_OK);
	assert_int_equal(out.conflicts, 1);
	assert_int_equal(out.rekeys.n, 1);
	assert_string_equal(out.rekeys.v[0].user, "mei");
	assert_int_equal(out.rekeys.v[0].seq, 7);
	snprintf(want, sizeof want, "mei's key was changed at entry 7 by "
		 "another desk (key %.23s...); if that was not mei, the owner "
		 "must `orderdesk user revoke mei`", there.fp);
	conflicts_of(w->desk, &cf);
	assert_int_equal(cf.n, 1);
	assert_ptr_equal(strstr(cf.truth[0], want), cf.truth[0]);
	assert_int_equal(people_race_get(w->desk, "mei", msg, sizeof msg,
					 &w->err), OD_OK);
	assert_string_equal(msg, cf.truth[0]);
	assert_int_equal(people_race_get(w->desk, "sam", msg, sizeof msg,
					 &w->err), OD_E_NOTFOUND);
	expect_replay_equal(w->desk);
	fixture_person_free(&here);
	fixture_person_free(&there);
}

/*
 * A rekey of this desk's that the backend took (its receipt lost) comes
 * back in the pull: not another desk's change, not a race.  Another
 * person's rekey pulled beside it is reported.
 */
static void test_own_rekey_not_reported(void **state)
{
	struct world *w = *state;
	struct fixture_person mei2, sam2;
	struct sync_rebase_out out;
	char msg[PEOPLE_RACE_MSG_MAX];

	fixture_person_make(&mei2, "mei");
	fixture_person_make(&sam2, "sam");
	rekey(w->desk, &w->keeper, &mei2, NULL);
	copy_log(w->desk, w->back, w->seen);
	rekey(w->back, &w->staff, &sam2, NULL);
	stage(w);
	assert_int_equal(rebase(w, NULL, 0, &out), OD_OK);
	assert_int_equal(out.landed, 1);
	assert_int_equal(out.conflicts, 0);
	assert_int_equal(out.rekeys.n, 1);
	assert_string_equal(out.rekeys.v[0].user, "sam");
	assert_int_equal(out.rekeys.v[0].seq, 8);
	assert_int_equal(people_race_get(w->desk, "mei", msg, sizeof msg,
					 &w->err), OD_E_NOTFOUND);
	fixture_person_free(&mei2);
	fixture_person_free(&sam2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_legal_stay_pending_in_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_illegal_becomes_conflict,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_follows_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_landed_not_twice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_people_in_outbox, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_bad_pulled_entry_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_failure_at_the_end_changes_nothing, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_rekey_race, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_own_rekey_not_reported,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
