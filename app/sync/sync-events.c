/* sync-events.c - the backend's events summary fetched and kept
 * (sync-events.h). */
#include "app/sync/sync-events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/people.h"
#include "app/log/wire.h"
#include "app/sync/backend-call.h"
#include "lib/encode.h"
#include "storage/store.h"

#define RESPONSE_MAX (64 * 1024)

/* The owner's signed request body; *body is the caller's (free). */
static enum od_code request_body(struct shop *sh, char **body,
				 struct od_err *err)
{
	uint8_t sig[SIGKEY_SIG_LEN];
	char text[512], b64[PEOPLE_SIG_B64];
	json_t *j;
	enum od_code rc;

	*body = NULL;
	if (sh->key == NULL)
		return od_err_set(err, OD_E_AUTH, "the desk is locked; unlock "
				  "it first");
	snprintf(text, sizeof text, "%s\nactor: %s\nkey: %s\ntime: %lld\n"
		 "window: %d\n", WIRE_EVENTS_MAGIC, sh->user, sh->fingerprint,
		 (long long)time(NULL), SYNC_EVENTS_WINDOW);
	rc = sigkey_sign(sh->key, text, strlen(text), sig, err);
	if (rc != OD_OK)
		return rc;
	b64_encode(sig, sizeof sig, b64);
	j = json_pack("{s:s,s:s}", "request", text, "signature", b64);
	*body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return *body ? OD_OK : od_err_set(err, OD_E_NOMEM, "out of memory");
}

/* Keeps the checked answer o with when it came. */
static enum od_code keep(struct store *s, json_t *o, long long fetched,
			 struct od_err *err)
{
	char *text;
	enum od_code rc;

	if (json_object_set_new(o, "fetched", json_integer(fetched)) != 0 ||
	    (text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = store_meta_set(s, SYNC_EVENTS_META, text, err);
	free(text);
	return rc;
}

enum od_code sync_events_fetch(struct shop *sh, struct tls_client *client,
			       struct od_err *err)
{
	struct sync_events *ev = malloc(sizeof *ev);
	long long now = (long long)time(NULL);
	struct buf resp;
	struct backend_call bc = { client, &resp, 1, NULL, 0 };
	json_t *ans = NULL;
	char *body = NULL;
	long status = 0;
	enum od_code rc;

	if (ev == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	buf_init(&resp, RESPONSE_MAX);
	rc = request_body(sh, &body, err);
	if (rc == OD_OK)
		rc = backend_call(&bc, "POST", WIRE_EVENTS_PATH, body, &status,
				  &ans, err);
	/* Checked as the screens will read it, before anything is kept. */
	if (rc == OD_OK)
		rc = sync_events_from_json(ans, now, ev, err);
	if (rc == OD_OK)
		rc = keep(sh->store, ans, now, err);
	json_decref(ans);
	free(body);
	free(ev);
	buf_free(&resp);
	return rc;
}

void sync_events_summary(struct shop *sh, struct tls_client *client)
{
	struct sync_events *kept;
	long long now = (long long)time(NULL);
	struct od_err err;
	int fresh;

	if (sh->role != ROLE_OWNER || (kept = malloc(sizeof *kept)) == NULL)
		return;
	/* A clock set back makes the kept one old, not fresh for ever. */
	fresh = sync_events_read(sh->store, kept, &err) == OD_OK &&
		kept->fetched <= now && now - kept->fetched < SYNC_EVENTS_EVERY;
	free(kept);
	if (!fresh)
		(void)sync_events_fetch(sh, client, &err);
}
