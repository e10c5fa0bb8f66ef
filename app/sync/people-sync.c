/* people-sync.c - key bundles to and from the backend, slots to match. */
#include "app/sync/people-sync.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/people.h"
#include "app/shop/people-outbox.h"
#include "app/shop/people-race.h"
#include "app/sync/backend-call.h"
#include "app/sync/sync-status.h"
#include "app/sync/sync.h"
#include "lib/buf.h"

#define PEOPLE_RESPONSE_MAX (4 * 1024 * 1024)

/* Sends method path with body and parses a 200 answer as an object; a
 * 401 or 403 is a refusal, and the caller's sync has its own retries. */
static enum od_code ask(struct tls_client *c, const char *method,
			const char *path, const char *body, json_t **out,
			struct od_err *err)
{
	struct buf resp;
	struct backend_call bc = { c, &resp, 1, NULL, 1 };
	enum od_code rc;

	buf_init(&resp, PEOPLE_RESPONSE_MAX);
	rc = backend_call(&bc, method, path, body, NULL, out, err);
	buf_free(&resp);
	return rc;
}

/*
 * Whether user's key is one this desk must not take: its own rekey of them
 * lost to another desk's (app/shop/people-race.h).  The first such person is
 * noted in rep, for the person syncing.
 */
static enum od_code lost_race(struct store *s, const char *user,
			      struct people_report *rep, int *lost,
			      struct od_err *err)
{
	char msg[PEOPLE_RACE_MSG_MAX];
	enum od_code rc = people_race_get(s, user, msg, sizeof msg, err);

	*lost = rc == OD_OK;
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK && rep->lost++ == 0) {
		snprintf(rep->lost_user, sizeof rep->lost_user, "%s", user);
		snprintf(rep->lost_note, sizeof rep->lost_note, "%s", msg);
	}
	return rc;
}

/*
 * Takes one bundle from the backend if it is an active person's, signed
 * by their key in the log, and newer than this desk's, unless this desk
 * lost a race of rekeys for them.  rep->taken counts a slot changed; a
 * bundle that fails a check is skipped.
 */
static enum od_code take_one(struct shop *sh, json_t *e,
			     struct people_report *rep, struct od_err *err)
{
	const char *text, *sig;
	struct people_bundle pb;
	struct user_record u;
	struct od_err skip;
	long long have = 0;
	enum od_code rc;
	int stale = 0, lost = 0;

	if (people_entry_read(e, &text, &sig, &pb, &skip) != OD_OK)
		return OD_OK;
	rc = store_user_get(sh->store, pb.user, &u, err);
	if (rc == OD_E_NOTFOUND || (rc == OD_OK && !people_may_hold_slot(&u)))
		return OD_OK;
	/* Before anything else: a stale slot here (this desk's refused
	 * rekey, or one cut short) would otherwise take the winner's. */
	if (rc == OD_OK)
		rc = lost_race(sh->store, pb.user, rep, &lost, err);
	if (rc != OD_OK || lost)
		return rc;
	rc = people_bundle_time(sh->store, pb.user, &have, err);
	if (rc == OD_OK)
		rc = people_slot_stale(sh->store, &u, &stale, err);
	if (rc != OD_OK)
		return rc;
	if (pb.time_ms <= have && keyslot_has(sh->slots, pb.user) && !stale)
		return OD_OK;
	/* Only the key the log gives them now: a retired key's bundle (an
	 * old passphrase) never comes back. */
	if (people_bundle_verify(text, sig, u.pubkey, &skip) != OD_OK)
		return OD_OK;
	rc = keyslot_bundle_import(sh->slots, pb.slot, sh->data_key, err);
	if (rc == OD_E_INPUT)
		return OD_OK;
	if (rc == OD_OK)
		rc = people_bundle_time_set(sh->store, pb.user, pb.time_ms,
					    err);
	if (rc == OD_OK)
		rc = people_slot_note(sh->store, pb.user, u.fingerprint, err);
	if (rc == OD_OK)
		rep->taken++;
	return rc;
}

/* Step 1: the backend's bundles into slots here. */
static enum od_code take_bundles(struct shop *sh, struct tls_client *c,
				 struct people_report *rep, struct od_err *err)
{
	json_t *ans = NULL, *arr;
	enum od_code rc;
	size_t i;

