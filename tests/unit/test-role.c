/*
 * test-role.c - roles the owner defines in the log (role.define): what a
 * custom role may and may not sign, names and permissions refused, a role
 * defined after the fact, refunds and wrong-item acceptance the owner's
 * unless given, and `audit verify` replaying each statement against the
 * role as it was defined at its point of the log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/fold.h"
#include "app/log/ledger.h"
#include "app/log/role-define.h"
#include "lib/encode.h"
#include "tests/unit/fixture-world.h"

/* p defines role name with the permissions perms (NULL-ended). */
static enum od_code define(struct fixture_world *w, struct fixture_person *p,
			   const char *name, const char *const *perms)
{
	struct statement *st = fixture_stmt(p, STMT_ROLE_DEFINE, NULL);

	fixture_add(st, "role", name);
	for (; *perms; perms++)
		fixture_add(st, "may", *perms);
	return fixture_world_sign(w, p, st);
}

static const char *const packing[] = {
	"ship", "deliver", "note", "return.receive", NULL,
};

/*
 * The shop of fixture_shop_found, a role packer (ship, deliver, note,
 * return.receive) and pat, a packer (w->extra).
 */
static int setup(void **state)
{
	struct fixture_world *w;

	fixture_world_setup_with(state, "pat", NULL);
	w = *state;
	assert_int_equal(define(w, &w->owner, "packer", packing), OD_OK);
	fixture_user_add(w->s, &w->owner, &w->extra, "packer");
	return 0;
}

static enum od_code note(struct fixture_world *w, struct fixture_person *p)
{
	struct statement *st = fixture_stmt(p, STMT_ORDER_NOTE, "1");

	fixture_add(st, "text", "fragile");
	return fixture_world_sign(w, p, st);
}

static enum od_code ship(struct fixture_world *w, struct fixture_person *p,
			 const char *serial)
{
	struct statement *st = fixture_stmt(p, STMT_SHIPMENT_CONFIRM, "1");

	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", "SF1");
	fixture_add(st, "item", "A 2");
	fixture_add(st, "serial", serial);
	return fixture_world_sign(w, p, st);
}

static enum od_code simple(struct fixture_world *w, struct fixture_person *p,
			   enum stmt_kind kind)
{
	return fixture_world_sign(w, p, fixture_stmt(p, kind, "1"));
}

static void verify_ok(struct fixture_world *w)
{
	struct ledger_report rep;

	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
}

/* A packer ships and notes, and may not confirm, cancel or refund. */
static void test_custom_role_may_and_may_not(void **state)
{
	struct fixture_world *w = *state;
	struct statement *st;

	assert_int_equal(note(w, &w->extra), OD_OK);
	assert_int_equal(simple(w, &w->extra, STMT_ORDER_CONFIRM),
			 OD_E_DENIED);
	assert_string_equal(w->err.msg, "pat is packer and may not confirm "
			    "orders; ask a shopkeeper or the owner");
	assert_int_equal(simple(w, &w->keeper, STMT_ORDER_CONFIRM), OD_OK);
	assert_int_equal(ship(w, &w->extra, "A SN-1"), OD_OK);
	assert_int_equal(fixture_status(w->s, "1"), ORDER_CONFIRMED);
	st = fixture_stmt(&w->extra, STMT_PAYMENT_REFUND, "1");
	fixture_add(st, "amount", "100");
	fixture_add(st, "reason", "broken");
	assert_int_equal(fixture_world_sign(w, &w->extra, st), OD_E_DENIED);
	assert_string_equal(w->err.msg, "pat is packer and may not refund "
			    "money; ask the owner");
	verify_ok(w);
}

/* Names and permissions that cannot be, and who may define. */
static void test_define_refused(void **state)
{
	static const char *const twice[] = { "ship", "note", "ship", NULL };
	static const char *const none[] = { NULL };
	struct fixture_world *w = *state;
	struct statement *st = fixture_stmt(&w->owner, STMT_ROLE_DEFINE, NULL);

	assert_int_equal(statement_add(st, "role", "staff", &w->err),
			 OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "role: staff is a built-in role "
			       "and cannot be redefined; choose another "
			       "name"));
	assert_int_equal(statement_add(st, "role", "Pack er", &w->err),
			 OD_E_INPUT);
	fixture_add(st, "role", "picker");
	assert_int_equal(statement_add(st, "may", "shipp", &w->err),
			 OD_E_INPUT);
	assert_non_null(strstr(w->err.msg, "may: no permission \"shipp\"; "
			       "use place, confirm"));
	assert_int_equal(statement_add(st, "may", "user.add", &w->err),
			 OD_E_INPUT);
	statement_free(st);
	assert_int_equal(define(w, &w->owner, "picker", twice), OD_E_INPUT);
	assert_string_equal(w->err.msg, "may: ship is given twice");
	assert_int_equal(define(w, &w->owner, "picker", none), OD_E_INPUT);
	assert_int_equal(define(w, &w->keeper, "picker", packing),
			 OD_E_DENIED);
	assert_string_equal(w->err.msg, "mei is shopkeeper and may not "
			    "define roles; ask the owner");
	assert_int_equal(define(w, &w->extra, "picker", packing),
			 OD_E_DENIED);
	assert_int_equal(role_define_check_list("ship,deliver", &w->err),
			 OD_OK);
	assert_int_equal(role_define_check_list("ship,,deliver", &w->err),
			 OD_E_USAGE);
	assert_int_equal(role_define_check_list("ship,ship", &w->err),
			 OD_E_USAGE);
	verify_ok(w);
}

