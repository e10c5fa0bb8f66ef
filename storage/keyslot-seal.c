/*
 * keyslot-seal.c - one key slot's cryptography (the format is at the top of
 * keyslot.c): a person's secrets sealed under Argon2id of their passphrase,
 * the data key wrapped to their X25519 key, and the MAC over the file.
 */
#include "storage/keyslot-internal.h"

#include <string.h>

#include <argon2.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <nettle/curve25519.h>

#include "lib/secret.h"

/* Turns a GnuTLS failure into OD_E_CRYPTO (or OD_E_NOMEM). */
static enum od_code gnutls_fail(struct od_err *err, const char *doing, int rc)
{
	return od_err_set(err, rc == GNUTLS_E_MEMORY_ERROR ? OD_E_NOMEM
							    : OD_E_CRYPTO,
			  "%s failed: %s", doing, gnutls_strerror(rc));
}

/* 1 if name is a valid user name: 1-32 of [a-z0-9._-], a letter first. */
int ks_name_valid(const char *name)
{
	size_t i;

	if (name == NULL || name[0] < 'a' || name[0] > 'z')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		if (i >= KEYSLOT_NAME_MAX)
			return 0;
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '.' || name[i] == '_' || name[i] == '-'))
			return 0;
	}
	return 1;
}

/* 1 if kdf is within the floor and the ceiling. */
int ks_kdf_safe(const struct keyslot_kdf *kdf)
{
	return kdf->t_cost >= KS_T_MIN && kdf->t_cost <= KS_T_MAX &&
	       kdf->m_cost_kib >= KS_M_MIN && kdf->m_cost_kib <= KS_M_MAX &&
	       kdf->lanes >= 1 && kdf->lanes <= KS_P_MAX;
}

/* Compares n bytes in time independent of where they differ. */
int ks_equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* out = HKDF-SHA256(salt, ikm, info), 32 bytes. */
static enum od_code hkdf32(const void *ikm, size_t ikm_len, const char *salt,
			   const void *info, size_t info_len, uint8_t out[32],
			   struct od_err *err)
{
	uint8_t prk[32];
	gnutls_datum_t k = { (unsigned char *)ikm, (unsigned int)ikm_len };
	gnutls_datum_t s = { (unsigned char *)salt, (unsigned int)strlen(salt) };
	gnutls_datum_t i = { (unsigned char *)info, (unsigned int)info_len };
	gnutls_datum_t p = { prk, sizeof prk };
	enum od_code code = OD_OK;
	int rc;

	rc = gnutls_hkdf_extract(GNUTLS_MAC_SHA256, &k, &s, prk);
	if (rc >= 0)
		rc = gnutls_hkdf_expand(GNUTLS_MAC_SHA256, &p, &i, out, 32);
	if (rc < 0)
		code = gnutls_fail(err, "deriving a key", rc);
	secret_wipe(prk, sizeof prk);
	return code;
}

/* The MAC key for data_key. */
static enum od_code mac_key(const uint8_t data_key[KEYSLOT_KEY_LEN],
			    uint8_t key[32], struct od_err *err)
{
	return hkdf32(data_key, KEYSLOT_KEY_LEN, KS_FORMAT, KS_MAC_LABEL,
		      strlen(KS_MAC_LABEL), key, err);
}

/* HMAC-SHA256 of n bytes under the MAC key of data_key. */
enum od_code ks_mac_compute(const uint8_t data_key[KEYSLOT_KEY_LEN],
				const void *p, size_t n,
				uint8_t mac[KS_MAC_LEN], struct od_err *err)
{
	uint8_t key[32];
	enum od_code code;
	int rc;

	code = mac_key(data_key, key, err);
	if (code != OD_OK)
		goto out;
	rc = gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, sizeof key, p, n, mac);
	if (rc < 0)
		code = gnutls_fail(err, "computing the key file's MAC", rc);
out:
	secret_wipe(key, sizeof key);
	return code;
}

/* A value that identifies data_key without revealing it. */
enum od_code ks_key_check(const uint8_t data_key[KEYSLOT_KEY_LEN],
			      uint8_t check[KS_MAC_LEN], struct od_err *err)
{
	return ks_mac_compute(data_key, KS_CHECK_LABEL, strlen(KS_CHECK_LABEL),
			   check, err);
}

