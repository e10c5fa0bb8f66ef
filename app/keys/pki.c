/* pki.c - the shop CA and the certificates it signs, with GnuTLS x509. */
#include "app/keys/pki.h"

#include <arpa/inet.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/encode.h"

/* Turns a GnuTLS failure into err, keeping GnuTLS's own words. */
static enum od_code tls_fail(struct od_err *err, const char *what, int ret)
{
	return od_err_set(err, OD_E_CRYPTO, "cannot %s: %s", what,
			  gnutls_strerror(ret));
}

/* Copies a GnuTLS datum into a NUL-terminated string the caller frees. */
static enum od_code datum_str(gnutls_datum_t *d, char **out,
			      struct od_err *err)
{
	char *s = malloc(d->size + 1);

	if (s == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(s, d->data, d->size);
	s[d->size] = '\0';
	*out = s;
	return OD_OK;
}

/* Whether a common name is short and plain enough to log and compare. */
static int name_ok(const char *s)
{
	size_t n = strlen(s), i;

	/* Starting with a letter or digit: never "." or "..", which would
	 * also name directories. */
	if (n == 0 || n > PKI_NAME_MAX || s[0] == '.' || s[0] == '_' ||
	    s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

int pki_name_ok(const char *name)
{
	return name_ok(name);
}

/*
 * Makes an unsigned certificate for a fresh P-256 key (*key), or, when pub
 * is given, for that public key (a desk's request: *key stays NULL).
 */
static enum od_code new_cert(const char *cn, const char *org, unsigned days,
			     gnutls_pubkey_t pub, gnutls_x509_crt_t *crt,
			     gnutls_x509_privkey_t *key, struct od_err *err)
{
	unsigned char serial[16], id[64];
	size_t idlen = sizeof id;
	time_t now = time(NULL);
	int ret;

	*crt = NULL;
	*key = NULL;
	if (pub == NULL &&
	    ((ret = gnutls_x509_privkey_init(key)) < 0 ||
	     (ret = gnutls_x509_privkey_generate(key[0], GNUTLS_PK_ECDSA,
			GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
			0)) < 0))
		return tls_fail(err, "make a key", ret);
	if ((ret = gnutls_x509_crt_init(crt)) < 0)
		return tls_fail(err, "make a certificate", ret);
	if ((ret = gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial)) < 0)
		return tls_fail(err, "make a serial number", ret);
	serial[0] &= 0x7f;  /* a positive INTEGER */
	serial[0] |= 0x01;  /* without a leading zero byte */
	if ((ret = gnutls_x509_crt_set_version(*crt, 3)) < 0 ||
	    (ret = gnutls_x509_crt_set_serial(*crt, serial,
					      sizeof serial)) < 0 ||
	    /* An hour back: clocks of desks and backend differ a little. */
	    (ret = gnutls_x509_crt_set_activation_time(*crt,
						       now - 3600)) < 0 ||
	    (ret = gnutls_x509_crt_set_expiration_time(*crt,
			now + (time_t)days * 86400)) < 0 ||
	    (ret = gnutls_x509_crt_set_dn_by_oid(*crt,
			GNUTLS_OID_X520_ORGANIZATION_NAME, 0, org,
			strlen(org))) < 0 ||
	    (ret = gnutls_x509_crt_set_dn_by_oid(*crt,
			GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn))) < 0 ||
	    (ret = pub != NULL ? gnutls_x509_crt_set_pubkey(*crt, pub) :
		   gnutls_x509_crt_set_key(*crt, *key)) < 0 ||
	    (ret = gnutls_x509_crt_get_key_id(*crt, 0, id, &idlen)) < 0 ||
	    (ret = gnutls_x509_crt_set_subject_key_id(*crt, id, idlen)) < 0)
		return tls_fail(err, "fill in a certificate", ret);
	return OD_OK;
}

/* Signs crt by the issuer and exports both halves as PEM. */
static enum od_code sign_export(gnutls_x509_crt_t crt,
				gnutls_x509_privkey_t key,
				gnutls_x509_crt_t issuer,
				gnutls_x509_privkey_t issuer_key,
				char **cert_pem, char **key_pem,
				struct od_err *err)
{
	gnutls_datum_t c = { NULL, 0 }, k = { NULL, 0 };
	enum od_code rc;
	int ret;

