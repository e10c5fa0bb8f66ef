/*
 * fixture-desk.h - what the desk's unit tests share: a temporary shop
 * folder, an order placed in it, and a desk unlocked on it.
 *
 * Every helper asserts with cmocka, so it is for tests only; the test
 * program links it from $(BUILD)/libfixture.a (see the Makefile).
 */
#ifndef OD_FIXTURE_DESK_H
#define OD_FIXTURE_DESK_H

#include <stddef.h>

#include "app/desk/desk.h"
#include "app/log/order.h"
#include "app/shop/shop.h"

/* Makes a new folder /tmp/NAME.XXXXXX and puts its shop path, that
 * folder's "s", in dir; 0 or -1. */
int fixture_desk_dir(char *dir, size_t size, const char *name);

/* Removes the folder fixture_desk_dir made for dir; 0 or -1. */
int fixture_desk_dir_remove(char *dir);

/*
 * Fills o with the desk tests' order number: placed 2026-11-01T10:00:00Z,
 * in EUR, by Anna Müller, to 1 Main Street, Berlin, DE; no items, total 0
 * (the caller adds them).  The strings are borrowed.
 */
void fixture_desk_order(struct order *o, const char *number);

/* Signs o's order.placed in sh as its user; the shop's code. */
enum od_code fixture_desk_sign_order(struct shop *sh, const struct order *o,
				     struct od_err *err);

/* Places order number, new: 2 x TEA-1 at 4.50 EUR for Anna Müller. */
enum od_code fixture_desk_place(struct shop *sh, const char *number,
				struct od_err *err);

/* The passphrases of the people fixture_desk_shop adds. */
#define FIXTURE_DESK_OWNER_PASS "owner passphrase 1"
#define FIXTURE_DESK_MEI_PASS "mei passphrase 1"
#define FIXTURE_DESK_SAM_PASS "sam passphrase 1"

/*
 * Makes a folder as fixture_desk_dir does and in it shop title with
 * "owner", "mei" (shopkeeper), "sam" (staff) if with_sam, and orders 3001
 * and 3002 (fixture_desk_place), or the orders that orders places if not
 * NULL; 0, or -1 with the reason on stderr.
 */
int fixture_desk_shop(char *dir, size_t size, const char *name,
		      const char *title, int with_sam,
		      enum od_code (*orders)(struct shop *sh,
					     struct od_err *err));

/* A desk on dir unlocked as user (fails the test if it cannot be). */
struct desk *fixture_desk_open(const char *dir, const char *user,
			       const char *pass);

#endif
