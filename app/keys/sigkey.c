/*
 * sigkey.c - Ed25519 signing keys through GnuTLS's abstract key API.
 *
 * Two facts about GnuTLS 3.7.9 shape this file (both checked by
 * tests/unit/test-sigkey.c):
 *
 *  - gnutls_privkey_import_ecc_raw needs the public key beside the seed
 *    (x = NULL crashes) and does not check that they match: given a wrong
 *    public key it signs happily and the signatures fail everywhere.  So
 *    the public key is computed from the seed here, with nettle (the
 *    library GnuTLS itself signs with), never taken from outside.
 *
 *  - gnutls_pubkey_import_ecc_raw accepts any 32 bytes as an Ed25519 key.
 *    A string that is not a point only fails later, as a bad signature;
 *    a point of small order is worse, since "signatures" under it can be
 *    made without any private key, so its holder could later disown what
 *    was signed.  pub_check below decodes the point as RFC 8032 section
 *    5.1.3 says and refuses both, so such a key cannot enter the log.
 */
#include "app/keys/sigkey.h"
#include "app/keys/sigkey-internal.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <nettle/eddsa.h>

#include "lib/encode.h"
#include "lib/secret.h"

struct sigkey_pub {
	gnutls_pubkey_t key;
};

/*
 * Arithmetic modulo p = 2^255 - 19, only to validate public keys: the
 * inputs are public, so neither speed nor constant time matters here, and
 * plain 32-bit limbs with 64-bit products keep it short and free of
 * undefined behaviour.  Every value is kept fully reduced (< p).
 */
struct fe {
	uint32_t v[8];  /* little-endian limbs */
};

static const struct fe fe_p = { {
	0xffffffed, 0xffffffff, 0xffffffff, 0xffffffff,
	0xffffffff, 0xffffffff, 0xffffffff, 0x7fffffff } };

/* Sets r to the small number n. */
static void fe_set(struct fe *r, uint32_t n)
{
	memset(r, 0, sizeof *r);
	r->v[0] = n;
}

/* Compares a and b as 256-bit numbers: -1, 0 or 1. */
static int fe_cmp(const struct fe *a, const struct fe *b)
{
	int i;

	for (i = 7; i >= 0; i--) {
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	}
	return 0;
}

/* r = a - b modulo 2^256; returns the borrow out. */
static uint32_t fe_sub_raw(struct fe *r, const struct fe *a,
			   const struct fe *b)
{
	uint64_t d;
	uint32_t borrow = 0;
	int i;

	for (i = 0; i < 8; i++) {
		d = (uint64_t)a->v[i] - b->v[i] - borrow;
		r->v[i] = (uint32_t)d;
		borrow = (uint32_t)(d >> 63);
	}
	return borrow;
}

/* r = a + b modulo 2^256; returns the carry out. */
static uint32_t fe_add_raw(struct fe *r, const struct fe *a,
			   const struct fe *b)
{
	uint64_t s;
	uint32_t carry = 0;
	int i;

	for (i = 0; i < 8; i++) {
		s = (uint64_t)a->v[i] + b->v[i] + carry;
		r->v[i] = (uint32_t)s;
		carry = (uint32_t)(s >> 32);
	}
	return carry;
}

/* Brings r (< 2^256, so < 3p) below p. */
static void fe_reduce(struct fe *r)
{
	while (fe_cmp(r, &fe_p) >= 0)
		fe_sub_raw(r, r, &fe_p);
}

/* r = a + b mod p. */
static void fe_add(struct fe *r, const struct fe *a, const struct fe *b)
{
	fe_add_raw(r, a, b);    /* a, b < 2^255: no carry out */
	fe_reduce(r);
}

/* r = a - b mod p. */
static void fe_sub(struct fe *r, const struct fe *a, const struct fe *b)
{
	if (fe_sub_raw(r, a, b))
		fe_add_raw(r, r, &fe_p);
}

