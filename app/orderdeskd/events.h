/*
 * events.h - orderdeskd's security event log.
 *
 * Every event an owner or an administrator would want to trace (a refused
 * certificate, a wrong join code, a refused statement, a limit hit, a
 * revoked desk) is said at once, to journald with structured fields and a
 * MESSAGE_ID per kind when the backend runs under systemd (JOURNAL_STREAM
 * set), else as a line on stderr, and kept in the backend's encrypted
 * store (storage/store-events.h), where `orderdeskd events` lists them.
 *
 * Fields are cleaned before anything sees them: an address is an IP
 * literal or nothing, a name printable ASCII (64 at most), and a detail
 * printable ASCII with anything quoted in it replaced by "(...)", so a
 * refusal's reason that quotes what it refused cannot carry a customer's
 * data into the log.  No secret is ever passed in: join codes,
 * statements and keys stay out by construction (the callers pass reasons
 * and names only).
 *
 * Thread-safe: the server's threads say events as they happen; they are
 * queued (EVENTS_QUEUE at most; past that they are counted, and the count
 * kept as an "events-dropped" event) until the caller that holds the
 * store alone writes them (events_flush).
 */
#ifndef OD_EVENTS_H
#define OD_EVENTS_H

#include "lib/err.h"
#include "storage/store.h"

#define EVENTS_QUEUE 1024

enum event_kind {
	EVENT_CERT_REFUSED,      /* a certificate the handshake refused */
	EVENT_CERT_REVOKED,      /* a revoked certificate refused */
	EVENT_HANDSHAKE,         /* a TLS handshake that failed otherwise */
	EVENT_REQUEST_REFUSED,   /* a malformed request, or no certificate */
	EVENT_JOIN_WRONG,        /* a wrong, used, expired or bad join */
	EVENT_JOIN_BURNED,       /* a join with a burned code */
	EVENT_JOIN_LIMIT,        /* an address over join_fails (429) */
	EVENT_JOIN_REFUSED,      /* a right code, but the wrong kind of join */
	EVENT_STMT_REFUSED,      /* a statement refused, with its reason */
	EVENT_STMT_REPLAYED,     /* an id in the log sent with other content */
	EVENT_LIMIT_CONNECTIONS, /* max_connections */
	EVENT_LIMIT_PER_IP,      /* max_per_ip */
	EVENT_LIMIT_BODY,        /* max_body */
	EVENT_LIMIT_TIME,        /* request_time */
	EVENT_DESK_REVOKED,      /* `desk revoke` or `storefront revoke` */
	EVENT_HOOK_SIGNATURE,    /* a webhook's wrong or missing HMAC */
	EVENT_WITNESS_REFUSED,   /* a witness refused the log's checkpoint:
				    a fork alarm (backend-witness.h) */
	EVENT_DROPPED,           /* events lost to a full queue */
	EVENT_UNLOCK_FAILED,     /* failed unlocks a desk reported */
	EVENT_KINDS
};

/* A kind's name ("join-wrong", ...), and the kind of a name (-1: none). */
const char *event_kind_name(enum event_kind kind);
int event_kind_parse(const char *name);

/*
 * Sets the request this thread is serving: its client's address and its
 * certificate's name (NULL: none), for the events said while it is
 * served with no address or name of their own.  NULLs end it.
 */
void events_request(const char *addr, const char *name);

/* Says an event (addr, name: NULL for the current request's). */
void event_say(enum event_kind kind, const char *addr, const char *name,
	       const char *detail);

/* A statement refused with reason: replayed when its id is logged with
 * other content, else refused. */
void event_statement(const char *id, const char *reason);

/* A join from addr answered status (4xx) with reason. */
void event_join(const char *addr, unsigned status, const char *reason);

/*
 * A revoked certificate (serial, name) refused on this thread: the
 * server's line for its 403 (event_from_log) makes the event, with the
 * address.
 */
void event_revoked(const char *serial, const char *name);

/*
 * A line of the HTTPS server's log (net/https-server.h): the refusals
 * and limits it reports become events; any other line is ignored.
 */
void event_from_log(const char *line);

/*
 * Writes the queued events to s, in one transaction; the caller holds s
 * alone and has no transaction open.  On failure they are dropped (and
 * said on stderr): an event log that cannot be written must not stop the
 * backend answering.
 */
void events_flush(struct store *s);

/* Writes the event as one line for stderr (without a newline). */
void event_format(char *out, size_t size, long long when,
		  enum event_kind kind, const char *addr, const char *name,
		  const char *detail);

/* Cleans a detail for the log (see above) into out. */
void event_clean_detail(char *out, size_t size, const char *in);

#endif
