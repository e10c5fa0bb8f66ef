/*
 * people-outbox.c - what a desk's store remembers of people's key bundles:
 * the outbox waiting for the next sync, each person's newest bundle time,
 * and the key that signed the bundle each slot came from.
 */
#include "app/shop/people-outbox.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/people.h"

#define META_OUTBOX  "people.outbox"
#define META_TIME    "people.t."       /* + user: newest bundle's time */
#define META_KEY     "people.k."       /* + user: the key that signed it */

enum od_code people_bundle_time(struct store *s, const char *user,
				long long *t, struct od_err *err)
{
	char key[64], *v = NULL;
	enum od_code rc;

	*t = 0;
	snprintf(key, sizeof key, META_TIME "%s", user);
	rc = store_meta_get(s, key, &v, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		*t = atoll(v);
	free(v);
	return rc;
}

enum od_code people_bundle_time_set(struct store *s, const char *user,
				    long long t, struct od_err *err)
{
	char key[64], val[32];

	snprintf(key, sizeof key, META_TIME "%s", user);
	snprintf(val, sizeof val, "%lld", t);
	return store_meta_set(s, key, val, err);
}

enum od_code people_slot_stale(struct store *s, const struct user_record *u,
			       int *stale, struct od_err *err)
{
	char key[64], *v = NULL;
	enum od_code rc;

	*stale = 0;
	snprintf(key, sizeof key, META_KEY "%s", u->name);
	rc = store_meta_get(s, key, &v, err);
	if (rc == OD_E_NOTFOUND)
		return OD_OK;
	if (rc == OD_OK)
		*stale = strcmp(v, u->fingerprint) != 0;
	free(v);
	return rc;
}

/* Notes that the slot here for user came from a bundle signed by fp. */
static enum od_code set_slot_key(struct store *s, const char *user,
				 const char *fp, struct od_err *err)
{
	char key[64];

	snprintf(key, sizeof key, META_KEY "%s", user);
	return store_meta_set(s, key, fp, err);
}

enum od_code people_slot_note(struct store *s, const char *user,
			      const char *fp, struct od_err *err)
{
	/* Not a fingerprint: the slot counts as stale until noted again. */
	return set_slot_key(s, user, fp != NULL ? fp : "unsaved", err);
}

enum od_code people_outbox_read(struct store *s, json_t **out,
				struct od_err *err)
{
	json_error_t jerr;
	char *v = NULL;
	enum od_code rc = store_meta_get(s, META_OUTBOX, &v, err);

	*out = NULL;
	if (rc == OD_E_NOTFOUND) {
		*out = json_array();
		return *out ? OD_OK : od_err_set(err, OD_E_NOMEM,
						 "out of memory");
	}
	if (rc != OD_OK)
		return rc;
	*out = json_loads(v, JSON_REJECT_DUPLICATES, &jerr);
	free(v);
	if (!json_is_array(*out)) {
		json_decref(*out);
		*out = NULL;
		return od_err_set(err, OD_E_TAMPERED, "the store's queue of "
				  "key bundles is damaged");
	}
	return OD_OK;
}

enum od_code people_outbox_write(struct store *s, json_t *arr,
				 struct od_err *err)
{
	char *dump = json_dumps(arr, JSON_COMPACT);
	enum od_code rc;

	if (dump == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = store_meta_set(s, META_OUTBOX, dump, err);
	free(dump);
	return rc;
}

/* Puts user's signed bundle in arr, replacing an older one of theirs. */
static enum od_code queue_bundle(json_t *arr, const char *user,
				 const char *text, const char *sig,
				 struct od_err *err)
{
	struct people_bundle pb;
	size_t i;
	json_t *e = json_pack("{s:s,s:s}", "bundle", text, "signature", sig);

	if (e == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	for (i = 0; i < json_array_size(arr); i++) {
		const char *t = json_string_value(json_object_get(
				json_array_get(arr, i), "bundle"));

		if (t != NULL && people_bundle_read(t, &pb, err) == OD_OK &&
		    strcmp(pb.user, user) == 0) {
			json_array_set_new(arr, i, e);
			return OD_OK;
		}
	}
	if (json_array_size(arr) >= PEOPLE_MAX ||
	    json_array_append_new(arr, e) != 0)
		return od_err_set(err, OD_E_USAGE, "too many key bundles wait "
				  "to be sent; sync first");
	return OD_OK;
}

enum od_code people_outbox_add(struct store *s, const struct keyslot_file *kf,
			       const char *user, const struct sigkey *k,
			       struct od_err *err)
{
	char sig[PEOPLE_SIG_B64], *text = NULL, *dump = NULL;
	long long now = people_now_ms(), last = 0;
	json_t *arr = NULL;
	enum od_code rc;

	rc = people_bundle_time(s, user, &last, err);
	/* Strictly newer than any bundle of theirs seen, clocks aside. */
	if (now <= last)
		now = last + 1;
	if (rc == OD_OK)
		rc = people_bundle_make(kf, user, k, now, &text, sig, err);
	if (rc == OD_OK)
		rc = people_outbox_read(s, &arr, err);
	if (rc == OD_OK)
		rc = queue_bundle(arr, user, text, sig, err);
	if (rc == OD_OK && (dump = json_dumps(arr, JSON_COMPACT)) == NULL)
		rc = od_err_set(err, OD_E_NOMEM, "out of memory");
	if (rc == OD_OK)
		rc = store_meta_set(s, META_OUTBOX, dump, err);
	if (rc == OD_OK)
		rc = people_bundle_time_set(s, user, now, err);
	if (rc == OD_OK) {
		uint8_t pub[SIGKEY_PUB_LEN];
		char fp[SIGKEY_FP_LEN + 1];

		sigkey_public(k, pub);
		rc = sigkey_fingerprint(pub, fp, err);
		if (rc == OD_OK)
			rc = set_slot_key(s, user, fp, err);
	}
	free(dump);
	free(text);
	json_decref(arr);
	return rc;
}

enum od_code people_outbox_restore(struct shop *sh, struct od_err *err)
{
	const char *text, *sig;
	struct people_bundle pb;
	struct user_record u;
	struct od_err skip;
	json_t *arr = NULL;
	enum od_code rc;
	size_t i;

	rc = store_user_get(sh->store, sh->user, &u, err);
	if (rc == OD_OK)
		rc = people_outbox_read(sh->store, &arr, err);
	for (i = 0; rc == OD_OK && i < json_array_size(arr); i++) {
		if (people_entry_read(json_array_get(arr, i), &text, &sig, &pb,
				      &skip) != OD_OK ||
		    strcmp(pb.user, sh->user) != 0 ||
		    people_bundle_verify(text, sig, u.pubkey, &skip) != OD_OK)
			continue;
		rc = keyslot_bundle_import(sh->slots, pb.slot, sh->data_key,
					   err);
		if (rc == OD_OK)
			rc = keyslot_save(sh->slots, sh->data_key, err);
		json_decref(arr);
		return rc;
	}
	json_decref(arr);
	return rc == OD_OK ? OD_E_NOTFOUND : rc;
}