/* One AES-256-GCM operation; a failed tag gives a bare OD_E_TAMPERED. */
static enum od_code aead(int seal, const uint8_t key[32],
			 const uint8_t nonce[KS_NONCE_LEN], const void *ad,
			 size_t ad_len, const uint8_t *in, size_t in_len,
			 uint8_t *out, size_t out_len, struct od_err *err)
{
	gnutls_aead_cipher_hd_t h;
	gnutls_datum_t k = { (unsigned char *)key, 32 };
	size_t n = out_len;
	int rc;

	rc = gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_256_GCM, &k);
	if (rc < 0)
		return gnutls_fail(err, "setting up AES-256-GCM", rc);
	if (seal)
		rc = gnutls_aead_cipher_encrypt(h, nonce, KS_NONCE_LEN, ad,
						ad_len, KS_TAG_LEN, in, in_len,
						out, &n);
	else
		rc = gnutls_aead_cipher_decrypt(h, nonce, KS_NONCE_LEN, ad,
						ad_len, KS_TAG_LEN, in, in_len,
						out, &n);
	gnutls_aead_cipher_deinit(h);
	if (rc == GNUTLS_E_DECRYPTION_FAILED && !seal) {
		secret_wipe(out, out_len);
		return od_err_set(err, OD_E_TAMPERED, "authentication failed");
	}
	if (rc < 0)
		return gnutls_fail(err, seal ? "encrypting" : "decrypting", rc);
	if (n != out_len)
		return od_err_set(err, OD_E_INTERNAL,
				  "AES-256-GCM gave %zu bytes, not %zu", n,
				  out_len);
	return OD_OK;
}

/* Fills n bytes from GnuTLS's generator of the given level. */
static enum od_code rnd(gnutls_rnd_level_t level, void *p, size_t n,
			struct od_err *err)
{
	int rc = gnutls_rnd(level, p, n);

	if (rc < 0)
		return gnutls_fail(err, "getting random bytes", rc);
	return OD_OK;
}

/* Makes a fresh clamped X25519 private key (RFC 7748 section 5). */
enum od_code ks_x25519_new(uint8_t priv[KS_X_LEN], struct od_err *err)
{
	enum od_code code = rnd(GNUTLS_RND_KEY, priv, KS_X_LEN, err);

	if (code != OD_OK)
		return code;
	priv[0] &= 248;
	priv[31] &= 127;
	priv[31] |= 64;
	return OD_OK;
}

/* shared = X25519(priv, pub); 0 on success, -1 for an all-zero result. */
static int x25519_shared(const uint8_t priv[KS_X_LEN],
			 const uint8_t pub[KS_X_LEN], uint8_t shared[KS_X_LEN])
{
	uint8_t zero[KS_X_LEN] = { 0 };

	curve25519_mul(shared, priv, pub);
	/* A low-order public key gives zero: no secret at all. */
	return ks_equal_ct(shared, zero, KS_X_LEN) ? -1 : 0;
}

/* The associated data for sealing slot s: label, user, cost, salt, key. */
static size_t seal_ad(const struct slot *s, uint8_t *ad)
{
	size_t n = 0, len;

	len = sizeof KS_SEAL_LABEL;     /* with its NUL */
	memcpy(ad + n, KS_SEAL_LABEL, len);
	n += len;
	len = strlen(s->user) + 1;
	memcpy(ad + n, s->user, len);
	n += len;
	ks_put_be32(ad + n, s->kdf.t_cost);
	ks_put_be32(ad + n + 4, s->kdf.m_cost_kib);
	ks_put_be32(ad + n + 8, s->kdf.lanes);
	n += 12;
	memcpy(ad + n, s->salt, KS_SALT_LEN);
	n += KS_SALT_LEN;
	memcpy(ad + n, s->seal_pub, KS_X_LEN);
	return n + KS_X_LEN;
}

#define KS_SEAL_AD_MAX (sizeof KS_SEAL_LABEL + KEYSLOT_NAME_MAX + 1 + 12 + \
			KS_SALT_LEN + KS_X_LEN)

