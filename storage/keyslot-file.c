/*
 * keyslot-file.c - the key slots file on disk (its format is at the top of
 * keyslot.c): parsed strictly, so an edited file is refused rather than
 * half-read, and saved atomically with mode 0600.
 */
#include "storage/keyslot-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/encode.h"
#include "lib/file.h"

#define ARRAY_LEN(a)   (sizeof (a) / sizeof (a)[0])

/* Appends be32(v). */
static enum od_code add_be32(struct buf *b, uint32_t v, struct od_err *err)
{
	uint8_t p[4];

	ks_put_be32(p, v);
	return buf_add(b, p, sizeof p, err);
}

/* Appends be32(n) || p[0..n). */
static enum od_code add_field(struct buf *b, const void *p, size_t n,
			      struct od_err *err)
{
	enum od_code code = add_be32(b, (uint32_t)n, err);

	if (code != OD_OK)
		return code;
	return buf_add(b, p, n, err);
}

/* Builds the canonical byte string of the slots (see the top comment). */
static enum od_code canon_build(const struct slot *slots, size_t n,
				struct buf *out, struct od_err *err)
{
	enum od_code code;
	size_t i;

	buf_reset(out);
	code = add_field(out, KS_FORMAT, strlen(KS_FORMAT), err);
	if (code == OD_OK)
		code = add_be32(out, (uint32_t)n, err);
	for (i = 0; i < n && code == OD_OK; i++) {
		const struct slot *s = &slots[i];

		code = add_field(out, s->user, strlen(s->user), err);
		if (code == OD_OK)
			code = add_field(out, KS_KDF_ALG, strlen(KS_KDF_ALG),
					 err);
		if (code == OD_OK)
			code = add_be32(out, s->kdf.t_cost, err);
		if (code == OD_OK)
			code = add_be32(out, s->kdf.m_cost_kib, err);
		if (code == OD_OK)
			code = add_be32(out, s->kdf.lanes, err);
		if (code == OD_OK)
			code = add_field(out, s->salt, sizeof s->salt, err);
		if (code == OD_OK)
			code = add_field(out, s->sealed, sizeof s->sealed, err);
		if (code == OD_OK)
			code = add_field(out, s->seal_pub, sizeof s->seal_pub,
					 err);
		if (code == OD_OK)
			code = add_field(out, s->wrapped, sizeof s->wrapped,
					 err);
	}
	return code;
}

/* Fails the load: the file does not have the shape we write. */
static enum od_code damaged(const struct keyslot_file *kf, const char *why,
			    struct od_err *err)
{
	return od_err_set(err, OD_E_TAMPERED,
			  "key file %s is damaged (%s); restore it from a "
			  "backup", kf->path, why);
}

/* 1 if obj is an object with exactly the n keys named. */
static int has_exact_keys(const json_t *obj, const char *const *keys,
			  size_t n)
{
	size_t i;

	if (!json_is_object(obj) || json_object_size(obj) != n)
		return 0;
	for (i = 0; i < n; i++) {
		if (json_object_get(obj, keys[i]) == NULL)
			return 0;
	}
	return 1;
}

/* Reads obj[key] as canonical base64 of exactly n bytes. */
static int get_b64(const json_t *obj, const char *key, uint8_t *out, size_t n)
{
	const json_t *v = json_object_get(obj, key);
	struct od_err ignored;
	size_t got;

	if (!json_is_string(v))
		return 0;
	if (b64_decode(key, json_string_value(v), json_string_length(v), out,
		       n, &got, &ignored) != OD_OK)
		return 0;
	return got == n;
}

/* Reads obj[key] as an integer in 0..UINT32_MAX. */
static int get_u32(const json_t *obj, const char *key, uint32_t *out)
{
	const json_t *v = json_object_get(obj, key);
	json_int_t i;

	if (!json_is_integer(v))
		return 0;
	i = json_integer_value(v);
	if (i < 0 || i > (json_int_t)UINT32_MAX)
		return 0;
	*out = (uint32_t)i;
	return 1;
}

/* Parses one slot object into s. */
static enum od_code parse_slot(const struct keyslot_file *kf,
			       const json_t *js, struct slot *s,
			       struct od_err *err)
{
	static const char *const slot_keys[] = {
		"user", "kdf", "salt", "sealed", "seal_pub", "wrapped" };
	static const char *const kdf_keys[] = { "alg", "t", "m", "p" };
	const json_t *user, *kdf, *alg;

