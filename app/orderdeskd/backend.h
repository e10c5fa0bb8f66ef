/*
 * backend.h - orderdeskd's rules: its directory, its store, its routes.
 *
 * A backend directory (mode 0700) holds, every file mode 0600:
 *   orderdesk.db     the shop's log and folded state, encrypted with the
 *                    spine's VFS (storage/store.h) under a random data key
 *   backend.key      that data key and the backend's Ed25519 head-signing
 *                    seed, hex: the backend has no person to type a
 *                    passphrase at serve time, so the file's mode and the
 *                    disk's encryption are what protect it (as for an SSH
 *                    host key); a key file others can read is refused
 *   ca.pem ca.key    the shop CA, which certifies desks and the server
 *   server.pem server.key   the TLS server certificate (127.0.0.1,
 *                    localhost and every --host)
 *   orderdeskd.conf  limits, "name = value" lines, reread on SIGHUP
 *   revoked          revoked client certificates, a line "SERIAL NAME"
 *                    each (serial in lower-case hex): a serving backend
 *                    rereads it whenever it changes and refuses them (403)
 *   join/            the first desk's bundle: ca.pem desk.pem desk.key
 *   storefronts/NAME/   a storefront's bundle: ca.pem storefront.pem
 *                    storefront.key (its certificate's unit says
 *                    "storefront", app/keys/pki.h)
 *   storefront-keys/NAME.key   the Ed25519 seed the backend signs that
 *                    storefront's orders with, hex; never handed out
 *   lock             held by a serving backend
 *
 * The wire (HTTP/1.1 + JSON, DESIGN.md section 5):
 *
 *   GET /v1/log?after=SEQ[&limit=N]
 *     200 {"entries": [{"seq": N, "statement": TEXT, "signature": B64,
 *                       "hash": HEX}, ...], "head": HEAD}
 *     entries in seq order after SEQ, at most N (and at most max_page) and
 *     at most about PAGE_BYTES of statements; ask again after the last.
 *
 *   POST /v1/statements  {"statements": [{"statement": TEXT,
 *                                         "signature": B64}, ...]}
 *     200 {"receipts": [RECEIPT, ...], "head": HEAD}, a receipt per
 *     statement in order, each {"id": ID, "result": "accepted", "seq": N},
 *     {"id": ID, "result": "duplicate", "seq": N} (that id is already in
 *     the log: no second effect) or {"result": "refused", "reason": TEXT}
 *     (with "id" when the statement parsed).  A body that is not exactly
 *     this shape gives 400, more than max_batch statements 413.
 *
 *   POST /v1/orders  the import JSON (app/import/import.h,
 *                    assets/import-format.md)
 *     Only from a storefront's certificate (a desk gets 403; a storefront
 *     gets 403 on the two routes above).  Each order becomes an
 *     order.placed statement whose actor is the storefront, signed by the
 *     backend with that storefront's key: the log names the storefront, and
 *     the fold accepts it only once the owner has added the storefront as a
 *     user with role "storefront" and that key (`orderdesk sync
 *     --approve-storefront NAME --key KEY`).
 *     200 {"receipts": [{"order": NUMBER, "result": "accepted", "id": ID,
 *     "seq": N} | {"order": NUMBER, "result": "refused", "reason": TEXT},
 *     ...], "head": HEAD}, one per order in the body's order: a number
 *     already in the log is refused, with no second effect.  A body that
 *     does not parse as a whole gives 400 naming the order and field,
 *     more than max_batch orders 413, a storefront not (or no longer)
 *     approved in the log 403 saying what to do.
 *
 *   GET /v1/checkpoint, /v1/proof/inclusion, /v1/proof/consistency
 *     the log's signed checkpoint and Merkle proofs: backend-proof.h.
 *
 *   Every route is a line of the one table in routes.c (method, path, who
 *   may, handler); joining, invites and people are in backend-join.h.
 *
 *   A certificate listed in revoked gets 403 on every route (the server
 *   asks backend_revoked before reading a request's body).
 *
 *   HEAD = {"seq": N, "hash": HEX, "time": T, "key": B64, "signature": B64}
 *     the backend's Ed25519 signature (key: its raw public key) over the
 *     text wire_head_text builds (app/log/wire.h).
 *
 * Errors are {"error": TEXT} with a 4xx or 5xx status.
 */
#ifndef OD_BACKEND_H
#define OD_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "app/orderdeskd/witness-conf.h"
#include "lib/buf.h"
#include "lib/err.h"
#include "storage/store.h"

