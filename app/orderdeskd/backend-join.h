/*
 * backend-join.h - orderdeskd's routes for joining a shop and for people.
 *
 *   POST /v1/join    {"code": CODE, "request": CSR_PEM, "desk": NAME,
 *                     "founding": BOOL}
 *     The one route a client with no certificate may ask for.  The code
 *     (app/log/join-code.h) must be right, unused, unexpired and not burned;
 *     the desk's certificate request is then signed by the shop CA (the
 *     desk's key never leaves it), the code is marked used, and the answer
 *     is 200 {"certificate": PEM, "ca": PEM, "shop": NAME, "entries": N}
 *     (N: the log's length).  "founding" (the desk brings the owner)
 *     must match an empty log, or the answer is 409 and the code is kept.  A
 *     wrong code counts a try against the code its first group names (the
 *     code is burned after JOIN_CODE_TRIES) and a failure against the
 *     address: after join_fails failures in 15 minutes an address gets 429
 *     until the window ends.  Failures are 403 with the reason; the code
 *     itself is never logged or stored, only its hash.
 *
 *   POST /v1/invite  {"request": TEXT, "signature": B64}
 *     A desk's certificate and an owner's signature: TEXT is
 *       orderdesk-invite/1\nactor: NAME\nkey: FINGERPRINT\ntime: T\n
 *       nonce: HEX32\n
 *     signed with the owner's Ed25519 key as the backend's log knows it,
 *     at most JOIN_INVITE_SKEW seconds from the backend's clock, each nonce
 *     once.  200 {"code": CODE, "expires": T}; anyone but an active owner
 *     gets 403.
 *
 *   GET /v1/people   200 {"people": [{"bundle": TEXT, "signature": B64},
 *                    ...]}: every active person's newest key bundle.
 *   POST /v1/people  {"people": [...]} the same shape: each bundle must be
 *     signed by its person's key in the log (app/log/people.h); an older one
 *     than the backend has is ignored.  200 {"stored": N}.
 */
#ifndef OD_BACKEND_JOIN_H
#define OD_BACKEND_JOIN_H

#include <stddef.h>

#include "app/orderdeskd/backend.h"
#include "app/log/join-code.h"
#include "app/keys/pki.h"
#include "app/log/wire.h"
#include "lib/buf.h"
#include "lib/err.h"

#define JOIN_WINDOW_S       900     /* the per-address failure window */
/* A join's largest body: a real one (a code, a desk name, an ECDSA
 * certificate request) is under 1 KiB; the server answers 413 to more
 * before reading it, so an anonymous client cannot make it parse
 * megabytes of JSON. */
#define JOIN_BODY_MAX       (8 * 1024)
#define JOIN_GUARD_SLOTS    256     /* addresses remembered */
#define JOIN_INVITE_SKEW    300     /* seconds */

/* Failed joins per address, in memory (a restart forgets them). */
struct join_guard {
	struct {
		char addr[48];
		unsigned fails;
		long long since;
	} slot[JOIN_GUARD_SLOTS];
	unsigned max_fails;
};

/* A POST /v1/join body, read. */
struct backend_join_req {
	char code[JOIN_CODE_CHARS + 1];   /* normalized (a secret) */
	char desk[PKI_NAME_MAX + 1];      /* a certificate's common name */
	char *request;                    /* the CSR's PEM */
	int founding;
};

/*
 * Reads body ({"code", "request", "desk": strings, "founding": a boolean}
 * and nothing else).  A body of another shape or a desk name a
 * certificate cannot carry gives OD_E_INPUT, a code that is no code
 * (join_code_normalize) OD_E_AUTH.  On success the caller clears req
 * (backend_join_req_clear), which it may also do after a failure.
 */
enum od_code backend_join_parse(const char *body, size_t len,
				struct backend_join_req *req,
				struct od_err *err);

/* Wipes req's code and frees its request; then req holds nothing. */
void backend_join_req_clear(struct backend_join_req *req);

/*
 * Issues a new one-time code in b's store, living ttl seconds: *code (the
 * caller shows it once) and *expires.  Only its hash is kept.
 */
enum od_code backend_join_code(struct backend *b, long long ttl,
			       char code[JOIN_CODE_LEN + 1],
			       long long *expires, struct od_err *err);

/*
 * Counts a join from addr that the server refused before it reached the
 * routes (its body over JOIN_BODY_MAX: 413) as a failed try, like any
 * other malformed join.
 */
void backend_join_refused(struct join_guard *g, const char *addr);

/*
 * Answers one request through the route table (routes.h): the routes
 * above, and every other one.  addr is the client's IP address, for the
 * guard; args the query's arguments.  A peer with no name (no
 * certificate) is answered on POST /v1/join only (401 otherwise).
 */
unsigned backend_route_request(struct backend *b, struct join_guard *g,
			       const struct backend_config *cfg,
			       const struct backend_peer *peer,
			       const char *addr, const char *method,
			       const char *path, const struct backend_args *args,
			       const char *body, size_t len, struct buf *out,
			       char *note, size_t note_size);

#endif
