/*
 * fixture-shop.h - a shop's people and history for unit tests: people with
 * signing keys, statements signed and appended to an in-memory store, and
 * the usual beginning (genesis, a shopkeeper, staff, orders 1 to 3).
 *
 * Every helper asserts with cmocka, so it is for tests only; the test
 * program links it from $(BUILD)/libfixture.a (see the Makefile).
 */
#ifndef OD_FIXTURE_SHOP_H
#define OD_FIXTURE_SHOP_H

#include <stdint.h>

#include "app/keys/sigkey.h"
#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/records.h"
#include "storage/store.h"

/* A person: name and signing key. */
struct fixture_person {
	const char *name;        /* borrowed */
	struct sigkey *key;
	uint8_t pub[SIGKEY_PUB_LEN];
	char fp[SIGKEY_FP_LEN + 1];
};

/* Gives p a new key under name (borrowed); fixture_person_free frees it. */
void fixture_person_make(struct fixture_person *p, const char *name);

/* Frees p's key. */
void fixture_person_free(struct fixture_person *p);

/* A new statement of kind by p about order (or NULL); the caller's. */
struct statement *fixture_stmt(struct fixture_person *p, enum stmt_kind kind,
			       const char *order);

/* Adds the field name: value to st. */
void fixture_add(struct statement *st, const char *name, const char *value);

/*
 * Signs st as p and appends it to s in its own transaction (rolled back
 * on failure), and frees st; id (if not NULL) gets its id on success.
 * Returns ledger_append's code, its message in err.
 */
enum od_code fixture_append(struct store *s, struct fixture_person *p,
			    struct statement *st, char id[STMT_ID_LEN + 1],
			    struct od_err *err);

/* owner adds p with role to s's log. */
void fixture_user_add(struct store *s, struct fixture_person *owner,
		      struct fixture_person *p, const char *role);

/*
 * A new order.placed by p for order number with two items (A x2, B x1),
 * total 250, unsigned; the caller's.
 */
struct statement *fixture_order(struct fixture_person *p, const char *number);

/* keeper places that order in s, which must take it. */
void fixture_place(struct store *s, struct fixture_person *keeper,
		   const char *number);

/* Founds shop "Test" in s, owner its first owner: one entry. */
void fixture_genesis(struct store *s, struct fixture_person *owner);

/*
 * Founds shop "Test" in s by owner, adds keeper (shopkeeper) and staff,
 * and places orders 1 to 3: six entries.
 */
void fixture_shop_found(struct store *s, struct fixture_person *owner,
			struct fixture_person *keeper,
			struct fixture_person *staff);

/* The status of order number in s. */
enum order_status fixture_status(struct store *s, const char *number);

#endif
