/*
 * cmd-audit-events.c - `orderdesk audit events [--fetch]`: the backend's
 * security events summary the owner's desk keeps (app/sync/sync-events.h),
 * or, with --fetch, asked for now (the backend answers the owner only).
 */
#include "app/orderdesk/cli.h"

#include <stdlib.h>
#include <string.h>

#include "app/sync/sync-events.h"
#include "app/sync/sync.h"
#include "lib/buf.h"

#define TEXT_MAX (64 * 1024)

/* Asks the backend now, as sh's person, and keeps the answer. */
static enum od_code fetch(struct shop *sh, struct od_err *err)
{
	struct tls_client *tc = NULL;
	enum od_code rc = sync_client(sh, &tc, err);

	if (rc == OD_OK)
		rc = sync_events_fetch(sh, tc, err);
	tls_client_free(tc);
	return rc;
}

enum od_code cli_audit_events(struct cli *c, int argc, char **argv,
			      struct od_err *err)
{
	struct sync_events *ev = NULL;
	struct shop *sh = NULL;
	struct buf b;
	int now = argc == 2 && strcmp(argv[1], "--fetch") == 0;
	enum od_code rc;

	if (argc > 2 || (argc == 2 && !now))
		return od_err_set(err, OD_E_USAGE, "usage: orderdesk audit "
				  "events [--fetch]");
	buf_init(&b, TEXT_MAX);
	rc = cli_unlock(c, now ? SHOP_WRITE : SHOP_READ, &sh, err);
	if (rc == OD_OK && now)
		rc = fetch(sh, err);
	else if (rc == OD_OK && sh->role != ROLE_OWNER)
		rc = od_err_set(err, OD_E_DENIED, "only the shop's owner sees "
				"the backend's security events");
	if (rc == OD_OK && (ev = malloc(sizeof *ev)) == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK)
		rc = sync_events_read(sh->store, ev, err);
	if (rc == OD_OK)
		rc = sync_events_text(ev, &b, err);
	if (rc == OD_OK)
		fwrite(b.data, 1, b.len, c->out);
	buf_free(&b);
	free(ev);
	shop_close(sh);
	return rc;
}
