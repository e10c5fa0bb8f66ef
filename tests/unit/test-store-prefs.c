/*
 * test-store-prefs.c - each person's settings (storage/store-prefs.c) on
 * an in-memory store: nothing found before the first set (and the read
 * does not make the table), set and replace, one person's apart from
 * another's, forget, list by prefix, and the limits; and a store whose
 * saved views had a table of their own opening with them as settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "storage/store-prefs.h"

static sqlite3 *db_now;

static int setup(void **state)
{
	struct store *s;
	struct od_err err;

	assert_int_equal(sqlite3_open(":memory:", &db_now), SQLITE_OK);
	assert_int_equal(store_adopt(db_now, 1, &s, &err), OD_OK);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* Whether table name exists, asked behind the store's back. */
static int have_table(const char *name)
{
	sqlite3_stmt *st;
	int n = -1;

	assert_int_equal(sqlite3_prepare_v2(db_now, "SELECT count(*) FROM "
			 "sqlite_master WHERE name = ?1", -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void test_empty_read_makes_nothing(void **state)
{
	char v[64] = "junk";
	struct od_err err;
	int found = 1;

	assert_int_equal(store_pref_get(*state, "mei", "columns", v, sizeof v,
					&found, &err), OD_OK);
	assert_int_equal(found, 0);
	assert_string_equal(v, "");
	assert_int_equal(have_table("prefs"), 0);
}

static void test_set_get_per_person(void **state)
{
	char v[64];
	struct od_err err;
	int found;

	assert_int_equal(store_pref_set(*state, "mei", "columns",
					"carrier,city", &err), OD_OK);
	assert_int_equal(store_pref_set(*state, "sam", "columns", "email",
					&err), OD_OK);
	assert_int_equal(store_pref_set(*state, "mei", "columns",
					"tracking", &err), OD_OK);
	assert_int_equal(store_pref_get(*state, "mei", "columns", v, sizeof v,
					&found, &err), OD_OK);
	assert_int_equal(found, 1);
	assert_string_equal(v, "tracking");
	assert_int_equal(store_pref_get(*state, "sam", "columns", v, sizeof v,
					&found, &err), OD_OK);
	assert_string_equal(v, "email");
	assert_int_equal(store_pref_get(*state, "olivia", "columns", v,
					sizeof v, &found, &err), OD_OK);
	assert_int_equal(found, 0);
	/* Forgotten: found no more, the other person's kept. */
	assert_int_equal(store_pref_set(*state, "mei", "columns", NULL, &err),
			 OD_OK);
	assert_int_equal(store_pref_get(*state, "mei", "columns", v, sizeof v,
					&found, &err), OD_OK);
	assert_int_equal(found, 0);
	assert_int_equal(store_pref_get(*state, "sam", "columns", v, sizeof v,
					&found, &err), OD_OK);
	assert_int_equal(found, 1);
}

/* Collects "name=value;" pairs. */
static enum od_code collect(void *ctx, const char *name, const char *value,
			    struct od_err *err)
{
	char *out = ctx;

	(void)err;
	snprintf(out + strlen(out), 256 - strlen(out), "%s=%s;", name, value);
	return OD_OK;
}

static void test_each_by_prefix(void **state)
{
	char got[256] = "";
	struct od_err err;

	assert_int_equal(store_pref_set(*state, "mei", "view.held", "a",
					&err), OD_OK);
	assert_int_equal(store_pref_set(*state, "mei", "view.dhl", "b", &err),
			 OD_OK);
	assert_int_equal(store_pref_set(*state, "mei", "view_x", "c", &err),
			 OD_OK);
	assert_int_equal(store_pref_set(*state, "sam", "view.sam", "d", &err),
			 OD_OK);
	assert_int_equal(store_pref_each(*state, "mei", "view.", collect, got,
					 &err), OD_OK);
	assert_string_equal(got, "view.dhl=b;view.held=a;");
	got[0] = '\0';
	assert_int_equal(store_pref_each(*state, "mei", "", collect, got,
					 &err), OD_OK);
	assert_string_equal(got, "view.dhl=b;view.held=a;view_x=c;");
}

static void test_limits(void **state)
{
	char big[STORE_PREF_VALUE_MAX + 2], v[8];
	struct od_err err;
	int found;

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(store_pref_set(*state, "mei", "", "a", &err),
			 OD_E_INPUT);
	assert_int_equal(store_pref_set(*state, "mei", "columns", big, &err),
			 OD_E_INPUT);
	assert_int_equal(store_pref_set(*state, "mei", "columns", "toolong",
					&err), OD_OK);
	assert_int_equal(store_pref_get(*state, "mei", "columns", v, 4,
					&found, &err), OD_E_INPUT);
	assert_int_equal(found, 0);
}

/* Opens the store file path, made anew or as it is. */
static struct store *open_file(const char *path, int fresh)
{
	struct store *s;
	struct od_err err;

	assert_int_equal(sqlite3_open(path, &db_now), SQLITE_OK);
	assert_int_equal(store_adopt(db_now, fresh, &s, &err), OD_OK);
	return s;
}

/* The views of person, as "view.NAME=FILTER;" pairs. */
static const char *views_of(struct store *s, const char *person)
{
	static char got[256];
	struct od_err err;

	got[0] = '\0';
	assert_int_equal(store_pref_each(s, person, "view.", collect, got,
					 &err), OD_OK);
	return got;
}

/*
 * A store from before saved views were settings: its views table moves
 * into the settings on open (a row there replacing a setting of its name:
 * an older orderdesk wrote it last), the table goes, the other settings
 * stay, and the next open finds nothing more to move.
 */
static void test_views_from_before(void **state)
{
	char dir[] = "/tmp/od-prefs-XXXXXX", path[64], v[64];
	const char *const ends[] = { "", "-journal", "-wal", "-shm" };
	struct store *s;
	struct od_err err;
	size_t i;
	int found;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/store", dir);
	s = open_file(path, 1);
	assert_int_equal(store_pref_set(s, "mei", "columns", "email", &err),
			 OD_OK);
	assert_int_equal(store_pref_set(s, "mei", "view.big", "total:>1",
					&err), OD_OK);
	assert_int_equal(sqlite3_exec(db_now, "CREATE TABLE views("
			 "person TEXT NOT NULL, name TEXT NOT NULL, "
			 "filter TEXT NOT NULL, PRIMARY KEY(person, name)) "
			 "WITHOUT ROWID; INSERT INTO views VALUES"
			 "('mei', 'big', 'total:>100'), "
			 "('mei', 'late', 'placed:>2d'), "
			 "('sam', 'big', 'status:new')", NULL, NULL, NULL),
			 SQLITE_OK);
	store_close(s);
	for (i = 0; i < 2; i++) {
		s = open_file(path, 0);
		assert_string_equal(views_of(s, "mei"), "view.big=total:>100;"
				    "view.late=placed:>2d;");
		assert_string_equal(views_of(s, "sam"),
				    "view.big=status:new;");
		assert_int_equal(have_table("views"), 0);
		assert_int_equal(store_pref_get(s, "mei", "columns", v,
						sizeof v, &found, &err),
				 OD_OK);
		assert_string_equal(v, "email");
		store_close(s);
	}
	for (i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		snprintf(v, sizeof v, "%s%s", path, ends[i]);
		unlink(v);
	}
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_read_makes_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_get_per_person,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_by_prefix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
		cmocka_unit_test(test_views_from_before),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