	if (!has_exact_keys(js, slot_keys, ARRAY_LEN(slot_keys)))
		return damaged(kf, "a slot has the wrong fields", err);
	user = json_object_get(js, "user");
	if (!json_is_string(user) ||
	    json_string_length(user) != strlen(json_string_value(user)) ||
	    !ks_name_valid(json_string_value(user)))
		return damaged(kf, "a slot has an invalid user name", err);
	memcpy(s->user, json_string_value(user), json_string_length(user) + 1);

	kdf = json_object_get(js, "kdf");
	if (!has_exact_keys(kdf, kdf_keys, ARRAY_LEN(kdf_keys)))
		return damaged(kf, "a slot's kdf has the wrong fields", err);
	alg = json_object_get(kdf, "alg");
	if (!json_is_string(alg) ||
	    strcmp(json_string_value(alg), KS_KDF_ALG) != 0 ||
	    json_string_length(alg) != strlen(KS_KDF_ALG))
		return damaged(kf, "a slot names an unknown kdf", err);
	if (!get_u32(kdf, "t", &s->kdf.t_cost) ||
	    !get_u32(kdf, "m", &s->kdf.m_cost_kib) ||
	    !get_u32(kdf, "p", &s->kdf.lanes))
		return damaged(kf, "a slot's kdf costs are not numbers", err);
	if (!ks_kdf_safe(&s->kdf))
		return od_err_set(err, OD_E_TAMPERED,
				  "key file %s has unsafe parameters for %s "
				  "(Argon2id t=%u, m=%u KiB, p=%u); restore it "
				  "from a backup", kf->path, s->user,
				  (unsigned)s->kdf.t_cost,
				  (unsigned)s->kdf.m_cost_kib,
				  (unsigned)s->kdf.lanes);
	if (!get_b64(js, "salt", s->salt, sizeof s->salt) ||
	    !get_b64(js, "sealed", s->sealed, sizeof s->sealed) ||
	    !get_b64(js, "seal_pub", s->seal_pub, sizeof s->seal_pub) ||
	    !get_b64(js, "wrapped", s->wrapped, sizeof s->wrapped))
		return damaged(kf, "a slot has a malformed key field", err);
	return OD_OK;
}

/* Fills kf from the parsed document. */
static enum od_code parse_root(struct keyslot_file *kf, const json_t *root,
			       struct od_err *err)
{
	static const char *const root_keys[] = { "format", "slots", "mac" };
	const json_t *format, *slots;
	enum od_code code;
	size_t i, n;

	if (!has_exact_keys(root, root_keys, ARRAY_LEN(root_keys)))
		return damaged(kf, "wrong top-level fields", err);
	format = json_object_get(root, "format");
	if (!json_is_string(format) ||
	    json_string_length(format) != strlen(KS_FORMAT) ||
	    strcmp(json_string_value(format), KS_FORMAT) != 0)
		return damaged(kf, "not an orderdesk-keyslots/1 file", err);
	slots = json_object_get(root, "slots");
	if (!json_is_array(slots))
		return damaged(kf, "slots is not a list", err);
	n = json_array_size(slots);
	if (n > KS_SLOTS_MAX)
		return damaged(kf, "too many slots", err);
	for (i = 0; i < n; i++) {
		code = ks_grow(kf, err);
		if (code != OD_OK)
			return code;
		code = parse_slot(kf, json_array_get(slots, i),
				  &kf->slots[kf->n], err);
		if (code != OD_OK)
			return code;
		if (ks_slot_find(kf, kf->slots[kf->n].user) != NULL)
			return damaged(kf, "a user has two slots", err);
		kf->n++;
	}
	if (!get_b64(root, "mac", kf->base_mac, sizeof kf->base_mac))
		return damaged(kf, "the mac is malformed", err);
	return OD_OK;
}

/* Reads the whole file at path into b (capped at KS_FILE_MAX). */
static enum od_code read_file(const struct keyslot_file *kf, struct buf *b,
			      struct od_err *err)
{
	struct stat st;
	enum od_code code;

	/* Said as the key file's own trouble (file_read_capped also refuses
	 * it, should it change in between). */
	if (stat(kf->path, &st) == 0 && !S_ISREG(st.st_mode))
		return damaged(kf, "not a regular file", err);
	code = file_read_capped(kf->path, KS_FILE_MAX, 0, b, err);
	if (code == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND, "no key file at %s",
				  kf->path);
	if (code == OD_E_INPUT)
		return damaged(kf, "larger than 1 MiB", err);
	return code;
}

enum od_code keyslot_load(const char *path, struct keyslot_file **out,
			  struct od_err *err)
{
	struct keyslot_file *kf = NULL;
	struct buf text;
	json_t *root = NULL;
	json_error_t jerr;
	enum od_code code;
	char why[64];