/* A user of a role not (yet) defined is refused. */
static void test_user_of_undefined_role(void **state)
{
	struct fixture_world *w = *state;
	struct fixture_person ghost;
	struct statement *st;
	char b64[64];

	fixture_person_make(&ghost, "gus");
	st = fixture_stmt(&w->owner, STMT_USER_ADD, NULL);
	fixture_add(st, "user", "gus");
	fixture_add(st, "role", "picker");
	b64_encode(ghost.pub, SIGKEY_PUB_LEN, b64);
	fixture_add(st, "pubkey", b64);
	assert_int_equal(fixture_world_sign(w, &w->owner, st), OD_E_NOTFOUND);
	assert_string_equal(w->err.msg, "no role picker in this shop; define "
			    "it first with `orderdesk role add`");
	fixture_person_free(&ghost);
}

/*
 * Redefined, a role changes what comes after only: the note pat signed
 * while packers could note stays valid when audit verify replays the log.
 */
static void test_roles_as_they_were(void **state)
{
	static const char *const ship_only[] = { "ship", NULL };
	static const char *const with_confirm[] = { "confirm", "note", NULL };
	struct fixture_world *w = *state;
	struct ledger_report rep;

	assert_int_equal(note(w, &w->extra), OD_OK);
	assert_int_equal(define(w, &w->owner, "packer", ship_only), OD_OK);
	assert_int_equal(note(w, &w->extra), OD_E_DENIED);
	assert_int_equal(simple(w, &w->extra, STMT_ORDER_CONFIRM),
			 OD_E_DENIED);
	assert_int_equal(define(w, &w->owner, "packer", with_confirm), OD_OK);
	assert_int_equal(simple(w, &w->extra, STMT_ORDER_CONFIRM), OD_OK);
	assert_int_equal(ship(w, &w->extra, "A SN-1"), OD_E_DENIED);
	assert_int_equal(ledger_verify(w->s, &rep, &w->err), OD_OK);
	/* 6 of the shop, the define, pat, note, 2 defines, confirm. */
	assert_int_equal(rep.entries, 12);
}

/* Accepting a wrong-item return is the owner's unless a role is given it. */
static void test_wrong_item_needs_the_permission(void **state)
{
	static const char *const closer[] = {
		"return.open", "return.close", NULL,
	};
	static const char *const trusted[] = {
		"return.open", "return.close", "return.accept-wrong-item", NULL,
	};
	struct fixture_world *w = *state;
	struct statement *st;

	assert_int_equal(simple(w, &w->keeper, STMT_ORDER_CONFIRM), OD_OK);
	assert_int_equal(ship(w, &w->extra, "A SN-1"), OD_OK);
	assert_int_equal(define(w, &w->owner, "packer", closer), OD_OK);
	st = fixture_stmt(&w->extra, STMT_RETURN_OPEN, "1");
	fixture_add(st, "rma", "1-R1");
	fixture_add(st, "reason", "does not fit");
	fixture_add(st, "item", "A 1");
	assert_int_equal(fixture_world_sign(w, &w->extra, st), OD_OK);
	st = fixture_stmt(&w->staff, STMT_RETURN_RECEIVE, "1");
	fixture_add(st, "rma", "1-R1");
	fixture_add(st, "condition", "ok");
	fixture_add(st, "item", "A 1 SN-9");
	assert_int_equal(fixture_world_sign(w, &w->staff, st), OD_OK);
	st = fixture_stmt(&w->extra, STMT_RETURN_CLOSE, "1");
	fixture_add(st, "rma", "1-R1");
	fixture_add(st, "decision", "accept");
	assert_int_equal(fixture_world_sign(w, &w->extra, st), OD_E_DENIED);
	assert_non_null(strstr(w->err.msg, "wrong-item; accepting it is the "
			       "owner's"));
	assert_int_equal(define(w, &w->owner, "packer", trusted), OD_OK);
	st = fixture_stmt(&w->extra, STMT_RETURN_CLOSE, "1");
	fixture_add(st, "rma", "1-R1");
	fixture_add(st, "decision", "accept");
	assert_int_equal(fixture_world_sign(w, &w->extra, st), OD_OK);
	verify_ok(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_custom_role_may_and_may_not, setup,
			fixture_world_teardown),
		cmocka_unit_test_setup_teardown(test_define_refused, setup,
						fixture_world_teardown),
		cmocka_unit_test_setup_teardown(test_user_of_undefined_role,
						setup, fixture_world_teardown),
		cmocka_unit_test_setup_teardown(test_roles_as_they_were, setup,
						fixture_world_teardown),
		cmocka_unit_test_setup_teardown(
			test_wrong_item_needs_the_permission, setup,
			fixture_world_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
