/*
 * sync.h - the desk's side of sync with orderdeskd (app/backend.h has the
 * wire).
 *
 * A desk attaches to a backend once: its address, the pin of the backend's
 * key, the shop CA and the desk's own certificate and key (the bundle
 * `orderdeskd init` or `orderdeskd desk add` writes).  The files are copied
 * into the store directory's "backend/" (mode 0600) and the address and pin
 * kept in the encrypted store.  There is no trust on first use: the pin and
 * the CA are given, and a backend that does not match them is never sent a
 * byte.
 *
 * Syncing makes the desk's log and the backend's the same, when one is a
 * prefix of the other (the chain hash of an entry commits to every entry
 * before it, so one hash compares whole prefixes):
 *   - the backend has more: the missing entries are pulled and each checked
 *     as if new (signature, signer, role, transition: ledger_accept) and
 *     its chain hash compared with the backend's;
 *   - the desk has more: its entries are pushed in batches, genesis first
 *     for a desk founded before the backend, and every receipt must accept
 *     the entry at the same sequence number (or call it a duplicate there).
 * Every head the backend sends is signed with its head key (learned over
 * the pinned connection on first contact, then fixed); the last verified
 * head is remembered, and a backend whose log is shorter than a head it
 * signed before, or whose history differs from the desk's, stops the sync
 * with a loud message: local history is never overwritten.
 */
#ifndef OD_SYNC_H
#define OD_SYNC_H

#include <stddef.h>

#include "app/shop.h"
#include "lib/err.h"

#define SYNC_DIR          "backend"       /* in the store directory */
#define SYNC_BATCH        200             /* statements per push */
#define SYNC_BATCH_BYTES  (1024 * 1024)   /* statement bytes per push */
#define SYNC_MAX_RESPONSE (32 * 1024 * 1024)
#define SYNC_TRIES        3               /* per request, 0.2 s, 0.4 s apart */

/* Where the backend is and how this desk proves itself to it. */
struct sync_attach {
	const char *url;    /* https://HOST:PORT */
	const char *pin;    /* sha256//... */
	const char *ca;     /* files to copy in */
	const char *cert;
	const char *key;
};

/*
 * Records the backend for this store (sh unlocked for writing): copies the
 * three files into DIR/backend/ and keeps url and pin in the store.  Bad
 * files (unreadable, not PEM, too large) give a message naming them.
 */
enum od_code sync_attach(struct shop *sh, const struct sync_attach *a,
			 struct od_err *err);

struct sync_report {
	long long pushed;    /* entries the backend accepted from us */
	long long pulled;    /* entries we took from the backend */
	long long head;      /* the verified head's seq at the end */
};

/*
 * Syncs the store of sh (unlocked for writing) with its attached backend,
 * as above.  A store never attached gives OD_E_USAGE; an unreachable
 * backend OD_E_IO after SYNC_TRIES attempts per request (the desk keeps
 * working offline; pushing again is safe: a statement the backend already
 * has comes back as a duplicate at the same seq); a wrong pin or CA
 * OD_E_AUTH; a refused entry OD_E_DENIED with the backend's reason;
 * diverged or rolled-back history, or a bad head signature, OD_E_TAMPERED.
 * What was pulled before a failure stays (each page in one transaction).
 */
enum od_code sync_run(struct shop *sh, struct sync_report *rep,
		      struct od_err *err);

/*
 * Read-only, for the desk's sync column: whether the store is attached to
 * a backend (*attached), and the seq of the last head verified from it
 * (*seq, 0 before the first sync).  Entries at or before *seq have reached
 * the backend.
 */
enum od_code sync_synced_seq(struct store *s, int *attached, long long *seq,
			     struct od_err *err);

#endif
