/*
 * test-sync-keep.c - a desk's sync keeps its connection from one sync to
 * the next (sync_run_kept, as the desk's sync thread does): the second
 * sync makes no new connection, so no new mutual TLS handshake, while a
 * sync that keeps nothing connects every time; a connection the backend
 * closed meanwhile is made again; a changed attachment gets a new client.
 * A real backend (app/orderdeskd) is served by net/https-server on a free
 * loopback port in this process, on its pool of threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend.h"
#include "app/shop/shop.h"
#include "app/sync/sync.h"
#include "net/https-server.h"

#define PASS "owner passphrase 1"

struct fix {
	char tmp[64], bk[128], desk[128];
	char url[64], pin[64], ca[200], cert[200], key[200];
	struct backend *b;
	struct backend_config cfg;
	struct join_guard guard;
	struct https_server *srv;
	struct shop *sh;
	pthread_mutex_t lock;
};

static unsigned handle(void *ctx, const struct https_request *req,
		       struct buf *out)
{
	struct fix *f = ctx;
	struct backend_peer peer = { req->anonymous ? NULL : req->peer, 0 };
	struct backend_args args;
	char note[160];
	unsigned status;

	backend_args_from(req, &args);
	pthread_mutex_lock(&f->lock);
	status = backend_route_request(f->b, &f->guard, &f->cfg, &peer,
				       req->peer_addr, req->method, req->path,
				       &args, req->body, req->len, out, note,
				       sizeof note);
	pthread_mutex_unlock(&f->lock);
	return status;
}

/* Serves the backend (again) with an idle timeout of timeout_s. */
static void serve(struct fix *f, unsigned port, unsigned timeout_s)
{
	struct https_config hc;
	char *cert = NULL, *key = NULL, *ca = NULL;
	struct od_err err;

	assert_int_equal(backend_read_pem(f->bk, "server.pem", &cert, &err),
			 OD_OK);
	assert_int_equal(backend_read_pem(f->bk, "server.key", &key, &err),
			 OD_OK);
	assert_int_equal(backend_read_pem(f->bk, "ca.pem", &ca, &err), OD_OK);
	memset(&hc, 0, sizeof hc);
	hc.cert_pem = cert;
	hc.key_pem = key;
	hc.ca_pem = ca;
	hc.address = "127.0.0.1";
	hc.port = port;
	hc.max_connections = 16;
	hc.max_per_ip = 16;
	hc.max_body = 4 * 1024 * 1024;
	hc.max_response = 3 * BACKEND_PAGE_BYTES + 1024 * 1024;
	hc.timeout_s = timeout_s;
	hc.handler = handle;
	hc.ctx = f;
	assert_int_equal(https_server_start(&hc, &f->srv, &err), OD_OK);
	free(cert);
	free(key);
	free(ca);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof *f);
	struct backend_init_report rep;
	struct sync_attach a;
	struct od_err err;

	assert_non_null(f);
	snprintf(f->tmp, sizeof f->tmp, "/tmp/test-sync-keep.XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->bk, sizeof f->bk, "%s/bk", f->tmp);
	snprintf(f->desk, sizeof f->desk, "%s/desk", f->tmp);
	pthread_mutex_init(&f->lock, NULL);
	assert_int_equal(backend_init(f->bk, "Keep shop", NULL, 0, &rep, &err),
			 OD_OK);
	assert_int_equal(backend_open(f->bk, 1, &f->b, &err), OD_OK);
	backend_config_default(&f->cfg);
	serve(f, 0, 30);
	snprintf(f->url, sizeof f->url, "https://127.0.0.1:%u",
		 https_server_port(f->srv));
	snprintf(f->pin, sizeof f->pin, "%s", rep.pin);
	snprintf(f->ca, sizeof f->ca, "%s/join/ca.pem", f->bk);
	snprintf(f->cert, sizeof f->cert, "%s/join/desk.pem", f->bk);
	snprintf(f->key, sizeof f->key, "%s/join/desk.key", f->bk);
	assert_int_equal(shop_init(f->desk, "Keep shop", "owner", PASS,
				   strlen(PASS), &err), OD_OK);
	assert_int_equal(shop_unlock(f->desk, "owner", PASS, strlen(PASS),
				     SHOP_WRITE, &f->sh, &err), OD_OK);
	memset(&a, 0, sizeof a);
	a.url = f->url;
	a.pin = f->pin;
	a.ca = f->ca;
	a.cert = f->cert;
	a.key = f->key;
	assert_int_equal(sync_attach(f->sh, &a, &err), OD_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	shop_close(f->sh);
	https_server_stop(f->srv);
	backend_close(f->b);
	pthread_mutex_destroy(&f->lock);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->tmp);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Syncs once, keeping the connection in keep (or not: NULL); returns the
 * new connections it made. */
static long sync_once(struct fix *f, struct sync_conn *keep)
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
	struct fix *f = *state;
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
	struct fix *f = *state;
	struct sync_conn keep = { NULL };
	unsigned port = https_server_port(f->srv);

	assert_int_equal(sync_once(f, &keep), 1);
	https_server_stop(f->srv);
	f->srv = NULL;
	serve(f, port, 30);
	assert_int_equal(sync_once(f, &keep), 1);
	assert_int_equal(sync_once(f, &keep), 0);
	sync_conn_close(&keep);
}

/* Another pin (another backend): the kept client is not used. */
static void test_changed_attachment_gets_a_new_client(void **state)
{
	struct fix *f = *state;
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
