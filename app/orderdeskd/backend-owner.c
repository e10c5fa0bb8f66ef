/* backend-owner.c - a request the owner signs (backend-owner.h). */
#include "app/orderdeskd/backend-owner.h"
#include "app/orderdeskd/backend-internal.h"
#include "app/orderdeskd/backend-join.h"

#include <string.h>
#include <time.h>

#include "lib/encode.h"

const char *backend_line_value(const char **p, const char *name, char *val,
			       size_t size)
{
	size_t n = strlen(name), len;
	const char *nl;

	if (strncmp(*p, name, n) != 0 || (*p)[n] != ':' || (*p)[n + 1] != ' ')
		return NULL;
	nl = strchr(*p + n + 2, '\n');
	if (nl == NULL || (len = (size_t)(nl - (*p + n + 2))) == 0 ||
	    len >= size)
		return NULL;
	memcpy(val, *p + n + 2, len);
	val[len] = '\0';
	*p = nl + 1;
	return val;
}

unsigned backend_owner_signed(struct backend *b, const char *actor,
			      const char *fp, long long t, const char *text,
			      const char *sig_b64, const char *may,
			      const char *what, struct od_err *err)
{
	uint8_t sig[SIGKEY_SIG_LEN];
	struct sigkey_pub *pub = NULL;
	struct user_record u;
	long long now = (long long)time(NULL);
	size_t got = 0;
	enum od_code rc;

	if (b64_decode("the request's signature", sig_b64, strlen(sig_b64),
		       sig, sizeof sig, &got, err) != OD_OK || got != sizeof sig) {
		od_err_set(err, OD_E_INPUT, "%s's signature is not base64 of "
			   "%d bytes", what, SIGKEY_SIG_LEN);
		return 400;
	}
	rc = store_user_get(backend_store(b), actor, &u, err);
	if (rc != OD_OK || !u.active || strcmp(u.role, "owner") != 0 ||
	    strcmp(u.fingerprint, fp) != 0) {
		od_err_set(err, OD_E_DENIED, "only the shop's owner may %s",
			   may);
		return 403;
	}
	rc = sigkey_pub_new(u.pubkey, &pub, err);
	if (rc == OD_OK)
		rc = sigkey_pub_verify(pub, text, strlen(text), sig, err);
	sigkey_pub_free(pub);
	if (rc != OD_OK) {
		od_err_set(err, OD_E_DENIED, "%s is not signed by the owner's "
			   "key", what);
		return 403;
	}
	if (t < now - JOIN_INVITE_SKEW || t > now + JOIN_INVITE_SKEW) {
		od_err_set(err, OD_E_DENIED, "%s's time is more than %d minutes "
			   "from the backend's clock; check the desk's clock",
			   what, JOIN_INVITE_SKEW / 60);
		return 403;
	}
	return 0;
}
