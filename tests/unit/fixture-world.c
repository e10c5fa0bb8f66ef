/* fixture-world.c - the usual shop of a fold test (fixture-world.h). */
#include "tests/unit/fixture-world.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

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
	fixture_person_free(&w->extra);
}

int fixture_world_setup(void **state)
{
	return fixture_world_setup_with(state, NULL, NULL);
}

int fixture_world_setup_with(void **state, const char *extra,
			     const char *role)
{
	struct fixture_world *w = calloc(1, sizeof *w);

	assert_non_null(w);
	fixture_world_open(w);
	if (extra != NULL)
		fixture_person_make(&w->extra, extra);
	if (role != NULL)
		fixture_user_add(w->s, &w->owner, &w->extra, role);
	*state = w;
	return 0;
}

int fixture_world_teardown(void **state)
{
	struct fixture_world *w = *state;

	fixture_world_close(w);
	free(w);
	return 0;
}

enum od_code fixture_world_sign(struct fixture_world *w,
				struct fixture_person *p,
				struct statement *st)
{
	return fixture_append(w->s, p, st, NULL, &w->err);
}

void fixture_world_confirm(struct fixture_world *w, const char *number)
{
	struct statement *st = fixture_stmt(&w->keeper, STMT_ORDER_CONFIRM,
					    number);

	assert_int_equal(fixture_world_sign(w, &w->keeper, st), OD_OK);
}

void fixture_world_ship(struct fixture_world *w, const char *number,
			const char *const *fields)
{
	struct statement *st = fixture_stmt(&w->staff, STMT_SHIPMENT_CONFIRM,
					    number);

	fixture_add(st, "carrier", "SF Express");
	fixture_add(st, "tracking", "SF1");
	for (; *fields != NULL; fields += 2)
		fixture_add(st, fields[0], fields[1]);
	assert_int_equal(fixture_world_sign(w, &w->staff, st), OD_OK);
}
