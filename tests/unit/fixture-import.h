/*
 * fixture-import.h - what the importers' unit tests share: a reader on a
 * file of tests/unit/data and the next order it must give.
 *
 * Every helper asserts with cmocka, so it is for tests only; the test
 * program links it from $(BUILD)/libfixture.a (see the Makefile).
 */
#ifndef OD_FIXTURE_IMPORT_H
#define OD_FIXTURE_IMPORT_H

#include "app/import/import.h"

/* A reader on path read as source src; the caller closes it. */
struct import_reader *fixture_import_open(const char *path,
					  enum import_source src);

/* The next order of r, which must be there; the caller frees it. */
struct order *fixture_import_next(struct import_reader *r);

/* r must have no order left; closes it. */
void fixture_import_end(struct import_reader *r);

#endif
