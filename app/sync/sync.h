/*
 * sync.h - the desk's side of sync with orderdeskd (app/orderdeskd/backend.h
 * has the wire).
 *
 * A desk attaches to a backend once: its address, the pin of the backend's
 * key, the shop CA and the desk's own certificate and key (the bundle
 * `orderdeskd init` or `orderdeskd desk add` writes).  The two certificates
 * are copied into the store directory's "backend/" (mode 0600); the key is
 * sealed inside the encrypted store (app/shop/sync-key.h), with the address and
 * pin, and never written to a file.  There is no trust on first use: the pin and
 * the CA are given, and a backend that does not match them is never sent a
 * byte.
 *
 * The desk's log is its synced history (entries up to the last head the
 * backend signed and this desk verified, never rewritten) followed by its
 * outbox: statements signed here that the backend has not accepted yet.
 * A sync, in rounds (at most SYNC_ROUNDS):
 *   - checks that the backend still holds the synced history: the chain
 *     hash of an entry commits to every entry before it, so one hash
 *     compares whole prefixes; a backend that differs there, or whose log
 *     is shorter than a head it signed before, stops the sync with a loud
 *     message (DIVERGED) and nothing here changes;
 *   - pushes the outbox in batches (genesis first for a desk founded
 *     before the backend); receipts at the same seq as here move the
 *     synced head along;
 *   - if the backend then holds more than this desk, pulls it (each entry
 *     checked as if new: signature, signer, role, transition, chain hash)
 *     and, when statements wait here or were refused, rebases them after
 *     it (app/sync/sync-rebase.h): one still legal stays waiting and is pushed
 *     in the next round (its signed prev names what its signer saw, which
 *     the backend accepts anywhere in its log); one the backend refused or
 *     that is no longer legal becomes a conflict, kept with its reason
 *     (app/sync/sync-status.h), and the orders follow the backend's truth.
 * Every head the backend sends is signed with its head key (learned over
 * the pinned connection on first contact, then fixed).
 *
 * Threads and processes: when sh is released (shop_release: sh->store is
 * NULL), sync_run holds the store only for each step (shared to read,
 * exclusive for each transaction) and never across a network request, so
 * another handle on the same store, in another thread or process, keeps
 * working meanwhile; every step rereads what it depends on and commits in
 * one transaction, so a crash or kill -9 anywhere leaves the state before
 * or after that step.  Run it on a handle of its own (shop_clone): a
 * struct shop is not shared between threads.  When the caller holds sh
 * (sh->store not NULL), it is used throughout as held.
 */
#ifndef OD_SYNC_H
#define OD_SYNC_H

#include <stdatomic.h>
#include <stddef.h>

#include "app/sync/people-sync.h"
#include "app/sync/sync-evidence.h"
#include "app/shop/shop.h"
#include "app/shop/sync-key.h"
#include "app/sync/sync-rebase.h"
#include "lib/err.h"
#include "net/tls-client.h"

#define SYNC_BATCH        200             /* statements per push */
#define SYNC_BATCH_BYTES  (1024 * 1024)   /* statement bytes per push */
#define SYNC_MAX_RESPONSE (32 * 1024 * 1024)
#define SYNC_TRIES        3               /* per request, 0.2 s, 0.4 s apart */
#define SYNC_ROUNDS       4               /* push, pull, rebase: per sync */
#define SYNC_REFUSED_MAX  4096            /* refusals kept per round */

/* Where the backend is and how this desk proves itself to it. */
struct sync_attach {
	const char *url;    /* https://HOST:PORT */
	const char *pin;    /* sha256//... */
	const char *ca;     /* certificate files to copy in */
	const char *cert;
	const char *key;    /* the key's file, read and sealed, or NULL: */
	const char *key_pem;/* the key itself (a join makes it in memory) */
};

/*
 * Records the backend for this store (sh unlocked for writing): copies the
 * CA and the desk's certificate into DIR/backend/ and keeps url, pin and
 * the key in the store (the key's file is only read: its owner deletes
 * it).  Bad files (unreadable, not PEM, too large, a key that is not the
 * certificate's) give a message naming them, with nothing written; so
 * does a shop CA that names another shop than this store's (OD_E_DENIED):
 * its backend would refuse this desk's genesis, and a backend that
 * answers with another first entry than this store's (asked once, short
 * timeouts; no answer is left to the sync).  A desk's first sync checks
 * both again before a byte is pushed.
 */