	if ((ret = gnutls_x509_crt_sign2(crt, issuer, issuer_key,
					 GNUTLS_DIG_SHA256, 0)) < 0)
		return tls_fail(err, "sign a certificate", ret);
	if ((ret = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM,
					   &c)) < 0)
		return tls_fail(err, "export a certificate", ret);
	/* No key: the certificate is for a key that lives elsewhere. */
	ret = key == NULL ? 0 :
	      gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL,
						GNUTLS_PKCS_PLAIN, &k);
	if (ret < 0) {
		gnutls_free(c.data);
		return tls_fail(err, "export a key", ret);
	}
	rc = datum_str(&c, cert_pem, err);
	if (rc == OD_OK && key_pem != NULL) {
		rc = datum_str(&k, key_pem, err);
		if (rc != OD_OK) {
			free(*cert_pem);
			*cert_pem = NULL;
		}
	}
	gnutls_memset(k.data, 0, k.size);
	gnutls_free(k.data);
	gnutls_free(c.data);
	return rc;
}

enum od_code pki_make_ca(const char *shop, char **cert_pem, char **key_pem,
			 struct od_err *err)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t key = NULL;
	char cn[160];
	enum od_code rc;
	int ret;

	*cert_pem = *key_pem = NULL;
	if (shop[0] == '\0' || strlen(shop) > 128)
		return od_err_set(err, OD_E_USAGE,
				  "the shop name must be 1 to 128 bytes");
	snprintf(cn, sizeof cn, "%s shop CA", shop);
	rc = new_cert(cn, shop, PKI_CA_DAYS, NULL, &crt, &key, err);
	if (rc != OD_OK)
		goto out;
	if ((ret = gnutls_x509_crt_set_basic_constraints(crt, 1, 0)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_usage(crt,
			GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN)) < 0) {
		rc = tls_fail(err, "fill in the shop CA", ret);
		goto out;
	}
	rc = sign_export(crt, key, crt, key, cert_pem, key_pem, err);
out:
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

/* Adds one host to a server certificate's subject alternative names. */
static enum od_code add_host(gnutls_x509_crt_t crt, const char *host,
			     struct od_err *err)
{
	unsigned char ip[16];
	int ret;

	if (inet_pton(AF_INET, host, ip) == 1)
		ret = gnutls_x509_crt_set_subject_alt_name(crt,
				GNUTLS_SAN_IPADDRESS, ip, 4, GNUTLS_FSAN_APPEND);
	else if (inet_pton(AF_INET6, host, ip) == 1)
		ret = gnutls_x509_crt_set_subject_alt_name(crt,
				GNUTLS_SAN_IPADDRESS, ip, 16,
				GNUTLS_FSAN_APPEND);
	else if (name_ok(host))
		ret = gnutls_x509_crt_set_subject_alt_name(crt,
				GNUTLS_SAN_DNSNAME, host, strlen(host),
				GNUTLS_FSAN_APPEND);
	else
		return od_err_set(err, OD_E_USAGE, "the host %.64s is neither "
				  "an IP address nor a DNS name", host);
	if (ret < 0)
		return tls_fail(err, "name a host in the certificate", ret);
	return OD_OK;
}

