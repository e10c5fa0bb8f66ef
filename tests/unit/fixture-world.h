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
};

/* Opens and founds w's shop; fixture_world_close frees it. */
void fixture_world_open(struct fixture_world *w);
void fixture_world_close(struct fixture_world *w);

#endif
