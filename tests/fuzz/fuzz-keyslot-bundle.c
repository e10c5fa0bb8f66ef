/*
 * fuzz-keyslot-bundle.c - libFuzzer target for a person's key bundle as a
 * desk reads it (storage/keyslot.c: keyslot_bundle_parse, and
 * keyslot_bundle_import into a key file held in memory).
 *
 * Bundles come from the backend, signed by their person, but the parser
 * runs on what the person's desk wrote.  A bundle is taken only in exactly
 * the form keyslot_bundle_export writes: exporting the slot it made gives
 * back the same bytes, and taking it again changes nothing.  A refusal is
 * OD_E_INPUT with a message, and leaves the key file as it was.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "storage/keyslot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t data_key[KEYSLOT_KEY_LEN] = { 0x42, 0x17 };
	char user[KEYSLOT_NAME_MAX + 1], *text;
	struct keyslot_file *kf = NULL;
	struct od_err err;
	struct buf b;
	size_t n;

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (keyslot_bundle_parse(text, user, &err) != OD_OK) {
		if (err.code != OD_E_INPUT || user[0] != '\0')
			abort();
		goto out;
	}
	n = strlen(user);
	if (n == 0 || strncmp(text, "user: ", 6) != 0 ||
	    strncmp(text + 6, user, n) != 0 || text[6 + n] != '\n')
		abort();
	/* Never saved: the path is only a name. */
	if (keyslot_new("/nonexistent/fuzz-keyslots", &kf, &err) != OD_OK)
		abort();
	if (keyslot_bundle_import(kf, text, data_key, &err) != OD_OK) {
		if (err.code != OD_E_INPUT || err.msg[0] == '\0' ||
		    keyslot_count(kf) != 0)
			abort();
		goto out;
	}
	if (keyslot_count(kf) != 1 || !keyslot_has(kf, user))
		abort();
	buf_init(&b, 4096);
	if (keyslot_bundle_export(kf, user, &b, &err) != OD_OK ||
	    b.len != strlen(text) || memcmp(b.data, text, b.len) != 0)
		abort();
	buf_free(&b);
	if (keyslot_bundle_import(kf, text, data_key, &err) != OD_OK ||
	    keyslot_count(kf) != 1)
		abort();
out:
	keyslot_free(kf);
	free(text);
	return 0;
}
