/*
 * keyslot.c - the store's key slots: who may unlock it, and their sealed keys.
 *
 * The file ("keyslots" beside the database) is JSON, written by this file
 * only, mode 0600:
 *
 *   {
 *     "format": "orderdesk-keyslots/1",
 *     "slots": [
 *       {
 *         "user": "mei",
 *         "kdf": { "alg": "argon2id", "t": 3, "m": 65536, "p": 1 },
 *         "salt": b64(16 random bytes),
 *         "sealed": b64(nonce 12 || ciphertext 64 || tag 16),
 *         "seal_pub": b64(X25519 public key 32),
 *         "wrapped": b64(ephemeral X25519 public 32 || nonce 12 ||
 *                        ciphertext 32 || tag 16)
 *       }, ...
 *     ],
 *     "mac": b64(32)
 *   }
 *
 * Parsing is strict: exactly these keys, no duplicates, integers where
 * integers are due, canonical base64 of exactly the right length, user names
 * of 1-32 bytes from [a-z0-9._-] starting with a letter, no name twice, at
 * most 1 MiB and 1024 slots.  Anything else is OD_E_TAMPERED.  Argon2id
 * parameters below t=2 or 64 MiB, or absurd ones (t > 100, m > 4 GiB,
 * p outside 1..16), are refused when loading, so an edited file can neither
 * weaken a passphrase's protection nor make unlocking eat the machine.
 *
 * sealed: AES-256-GCM under KEK = Argon2id(passphrase, salt, t, m, p) (32
 * bytes) of seed (the Ed25519 signing seed, 32) || x (the X25519 private
 * key, 32, clamped as RFC 7748 says).  Associated data:
 *   "orderdesk-keyslot/1" 0x00 user 0x00 be32(t) be32(m) be32(p) salt seal_pub
 * so a sealed blob cannot be moved to another name, cost or public key.
 * After opening, X25519(x, 9) must equal seal_pub.
 *
 * wrapped: the 32-byte data key, sealed to seal_pub: an ephemeral X25519 key
 * e, shared = X25519(e, seal_pub) (all zeros is refused), and
 *   KEK = HKDF-SHA256(salt "orderdesk-keyslot-wrap/1",
 *                     ikm shared || e_pub || seal_pub, info "data key")
 *   AES-256-GCM, associated data "orderdesk-keyslot-wrap/1" 0x00 user.
 *
 * mac: HMAC-SHA256 under
 *   mac_key = HKDF-SHA256(salt "orderdesk-keyslots/1", ikm data key,
 *                         info "orderdesk-keyslots-mac")
 * over this canonical byte string (never over the JSON text, whose spacing
 * is not ours to fix), where f(x) = be32(length of x) || x:
 *   f("orderdesk-keyslots/1") be32(number of slots), then for each slot in
 *   file order: f(user) f("argon2id") be32(t) be32(m) be32(p) f(salt)
 *   f(sealed) f(seal_pub) f(wrapped)
 *
 * In memory the object remembers that canonical string and MAC as last
 * loaded or saved ("base"), and whether slots changed since ("dirty").
 * keyslot_unlock checks the MAC of base, and so refuses a dirty object: save
 * first.  keyslot_add and keyslot_save, which take the data key, check it
 * against base's MAC (or against the key the object was last given), so a
 * wrong key or an altered file is refused before anything is written.
 *
 * Timing: an unknown user fails at once, a known one after Argon2id.  That
 * tells an attacker which names exist, which the file already tells anyone
 * who can read it (names are its only plaintext), so it is not hidden.
 */
#include "storage/keyslot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <argon2.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <jansson.h>
#include <nettle/curve25519.h>

#include "lib/file.h"
#include "lib/buf.h"
#include "lib/encode.h"
#include "lib/secret.h"

#define KS_FORMAT      "orderdesk-keyslots/1"
#define KS_SEAL_LABEL  "orderdesk-keyslot/1"
#define KS_WRAP_LABEL  "orderdesk-keyslot-wrap/1"
#define KS_MAC_LABEL   "orderdesk-keyslots-mac"
#define KS_CHECK_LABEL "orderdesk-keyslots key check"
#define KS_KDF_ALG     "argon2id"

#define KS_SALT_LEN    16
#define KS_NONCE_LEN   12
#define KS_TAG_LEN     16
#define KS_X_LEN       32      /* X25519 keys */
#define KS_SECRETS_LEN (KEYSLOT_SEED_LEN + KS_X_LEN)
#define KS_SEALED_LEN  (KS_NONCE_LEN + KS_SECRETS_LEN + KS_TAG_LEN)
#define KS_WRAPPED_LEN (KS_X_LEN + KS_NONCE_LEN + KEYSLOT_KEY_LEN + KS_TAG_LEN)
#define KS_MAC_LEN     32
#define KS_B64_MAX     128     /* base64 of the longest field, with NUL */

#define KS_FILE_MAX    (1024 * 1024)
#define KS_SLOTS_MAX   1024
#define KS_PASS_MAX    1024
/* Canonical bytes per slot at most (see the top comment), and in all. */
#define KS_CANON_SLOT  (4 + KEYSLOT_NAME_MAX + 4 + 8 + 12 + 4 + KS_SALT_LEN + \
			4 + KS_SEALED_LEN + 4 + KS_X_LEN + 4 + KS_WRAPPED_LEN)
#define KS_CANON_MAX   (4 + sizeof KS_FORMAT + 4 + \
			(size_t)KS_SLOTS_MAX * KS_CANON_SLOT)

/* Argon2id limits: the floor, and a ceiling against absurd files. */
#define KS_T_MIN       2
#define KS_T_MAX       100
#define KS_M_MIN       65536                   /* KiB: 64 MiB */
#define KS_M_MAX       (4u * 1024 * 1024)      /* KiB: 4 GiB */
#define KS_P_MAX       16

