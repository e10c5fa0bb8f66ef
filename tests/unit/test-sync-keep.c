/*
 * test-sync-keep.c - a desk's sync keeps its connection from one sync to
 * the next (sync_run_kept, as the desk's sync thread does): the second
 * sync makes no new connection, so no new mutual TLS handshake, while a
 * sync that keeps nothing connects every time; a connection the backend
 * closed meanwhile is made again; a changed attachment gets a new client.
 * A real backend (app/orderdeskd) is served by net/https-server on a free
 * loopback port in this process, on its pool of threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/shop/shop.h"
#include "app/sync/sync.h"
#include "tests/unit/fixture-backend.h"

static int setup(void **state)
{
	*state = fixture_backend_new("test-sync-keep");
	return 0;
}

static int teardown(void **state)
{
	fixture_backend_free(*state);
	return 0;
}

/* Syncs once, keeping the connection in keep (or not: NULL); returns the
 * new connections it made. */
static long sync_once(struct fixture_backend *f, struct sync_conn *keep)
{
	struct sync_report rep;
	struct od_err err;
	enum od_code rc = sync_run_kept(f->sh, NULL, keep, &rep, &err);

	if (rc != OD_OK)
		fail_msg("sync: %s", err.msg);
	return rep.connects;
}

static void test_second_sync_reuses_the_connection(void **state)
{
	struct fixture_backend *f = *state;
	struct sync_conn keep = { NULL };

	/* The first sync pushes the genesis: one connection for all of
	 * its requests. */
	assert_int_equal(sync_once(f, &keep), 1);
	assert_non_null(keep.client);
	assert_int_equal(sync_once(f, &keep), 0);
	assert_int_equal(sync_once(f, &keep), 0);
	sync_conn_close(&keep);
	assert_null(keep.client);
	/* Keeping nothing, every sync connects anew. */
	assert_int_equal(sync_once(f, NULL), 1);
	assert_int_equal(sync_once(f, NULL), 1);
}

/* The backend closed the idle connection (here: it restarted): the next
 * sync connects again, and works. */
static void test_closed_connection_is_made_again(void **state)
{
	struct fixture_backend *f = *state;
	struct sync_conn keep = { NULL };
	unsigned port = https_server_port(f->srv);

	assert_int_equal(sync_once(f, &keep), 1);
	https_server_stop(f->srv);
	f->srv = NULL;
	fixture_backend_serve(f, port, 30);
	assert_int_equal(sync_once(f, &keep), 1);
	assert_int_equal(sync_once(f, &keep), 0);
	sync_conn_close(&keep);
}

/* Another pin (another backend): the kept client is not used. */
static void test_changed_attachment_gets_a_new_client(void **state)
{
	struct fixture_backend *f = *state;
	struct sync_conn keep = { NULL };
	struct sync_report rep;
	struct od_err err;
	char bad[64];

	assert_int_equal(sync_once(f, &keep), 1);
	snprintf(bad, sizeof bad, "%s", f->pin);
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	assert_int_equal(store_begin(f->sh->store, &err), OD_OK);
	assert_int_equal(store_meta_set(f->sh->store, "sync.pin", bad, &err),
			 OD_OK);
	assert_int_equal(store_commit(f->sh->store, &err), OD_OK);
	assert_int_equal(sync_run_kept(f->sh, NULL, &keep, &rep, &err),
			 OD_E_AUTH);
	assert_null(keep.client);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_second_sync_reuses_the_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_closed_connection_is_made_again, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_changed_attachment_gets_a_new_client, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
