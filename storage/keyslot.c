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
#include "storage/keyslot.h"

#include <stdlib.h>
#include <string.h>

#include <nettle/curve25519.h>

#include "lib/secret.h"
#include "storage/keyslot-internal.h"

const struct keyslot_kdf keyslot_kdf_default = { 3, 65536, 1 };

/*
 * Checks that data_key is the key the slots hold: against the key last
 * given (add, rewrap, save), else against the MAC of the file as loaded.
 * A new object takes the first key it is given.  On success the key is
 * remembered for the next check.
 */
enum od_code ks_data_key_verify(struct keyslot_file *kf,
				    const uint8_t data_key[KEYSLOT_KEY_LEN],
				    struct od_err *err)
{
	uint8_t check[KS_MAC_LEN], mac[KS_MAC_LEN];
	enum od_code code;

	code = ks_key_check(data_key, check, err);
	if (code != OD_OK)
		return code;
	if (kf->has_key_check) {
		if (!ks_equal_ct(check, kf->key_check, sizeof check))
			return od_err_set(err, OD_E_USAGE,
					  "this is not the data key the key "
					  "file %s holds; unlock it to get "
					  "that key", kf->path);
	} else if (kf->on_disk) {
		code = ks_mac_compute(data_key, kf->base.data, kf->base.len, mac,
				   err);
		if (code != OD_OK)
			return code;
		if (!ks_equal_ct(mac, kf->base_mac, sizeof mac))
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

/* The slot of user, or NULL. */
struct slot *ks_slot_find(const struct keyslot_file *kf, const char *user)
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
	if (!ks_name_valid(user))
		return od_err_set(err, OD_E_AUTH,
				  "that is not a user name (1 to 32 of a-z, "
				  "0-9, '.', '_', '-', starting with a "
				  "letter)");
	*out = ks_slot_find(kf, user);
	if (*out == NULL)
		return od_err_set(err, OD_E_AUTH,
				  "no user %s in this shop; check the name or "
				  "ask the owner to add you", user);
	return OD_OK;
}

/* Makes an empty object for path. */
enum od_code ks_alloc(const char *path, struct keyslot_file **out,
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
enum od_code ks_grow(struct keyslot_file *kf, struct od_err *err)
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
	enum od_code code = ks_alloc(path, out, err);

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
	return user != NULL && ks_slot_find(kf, user) != NULL;
}

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
	code = ks_slot_unseal(s, pass, pass_len, secrets, err);
	if (code != OD_OK)
		goto out;
	code = ks_slot_unwrap(s, secrets + KEYSLOT_SEED_LEN, dk, err);
	if (code != OD_OK)
		goto out;
	code = ks_mac_compute(dk, kf->base.data, kf->base.len, mac, err);
	if (code != OD_OK)
		goto out;
	if (!ks_equal_ct(mac, kf->base_mac, sizeof mac)) {
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
	if (!ks_name_valid(user))
		return od_err_set(err, OD_E_USAGE,
				  "user names are 1 to 32 of a-z, 0-9, '.', "
				  "'_', '-', starting with a letter");
	if (ks_slot_find(kf, user) != NULL)
		return od_err_set(err, OD_E_EXISTS,
				  "user %s already has a key slot", user);
	code = pass_check(pass_len, err);
	if (code != OD_OK)
		return code;
	if (kdf == NULL)
		kdf = &keyslot_kdf_default;
	if (!ks_kdf_safe(kdf))
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
	code = ks_data_key_verify(kf, data_key, err);
	if (code != OD_OK)
		return code;

	memcpy(s.user, user, strlen(user) + 1);
	s.kdf = *kdf;
	memcpy(secrets, seed, KEYSLOT_SEED_LEN);
	code = ks_x25519_new(secrets + KEYSLOT_SEED_LEN, err);
	if (code != OD_OK)
		goto out;
	curve25519_mul_g(s.seal_pub, secrets + KEYSLOT_SEED_LEN);
	code = ks_slot_seal(&s, pass, pass_len, secrets, err);
	if (code == OD_OK)
		code = ks_slot_wrap(&s, data_key, s.wrapped, err);
	if (code == OD_OK)
		code = ks_grow(kf, err);
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
	code = ks_slot_unseal(s, old_pass, old_len, secrets, err);
	if (code != OD_OK)
		goto out;
	/* Sealed into a copy, so a failure leaves the slot as it was. */
	copy = *s;
	code = ks_slot_seal(&copy, new_pass, new_len, secrets, err);
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
		code = ks_data_key_verify(kf, data_key, err);
	if (code != OD_OK)
		return code;
	/* Proves the old passphrase; what it opens is thrown away. */
	code = ks_slot_unseal(s, old_pass, old_len, secrets, err);
	if (code != OD_OK)
		goto out;
	/*
	 * A new X25519 pair too: the old private key, sealed in every old copy
	 * of this slot and bundle, must not open the data key wrapped from
	 * now on.  Built in a copy, so a failure leaves the slot as it was.
	 */
	copy = *s;
	memcpy(secrets, seed, KEYSLOT_SEED_LEN);
	code = ks_x25519_new(secrets + KEYSLOT_SEED_LEN, err);
	if (code != OD_OK)
		goto out;
	curve25519_mul_g(copy.seal_pub, secrets + KEYSLOT_SEED_LEN);
	code = ks_slot_seal(&copy, new_pass, new_len, secrets, err);
	if (code == OD_OK)
		code = ks_slot_wrap(&copy, data_key, copy.wrapped, err);
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

	if (!ks_name_valid(user))
		return od_err_set(err, OD_E_NOTFOUND,
				  "that is not a user name (1 to 32 of a-z, "
				  "0-9, '.', '_', '-', starting with a "
				  "letter)");
	s = ks_slot_find(kf, user);
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
		code = ks_slot_wrap(&kf->slots[i], new_data_key, wrapped[i], err);
	if (code == OD_OK)
		code = ks_key_check(new_data_key, check, err);
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