#define ARRAY_LEN(a)   (sizeof (a) / sizeof (a)[0])

const struct keyslot_kdf keyslot_kdf_default = { 3, 65536, 1 };

struct slot {
	char user[KEYSLOT_NAME_MAX + 1];
	struct keyslot_kdf kdf;
	uint8_t salt[KS_SALT_LEN];
	uint8_t sealed[KS_SEALED_LEN];
	uint8_t seal_pub[KS_X_LEN];
	uint8_t wrapped[KS_WRAPPED_LEN];
};

struct keyslot_file {
	char *path;
	struct slot *slots;
	size_t n;
	size_t alloc;
	struct buf base;                /* canonical bytes, last load/save */
	uint8_t base_mac[KS_MAC_LEN];
	int on_disk;                    /* base and base_mac are valid */
	int dirty;                      /* slots differ from base */
	uint8_t key_check[KS_MAC_LEN];  /* marks the data key last given */
	int has_key_check;
};

/* Turns a GnuTLS failure into OD_E_CRYPTO (or OD_E_NOMEM). */
static enum od_code gnutls_fail(struct od_err *err, const char *doing, int rc)
{
	return od_err_set(err, rc == GNUTLS_E_MEMORY_ERROR ? OD_E_NOMEM
							    : OD_E_CRYPTO,
			  "%s failed: %s", doing, gnutls_strerror(rc));
}

/* 1 if name is a valid user name: 1-32 of [a-z0-9._-], a letter first. */
static int name_valid(const char *name)
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
static int kdf_safe(const struct keyslot_kdf *kdf)
{
	return kdf->t_cost >= KS_T_MIN && kdf->t_cost <= KS_T_MAX &&
	       kdf->m_cost_kib >= KS_M_MIN && kdf->m_cost_kib <= KS_M_MAX &&
	       kdf->lanes >= 1 && kdf->lanes <= KS_P_MAX;
}

/* Compares n bytes in time independent of where they differ. */
static int equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* Writes v big-endian at p. */
static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Appends be32(v). */
static enum od_code add_be32(struct buf *b, uint32_t v, struct od_err *err)
{
	uint8_t p[4];

	put_be32(p, v);
	return buf_add(b, p, sizeof p, err);
}

/* Appends be32(n) || p[0..n). */
static enum od_code add_field(struct buf *b, const void *p, size_t n,
			      struct od_err *err)
{
	enum od_code code = add_be32(b, (uint32_t)n, err);

	if (code != OD_OK)
		return code;
	return buf_add(b, p, n, err);
}

/* Builds the canonical byte string of the slots (see the top comment). */
static enum od_code canon_build(const struct slot *slots, size_t n,
				struct buf *out, struct od_err *err)
{
	enum od_code code;
	size_t i;

