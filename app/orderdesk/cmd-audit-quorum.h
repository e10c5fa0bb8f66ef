/*
 * cmd-audit-quorum.h - `audit check-proof ... --witness VKEY ... --quorum
 * N`: a proof's checkpoint must carry valid cosignatures by N of the
 * witnesses named (C2SP tlog-cosignature), as a desk demands under the
 * shop's witness policy (app/log/witness-policy.h), so a third party need
 * not take the log's word alone.
 */
#ifndef OD_CMD_AUDIT_QUORUM_H
#define OD_CMD_AUDIT_QUORUM_H

#include <stddef.h>

#include "app/log/witness-policy.h"
#include "lib/err.h"

/*
 * Adds the witness key text (as `orderdesk witness key` prints it) to p;
 * a malformed one or more than POLICY_WITNESSES_MAX gives OD_E_USAGE.
 */
enum od_code audit_quorum_add(struct witness_policy *p, const char *text,
			      struct od_err *err);

/*
 * Sets p's quorum from text (1 to the witnesses named; none named: none
 * asked, p->quorum 0).  A bad one gives OD_E_USAGE.
 */
enum od_code audit_quorum_set(struct witness_policy *p, const char *text,
			      struct od_err *err);

/*
 * Checks the proof proof[0..len), whose checkpoint v signed, against p:
 * OD_E_DENIED naming the first missing witness, OD_E_TAMPERED for a bad
 * cosignature.  p->quorum 0: nothing to check.
 */
enum od_code audit_quorum_check(const struct witness_policy *p,
				const struct note_verifier *v,
				const char *proof, size_t len,
				struct od_err *err);

#endif
