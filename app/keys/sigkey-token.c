/*
 * sigkey-token.c - a struct sigkey whose private half is on a PKCS#11
 * token (app/keys/sigtoken.h), and the check that a key's two halves
 * belong together.
 */
#include "app/keys/sigkey.h"
#include "app/keys/sigkey-internal.h"

#include <stdlib.h>
#include <string.h>

enum od_code sigkey_from_token(const char *uri, struct sigkey **out,
			       struct od_err *err)
{
	struct sigkey *k;
	enum od_code code;

	*out = NULL;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	code = sigtoken_open(uri, k->pub, &k->tok, err);
	if (code == OD_OK)
		code = sigkey_pub_check(k->pub, err);
	if (code != OD_OK) {
		sigkey_free(k);
		return code;
	}
	*out = k;
	return OD_OK;
}

int sigkey_on_token(const struct sigkey *k)
{
	return k->tok != NULL;
}

/*
 * A token may hold a public object that is not its private key's (the URI
 * matched two keys, or someone put them there): a key that signs what its
 * public half refuses must not enter the log.
 */
enum od_code sigkey_check(const struct sigkey *k, struct od_err *err)
{
	static const char probe[] = "orderdesk: do these halves match?";
	uint8_t sig[SIGKEY_SIG_LEN];
	struct sigkey_pub *p = NULL;
	enum od_code code;

	code = sigkey_sign(k, probe, sizeof probe - 1, sig, err);
	if (code == OD_OK)
		code = sigkey_pub_new(k->pub, &p, err);
	if (code == OD_OK)
		code = sigkey_pub_verify(p, probe, sizeof probe - 1, sig, err);
	if (code == OD_E_TAMPERED)
		code = od_err_set(err, OD_E_INPUT, "the token's private key "
				  "does not match its public key; name one "
				  "key (add id=... or object=... to the URI)");
	sigkey_pub_free(p);
	return code;
}
