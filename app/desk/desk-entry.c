/*
 * desk-entry.c - one entry of the shop's log read whole, for the audit
 * history's Enter: the exact bytes that were signed, as `orderdesk audit
 * export` would give them, where the list shows a summary cut to a row.
 */
#include "app/desk/desk.h"
#include "app/desk/desk-internal.h"

#include <stdlib.h>
#include <string.h>

#include "storage/store.h"

struct got {
	char *text;
	int found;
};

static enum od_code take(void *ctx, const struct log_record *r,
			 struct od_err *err)
{
	struct got *g = ctx;

	g->text = malloc(r->statement_len + 1);
	if (g->text == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	memcpy(g->text, r->statement, r->statement_len);
	g->text[r->statement_len] = '\0';
	g->found = 1;
	return OD_OK;
}

enum od_code desk_entry_statement(struct desk *d, long long seq, char **out,
				  struct od_err *err)
{
	struct got g = { NULL, 0 };
	enum od_code rc;

	*out = NULL;
	if (!desk_is_unlocked(d))
		return od_err_set(err, OD_E_AUTH, "the desk is locked; "
				  "unlock it first");
	if (desk_role(d) != ROLE_OWNER)
		return od_err_set(err, OD_E_DENIED, "only an owner may read "
				  "the whole history");
	rc = desk_hold(d, SHOP_READ, err);
	if (rc != OD_OK)
		return rc;
	rc = store_log_at(desk_shop(d)->store, seq, take, &g, err);
	shop_release(desk_shop(d));
	if ((rc == OD_OK && !g.found) || rc == OD_E_NOTFOUND)
		rc = od_err_set(err, OD_E_NOTFOUND, "entry %lld is no longer "
				"in the log (a sync rewrote it); press r to "
				"read the history again", seq);
	if (rc != OD_OK) {
		free(g.text);
		return rc;
	}
	*out = g.text;
	return OD_OK;
}
