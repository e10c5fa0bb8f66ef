/*
 * join-code.h - one-time codes that let a new desk join a shop.
 *
 * A code is 20 characters of Crockford base32 in five groups of four,
 * e.g. "7K2Q-M9XD-4TRB-H1WZ-C8NE".  The first group (20 bits) is the
 * code's id: it names which code a try is against, so that wrong tries can
 * be counted per code and the code burned after JOIN_CODE_TRIES of them.
 * The other sixteen characters are 80 random bits, the secret.  People type
 * codes, so parsing forgives case, spaces and dashes, and reads O as 0 and
 * I or L as 1 (Crockford's alphabet has no I, L, O or U).
 *
 * The backend keeps only a record per code: SHA-256 over a label and the
 * whole normalized code, its expiry, the wrong tries so far and whether it
 * was used.  80 secret bits make a fast hash enough: nobody can search
 * 2^80 codes, even offline from a stolen record.  The record's text form is
 * one line, "v1 HASH EXPIRES TRIES USED", with no secret in it.
 */
#ifndef OD_JOIN_CODE_H
#define OD_JOIN_CODE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"

#define JOIN_CODE_CHARS      20            /* without dashes */
#define JOIN_CODE_LEN        (JOIN_CODE_CHARS + 4)   /* with them */
#define JOIN_CODE_ID_CHARS   4
#define JOIN_CODE_TRIES      5             /* wrong tries, then burned */
#define JOIN_CODE_TTL        (24 * 3600)   /* seconds, the default */
#define JOIN_CODE_TTL_MAX    (30 * 24 * 3600)
#define JOIN_RECORD_MAX      128           /* bytes of a record's text */

/* What the backend remembers of one code. */
struct join_record {
	uint8_t hash[32];
	long long expires;      /* unix time */
	unsigned tries;         /* wrong tries so far */
	int used;
};

/*
 * Makes a new random code ("XXXX-XXXX-XXXX-XXXX-XXXX" and a NUL) and the
 * record for it, expiring ttl seconds after now.  The code is the caller's
 * to show once and wipe.
 */
enum od_code join_code_new(long long now, long long ttl,
			   char code[JOIN_CODE_LEN + 1],
			   struct join_record *rec, struct od_err *err);

/*
 * Normalizes what a person typed into the 20 code characters and a NUL
 * (upper case, no dashes or spaces, O read as 0, I and L as 1).  Anything
 * else, or a wrong length, gives OD_E_INPUT with a message saying what a
 * code looks like.
 */
enum od_code join_code_normalize(const char *typed,
				 char norm[JOIN_CODE_CHARS + 1],
				 struct od_err *err);

/* The id (the first group) of a normalized code, and a NUL. */
void join_code_id(const char *norm, char id[JOIN_CODE_ID_CHARS + 1]);

/* SHA-256 of the label and the normalized code. */
enum od_code join_code_hash(const char *norm, uint8_t hash[32],
			    struct od_err *err);

/*
 * Tries a normalized code against its record at time now.  OD_OK when the
 * code is right, unused, unexpired and not burned: the caller then marks
 * it used.  A wrong code counts a try in rec (the caller saves it) and
 * gives OD_E_AUTH; so do a used, an expired or a burned code, each with a
 * message saying which and what to do.
 */
enum od_code join_code_check(struct join_record *rec, const char *norm,
			     long long now, struct od_err *err);

/* Writes rec's one-line text form and a NUL to out. */
void join_record_format(const struct join_record *rec,
			char out[JOIN_RECORD_MAX]);

/* Parses a record's text; anything not exactly the form gives OD_E_TAMPERED. */
enum od_code join_record_parse(const char *text, struct join_record *rec,
			       struct od_err *err);

#endif
