/*
 * sigtoken.c - Ed25519 keys on a PKCS#11 token, through GnuTLS.
 *
 * GnuTLS 3.7.9 (Debian 12) signs Ed25519 (CKM_EDDSA) with a token's key
 * through gnutls_privkey_import_url, so signing needs nothing else.  Its
 * public key import is narrower: it takes CKA_EC_POINT only as a DER
 * OCTET STRING, and SoftHSM2 gives the raw 32 bytes for a key imported
 * with softhsm2-util (and other tokens may too).  So the public half is
 * read here: the object is found through GnuTLS, its two attributes read
 * through the module's own function list (gnutls_pkcs11_obj_get_ptr), and
 * both encodings of the curve and the point are taken.
 */
#include "app/keys/sigtoken.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/pkcs11.h>
#include <p11-kit/pkcs11.h>

#include "lib/secret.h"

struct sigtoken {
	pthread_mutex_t lock;   /* one signer at a time; guards all below */
	int refs;
	char *uri;              /* as the person gave it */
	char *priv_url;         /* uri naming the private object */
	gnutls_privkey_t key;   /* NULL until the first signature */
	int wrong_pin;          /* the token refused the PIN we gave */
	struct od_err pin_err;  /* why no PIN could be asked, if so */
	enum od_code pin_rc;
};

static sigtoken_pin_fn pin_reader;
static void *pin_ctx;

void sigtoken_set_pin_reader(sigtoken_pin_fn fn, void *ctx)
{
	pin_reader = fn;
	pin_ctx = ctx;
}

int sigtoken_is_uri(const char *s)
{
	return s != NULL && strncmp(s, "pkcs11:", 7) == 0;
}

enum od_code sigtoken_check_uri(const char *uri, struct od_err *err)
{
	if (!sigtoken_is_uri(uri))
		return od_err_set(err, OD_E_USAGE, "a key on a token is named "
				  "by a pkcs11: URI (see `p11tool "
				  "--list-all-privkeys`)");
	if (strlen(uri) > SIGTOKEN_URI_MAX)
		return od_err_set(err, OD_E_USAGE, "that pkcs11: URI is longer"
				  " than %d bytes", SIGTOKEN_URI_MAX);
	if (strstr(uri, "pin-value") != NULL ||
	    strstr(uri, "pin-source") != NULL)
		return od_err_set(err, OD_E_USAGE, "leave the PIN out of the "
				  "pkcs11: URI; it is asked when the key signs");
	/* GnuTLS 3.7.9 takes no module-path: the modules are p11-kit's. */
	if (strchr(uri, '?') != NULL)
		return od_err_set(err, OD_E_USAGE, "leave the ?... part out of "
				  "the pkcs11: URI; the token's module must be "
				  "one p11-kit loads (/usr/share/p11-kit/"
				  "modules; opensc and softhsm2 put theirs "
				  "there)");
	if (strchr(uri, '\n') != NULL || strchr(uri, ' ') != NULL)
		return od_err_set(err, OD_E_USAGE, "a pkcs11: URI has no "
				  "spaces or newlines (write them as %%20)");
	return OD_OK;
}

/* uri with any type= attribute replaced by type=TYPE; NULL without memory. */
static char *with_type(const char *uri, const char *type)
{
	size_t n = strlen(uri);
	char *out = malloc(n + 16), *p;
	const char *s = uri + 7;
	size_t seg;

	if (out == NULL)
		return NULL;
	memcpy(out, "pkcs11:", 7);
	p = out + 7;
	/* The path attributes end at '?' (sigtoken_check_uri refuses one). */
	while (*s != '\0' && *s != '?') {
		seg = strcspn(s, ";?");
		if (seg > 0 && strncmp(s, "type=", 5) != 0) {
			if (p > out + 7)
				*p++ = ';';
			memcpy(p, s, seg);
			p += seg;
		}
		s += seg;
		if (*s == ';')
			s++;
	}
	sprintf(p, "%stype=%s", p > out + 7 ? ";" : "", type);
	return out;
}

/* The one line for a token, key or module that is not there. */
static enum od_code not_there(const char *uri, struct od_err *err)
{
	return od_err_set(err, OD_E_NOTFOUND, "no key at %s: plug in the "
			  "token, or install its PKCS#11 module (opensc for a "
			  "YubiKey); `p11tool --list-all-privkeys` lists the "
			  "keys this machine sees", uri);
}

enum od_code sigtoken_parse_pub(const uint8_t *params, size_t params_len,
				const uint8_t *point, size_t point_len,
				uint8_t pub[SIGKEY_PUB_LEN],
				struct od_err *err)
{
	static const uint8_t oid[] = { 0x06, 0x03, 0x2b, 0x65, 0x70 };
	static const uint8_t name[] = { 0x13, 0x0c, 'e', 'd', 'w', 'a', 'r',
					'd', 's', '2', '5', '5', '1', '9' };

