/*
 * store-hooks.h - what the backend keeps for storefronts' webhooks, in its
 * encrypted store: each storefront's shared secret per kind of webhook
 * ("woocommerce", "shopify"), with the one before it while a rotation is
 * under way, and the delivery ids already applied, so that a redelivered
 * event changes nothing.  The tables are made on first use (as the
 * events', store-events.c): a desk's store never has them.
 */
#ifndef OD_STORE_HOOKS_H
#define OD_STORE_HOOKS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "storage/store.h"

#define STORE_HOOK_SECRET_MAX  256        /* bytes of a secret */
#define STORE_HOOK_ID_MAX      128        /* bytes of a delivery id */
#define STORE_HOOK_KEEP_S      (30 * 86400) /* delivery ids kept this long */

/* A storefront's secrets for one kind; the caller wipes them. */
struct store_hook_secrets {
	uint8_t cur[STORE_HOOK_SECRET_MAX];
	size_t cur_len;
	uint8_t old[STORE_HOOK_SECRET_MAX];
	size_t old_len;                    /* 0: no rotation under way */
};

/*
 * Sets the secret of storefront sf for kind, in a transaction of its own.
 * keep_old keeps the secret it replaces as the old one (a rotation: both
 * are accepted until store_hook_drop_old); otherwise there is no old one.
 */
enum od_code store_hook_secret_set(struct store *s, const char *sf,
				   const char *kind, const uint8_t *secret,
				   size_t len, int keep_old,
				   struct od_err *err);

/* Forgets the old secret; OD_E_NOTFOUND when sf has no secret for kind. */
enum od_code store_hook_drop_old(struct store *s, const char *sf,
				 const char *kind, struct od_err *err);

/* Reads sf's secrets for kind; OD_E_NOTFOUND when it has none. */
enum od_code store_hook_secrets_get(struct store *s, const char *sf,
				    const char *kind,
				    struct store_hook_secrets *out,
				    struct od_err *err);

/* Whether delivery id of sf for kind was applied already (*seen 1). */
enum od_code store_hook_seen(struct store *s, const char *sf,
			     const char *kind, const char *id, int *seen,
			     struct od_err *err);

/*
 * Records delivery id as applied at time now, inside the caller's
 * transaction (with what it applied), and forgets ids older than
 * STORE_HOOK_KEEP_S.
 */
enum od_code store_hook_mark(struct store *s, const char *sf,
			     const char *kind, const char *id, long long now,
			     struct od_err *err);

#endif
