/*
 * keyslot-internal.h - what the key slot files share: one slot, the slots
 * file in memory, and the sealing each of them uses.  Not for other modules:
 * they use storage/keyslot.h.  The format and the cryptography are described
 * at the top of keyslot.c.
 *
 *   keyslot-seal.c    one slot's cryptography: Argon2id, AES-256-GCM,
 *                     X25519 wrapping, the file's MAC
 *   keyslot.c         the slots in memory: unlock, add, rekey, remove
 *   keyslot-file.c    the JSON file: strict parsing, atomic saving
 *   keyslot-bundle.c  a person's key bundle, as sync carries it
 */
#ifndef OD_KEYSLOT_INTERNAL_H
#define OD_KEYSLOT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"
#include "lib/err.h"
#include "storage/keyslot.h"

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

/* Writes v big-endian at p. */
static inline void ks_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* keyslot-seal.c */
int ks_name_valid(const char *name);
int ks_kdf_safe(const struct keyslot_kdf *kdf);
int ks_equal_ct(const uint8_t *a, const uint8_t *b, size_t n);
enum od_code ks_mac_compute(const uint8_t data_key[KEYSLOT_KEY_LEN],
			    const void *p, size_t n, uint8_t mac[KS_MAC_LEN],
			    struct od_err *err);
enum od_code ks_key_check(const uint8_t data_key[KEYSLOT_KEY_LEN],
			  uint8_t check[KS_MAC_LEN], struct od_err *err);
enum od_code ks_x25519_new(uint8_t priv[KS_X_LEN], struct od_err *err);
enum od_code ks_slot_seal(struct slot *s, const char *pass, size_t pass_len,
			  const uint8_t secrets[KS_SECRETS_LEN],
			  struct od_err *err);
enum od_code ks_slot_unseal(const struct slot *s, const char *pass,
			    size_t pass_len, uint8_t secrets[KS_SECRETS_LEN],
			    struct od_err *err);
enum od_code ks_slot_wrap(const struct slot *s,
			  const uint8_t data_key[KEYSLOT_KEY_LEN],
			  uint8_t wrapped[KS_WRAPPED_LEN], struct od_err *err);
enum od_code ks_slot_unwrap(const struct slot *s, const uint8_t priv[KS_X_LEN],
			    uint8_t data_key[KEYSLOT_KEY_LEN],
			    struct od_err *err);

/* keyslot.c */
enum od_code ks_data_key_verify(struct keyslot_file *kf,
				const uint8_t data_key[KEYSLOT_KEY_LEN],
				struct od_err *err);
struct slot *ks_slot_find(const struct keyslot_file *kf, const char *user);
enum od_code ks_alloc(const char *path, struct keyslot_file **out,
		      struct od_err *err);
enum od_code ks_grow(struct keyslot_file *kf, struct od_err *err);

#endif
