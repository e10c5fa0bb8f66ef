/*
 * backend-keyfile.h - the one reader of backend.key's text:
 *   "orderdeskd-key/1\ndata: HEX\nsign: HEX\n"
 * (the store's data key and the head key's seed).  serve, backup, restore
 * and backup --check all read it here.
 */
#ifndef OD_BACKEND_KEYFILE_H
#define OD_BACKEND_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "app/keys/sigkey.h"
#include "lib/err.h"
#include "storage/store.h"

/* The exact length of a backend.key file. */
#define BACKEND_KEY_TEXT_LEN (16 + 7 + 64 + 7 + 64 + 1)

/*
 * Parses the text of a backend.key file into data_key and seed (either
 * may be NULL when not wanted).  0, or -1 when the text is not exactly
 * that form; nothing is kept of a failed parse, and no copy is left.
 */
int backend_key_parse(const char *text, size_t len,
		      uint8_t data_key[STORE_KEY_LEN],
		      uint8_t seed[SIGKEY_SEED_LEN]);

/*
 * Reads path (a backend.key, or a copy of one the operator names) and
 * parses it: OD_E_NOTFOUND/OD_E_IO "cannot read the key file PATH: ...",
 * OD_E_INPUT "PATH is not a backend.key file".  The bytes read are wiped.
 */
enum od_code backend_key_read(const char *path,
			      uint8_t data_key[STORE_KEY_LEN],
			      uint8_t seed[SIGKEY_SEED_LEN],
			      struct od_err *err);

#endif
