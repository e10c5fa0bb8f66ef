/*
 * desk-audit.h - the shop's whole log as the owner's audit history shows
 * it (desk-audit.c, desk-csv.c, desk-entry.c).  Part of the screens'
 * facade: desk.h includes it.
 */
#ifndef OD_DESK_AUDIT_H
#define OD_DESK_AUDIT_H

#include "app/desk/desk.h"
#include "lib/buf.h"

#define DESK_AUDIT_MAX 5000     /* newest matching entries kept */

/* One entry of the shop's log, as the audit history shows it. */
struct desk_entry {
	long long seq;
	char time[STMT_TIME_LEN + 1];
	char actor[STMT_NAME_MAX + 1];
	const char *kind;       /* static kind name */
	char order[STMT_ORDER_MAX + 1];  /* "" when none */
	int sig_ok;             /* the signature checks with the signer's key */
	int chain_ok;           /* its hash follows from the entry before */
	char *detail;           /* reason, note, carrier and tracking, user */
	char id[STMT_ID_LEN + 1];  /* the statement's id */
	char role[16];          /* the signer's role now, "" if unknown */
};

/* Entries newest first; owned by the caller (desk_audit_free). */
struct desk_audit {
	struct desk_entry *entries;
	size_t n;
	long long scanned;      /* entries in the whole log */
	/* What desk_audit_update needs to read only what came since. */
	char filter[DESK_SEARCH_MAX + 1];
	long long tip_seq;      /* the last entry read */
	uint8_t tip_hash[32];   /* and its chain hash */
};

/*
 * Walks the whole log and keeps the newest DESK_AUDIT_MAX entries that
 * match filter: words separated by spaces, each of which must match the
 * entry's person, order number, kind (or its start, "order." or
 * "shipment"), or date (a prefix such as "2026-11-20", or a range
 * "2026-11-01..2026-11-20", both ends included).  NULL or "" keeps all.
 * Only the owner may read the whole history (OD_E_DENIED otherwise).
 */
enum od_code desk_audit(struct desk *d, const char *filter,
			struct desk_audit **out, struct od_err *err);
void desk_audit_free(struct desk_audit *a);

/*
 * Brings a (from desk_audit) up to what the log holds now, with the same
 * filter: the entries appended since come first, checked, and the oldest
 * go past DESK_AUDIT_MAX.  Only the new entries are read while the log
 * still holds the entry a was read up to; when a sync rewrote it (a
 * rebase moved this desk's own statements) or people were added, revoked
 * or given another role (the signers' roles shown change), the whole log
 * is read again.  Errors as desk_audit's; on failure a is unchanged.
 */
enum od_code desk_audit_update(struct desk *d, struct desk_audit *a,
			       struct od_err *err);

/*
 * Writes a's entries to path as CSV (desk-csv.c), replacing it atomically,
 * mode 0600: a header, then seq, time, signer, role, kind, order,
 * signature-checked (yes/no), statement id, summary per entry, newest
 * first.  Fields are quoted as RFC 4180 asks, and one that starts like a
 * spreadsheet formula gets a leading apostrophe (lib/csv.h).
 */
enum od_code desk_audit_csv(const struct desk_audit *a, const char *path,
			    struct od_err *err);

/*
 * The exact statement signed as log entry seq, NUL-terminated; *out is the
 * caller's (free).  Owners only, as the history (desk-entry.c).
 */
enum od_code desk_entry_statement(struct desk *d, long long seq, char **out,
				  struct od_err *err);

/*
 * The backend's security events summary the owner's syncs keep
 * (desk-events.c, app/sync/sync-events.h): its one line for a glance into
 * banner, and, if text is not NULL, the whole table appended to text.
 * Owners only (OD_E_DENIED otherwise); OD_E_NOTFOUND before the first.
 */
enum od_code desk_backend_events(struct desk *d, char *banner, size_t size,
				 struct buf *text, struct od_err *err);

/*
 * Replays the whole log as `orderdesk audit verify` does.  On success
 * *entries is the number replayed; the first problem comes back as the
 * error, in words.
 */
enum od_code desk_verify_all(struct desk *d, long long *entries,
			     struct od_err *err);

#endif