	buf_reset(out);
	code = add_field(out, KS_FORMAT, strlen(KS_FORMAT), err);
	if (code == OD_OK)
		code = add_be32(out, (uint32_t)n, err);
	for (i = 0; i < n && code == OD_OK; i++) {
		const struct slot *s = &slots[i];

		code = add_field(out, s->user, strlen(s->user), err);
		if (code == OD_OK)
			code = add_field(out, KS_KDF_ALG, strlen(KS_KDF_ALG),
					 err);
		if (code == OD_OK)
			code = add_be32(out, s->kdf.t_cost, err);
		if (code == OD_OK)
			code = add_be32(out, s->kdf.m_cost_kib, err);
		if (code == OD_OK)
			code = add_be32(out, s->kdf.lanes, err);
		if (code == OD_OK)
			code = add_field(out, s->salt, sizeof s->salt, err);
		if (code == OD_OK)
			code = add_field(out, s->sealed, sizeof s->sealed, err);
		if (code == OD_OK)
			code = add_field(out, s->seal_pub, sizeof s->seal_pub,
					 err);
		if (code == OD_OK)
			code = add_field(out, s->wrapped, sizeof s->wrapped,
					 err);
	}
	return code;
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
static enum od_code mac_compute(const uint8_t data_key[KEYSLOT_KEY_LEN],
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
static enum od_code key_check(const uint8_t data_key[KEYSLOT_KEY_LEN],
			      uint8_t check[KS_MAC_LEN], struct od_err *err)
{
	return mac_compute(data_key, KS_CHECK_LABEL, strlen(KS_CHECK_LABEL),
			   check, err);
}

/*
 * Checks that data_key is the key the slots hold: against the key last
 * given (add, rewrap, save), else against the MAC of the file as loaded.
 * A new object takes the first key it is given.  On success the key is
 * remembered for the next check.
 */
static enum od_code data_key_verify(struct keyslot_file *kf,
				    const uint8_t data_key[KEYSLOT_KEY_LEN],
				    struct od_err *err)
{
	uint8_t check[KS_MAC_LEN], mac[KS_MAC_LEN];
	enum od_code code;

	code = key_check(data_key, check, err);
	if (code != OD_OK)
		return code;
	if (kf->has_key_check) {
		if (!equal_ct(check, kf->key_check, sizeof check))
			return od_err_set(err, OD_E_USAGE,
					  "this is not the data key the key "
					  "file %s holds; unlock it to get "
					  "that key", kf->path);
	} else if (kf->on_disk) {
		code = mac_compute(data_key, kf->base.data, kf->base.len, mac,
				   err);
		if (code != OD_OK)
			return code;
		if (!equal_ct(mac, kf->base_mac, sizeof mac))
			return od_err_set(err, OD_E_TAMPERED,
					  "key file %s does not match this "
					  "data key: it was altered, or the "
					  "key is not its own; restore it from "
					  "a backup", kf->path);
	}
	memcpy(kf->key_check, check, sizeof check);
	kf->has_key_check = 1;
	return OD_OK;
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
static enum od_code x25519_new(uint8_t priv[KS_X_LEN], struct od_err *err)
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
	return equal_ct(shared, zero, KS_X_LEN) ? -1 : 0;
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
	put_be32(ad + n, s->kdf.t_cost);
	put_be32(ad + n + 4, s->kdf.m_cost_kib);
	put_be32(ad + n + 8, s->kdf.lanes);
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
static enum od_code slot_seal(struct slot *s, const char *pass,
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
static enum od_code slot_unseal(const struct slot *s, const char *pass,
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
	if (!equal_ct(pub, s->seal_pub, KS_X_LEN)) {
		secret_wipe(secrets, KS_SECRETS_LEN);
		code = od_err_set(err, OD_E_TAMPERED,
				  "the key slot for %s is damaged (its keys "
				  "do not match); restore the key file from a "
				  "backup", s->user);
	}
	goto out;
wrong:
	code = od_err_set(err, OD_E_AUTH,
			  "wrong passphrase for %s; try again or ask the "
			  "owner to reset it", s->user);
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
static enum od_code slot_wrap(const struct slot *s,
			      const uint8_t data_key[KEYSLOT_KEY_LEN],
			      uint8_t wrapped[KS_WRAPPED_LEN],
			      struct od_err *err)
{
	uint8_t eph[KS_X_LEN], shared[KS_X_LEN], kek[32], ad[KS_WRAP_AD_MAX];
	uint8_t *eph_pub = wrapped, *nonce = wrapped + KS_X_LEN;
	enum od_code code;

	code = x25519_new(eph, err);
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
static enum od_code slot_unwrap(const struct slot *s,
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

/* The slot of user, or NULL. */
static struct slot *slot_find(const struct keyslot_file *kf, const char *user)
{
	size_t i;

	for (i = 0; i < kf->n; i++) {
		if (strcmp(kf->slots[i].user, user) == 0)
			return &kf->slots[i];
	}
	return NULL;
}

/* Finds user's slot for a passphrase operation: OD_E_AUTH if none. */
static enum od_code slot_find_auth(const struct keyslot_file *kf,
				   const char *user, struct slot **out,
				   struct od_err *err)
{
	/* An invalid name is not echoed: it may be anything at all. */
	if (!name_valid(user))
		return od_err_set(err, OD_E_AUTH,
				  "that is not a user name (1 to 32 of a-z, "
				  "0-9, '.', '_', '-', starting with a "
				  "letter)");
	*out = slot_find(kf, user);
	if (*out == NULL)
		return od_err_set(err, OD_E_AUTH,
				  "no user %s in this shop; check the name or "
				  "ask the owner to add you", user);
	return OD_OK;
}

/* Makes an empty object for path. */
static enum od_code kf_alloc(const char *path, struct keyslot_file **out,
			     struct od_err *err)
{
	struct keyslot_file *kf;

	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return od_err_set(err, OD_E_USAGE, "no key file path given");
	kf = calloc(1, sizeof *kf);
	if (kf == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	kf->path = strdup(path);
	if (kf->path == NULL) {
		free(kf);
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	buf_init(&kf->base, KS_CANON_MAX);
	*out = kf;
	return OD_OK;
}

/* Makes room for one more slot. */
static enum od_code kf_grow(struct keyslot_file *kf, struct od_err *err)
{
	struct slot *p;
	size_t size;

	if (kf->n < kf->alloc)
		return OD_OK;
	size = kf->alloc ? 2 * kf->alloc : 4;
	if (size > KS_SLOTS_MAX)
		size = KS_SLOTS_MAX;
	/* realloc is fine here: slots hold no secret in the clear. */
	p = realloc(kf->slots, size * sizeof *p);
	if (p == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	kf->slots = p;
	kf->alloc = size;
	return OD_OK;
}

enum od_code keyslot_new(const char *path, struct keyslot_file **out,
			 struct od_err *err)
{
	enum od_code code = kf_alloc(path, out, err);

	if (code == OD_OK)
		(*out)->dirty = 1;
	return code;
}

void keyslot_free(struct keyslot_file *kf)
{
	if (kf == NULL)
		return;
	if (kf->slots != NULL) {
		secret_wipe(kf->slots, kf->alloc * sizeof *kf->slots);
		free(kf->slots);
	}
	buf_free(&kf->base);
	free(kf->path);
	secret_wipe(kf, sizeof *kf);
	free(kf);
}

size_t keyslot_count(const struct keyslot_file *kf)
{
	return kf->n;
}

const char *keyslot_user(const struct keyslot_file *kf, size_t i)
{
	return i < kf->n ? kf->slots[i].user : NULL;
}

int keyslot_has(const struct keyslot_file *kf, const char *user)
{
	return user != NULL && slot_find(kf, user) != NULL;
}

/* Loading. */

/* Fails the load: the file does not have the shape we write. */
static enum od_code damaged(const struct keyslot_file *kf, const char *why,
			    struct od_err *err)
{
	return od_err_set(err, OD_E_TAMPERED,
			  "key file %s is damaged (%s); restore it from a "
			  "backup", kf->path, why);
}

/* 1 if obj is an object with exactly the n keys named. */
static int has_exact_keys(const json_t *obj, const char *const *keys,
			  size_t n)
{
	size_t i;

	if (!json_is_object(obj) || json_object_size(obj) != n)
		return 0;
	for (i = 0; i < n; i++) {
		if (json_object_get(obj, keys[i]) == NULL)
			return 0;
	}
	return 1;
}

/* Reads obj[key] as canonical base64 of exactly n bytes. */
static int get_b64(const json_t *obj, const char *key, uint8_t *out, size_t n)
{
	const json_t *v = json_object_get(obj, key);
	struct od_err ignored;
	size_t got;

	if (!json_is_string(v))
		return 0;
	if (b64_decode(key, json_string_value(v), json_string_length(v), out,
		       n, &got, &ignored) != OD_OK)
		return 0;
	return got == n;
}

/* Reads obj[key] as an integer in 0..UINT32_MAX. */
static int get_u32(const json_t *obj, const char *key, uint32_t *out)
{
	const json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (!json_is_integer(v))
		return 0;
	i = json_integer_value(v);
	if (i < 0 || i > (json_int_t)UINT32_MAX)
		return 0;
	*out = (uint32_t)i;
	return 1;
}

/* Parses one slot object into s. */
static enum od_code parse_slot(const struct keyslot_file *kf,
			       const json_t *js, struct slot *s,
			       struct od_err *err)
{
	static const char *const slot_keys[] = {
		"user", "kdf", "salt", "sealed", "seal_pub", "wrapped" };
	static const char *const kdf_keys[] = { "alg", "t", "m", "p" };
	const json_t *user, *kdf, *alg;

	if (!has_exact_keys(js, slot_keys, ARRAY_LEN(slot_keys)))
		return damaged(kf, "a slot has the wrong fields", err);
	user = json_object_get(js, "user");
	if (!json_is_string(user) ||
	    json_string_length(user) != strlen(json_string_value(user)) ||
	    !name_valid(json_string_value(user)))
		return damaged(kf, "a slot has an invalid user name", err);
	memcpy(s->user, json_string_value(user), json_string_length(user) + 1);

	kdf = json_object_get(js, "kdf");
	if (!has_exact_keys(kdf, kdf_keys, ARRAY_LEN(kdf_keys)))
		return damaged(kf, "a slot's kdf has the wrong fields", err);
	alg = json_object_get(kdf, "alg");
	if (!json_is_string(alg) ||
	    strcmp(json_string_value(alg), KS_KDF_ALG) != 0 ||
	    json_string_length(alg) != strlen(KS_KDF_ALG))
		return damaged(kf, "a slot names an unknown kdf", err);
	if (!get_u32(kdf, "t", &s->kdf.t_cost) ||
	    !get_u32(kdf, "m", &s->kdf.m_cost_kib) ||
	    !get_u32(kdf, "p", &s->kdf.lanes))
		return damaged(kf, "a slot's kdf costs are not numbers", err);
	if (!kdf_safe(&s->kdf))
		return od_err_set(err, OD_E_TAMPERED,
				  "key file %s has unsafe parameters for %s "
				  "(Argon2id t=%u, m=%u KiB, p=%u); restore it "
				  "from a backup", kf->path, s->user,
				  (unsigned)s->kdf.t_cost,
				  (unsigned)s->kdf.m_cost_kib,
				  (unsigned)s->kdf.lanes);
	if (!get_b64(js, "salt", s->salt, sizeof s->salt) ||
	    !get_b64(js, "sealed", s->sealed, sizeof s->sealed) ||
	    !get_b64(js, "seal_pub", s->seal_pub, sizeof s->seal_pub) ||
	    !get_b64(js, "wrapped", s->wrapped, sizeof s->wrapped))
		return damaged(kf, "a slot has a malformed key field", err);
	return OD_OK;
}

/* Fills kf from the parsed document. */
static enum od_code parse_root(struct keyslot_file *kf, const json_t *root,
			       struct od_err *err)
{
	static const char *const root_keys[] = { "format", "slots", "mac" };
	const json_t *format, *slots;
	enum od_code code;
	size_t i, n;

	if (!has_exact_keys(root, root_keys, ARRAY_LEN(root_keys)))
		return damaged(kf, "wrong top-level fields", err);
	format = json_object_get(root, "format");
	if (!json_is_string(format) ||
	    json_string_length(format) != strlen(KS_FORMAT) ||
	    strcmp(json_string_value(format), KS_FORMAT) != 0)
		return damaged(kf, "not an orderdesk-keyslots/1 file", err);
	slots = json_object_get(root, "slots");
	if (!json_is_array(slots))
		return damaged(kf, "slots is not a list", err);
	n = json_array_size(slots);
	if (n > KS_SLOTS_MAX)
		return damaged(kf, "too many slots", err);
	for (i = 0; i < n; i++) {
		code = kf_grow(kf, err);
		if (code != OD_OK)
			return code;
		code = parse_slot(kf, json_array_get(slots, i),
				  &kf->slots[kf->n], err);
		if (code != OD_OK)
			return code;
		if (slot_find(kf, kf->slots[kf->n].user) != NULL)
			return damaged(kf, "a user has two slots", err);
		kf->n++;
	}
	if (!get_b64(root, "mac", kf->base_mac, sizeof kf->base_mac))
		return damaged(kf, "the mac is malformed", err);
	return OD_OK;
}

/* Reads the whole file at path into b (capped at KS_FILE_MAX). */
static enum od_code read_file(const struct keyslot_file *kf, struct buf *b,
			      struct od_err *err)
{
	char chunk[4096];
	struct stat st;
	enum od_code code = OD_OK;
	ssize_t got;
	int fd;

	fd = open(kf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return od_err_set(err, OD_E_NOTFOUND,
					  "no key file at %s", kf->path);
		return od_err_set(err, OD_E_IO, "cannot open key file %s: %s",
				  kf->path, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		code = od_err_set(err, OD_E_IO, "cannot read key file %s: %s",
				  kf->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		code = damaged(kf, "not a regular file", err);
		goto out;
	}
	for (;;) {
		got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			code = od_err_set(err, OD_E_IO,
					  "cannot read key file %s: %s",
					  kf->path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		code = buf_add(b, chunk, (size_t)got, err);
		if (code == OD_E_INPUT)
			code = damaged(kf, "larger than 1 MiB", err);
		if (code != OD_OK)
			goto out;
	}
out:
	close(fd);
	return code;
}

enum od_code keyslot_load(const char *path, struct keyslot_file **out,
			  struct od_err *err)
{
	struct keyslot_file *kf = NULL;
	struct buf text;
	json_t *root = NULL;
	json_error_t jerr;
	enum od_code code;
	char why[64];

	*out = NULL;
	buf_init(&text, KS_FILE_MAX);
	code = kf_alloc(path, &kf, err);
	if (code != OD_OK)
		goto out;
	code = read_file(kf, &text, err);
	if (code != OD_OK)
		goto out;
	/* Line and column only: jansson's text may quote the file. */
	root = json_loadb(text.data ? text.data : "", text.len,
			  JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(why, sizeof why, "not valid JSON at line %d, column %d",
			 jerr.line, jerr.column);
		code = damaged(kf, why, err);
		goto out;
	}
	code = parse_root(kf, root, err);
	if (code != OD_OK)
		goto out;
	code = canon_build(kf->slots, kf->n, &kf->base, err);
	if (code != OD_OK)
		goto out;
	kf->on_disk = 1;
	kf->dirty = 0;
	*out = kf;
	kf = NULL;
out:
	json_decref(root);
	buf_free(&text);
	keyslot_free(kf);
	return code;
}

/* Unlocking and changing slots. */

enum od_code keyslot_unlock(const struct keyslot_file *kf, const char *user,
			    const char *pass, size_t pass_len,
			    uint8_t data_key[KEYSLOT_KEY_LEN],
			    uint8_t seed[KEYSLOT_SEED_LEN], struct od_err *err)
{
	uint8_t secrets[KS_SECRETS_LEN], dk[KEYSLOT_KEY_LEN], mac[KS_MAC_LEN];
	struct slot *s;
	enum od_code code;

	secret_wipe(data_key, KEYSLOT_KEY_LEN);
	secret_wipe(seed, KEYSLOT_SEED_LEN);
	code = slot_find_auth(kf, user, &s, err);
	if (code != OD_OK)
		return code;
	/* The MAC covers the file as it is on disk; unsaved slots are not. */
	if (!kf->on_disk || kf->dirty)
		return od_err_set(err, OD_E_USAGE,
				  "the key file %s has unsaved changes; save "
				  "it before unlocking", kf->path);
	code = slot_unseal(s, pass, pass_len, secrets, err);
	if (code != OD_OK)
		goto out;
	code = slot_unwrap(s, secrets + KEYSLOT_SEED_LEN, dk, err);
	if (code != OD_OK)
		goto out;
	code = mac_compute(dk, kf->base.data, kf->base.len, mac, err);
	if (code != OD_OK)
		goto out;
	if (!equal_ct(mac, kf->base_mac, sizeof mac)) {
		code = od_err_set(err, OD_E_TAMPERED,
				  "key file %s was altered (its MAC does not "
				  "match); restore it from a backup", kf->path);
		goto out;
	}
	memcpy(data_key, dk, KEYSLOT_KEY_LEN);
	memcpy(seed, secrets, KEYSLOT_SEED_LEN);
out:
	secret_wipe(secrets, sizeof secrets);
	secret_wipe(dk, sizeof dk);
	return code;
}

/* Refuses a passphrase that cannot be set. */
static enum od_code pass_check(size_t len, struct od_err *err)
{
	if (len == 0)
		return od_err_set(err, OD_E_USAGE,
				  "the passphrase may not be empty");
	if (len > KS_PASS_MAX)
		return od_err_set(err, OD_E_USAGE,
				  "the passphrase is longer than %d bytes",
				  KS_PASS_MAX);
	return OD_OK;
}

enum od_code keyslot_add(struct keyslot_file *kf, const char *user,
			 const char *pass, size_t pass_len,
			 const uint8_t data_key[KEYSLOT_KEY_LEN],
			 const uint8_t seed[KEYSLOT_SEED_LEN],
			 const struct keyslot_kdf *kdf, struct od_err *err)
{
	uint8_t secrets[KS_SECRETS_LEN];
	struct slot s;
	enum od_code code;

	memset(&s, 0, sizeof s);
	if (!name_valid(user))
		return od_err_set(err, OD_E_USAGE,
				  "user names are 1 to 32 of a-z, 0-9, '.', "
				  "'_', '-', starting with a letter");
	if (slot_find(kf, user) != NULL)
		return od_err_set(err, OD_E_EXISTS,
				  "user %s already has a key slot", user);
	code = pass_check(pass_len, err);
	if (code != OD_OK)
		return code;
	if (kdf == NULL)
		kdf = &keyslot_kdf_default;
	if (!kdf_safe(kdf))
		return od_err_set(err, OD_E_USAGE,
				  "Argon2id cost t=%u, m=%u KiB, p=%u is "
				  "outside t 2-100, m 64 MiB-4 GiB, p 1-16",
				  (unsigned)kdf->t_cost,
				  (unsigned)kdf->m_cost_kib,
				  (unsigned)kdf->lanes);
	if (kf->n >= KS_SLOTS_MAX)
		return od_err_set(err, OD_E_USAGE,
				  "the key file is full (%d users)",
				  KS_SLOTS_MAX);
	code = data_key_verify(kf, data_key, err);
	if (code != OD_OK)
		return code;

	memcpy(s.user, user, strlen(user) + 1);
	s.kdf = *kdf;
	memcpy(secrets, seed, KEYSLOT_SEED_LEN);
	code = x25519_new(secrets + KEYSLOT_SEED_LEN, err);
	if (code != OD_OK)
		goto out;
	curve25519_mul_g(s.seal_pub, secrets + KEYSLOT_SEED_LEN);
	code = slot_seal(&s, pass, pass_len, secrets, err);
	if (code == OD_OK)
		code = slot_wrap(&s, data_key, s.wrapped, err);
	if (code == OD_OK)
		code = kf_grow(kf, err);
	if (code != OD_OK)
		goto out;
	kf->slots[kf->n++] = s;
	kf->dirty = 1;
out:
	secret_wipe(secrets, sizeof secrets);
	return code;
}

enum od_code keyslot_change_passphrase(struct keyslot_file *kf, const char *user,
				       const char *old_pass, size_t old_len,
				       const char *new_pass, size_t new_len,
				       struct od_err *err)
{
	uint8_t secrets[KS_SECRETS_LEN];
	struct slot *s, copy;
	enum od_code code;

	code = slot_find_auth(kf, user, &s, err);
	if (code != OD_OK)
		return code;
	code = pass_check(new_len, err);
	if (code != OD_OK)
		return code;
	code = slot_unseal(s, old_pass, old_len, secrets, err);
	if (code != OD_OK)
		goto out;
	/* Sealed into a copy, so a failure leaves the slot as it was. */
	copy = *s;
	code = slot_seal(&copy, new_pass, new_len, secrets, err);
	if (code != OD_OK)
		goto out;
	*s = copy;
	kf->dirty = 1;
out:
	secret_wipe(secrets, sizeof secrets);
	return code;
}

enum od_code keyslot_rekey(struct keyslot_file *kf, const char *user,
			   const char *old_pass, size_t old_len,
			   const char *new_pass, size_t new_len,
			   const uint8_t data_key[KEYSLOT_KEY_LEN],
			   const uint8_t seed[KEYSLOT_SEED_LEN],
			   struct od_err *err)
{
	uint8_t secrets[KS_SECRETS_LEN];
	struct slot *s, copy;
	enum od_code code;

	code = slot_find_auth(kf, user, &s, err);
	if (code == OD_OK)
		code = pass_check(new_len, err);
	if (code == OD_OK)
		code = data_key_verify(kf, data_key, err);
	if (code != OD_OK)
		return code;
	/* Proves the old passphrase; what it opens is thrown away. */
	code = slot_unseal(s, old_pass, old_len, secrets, err);
	if (code != OD_OK)
		goto out;
	/*
	 * A new X25519 pair too: the old private key, sealed in every old copy
	 * of this slot and bundle, must not open the data key wrapped from
	 * now on.  Built in a copy, so a failure leaves the slot as it was.
	 */
	copy = *s;
	memcpy(secrets, seed, KEYSLOT_SEED_LEN);
	code = x25519_new(secrets + KEYSLOT_SEED_LEN, err);
	if (code != OD_OK)
		goto out;
	curve25519_mul_g(copy.seal_pub, secrets + KEYSLOT_SEED_LEN);
	code = slot_seal(&copy, new_pass, new_len, secrets, err);
	if (code == OD_OK)
		code = slot_wrap(&copy, data_key, copy.wrapped, err);
	if (code != OD_OK)
		goto out;
	*s = copy;
	kf->dirty = 1;
out:
	secret_wipe(secrets, sizeof secrets);
	return code;
}

enum od_code keyslot_remove(struct keyslot_file *kf, const char *user,
			    struct od_err *err)
{
	struct slot *s;
	size_t i;

	if (!name_valid(user))
		return od_err_set(err, OD_E_NOTFOUND,
				  "that is not a user name (1 to 32 of a-z, "
				  "0-9, '.', '_', '-', starting with a "
				  "letter)");
	s = slot_find(kf, user);
	if (s == NULL)
		return od_err_set(err, OD_E_NOTFOUND,
				  "no user %s in this shop", user);
	i = (size_t)(s - kf->slots);
	memmove(&kf->slots[i], &kf->slots[i + 1],
		(kf->n - i - 1) * sizeof *kf->slots);
	kf->n--;
	memset(&kf->slots[kf->n], 0, sizeof *kf->slots);
	kf->dirty = 1;
	return OD_OK;
}

enum od_code keyslot_rewrap_all(struct keyslot_file *kf,
				const uint8_t new_data_key[KEYSLOT_KEY_LEN],
				struct od_err *err)
{
	uint8_t (*wrapped)[KS_WRAPPED_LEN] = NULL;
	uint8_t check[KS_MAC_LEN];
	enum od_code code = OD_OK;
	size_t i;

	if (kf->n > 0) {
		wrapped = calloc(kf->n, sizeof *wrapped);
		if (wrapped == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	/* All or nothing: wrap for everyone first, then replace. */
	for (i = 0; i < kf->n && code == OD_OK; i++)
		code = slot_wrap(&kf->slots[i], new_data_key, wrapped[i], err);
	if (code == OD_OK)
		code = key_check(new_data_key, check, err);
	if (code != OD_OK)
		goto out;
	for (i = 0; i < kf->n; i++)
		memcpy(kf->slots[i].wrapped, wrapped[i], KS_WRAPPED_LEN);
	memcpy(kf->key_check, check, sizeof check);
	kf->has_key_check = 1;
	kf->dirty = 1;
out:
	free(wrapped);
	return code;
}

/* Saving. */

/* Fails a save, naming the cause; a full disk is OD_E_NOSPACE. */
static enum od_code save_fail(const struct keyslot_file *kf, const char *doing,
			      int e, struct od_err *err)
{
	if (e == ENOSPC || e == EDQUOT)
		return od_err_set(err, OD_E_NOSPACE,
				  "the disk is full: key file %s was not "
				  "changed; free some space and try again",
				  kf->path);
	return od_err_set(err, OD_E_IO,
			  "cannot %s for key file %s: %s; it was not changed",
			  doing, kf->path, strerror(e));
}

/*
 * Replaces path with text: PATH.tmp (a stale one removed first, then made
 * O_EXCL|O_NOFOLLOW mode 0600), written, fsynced, renamed over path, and
 * the directory fsynced.  Any failure before the rename leaves path as it
 * was and removes the temporary file; *replaced says whether the rename
 * happened (only a failed directory sync can follow it).
 */
static enum od_code write_atomic(const struct keyslot_file *kf,
				 const char *text, size_t len, int *replaced,
				 struct od_err *err)
{
	size_t plen = strlen(kf->path);
	char *tmp = malloc(plen + 5);
	enum od_code code = OD_OK;
	int fd = -1, e;

	*replaced = 0;
	if (tmp == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(tmp, kf->path, plen);
	memcpy(tmp + plen, ".tmp", 5);
	if (unlink(tmp) != 0 && errno != ENOENT) {
		code = save_fail(kf, "remove an old temporary file", errno,
				 err);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0) {
		code = save_fail(kf, "create a temporary file", errno, err);
		goto out;
	}
	/* Exactly 0600 whatever the umask. */
	if (fchmod(fd, 0600) != 0) {
		code = save_fail(kf, "set the mode of a temporary file", errno,
				 err);
		goto fail;
	}
	e = file_write_all(fd, text, len);
	if (e == 0 && fsync(fd) != 0)
		e = errno;
	if (e != 0) {
		code = save_fail(kf, "write a temporary file", e, err);
		goto fail;
	}
	e = close(fd) != 0 ? errno : 0;
	fd = -1;
	if (e != 0) {
		code = save_fail(kf, "write a temporary file", e, err);
		goto fail;
	}
	if (rename(tmp, kf->path) != 0) {
		code = save_fail(kf, "rename the temporary file", errno, err);
		goto fail;
	}
	*replaced = 1;
	e = file_sync_parent(kf->path);
	if (e != 0)
		code = od_err_set(err, OD_E_IO,
				  "key file %s was replaced but its directory "
				  "could not be synced: %s", kf->path,
				  strerror(e));
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return code;
}

/* Adds obj[key] = base64 of n bytes; returns 0 on success. */
static int set_b64(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
	char text[KS_B64_MAX];

	if (b64_encoded_len(n) + 1 > sizeof text)
		return -1;
	b64_encode(p, n, text);
	return json_object_set_new(obj, key, json_string(text));
}

/* Builds the JSON document for the slots and mac. */
static json_t *doc_build(const struct keyslot_file *kf,
			 const uint8_t mac[KS_MAC_LEN])
{
	json_t *root = json_object(), *slots = json_array(), *js, *kdf;
	const struct slot *s;
	int bad = root == NULL || slots == NULL;
	size_t i;

	if (!bad)
		bad = json_object_set_new(root, "format",
					  json_string(KS_FORMAT)) != 0;
	if (!bad)
		bad = json_object_set(root, "slots", slots) != 0;
	for (i = 0; i < kf->n && !bad; i++) {
		s = &kf->slots[i];
		/* The _new setters take the reference even when they fail. */
		js = json_object();
		bad = json_array_append_new(slots, js) != 0;
		if (bad)
			break;
		kdf = json_pack("{s:s, s:I, s:I, s:I}", "alg", KS_KDF_ALG,
				"t", (json_int_t)s->kdf.t_cost,
				"m", (json_int_t)s->kdf.m_cost_kib,
				"p", (json_int_t)s->kdf.lanes);
		bad = json_object_set_new(js, "user",
					  json_string(s->user)) != 0 ||
		      json_object_set_new(js, "kdf", kdf) != 0 ||
		      set_b64(js, "salt", s->salt, sizeof s->salt) != 0 ||
		      set_b64(js, "sealed", s->sealed, sizeof s->sealed) != 0 ||
		      set_b64(js, "seal_pub", s->seal_pub,
			      sizeof s->seal_pub) != 0 ||
		      set_b64(js, "wrapped", s->wrapped,
			      sizeof s->wrapped) != 0;
	}
	if (!bad)
		bad = set_b64(root, "mac", mac, KS_MAC_LEN) != 0;
	json_decref(slots);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}

enum od_code keyslot_save(struct keyslot_file *kf,
			  const uint8_t data_key[KEYSLOT_KEY_LEN],
			  struct od_err *err)
{
	struct buf canon;
	uint8_t mac[KS_MAC_LEN];
	json_t *root = NULL;
	char *text = NULL;
	size_t len;
	int replaced;
	enum od_code code;

	buf_init(&canon, KS_CANON_MAX);
	code = data_key_verify(kf, data_key, err);
	if (code != OD_OK)
		goto out;
	code = canon_build(kf->slots, kf->n, &canon, err);
	if (code == OD_OK)
		code = mac_compute(data_key, canon.data, canon.len, mac, err);
	if (code != OD_OK)
		goto out;
	root = doc_build(kf, mac);
	if (root != NULL)
		text = json_dumps(root, JSON_INDENT(2));
	if (text == NULL) {
		code = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	len = strlen(text);
	/* json_dumps leaves no final newline; a text file wants one. */
	text[len] = '\n';
	code = write_atomic(kf, text, len + 1, &replaced, err);
	if (!replaced)
		goto out;
	/* The file now holds these slots, even if the sync failed. */
	buf_free(&kf->base);
	kf->base = canon;
	buf_init(&canon, KS_CANON_MAX);
	memcpy(kf->base_mac, mac, sizeof mac);
	kf->on_disk = 1;
	kf->dirty = 0;
out:
	free(text);
	json_decref(root);
	buf_free(&canon);
	return code;
}

/* Appends "name: base64(p)\n" to out. */
static enum od_code bundle_line(struct buf *out, const char *name,
				const uint8_t *p, size_t n,
				struct od_err *err)
{
	char b64[KS_B64_MAX];

	b64_encode(p, n, b64);
	return buf_addf(out, err, "%s: %s\n", name, b64);
}

enum od_code keyslot_bundle_export(const struct keyslot_file *kf,
				   const char *user, struct buf *out,
				   struct od_err *err)
{
	const struct slot *s = slot_find(kf, user);
	enum od_code code;

	if (s == NULL)
		return od_err_set(err, OD_E_NOTFOUND,
				  "no key slot for %s on this desk", user);
	code = buf_addf(out, err, "user: %s\nkdf: %s %u %u %u\n", s->user,
			KS_KDF_ALG, (unsigned)s->kdf.t_cost,
			(unsigned)s->kdf.m_cost_kib, (unsigned)s->kdf.lanes);
	if (code == OD_OK)
		code = bundle_line(out, "salt", s->salt, KS_SALT_LEN, err);
	if (code == OD_OK)
		code = bundle_line(out, "sealed", s->sealed, KS_SEALED_LEN, err);
	if (code == OD_OK)
		code = bundle_line(out, "seal_pub", s->seal_pub, KS_X_LEN, err);
	return code;
}

/* Reads "name: base64\n" of exactly n bytes at *p, moving *p past it. */
static int bundle_field(const char **p, const char *name, uint8_t *out,
			size_t n)
{
	size_t len = strlen(name);
	const char *end;
	struct od_err ignore;
	size_t got = 0;

	if (strncmp(*p, name, len) != 0 || (*p)[len] != ':' ||
	    (*p)[len + 1] != ' ')
		return 0;
	*p += len + 2;
	end = strchr(*p, '\n');
	if (end == NULL || b64_decode(name, *p, (size_t)(end - *p), out, n,
				      &got, &ignore) != OD_OK || got != n)
		return 0;
	*p = end + 1;
	return 1;
}

/*
 * Reads a canonical decimal that fits 32 bits at *p (no sign, no space,
 * no leading zero), moving *p past it; 0 if there is none.
 */
static int bundle_number(const char **p, uint32_t *v)
{
	const char *s = *p;
	uint64_t n = 0;
	int i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (uint64_t)(s[i] - '0');
		if (n > UINT32_MAX)
			return 0;
	}
	if (i == 0 || (i > 1 && s[0] == '0'))
		return 0;
	*v = (uint32_t)n;
	*p = s + i;
	return 1;
}

enum od_code keyslot_bundle_parse(const char *text, char user[KEYSLOT_NAME_MAX + 1],
				  struct od_err *err)
{
	const char *nl;
	size_t n;

	user[0] = '\0';
	if (strncmp(text, "user: ", 6) != 0 || (nl = strchr(text, '\n')) ==
	    NULL || (n = (size_t)(nl - text - 6)) == 0 ||
	    n > KEYSLOT_NAME_MAX)
		return od_err_set(err, OD_E_INPUT, "a person's key bundle "
				  "does not start with their name");
	memcpy(user, text + 6, n);
	user[n] = '\0';
	if (!name_valid(user)) {
		user[0] = '\0';
		return od_err_set(err, OD_E_INPUT, "a person's key bundle "
				  "names no valid user");
	}
	return OD_OK;
}

enum od_code keyslot_bundle_import(struct keyslot_file *kf, const char *text,
				   const uint8_t data_key[KEYSLOT_KEY_LEN],
				   struct od_err *err)
{
	const char *p;
	struct slot s, *old;
	enum od_code code;

	memset(&s, 0, sizeof s);
	code = keyslot_bundle_parse(text, s.user, err);
	if (code != OD_OK)
		return code;
	p = strchr(text, '\n') + 1;
	/* Exactly as keyslot_bundle_export writes it: sscanf would take
	 * signs ("-4294967293" is 3), spaces and leading zeros. */
	if (strncmp(p, "kdf: " KS_KDF_ALG " ", sizeof "kdf: " KS_KDF_ALG) != 0)
		goto bad;
	p += sizeof "kdf: " KS_KDF_ALG;
	if (!bundle_number(&p, &s.kdf.t_cost) || *p++ != ' ' ||
	    !bundle_number(&p, &s.kdf.m_cost_kib) || *p++ != ' ' ||
	    !bundle_number(&p, &s.kdf.lanes) || *p++ != '\n')
		goto bad;
	if (!kdf_safe(&s.kdf) ||
	    !bundle_field(&p, "salt", s.salt, KS_SALT_LEN) ||
	    !bundle_field(&p, "sealed", s.sealed, KS_SEALED_LEN) ||
	    !bundle_field(&p, "seal_pub", s.seal_pub, KS_X_LEN) || *p != '\0')
		goto bad;
	code = data_key_verify(kf, data_key, err);
	if (code == OD_OK)
		code = slot_wrap(&s, data_key, s.wrapped, err);
	if (code != OD_OK)
		return code;
	old = slot_find(kf, s.user);
	if (old != NULL) {
		if (memcmp(old->sealed, s.sealed, KS_SEALED_LEN) == 0 &&
		    memcmp(old->seal_pub, s.seal_pub, KS_X_LEN) == 0)
			return OD_OK;   /* the same keys: keep the slot */
		*old = s;
	} else {
		if (kf->n >= KS_SLOTS_MAX)
			return od_err_set(err, OD_E_USAGE, "the key file is "
					  "full (%d users)", KS_SLOTS_MAX);
		code = kf_grow(kf, err);
		if (code != OD_OK)
			return code;
		kf->slots[kf->n++] = s;
	}
	kf->dirty = 1;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "the key bundle for %s is not in "
			  "the expected form (or its Argon2id cost is below "
			  "the floor)", s.user);
}
