/*
 * store-head-file.h - the head record's file: two sealed slots, written
 * all or nothing (storage/store-head-file.c).  For store-head.c only.
 */
#ifndef OD_STORE_HEAD_FILE_H
#define OD_STORE_HEAD_FILE_H

#include <stdint.h>

#include "lib/err.h"
#include "storage/store.h"

/*
 * What every "the store went back" message ends with: the restore that
 * works (into an empty directory: restore refuses one holding a shop), in
 * full, as the messages must fit an od_err (the file's name, not path).
 */
#define HEAD_WHAT_TO_DO "restore the latest backup with `orderdesk " \
	"--store NEW_DIR --user NAME restore FILE` and use NEW_DIR, or join " \
	"a new desk to the backend"

/* One record: which write it was, and the log's head then. */
struct head_rec {
	unsigned long long gen;
	long long seq;
	uint8_t hash[32];
};

/* The sealing key: HKDF-SHA256 of the data key with the record's label. */
enum od_code head_file_key(const uint8_t data_key[STORE_KEY_LEN],
			   uint8_t out[32], struct od_err *err);

/*
 * Makes a new record file holding (seq, hash), generation 1, and puts it
 * in place atomically.
 */
enum od_code head_file_create(const char *file, const uint8_t key[32],
			      long long seq, const uint8_t hash[32],
			      struct od_err *err);

/*
 * Reads the record in file into r: OD_E_NOTFOUND when there is none,
 * OD_E_TAMPERED when no slot authenticates.
 */
enum od_code head_file_read(const char *file, const uint8_t key[32],
			    struct head_rec *r, struct od_err *err);

/* Writes (seq, hash) over the older slot of the record in file, synced. */
enum od_code head_file_update(const char *file, const uint8_t key[32],
			      long long seq, const uint8_t hash[32],
			      struct od_err *err);

/* The file's name without its directory, for a message that must fit. */
const char *head_file_base(const char *file);

#endif
