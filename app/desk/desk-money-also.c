/*
 * desk-money-also.c - the refund a return's close carries, signed inside
 * the close's own transaction (desk_act_sign's then), so that both land or
 * neither; and its text as the dialog shows it.
 */
#include "app/desk/desk-money.h"
#include "app/desk/desk-internal.h"

#include <string.h>

#include "app/log/ledger.h"

const char *desk_act_also_text(const struct desk_act *act)
{
	return act->also && act->also_text.data ? act->also_text.data : "";
}

enum od_code desk_act_also(struct shop *sh, struct desk_act *act,
			   struct od_err *err)
{
	struct buf signed_text;
	enum od_code rc;

	buf_init(&signed_text, STMT_MAX_BYTES);
	rc = ledger_append(sh->store, sh->key, act->also, &act->also_seq, err);
	if (rc == OD_OK)
		rc = statement_build(act->also, &signed_text, err);
	/* Never sign other words than were shown: roll both back. */
	if (rc == OD_OK && (signed_text.len != act->also_text.len ||
	    memcmp(signed_text.data, act->also_text.data,
		   signed_text.len) != 0))
		rc = od_err_set(err, OD_E_STATE, "the refund would not be "
				"signed as shown; nothing was signed, look at "
				"it again");
	buf_free(&signed_text);
	return rc;
}

