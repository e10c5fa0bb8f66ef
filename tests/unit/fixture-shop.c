/* fixture-shop.c - a shop's people and history for unit tests. */
#include "tests/unit/fixture-shop.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "app/log/ledger.h"
#include "lib/encode.h"

void fixture_person_make(struct fixture_person *p, const char *name)
{
	uint8_t seed[SIGKEY_SEED_LEN];
	struct od_err err;

	p->name = name;
	assert_int_equal(sigkey_generate_seed(seed, &err), OD_OK);
	assert_int_equal(sigkey_from_seed(seed, &p->key, &err), OD_OK);
	sigkey_public(p->key, p->pub);
	assert_int_equal(sigkey_fingerprint(p->pub, p->fp, &err), OD_OK);
}

void fixture_person_free(struct fixture_person *p)
{
	sigkey_free(p->key);
	p->key = NULL;
}

struct statement *fixture_stmt(struct fixture_person *p, enum stmt_kind kind,
			       const char *order)
{
	struct statement *st = NULL;
	struct od_err err;

	assert_int_equal(statement_new(kind, p->name, p->fp, order, &st, &err),
			 OD_OK);
	return st;
}

void fixture_add(struct statement *st, const char *name, const char *value)
{
	struct od_err err;

	assert_int_equal(statement_add(st, name, value, &err), OD_OK);
}

enum od_code fixture_append(struct store *s, struct fixture_person *p,
			    struct statement *st, char id[STMT_ID_LEN + 1],
			    struct od_err *err)
{
	enum od_code rc;

	assert_int_equal(store_begin(s, err), OD_OK);
	rc = ledger_append(s, p->key, st, NULL, err);
	if (rc == OD_OK)
		assert_int_equal(store_commit(s, err), OD_OK);
	else
		store_rollback(s);
	if (rc == OD_OK && id != NULL)
		memcpy(id, st->id, STMT_ID_LEN + 1);
	statement_free(st);
	return rc;
}

/* Signs st as p onto s, which must take it. */
static void append_ok(struct store *s, struct fixture_person *p,
		      struct statement *st)
{
	struct od_err err;

	assert_int_equal(fixture_append(s, p, st, NULL, &err), OD_OK);
}

void fixture_user_add(struct store *s, struct fixture_person *owner,
		      struct fixture_person *p, const char *role)
{
	struct statement *st = fixture_stmt(owner, STMT_USER_ADD, NULL);
	char b64[64];

	b64_encode(p->pub, SIGKEY_PUB_LEN, b64);
	fixture_add(st, "user", p->name);
	fixture_add(st, "role", role);
	fixture_add(st, "pubkey", b64);
	append_ok(s, owner, st);
}

struct statement *fixture_order(struct fixture_person *p, const char *number)
{
	struct statement *st = fixture_stmt(p, STMT_ORDER_PLACED, number);

	fixture_add(st, "placed", "2026-11-20T09:15:00Z");
	fixture_add(st, "currency", "CNY");
	fixture_add(st, "customer", "王小明");
	fixture_add(st, "ship-name", "王小明");
	fixture_add(st, "ship-line", "朝阳区建国路88号");
	fixture_add(st, "ship-city", "北京");
	fixture_add(st, "ship-country", "CN");
	fixture_add(st, "item", "A 2 100 Tea");
	fixture_add(st, "item", "B 1 50 Cup");
	fixture_add(st, "total", "250");
	return st;
}

void fixture_place(struct store *s, struct fixture_person *keeper,
		   const char *number)
{
	append_ok(s, keeper, fixture_order(keeper, number));
}

void fixture_genesis(struct store *s, struct fixture_person *owner)
{
	struct statement *st = fixture_stmt(owner, STMT_SHOP_GENESIS, NULL);
	char b64[64];

	b64_encode(owner->pub, SIGKEY_PUB_LEN, b64);
	fixture_add(st, "shop", "Test");
	fixture_add(st, "role", "owner");
	fixture_add(st, "pubkey", b64);
	append_ok(s, owner, st);
}

void fixture_shop_found(struct store *s, struct fixture_person *owner,
			struct fixture_person *keeper,
			struct fixture_person *staff)
{
	fixture_genesis(s, owner);
	fixture_user_add(s, owner, keeper, "shopkeeper");
	fixture_user_add(s, owner, staff, "staff");
	fixture_place(s, keeper, "1");
	fixture_place(s, keeper, "2");
	fixture_place(s, keeper, "3");
}

enum order_status fixture_status(struct store *s, const char *number)
{
	struct order *o = NULL;
	enum order_status st;
	struct od_err err;

	assert_int_equal(store_order_get(s, number, &o, &err), OD_OK);
	st = o->status;
	record_order_free(o);
	return st;
}