	if (!(params_len == sizeof oid && memcmp(params, oid, 5) == 0) &&
	    !(params_len == sizeof name && memcmp(params, name, 14) == 0))
		return od_err_set(err, OD_E_INPUT, "that token key is not an "
				  "Ed25519 key; make one with `pkcs11-tool "
				  "--keypairgen --key-type EC:edwards25519`");
	if (point_len == SIGKEY_PUB_LEN + 2 && point[0] == 0x04 &&
	    point[1] == SIGKEY_PUB_LEN) {
		point += 2;
		point_len -= 2;
	}
	if (point_len != SIGKEY_PUB_LEN)
		return od_err_set(err, OD_E_INPUT, "the token gives its Ed25519"
				  " public key in a form not known here");
	memcpy(pub, point, SIGKEY_PUB_LEN);
	return OD_OK;
}

/* Reads the public key's CKA_EC_PARAMS and CKA_EC_POINT from obj. */
static enum od_code read_attrs(gnutls_pkcs11_obj_t obj,
			       uint8_t pub[SIGKEY_PUB_LEN], struct od_err *err)
{
	uint8_t params[64], point[80];
	CK_ATTRIBUTE a[2] = {
		{ CKA_EC_PARAMS, params, sizeof params },
		{ CKA_EC_POINT, point, sizeof point },
	};
	CK_FUNCTION_LIST *mod = NULL;
	void *session = NULL, *handle = NULL;
	unsigned long slot;
	CK_RV rv;
	int rc;

	rc = gnutls_pkcs11_obj_get_ptr(obj, (void **)&mod, &session, &handle,
				       &slot, 0);
	if (rc < 0)
		return od_err_set(err, OD_E_CRYPTO, "cannot reach the token: "
				  "%s", gnutls_strerror(rc));
	/* GnuTLS hands the PKCS#11 handles over cast to pointers. */
	rv = mod->C_GetAttributeValue((CK_SESSION_HANDLE)(uintptr_t)session,
				      (CK_OBJECT_HANDLE)(uintptr_t)handle, a,
				      2);
	mod->C_CloseSession((CK_SESSION_HANDLE)(uintptr_t)session);
	if (rv != CKR_OK)
		return od_err_set(err, OD_E_INPUT, "that token key is not an "
				  "Ed25519 key (the token gives no curve or "
				  "point for it: error %#lx)", (unsigned long)rv);
	return sigtoken_parse_pub(params, a[0].ulValueLen, point,
				  a[1].ulValueLen, pub, err);
}

/* Finds the public object of uri and reads its key. */
static enum od_code read_pub(const char *uri, uint8_t pub[SIGKEY_PUB_LEN],
			     struct od_err *err)
{
	gnutls_pkcs11_obj_t obj = NULL;
	char *url = with_type(uri, "public");
	enum od_code code;
	int rc;

	if (url == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = gnutls_pkcs11_obj_init(&obj);
	if (rc < 0) {
		free(url);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	rc = gnutls_pkcs11_obj_import_url(obj, url, 0);
	if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ||
	    rc == GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE)
		code = not_there(uri, err);
	else if (rc == GNUTLS_E_PARSING_ERROR)
		code = od_err_set(err, OD_E_USAGE, "cannot read the URI %s: "
				  "%s", uri, gnutls_strerror(rc));
	else if (rc < 0)
		code = od_err_set(err, OD_E_CRYPTO, "cannot find %s: %s", uri,
				  gnutls_strerror(rc));
	else
		code = read_attrs(obj, pub, err);
	gnutls_pkcs11_obj_deinit(obj);
	free(url);
	return code;
}

enum od_code sigtoken_open(const char *uri, uint8_t pub[SIGKEY_PUB_LEN],
			   struct sigtoken **out, struct od_err *err)
{
	struct sigtoken *t;
	enum od_code code;