/* The associated data for wrapping to slot s's user. */
static size_t wrap_ad(const struct slot *s, uint8_t *ad)
{
	size_t len = strlen(s->user);

	memcpy(ad, KS_WRAP_LABEL, sizeof KS_WRAP_LABEL);
	memcpy(ad + sizeof KS_WRAP_LABEL, s->user, len);
	return sizeof KS_WRAP_LABEL + len;
}

#define KS_WRAP_AD_MAX (sizeof KS_WRAP_LABEL + KEYSLOT_NAME_MAX)

/* KEK = Argon2id(pass, s->salt) with s's cost. */
static enum od_code kdf_derive(const struct slot *s, const char *pass,
			       size_t pass_len, uint8_t kek[32],
			       struct od_err *err)
{
	int rc;

	rc = argon2id_hash_raw(s->kdf.t_cost, s->kdf.m_cost_kib, s->kdf.lanes,
			       pass, pass_len, s->salt, KS_SALT_LEN, kek, 32);
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return od_err_set(err, OD_E_NOMEM,
				  "not enough memory to check the passphrase "
				  "(Argon2id needs %u MiB)",
				  (unsigned)(s->kdf.m_cost_kib / 1024));
	if (rc != ARGON2_OK)
		return od_err_set(err, OD_E_CRYPTO, "Argon2id failed: %s",
				  argon2_error_message(rc));
	return OD_OK;
}

/*
 * Seals secrets (seed || x25519 private) into s under pass with a new salt
 * and nonce; s's user, kdf and seal_pub must be set.
 */
enum od_code ks_slot_seal(struct slot *s, const char *pass,
			      size_t pass_len,
			      const uint8_t secrets[KS_SECRETS_LEN],
			      struct od_err *err)
{
	uint8_t kek[32], ad[KS_SEAL_AD_MAX];
	size_t ad_len;
	enum od_code code;

	code = rnd(GNUTLS_RND_RANDOM, s->salt, KS_SALT_LEN, err);
	if (code == OD_OK)
		code = rnd(GNUTLS_RND_NONCE, s->sealed, KS_NONCE_LEN, err);
	if (code == OD_OK)
		code = kdf_derive(s, pass, pass_len, kek, err);
	if (code != OD_OK)
		goto out;
	ad_len = seal_ad(s, ad);
	code = aead(1, kek, s->sealed, ad, ad_len, secrets, KS_SECRETS_LEN,
		    s->sealed + KS_NONCE_LEN, KS_SECRETS_LEN + KS_TAG_LEN, err);
out:
	secret_wipe(kek, sizeof kek);
	return code;
}

/*
 * Opens s's sealed secrets with pass.  A wrong passphrase gives OD_E_AUTH;
 * secrets whose X25519 key does not match seal_pub, OD_E_TAMPERED.
 */
enum od_code ks_slot_unseal(const struct slot *s, const char *pass,
				size_t pass_len,
				uint8_t secrets[KS_SECRETS_LEN],
				struct od_err *err)
{
	uint8_t kek[32], ad[KS_SEAL_AD_MAX], pub[KS_X_LEN];
	size_t ad_len;
	enum od_code code;

	if (pass_len > KS_PASS_MAX)
		goto wrong;             /* such a passphrase is never set */
	code = kdf_derive(s, pass, pass_len, kek, err);
	if (code != OD_OK)
		goto out;
	ad_len = seal_ad(s, ad);
	code = aead(0, kek, s->sealed, ad, ad_len, s->sealed + KS_NONCE_LEN,
		    KS_SECRETS_LEN + KS_TAG_LEN, secrets, KS_SECRETS_LEN, err);
	if (code == OD_E_TAMPERED)
		goto wrong;
	if (code != OD_OK)
		goto out;
	curve25519_mul_g(pub, secrets + KEYSLOT_SEED_LEN);
	if (!ks_equal_ct(pub, s->seal_pub, KS_X_LEN)) {
		secret_wipe(secrets, KS_SECRETS_LEN);
		code = od_err_set(err, OD_E_TAMPERED,
				  "the key slot for %s is damaged (its keys "
				  "do not match); restore the key file from a "
				  "backup", s->user);
	}
	goto out;
wrong:
	code = od_err_set(err, OD_E_AUTH,
			  "wrong passphrase for %s; try again", s->user);
out:
	secret_wipe(kek, sizeof kek);
	return code;
}

