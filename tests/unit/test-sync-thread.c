/*
 * test-sync-thread.c - the desk's background sync thread on a real
 * (temporary) shop whose backend cannot be reached: it syncs at once, then
 * only when kicked or when its period ends; it stops at once however long
 * its period; a store without a backend gets no thread; and the desk
 * starts it on unlock and stops it on lock, at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/desk/desk.h"
#include "app/shop/shop.h"
#include "app/sync/sync-rebase.h"
#include "app/sync/sync-thread.h"
#include "storage/store.h"

#define OWNER_PASS "owner passphrase 1"
#define WAIT_MS 10000   /* a sync that cannot connect ends far sooner */

static char dir[64], plain[64];

/* Milliseconds on the monotonic clock. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sets the store's backend address, as sync_attach does. */
static int set_url(const char *url)
{
	struct shop *sh = NULL;
	struct od_err err;
	enum od_code rc;

	rc = shop_unlock(dir, "owner", OWNER_PASS, strlen(OWNER_PASS),
			 SHOP_WRITE, &sh, &err);
	if (rc == OD_OK)
		rc = store_begin(sh->store, &err);
	if (rc == OD_OK)
		rc = store_meta_set(sh->store, SYNC_META_URL, url, &err);
	if (rc == OD_OK)
		rc = store_commit(sh->store, &err);
	if (rc != OD_OK)
		fprintf(stderr, "set_url: %s\n", err.msg);
	shop_close(sh);
	return rc == OD_OK ? 0 : -1;
}

static int setup(void **state)
{
	struct od_err err;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test-sync-thread.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	strcat(dir, "/s");
	/* dir/u: a shop never attached. */
	snprintf(plain, sizeof plain, "%.*su", (int)strlen(dir) - 1, dir);
	if (shop_init(dir, "Sync thread test", "owner", OWNER_PASS,
		      strlen(OWNER_PASS), &err) != OD_OK ||
	    shop_init(plain, "Plain test", "owner", OWNER_PASS,
		      strlen(OWNER_PASS), &err) != OD_OK) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	/* Port 1 on loopback: refused at once, the sync fails fast. */
	return set_url("https://127.0.0.1:1");
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	dir[strlen(dir) - 2] = '\0';
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The owner's shop in path, released, as the desk holds it between
 * operations. */
static struct shop *open_shop(const char *path)
{
	struct shop *sh = NULL;
	struct od_err err;

	if (shop_unlock(path, "owner", OWNER_PASS, strlen(OWNER_PASS),
			SHOP_READ, &sh, &err) != OD_OK)
		fail_msg("unlock: %s", err.msg);
	shop_release(sh);
	return sh;
}

/* Waits until the thread has run tries syncs and is idle; 0 on time-out. */
static int wait_tries(struct sync_thread *t, long long tries)
{
	struct sync_thread_view v;
	long long end = now_ms() + WAIT_MS;

	do {
		sync_thread_view(t, &v);
		if (v.tries >= tries && !v.running)
			return 1;
		usleep(10000);
	} while (now_ms() < end);
	return 0;
}

static void test_first_at_once_then_on_kick(void **state)
{
	struct shop *sh = open_shop(dir);
	struct sync_thread *t = NULL;
	struct sync_thread_view v;
	struct od_err err;
	long long t0;

	(void)state;
	assert_int_equal(sync_thread_start(sh, 3600, &t, &err), OD_OK);
	assert_non_null(t);
	assert_true(wait_tries(t, 1));
	sync_thread_view(t, &v);
	assert_true(v.status.attached);
	assert_false(v.status.online);
	assert_int_equal(v.news, 0);
	/* An hour's period: nothing more until a kick. */
	usleep(300000);
	sync_thread_view(t, &v);
	assert_int_equal(v.tries, 1);
	sync_thread_kick(t);
	assert_true(wait_tries(t, 2));
	sync_thread_kick(t);
	assert_true(wait_tries(t, 3));
	/* Stopping while it waits out the hour is at once. */
	t0 = now_ms();
	sync_thread_stop(t);
	assert_true(now_ms() - t0 < 1000);
	sync_thread_stop(NULL);
	shop_close(sh);
}

static void test_period(void **state)
{
	struct shop *sh = open_shop(dir);
	struct sync_thread *t = NULL;
	struct od_err err;

	(void)state;
	assert_int_equal(sync_thread_start(sh, 1, &t, &err), OD_OK);
	/* At once, then about a second apart without a kick. */
	assert_true(wait_tries(t, 3));
	sync_thread_stop(t);
	shop_close(sh);
}

static void test_not_attached(void **state)
{
	struct shop *sh;
	struct sync_thread *t = (struct sync_thread *)&t;
	struct sync_thread_view v;
	struct desk *d = NULL;
	struct desk_bg bg;
	struct od_err err;

	(void)state;
	sh = open_shop(plain);
	assert_int_equal(sync_thread_start(sh, 0, &t, &err), OD_E_USAGE);
	assert_null(t);
	sync_thread_view(NULL, &v);
	assert_false(v.status.attached);
	shop_close(sh);
	/* The desk on it: no thread, nothing on the status line. */
	assert_int_equal(desk_new(plain, &d, &err), OD_OK);
	assert_int_equal(desk_unlock(d, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), &err), OD_OK);
	desk_bg_view(d, &bg);
	assert_false(bg.attached);
	desk_free(d);
}

static void test_desk_starts_and_stops_it(void **state)
{
	struct desk *d = NULL;
	struct desk_bg bg;
	struct od_err err;
	long long t0;

	(void)state;
	assert_int_equal(desk_new(dir, &d, &err), OD_OK);
	desk_sync_every(d, 3600);
	desk_bg_view(d, &bg);
	assert_false(bg.attached);
	assert_int_equal(desk_unlock(d, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), &err), OD_OK);
	desk_bg_view(d, &bg);
	assert_true(bg.attached);
	assert_false(bg.online);
	/* Let it sync (and fail) once, then wait out its hour. */
	usleep(300000);
	t0 = now_ms();
	desk_lock(d);
	assert_true(now_ms() - t0 < 1000);
	desk_bg_view(d, &bg);
	assert_false(bg.attached);
	desk_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_at_once_then_on_kick),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_not_attached),
		cmocka_unit_test(test_desk_starts_and_stops_it),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
