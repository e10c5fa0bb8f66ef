/* fixture-backend.c - a backend served in the test's process and a desk
 * attached to it (fixture-backend.h). */
#include "tests/unit/fixture-backend.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/sync/sync.h"

static unsigned handle(void *ctx, const struct https_request *req,
		       struct buf *out)
{
	struct fixture_backend *f = ctx;
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
	if (f->lie != NULL)
		f->lie(f->lie_ctx, req->path, out);
	pthread_mutex_unlock(&f->lock);
	return status;
}

void fixture_backend_serve(struct fixture_backend *f, unsigned port,
			   unsigned timeout_s)
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

struct shop *fixture_backend_desk(struct fixture_backend *f, const char *dir)
{
	struct sync_attach a;
	struct shop *sh = NULL;
	struct od_err err;
	enum od_code rc;

	rc = shop_unlock(dir, "owner", FIXTURE_BACKEND_PASS,
			 strlen(FIXTURE_BACKEND_PASS), SHOP_WRITE, &sh, &err);
	if (rc != OD_OK)
		fail_msg("unlocking %s: %s", dir, err.msg);
	memset(&a, 0, sizeof a);
	a.url = f->url;
	a.pin = f->pin;
	a.ca = f->ca;
	a.cert = f->cert;
	a.key = f->key;
	assert_int_equal(sync_attach(sh, &a, &err), OD_OK);
	return sh;
}

struct fixture_backend *fixture_backend_new(const char *name)
{
	struct fixture_backend *f = calloc(1, sizeof *f);
	struct backend_init_report rep;
	struct od_err err;
	char cmd[300];

	assert_non_null(f);
	snprintf(f->tmp, sizeof f->tmp, "/tmp/%s.XXXXXX", name);
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->bk, sizeof f->bk, "%s/bk", f->tmp);
	snprintf(f->desk, sizeof f->desk, "%s/desk", f->tmp);
	snprintf(f->desk2, sizeof f->desk2, "%s/desk2", f->tmp);
	pthread_mutex_init(&f->lock, NULL);
	assert_int_equal(backend_init(f->bk, "Fixture shop", NULL, 0, &rep,
				      &err), OD_OK);
	assert_int_equal(backend_open(f->bk, 1, &f->b, &err), OD_OK);
	backend_config_default(&f->cfg);
	fixture_backend_serve(f, 0, 30);
	snprintf(f->url, sizeof f->url, "https://127.0.0.1:%u",
		 https_server_port(f->srv));
	snprintf(f->pin, sizeof f->pin, "%s", rep.pin);
	snprintf(f->ca, sizeof f->ca, "%s/join/ca.pem", f->bk);
	snprintf(f->cert, sizeof f->cert, "%s/join/desk.pem", f->bk);
	snprintf(f->key, sizeof f->key, "%s/join/desk.key", f->bk);
	assert_int_equal(shop_init(f->desk, "Fixture shop", "owner",
				   FIXTURE_BACKEND_PASS,
				   strlen(FIXTURE_BACKEND_PASS), &err), OD_OK);
	snprintf(cmd, sizeof cmd, "cp -a '%s' '%s'", f->desk, f->desk2);
	assert_int_equal(system(cmd), 0);
	f->sh = fixture_backend_desk(f, f->desk);
	return f;
}

void fixture_backend_free(struct fixture_backend *f)
{
	char cmd[128];

	shop_close(f->sh);
	https_server_stop(f->srv);
	backend_close(f->b);
	pthread_mutex_destroy(&f->lock);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->tmp);
	assert_int_equal(system(cmd), 0);
	free(f);
}
