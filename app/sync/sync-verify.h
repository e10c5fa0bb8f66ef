/*
 * sync-verify.h - a page of pulled entries checked ahead on every core,
 * then taken one by one with the verdicts of checking them one by one.
 *
 * A pull spent most of its time in Ed25519 verification on one core, one
 * entry after another.  The signatures of a page do not depend on one
 * another once each signer's key is known, so sync_check_ahead starts
 * checking every one whose signer's key the store already holds on every
 * core (sigkey_vpipe, app/keys/sigkey.h), and sync_accept_pulled takes
 * each entry in order meanwhile (sync_checked_key waits for its verdict,
 * or checks it there) through ledger_accept_checked, which skips the
 * check only when that very key is still the signer's: the fold and the
 * insert of entry i overlap the checks of the ones after it.  A signature that
 * failed ahead, or whose signer was added or rekeyed earlier in the same
 * page, is checked again as it is taken: the entry refused and the
 * sentence that says so are those of checking one by one.
 */
#ifndef OD_SYNC_VERIFY_H
#define OD_SYNC_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "app/log/statement.h"
#include "app/sync/sync-page.h"
#include "lib/err.h"
#include "storage/store.h"

/* One page's verdicts, being checked ahead. */
struct sync_checked {
	struct sigkey_vpipe *pipe;
	uint8_t (*pubs)[SIGKEY_PUB_LEN];  /* per check */
	uint8_t (*sigs)[SIGKEY_SIG_LEN];
	const char **texts;      /* borrowed from the entries */
	size_t *lens;
	long *at;                /* per entry: its check, or -1 */
	struct statement **sts;  /* per entry: parsed, or NULL */
	size_t nsts;
	size_t n;                /* 0: nothing checked ahead */
};

/*
 * Starts checking ahead the signatures of recs[0..n) (each against its
 * signer's key as s holds it now; the statements are borrowed until
 * sync_checked_free, the records are not).  Without memory, or with fewer
 * than two entries, nothing is checked ahead (c->n stays 0) and every
 * entry is checked as it is taken.
 */
void sync_check_ahead(struct store *s, const struct log_record *recs,
		      size_t n, struct sync_checked *c);

/* sync_check_ahead for a page read and parsed already (sync-page.h):
 * its statements become c's (pg->sts is left NULL). */
void sync_check_ahead_page(struct store *s, struct sync_page *pg,
			   struct sync_checked *c);

/* The key that recs[i]'s signature was checked with ahead, or NULL; waits
 * for its verdict (or checks it here). */
const uint8_t *sync_checked_key(struct sync_checked *c, size_t i);

/* recs[i] as parsed ahead (sync_accept_parsed), or NULL. */
const struct statement *sync_checked_statement(const struct sync_checked *c,
					       size_t i);

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

/*
 * sync_accept_pulled with r already parsed into st (sync_checked_statement;
 * NULL: parsed here): the page's entries are parsed once.
 */
enum od_code sync_accept_parsed(struct store *s, const struct log_record *r,
				const struct statement *st,
				const uint8_t *checked, struct od_err *err);

#endif
