/* sync-unlock-report.c - failed unlocks told to the backend
 * (sync-unlock-report.h). */
#include "app/sync/sync-unlock-report.h"

#include <stdio.h>

#include "app/shop/unlock-fails.h"
#include "app/sync/backend-call.h"
#include "lib/buf.h"

#define RESPONSE_MAX 4096

void sync_unlock_report(struct shop *sh, struct tls_client *client,
			struct sync_report *rep)
{
	struct unlock_fails f;
	struct od_err err;
	struct buf resp;
	struct backend_call bc = { client, &resp, 1, NULL, 0 };
	char body[128];
	json_t *ans = NULL;
	long status = 0;

	rep->unlock_fails = 0;
	if (unlock_fails_read(sh->dir, &f, &err) != OD_OK || f.count == 0)
		return;
	snprintf(body, sizeof body, "{\"count\":%lld,\"first\":%lld,"
		 "\"last\":%lld}", f.count, f.first, f.last);
	buf_init(&resp, RESPONSE_MAX);
	if (backend_call(&bc, "POST", "/v1/unlock-failures", body, &status,
			 &ans, &err) == OD_OK && status == 200) {
		unlock_fails_clear(sh->dir, &f);
		rep->unlock_fails = f.count;
	}
	json_decref(ans);
	buf_free(&resp);
}
