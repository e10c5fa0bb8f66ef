/* people.c - a person's key bundle: made, read and checked. */
#include "app/log/people.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/log/role.h"
#include "lib/buf.h"
#include "lib/encode.h"

long long people_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum od_code people_bundle_make(const struct keyslot_file *kf,
				const char *user, const struct sigkey *k,
				long long time_ms, char **text,
				char sig[PEOPLE_SIG_B64], struct od_err *err)
{
	uint8_t raw[SIGKEY_SIG_LEN];
	struct buf b;
	enum od_code rc;

	*text = NULL;
	sig[0] = '\0';
	buf_init(&b, PEOPLE_BUNDLE_MAX);
	rc = buf_addf(&b, err, "%s\ntime: %lld\n", PEOPLE_MAGIC, time_ms);
	if (rc == OD_OK)
		rc = keyslot_bundle_export(kf, user, &b, err);
	if (rc == OD_OK)
		rc = sigkey_sign(k, b.data, b.len, raw, err);
	if (rc != OD_OK) {
		buf_free(&b);
		return rc;
	}
	b64_encode(raw, sizeof raw, sig);
	*text = buf_take(&b);
	return OD_OK;
}

enum od_code people_bundle_read(const char *text, struct people_bundle *out,
				struct od_err *err)
{
	static const char head[] = PEOPLE_MAGIC "\ntime: ";
	const char *digits, *end;
	long long t;

	memset(out->user, 0, sizeof out->user);
	out->time_ms = 0;
	out->slot = NULL;
	if (strnlen(text, PEOPLE_BUNDLE_MAX + 1) > PEOPLE_BUNDLE_MAX ||
	    strncmp(text, head, sizeof head - 1) != 0)
		goto bad;
	/* Digits only, as people_bundle_make writes them: strtoll would take
	 * a sign, spaces and leading zeros, and saturate a huge time at
	 * LLONG_MAX, a bundle nothing could ever replace (and whose time + 1
	 * overflows in people_outbox_add). */
	digits = text + sizeof head - 1;
	t = 0;
	for (end = digits; *end >= '0' && *end <= '9'; end++) {
		if (end - digits == PEOPLE_TIME_DIGITS)
			goto bad;
		t = t * 10 + (*end - '0');
	}
	if (end == digits || *end != '\n' || digits[0] == '0')
		goto bad;
	if (keyslot_bundle_parse(end + 1, out->user, err) != OD_OK)
		goto bad;
	out->time_ms = t;
	out->slot = end + 1;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "a person's key bundle is not in "
			  "the expected form");
}

enum od_code people_entry_read(struct json_t *e, const char **text,
			       const char **sig, struct people_bundle *out,
			       struct od_err *err)
{
	*text = json_string_value(json_object_get(e, "bundle"));
	*sig = json_string_value(json_object_get(e, "signature"));
	memset(out, 0, sizeof *out);
	if (!json_is_object(e) || json_object_size(e) != 2 || *text == NULL ||
	    *sig == NULL) {
		*text = NULL;
		*sig = NULL;
		return od_err_set(err, OD_E_INPUT, "a person's entry is "
				  "{\"bundle\", \"signature\"}");
	}
	return people_bundle_read(*text, out, err);
}

enum od_code people_bundle_verify(const char *text, const char *sig,
				  const uint8_t pub[SIGKEY_PUB_LEN],
				  struct od_err *err)
{
	uint8_t raw[SIGKEY_SIG_LEN];
	struct sigkey_pub *p = NULL;
	size_t got = 0;
	enum od_code rc;

	if (b64_decode("a bundle's signature", sig, strlen(sig), raw,
		       sizeof raw, &got, err) != OD_OK || got != sizeof raw)
		return od_err_set(err, OD_E_TAMPERED, "a person's key bundle "
				  "has a malformed signature");
	rc = sigkey_pub_new(pub, &p, err);
	if (rc == OD_OK)
		rc = sigkey_pub_verify(p, text, strlen(text), raw, err);
	sigkey_pub_free(p);
	if (rc == OD_E_TAMPERED)
		return od_err_set(err, OD_E_TAMPERED, "a person's key bundle "
				  "is not signed by that person's key");
	return rc;
}

int people_may_hold_slot(const struct user_record *u)
{
	/* Any other role, built-in or one the owner defined, is a person's. */
	return u->active && strcmp(u->role, role_name(ROLE_STOREFRONT)) != 0;
}