	*out = NULL;
	buf_init(&text, KS_FILE_MAX);
	code = ks_alloc(path, &kf, err);
	if (code != OD_OK)
		goto out;
	code = read_file(kf, &text, err);
	if (code != OD_OK)
		goto out;
	/* Line and column only: jansson's text may quote the file. */
	root = json_loadb(text.data ? text.data : "", text.len,
			  JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(why, sizeof why, "not valid JSON at line %d, column %d",
			 jerr.line, jerr.column);
		code = damaged(kf, why, err);
		goto out;
	}
	code = parse_root(kf, root, err);
	if (code != OD_OK)
		goto out;
	code = canon_build(kf->slots, kf->n, &kf->base, err);
	if (code != OD_OK)
		goto out;
	kf->on_disk = 1;
	kf->dirty = 0;
	*out = kf;
	kf = NULL;
out:
	json_decref(root);
	buf_free(&text);
	keyslot_free(kf);
	return code;
}

/* Adds obj[key] = base64 of n bytes; returns 0 on success. */
static int set_b64(json_t *obj, const char *key, const uint8_t *p, size_t n)
{
	char text[KS_B64_MAX];

	if (b64_encoded_len(n) + 1 > sizeof text)
		return -1;
	b64_encode(p, n, text);
	return json_object_set_new(obj, key, json_string(text));
}

/* Builds the JSON document for the slots and mac. */
static json_t *doc_build(const struct keyslot_file *kf,
			 const uint8_t mac[KS_MAC_LEN])
{
	json_t *root = json_object(), *slots = json_array(), *js, *kdf;
	const struct slot *s;
	int bad = root == NULL || slots == NULL;
	size_t i;

	if (!bad)
		bad = json_object_set_new(root, "format",
					  json_string(KS_FORMAT)) != 0;
	if (!bad)
		bad = json_object_set(root, "slots", slots) != 0;
	for (i = 0; i < kf->n && !bad; i++) {
		s = &kf->slots[i];
		/* The _new setters take the reference even when they fail. */
		js = json_object();
		bad = json_array_append_new(slots, js) != 0;
		if (bad)
			break;
		kdf = json_pack("{s:s, s:I, s:I, s:I}", "alg", KS_KDF_ALG,
				"t", (json_int_t)s->kdf.t_cost,
				"m", (json_int_t)s->kdf.m_cost_kib,
				"p", (json_int_t)s->kdf.lanes);
		bad = json_object_set_new(js, "user",
					  json_string(s->user)) != 0 ||
		      json_object_set_new(js, "kdf", kdf) != 0 ||
		      set_b64(js, "salt", s->salt, sizeof s->salt) != 0 ||
		      set_b64(js, "sealed", s->sealed, sizeof s->sealed) != 0 ||
		      set_b64(js, "seal_pub", s->seal_pub,
			      sizeof s->seal_pub) != 0 ||
		      set_b64(js, "wrapped", s->wrapped,
			      sizeof s->wrapped) != 0;
	}
	if (!bad)
		bad = set_b64(root, "mac", mac, KS_MAC_LEN) != 0;
	json_decref(slots);
	if (bad) {
		json_decref(root);
		return NULL;
	}
	return root;
}

enum od_code keyslot_save(struct keyslot_file *kf,
			  const uint8_t data_key[KEYSLOT_KEY_LEN],
			  struct od_err *err)
{
	struct buf canon;
	uint8_t mac[KS_MAC_LEN];
	json_t *root = NULL;
	char *text = NULL;
	size_t len;
	int replaced;
	enum od_code code;

	buf_init(&canon, KS_CANON_MAX);
	code = ks_data_key_verify(kf, data_key, err);
	if (code != OD_OK)
		goto out;
	code = canon_build(kf->slots, kf->n, &canon, err);
	if (code == OD_OK)
		code = ks_mac_compute(data_key, canon.data, canon.len, mac, err);
	if (code != OD_OK)
		goto out;
	root = doc_build(kf, mac);
	if (root != NULL)
		text = json_dumps(root, JSON_INDENT(2));
	if (text == NULL) {
		code = od_err_set(err, OD_E_NOMEM, "out of memory");
		goto out;
	}
	len = strlen(text);
	/* json_dumps leaves no final newline; a text file wants one. */
	text[len] = '\n';
	code = file_replace(kf->path, text, len + 1, &replaced, err);
	if (!replaced)
		goto out;
	/* The file now holds these slots, even if the sync failed. */
	buf_free(&kf->base);
	kf->base = canon;
	buf_init(&canon, KS_CANON_MAX);
	memcpy(kf->base_mac, mac, sizeof mac);
	kf->on_disk = 1;
	kf->dirty = 0;
out:
	free(text);
	json_decref(root);
	buf_free(&canon);
	return code;
}
