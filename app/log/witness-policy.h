/*
 * witness-policy.h - the shop's witness policy, signed by the owner in the
 * log (a shop.witnesses statement, app/log/statement.h):
 *
 *   witness: VKEY        1..8, a witness's cosigner key (app/log/
 *   ...                  cosignature.h), each named once
 *   quorum: N            1..the number of witnesses
 *   [max-age: SECONDS]   how old the newest checkpoint those witnesses
 *                        cosigned may be before a desk that is online
 *                        warns (the backend may be withholding entries)
 *
 * The newest one folded is the policy (its text kept in the store's meta,
 * POLICY_META: "N MAXAGE\nVKEY\n..."); a desk then takes the backend's checkpoint
 * only when N of those witnesses cosigned it (app/sync/sync-checkpoint.c),
 * and says which one is missing otherwise.  No statement: no policy, and
 * a desk takes checkpoints as before.
 */
#ifndef OD_WITNESS_POLICY_H
#define OD_WITNESS_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "app/log/checkpoint.h"
#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

#define POLICY_META          "shop.witnesses"
#define POLICY_WITNESSES_MAX 8
#define POLICY_MAX_AGE_MIN   60
#define POLICY_MAX_AGE_MAX   (30 * 24 * 3600)

struct witness_policy {
	unsigned quorum;
	long max_age;                  /* seconds; 0: no warning */
	size_t n;
	struct note_verifier w[POLICY_WITNESSES_MAX];
};

/* The field checks of a shop.witnesses statement (statement.c calls
 * them; witness-fields.c): a witness key, a quorum 1..8. */
enum od_code policy_check_key(const char *field, const char *v,
			      struct od_err *err);
enum od_code policy_check_quorum(const char *field, const char *v,
				 struct od_err *err);
enum od_code policy_check_max_age(const char *field, const char *v,
				  struct od_err *err);

/*
 * Folds the shop.witnesses statement st into s (held for writing): a
 * quorum past the number of witnesses or a witness named twice gives
 * OD_E_INPUT.
 */
enum od_code policy_fold(struct store *s, const struct statement *st,
			 struct od_err *err);

/* The policy folded into s into *p; none gives OD_E_NOTFOUND. */
enum od_code policy_load(struct store *s, struct witness_policy *p,
			 struct od_err *err);

/*
 * Checks that the checkpoint note[0..len), whose text is its first
 * text_len bytes, carries valid cosignatures by p->quorum of p's
 * witnesses.  Too few gives OD_E_DENIED naming the first missing one:
 * "checkpoint SIZE lacks witness W's cosignature (quorum Q of N)"; a bad
 * cosignature by one of them OD_E_TAMPERED.
 */
enum od_code policy_check_note(const struct witness_policy *p,
			       const char *note, size_t len, size_t text_len,
			       uint64_t size, struct od_err *err);

/*
 * The newest time at which one of p's witnesses cosigned the checkpoint
 * note[0..len) (text_len as above) into *newest; none: 0.
 */
void policy_newest(const struct witness_policy *p, const char *note,
		   size_t len, size_t text_len, uint64_t *newest);

#endif
