/*
 * test-file-new.c - file_write_new (lib/file.h, the one writer of a new
 * file): a new file is made whole and 0600 whatever the umask; a file,
 * or a symlink (even one that points nowhere), already at the path is refused and left as it was,
 * with no temporary file behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/file.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/od-file-new.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The first bytes of a file, NUL-ended, in a static buffer. */
static char *slurp(const char *path)
{
	static char b[256];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(b, 1, sizeof b - 1, f);
	b[n] = '\0';
	fclose(f);
	return b;
}

static void test_new_file(void **state)
{
	char path[128], part[140];
	struct od_err err;
	struct stat st;
	mode_t old = umask(0);

	(void)state;
	snprintf(path, sizeof path, "%s/a.pdf", dir);
	assert_int_equal(file_write_new(path, "hello", 5, &err), OD_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_string_equal(slurp(path), "hello");
	assert_int_equal(file_write_new(path, "other", 5, &err), OD_E_EXISTS);
	assert_non_null(strstr(err.msg, "exists"));
	assert_string_equal(slurp(path), "hello");
	snprintf(part, sizeof part, "%s.part", path);
	assert_int_not_equal(access(part, F_OK), 0);
}

static void test_symlink_refused(void **state)
{
	char path[128], target[128];
	struct od_err err;

	(void)state;
	snprintf(path, sizeof path, "%s/link.pdf", dir);
	snprintf(target, sizeof target, "%s/nowhere", dir);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(file_write_new(path, "x", 1, &err), OD_E_EXISTS);
	assert_int_not_equal(access(target, F_OK), 0);
}

static void test_missing_dir(void **state)
{
	char path[128];
	struct od_err err;

	(void)state;
	snprintf(path, sizeof path, "%s/no/such.pdf", dir);
	assert_int_equal(file_write_new(path, "x", 1, &err), OD_E_IO);
	assert_non_null(strstr(err.msg, "no/such.pdf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_missing_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
