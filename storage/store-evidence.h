/*
 * store-evidence.h - evidence files (a photo of a parcel, a carrier's
 * proof of delivery) kept in the encrypted store, named by their SHA-256.
 *
 * A signed statement names a file by "sha256:HEX" (its `evidence:` field);
 * the bytes live here, beside the log, encrypted like every page of the
 * store, with their size and a media type.  The hash is computed here from
 * the bytes on the way in and checked again on the way out, so a row
 * edited behind the store's back is never handed on.  The table is made on
 * first use (as store-hooks.c's): desks and the backend both keep one.
 */
#ifndef OD_STORE_EVIDENCE_H
#define OD_STORE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "storage/store.h"

#define STORE_EVIDENCE_MAX      (10 * 1024 * 1024)  /* bytes of one file */
#define STORE_EVIDENCE_HASH_LEN (7 + 64)            /* "sha256:" and hex */
#define STORE_EVIDENCE_TYPE_MAX 32

/* What the store knows of one file without reading its bytes. */
struct store_evidence_info {
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	long long size;
	char type[STORE_EVIDENCE_TYPE_MAX];   /* "image/jpeg", ... */
	int pushed;                           /* the backend has it */
};

/* Whether h is "sha256:" and 64 lower-case hex digits. */
int store_evidence_hash_ok(const char *h);

/* Puts "sha256:HEX" of p[0..n) into hash (not an error path). */
void store_evidence_hash(const void *p, size_t n,
			 char hash[STORE_EVIDENCE_HASH_LEN + 1]);

/*
 * Keeps p[0..n) of media type type, and puts its name into hash.  More
 * than STORE_EVIDENCE_MAX bytes, or none, gives OD_E_INPUT.  When expect
 * is not NULL the bytes must hash to it (a file fetched by its name):
 * otherwise OD_E_TAMPERED and nothing is kept.  Keeping a file already
 * here changes nothing (pushed only ever goes from 0 to 1).  In the
 * caller's transaction if one is open, else in one of its own.
 */
enum od_code store_evidence_put(struct store *s, const void *p, size_t n,
				const char *type, const char *expect,
				int pushed,
				char hash[STORE_EVIDENCE_HASH_LEN + 1],
				struct od_err *err);

/*
 * Appends the bytes of file hash to out (its cap must allow
 * STORE_EVIDENCE_MAX) and fills *info (may be NULL).  OD_E_NOTFOUND
 * "evidence HASH is not here yet: sync first"; bytes that no longer hash
 * to their name OD_E_TAMPERED (nothing appended).
 */
enum od_code store_evidence_get(struct store *s, const char *hash,
				struct buf *out,
				struct store_evidence_info *info,
				struct od_err *err);

/* Fills *info for file hash; OD_E_NOTFOUND when it is not here. */
enum od_code store_evidence_stat(struct store *s, const char *hash,
				 struct store_evidence_info *info,
				 struct od_err *err);

/* Records that the backend has file hash. */
enum od_code store_evidence_mark_pushed(struct store *s, const char *hash,
					struct od_err *err);

/*
 * Calls fn for each file not yet pushed (stops at its first error).  The
 * hashes are copied out first: fn may use the store.
 */
enum od_code store_evidence_unpushed_each(
	struct store *s,
	enum od_code (*fn)(void *ctx, const char *hash, struct od_err *err),
	void *ctx, struct od_err *err);

/*
 * Calls fn for each `evidence:` a log entry names, in log order, with the
 * entry's seq and kind: of order (its entries only) or of the whole log
 * after entry after (order NULL).  The names are copied out first: fn may
 * use the store.
 */
enum od_code store_evidence_named_each(
	struct store *s, const char *order, long long after,
	enum od_code (*fn)(void *ctx, long long seq, const char *kind,
			   const char *hash, struct od_err *err),
	void *ctx, struct od_err *err);

/*
 * Notes that file hash is to be fetched: sync scans each entry of the log
 * once (app/sync/sync-evidence.c) and keeps what it still lacks here.
 */
enum od_code store_evidence_want(struct store *s, const char *hash,
				 struct od_err *err);

/* Calls fn for each file noted as wanted that is not here (copied out
 * first, as above). */
enum od_code store_evidence_wanted_each(
	struct store *s,
	enum od_code (*fn)(void *ctx, const char *hash, struct od_err *err),
	void *ctx, struct od_err *err);

/* Whether an entry of the log names file hash (*named 1). */
enum od_code store_evidence_named(struct store *s, const char *hash,
				  int *named, struct od_err *err);

#endif
