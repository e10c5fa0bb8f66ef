/* fixture-world.c - the usual shop of a fold test (fixture-world.h). */
#include "tests/unit/fixture-world.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

void fixture_world_open(struct fixture_world *w)
{
	struct od_err err;

	assert_int_equal(store_open_memory(&w->s, &err), OD_OK);
	fixture_person_make(&w->owner, "olivia");
	fixture_person_make(&w->keeper, "mei");
	fixture_person_make(&w->staff, "sam");
	fixture_shop_found(w->s, &w->owner, &w->keeper, &w->staff);
}

void fixture_world_close(struct fixture_world *w)
{
	store_close(w->s);
	fixture_person_free(&w->owner);
	fixture_person_free(&w->keeper);
	fixture_person_free(&w->staff);
}
