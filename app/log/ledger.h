/*
 * ledger.h - the shop's signed, hash-chained log (DESIGN.md section 2).
 *
 * Each entry is (seq, statement bytes, Ed25519 signature, hash) with
 *   hash = SHA-256(prev_hash ‖ seq as 8 bytes big-endian ‖ statement ‖ sig)
 * and a zero prev_hash for the first entry.  The signature is fixed-length
 * and last, so the concatenation is unambiguous.  An entry is appended only
 * if its signature checks and the fold accepts it; its state change lands in
 * the same transaction.
 */
#ifndef OD_LEDGER_H
#define OD_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "app/keys/sigkey.h"
#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

#define LEDGER_HASH_LEN 32

/* Computes an entry's chain hash. */
enum od_code ledger_hash(const uint8_t prev[LEDGER_HASH_LEN], long long seq,
			 const char *text, size_t len,
			 const uint8_t sig[SIGKEY_SIG_LEN],
			 uint8_t out[LEDGER_HASH_LEN], struct od_err *err);

/*
 * Chains st to the last entry (its prev), signs it with key, folds it and
 * appends it as the next entry, inside the caller's transaction
 * (store_begin ... store_commit).  A statement id that is already in the
 * log is refused (OD_E_EXISTS): that is what makes a replayed statement
 * harmless.  *seq (if not NULL) gets the entry's seq.
 */
enum od_code ledger_append(struct store *s, const struct sigkey *key,
			   struct statement *st, long long *seq,
			   struct od_err *err);

/*
 * ledger_append for n statements in a row, each chained to the one before
 * it, signed on the spare cores while the ones before are folded and
 * appended (sigkey_pipe), in order; seqs (if not NULL) gets each entry's seq.  The first refusal
 * stops it: the caller rolls its transaction back.  Holds n texts in
 * memory, so callers cut big actions into rounds.
 */
enum od_code ledger_append_many(struct store *s, const struct sigkey *key,
				struct statement *const *sts, size_t n,
				long long *seqs, struct od_err *err);

/*
 * The one rule for what a statement signed now follows, for a caller that
 * shows it before it is signed (then ledger_append_shown): st's prev names
 * the log's tip ("none" for an empty log, else the tip's id and digest) and
 * its time is fitted to the tip: dated before it by at most
 * CLOCK_SKEW_SECONDS, it is moved up to the tip's time; by more, OD_E_STATE
 * ("this computer's clock is behind the shop's log by N days; fix the
 * clock") and st is unchanged (a shop.clock is left as it is).
 * ledger_append chains by the same rule.
 */
enum od_code ledger_prepare(struct store *s, struct statement *st,
			    struct od_err *err);

/* What ledger_append_shown runs inside its transaction once the entry is
 * appended (seq: the entry); a failure rolls everything back. */
struct ledger_then {
	enum od_code (*fn)(void *ctx, long long seq, struct od_err *err);
	void *ctx;
};

/*
 * Signs exactly the bytes of text (a statement prepared with
 * ledger_prepare and shown to a person) with key and appends it, in a
 * durable transaction of its own (the caller holds the store for writing
 * and has none open).  Its prev must still name the log's tip and its time
 * be no earlier than the tip's, else OD_E_STATE ("the shop's log moved on
 * while the statement was shown; nothing was signed") and nothing changes;
 * the fold then decides as for any statement.  then (if not NULL) runs in
 * the same transaction.  *seq (if not NULL) is the entry, 0 on failure.
 */
enum od_code ledger_append_shown(struct store *s, const struct sigkey *key,
				 const char *text, size_t len,
				 const struct ledger_then *then,
				 long long *seq, struct od_err *err);

/*
 * The fold's answer on st as the next entry (role, state, the last owner),
 * applied in a transaction of its own that is rolled back: nothing is
 * signed or kept.  For asking before a form is filled in (desk-check.c).
 */
enum od_code ledger_try(struct store *s, const struct statement *st,
			struct od_err *err);

/*
 * The backend's bound on a statement it is asked to accept, against its
 * own clock now: dated more than CLOCK_SKEW_SECONDS ahead is refused
 * (OD_E_STATE, "dated N days ahead of the backend's clock; fix the desk's
 * clock"), and a shop.clock must also be no more than that behind, so
 * the backend's signed head time vouches for the reset.  Only where a
 * statement enters the shop: a replay of a stored log is judged by the
 * log alone.
 */
enum od_code ledger_check_fresh(const struct statement *st, time_t now,
				struct od_err *err);

/*
 * Appends a statement signed elsewhere: parses text strictly, checks the
 * signature against the signer's recorded key, refuses a known id, checks
 * that its prev names an entry of this log (by id and digest) and that it is
 * not dated before that entry (a shop.clock: that the entry is the tip and
 * dated ahead of it), nor before the last shop.clock, folds it and
 * appends.  Inside the caller's transaction.
 */
enum od_code ledger_accept(struct store *s, const char *text, size_t len,
			   const uint8_t sig[SIGKEY_SIG_LEN], long long *seq,
			   struct od_err *err);

/*
 * The same, for a caller that has already checked sig over exactly these
 * bytes with the key checked_pub (sigkey_verify_many over a batch): the
 * signature is not checked again when checked_pub is the key the signer
 * must have now, and is checked as usual when it is not (the signer
 * changed meanwhile) or checked_pub is NULL.
 */
enum od_code ledger_accept_checked(struct store *s, const char *text,
				   size_t len,
				   const uint8_t sig[SIGKEY_SIG_LEN],
				   const uint8_t *checked_pub, long long *seq,
				   struct od_err *err);

/*
 * ledger_accept_checked for text its caller has already parsed into st
 * (statement_parse of exactly text[0..len)): one parse where a pull
 * parses an entry to find its signer's key ahead.
 */
enum od_code ledger_accept_parsed(struct store *s, const struct statement *st,
				  const char *text, size_t len,
				  const uint8_t sig[SIGKEY_SIG_LEN],
				  const uint8_t *checked_pub, long long *seq,
				  struct od_err *err);

struct ledger_report {
	long long entries;       /* log entries replayed */
	long long users;         /* active users at the end */
	long long orders;        /* orders at the end */
};

/*
 * Replays the whole log of s into a fresh in-memory store: every entry's
 * seq, signature, signer, role, transition and chain hash are checked as if
 * it were new, then the resulting state must equal the state stored in s.
 * The first problem gives OD_E_TAMPERED with the entry and the reason.
 */
enum od_code ledger_verify(struct store *s, struct ledger_report *rep,
			   struct od_err *err);

#endif