/* r = a * b mod p, using 2^256 = 38 (mod p). */
static void fe_mul(struct fe *r, const struct fe *a, const struct fe *b)
{
	uint32_t t[16] = { 0 };
	uint64_t c;
	int i, j;

	for (i = 0; i < 8; i++) {
		c = 0;
		for (j = 0; j < 8; j++) {
			c += (uint64_t)a->v[i] * b->v[j] + t[i + j];
			t[i + j] = (uint32_t)c;
			c >>= 32;
		}
		t[i + 8] = (uint32_t)c;
	}
	c = 0;
	for (i = 0; i < 8; i++) {
		c += (uint64_t)t[i] + (uint64_t)38 * t[i + 8];
		r->v[i] = (uint32_t)c;
		c >>= 32;
	}
	/* Fold the carry (at most 38) back in, twice in the worst case. */
	while (c != 0) {
		c *= 38;
		for (i = 0; i < 8; i++) {
			c += r->v[i];
			r->v[i] = (uint32_t)c;
			c >>= 32;
		}
	}
	fe_reduce(r);
}

/* r = a^e mod p (e is any 256-bit number). */
static void fe_pow(struct fe *r, const struct fe *a, const struct fe *e)
{
	struct fe acc;
	int bit;

	fe_set(&acc, 1);
	for (bit = 255; bit >= 0; bit--) {
		fe_mul(&acc, &acc, &acc);
		if (e->v[bit / 32] >> (bit % 32) & 1)
			fe_mul(&acc, &acc, a);
	}
	*r = acc;
}

/* r = (p - k) >> shift (shift < 32): every exponent here has this form. */
static void fe_exponent(struct fe *r, uint32_t k, unsigned shift)
{
	struct fe small;
	int i;

	fe_set(&small, k);
	fe_sub_raw(r, &fe_p, &small);
	if (shift == 0)
		return;
	for (i = 0; i < 8; i++)
		r->v[i] = r->v[i] >> shift |
			  (i < 7 ? r->v[i + 1] << (32 - shift) : 0);
}

/* r = a^-1 mod p (a != 0), by Fermat. */
static void fe_inv(struct fe *r, const struct fe *a)
{
	struct fe e;

	fe_exponent(&e, 2, 0);
	fe_pow(r, a, &e);
}

/* Reads 32 little-endian bytes, bit 255 cleared. */
static void fe_from_bytes(struct fe *r, const uint8_t b[32])
{
	int i;

	for (i = 0; i < 8; i++)
		r->v[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
			  (uint32_t)b[4 * i + 2] << 16 |
			  (uint32_t)b[4 * i + 3] << 24;
	r->v[7] &= 0x7fffffff;
}

/* A point in extended coordinates: x = X/Z, y = Y/Z (T is not needed). */
struct ge {
	struct fe x, y, z;
};

/* r = 2p on -x^2 + y^2 = 1 + d x^2 y^2 ("dbl-2008-hwcd", a = -1). */
static void ge_double(struct ge *r, const struct ge *p)
{
	struct fe a, b, c, e, f, g, h, t;

	fe_mul(&a, &p->x, &p->x);
	fe_mul(&b, &p->y, &p->y);
	fe_mul(&c, &p->z, &p->z);
	fe_add(&c, &c, &c);
	fe_add(&t, &p->x, &p->y);
	fe_mul(&e, &t, &t);
	fe_sub(&e, &e, &a);
	fe_sub(&e, &e, &b);             /* E = 2xy */
	fe_sub(&g, &b, &a);             /* G = -A + B */
	fe_sub(&f, &g, &c);             /* F = G - C */
	fe_set(&t, 0);
	fe_sub(&h, &t, &a);
	fe_sub(&h, &h, &b);             /* H = -A - B */
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->z, &f, &g);
}

/*
 * Decodes an Ed25519 public key as RFC 8032 section 5.1.3 does and checks
 * that it is not of small order (8P is not the neutral point).  Returns 0
 * for a usable key, -1 otherwise.
 */
