/*
 * fuzz-join-request.c - libFuzzer target for the body of POST /v1/join as
 * orderdeskd reads it (backend_join_parse), the one request a client with
 * no certificate may send.
 *
 * A refusal must be OD_E_INPUT (shape, desk name) or OD_E_AUTH (no code)
 * with a message and nothing left in the request.  What is accepted must
 * be what a desk could send: a normalized code, a desk name a certificate
 * can carry (never a path), and a body that, built again the way the desk
 * builds it (app/sync/join.c, post_join), reads back the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/orderdeskd/backend-join.h"
#include "app/keys/pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless req holds nothing. */
static void expect_empty(const struct backend_join_req *req)
{
	if (req->code[0] != '\0' || req->desk[0] != '\0' ||
	    req->request != NULL || req->founding != 0)
		abort();
}

/* Builds the body as the desk does and checks it reads back the same. */
static void round_trip(const struct backend_join_req *req)
{
	struct backend_join_req again;
	struct od_err err;
	char *body;
	json_t *j;

	j = json_pack("{s:s,s:s,s:s,s:b}", "code", req->code, "request",
		      req->request, "desk", req->desk, "founding",
		      req->founding);
	body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (body == NULL)
		return;
	if (backend_join_parse(body, strlen(body), &again, &err) != OD_OK ||
	    strcmp(again.code, req->code) != 0 ||
	    strcmp(again.desk, req->desk) != 0 ||
	    strcmp(again.request, req->request) != 0 ||
	    again.founding != req->founding)
		abort();
	backend_join_req_clear(&again);
	free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	struct backend_join_req req;
	struct od_err err;

	od_err_clear(&err);
	if (backend_join_parse((const char *)data, size, &req,
			       &err) != OD_OK) {
		if ((err.code != OD_E_INPUT && err.code != OD_E_AUTH &&
		     err.code != OD_E_NOMEM) || err.msg[0] == '\0')
			abort();
		expect_empty(&req);
		return 0;
	}
	if (strlen(req.code) != JOIN_CODE_CHARS ||
	    strspn(req.code, alphabet) != JOIN_CODE_CHARS ||
	    !pki_name_ok(req.desk) || strchr(req.desk, '/') != NULL ||
	    strcmp(req.desk, "..") == 0 || req.request == NULL ||
	    (req.founding != 0 && req.founding != 1))
		abort();
	round_trip(&req);
	backend_join_req_clear(&req);
	expect_empty(&req);
	return 0;
}
