/*
 * routes.h - orderdeskd's one route table: for each method and path, who
 * may call it and which handler answers (routes.c).
 *
 * The dispatcher answers what every route shares, in this order: a path
 * of no route gets 404 (401 without a certificate), a path whose routes
 * take other methods 405 naming them, a caller the route is not for 403
 * (a storefront only posts orders; only a storefront does), a request
 * without a certificate 401 on every route but joining.  The handler then
 * sees only requests it may answer.
 *
 * The handlers live beside the rules they apply (backend-log.c,
 * backend-push.c, backend-orders.c, backend-join.c, backend-invite.c,
 * backend-people.c, backend-proof.c) and take one struct route_call.  The
 * entry points (backend_route_request, backend_route_peer, backend_route)
 * are declared with the rest of the backend's interface (backend.h,
 * backend-join.h) and defined in routes.c.
 */
#ifndef OD_ROUTES_H
#define OD_ROUTES_H

#include <stddef.h>

#include "app/orderdeskd/answer-type.h"
#include "app/orderdeskd/backend.h"
#include "app/orderdeskd/backend-join.h"
#include "lib/buf.h"

/* One request, as a handler sees it. */
struct route_call {
	struct backend *b;
	struct join_guard *guard;            /* NULL when not serving */
	const struct backend_config *cfg;    /* NULL when not serving */
	const struct backend_peer *peer;
	const char *addr;                    /* the client's IP address */
	const struct backend_args *args;
	const char *body;
	size_t len;
	struct buf *out;                     /* the JSON answer */
	char *note;                          /* a line for the log */
	size_t note_size;
	const char *path;                    /* the request's */
};

/* backend-log.c, backend-push.c, backend-orders.c */
unsigned backend_get_log(const struct route_call *c);
unsigned backend_post_statements(const struct route_call *c);
unsigned backend_post_orders(const struct route_call *c);

/* backend-join.c, backend-invite.c, backend-people.c (need a serving
 * backend: guard and cfg) */
unsigned backend_post_join(const struct route_call *c);
unsigned backend_post_invite(const struct route_call *c);
unsigned backend_get_people(const struct route_call *c);
unsigned backend_post_people(const struct route_call *c);

/* backend-proof.c */
unsigned backend_get_checkpoint(const struct route_call *c);
unsigned backend_post_cosignature(const struct route_call *c);
unsigned backend_get_inclusion(const struct route_call *c);
unsigned backend_get_consistency(const struct route_call *c);

/* backend-evidence.c */
unsigned backend_post_evidence(const struct route_call *c);
unsigned backend_get_evidence(const struct route_call *c);

/* backend-unlock-fails.c */
unsigned backend_post_unlock_fails(const struct route_call *c);

/* backend-events-summary.c: the owner's, checked by their signature */
unsigned backend_post_events_summary(const struct route_call *c);

#endif
