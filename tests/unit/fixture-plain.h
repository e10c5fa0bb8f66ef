/*
 * fixture-plain.h - a store on a plain SQLite file, for tests of what does
 * not depend on the encryption (the search index, the Merkle tree): the
 * product cannot make one, so the tests open the file and hand it to
 * store_adopt.
 */
#ifndef OD_FIXTURE_PLAIN_H
#define OD_FIXTURE_PLAIN_H

#include "lib/err.h"
#include "storage/store.h"

/* Opens (create: makes, with the schema, in WAL mode) a plain store. */
enum od_code plain_store_open(const char *path, int create,
			      struct store **out, struct od_err *err);

#endif