static int pub_check(const uint8_t pub[SIGKEY_PUB_LEN])
{
	struct fe y, y2, u, v, d, one, t, x, vx2, e, sqrt_m1, zero;
	struct ge pt;
	int sign = pub[31] >> 7;

	fe_set(&one, 1);
	fe_set(&zero, 0);
	/* d = -121665 / 121666 */
	fe_set(&t, 121666);
	fe_inv(&d, &t);
	fe_set(&t, 121665);
	fe_sub(&t, &zero, &t);
	fe_mul(&d, &d, &t);

	fe_from_bytes(&y, pub);
	if (fe_cmp(&y, &fe_p) >= 0)
		return -1;              /* y must be written canonically */
	fe_mul(&y2, &y, &y);
	fe_sub(&u, &y2, &one);          /* u = y^2 - 1 */
	fe_mul(&v, &d, &y2);
	fe_add(&v, &v, &one);           /* v = d y^2 + 1, never 0 */

	/* x = u v^3 (u v^7)^((p-5)/8) */
	fe_mul(&t, &v, &v);
	fe_mul(&t, &t, &v);             /* v^3 */
	fe_mul(&x, &u, &t);             /* u v^3 */
	fe_mul(&t, &t, &t);
	fe_mul(&t, &t, &v);             /* v^7 */
	fe_mul(&t, &t, &u);             /* u v^7 */
	fe_exponent(&e, 5, 3);
	fe_pow(&t, &t, &e);
	fe_mul(&x, &x, &t);

	fe_mul(&vx2, &x, &x);
	fe_mul(&vx2, &vx2, &v);
	if (fe_cmp(&vx2, &u) != 0) {
		fe_sub(&t, &zero, &u);
		if (fe_cmp(&vx2, &t) != 0)
			return -1;      /* u/v has no square root: not a point */
		fe_set(&t, 2);
		fe_exponent(&e, 1, 2);
		fe_pow(&sqrt_m1, &t, &e);
		fe_mul(&x, &x, &sqrt_m1);
	}
	if (fe_cmp(&x, &zero) == 0 && sign)
		return -1;
	if ((int)(x.v[0] & 1) != sign)
		fe_sub(&x, &zero, &x);

	pt.x = x;
	pt.y = y;
	pt.z = one;
	ge_double(&pt, &pt);
	ge_double(&pt, &pt);
	ge_double(&pt, &pt);
	if (fe_cmp(&pt.x, &zero) == 0)
		return -1;              /* 8P = O: order 1, 2, 4 or 8 */
	return 0;
}

/* Turns a GnuTLS failure into OD_E_CRYPTO with GnuTLS's own words. */
static enum od_code gnutls_fail(struct od_err *err, const char *doing, int rc)
{
	return od_err_set(err, rc == GNUTLS_E_MEMORY_ERROR ? OD_E_NOMEM
							    : OD_E_CRYPTO,
			  "%s failed: %s", doing, gnutls_strerror(rc));
}

/* Checks pub and makes a GnuTLS public key of it. */
static enum od_code pub_import(const uint8_t pub[SIGKEY_PUB_LEN],
			       gnutls_pubkey_t *out, struct od_err *err)
{
	gnutls_pubkey_t key = NULL;
	gnutls_datum_t x = { (unsigned char *)pub, SIGKEY_PUB_LEN };
	int rc;

	*out = NULL;
	if (pub_check(pub) != 0)
		return od_err_set(err, OD_E_INPUT,
				  "not a usable Ed25519 public key (not a "
				  "point of the curve, or a weak one)");
	rc = gnutls_pubkey_init(&key);
	if (rc < 0)
		return gnutls_fail(err, "making a public key", rc);
	rc = gnutls_pubkey_import_ecc_raw(key, GNUTLS_ECC_CURVE_ED25519, &x,
					  NULL);
	if (rc < 0) {
		gnutls_pubkey_deinit(key);
		return gnutls_fail(err, "importing a public key", rc);
	}
	*out = key;
	return OD_OK;
}

enum od_code sigkey_pub_check(const uint8_t pub[SIGKEY_PUB_LEN],
			      struct od_err *err)
{
	if (pub_check(pub) != 0)
		return od_err_set(err, OD_E_INPUT, "not a usable Ed25519 "
				  "public key (not a point of the curve, or a "
				  "weak one)");
	return OD_OK;
}

enum od_code sigkey_generate_seed(uint8_t seed[SIGKEY_SEED_LEN],
				  struct od_err *err)
{
	int rc = gnutls_rnd(GNUTLS_RND_KEY, seed, SIGKEY_SEED_LEN);