#define BACKEND_DB_FILE     "orderdesk.db"
#define BACKEND_KEY_FILE    "backend.key"
#define BACKEND_CONF_FILE   "orderdeskd.conf"
#define BACKEND_JOIN_DIR    "join"
#define BACKEND_PAGE_BYTES  (4 * 1024 * 1024)
#define BACKEND_HOSTS_MAX   16
#define BACKEND_REVOKED     "revoked"
#define BACKEND_REVOKED_MAX 100000       /* certificates in the list */
#define BACKEND_SF_DIR      "storefronts"
#define BACKEND_SF_KEYS     "storefront-keys"

/* The limits and address, from orderdeskd.conf; each has a default. */
struct backend_config {
	char address[64];          /* listen = 127.0.0.1:8443 */
	unsigned port;
	unsigned max_connections;  /* max_connections = 64 */
	unsigned max_per_ip;       /* max_per_ip = 16 */
	size_t max_body;           /* max_body = 4194304 (bytes) */
	unsigned timeout_s;        /* timeout = 15 (seconds idle) */
	unsigned request_time_s;   /* request_time = 30 (seconds per request) */
	unsigned max_batch;        /* max_batch = 500 (statements) */
	unsigned max_page;         /* max_page = 1000 (entries per pull) */
	unsigned join_ttl_s;       /* join_ttl = 86400 (seconds a join code
				      from `desk invite` lives) */
	unsigned join_fails;       /* join_fails = 10 (failed joins per
				      address per 15 minutes, then 429) */
	struct witness_conf witnesses;  /* witness = VKEY URL [CA-FILE] */
	char webhooks[64];         /* webhooks = ADDRESS:PORT, with */
	char webhooks_cert[1024];  /* webhooks_cert = FILE and */
	char webhooks_key[1024];   /* webhooks_key = FILE ("": none; as
				      serve --webhooks, webhook-listen.h) */
};

/* Fills cfg with the defaults. */
void backend_config_default(struct backend_config *cfg);

/*
 * Reads dir/orderdeskd.conf over the defaults.  A missing file keeps the
 * defaults; an unknown name or a bad value gives OD_E_INPUT naming the line.
 */
enum od_code backend_config_load(const char *dir, struct backend_config *cfg,
				 struct od_err *err);

/* Parses "ADDRESS:PORT" (IPv4) into cfg; anything else gives OD_E_USAGE. */
enum od_code backend_config_listen(struct backend_config *cfg,
				   const char *spec, struct od_err *err);

/* What backend_init made, for the owner to hand to the first desk. */
struct backend_init_report {
	char pin[64];                /* the server key's pin */
	char head_key[64];           /* base64 of the head-signing public key */
	char log_key[320];           /* the log's verifier key, NAME+ID+B64
					(app/log/checkpoint.h) */
};

/*
 * Makes a new backend directory for shop: keys, certificates (the server's
 * naming 127.0.0.1, localhost and each of hosts), an empty encrypted store,
 * the default configuration and the first desk's bundle in join/.  dir must
 * not hold a backend yet.
 */
enum od_code backend_init(const char *dir, const char *shop,
			  const char *const *hosts, size_t nhosts,
			  struct backend_init_report *rep, struct od_err *err);

struct backend;
struct import_reader;

/*
 * Opens the backend in dir: its key file, store and head key.  When serve
 * is set, takes the directory's lock (another serving backend gives
 * OD_E_BUSY).  *out is the caller's (backend_close).
 */
enum od_code backend_open(const char *dir, int serve, struct backend **out,
			  struct od_err *err);

/* Closes the store, wipes the keys, drops the lock; NULL is a no-op. */
void backend_close(struct backend *b);

/* The backend's store (borrowed), e.g. for ledger_verify. */
struct store *backend_store(struct backend *b);

/*
 * The backend's Ed25519 head key (borrowed): it signs the heads of its
 * answers and the log's checkpoints (backend-proof.h).
 */
const struct sigkey *backend_head_key(const struct backend *b);

/* The backend's directory and shop name (borrowed). */
const char *backend_dir(const struct backend *b);
const char *backend_shop(const struct backend *b);

/* Sets the limits the routes apply (max_batch, max_page). */
void backend_set_config(struct backend *b, const struct backend_config *cfg);

/* Reads a PEM file of dir (ca.pem, server.pem, ...); *pem is the caller's. */
enum od_code backend_read_pem(const char *dir, const char *name, char **pem,
			      struct od_err *err);

/* What a storefront's key is, for the owner to approve it in the log. */
struct backend_storefront_report {
	char pubkey[64];             /* base64 of its Ed25519 public key */
};

/*
 * Makes a storefront for the backend in dir: its client certificate bundle
 * in storefronts/NAME/ and its signing key in storefront-keys/.  name is a
 * user name of the shop (1..32 of a-z 0-9 . _ -, starting with a letter);
 * one that exists gives OD_E_EXISTS.
 */
