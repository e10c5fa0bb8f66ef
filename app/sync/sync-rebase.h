/*
 * sync-rebase.h - what sync.c and its helpers share: the store's sync meta
 * keys, and the rebase that puts a desk's waiting statements after what
 * other desks appended meanwhile.
 *
 * The log of a desk is its synced history (entries 1..seen, equal to the
 * backend's and never rewritten) followed by its outbox: the statements
 * signed here that the backend has not accepted yet.  When the backend has
 * moved on, its new entries are pulled into the staging table
 * (storage/store-sync.h) and one transaction then
 *   1. takes the outbox out of the log and folds the orders it touched
 *      again from the history alone (everything, if it touched people),
 *   2. appends the staged entries, each checked as new (ledger_accept)
 *      and its chain hash compared with the backend's,
 *   3. appends each outbox statement again, checked against the new state:
 *      one the backend already holds is dropped (it came back in step 2),
 *      one the backend refused or that is no longer legal here is kept in
 *      the conflicts table instead (its signed prev still names what its
 *      signer saw, by content, so a legal one stays valid where it lands),
 *   4. records the backend's head as the synced one.
 * A crash anywhere leaves the old state or the new one.
 */
#ifndef OD_SYNC_REBASE_H
#define OD_SYNC_REBASE_H

#include <stddef.h>
#include <stdint.h>

#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

/* The store's meta keys. */
#define SYNC_META_URL      "sync.url"
#define SYNC_META_PIN      "sync.pin"
#define SYNC_META_HEADKEY  "sync.head_key"    /* base64 of the backend's key */
#define SYNC_META_SEEN_SEQ "sync.seen_seq"    /* the synced head */
#define SYNC_META_SEEN     "sync.seen_hash"
#define SYNC_META_LAST_OK  "sync.last_ok"     /* unix time */
#define SYNC_META_LAST_TRY "sync.last_try"    /* unix time */
#define SYNC_META_ONLINE   "sync.online"      /* "1" or "0" */
#define SYNC_META_ERROR    "sync.last_error"  /* "" after a success */

/* Caps on one rebase: an outbox is a desk's own, but still bounded. */
#define SYNC_REBASE_MAX       200000
#define SYNC_REBASE_MAX_BYTES (256 * 1024 * 1024)

/* A statement the backend refused, and its reason. */
struct sync_refusal {
	char id[STMT_ID_LEN + 1];
	char reason[OD_ERR_MSG_MAX];
};

struct sync_rebase_in {
	long long seen;                  /* the synced head: kept */
	uint8_t seen_hash[32];
	long long target;                /* the backend's head after the
					    staged entries, verified */
	uint8_t target_hash[32];
	const struct sync_refusal *refused;
	size_t nrefused;
	int staged;                      /* 0: the staging table holds
					    nothing of this sync */
};

/*
 * The user.rekey statements a sync pulled, made at other desks: said to the
 * person syncing, so that an owner notices a passphrase change nobody made
 * (whoever holds a person's key, from an old copy of a store, may sign one).
 */
#define SYNC_REKEYS_SHOWN 16
struct sync_rekey {
	char user[STMT_NAME_MAX + 1];
	long long seq;
};
struct sync_rekeys {
	long long n;                               /* pulled in all */
	struct sync_rekey v[SYNC_REKEYS_SHOWN];    /* the first ones */
};

/*
 * Notes entry seq in k if its statement (text, just accepted into the log)
 * is a user.rekey.  Only a rekey is parsed again.
 */
void sync_rekeys_note(struct sync_rekeys *k, const char *text, size_t len,
		      long long seq);

/* Appends what from noted to to. */
void sync_rekeys_add(struct sync_rekeys *to, const struct sync_rekeys *from);

struct sync_rebase_out {
	long long pulled;      /* staged entries appended */
	long long landed;      /* outbox statements the backend now holds */
	long long waiting;     /* outbox statements still waiting */
	long long conflicts;   /* outbox statements moved to conflicts */
	struct sync_rekeys rekeys;  /* staged user.rekey not of this desk */
};

/*
 * Runs the rebase above in one transaction of its own on s (the caller
 * holds the store for writing).  The staged entries must run from seen+1
 * to target.  Errors: OD_E_TAMPERED for a staged entry that does not
 * verify or chain as the backend says (DIVERGED), OD_E_BUSY when the
 * staging is not for this head (another sync ran meanwhile), or a storage
 * error; on any error nothing changes.
 */
enum od_code sync_rebase(struct store *s, const struct sync_rebase_in *in,
			 struct sync_rebase_out *out, struct od_err *err);

/* Sets the synced head in meta (inside the caller's transaction). */
enum od_code sync_meta_seen(struct store *s, long long seq,
			    const uint8_t hash[32], struct od_err *err);

/* The message for diverged histories (OD_E_TAMPERED). */
enum od_code sync_diverged(long long at, struct od_err *err);

#endif