/* pki_make_leaf, or for pub (key_pem NULL) when it is given. */
static enum od_code make_leaf(const char *ca_cert_pem, const char *ca_key_pem,
			      enum pki_use use, const char *cn,
			      const char *const *hosts, size_t nhosts,
			      gnutls_pubkey_t pub, char **cert_pem,
			      char **key_pem, struct od_err *err)
{
	gnutls_x509_crt_t ca = NULL, crt = NULL;
	gnutls_x509_privkey_t ca_key = NULL, key = NULL;
	gnutls_datum_t d;
	unsigned char id[64];
	size_t idlen = sizeof id, i;
	char org[160];
	enum od_code rc = OD_OK;
	int ret;

	*cert_pem = NULL;
	if (key_pem != NULL)
		*key_pem = NULL;
	if (!name_ok(cn))
		return od_err_set(err, OD_E_USAGE, "a certificate name is 1 to "
				  "%d of A-Z a-z 0-9 . _ -", PKI_NAME_MAX);
	d.data = (unsigned char *)ca_cert_pem;
	d.size = (unsigned)strlen(ca_cert_pem);
	if ((ret = gnutls_x509_crt_init(&ca)) < 0 ||
	    (ret = gnutls_x509_crt_import(ca, &d, GNUTLS_X509_FMT_PEM)) < 0) {
		rc = tls_fail(err, "read the shop CA certificate", ret);
		goto out;
	}
	d.data = (unsigned char *)ca_key_pem;
	d.size = (unsigned)strlen(ca_key_pem);
	if ((ret = gnutls_x509_privkey_init(&ca_key)) < 0 ||
	    (ret = gnutls_x509_privkey_import(ca_key, &d,
					      GNUTLS_X509_FMT_PEM)) < 0) {
		rc = tls_fail(err, "read the shop CA key", ret);
		goto out;
	}
	/* The organisation is the shop's, as in the CA's own name. */
	idlen = sizeof org;
	if (gnutls_x509_crt_get_dn_by_oid(ca, GNUTLS_OID_X520_ORGANIZATION_NAME,
					  0, 0, org, &idlen) < 0)
		snprintf(org, sizeof org, "orderdesk shop");
	idlen = sizeof id;
	rc = new_cert(cn, org, PKI_LEAF_DAYS, pub, &crt, &key, err);
	if (rc != OD_OK)
		goto out;
	if ((ret = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (ret = gnutls_x509_crt_set_key_usage(crt,
			GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
	    (use == PKI_STOREFRONT &&
	     (ret = gnutls_x509_crt_set_dn_by_oid(crt,
			GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0,
			PKI_STOREFRONT_UNIT,
			strlen(PKI_STOREFRONT_UNIT))) < 0) ||
	    (ret = gnutls_x509_crt_set_key_purpose_oid(crt,
			use == PKI_SERVER ? GNUTLS_KP_TLS_WWW_SERVER :
					    GNUTLS_KP_TLS_WWW_CLIENT, 0)) < 0 ||
	    (ret = gnutls_x509_crt_get_subject_key_id(ca, id, &idlen,
						      NULL)) < 0 ||
	    (ret = gnutls_x509_crt_set_authority_key_id(crt, id, idlen)) < 0) {
		rc = tls_fail(err, "fill in a certificate", ret);
		goto out;
	}
	for (i = 0; use == PKI_SERVER && i < nhosts && rc == OD_OK; i++)
		rc = add_host(crt, hosts[i], err);
	if (rc == OD_OK)
		rc = sign_export(crt, key, ca, ca_key, cert_pem, key_pem, err);
out:
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_privkey_deinit(key);
	gnutls_x509_privkey_deinit(ca_key);
	return rc;
}

enum od_code pki_make_leaf(const char *ca_cert_pem, const char *ca_key_pem,
			   enum pki_use use, const char *cn,
			   const char *const *hosts, size_t nhosts,
			   char **cert_pem, char **key_pem, struct od_err *err)
{
	*key_pem = NULL;
	return make_leaf(ca_cert_pem, ca_key_pem, use, cn, hosts, nhosts, NULL,
			 cert_pem, key_pem, err);
}

enum od_code pki_make_request(const char *cn, char **req_pem, char **key_pem,
			      struct od_err *err)
{
	gnutls_x509_crq_t crq = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t r = { NULL, 0 }, k = { NULL, 0 };
	enum od_code rc = OD_OK;
	int ret;

	*req_pem = *key_pem = NULL;
	if (!name_ok(cn))
		return od_err_set(err, OD_E_USAGE, "a desk name is 1 to %d of "
				  "A-Z a-z 0-9 . _ -", PKI_NAME_MAX);
	if ((ret = gnutls_x509_privkey_init(&key)) < 0 ||
	    (ret = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
			GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1),
			0)) < 0 ||
	    (ret = gnutls_x509_crq_init(&crq)) < 0 ||
	    (ret = gnutls_x509_crq_set_version(crq, 1)) < 0 ||
	    (ret = gnutls_x509_crq_set_dn_by_oid(crq,
			GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen(cn))) < 0 ||
	    (ret = gnutls_x509_crq_set_key(crq, key)) < 0 ||
	    (ret = gnutls_x509_crq_sign2(crq, key, GNUTLS_DIG_SHA256, 0)) < 0 ||
	    (ret = gnutls_x509_crq_export2(crq, GNUTLS_X509_FMT_PEM, &r)) < 0 ||
	    (ret = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM,
			NULL, GNUTLS_PKCS_PLAIN, &k)) < 0) {
		rc = tls_fail(err, "make this desk's key and request", ret);
		goto out;
	}
	rc = datum_str(&r, req_pem, err);
	if (rc == OD_OK && (rc = datum_str(&k, key_pem, err)) != OD_OK) {
		free(*req_pem);
		*req_pem = NULL;
	}
out:
	if (k.data != NULL)
		gnutls_memset(k.data, 0, k.size);
	gnutls_free(k.data);
	gnutls_free(r.data);
	gnutls_x509_crq_deinit(crq);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

enum od_code pki_sign_request(const char *ca_cert_pem, const char *ca_key_pem,
			      const char *req_pem, const char *cn,
			      char **cert_pem, struct od_err *err)
{
	gnutls_x509_crq_t crq = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t d;
	enum od_code rc;
	int ret;

	*cert_pem = NULL;
	d.data = (unsigned char *)req_pem;
	d.size = (unsigned)strlen(req_pem);
	/* The request's own signature proves the desk holds the key. */
	if ((ret = gnutls_x509_crq_init(&crq)) < 0 ||
	    (ret = gnutls_x509_crq_import(crq, &d, GNUTLS_X509_FMT_PEM)) < 0 ||
	    (ret = gnutls_x509_crq_verify(crq, 0)) < 0 ||
	    (ret = gnutls_pubkey_init(&pub)) < 0 ||
	    (ret = gnutls_pubkey_import_x509_crq(pub, crq, 0)) < 0) {
		rc = od_err_set(err, OD_E_INPUT, "the desk's certificate "
				"request is not a valid, signed request: %s",
				gnutls_strerror(ret));
		goto out;
	}
	rc = make_leaf(ca_cert_pem, ca_key_pem, PKI_CLIENT, cn, NULL, 0, pub,
		       cert_pem, NULL, err);
out:
	gnutls_pubkey_deinit(pub);
	gnutls_x509_crq_deinit(crq);
	return rc;
}

enum od_code pki_serial(const char *cert_pem, char serial[PKI_SERIAL_MAX + 1],
			struct od_err *err)
{
	static const char hex[] = "0123456789abcdef";
	gnutls_x509_crt_t crt = NULL;
	unsigned char raw[PKI_SERIAL_MAX / 2];
	size_t len = sizeof raw, i;
	gnutls_datum_t d;
	int ret;

	serial[0] = '\0';
	d.data = (unsigned char *)cert_pem;
	d.size = (unsigned)strlen(cert_pem);
	if ((ret = gnutls_x509_crt_init(&crt)) < 0 ||
	    (ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM)) < 0 ||
	    (ret = gnutls_x509_crt_get_serial(crt, raw, &len)) < 0) {
		gnutls_x509_crt_deinit(crt);
		return tls_fail(err, "read the certificate's serial number",
				ret);
	}
	gnutls_x509_crt_deinit(crt);
	for (i = 0; i < len; i++) {
		serial[2 * i] = hex[raw[i] >> 4];
		serial[2 * i + 1] = hex[raw[i] & 15];
	}
	serial[2 * len] = '\0';
	return OD_OK;
}