/* The wrapping KEK from the X25519 result and both public keys. */
static enum od_code wrap_kek(const uint8_t shared[KS_X_LEN],
			     const uint8_t eph_pub[KS_X_LEN],
			     const uint8_t rcpt_pub[KS_X_LEN], uint8_t kek[32],
			     struct od_err *err)
{
	uint8_t ikm[3 * KS_X_LEN];
	enum od_code code;

	memcpy(ikm, shared, KS_X_LEN);
	memcpy(ikm + KS_X_LEN, eph_pub, KS_X_LEN);
	memcpy(ikm + 2 * KS_X_LEN, rcpt_pub, KS_X_LEN);
	code = hkdf32(ikm, sizeof ikm, KS_WRAP_LABEL, "data key", 8, kek, err);
	secret_wipe(ikm, sizeof ikm);
	return code;
}

/* Wraps data_key to s->seal_pub into wrapped (for s's user). */
enum od_code ks_slot_wrap(const struct slot *s,
			      const uint8_t data_key[KEYSLOT_KEY_LEN],
			      uint8_t wrapped[KS_WRAPPED_LEN],
			      struct od_err *err)
{
	uint8_t eph[KS_X_LEN], shared[KS_X_LEN], kek[32], ad[KS_WRAP_AD_MAX];
	uint8_t *eph_pub = wrapped, *nonce = wrapped + KS_X_LEN;
	enum od_code code;

	code = ks_x25519_new(eph, err);
	if (code == OD_OK)
		code = rnd(GNUTLS_RND_NONCE, nonce, KS_NONCE_LEN, err);
	if (code != OD_OK)
		goto out;
	curve25519_mul_g(eph_pub, eph);
	if (x25519_shared(eph, s->seal_pub, shared) != 0) {
		code = od_err_set(err, OD_E_TAMPERED,
				  "the key slot for %s has an unusable public "
				  "key; restore the key file from a backup",
				  s->user);
		goto out;
	}
	code = wrap_kek(shared, eph_pub, s->seal_pub, kek, err);
	if (code != OD_OK)
		goto out;
	code = aead(1, kek, nonce, ad, wrap_ad(s, ad), data_key,
		    KEYSLOT_KEY_LEN, nonce + KS_NONCE_LEN,
		    KEYSLOT_KEY_LEN + KS_TAG_LEN, err);
out:
	secret_wipe(eph, sizeof eph);
	secret_wipe(shared, sizeof shared);
	secret_wipe(kek, sizeof kek);
	return code;
}

/* Unwraps s's data key with the user's X25519 private key. */
enum od_code ks_slot_unwrap(const struct slot *s,
				const uint8_t priv[KS_X_LEN],
				uint8_t data_key[KEYSLOT_KEY_LEN],
				struct od_err *err)
{
	const uint8_t *eph_pub = s->wrapped, *nonce = s->wrapped + KS_X_LEN;
	uint8_t shared[KS_X_LEN], kek[32], ad[KS_WRAP_AD_MAX];
	enum od_code code;

	if (x25519_shared(priv, eph_pub, shared) != 0) {
		code = OD_E_TAMPERED;
		goto bad;
	}
	code = wrap_kek(shared, eph_pub, s->seal_pub, kek, err);
	if (code != OD_OK)
		goto out;
	code = aead(0, kek, nonce, ad, wrap_ad(s, ad), nonce + KS_NONCE_LEN,
		    KEYSLOT_KEY_LEN + KS_TAG_LEN, data_key, KEYSLOT_KEY_LEN,
		    err);
	if (code == OD_E_TAMPERED)
		goto bad;
	goto out;
bad:
	code = od_err_set(err, OD_E_TAMPERED,
			  "the data key in the slot for %s is damaged or was "
			  "altered; restore the key file from a backup",
			  s->user);
out:
	secret_wipe(shared, sizeof shared);
	secret_wipe(kek, sizeof kek);
	return code;
}
