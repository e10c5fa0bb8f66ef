/* sync-unlock-report.c - failed unlocks told to the backend
 * (sync-unlock-report.h). */
#include "app/sync/sync-unlock-report.h"

#include <stdio.h>

#include "app/shop/unlock-fails.h"

void sync_unlock_report(struct shop *sh, const struct backend_call *bc,
			long long *reported)
{
	struct unlock_fails f;
	struct od_err err;
	char body[128];
	json_t *ans = NULL;
	long status = 0;

	*reported = 0;
	if (unlock_fails_read(sh->dir, &f, &err) != OD_OK || f.count == 0)
		return;
	snprintf(body, sizeof body, "{\"count\":%lld,\"first\":%lld,"
		 "\"last\":%lld}", f.count, f.first, f.last);
	if (backend_call(bc, "POST", "/v1/unlock-failures", body, &status,
			 &ans, &err) == OD_OK && status == 200) {
		unlock_fails_clear(sh->dir, &f);
		*reported = f.count;
	}
	json_decref(ans);
}
