/*
 * fixture-backend.h - a real backend (app/orderdeskd) served by
 * net/https-server on a free loopback port in the test's process, and a
 * desk founded as the owner and attached to it: what the sync tests that
 * go over TLS share.
 *
 * Every helper asserts with cmocka, so it is for tests only; the test
 * program links it from $(BUILD)/libfixture.a (see the Makefile).
 */
#ifndef OD_FIXTURE_BACKEND_H
#define OD_FIXTURE_BACKEND_H

#include <pthread.h>

#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend.h"
#include "app/shop/shop.h"
#include "lib/buf.h"
#include "net/https-server.h"

#define FIXTURE_BACKEND_PASS "owner passphrase 1"

struct fixture_backend {
	char tmp[64], bk[128], desk[128], desk2[128];
	char url[64], pin[64], ca[200], cert[200], key[200];
	struct backend *b;
	struct backend_config cfg;
	struct join_guard guard;
	struct https_server *srv;
	struct shop *sh;         /* the desk, unlocked as the owner */
	pthread_mutex_t lock;    /* around the backend, as orderdeskd's */
	/* If set, may change each answer (a lying backend), under lock. */
	void (*lie)(void *ctx, const char *path, struct buf *out);
	void *lie_ctx;
};

/* Makes /tmp/NAME.XXXXXX with a backend "bk" served on a free port and a
 * desk "desk" of the same shop attached to it; "desk2" is that desk as it
 * was founded (fixture_backend_desk opens it). */
struct fixture_backend *fixture_backend_new(const char *name);

/* Serves f's backend (again) on port (0: a free one), idle timeout_s. */
void fixture_backend_serve(struct fixture_backend *f, unsigned port,
			   unsigned timeout_s);

/* Opens (unlocked as the owner) and attaches the desk in dir (f->desk2). */
struct shop *fixture_backend_desk(struct fixture_backend *f, const char *dir);

/* Stops everything and removes the folder. */
void fixture_backend_free(struct fixture_backend *f);

#endif