	*out = NULL;
	code = sigtoken_check_uri(uri, err);
	if (code != OD_OK)
		return code;
	code = read_pub(uri, pub, err);
	if (code != OD_OK)
		return code;
	t = calloc(1, sizeof *t);
	if (t == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	t->refs = 1;
	t->uri = strdup(uri);
	t->priv_url = with_type(uri, "private");
	if (t->uri == NULL || t->priv_url == NULL) {
		sigtoken_unref(t);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	pthread_mutex_init(&t->lock, NULL);
	*out = t;
	return OD_OK;
}

/*
 * GnuTLS's PIN callback: asks the reader once.  A second attempt means the
 * token refused the first PIN: give up rather than spend its retries.
 */
static int pin_cb(void *ctx, int attempt, const char *url,
		  const char *label, unsigned flags, char *pin,
		  size_t pin_max)
{
	struct sigtoken *t = ctx;
	char *got = NULL;
	size_t len = 0;

	(void)url;
	(void)flags;
	if (attempt > 0) {
		t->wrong_pin = 1;
		return -1;
	}
	if (pin_reader == NULL) {
		t->pin_rc = od_err_set(&t->pin_err, OD_E_USAGE, "nothing here "
				       "can ask for the token's PIN; sign "
				       "with the command line (orderdesk "
				       "--user NAME COMMAND)");
		return -1;
	}
	t->pin_rc = pin_reader(pin_ctx, label, &got, &len, &t->pin_err);
	if (t->pin_rc == OD_OK && len + 1 > pin_max)
		t->pin_rc = od_err_set(&t->pin_err, OD_E_USAGE, "that PIN is "
				       "too long for the token");
	if (t->pin_rc == OD_OK)
		memcpy(pin, got, len + 1);
	secret_free_str(got);
	return t->pin_rc == OD_OK ? 0 : -1;
}

/* Logs in and loads the private key (t->lock held). */
static enum od_code load_key(struct sigtoken *t, struct od_err *err)
{
	int rc;

	if (t->key != NULL)
		return OD_OK;
	rc = gnutls_privkey_init(&t->key);
	if (rc < 0) {
		t->key = NULL;
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	gnutls_privkey_set_pin_function(t->key, pin_cb, t);
	t->wrong_pin = 0;
	t->pin_rc = OD_OK;
	rc = gnutls_privkey_import_url(t->key, t->priv_url, 0);
	if (rc >= 0)
		return OD_OK;
	gnutls_privkey_deinit(t->key);
	t->key = NULL;
	if (t->pin_rc != OD_OK) {
		*err = t->pin_err;
		return t->pin_rc;
	}
	if (t->wrong_pin || rc == GNUTLS_E_PKCS11_PIN_ERROR)
		return od_err_set(err, OD_E_AUTH, "wrong PIN for the token of "
				  "%s; nothing was signed (a token locks after"
				  " a few wrong PINs)", t->uri);
	if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		return not_there(t->uri, err);
	return od_err_set(err, OD_E_CRYPTO, "cannot use the key at %s: %s",
			  t->uri, gnutls_strerror(rc));
}

enum od_code sigtoken_sign(struct sigtoken *t, const void *msg, size_t len,
			   uint8_t sig[SIGKEY_SIG_LEN], struct od_err *err)
{
	gnutls_datum_t data = { (unsigned char *)msg, (unsigned int)len };
	gnutls_datum_t out = { NULL, 0 };
	enum od_code code;
	int rc;

	if (len > UINT32_MAX)
		return od_err_set(err, OD_E_INPUT, "too much data to sign");
	pthread_mutex_lock(&t->lock);
	code = load_key(t, err);
	if (code == OD_OK) {
		rc = gnutls_privkey_sign_data2(t->key, GNUTLS_SIGN_EDDSA_ED25519,
					       0, &data, &out);
		if (rc < 0)
			code = od_err_set(err, OD_E_CRYPTO, "the token at %s "
					  "did not sign: %s", t->uri,
					  gnutls_strerror(rc));
		else if (out.size != SIGKEY_SIG_LEN)
			code = od_err_set(err, OD_E_CRYPTO, "the token at %s "
					  "made a %u-byte Ed25519 signature",
					  t->uri, out.size);
		else
			memcpy(sig, out.data, SIGKEY_SIG_LEN);
	}
	pthread_mutex_unlock(&t->lock);
	gnutls_free(out.data);
	return code;
}

struct sigtoken *sigtoken_ref(struct sigtoken *t)
{
	pthread_mutex_lock(&t->lock);
	t->refs++;
	pthread_mutex_unlock(&t->lock);
	return t;
}

void sigtoken_unref(struct sigtoken *t)
{
	int left;

	if (t == NULL)
		return;
	if (t->uri == NULL || t->priv_url == NULL) {
		/* Half made by sigtoken_open: no lock yet. */
		free(t->uri);
		free(t->priv_url);
		free(t);
		return;
	}
	pthread_mutex_lock(&t->lock);
	left = --t->refs;
	pthread_mutex_unlock(&t->lock);
	if (left > 0)
		return;
	if (t->key != NULL)
		gnutls_privkey_deinit(t->key);
	pthread_mutex_destroy(&t->lock);
	free(t->uri);
	free(t->priv_url);
	secret_wipe(t, sizeof *t);
	free(t);
}
