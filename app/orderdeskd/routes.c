/* routes.c - orderdeskd's route table and the dispatcher over it. */
#include "app/orderdeskd/routes.h"

#include <stdio.h>
#include <string.h>

#include "app/log/evidence-wire.h"
#include "app/log/wire.h"
#include "app/orderdeskd/webhook.h"
#include "net/https-server.h"

/* Who may call a route. */
enum route_who {
	WHO_ANYONE,        /* even without a certificate: joining */
	WHO_DESK,          /* a desk's certificate */
	WHO_STOREFRONT     /* a storefront's certificate */
};

struct route {
	const char *method;
	const char *path;
	enum route_who who;
	int serving;       /* needs the join guard: a serving backend's */
	unsigned (*handler)(const struct route_call *c);
};

static const struct route routes[] = {
	{ "POST", WIRE_JOIN_PATH, WHO_ANYONE, 1, backend_post_join },
	{ "POST", "/v1/invite", WHO_DESK, 1, backend_post_invite },
	{ "GET", "/v1/people", WHO_DESK, 1, backend_get_people },
	{ "POST", "/v1/people", WHO_DESK, 1, backend_post_people },
	{ "GET", "/v1/log", WHO_DESK, 0, backend_get_log },
	{ "POST", "/v1/statements", WHO_DESK, 0, backend_post_statements },
	{ "POST", "/v1/orders", WHO_STOREFRONT, 0, backend_post_orders },
	{ "GET", "/v1/checkpoint", WHO_DESK, 0, backend_get_checkpoint },
	{ "POST", "/v1/cosignature", WHO_DESK, 0, backend_post_cosignature },
	{ "POST", EVIDENCE_WIRE_PATH, WHO_DESK, 0, backend_post_evidence },
	{ "GET", EVIDENCE_WIRE_PATH "/", WHO_DESK, 0, backend_get_evidence },
	{ "POST", "/v1/unlock-failures", WHO_DESK, 0, backend_post_unlock_fails },
	/* The owner's: the handler checks the signed request's role. */
	{ "POST", WIRE_EVENTS_PATH, WHO_DESK, 0, backend_post_events_summary },
	{ "GET", "/v1/proof/inclusion", WHO_DESK, 0, backend_get_inclusion },
	{ "GET", "/v1/proof/consistency", WHO_DESK, 0,
	  backend_get_consistency },
	/* A path ending in '/' is every path under it: the rest is the
	 * handler's. */
	{ "POST", WEBHOOK_PREFIX, WHO_ANYONE, 1, backend_post_webhook },
};

#define NROUTES (sizeof routes / sizeof routes[0])

/* Refuses a request with status and msg (a shorthand). */
static unsigned refuse(const struct route_call *c, unsigned status,
		       const char *msg)
{
	return backend_reply_error(c->out, status, msg, c->note,
				   c->note_size);
}

/* Whether path is route's path, or under it when that ends in '/'. */
static int path_is(const char *route, const char *path)
{
	size_t n = strlen(route);

	return route[n - 1] == '/' ? strncmp(route, path, n) == 0 :
	       strcmp(route, path) == 0;
}

/* Answers method path for c through the table. */
static unsigned dispatch(const char *method, const char *path,
			 const struct route_call *c)
{
	const struct route *r = NULL;
	char allowed[64] = "", msg[160];
	int open_path = 0, known = 0;
	size_t i;

	route_answer_type(NULL);
	for (i = 0; i < NROUTES; i++) {
		if ((routes[i].serving && c->guard == NULL) ||
		    !path_is(routes[i].path, path))
			continue;
		known = 1;
		open_path |= routes[i].who == WHO_ANYONE;
		snprintf(allowed + strlen(allowed),
			 sizeof allowed - strlen(allowed), "%s%s",
			 allowed[0] ? " or " : "", routes[i].method);
		if (strcmp(routes[i].method, method) == 0)
			r = &routes[i];
	}
	if (c->peer->name == NULL && !open_path)
		return refuse(c, 401, "a client certificate is required");
	if (!known)
		return refuse(c, 404, "no such route; see backend.h");
	if (r == NULL) {
		snprintf(msg, sizeof msg, "use %s for %.80s", allowed, path);
		return refuse(c, 405, msg);
	}
	if (r->who == WHO_DESK && c->peer->storefront)
		return refuse(c, 403, "a storefront's certificate may only "
			      "post orders");
	if (r->who == WHO_STOREFRONT && !c->peer->storefront)
		return refuse(c, 403, "only a storefront's certificate may "
			      "post orders; a desk pushes statements");
	return r->handler(c);
}

void backend_args_from(const struct https_request *req,
		       struct backend_args *a)
{
	a->after = https_request_arg(req, "after");
	a->limit = https_request_arg(req, "limit");
	a->index = https_request_arg(req, "index");
	a->size = https_request_arg(req, "size");
	a->old = https_request_arg(req, "old");
	webhook_args_from(req, a);
	a->accept = https_request_header(req, "Accept");
}

unsigned backend_route_request(struct backend *b, struct join_guard *g,
			       const struct backend_config *cfg,
			       const struct backend_peer *peer,
			       const char *addr, const char *method,
			       const char *path, const struct backend_args *args,
			       const char *body, size_t len, struct buf *out,
			       char *note, size_t note_size)
{
	const struct route_call c = { b, g, cfg, peer, addr, args, body, len,
				      out, note, note_size, path };

	g->max_fails = cfg->join_fails;
	return dispatch(method, path, &c);
}

unsigned backend_route_peer(struct backend *b, const struct backend_peer *peer,
			    const char *method, const char *path,
			    const struct backend_args *args, const char *body,
			    size_t len, struct buf *out, char *note,
			    size_t note_size)
{
	const struct route_call c = { b, NULL, NULL, peer, "", args, body, len,
				      out, note, note_size, path };

	return dispatch(method, path, &c);
}

unsigned backend_route(struct backend *b, const char *method,
		       const char *path, const char *arg_after,
		       const char *arg_limit, const char *body, size_t len,
		       struct buf *out, char *note, size_t note_size)
{
	const struct backend_peer desk = { "", 0 };
	const struct backend_args args = { arg_after, arg_limit, NULL, NULL,
					   NULL, NULL, NULL, NULL, NULL };

	return backend_route_peer(b, &desk, method, path, &args, body, len,
				  out, note, note_size);
}
