/*
 * sigkey.h - Ed25519 signing keys through GnuTLS's abstract key API.
 *
 * A person's signing key is a 32-byte Ed25519 seed.  It is kept sealed under
 * that person's passphrase (storage/keyslot.h) and lives in memory only while
 * they act.  Signing goes through gnutls_privkey_sign_data2 so that a key on
 * a PKCS#11 token could take the same path.  Public keys are 32 raw bytes;
 * their fingerprint is "sha256:" and the hex SHA-256 of the SubjectPublicKeyInfo
 * DER, which anyone can recompute with
 *   openssl pkey -pubin -in KEY.pem -outform DER | sha256sum
 */
#ifndef OD_SIGKEY_H
#define OD_SIGKEY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define SIGKEY_SEED_LEN 32
#define SIGKEY_PUB_LEN  32
#define SIGKEY_SIG_LEN  64
#define SIGKEY_FP_LEN   (7 + 64)   /* "sha256:" + 64 hex digits */

struct sigkey;      /* a private key, ready to sign */
struct sigkey_pub;  /* a public key, ready to verify */

/* Fills seed with a fresh random Ed25519 seed (the caller wipes it). */
enum od_code sigkey_generate_seed(uint8_t seed[SIGKEY_SEED_LEN],
				  struct od_err *err);

/* Makes a signing key from seed (copied into GnuTLS; wipe your copy). */
enum od_code sigkey_from_seed(const uint8_t seed[SIGKEY_SEED_LEN],
			      struct sigkey **out, struct od_err *err);

/*
 * Takes the Ed25519 key a PKCS#11 token holds at uri (app/keys/sigtoken.h):
 * its public half now, its PIN when it first signs.  A token key signs
 * the same bytes a seed's key would; sigkey_dup shares it.
 */
enum od_code sigkey_from_token(const char *uri, struct sigkey **out,
			       struct od_err *err);

/* 1 if k's private half is on a token, else 0. */
int sigkey_on_token(const struct sigkey *k);

/*
 * Signs a probe and checks it with k's public half: OD_E_INPUT if they
 * are not one key's halves (a token's PIN is asked here, if not yet).
 */
enum od_code sigkey_check(const struct sigkey *k, struct od_err *err);

/* A usable public key gives OD_OK; one sigkey_pub_new refuses, OD_E_INPUT. */
enum od_code sigkey_pub_check(const uint8_t pub[SIGKEY_PUB_LEN],
			      struct od_err *err);

/* Frees the key, which GnuTLS wipes; NULL is a no-op. */
void sigkey_free(struct sigkey *k);

/* The key's raw public half. */
void sigkey_public(const struct sigkey *k, uint8_t pub[SIGKEY_PUB_LEN]);

/* Signs exactly len bytes at msg (Ed25519, no prehash). */
enum od_code sigkey_sign(const struct sigkey *k, const void *msg, size_t len,
			 uint8_t sig[SIGKEY_SIG_LEN], struct od_err *err);

/*
 * A second handle on the same private key, for signing on another thread
 * (a GnuTLS key is not to be used by two threads at once).  Free it with
 * sigkey_free.
 */
enum od_code sigkey_dup(const struct sigkey *k, struct sigkey **out,
			struct od_err *err);

/*
 * Signs n messages (msgs[i], lens[i]) into sigs[i], spreading them over
 * the machine's cores for large n: bulk actions are bound by signing.
 * Ed25519 signatures are deterministic, so the result is the same as n
 * calls of sigkey_sign.  On failure no sig is to be trusted.
 */
enum od_code sigkey_sign_many(const struct sigkey *k, const char *const *msgs,
			      const size_t *lens, size_t n,
			      uint8_t (*sigs)[SIGKEY_SIG_LEN],
			      struct od_err *err);