enum od_code pki_check_dates(const char *path, const char *what,
			     struct od_err *err)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { NULL, 0 };
	time_t from, until, now = time(NULL);
	char day[32];
	struct tm tm;
	enum od_code rc = OD_OK;
	int ret;

	if ((ret = gnutls_load_file(path, &d)) < 0)
		return od_err_set(err, OD_E_IO, "cannot read %.200s", path);
	if ((ret = gnutls_x509_crt_init(&crt)) < 0 ||
	    (ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM)) < 0) {
		rc = tls_fail(err, "read a certificate", ret);
		goto out;
	}
	from = gnutls_x509_crt_get_activation_time(crt);
	until = gnutls_x509_crt_get_expiration_time(crt);
	if (from == (time_t)-1 || until == (time_t)-1) {
		rc = od_err_set(err, OD_E_AUTH, "%s has no validity dates",
				what);
		goto out;
	}
	if (now > until || now < from) {
		gmtime_r(now > until ? &until : &from, &tm);
		strftime(day, sizeof day, "%Y-%m-%d %H:%M UTC", &tm);
		rc = od_err_set(err, OD_E_AUTH, "%s %s %s; ask the shop's "
				"owner for a new one", what, now > until ?
				"expired on" : "is not valid before", day);
	}
out:
	gnutls_x509_crt_deinit(crt);
	gnutls_free(d.data);
	return rc;
}

