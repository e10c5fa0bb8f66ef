/*
 * test-file.c - lib/file.h: the one writer of a new private file, the one
 * atomic replace and the one capped reader.
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

#include "lib/buf.h"
#include "lib/file.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test-file.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A new file: 0600 whatever the umask, its bytes; never over another. */
static void test_write_new(void **state)
{
	char path[128], link[128];
	struct od_err err;
	struct buf b;
	struct stat st;
	mode_t old = umask(0277);

	(void)state;
	snprintf(path, sizeof path, "%s/new", dir);
	assert_int_equal(file_write_new(path, "abc", 3, &err), OD_OK);
	umask(old);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	buf_init(&b, 1024);
	assert_int_equal(file_read_capped(path, 16, 1, &b, &err), OD_OK);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "abc", 3);
	buf_free(&b);
	/* An existing file, or a symlink to a missing one, is refused. */
	assert_int_equal(file_write_new(path, "x", 1, &err), OD_E_EXISTS);
	assert_non_null(strstr(err.msg, "cannot write"));
	snprintf(link, sizeof link, "%s/link", dir);
	assert_int_equal(symlink("/tmp/nowhere-test-file", link), 0);
	assert_int_not_equal(file_write_new(link, "x", 1, &err), OD_OK);
	assert_int_not_equal(access("/tmp/nowhere-test-file", F_OK), 0);
}

/* The atomic replace, with and without the caller asking if it renamed. */
static void test_replace(void **state)
{
	char path[128];
	struct od_err err;
	struct buf b;
	int replaced = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/r", dir);
	assert_int_equal(file_write_atomic(path, "one", 3, &err), OD_OK);
	assert_int_equal(file_replace(path, "two!", 4, &replaced, &err), OD_OK);
	assert_int_equal(replaced, 1);
	buf_init(&b, 1024);
	assert_int_equal(file_read_capped(path, 4, 0, &b, &err), OD_OK);
	assert_string_equal(b.data, "two!");
	buf_free(&b);
}

/* The capped reader: at the cap, past it, missing, a FIFO, a symlink. */
static void test_read_capped(void **state)
{
	char path[128], fifo[128], link[128];
	struct od_err err;
	struct buf b;

	(void)state;
	snprintf(path, sizeof path, "%s/ten", dir);
	assert_int_equal(file_write_new(path, "0123456789", 10, &err), OD_OK);
	buf_init(&b, 1 << 20);
	assert_int_equal(file_read_capped(path, 10, 1, &b, &err), OD_OK);
	buf_free(&b);
	buf_init(&b, 1 << 20);
	assert_int_equal(file_read_capped(path, 9, 1, &b, &err), OD_E_INPUT);
	assert_non_null(strstr(err.msg, "is larger than 9 bytes"));
	buf_free(&b);
	snprintf(fifo, sizeof fifo, "%s/missing", dir);
	buf_init(&b, 1 << 20);
	assert_int_equal(file_read_capped(fifo, 9, 1, &b, &err),
			 OD_E_NOTFOUND);
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* Refused at once: no wait for a writer that never comes. */
	assert_int_equal(file_read_capped(fifo, 10, 1, &b, &err), OD_E_IO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	snprintf(link, sizeof link, "%s/ten-link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(file_read_capped(link, 10, 1, &b, &err), OD_E_IO);
	assert_int_equal(file_read_capped(link, 10, 0, &b, &err), OD_OK);
	assert_int_equal(b.len, 10);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_new),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_read_capped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
