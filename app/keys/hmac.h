/*
 * hmac.h - HMAC-SHA256 as storefronts sign their webhooks: the tag of a
 * body under a shared secret, in base64, checked in constant time.  The
 * one place orderdesk computes an HMAC (GnuTLS's gnutls_hmac_fast).
 */
#ifndef OD_HMAC_H
#define OD_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define HMAC_SHA256_LEN  32
#define HMAC_B64_LEN     44          /* base64 of 32 bytes, with padding */

/* out[32] = HMAC-SHA256(key, data); OD_E_CRYPTO should GnuTLS fail. */
enum od_code hmac_sha256(const uint8_t *key, size_t klen, const void *data,
			 size_t len, uint8_t out[HMAC_SHA256_LEN],
			 struct od_err *err);

/*
 * Whether sig (NUL-terminated, as a header carries it) is the base64 of
 * HMAC-SHA256(key, data).  The tag is compared in constant time, so a
 * forger learns nothing from how long a wrong one took; only its length
 * (not the secret's) decides early.  NULL sig or key: 0.
 */
int hmac_sha256_b64_ok(const uint8_t *key, size_t klen, const void *data,
		       size_t len, const char *sig);

#endif