/*
 * The same, a signature at a time: sigkey_pipe_start sets helper threads
 * (one per spare core, each with its own copy of k) signing the messages
 * in order; sigkey_pipe_wait returns once sigs[i] is made, making it on
 * the calling thread if no helper has taken it yet, so the caller's work
 * on entry i overlaps the signing of the next ones; sigkey_pipe_end stops
 * the helpers and frees the pipe (NULL is a no-op).  msgs, lens and sigs
 * must outlive the pipe.
 */
struct sigkey_pipe;
enum od_code sigkey_pipe_start(const struct sigkey *k, const char *const *msgs,
			       const size_t *lens, size_t n,
			       uint8_t (*sigs)[SIGKEY_SIG_LEN],
			       struct sigkey_pipe **out, struct od_err *err);
enum od_code sigkey_pipe_wait(struct sigkey_pipe *p, size_t i,
			      struct od_err *err);
void sigkey_pipe_end(struct sigkey_pipe *p);

/*
 * Imports a raw public key for verifying.  Strings that are not a point
 * (RFC 8032 decoding, y canonical) and points of small order, under which
 * anyone could make "signatures", give OD_E_INPUT.
 */
enum od_code sigkey_pub_new(const uint8_t pub[SIGKEY_PUB_LEN],
			    struct sigkey_pub **out, struct od_err *err);
void sigkey_pub_free(struct sigkey_pub *p);

/* Checks sig over msg; a bad signature gives OD_E_TAMPERED. */
enum od_code sigkey_pub_verify(const struct sigkey_pub *p, const void *msg,
			       size_t len, const uint8_t sig[SIGKEY_SIG_LEN],
			       struct od_err *err);

/*
 * Checks n signatures at once, spread over the machine's cores
 * (sigkey-many.c): ok[i] becomes 1 when sigs[i] is pubs[i]'s
 * signature over msgs[i], else 0 (a bad signature or a key
 * sigkey_pub_new refuses).  The same verdicts as n sigkey_pub_verify
 * calls; nothing fails but a signature.
 */
void sigkey_verify_many(const uint8_t (*pubs)[SIGKEY_PUB_LEN],
			const char *const *msgs, const size_t *lens,
			const uint8_t (*sigs)[SIGKEY_SIG_LEN], size_t n,
			unsigned char *ok);

/*
 * The same verdicts, collected one at a time while the caller works on
 * the ones it has (a pull applying entry i while later ones are checked):
 * helper threads check from the front as soon as the pipe starts;
 * sigkey_vpipe_wait(i) gives i's verdict, checking i itself if no helper
 * has taken it (or, while i is being checked, one from the back).  The
 * arrays are borrowed until sigkey_vpipe_end.  Without memory *out is
 * NULL and sigkey_vpipe_wait checks each one as asked.
 */
struct sigkey_vpipe;
void sigkey_vpipe_start(const uint8_t (*pubs)[SIGKEY_PUB_LEN],
			const char *const *msgs, const size_t *lens,
			const uint8_t (*sigs)[SIGKEY_SIG_LEN], size_t n,
			struct sigkey_vpipe **out);
int sigkey_vpipe_wait(struct sigkey_vpipe *p, size_t i);
void sigkey_vpipe_end(struct sigkey_vpipe *p);

/*
 * Writes "sha256:<hex>" of the key's SubjectPublicKeyInfo DER and a NUL.
 * A key sigkey_pub_new would refuse gives OD_E_INPUT (so does sigkey_pem).
 */
enum od_code sigkey_fingerprint(const uint8_t pub[SIGKEY_PUB_LEN],
				char fp[SIGKEY_FP_LEN + 1], struct od_err *err);

/* The public key as a PEM "PUBLIC KEY" block; *pem is the caller's (free). */
enum od_code sigkey_pem(const uint8_t pub[SIGKEY_PUB_LEN], char **pem,
			struct od_err *err);

/* Fills buf with n cryptographically random bytes (ids, nonces). */
enum od_code sigkey_random(void *buf, size_t n, struct od_err *err);

#endif