	if (rc < 0)
		return gnutls_fail(err, "generating a signing key", rc);
	return OD_OK;
}

enum od_code sigkey_from_seed(const uint8_t seed[SIGKEY_SEED_LEN],
			      struct sigkey **out, struct od_err *err)
{
	struct sigkey *k;
	gnutls_datum_t x, priv;
	int rc;

	*out = NULL;
	k = calloc(1, sizeof *k);
	if (k == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	ed25519_sha512_public_key(k->pub, seed);
	rc = gnutls_privkey_init(&k->key);
	if (rc < 0) {
		k->key = NULL;
		sigkey_free(k);
		return gnutls_fail(err, "making a signing key", rc);
	}
	x.data = k->pub;
	x.size = SIGKEY_PUB_LEN;
	priv.data = (unsigned char *)seed;
	priv.size = SIGKEY_SEED_LEN;
	rc = gnutls_privkey_import_ecc_raw(k->key, GNUTLS_ECC_CURVE_ED25519,
					   &x, NULL, &priv);
	if (rc < 0) {
		sigkey_free(k);
		return gnutls_fail(err, "loading a signing key", rc);
	}
	*out = k;
	return OD_OK;
}

enum od_code sigkey_dup(const struct sigkey *k, struct sigkey **out,
			struct od_err *err)
{
	gnutls_datum_t x = { NULL, 0 }, priv = { NULL, 0 };
	gnutls_ecc_curve_t curve;
	enum od_code code;
	int rc;

	*out = NULL;
	if (k->tok != NULL) {
		/* The token keeps its key: the copy shares it (and its lock). */
		*out = calloc(1, sizeof **out);
		if (*out == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		(*out)->tok = sigtoken_ref(k->tok);
		memcpy((*out)->pub, k->pub, SIGKEY_PUB_LEN);
		return OD_OK;
	}
	rc = gnutls_privkey_export_ecc_raw2(k->key, &curve, &x, NULL, &priv, 0);
	if (rc < 0)
		return gnutls_fail(err, "copying a signing key", rc);
	if (curve != GNUTLS_ECC_CURVE_ED25519 || priv.size != SIGKEY_SEED_LEN)
		code = od_err_set(err, OD_E_INTERNAL, "a signing key is not "
				  "an Ed25519 key");
	else
		code = sigkey_from_seed(priv.data, out, err);
	if (priv.data != NULL)
		secret_wipe(priv.data, priv.size);
	gnutls_free(priv.data);
	gnutls_free(x.data);
	return code;
}

void sigkey_free(struct sigkey *k)
{
	if (k == NULL)
		return;
	if (k->key != NULL)
		gnutls_privkey_deinit(k->key);
	sigtoken_unref(k->tok);
	secret_wipe(k, sizeof *k);
	free(k);
}

void sigkey_public(const struct sigkey *k, uint8_t pub[SIGKEY_PUB_LEN])
{
	memcpy(pub, k->pub, SIGKEY_PUB_LEN);
}

enum od_code sigkey_sign(const struct sigkey *k, const void *msg, size_t len,
			 uint8_t sig[SIGKEY_SIG_LEN], struct od_err *err)
{
	gnutls_datum_t data = { (unsigned char *)msg, (unsigned int)len };
	gnutls_datum_t out = { NULL, 0 };
	enum od_code code = OD_OK;
	int rc;

	if (k->tok != NULL)
		return sigtoken_sign(k->tok, msg, len, sig, err);
	if (len > UINT32_MAX)
		return od_err_set(err, OD_E_INPUT, "too much data to sign");
	rc = gnutls_privkey_sign_data2(k->key, GNUTLS_SIGN_EDDSA_ED25519, 0,
				       &data, &out);
	if (rc < 0) {
		code = gnutls_fail(err, "signing", rc);
		goto out;
	}
	if (out.size != SIGKEY_SIG_LEN) {
		code = od_err_set(err, OD_E_INTERNAL,
				  "GnuTLS made a %u-byte Ed25519 signature",
				  out.size);
		goto out;
	}
	memcpy(sig, out.data, SIGKEY_SIG_LEN);
out:
	gnutls_free(out.data);
	return code;
}

enum od_code sigkey_pub_new(const uint8_t pub[SIGKEY_PUB_LEN],
			    struct sigkey_pub **out, struct od_err *err)
{
	struct sigkey_pub *p;
	enum od_code code;

