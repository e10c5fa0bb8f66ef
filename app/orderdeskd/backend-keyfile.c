/* backend-keyfile.c - reading backend.key's text (see the header). */
#include "app/orderdeskd/backend-keyfile.h"

#include <stdio.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/file.h"
#include "lib/secret.h"

#define MAGIC_DATA "orderdeskd-key/1\ndata: "
#define SIGN_TAG   "\nsign: "

/* Decodes the 64 hex digits at p into out (n bytes) through a wiped copy. */
static int decode_hex64(const char *p, uint8_t *out, size_t n)
{
	struct od_err scratch;
	char hex[65];
	int ok;

	memcpy(hex, p, 64);
	hex[64] = '\0';
	ok = hex_decode("a key", hex, out, n, &scratch) == OD_OK;
	secret_wipe(hex, sizeof hex);
	return ok ? 0 : -1;
}

int backend_key_parse(const char *text, size_t len,
		      uint8_t data_key[STORE_KEY_LEN],
		      uint8_t seed[SIGKEY_SEED_LEN])
{
	const size_t data_at = sizeof MAGIC_DATA - 1;
	const size_t sign_at = data_at + 64 + sizeof SIGN_TAG - 1;
	uint8_t k[STORE_KEY_LEN], s[SIGKEY_SEED_LEN];
	int rc = -1;

	if (len == BACKEND_KEY_TEXT_LEN &&
	    memcmp(text, MAGIC_DATA, data_at) == 0 &&
	    memcmp(text + data_at + 64, SIGN_TAG, sizeof SIGN_TAG - 1) == 0 &&
	    text[len - 1] == '\n' &&
	    decode_hex64(text + data_at, k, sizeof k) == 0 &&
	    decode_hex64(text + sign_at, s, sizeof s) == 0) {
		if (data_key != NULL)
			memcpy(data_key, k, sizeof k);
		if (seed != NULL)
			memcpy(seed, s, sizeof s);
		rc = 0;
	}
	secret_wipe(k, sizeof k);
	secret_wipe(s, sizeof s);
	return rc;
}

enum od_code backend_key_read(const char *path,
			      uint8_t data_key[STORE_KEY_LEN],
			      uint8_t seed[SIGKEY_SEED_LEN],
			      struct od_err *err)
{
	struct buf b;
	enum od_code rc;

	buf_init(&b, BACKEND_KEY_TEXT_LEN + 1);
	rc = file_read_capped(path, BACKEND_KEY_TEXT_LEN + 1, 0, &b, err);
	if (rc == OD_E_NOTFOUND || rc == OD_E_IO) {
		char why[OD_ERR_MSG_MAX];

		snprintf(why, sizeof why, "%s", err->msg);
		rc = od_err_set(err, rc, "the key file: %s", why);
	} else if (rc == OD_E_INPUT ||
		 (rc == OD_OK && backend_key_parse((const char *)b.data, b.len,
						   data_key, seed) != 0))
		rc = od_err_set(err, OD_E_INPUT, "%.200s is not a backend.key "
				"file", path);
	buf_free(&b);   /* wiped */
	return rc;
}
