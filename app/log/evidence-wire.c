/* evidence-wire.c - an evidence file on the wire (evidence-wire.h). */
#include "app/log/evidence-wire.h"

#include <stdlib.h>
#include <string.h>

#include "lib/encode.h"

/* A media type and the bytes that start such a file. */
struct magic {
	size_t at;
	const char *bytes;
	size_t len;
	const char *type;
};

static const struct magic magics[] = {
	{ 0, "%PDF-", 5, "application/pdf" },
	{ 0, "\xff\xd8\xff", 3, "image/jpeg" },
	{ 0, "\x89PNG\r\n\x1a\n", 8, "image/png" },
	{ 0, "GIF8", 4, "image/gif" },
	{ 8, "WEBP", 4, "image/webp" },
	{ 4, "ftypheic", 8, "image/heic" },
	{ 4, "ftypmif1", 8, "image/heif" },
};

const char *evidence_sniff(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (n >= magics[i].at + magics[i].len &&
		    memcmp(b + magics[i].at, magics[i].bytes,
			   magics[i].len) == 0)
			return magics[i].type;
	return "application/octet-stream";
}

char *evidence_wire_encode(const char *hash, const void *p, size_t n)
{
	char *b64 = malloc(b64_encoded_len(n) + 1), *text = NULL;
	json_t *o;

	if (b64 == NULL)
		return NULL;
	b64_encode(p, n, b64);
	o = json_pack("{s:s, s:s}", "hash", hash, "data", b64);
	free(b64);
	if (o != NULL)
		text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

enum od_code evidence_wire_decode(json_t *o, const char *expect,
				  struct evidence_blob *out,
				  struct od_err *err)
{
	const char *hash = json_string_value(json_object_get(o, "hash"));
	json_t *d = json_object_get(o, "data");
	char got[STORE_EVIDENCE_HASH_LEN + 1];
	enum od_code rc;

	memset(out, 0, sizeof *out);
	if (!store_evidence_hash_ok(hash) || !json_is_string(d) ||
	    (expect != NULL && strcmp(hash, expect) != 0))
		return od_err_set(err, OD_E_INPUT, "an evidence file is sent "
				  "as {\"hash\": \"sha256:HEX\", \"data\": "
				  "BASE64}%s", expect ? " of the hash asked "
				  "for" : "");
	if (json_string_length(d) > EVIDENCE_WIRE_MAX)
		return od_err_set(err, OD_E_INPUT, "an evidence file is at "
				  "most 10 MiB");
	out->data = malloc(STORE_EVIDENCE_MAX);
	if (out->data == NULL)
		return od_err_set(err, OD_E_NOMEM, "out of memory");
	rc = b64_decode("evidence data", json_string_value(d),
			json_string_length(d), out->data, STORE_EVIDENCE_MAX,
			&out->len, err);
	if (rc == OD_OK && out->len == 0)
		rc = od_err_set(err, OD_E_INPUT, "an evidence file is not "
				"empty");
	if (rc == OD_OK) {
		store_evidence_hash(out->data, out->len, got);
		if (strcmp(got, hash) != 0)
			rc = od_err_set(err, OD_E_TAMPERED, "evidence %s: the "
					"bytes sent do not hash to it; "
					"refused", hash);
	}
	if (rc == OD_OK)
		memcpy(out->hash, hash, sizeof out->hash);
	else
		evidence_blob_free(out);
	return rc;
}

void evidence_blob_free(struct evidence_blob *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}
