/*
 * sigkey-internal.h - what a signing key is, for app/keys' own files:
 * a key made from a seed (sigkey.c) or one on a token (sigkey-token.c).
 */
#ifndef OD_SIGKEY_INTERNAL_H
#define OD_SIGKEY_INTERNAL_H

#include <gnutls/abstract.h>

#include "app/keys/sigkey.h"
#include "app/keys/sigtoken.h"

struct sigkey {
	gnutls_privkey_t key;   /* from a seed; NULL for a token's key */
	struct sigtoken *tok;   /* the token's key, shared by copies */
	uint8_t pub[SIGKEY_PUB_LEN];
};

#endif