	*out = NULL;
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	code = pub_import(pub, &p->key, err);
	if (code != OD_OK) {
		free(p);
		return code;
	}
	*out = p;
	return OD_OK;
}

void sigkey_pub_free(struct sigkey_pub *p)
{
	if (p == NULL)
		return;
	gnutls_pubkey_deinit(p->key);
	free(p);
}

enum od_code sigkey_pub_verify(const struct sigkey_pub *p, const void *msg,
			       size_t len, const uint8_t sig[SIGKEY_SIG_LEN],
			       struct od_err *err)
{
	gnutls_datum_t data = { (unsigned char *)msg, (unsigned int)len };
	gnutls_datum_t s = { (unsigned char *)sig, SIGKEY_SIG_LEN };
	int rc;

	if (len > UINT32_MAX)
		return od_err_set(err, OD_E_INPUT, "too much data to verify");
	rc = gnutls_pubkey_verify_data2(p->key, GNUTLS_SIGN_EDDSA_ED25519, 0,
					&data, &s);
	if (rc == GNUTLS_E_PK_SIG_VERIFY_FAILED)
		return od_err_set(err, OD_E_TAMPERED,
				  "the signature does not match: the data was "
				  "changed or signed by another key");
	if (rc < 0)
		return gnutls_fail(err, "checking a signature", rc);
	return OD_OK;
}

/* Exports pub as SubjectPublicKeyInfo in fmt; *out is gnutls_free'd. */
static enum od_code pub_export(const uint8_t pub[SIGKEY_PUB_LEN],
			       gnutls_x509_crt_fmt_t fmt, gnutls_datum_t *out,
			       struct od_err *err)
{
	gnutls_pubkey_t key;
	enum od_code code;
	int rc;

	out->data = NULL;
	out->size = 0;
	code = pub_import(pub, &key, err);
	if (code != OD_OK)
		return code;
	rc = gnutls_pubkey_export2(key, fmt, out);
	gnutls_pubkey_deinit(key);
	if (rc < 0)
		return gnutls_fail(err, "exporting a public key", rc);
	return OD_OK;
}

enum od_code sigkey_fingerprint(const uint8_t pub[SIGKEY_PUB_LEN],
				char fp[SIGKEY_FP_LEN + 1], struct od_err *err)
{
	gnutls_datum_t der;
	uint8_t hash[32];
	enum od_code code;
	int rc;

	code = pub_export(pub, GNUTLS_X509_FMT_DER, &der, err);
	if (code != OD_OK)
		return code;
	rc = gnutls_hash_fast(GNUTLS_DIG_SHA256, der.data, der.size, hash);
	gnutls_free(der.data);
	if (rc < 0)
		return gnutls_fail(err, "hashing a public key", rc);
	memcpy(fp, "sha256:", 7);
	hex_encode(hash, sizeof hash, fp + 7);
	return OD_OK;
}

enum od_code sigkey_pem(const uint8_t pub[SIGKEY_PUB_LEN], char **pem,
			struct od_err *err)
{
	gnutls_datum_t text;
	enum od_code code;

	*pem = NULL;
	code = pub_export(pub, GNUTLS_X509_FMT_PEM, &text, err);
	if (code != OD_OK)
		return code;
	/* Copied so that the caller frees with free(), NUL-terminated. */
	*pem = malloc(text.size + 1);
	if (*pem == NULL) {
		gnutls_free(text.data);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	memcpy(*pem, text.data, text.size);
	(*pem)[text.size] = '\0';
	gnutls_free(text.data);
	return OD_OK;
}

enum od_code sigkey_random(void *buf, size_t n, struct od_err *err)
{
	int rc = gnutls_rnd(GNUTLS_RND_RANDOM, buf, n);

	if (rc < 0)
		return gnutls_fail(err, "getting random bytes", rc);
	return OD_OK;
}
