/*
 * test-routes.c - orderdeskd's route table (app/orderdeskd/routes.c) on
 * a real backend in a temporary directory: which status each kind of
 * caller gets before any handler runs (404, 401, 405 naming the methods,
 * 403), and the checkpoint and proof routes' answers.
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
#include <jansson.h>

#include "app/orderdeskd/backend-join.h"
#include "app/orderdeskd/backend-proof.h"
#include "lib/merkle.h"

struct fixture {
	char parent[64], dir[96];
	struct backend *b;
	struct backend_config cfg;
	struct join_guard guard;
	struct buf out;
	char note[160];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct backend_init_report rep;
	struct od_err err;

	assert_non_null(f);
	snprintf(f->parent, sizeof f->parent, "/tmp/test-routes.%d",
		 (int)getpid());
	snprintf(f->dir, sizeof f->dir, "%s/bk", f->parent);
	assert_int_equal(mkdir(f->parent, 0700), 0);
	assert_int_equal(backend_init(f->dir, "Test shop", NULL, 0, &rep,
				      &err), OD_OK);
	assert_int_equal(backend_open(f->dir, 0, &f->b, &err), OD_OK);
	backend_config_default(&f->cfg);
	buf_init(&f->out, 1024 * 1024);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	backend_close(f->b);
	buf_free(&f->out);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->parent);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* A request from name (NULL: no certificate) as the server makes it. */
static unsigned req(struct fixture *f, const char *name, int storefront,
		    const char *method, const char *path,
		    const struct backend_args *args)
{
	const struct backend_peer peer = { name, storefront };
	static const struct backend_args none;

	buf_reset(&f->out);
	return backend_route_request(f->b, &f->guard, &f->cfg, &peer,
				     "127.0.0.1", method, path,
				     args ? args : &none, "{}", 2, &f->out,
				     f->note, sizeof f->note);
}

/* The error text of the last answer. */
static const char *error_of(struct fixture *f)
{
	static char text[256];
	json_t *o = json_loadb(f->out.data, f->out.len, 0, NULL);
	const char *e = json_string_value(json_object_get(o, "error"));

	snprintf(text, sizeof text, "%s", e ? e : "");
	json_decref(o);
	return text;
}

/* What the table answers before any handler. */
static void test_table(void **state)
{
	struct fixture *f = *state;
	const struct backend_peer desk = { "desk-1", 0 };

	assert_int_equal(req(f, "desk-1", 0, "GET", "/v1/nothing", NULL), 404);
	assert_int_equal(req(f, NULL, 0, "GET", "/v1/nothing", NULL), 401);
	assert_int_equal(req(f, NULL, 0, "GET", "/v1/checkpoint", NULL), 401);
	assert_int_equal(req(f, NULL, 0, "GET", "/v1/join", NULL), 405);
	assert_string_equal(error_of(f), "use POST for /v1/join");
	assert_int_equal(req(f, "desk-1", 0, "DELETE", "/v1/people", NULL),
			 405);
	assert_string_equal(error_of(f), "use GET or POST for /v1/people");
	assert_int_equal(req(f, "web", 1, "GET", "/v1/checkpoint", NULL), 403);
	assert_string_equal(error_of(f), "a storefront's certificate may only "
			    "post orders");
	assert_int_equal(req(f, "desk-1", 0, "POST", "/v1/orders", NULL), 403);
	assert_int_equal(req(f, "web", 1, "GET", "/v1/orders", NULL), 405);
	/* Evidence: desks only; a name no entry of the log gives is not
	 * served, a malformed one not looked up, a post that is not a file
	 * refused. */
	assert_int_equal(req(f, NULL, 0, "GET", "/v1/evidence/sha256:00",
			     NULL), 401);
	assert_int_equal(req(f, "web", 1, "POST", "/v1/evidence", NULL), 403);
	assert_int_equal(req(f, "desk-1", 0, "GET", "/v1/evidence/sha256:00",
			     NULL), 400);
	assert_int_equal(req(f, "desk-1", 0, "GET", "/v1/evidence/sha256:"
			     "000000000000000000000000000000000000000000000000"
			     "0000000000000000", NULL), 404);
	assert_string_equal(error_of(f), "no entry of the shop's log names "
			    "this evidence; push the statement first");
	assert_int_equal(req(f, "desk-1", 0, "POST", "/v1/evidence", NULL),
			 400);
	/* Without a serving backend's guard, joining is not a route. */
	buf_reset(&f->out);
	assert_int_equal(backend_route_peer(f->b, &desk, "POST", "/v1/join",
					    &(struct backend_args){ 0 }, "{}",
					    2, &f->out, f->note,
					    sizeof f->note), 404);
}

/* The checkpoint opens with the log key; proofs refuse bad asks. */
static void test_checkpoint_and_proofs(void **state)
{
	struct fixture *f = *state;
	struct note_verifier v;
	struct checkpoint c;
	struct od_err err;
	uint8_t empty[32];
	json_t *o;
	const char *note;
	size_t i;
	static const struct backend_args bad[] = {
		{ .index = "0", .size = "0" }, { .index = "0" },
		{ .index = "x", .size = "1" }, { .index = "0", .size = "1" },
		{ .old = "0", .size = "0" }, { .old = "1", .size = "1" },
	};

	assert_int_equal(req(f, "desk-1", 0, "GET", "/v1/checkpoint", NULL),
			 200);
	o = json_loadb(f->out.data, f->out.len, 0, NULL);
	note = json_string_value(json_object_get(o, "checkpoint"));
	assert_non_null(note);
	assert_int_equal(backend_log_key(f->b, &v, &err), OD_OK);
	assert_int_equal(checkpoint_open(note, strlen(note), &v, &c, &err),
			 OD_OK);
	json_decref(o);
	assert_int_equal(c.size, 0);
	assert_int_equal(merkle_root(NULL, NULL, 0, empty, &err), OD_OK);
	assert_memory_equal(c.root, empty, 32);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *path = bad[i].old ? "/v1/proof/consistency" :
				   "/v1/proof/inclusion";

		if (req(f, "desk-1", 0, "GET", path, &bad[i]) != 400)
			fail_msg("ask %zu was not refused with 400", i);
		assert_true(error_of(f)[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint_and_proofs,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
