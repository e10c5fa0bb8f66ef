/* hmac.c - HMAC-SHA256 and its constant-time check (hmac.h). */
#include "app/keys/hmac.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "lib/encode.h"
#include "lib/secret.h"

enum od_code hmac_sha256(const uint8_t *key, size_t klen, const void *data,
			 size_t len, uint8_t out[HMAC_SHA256_LEN],
			 struct od_err *err)
{
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, klen, data, len,
			     out) != 0)
		return od_err_set(err, OD_E_CRYPTO, "computing an HMAC-SHA256 "
				  "failed");
	return OD_OK;
}

int hmac_sha256_b64_ok(const uint8_t *key, size_t klen, const void *data,
		       size_t len, const char *sig)
{
	uint8_t tag[HMAC_SHA256_LEN];
	char want[HMAC_B64_LEN + 1];
	volatile unsigned char diff = 0;
	struct od_err err;
	size_t i;

	if (key == NULL || sig == NULL || strlen(sig) != HMAC_B64_LEN ||
	    hmac_sha256(key, klen, data, len, tag, &err) != OD_OK)
		return 0;
	b64_encode(tag, sizeof tag, want);
	/* Every byte looked at, whatever differs first. */
	for (i = 0; i < HMAC_B64_LEN; i++)
		diff |= (unsigned char)(want[i] ^ sig[i]);
	secret_wipe(tag, sizeof tag);
	secret_wipe(want, sizeof want);
	return diff == 0;
}
