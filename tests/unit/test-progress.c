/*
 * test-progress.c - the progress line's text: count with separators, the
 * rate once it is known, the time left while some is left; and no line at
 * all when stderr is not a terminal (as under this test).
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

#include "lib/progress.h"

static void test_counts_rate_and_time_left(void **state)
{
	char line[200];

	(void)state;
	progress_format(line, sizeof line, "importing", "orders", 12000,
			30000, 4.0);
	assert_string_equal(line, "importing: 12,000 of 30,000 orders · "
			    "3,000/s · 0:06 left");
	progress_format(line, sizeof line, "verifying", "entries",
			1234567, 1234567, 61.0);
	assert_string_equal(line, "verifying: 1,234,567 of 1,234,567 "
			    "entries · 20,238/s");
	progress_format(line, sizeof line, "pushing", "entries", 5, 900000,
			1.0);
	assert_string_equal(line, "pushing: 5 of 900,000 entries · 5/s · "
			    "2999:59 left");
}

static void test_no_rate_before_it_is_known(void **state)
{
	char line[200];

	(void)state;
	progress_format(line, sizeof line, "reading", "orders", 1, 30000, 0);
	assert_string_equal(line, "reading: 1 of 30,000 orders");
	progress_format(line, sizeof line, "pulling", "entries", 250, -1,
			2.0);
	assert_string_equal(line, "pulling: 250 entries · 125/s");
}

/* Not a terminal: begun, stepped and ended, nothing is written. */
static void test_silent_off_a_terminal(void **state)
{
	char path[] = "/tmp/test-progress.XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	progress_begin("nothing was imported");
	progress_phase("importing", "orders", 10);
	progress_step(10);
	progress_end();
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(lseek(fd, 0, SEEK_END), 0);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_rate_and_time_left),
		cmocka_unit_test(test_no_rate_before_it_is_known),
		cmocka_unit_test(test_silent_off_a_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
