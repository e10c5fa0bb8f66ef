/*
 * keyslot-bundle.c - a person's key bundle: their slot without the wrapped
 * data key, as sync carries it between desks ("user:", "kdf:", "salt:",
 * "sealed:", "seal_pub:" lines).  Importing one wraps this store's data key
 * to the bundle's public key, so the person can unlock here too.
 */
#include "storage/keyslot-internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/encode.h"

/* Appends "name: base64(p)\n" to out. */
static enum od_code bundle_line(struct buf *out, const char *name,
				const uint8_t *p, size_t n,
				struct od_err *err)
{
	char b64[KS_B64_MAX];

	b64_encode(p, n, b64);
	return buf_addf(out, err, "%s: %s\n", name, b64);
}

enum od_code keyslot_bundle_export(const struct keyslot_file *kf,
				   const char *user, struct buf *out,
				   struct od_err *err)
{
	const struct slot *s = ks_slot_find(kf, user);
	enum od_code code;

	if (s == NULL)
		return od_err_set(err, OD_E_NOTFOUND,
				  "no key slot for %s on this desk", user);
	code = buf_addf(out, err, "user: %s\nkdf: %s %u %u %u\n", s->user,
			KS_KDF_ALG, (unsigned)s->kdf.t_cost,
			(unsigned)s->kdf.m_cost_kib, (unsigned)s->kdf.lanes);
	if (code == OD_OK)
		code = bundle_line(out, "salt", s->salt, KS_SALT_LEN, err);
	if (code == OD_OK)
		code = bundle_line(out, "sealed", s->sealed, KS_SEALED_LEN, err);
	if (code == OD_OK)
		code = bundle_line(out, "seal_pub", s->seal_pub, KS_X_LEN, err);
	return code;
}

/* Reads "name: base64\n" of exactly n bytes at *p, moving *p past it. */
static int bundle_field(const char **p, const char *name, uint8_t *out,
			size_t n)
{
	size_t len = strlen(name);
	const char *end;
	struct od_err ignore;
	size_t got = 0;

	if (strncmp(*p, name, len) != 0 || (*p)[len] != ':' ||
	    (*p)[len + 1] != ' ')
		return 0;
	*p += len + 2;
	end = strchr(*p, '\n');
	if (end == NULL || b64_decode(name, *p, (size_t)(end - *p), out, n,
				      &got, &ignore) != OD_OK || got != n)
		return 0;
	*p = end + 1;
	return 1;
}

/*
 * Reads a canonical decimal that fits 32 bits at *p (no sign, no space,
 * no leading zero), moving *p past it; 0 if there is none.
 */
static int bundle_number(const char **p, uint32_t *v)
{
	const char *s = *p;
	uint64_t n = 0;
	int i;

	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		n = n * 10 + (uint64_t)(s[i] - '0');
		if (n > UINT32_MAX)
			return 0;
	}
	if (i == 0 || (i > 1 && s[0] == '0'))
		return 0;
	*v = (uint32_t)n;
	*p = s + i;
	return 1;
}

enum od_code keyslot_bundle_parse(const char *text, char user[KEYSLOT_NAME_MAX + 1],
				  struct od_err *err)
{
	const char *nl;
	size_t n;

	user[0] = '\0';
	if (strncmp(text, "user: ", 6) != 0 || (nl = strchr(text, '\n')) ==
	    NULL || (n = (size_t)(nl - text - 6)) == 0 ||
	    n > KEYSLOT_NAME_MAX)
		return od_err_set(err, OD_E_INPUT, "a person's key bundle "
				  "does not start with their name");
	memcpy(user, text + 6, n);
	user[n] = '\0';
	if (!ks_name_valid(user)) {
		user[0] = '\0';
		return od_err_set(err, OD_E_INPUT, "a person's key bundle "
				  "names no valid user");
	}
	return OD_OK;
}

enum od_code keyslot_bundle_import(struct keyslot_file *kf, const char *text,
				   const uint8_t data_key[KEYSLOT_KEY_LEN],
				   struct od_err *err)
{
	const char *p;
	struct slot s, *old;
	enum od_code code;

	memset(&s, 0, sizeof s);
	code = keyslot_bundle_parse(text, s.user, err);
	if (code != OD_OK)
		return code;
	p = strchr(text, '\n') + 1;
	/* Exactly as keyslot_bundle_export writes it: sscanf would take
	 * signs ("-4294967293" is 3), spaces and leading zeros. */
	if (strncmp(p, "kdf: " KS_KDF_ALG " ", sizeof "kdf: " KS_KDF_ALG) != 0)
		goto bad;
	p += sizeof "kdf: " KS_KDF_ALG;
	if (!bundle_number(&p, &s.kdf.t_cost) || *p++ != ' ' ||
	    !bundle_number(&p, &s.kdf.m_cost_kib) || *p++ != ' ' ||
	    !bundle_number(&p, &s.kdf.lanes) || *p++ != '\n')
		goto bad;
	if (!ks_kdf_safe(&s.kdf) ||
	    !bundle_field(&p, "salt", s.salt, KS_SALT_LEN) ||
	    !bundle_field(&p, "sealed", s.sealed, KS_SEALED_LEN) ||
	    !bundle_field(&p, "seal_pub", s.seal_pub, KS_X_LEN) || *p != '\0')
		goto bad;
	code = ks_data_key_verify(kf, data_key, err);
	if (code == OD_OK)
		code = ks_slot_wrap(&s, data_key, s.wrapped, err);
	if (code != OD_OK)
		return code;
	old = ks_slot_find(kf, s.user);
	if (old != NULL) {
		if (memcmp(old->sealed, s.sealed, KS_SEALED_LEN) == 0 &&
		    memcmp(old->seal_pub, s.seal_pub, KS_X_LEN) == 0)
			return OD_OK;   /* the same keys: keep the slot */
		*old = s;
	} else {
		if (kf->n >= KS_SLOTS_MAX)
			return od_err_set(err, OD_E_USAGE, "the key file is "
					  "full (%d users)", KS_SLOTS_MAX);
		code = ks_grow(kf, err);
		if (code != OD_OK)
			return code;
		kf->slots[kf->n++] = s;
	}
	kf->dirty = 1;
	return OD_OK;
bad:
	return od_err_set(err, OD_E_INPUT, "the key bundle for %s is not in "
			  "the expected form (or its Argon2id cost is below "
			  "the floor)", s.user);
}