	rc = ask(c, "GET", "/v1/people", NULL, &ans, err);
	if (rc != OD_OK)
		return rc;
	arr = json_object_get(ans, "people");
	if (!json_is_array(arr)) {
		json_decref(ans);
		return od_err_set(err, OD_E_INPUT, "the backend's list of "
				  "people is not the expected JSON");
	}
	rc = store_begin(sh->store, err);
	for (i = 0; rc == OD_OK && i < json_array_size(arr); i++)
		rc = take_one(sh, json_array_get(arr, i), rep, err);
	/* The slots first: a time noted for a slot not saved would keep
	 * the bundle from being taken again. */
	if (rc == OD_OK && rep->taken > 0)
		rc = keyslot_save(sh->slots, sh->data_key, err);
	if (rc == OD_OK)
		rc = store_commit(sh->store, err);
	else
		store_rollback(sh->store);
	json_decref(ans);
	return rc;
}

/* Notes, for the person syncing, that user's bundle was dropped and why;
 * the first reason is kept whole, the others only counted. */
static void note_dropped(struct people_report *rep, const char *user,
			 const char *why)
{
	if (rep->refused++ == 0)
		snprintf(rep->note, sizeof rep->note, "dropped the key bundle "
			 "queued for %.64s: %.200s", user, why);
}

/*
 * Drops from arr the bundles the backend would refuse, and the whole
 * request with them: a person the log no longer holds as active (revoked
 * after being added here, here or at another desk and pulled by this very
 * sync), or a key the log no longer gives them (a rekey the backend
 * refused, then undone here by the rebase; a later rekey elsewhere).
 * Checked at send time, against the log just synced, as that is the only
 * moment every revoke and rekey this desk will hear of is known.
 */
static enum od_code drop_stale(struct store *s, json_t *arr,
			       struct people_report *rep, struct od_err *err)
{
	const char *text, *sig;
	struct people_bundle pb;
	struct user_record u;
	struct od_err skip;
	enum od_code rc;
	size_t i = json_array_size(arr), n = i;

	while (i-- > 0) {
		if (people_entry_read(json_array_get(arr, i), &text, &sig, &pb,
				      &skip) != OD_OK) {
			/* This desk's own queue: damaged, never sendable. */
			json_array_remove(arr, i);
			note_dropped(rep, "a person", "it is damaged");
			continue;
		}
		rc = store_user_get(s, pb.user, &u, err);
		if (rc == OD_E_NOTFOUND)
			continue;
		if (rc != OD_OK)
			return rc;
		if (!people_may_hold_slot(&u)) {
			json_array_remove(arr, i);
			note_dropped(rep, pb.user, "the shop's log no longer "
				     "holds them as an active person");
		} else if (people_bundle_verify(text, sig, u.pubkey,
						&skip) != OD_OK) {
			json_array_remove(arr, i);
			note_dropped(rep, pb.user, "it is sealed with a key "
				     "the shop's log no longer gives them");
		}
	}
	/* Kept dropped: never sent, never restored at an unlock. */
	return json_array_size(arr) == n ? OD_OK :
	       people_outbox_write(s, arr, err);
}

/* POSTs the bundles in arr; *stored counts those the backend kept. */
static enum od_code post(struct tls_client *c, json_t *arr, int *stored,
			 struct od_err *err)
{
	json_t *body = json_pack("{s:O}", "people", arr), *ans = NULL;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	enum od_code rc;

	if (text == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	else
		rc = ask(c, "POST", "/v1/people", text, &ans, err);
	if (rc == OD_OK)
		*stored += (int)json_integer_value(json_object_get(ans,
								   "stored"));
	free(text);
	json_decref(body);
	json_decref(ans);
	return rc;
}

/*
 * Whether the backend has every statement of this desk's log: then its
 * refusal of a bundle this log finds good is final (it heard of a revoke
 * or a rekey this desk has not pulled yet).  Before, the refusal may only
 * mean the person's user.add has not reached it yet.
 */
static enum od_code all_pushed(struct store *s, int *yes, struct od_err *err)
{
	long long synced = 0, head = 0;
	uint8_t hash[32];
	int attached = 0;
	enum od_code rc = sync_synced_seq(s, &attached, &synced, err);

	if (rc == OD_OK)
		rc = store_log_head(s, &head, hash, err);
	*yes = rc == OD_OK && head <= synced;
	return rc;
}

/*
 * After the backend refused the outbox (one refused bundle refuses the
 * whole request): each bundle on its own, so that a refused one stops only
 * itself and never the desk's sync for good.  Into left go the bundles to
 * send again at the next sync.
 */
static enum od_code send_each(struct shop *sh, struct tls_client *c,
			      json_t *arr, json_t *left,
			      struct people_report *rep, struct od_err *err)
{
	const char *text, *sig;
	struct people_bundle pb;
	struct od_err why, skip;
	enum od_code rc;
	int final = 0;
	size_t i;

