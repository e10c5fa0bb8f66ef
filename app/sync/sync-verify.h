/*
 * sync-verify.h - a page of pulled entries checked ahead on every core,
 * then taken one by one with the verdicts of checking them one by one.
 *
 * A pull spent most of its time in Ed25519 verification on one core, one
 * entry after another.  The signatures of a page do not depend on one
 * another once each signer's key is known, so sync_check_ahead checks
 * every one whose signer's key the store already holds at once
 * (sigkey_verify_many, app/keys/sigkey.h); sync_accept_pulled then takes
 * each entry in order through ledger_accept_checked, which skips the
 * check only when that very key is still the signer's.  A signature that
 * failed ahead, or whose signer was added or rekeyed earlier in the same
 * page, is checked again as it is taken: the entry refused and the
 * sentence that says so are those of checking one by one.
 */
#ifndef OD_SYNC_VERIFY_H
#define OD_SYNC_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "lib/err.h"
#include "storage/store.h"

/* One page's verdicts, checked ahead. */
struct sync_checked {
	uint8_t (*pubs)[SIGKEY_PUB_LEN];
	unsigned char *ok;       /* per entry: its signature checked */
	size_t n;                /* 0: nothing checked ahead */
};

/*
 * Checks ahead the signatures of recs[0..n) (borrowed; each against its
 * signer's key as s holds it now).  Without memory, or with fewer than
 * two entries, nothing is checked ahead (c->n stays 0) and every entry is
 * checked as it is taken.  Free with sync_checked_free.
 */
void sync_check_ahead(struct store *s, const struct log_record *recs,
		      size_t n, struct sync_checked *c);

/* The key that recs[i]'s signature was checked with ahead, or NULL. */
const uint8_t *sync_checked_key(const struct sync_checked *c, size_t i);

void sync_checked_free(struct sync_checked *c);

/*
 * Appends the pulled entry r to s's log, inside the caller's transaction,
 * checked as new (ledger_accept_checked with checked, which may be NULL).
 * An entry refused here gives OD_E_TAMPERED, "the backend's entry N does
 * not verify here (why); sync stopped"; a storage error is returned as
 * it is.
 */
enum od_code sync_accept_pulled(struct store *s, const struct log_record *r,
				const uint8_t *checked, struct od_err *err);

#endif
