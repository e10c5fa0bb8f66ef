/*
 * test-store-cache.c - the page cache a store gets: the VFS's 64 MiB for
 * the desk and the backend (shop_unlock as they call it), SQLite's small
 * default for a one-shot command (cli_unlock, and any command of cli_main,
 * such as user passwd), kept when the command opens the store again
 * (shop_hold).
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

#include "app/orderdesk/cli.h"
#include "app/shop/shop.h"
#include "storage/store-cache.h"

#define PASS "cache test passphrase"

static char dir[64];

/* Founds a shop with one owner. */
static int setup(void **state)
{
	struct od_err err;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test-store-cache.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	strcat(dir, "/s");
	if (shop_init(dir, "Cache test", "owner", PASS, strlen(PASS),
		      &err) != OD_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	dir[strlen(dir) - 2] = '\0';
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Puts everything back to the process's default between tests. */
static int reset(void **state)
{
	(void)state;
	store_set_cache_kib(0);
	return 0;
}

/* The desk's and the backend's way in: the large cache. */
static void test_desk_large(void **state)
{
	struct shop *sh = NULL;
	struct od_err err;

	(void)state;
	assert_int_equal(shop_unlock(dir, "owner", PASS, strlen(PASS),
				     SHOP_READ, &sh, &err), OD_OK);
	assert_int_equal(store_cache_kib(sh->store), 65536);
	shop_close(sh);
}

/* A one-shot command's way in: the small one, on every opening. */
static void test_one_shot_small(void **state)
{
	struct cli c = { dir, "owner", -1, stdout };
	struct shop *sh = NULL;
	struct od_err err;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], PASS "\n", strlen(PASS) + 1),
			 (ssize_t)strlen(PASS) + 1);
	close(fds[1]);
	c.pass_fd = fds[0];
	assert_int_equal(cli_unlock(&c, SHOP_READ, &sh, &err), OD_OK);
	close(fds[0]);
	assert_int_equal(store_cache_kib(sh->store), STORE_CACHE_SMALL_KIB);
	/* A command that lets go of the store and takes it again. */
	shop_release(sh);
	assert_int_equal(shop_hold(sh, SHOP_READ, &err), OD_OK);
	assert_int_equal(store_cache_kib(sh->store), STORE_CACHE_SMALL_KIB);
	shop_close(sh);
}

/* Writes text to a new pipe; its read end. */
static int piped(const char *text)
{
	int fds[2];

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, strlen(text)),
			 (ssize_t)strlen(text));
	close(fds[1]);
	return fds[0];
}

/*
 * `user passwd` opens the store itself (it needs the old passphrase
 * again), not through cli_unlock: still the small cache, which the
 * process keeps for its next opening.  (Last: it changes the passphrase.)
 */
static void test_passwd_small(void **state)
{
	const char *fresh = "cache test, a new passphrase";
	char old_fd[16], new_fd[16], nl[64];
	char *argv[] = { "orderdesk", "--store", dir, "--user", "owner",
			 "--passphrase-fd", old_fd, "user", "passwd",
			 "--new-passphrase-fd", new_fd, NULL };
	struct shop *sh = NULL;
	struct od_err err;
	int a = piped(PASS "\n"), b;

	(void)state;
	snprintf(nl, sizeof nl, "%s\n", fresh);
	b = piped(nl);
	snprintf(old_fd, sizeof old_fd, "%d", a);
	snprintf(new_fd, sizeof new_fd, "%d", b);
	optind = 0;
	assert_int_equal(cli_main(11, argv, NULL), 0);
	close(a);
	close(b);
	assert_int_equal(shop_unlock(dir, "owner", fresh, strlen(fresh),
				     SHOP_READ, &sh, &err), OD_OK);
	assert_int_equal(store_cache_kib(sh->store), STORE_CACHE_SMALL_KIB);
	shop_close(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_desk_large, reset, reset),
		cmocka_unit_test_setup_teardown(test_one_shot_small, reset,
						reset),
		cmocka_unit_test_setup_teardown(test_passwd_small, reset,
						reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
