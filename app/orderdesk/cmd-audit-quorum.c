/* cmd-audit-quorum.c - a proof's witnesses, checked offline
 * (cmd-audit-quorum.h). */
#include "app/orderdesk/cmd-audit-quorum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/cosignature.h"
#include "app/log/tlog-proof.h"

enum od_code audit_quorum_add(struct witness_policy *p, const char *text,
			      struct od_err *err)
{
	char why[OD_ERR_MSG_MAX];

	if (p->n == POLICY_WITNESSES_MAX)
		return od_err_set(err, OD_E_USAGE, "--witness: at most %d "
				  "witnesses", POLICY_WITNESSES_MAX);
	if (cosigner_parse(text, &p->w[p->n], err) != OD_OK) {
		snprintf(why, sizeof why, "%s", err->msg);
		return od_err_set(err, OD_E_USAGE, "--witness %.80s: %s (`"
				  "orderdesk witness key` prints one)", text,
				  why);
	}
	p->n++;
	return OD_OK;
}

enum od_code audit_quorum_set(struct witness_policy *p, const char *text,
			      struct od_err *err)
{
	char *end = NULL;
	long q = text != NULL ? strtol(text, &end, 10) : 0;

	if (text == NULL) {
		/* Witnesses named without a quorum: all of them. */
		p->quorum = (unsigned)p->n;
		return OD_OK;
	}
	if (end == text || *end != '\0' || q < 1 || (size_t)q > p->n)
		return od_err_set(err, OD_E_USAGE, "--quorum %.20s: must be 1 "
				  "to the %zu witnesses named with --witness",
				  text, p->n);
	p->quorum = (unsigned)q;
	return OD_OK;
}

enum od_code audit_quorum_check(const struct witness_policy *p,
				const struct note_verifier *v,
				const char *proof, size_t len,
				struct od_err *err)
{
	struct checkpoint cp;
	const char *note = NULL;
	size_t note_len = 0, text_len = 0;
	enum od_code rc;

	if (p->quorum == 0)
		return OD_OK;
	rc = tlog_proof_note(proof, len, &note, &note_len, err);
	if (rc == OD_OK)
		rc = checkpoint_open(note, note_len, v, &cp, err);
	if (rc == OD_OK)
		rc = note_open(note, note_len, v, &text_len, err);
	if (rc == OD_OK)
		rc = policy_check_note(p, note, note_len, text_len, cp.size,
				       err);
	return rc;
}
