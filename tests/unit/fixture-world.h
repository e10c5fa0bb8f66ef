/*
 * fixture-world.h - the usual shop of a fold test in one call: an
 * in-memory store founded by olivia (owner) with mei (shopkeeper), sam
 * (staff) and orders 1 to 3 (fixture_shop_found).  For tests only.
 */
#ifndef OD_FIXTURE_WORLD_H
#define OD_FIXTURE_WORLD_H

#include "tests/unit/fixture-shop.h"

struct fixture_world {
	struct store *s;
	struct fixture_person owner, keeper, staff;
	struct fixture_person extra;    /* a fourth person, if named */
	struct od_err err;      /* for the test's own calls */
};

/* Opens and founds w's shop; fixture_world_close frees it. */
void fixture_world_open(struct fixture_world *w);
void fixture_world_close(struct fixture_world *w);

/* cmocka set-up and tear-down: a new world, opened, in *state; freed. */
int fixture_world_setup(void **state);
int fixture_world_teardown(void **state);

/*
 * The same with a fourth person, extra, added by owner with role (NULL:
 * made but not added, for a role the test defines first).
 */
int fixture_world_setup_with(void **state, const char *extra,
			     const char *role);

/* A test of the table run in its own world. */
#define FIXTURE_WORLD_TEST(test) \
	cmocka_unit_test_setup_teardown(test, fixture_world_setup, \
					fixture_world_teardown)

/* Signs st as p onto w's store (fixture_append), its message in w->err. */
enum od_code fixture_world_sign(struct fixture_world *w,
				struct fixture_person *p,
				struct statement *st);

/* keeper confirms order number, which must be taken. */
void fixture_world_confirm(struct fixture_world *w, const char *number);

/*
 * staff ships order number by SF Express, tracking SF1, with fields
 * (name/value pairs, NULL-ended: "item", "A 2", "serial", "A SN-1"...),
 * which must be taken.
 */
void fixture_world_ship(struct fixture_world *w, const char *number,
			const char *const *fields);

#endif