	rc = all_pushed(sh->store, &final, err);
	for (i = 0; rc == OD_OK && i < json_array_size(arr); i++) {
		json_t *e = json_array_get(arr, i), *one = json_pack("[O]", e);

		if (one == NULL)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
		rc = post(c, one, &rep->sent, &why);
		json_decref(one);
		if (rc == OD_OK)
			continue;
		/* Not a refusal (the network, the backend down): the rest
		 * waits for the next sync. */
		if (rc != OD_E_AUTH) {
			*err = why;
			break;
		}
		rc = OD_OK;
		if (people_entry_read(e, &text, &sig, &pb, &skip) != OD_OK)
			snprintf(pb.user, sizeof pb.user, "a person");
		if (final) {
			note_dropped(rep, pb.user, why.msg);
			continue;
		}
		if (rep->note[0] == '\0')
			snprintf(rep->note, sizeof rep->note, "kept the key "
				 "bundle for %.64s for the next sync: %.200s",
				 pb.user, why.msg);
		if (json_array_append(left, e) != 0)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
	}
	for (; i < json_array_size(arr); i++)
		if (json_array_append(left, json_array_get(arr, i)) != 0)
			return od_err_set(err, OD_E_NOMEM, "out of memory");
	return rc;
}

/* Step 2: the outbox, with the signed-in person's bundle if never sent. */
static enum od_code send_bundles(struct shop *sh, struct tls_client *c,
				 struct people_report *rep, struct od_err *err)
{
	json_t *arr = NULL, *left = NULL;
	long long have = 0;
	enum od_code rc, wrc;
	struct od_err werr;

	rc = store_begin(sh->store, err);
	if (rc == OD_OK && sh->key != NULL && sh->user[0] != '\0' &&
	    keyslot_has(sh->slots, sh->user)) {
		rc = people_bundle_time(sh->store, sh->user, &have, err);
		if (rc == OD_OK && have == 0)
			rc = people_outbox_add(sh->store, sh->slots, sh->user,
					       sh->key, err);
	}
	if (rc == OD_OK)
		rc = people_outbox_read(sh->store, &arr, err);
	if (rc == OD_OK)
		rc = drop_stale(sh->store, arr, rep, err);
	if (rc == OD_OK)
		rc = store_commit(sh->store, err);
	else
		store_rollback(sh->store);
	if (rc != OD_OK || json_array_size(arr) == 0)
		goto out;
	left = json_array();
	if (left == NULL) {
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	rc = post(c, arr, &rep->sent, err);
	if (rc == OD_E_AUTH)
		rc = send_each(sh, c, arr, left, rep, err);
	else if (rc != OD_OK)
		goto out;
	/* Sent (the backend has them or newer ones) or dropped: what is
	 * left waits, whether or not the rest went through. */
	wrc = store_begin(sh->store, &werr);
	if (wrc == OD_OK)
		wrc = people_outbox_write(sh->store, left, &werr);
	if (wrc == OD_OK)
		wrc = store_commit(sh->store, &werr);
	else
		store_rollback(sh->store);
	if (rc == OD_OK && wrc != OD_OK) {
		rc = wrc;
		*err = werr;
	}
out:
	json_decref(left);
	json_decref(arr);
	return rc;
}

/* Step 3: no slot here for anyone the log revoked. */
static enum od_code drop_revoked(struct shop *sh, struct people_report *rep,
				 struct od_err *err)
{
	char name[KEYSLOT_NAME_MAX + 1];
	struct user_record u;
	enum od_code rc = OD_OK;
	size_t i = 0;

	while (rc == OD_OK && i < keyslot_count(sh->slots)) {
		snprintf(name, sizeof name, "%s", keyslot_user(sh->slots, i));
		rc = store_user_get(sh->store, name, &u, err);
		if (rc == OD_E_NOTFOUND) {
			/* An interrupted user add: not this step's business. */
			rc = OD_OK;
			i++;
			continue;
		}
		if (rc == OD_OK && !u.active) {
			rc = keyslot_remove(sh->slots, name, err);
			rep->dropped++;
		} else {
			i++;
		}
	}
	/* The rotation saves the slots, under a key the revoked never saw. */
	if (rc == OD_OK && rep->dropped > 0)
		rc = shop_rotate_key(sh, err);
	return rc;
}

enum od_code people_sync(struct shop *sh, struct tls_client *c,
			 struct people_report *rep, struct od_err *err)
{
	enum od_code rc;

	memset(rep, 0, sizeof *rep);
	rc = take_bundles(sh, c, rep, err);
	if (rc == OD_OK)
		rc = send_bundles(sh, c, rep, err);
	if (rc == OD_OK)
		rc = drop_revoked(sh, rep, err);
	return rc;
}