enum od_code sync_attach(struct shop *sh, const struct sync_attach *a,
			 struct od_err *err);

struct sync_report {
	long long pushed;    /* entries the backend accepted from us */
	long long pulled;    /* entries we took from the backend */
	long long head;      /* the verified head's seq at the end */
	long long waiting;   /* statements still waiting here at the end */
	long long conflicts; /* statements that became conflicts */
	long long first_conflict; /* n of the first (sync_status.h) */
	struct people_report people;   /* slots taken, bundles sent */
	struct sync_rekeys rekeys;     /* user.rekey pulled (sync-rebase.h) */
	long connects;       /* new connections to the backend it made */
	long long repushed;  /* entries the backend had lost, sent again
				(app/sync/sync-repush.h) */
	long long unlock_fails;  /* failed unlocks reported to the backend
				    (app/sync/sync-unlock-report.h) */
	char checkpoint_warning[320];  /* "" or sync-checkpoint.h's warning */
	struct sync_evidence_report evidence;  /* app/sync/sync-evidence.h */
};

/*
 * Syncs the store of sh (unlocked for writing, held or released) with its
 * attached backend, as above.  Conflicts are not errors: rep counts them.  A store never attached gives OD_E_USAGE; an unreachable
 * backend OD_E_IO after SYNC_TRIES attempts per request (the desk keeps
 * working offline; pushing again is safe: a statement the backend already
 * has comes back as a duplicate at the same seq); a wrong pin or CA
 * OD_E_AUTH; diverged or rolled-back history, or a bad head signature,
 * OD_E_TAMPERED; the store busy for SHOP_LOCK_WAIT_MS, OD_E_BUSY.  What
 * was pulled before a failure stays (each page in one transaction).  How
 * it went is kept for sync_status_read (app/sync/sync-status.h).
 */
enum od_code sync_run(struct shop *sh, struct sync_report *rep,
		      struct od_err *err);

struct json_t;

/*
 * Decodes one entry of a GET /v1/log page ({"seq", "statement",
 * "signature", "hash"}) into r; r->statement is borrowed from e.  A
 * missing or malformed member gives OD_E_INPUT.  The statement itself is
 * checked later, as if new (ledger_accept).
 */
enum od_code sync_page_entry(struct json_t *e, struct log_record *r,
			     struct od_err *err);

/* What the backend said of one pushed statement. */
enum sync_result { SYNC_ACCEPTED = 1, SYNC_DUPLICATE, SYNC_REFUSED };

struct sync_receipt {
	enum sync_result result;
	long long seq;          /* accepted or duplicate: where, above 0 */
	const char *id;         /* refused: borrowed, NULL if absent */
	const char *reason;     /* refused: borrowed, NULL if absent */
};

/*
 * Reads one receipt of a POST /v1/statements answer.  Anything but an
 * accepted or duplicate receipt with its seq, or a refused one, gives
 * OD_E_INPUT.
 */
enum od_code sync_receipt_read(struct json_t *r, struct sync_receipt *out,
			       struct od_err *err);

/*
 * sync_run that gives up once *stop is nonzero: the request under way
 * ends within about a second (OD_E_IO), and every step already done
 * stays, as after a dropped connection.  For a background thread that
 * must let go when the desk locks.
 */
/*
 * A connection kept from one sync to the next (the desk's sync thread):
 * zeroed to begin with, closed with sync_conn_close.  A sync that ends
 * well leaves its client here for the next, which reuses its connection
 * (HTTP keep-alive) instead of a new mutual TLS handshake, unless the
 * desk's attachment (backend, pin, certificate, key) changed meanwhile.
 */
struct sync_conn {
	struct tls_client *client;
};

void sync_conn_close(struct sync_conn *c);

/* sync_run_until, keeping the connection in *keep (may be NULL). */
enum od_code sync_run_kept(struct shop *sh, const atomic_int *stop,
			   struct sync_conn *keep, struct sync_report *rep,
			   struct od_err *err);

enum od_code sync_run_until(struct shop *sh, const atomic_int *stop,
			    struct sync_report *rep, struct od_err *err);

/*
 * A client for the store's attached backend (its pin, CA and this desk's
 * certificate), for requests beside sync (`desk invite`).  A store never
 * attached gives OD_E_USAGE.  *out is the caller's (tls_client_free).
 */
enum od_code sync_client(struct shop *sh, struct tls_client **out,
			 struct od_err *err);

#endif
