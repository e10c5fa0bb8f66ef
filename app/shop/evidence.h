/*
 * evidence.h - evidence files on the desk: read from disk, kept in the
 * encrypted store by their SHA-256 and named in the statement being
 * signed; written out again, checked, on request.
 *
 * The bytes live in storage/store-evidence.h; this adds what a desk does
 * with files: the 10 MiB cap said before anything is signed, the media type
 * sniffed from the first bytes (never from the file's name), and the new
 * private file it writes out.  Sync carries the bytes between desks
 * (app/sync/sync-evidence.c).
 */
#ifndef OD_EVIDENCE_H
#define OD_EVIDENCE_H

#include <stddef.h>

#include "app/log/evidence-wire.h"
#include "app/log/statement.h"
#include "app/shop/shop.h"
#include "lib/err.h"
#include "storage/store-evidence.h"

/*
 * Keeps files[0..n) in sh's store and adds an `evidence:` field naming
 * each to st.  Every file is checked (readable, regular, 1 byte to 10 MiB)
 * before any is kept, so a refused one leaves nothing behind; the caller
 * signs st only after this succeeded.
 */
enum od_code evidence_attach(struct shop *sh, struct statement *st,
			     char *const *files, size_t n,
			     struct od_err *err);

/*
 * Writes evidence name (sha256:HEX, or the bare HEX) to path, a new file
 * of mode 0600 (never over an existing one), after checking the bytes
 * hash to name; *info (may be NULL) gets what is known of it.  Not here:
 * OD_E_NOTFOUND "... not here yet: sync first".
 */
enum od_code evidence_write_out(struct shop *sh, const char *name,
				const char *path,
				struct store_evidence_info *info,
				struct od_err *err);

/* Puts the full name "sha256:HEX" of name (either form) into out;
 * OD_E_USAGE for anything else. */
enum od_code evidence_name(const char *name,
			   char out[STORE_EVIDENCE_HASH_LEN + 1],
			   struct od_err *err);

#endif