enum od_code pki_cert_org(const char *cert_pem, char *out, size_t size,
			  struct od_err *err)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d = { (unsigned char *)cert_pem,
			     (unsigned)strlen(cert_pem) };
	size_t n = size;
	enum od_code rc = OD_OK;
	int ret;

	out[0] = '\0';
	if ((ret = gnutls_x509_crt_init(&crt)) < 0 ||
	    (ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM)) < 0) {
		rc = tls_fail(err, "read a certificate", ret);
		goto out;
	}
	ret = gnutls_x509_crt_get_dn_by_oid(crt,
			GNUTLS_OID_X520_ORGANIZATION_NAME, 0, 0, out, &n);
	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		out[0] = '\0';
	else if (ret < 0 || n >= size)
		rc = od_err_set(err, OD_E_INPUT, "the certificate's "
				"organization is too long or malformed");
out:
	if (rc != OD_OK)
		out[0] = '\0';
	gnutls_x509_crt_deinit(crt);
	return rc;
}

enum od_code pki_check_key(const char *key_pem, const char *cert_pem,
			   const char *what, struct od_err *err)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t d;
	unsigned char mine[64], theirs[64];
	size_t nmine = sizeof mine, ntheirs = sizeof theirs;
	enum od_code rc = OD_OK;

	d.data = (unsigned char *)key_pem;
	d.size = (unsigned)strlen(key_pem);
	/* No passphrase: an encrypted key fails here, as libcurl would. */
	if (gnutls_x509_privkey_init(&key) < 0 ||
	    gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM, NULL,
					GNUTLS_PKCS_PLAIN) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, mine,
					   &nmine) < 0) {
		rc = od_err_set(err, OD_E_INPUT, "%s is not an unencrypted "
				"private key in PEM", what);
		goto out;
	}
	if (cert_pem == NULL)
		goto out;
	d.data = (unsigned char *)cert_pem;
	d.size = (unsigned)strlen(cert_pem);
	if (gnutls_x509_crt_init(&crt) < 0 ||
	    gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, theirs,
				       &ntheirs) < 0) {
		rc = od_err_set(err, OD_E_INPUT, "the desk's certificate is "
				"not a PEM certificate");
		goto out;
	}
	if (nmine != ntheirs || memcmp(mine, theirs, nmine) != 0)
		rc = od_err_set(err, OD_E_INPUT, "%s is not the key of the "
				"desk's certificate: give the key that came "
				"with it", what);
out:
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return rc;
}

enum od_code pki_pin(const char *cert_pem, char pin[PKI_PIN_LEN + 1],
		     struct od_err *err)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t d, der = { NULL, 0 };
	unsigned char digest[32];
	enum od_code rc = OD_OK;
	int ret;

	pin[0] = '\0';
	d.data = (unsigned char *)cert_pem;
	d.size = (unsigned)strlen(cert_pem);
	if ((ret = gnutls_x509_crt_init(&crt)) < 0 ||
	    (ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM)) < 0 ||
	    (ret = gnutls_pubkey_init(&pub)) < 0 ||
	    (ret = gnutls_pubkey_import_x509(pub, crt, 0)) < 0 ||
	    (ret = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &der)) < 0 ||
	    (ret = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size,
				    digest)) < 0) {
		rc = tls_fail(err, "compute the certificate's pin", ret);
		goto out;
	}
	memcpy(pin, "sha256//", 8);
	b64_encode(digest, sizeof digest, pin + 8);
out:
	gnutls_free(der.data);
	gnutls_pubkey_deinit(pub);
	gnutls_x509_crt_deinit(crt);
	return rc;
}
