/*
 * evidence-wire.h - an evidence file as desks and the backend send it:
 * {"hash": "sha256:HEX", "data": BASE64}, posted to EVIDENCE_WIRE_PATH
 * and fetched from EVIDENCE_WIRE_PATH/sha256:HEX.  The receiver checks the
 * bytes against the hash it asked for (or was given) and sniffs their
 * media type itself: nothing the sender says about them is trusted.
 */
#ifndef OD_EVIDENCE_WIRE_H
#define OD_EVIDENCE_WIRE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/err.h"
#include "storage/store-evidence.h"

#define EVIDENCE_WIRE_PATH "/v1/evidence"
/* The largest request or answer carrying one file: base64 and the JSON. */
#define EVIDENCE_WIRE_MAX  ((STORE_EVIDENCE_MAX + 2) / 3 * 4 + 4096)

/* One file received, its bytes checked against hash. */
struct evidence_blob {
	char hash[STORE_EVIDENCE_HASH_LEN + 1];
	uint8_t *data;          /* malloc'd; evidence_blob_free */
	size_t len;
};

/* The media type of p[0..n) by its magic bytes ("application/octet-stream"
 * when none is known).  Borrowed constant. */
const char *evidence_sniff(const void *p, size_t n);

/* The JSON text for file hash with bytes p[0..n), or NULL (out of
 * memory).  The caller frees it. */
char *evidence_wire_encode(const char *hash, const void *p, size_t n);

/*
 * Reads a file from o into *out.  Its "hash" must be well formed and, if
 * expect is not NULL, be expect; the data must be canonical base64 of 1
 * byte to 10 MiB (OD_E_INPUT otherwise) and hash to it (OD_E_TAMPERED
 * otherwise, naming the file).  *out is zeroed on failure.
 */
enum od_code evidence_wire_decode(json_t *o, const char *expect,
				  struct evidence_blob *out,
				  struct od_err *err);

/* Frees out->data; NULL data is fine. */
void evidence_blob_free(struct evidence_blob *b);

#endif
