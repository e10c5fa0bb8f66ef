/* fixture-import.c - a reader and its orders for the importers' tests. */
#include "tests/unit/fixture-import.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

struct import_reader *fixture_import_open(const char *path,
					  enum import_source src)
{
	struct import_reader *r;
	struct od_err err;

	od_err_clear(&err);
	assert_int_equal(import_open_file(path, &r, &err), OD_OK);
	assert_int_equal(import_set_source(r, src, &err), OD_OK);
	return r;
}

struct order *fixture_import_next(struct import_reader *r)
{
	struct order *o = NULL;
	struct od_err err;

	od_err_clear(&err);
	if (import_next(r, &o, &err) != OD_OK)
		print_error("import_next: %s\n", err.msg);
	assert_non_null(o);
	return o;
}

void fixture_import_end(struct import_reader *r)
{
	struct order *o = NULL;
	struct od_err err;

	od_err_clear(&err);
	assert_int_equal(import_next(r, &o, &err), OD_OK);
	assert_null(o);
	import_close(r);
}