enum od_code backend_storefront_add(const char *dir, const char *name,
				    struct backend_storefront_report *rep,
				    struct od_err *err);

/*
 * Revokes the client certificates named name: a desk's (desks/NAME/ and,
 * for the first desk's name, join/) when storefront is 0, else the
 * storefront's.  Their serials are added to dir/revoked; a serving backend
 * refuses them from their next request on.  A name with no certificate
 * gives OD_E_NOTFOUND; one already revoked OD_E_STATE.
 */
enum od_code backend_revoke(const char *dir, const char *name, int storefront,
			    struct od_err *err);

/*
 * Whether the certificate with this serial (lower-case hex) is revoked,
 * rereading dir/revoked when it has changed.  A list that cannot be read
 * (other than missing) refuses every certificate: revocation fails closed.
 */
int backend_revoked(struct backend *b, const char *serial);

/* Who sent a request: the client certificate's name and kind. */
struct backend_peer {
	const char *name;            /* NULL: no certificate (joining): only
					POST /v1/join is answered, by
					app/orderdeskd/backend-join.h */
	int storefront;              /* its unit is PKI_STOREFRONT_UNIT */
};

/* The query arguments the routes read: each the value or NULL. */
struct backend_args {
	const char *after, *limit;        /* GET /v1/log */
	const char *index, *size, *old;   /* GET /v1/proof/... */
	const char *hook_sig, *hook_topic, *hook_id;  /* webhooks (webhook.h) */
	const char *accept;               /* the Accept header, or NULL */
};

struct https_request;

/* Fills a with req's query arguments (borrowed from req) (routes.c). */
void backend_args_from(const struct https_request *req,
		       struct backend_args *a);

/* The content type of this thread's last answer with status (NULL:
 * JSON), as net/https-server.h's content_type hook asks (answer-type.c). */
const char *backend_route_content_type(void *ctx, unsigned status);

/*
 * Answers one request from peer (see the wire above) through the route
 * table (routes.h), without the routes that need a serving backend
 * (joining, invites, people: 404): writes the JSON answer to out and
 * returns the HTTP status.  note gets a short line for the log, with
 * counts only: never a statement's content.
 */
unsigned backend_route_peer(struct backend *b, const struct backend_peer *peer,
			    const char *method, const char *path,
			    const struct backend_args *args, const char *body,
			    size_t len, struct buf *out, char *note,
			    size_t note_size);

/* What happened to one order of an import. */
typedef void (*backend_order_fn)(void *ctx, const char *number,
				 long long seq, const char *reason);

/*
 * Places the orders of data[0..len) (the import JSON or CSV) as the
 * storefront name, as POST /v1/orders does, each in its own transaction:
 * cb (may be NULL) hears of each, with seq > 0 when accepted, else the
 * reason.  A file that does not parse gives OD_E_INPUT and places nothing;
 * an unknown storefront OD_E_NOTFOUND.  *accepted counts the placed ones.
 */
enum od_code backend_import(struct backend *b, const char *name,
			    const char *data, size_t len, backend_order_fn cb,
			    void *ctx, size_t *accepted, struct od_err *err);

/*
 * backend_import from an import file being read (app/import/import.h): it
 * is read once to check it whole, then again to place its orders one at a
 * time, so a file of any size is never held in memory.  Should the file
 * change between the two readings, the orders before the change stay
 * placed and the error is returned.
 */
enum od_code backend_import_from(struct backend *b, const char *name,
				 struct import_reader *in,
				 backend_order_fn cb, void *ctx,
				 size_t *accepted, struct od_err *err);

/*
 * The key the backend signs storefront name's statements with, once the
 * owner has approved it in the log (as POST /v1/orders checks): *k is the
 * caller's (sigkey_free), fp its fingerprint.  A storefront not approved,
 * or revoked, gives OD_E_DENIED saying what to do; an unknown one
 * OD_E_NOTFOUND.  For the webhooks (webhook.h).
 */
enum od_code backend_storefront_signer(struct backend *b, const char *name,
				       struct sigkey **k,
				       char fp[SIGKEY_FP_LEN + 1],
				       struct od_err *err);

/*
 * Writes {"error": msg} into out for an answer with status, and msg into
 * note (for the log line); returns status, or 500 if out of memory.
 */
unsigned backend_reply_error(struct buf *out, unsigned status, const char *msg,
			     char *note, size_t note_size);

/* Answers one request from a desk: backend_route_peer with a desk peer. */
unsigned backend_route(struct backend *b, const char *method,
		       const char *path, const char *arg_after,
		       const char *arg_limit, const char *body, size_t len,
		       struct buf *out, char *note, size_t note_size);

#endif
