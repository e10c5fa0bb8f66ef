/*
 * test-desk.c - the TUI's facade on a real (temporary, encrypted) shop: the
 * order index and its filters, search through the store, the details with
 * checked signatures, and acting in two steps, with the role refused by the
 * core however the desk is asked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/desk/desk-shop.h"
#include "app/log/order.h"
#include "app/shop/shop.h"
#include "storage/store.h"
#include "tests/unit/fixture-desk.h"

#define NORDERS 40
#define OWNER_PASS FIXTURE_DESK_OWNER_PASS
#define MEI_PASS FIXTURE_DESK_MEI_PASS
#define SAM_PASS FIXTURE_DESK_SAM_PASS

static char dir[64];

/* Places order i (number 2001 + i) as the owner. */
static enum od_code place(struct shop *sh, int i, struct od_err *err)
{
	static const char *const names[] = { "王小明", "Anna Müller",
					     "John Smith", "山田太郎" };
	char number[16], placed[32], sku[2][16], item_name[2][32];
	struct order_item items[2];
	struct order o;
	int k;

	snprintf(number, sizeof number, "%d", 2001 + i);
	fixture_desk_order(&o, number);
	snprintf(placed, sizeof placed, "2026-11-%02dT%02d:00:00Z",
		 1 + i / 24, i % 24);
	for (k = 0; k < 2; k++) {
		snprintf(sku[k], sizeof sku[k], "SKU-%d", i * 2 + k);
		snprintf(item_name[k], sizeof item_name[k], "Tea %d", i);
		items[k].sku = sku[k];
		items[k].name = item_name[k];
		items[k].qty = 1 + k;
		items[k].unit_price = 100;
		items[k].shipped = 0;
	}
	o.placed_at = placed;
	o.customer_name = (char *)names[i % 4];
	o.ship_name = (char *)names[i % 4];
	o.items = items;
	o.nitems = 2;
	o.total = 300;
	return fixture_desk_sign_order(sh, &o, err);
}

/* Places orders 2001 to 2000 + NORDERS. */
static enum od_code place_all(struct shop *sh, struct od_err *err)
{
	enum od_code rc = OD_OK;
	int i;

	for (i = 0; rc == OD_OK && i < NORDERS; i++)
		rc = place(sh, i, err);
	return rc;
}

/* Founds a shop with an owner, a shopkeeper, staff and NORDERS orders. */
static int setup(void **state)
{
	(void)state;
	return fixture_desk_shop(dir, sizeof dir, "test-desk", "Desk test", 1,
				 place_all);
}

static int teardown(void **state)
{
	(void)state;
	return fixture_desk_dir_remove(dir);
}

/* A desk unlocked as user. */
static struct desk *open_as(const char *user, const char *pass)
{
	return fixture_desk_open(dir, user, pass);
}

static void test_users_and_wrong_passphrase(void **state)
{
	const char *const *names;
	struct desk *d = NULL;
	struct od_err err;
	size_t n;

	(void)state;
	assert_int_equal(desk_new(dir, &d, &err), OD_OK);
	assert_int_equal(desk_users(d, &names, &n, &err), OD_OK);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "mei");
	assert_string_equal(names[1], "owner");
	assert_string_equal(names[2], "sam");
	assert_int_equal(desk_unlock(d, "mei", "not it at all", 13, &err),
			 OD_E_AUTH);
	assert_false(desk_is_unlocked(d));
	assert_string_equal(desk_user(d), "");
	assert_int_equal(desk_filter(d, -1, NULL, 0, &err), OD_E_AUTH);
	desk_free(d);
}

static void test_index_filter_and_search(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	const struct desk_row *r;
	struct od_err err;
	size_t i, n;

	(void)state;
	assert_string_equal(desk_user(d), "mei");
	assert_string_equal(desk_role_name(d), "shopkeeper");
	assert_int_equal(desk_filter(d, -1, NULL, 0, &err), OD_OK);
	assert_int_equal(desk_count(d), NORDERS);
	/* Oldest placed first, like `orderdesk list`. */
	assert_string_equal(desk_row(d, 0)->number, "2001");
	assert_string_equal(desk_row(d, NORDERS - 1)->number, "2040");
	assert_null(desk_row(d, NORDERS));
	r = desk_row(d, 1);
	assert_string_equal(r->customer, "Anna Müller");
	assert_int_equal(r->nitems, 2);
	assert_int_equal(r->total, 300);
	assert_string_equal(r->currency, "EUR");
	assert_int_equal(r->status, ORDER_NEW);
	/* Newest first reverses. */
	assert_int_equal(desk_filter(d, -1, NULL, 1, &err), OD_OK);
	assert_string_equal(desk_row(d, 0)->number, "2040");
	/* A customer name (CJK) narrows to every fourth order. */
	assert_int_equal(desk_filter(d, -1, "王小明", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), NORDERS / 4);
	for (i = 0; i < desk_count(d); i++)
		assert_string_equal(desk_row(d, i)->customer, "王小明");
	/* Case and diacritics are folded: MULLER is Müller. */
	assert_int_equal(desk_filter(d, -1, NULL, 0, &err), OD_OK);
	for (i = 0, n = 0; i < desk_count(d); i++)
		n += strcmp(desk_row(d, i)->customer, "Anna Müller") == 0;
	assert_true(n > 0);
	assert_int_equal(desk_filter(d, -1, "MULLER", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), n);
	for (i = 0; i < desk_count(d); i++)
		assert_string_equal(desk_row(d, i)->customer, "Anna Müller");
	assert_int_equal(desk_filter(d, -1, "anna müller", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), n);
	/* An SKU: the desk's search text covers the items too. */
	assert_int_equal(desk_filter(d, -1, "SKU-13", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), 1);
	assert_string_equal(desk_row(d, 0)->number, "2007");
	assert_int_equal(desk_find(d, "2007"), 0);
	assert_int_equal(desk_find(d, "2008"), (size_t)-1);
	/* Status filter over the same search, and counts per status. */
	assert_int_equal(desk_filter(d, ORDER_CONFIRMED, "SKU-13", 0, &err),
			 OD_OK);
	assert_int_equal(desk_count(d), 0);
	assert_int_equal(desk_count_status(d, ORDER_NEW), 1);
	assert_int_equal(desk_count_status(d, -1), 1);
	assert_int_equal(desk_filter(d, -1, "no such thing", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), 0);
	/* Search text is checked like any input. */
	assert_int_equal(desk_filter(d, -1, "bad\x1b[31m", 0, &err),
			 OD_E_INPUT);
	assert_int_equal(desk_filter(d, 7, NULL, 0, &err), OD_E_USAGE);
	/* Locking drops the index; unlocking again brings it back. */
	desk_lock(d);
	assert_false(desk_is_unlocked(d));
	assert_int_equal(desk_count(d), 0);
	assert_null(desk_row(d, 0));
	assert_int_equal(desk_unlock(d, "mei", MEI_PASS, strlen(MEI_PASS),
				     &err), OD_OK);
	assert_int_equal(desk_filter(d, -1, NULL, 0, &err), OD_OK);
	assert_int_equal(desk_count(d), NORDERS);
	desk_free(d);
}

/* Counts the orders the store's own (SQL) search finds. */
static enum od_code count_order(void *ctx, const struct order *o,
				struct od_err *err)
{
	(void)o;
	(void)err;
	(*(size_t *)ctx)++;
	return OD_OK;
}

/*
 * The desk searches in memory; it must find exactly what the store's search
 * (`orderdesk list --search`) finds: the same fields, ASCII case ignored,
 * other characters exact, and narrowing as keys are typed or erased.
 */
static void test_search_matches_store(void **state)
{
	static const char *const words[] = {
		"2", "20", "201", "2017", "sku", "SKU-1", "sku-13", "Sku-7",
		"tea", "TEA 3", "Tea 39", "berlin", "BERLIN", "王", "王小",
		"Müller", "MÜLLER", "müller", "John", "smith", "山田太郎",
		"Main Street", "EUR", "\nSKU", "%", "_", "Tea_3", "Tea%3",
		"2026-11", "no such thing",
	};
	struct desk *d = open_as("owner", OWNER_PASS);
	struct shop *sh = NULL;
	struct store_filter f = { -1, NULL };
	struct od_err err;
	size_t i, want;

	(void)state;
	/* Read ahead as the screens do when idle (test_index_filter_and_search
	 * covers the first search reading it). */
	assert_int_equal(desk_search_ready(d, &err), OD_OK);
	assert_int_equal(shop_unlock(dir, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), SHOP_READ, &sh,
				     &err), OD_OK);
	for (i = 0; i < sizeof words / sizeof *words; i++) {
		want = 0;
		f.search = words[i];
		assert_int_equal(store_order_each(sh->store, &f, count_order,
						  &want, &err), OD_OK);
		if (desk_filter(d, -1, words[i], 0, &err) != OD_OK) {
			/* Refused as input, like a newline: not searched. */
			assert_int_equal(err.code, OD_E_INPUT);
			continue;
		}
		if (desk_count(d) != want)
			fail_msg("search %zu: desk %zu, store %zu", i,
				 desk_count(d), want);
	}
	/* A few words must find something, or the table tests nothing. */
	assert_int_equal(desk_filter(d, -1, "sku-1", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), 6);    /* SKU-1, SKU-10..19 */
	assert_int_equal(desk_filter(d, -1, "Tea 3", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), 11);   /* Tea 3, Tea 30..39 */
	shop_close(sh);
	desk_free(d);
}

static void test_confirm_shows_then_signs(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	struct desk_act *act = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;
	long long seq = 0;
	const char *text;
	size_t before;

	(void)state;
	assert_int_equal(desk_filter(d, ORDER_NEW, NULL, 0, &err), OD_OK);
	before = desk_count(d);
	assert_true(desk_may(d, STMT_ORDER_CONFIRM));
	assert_int_equal(desk_prepare(d, STMT_ORDER_CONFIRM, "2001", NULL,
				      NULL, NULL, &act, &err), OD_OK);
	text = desk_act_text(act);
	assert_non_null(strstr(text, "kind: order.confirm\norder: 2001\n"
			       "actor: mei\n"));
	assert_non_null(strstr(text, "\nprev: "));
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	assert_true(seq > 0);
	/* The index follows: 2001 left the New tab. */
	assert_int_equal(desk_count(d), before - 1);
	assert_int_equal(desk_find(d, "2001"), (size_t)-1);
	assert_int_equal(desk_count_status(d, ORDER_CONFIRMED), 1);
	/* Signing the same statement again is a replay: refused. */
	assert_int_not_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	desk_act_free(act);
	/* The history has it, signed by mei, signature checked. */
	assert_int_equal(desk_detail(d, "2001", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_CONFIRMED);
	assert_int_equal(dd->nevents, 2);
	assert_string_equal(dd->events[0].kind, "order.placed");
	assert_string_equal(dd->events[1].kind, "order.confirm");
	assert_string_equal(dd->events[1].actor, "mei");
	assert_string_equal(dd->events[1].role, "shopkeeper");
	assert_true(dd->events[0].sig_ok);
	assert_true(dd->events[1].sig_ok);
	desk_detail_free(dd);
	assert_int_equal(desk_detail(d, "9999", &dd, &err), OD_E_NOTFOUND);
	assert_null(dd);
	desk_free(d);
}

static void test_cancel_and_note_need_text(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	struct desk_act *act = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;
	long long seq;

	(void)state;
	assert_int_equal(desk_prepare(d, STMT_ORDER_CANCEL, "2002", "", NULL,
				      NULL, &act, &err), OD_E_INPUT);
	assert_null(act);
	assert_int_equal(desk_prepare(d, STMT_ORDER_NOTE, "2002", NULL, NULL,
				      NULL, &act, &err), OD_E_INPUT);
	assert_int_equal(desk_prepare(d, STMT_ORDER_NOTE, "2002", "bad\ttab",
				      NULL, NULL, &act, &err), OD_E_INPUT);
	assert_int_equal(desk_prepare(d, STMT_ORDER_CANCEL, "20 02", "why",
				      NULL, NULL, &act, &err), OD_E_INPUT);
	assert_int_equal(desk_prepare(d, STMT_USER_REVOKE, "2002", NULL, NULL,
				      NULL, &act, &err), OD_E_USAGE);
	assert_int_equal(desk_prepare(d, STMT_ORDER_CANCEL, "2002",
				      "customer asked 顧客", NULL, NULL, &act,
				      &err), OD_OK);
	assert_non_null(strstr(desk_act_text(act),
			       "\nreason: customer asked 顧客\n"));
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	desk_act_free(act);
	assert_int_equal(desk_prepare(d, STMT_ORDER_NOTE, "2002", "called",
				      NULL, NULL, &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	desk_act_free(act);
	assert_int_equal(desk_detail(d, "2002", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_CANCELLED);
	assert_string_equal(dd->events[1].detail, "customer asked 顧客");
	assert_int_equal(dd->nnotes, 1);
	assert_string_equal(dd->notes[0].text, "called");
	assert_string_equal(dd->notes[0].actor, "mei");
	desk_detail_free(dd);
	desk_free(d);
}

static void test_staff_refused_by_core(void **state)
{
	struct desk *d = open_as("sam", SAM_PASS);
	struct desk_act *act = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;
	long long seq = 7;

	(void)state;
	assert_string_equal(desk_role_name(d), "staff");
	assert_false(desk_may(d, STMT_ORDER_CONFIRM));
	assert_false(desk_may(d, STMT_ORDER_CANCEL));
	assert_true(desk_may(d, STMT_SHIPMENT_CONFIRM));
	assert_true(desk_may(d, STMT_ORDER_NOTE));
	/* Asked anyway, the desk prepares it and the core refuses it. */
	assert_int_equal(desk_prepare(d, STMT_ORDER_CONFIRM, "2003", NULL,
				      NULL, NULL, &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_E_DENIED);
	assert_int_equal(seq, 0);
	assert_non_null(strstr(err.msg, "sam is staff"));
	desk_act_free(act);
	assert_int_equal(desk_detail(d, "2003", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_NEW);
	assert_int_equal(dd->nevents, 1);
	desk_detail_free(dd);
	desk_free(d);
}

static void test_ship_remembers_carrier(void **state)
{
	struct desk *d = open_as("sam", SAM_PASS);
	struct desk_act *act = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;
	long long seq;

	(void)state;
	assert_string_equal(desk_last_carrier(d), "");
	/* 2001 was confirmed by mei above; 2004 is still new. */
	assert_int_equal(desk_prepare(d, STMT_SHIPMENT_CONFIRM, "2001", NULL,
				      "SF Express", "", &act, &err),
			 OD_E_INPUT);
	assert_int_equal(desk_prepare(d, STMT_SHIPMENT_CONFIRM, "2001", NULL,
				      "SF Express", "SF1234", &act, &err),
			 OD_OK);
	assert_non_null(strstr(desk_act_text(act),
			       "carrier: SF Express\ntracking: SF1234\n"
			       "item: SKU-0 1\nitem: SKU-1 2\n"));
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	desk_act_free(act);
	assert_string_equal(desk_last_carrier(d), "SF Express");
	assert_int_equal(desk_prepare(d, STMT_SHIPMENT_CONFIRM, "2004", NULL,
				      "DHL", "JD1", &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_E_STATE);
	desk_act_free(act);
	assert_string_equal(desk_last_carrier(d), "SF Express");
	assert_int_equal(desk_detail(d, "2001", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_SHIPPED);
	assert_int_equal(dd->nshipments, 1);
	assert_string_equal(dd->shipments[0].tracking, "SF1234");
	desk_detail_free(dd);
	desk_free(d);
}

/* A statement signed elsewhere after the dialog was shown: not signed. */
static void test_log_moved_since_shown(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	struct desk *other = open_as("owner", OWNER_PASS);
	struct desk_act *act = NULL, *act2 = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;
	long long seq = 5;

	(void)state;
	assert_int_equal(desk_prepare(d, STMT_ORDER_CONFIRM, "2005", NULL,
				      NULL, NULL, &act, &err), OD_OK);
	assert_int_equal(desk_prepare(other, STMT_ORDER_NOTE, "2006", "hi",
				      NULL, NULL, &act2, &err), OD_OK);
	assert_int_equal(desk_act_sign(other, act2, &seq, &err), OD_OK);
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_E_STATE);
	assert_int_equal(seq, 0);
	desk_act_free(act);
	desk_act_free(act2);
	assert_int_equal(desk_detail(d, "2005", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_NEW);
	desk_detail_free(dd);
	desk_free(other);
	desk_free(d);
}

static void test_audit_history(void **state)
{
	struct desk *d = open_as("owner", OWNER_PASS);
	struct desk *m = open_as("mei", MEI_PASS);
	struct desk_audit *a = NULL;
	struct od_err err;
	long long n = 0;
	size_t i;

	(void)state;
	/* Only owners read the whole history. */
	assert_int_equal(desk_audit(m, NULL, &a, &err), OD_E_DENIED);
	assert_null(a);
	desk_free(m);
	assert_int_equal(desk_audit(d, NULL, &a, &err), OD_OK);
	assert_true(a->n > NORDERS + 3);
	assert_int_equal(a->scanned, (long long)a->n);
	for (i = 0; i < a->n; i++) {
		assert_true(a->entries[i].sig_ok);
		assert_true(a->entries[i].chain_ok);
		if (i > 0)
			assert_true(a->entries[i - 1].seq > a->entries[i].seq);
	}
	/* Oldest last: the genesis, then the people. */
	assert_string_equal(a->entries[a->n - 1].kind, "shop.genesis");
	assert_int_equal(a->entries[a->n - 1].seq, 1);
	assert_string_equal(a->entries[a->n - 2].kind, "user.add");
	assert_string_equal(a->entries[a->n - 2].detail, "mei");
	desk_audit_free(a);
	/* Person and kind: mei's cancellations (one, of 2002). */
	assert_int_equal(desk_audit(d, "mei order.cancel", &a, &err), OD_OK);
	assert_int_equal(a->n, 1);
	assert_string_equal(a->entries[0].order, "2002");
	assert_string_equal(a->entries[0].detail, "customer asked 顧客");
	desk_audit_free(a);
	/* An order and a kind prefix. */
	assert_int_equal(desk_audit(d, "2001 shipment", &a, &err), OD_OK);
	assert_int_equal(a->n, 1);
	assert_string_equal(a->entries[0].actor, "sam");
	assert_string_equal(a->entries[0].detail, "SF Express SF1234");
	desk_audit_free(a);
	/* Dates: everything is dated today or in November 2026. */
	assert_int_equal(desk_audit(d, "1970-01-01..1999-12-31", &a, &err),
			 OD_OK);
	assert_int_equal(a->n, 0);
	desk_audit_free(a);
	assert_int_equal(desk_audit(d, "2000-01-01..2999-12-31 sam", &a,
				    &err), OD_OK);
	assert_int_equal(a->n, 1);   /* the shipment of 2001 */
	desk_audit_free(a);
	assert_int_equal(desk_audit(d, "bad\x1b", &a, &err), OD_E_INPUT);
	assert_int_equal(desk_verify_all(d, &n, &err), OD_OK);
	assert_true(n > NORDERS);
	desk_free(d);
}

/* Whether another process could take the store's lock exclusively now. */
static int lock_is_free(void)
{
	char path[96];
	int fd, ok;

	snprintf(path, sizeof path, "%s/%s", dir, SHOP_LOCK_FILE);
	fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return ok;
}

/*
 * The desk holds the store only per operation: a writer gets in while it
 * is open, the desk sees the change on reload, and a key rotation by the
 * other side (a revoke) locks the desk with the reason instead of letting
 * it read a replaced file.  Runs last: it rotates the shop's key.
 */
/* Another command's hold on the store: the lock, let go when told to. */
struct other_hold {
	int lock_fd;
	int wake[2];   /* a byte on wake[1] lets go at once */
};

/* Lets go of the lock when told, or after 20 s (then a search that
 * waited for it would get it, and the test sees that it waited). */
static void *let_go(void *arg)
{
	struct other_hold *h = arg;
	struct pollfd p = { h->wake[0], POLLIN, 0 };

	(void)poll(&p, 1, 20000);
	flock(h->lock_fd, LOCK_UN);
	return NULL;
}

/* A search while another command holds the store answers at once. */
static void test_search_never_waits(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	struct desk *fresh = open_as("mei", MEI_PASS);
	struct other_hold h;
	struct od_err err;
	pthread_t t;
	char path[128];
	size_t n;

	(void)state;
	assert_int_equal(desk_filter(d, -1, "MULLER", 0, &err), OD_OK);
	n = desk_count(d);
	assert_true(n > 0);
	assert_int_equal(desk_filter(d, -1, NULL, 0, &err), OD_OK);
	snprintf(path, sizeof path, "%s/%s", dir, SHOP_LOCK_FILE);
	h.lock_fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(h.lock_fd >= 0);
	assert_int_equal(pipe(h.wake), 0);
	assert_int_equal(flock(h.lock_fd, LOCK_EX), 0);
	assert_int_equal(pthread_create(&t, NULL, let_go, &h), 0);
	/* Busy at once, every order still listed, the desk still open. */
	assert_int_equal(desk_filter(d, -1, "MULLER", 0, &err), OD_E_BUSY);
	assert_non_null(strstr(err.msg, "try again"));
	assert_int_equal(desk_count(d), NORDERS);
	assert_true(desk_is_unlocked(d));
	/* Reading ahead when idle waits neither, and is not given up. */
	assert_int_equal(desk_search_ready(fresh, &err), OD_OK);
	assert_int_equal(write(h.wake[1], "x", 1), 1);
	assert_int_equal(pthread_join(t, NULL), 0);
	close(h.wake[0]);
	close(h.wake[1]);
	close(h.lock_fd);
	assert_int_equal(desk_filter(d, -1, "MULLER", 0, &err), OD_OK);
	assert_int_equal(desk_count(d), n);
	assert_int_equal(desk_search_ready(fresh, &err), OD_OK);
	assert_int_equal(desk_filter(fresh, -1, "müller", 0, &err), OD_OK);
	assert_int_equal(desk_count(fresh), n);
	desk_free(fresh);
	desk_free(d);
}

static void test_lock_per_operation(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	struct shop *sh = NULL, *other = NULL;
	struct statement *st = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;
	size_t at;

	(void)state;
	assert_true(lock_is_free());
	assert_int_equal(desk_detail(d, "2040", &dd, &err), OD_OK);
	desk_detail_free(dd);
	assert_true(lock_is_free());

	/* A writer in another "process" meanwhile. */
	assert_int_equal(shop_unlock(dir, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), SHOP_WRITE, &sh,
				     &err), OD_OK);
	assert_int_equal(desk_make(sh, STMT_ORDER_CONFIRM, "2040", NULL, NULL,
				   &st, &err), OD_OK);
	assert_int_equal(shop_append(sh, &st, 1, NULL, &err), OD_OK);
	statement_free(st);
	st = NULL;
	at = desk_find(d, "2040");
	assert_true(at != (size_t)-1);
	assert_int_equal(desk_row(d, at)->status, ORDER_NEW);
	shop_close(sh);
	sh = NULL;
	assert_int_equal(desk_reload(d, &err), OD_OK);
	at = desk_find(d, "2040");
	assert_true(at != (size_t)-1);
	assert_int_equal(desk_row(d, at)->status, ORDER_CONFIRMED);

	/* A held shop rereads the key slots before it may save over them. */
	assert_int_equal(shop_unlock(dir, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), SHOP_READ, &other,
				     &err), OD_OK);
	shop_release(other);
	assert_true(other->store == NULL);
	assert_true(lock_is_free());
	assert_int_equal(shop_unlock(dir, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), SHOP_WRITE, &sh,
				     &err), OD_OK);
	assert_int_equal(shop_user_add(sh, "tmp", ROLE_STAFF, "tmp pass 1",
				       10, &err), OD_OK);
	assert_false(keyslot_has(other->slots, "tmp"));
	shop_close(sh);
	assert_int_equal(shop_hold(other, SHOP_WRITE, &err), OD_OK);
	assert_true(keyslot_has(other->slots, "tmp"));
	assert_false(lock_is_free());
	shop_release(other);

	/* A revoke elsewhere rotates the key: both notice and lock. */
	assert_int_equal(shop_unlock(dir, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), SHOP_WRITE, &sh,
				     &err), OD_OK);
	assert_int_equal(shop_user_revoke(sh, "tmp", &err), OD_OK);
	/* The revoking side goes on under its new key. */
	assert_int_equal(desk_make(sh, STMT_ORDER_NOTE, "2039", "text", "hi",
				   &st, &err), OD_OK);
	assert_int_equal(shop_append(sh, &st, 1, NULL, &err), OD_OK);
	statement_free(st);
	shop_close(sh);
	assert_int_equal(desk_detail(d, "2040", &dd, &err), OD_E_AUTH);
	assert_null(dd);
	assert_false(desk_is_unlocked(d));
	assert_non_null(strstr(desk_locked_why(d), "key was changed"));
	assert_int_equal(desk_count(d), 0);
	assert_int_equal(shop_hold(other, SHOP_READ, &err), OD_E_AUTH);
	assert_true(other->store == NULL);
	assert_true(lock_is_free());
	shop_close(other);

	/* Unlocking again reads the store under the new key. */
	assert_int_equal(desk_unlock(d, "mei", MEI_PASS, strlen(MEI_PASS),
				     &err), OD_OK);
	assert_string_equal(desk_locked_why(d), "");
	assert_int_equal(desk_detail(d, "2039", &dd, &err), OD_OK);
	assert_int_equal(dd->nnotes, 1);
	desk_detail_free(dd);
	assert_true(lock_is_free());
	desk_free(d);
}

static void test_sort_and_bulk(void **state)
{
	const char *const numbers[] = { "2020", "2002", "2021" };
	struct desk *d = open_as("mei", MEI_PASS);
	struct desk_bulk *b = NULL;
	struct desk_detail *dd = NULL;
	struct od_err err;
	long long seq, last = 0;
	size_t i;

	(void)state;
	/* Sorted by customer: byte order of the names, ties as placed. */
	assert_int_equal(desk_filter(d, -1, NULL, 0, &err), OD_OK);
	assert_int_equal(desk_sort(d, DESK_SORT_CUSTOMER, &err), OD_OK);
	assert_int_equal(desk_count(d), NORDERS);
	for (i = 1; i < desk_count(d); i++)
		assert_true(strcmp(desk_row(d, i - 1)->customer,
				   desk_row(d, i)->customer) <= 0);
	assert_string_equal(desk_row(d, 0)->customer, "Anna Müller");
	assert_string_equal(desk_row(d, 0)->number, "2002");
	/* It holds across a filter and a search. */
	assert_int_equal(desk_filter(d, ORDER_NEW, "Tea", 0, &err), OD_OK);
	for (i = 1; i < desk_count(d); i++)
		assert_true(strcmp(desk_row(d, i - 1)->customer,
				   desk_row(d, i)->customer) <= 0);
	assert_int_equal(desk_sort(d, DESK_SORT_NUMBER, &err), OD_OK);
	assert_string_equal(desk_row(d, 0)->number, "2003");
	assert_int_equal(desk_sort(d, DESK_SORT_COUNT, &err), OD_E_USAGE);
	assert_int_equal(desk_sort(d, DESK_SORT_PLACED, &err), OD_OK);

	/* Bulk: more than the cap is refused before anything is made. */
	assert_int_equal(desk_bulk_prepare(d, STMT_ORDER_CONFIRM, numbers, 0,
					   NULL, NULL, &b, &err), OD_E_INPUT);
	assert_int_equal(desk_bulk_prepare(d, STMT_ORDER_CONFIRM, numbers,
					   DESK_BULK_MAX + 1, NULL, NULL, &b,
					   &err), OD_E_INPUT);
	assert_int_equal(desk_bulk_prepare(d, STMT_ORDER_CANCEL, numbers, 3,
					   NULL, NULL, &b, &err), OD_E_USAGE);
	assert_int_equal(desk_bulk_prepare(d, STMT_ORDER_CONFIRM, numbers, 3,
					   NULL, NULL, &b, &err), OD_OK);
	/* 2002 was cancelled earlier: the log would refuse it, so the
	 * dialog lists it as not signed, with the log's reason. */
	assert_non_null(strstr(desk_bulk_text(b), "2 statements"));
	assert_non_null(strstr(desk_bulk_text(b), "not signed, order 2002: "
			       "order 2002 is cancelled"));
	assert_non_null(strstr(desk_bulk_text(b), "order: 2021\n"));
	assert_null(strstr(desk_bulk_text(b), "prev: none"));
	/* Each its own statement, each linked to the one before. */
	for (i = 0; i < 3; i++) {
		enum od_code rc = desk_bulk_sign(d, b, i, &seq, &err);

		if (i == 1) {
			/* 2002: refused, for the fold's reason. */
			assert_int_equal(rc, OD_E_STATE);
			continue;
		}
		assert_int_equal(rc, OD_OK);
		assert_true(seq > last);
		last = seq;
	}
	desk_bulk_free(b);
	assert_int_equal(desk_detail(d, "2021", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_CONFIRMED);
	desk_detail_free(dd);
	assert_int_equal(desk_detail(d, "2020", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_CONFIRMED);
	desk_detail_free(dd);
	desk_free(d);
}

static void test_sync_unattached(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	struct desk_sync *sy = NULL;
	struct od_err err;

	(void)state;
	assert_int_equal(desk_sync_read(d, &sy, &err), OD_OK);
	assert_false(desk_sync_attached(sy));
	assert_true(desk_sync_reached(sy, "2001"));
	desk_sync_free(sy);
	assert_false(desk_sync_attached(NULL));
	desk_lock(d);
	assert_int_equal(desk_sync_read(d, &sy, &err), OD_E_AUTH);
	assert_null(sy);
	desk_free(d);
}

/* Finds name in the desk's people, or NULL. */
static const struct desk_person *person(const struct desk_people *p,
					const char *name)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->p[i].name, name) == 0)
			return &p->p[i];
	return NULL;
}

static void test_people(void **state)
{
	static const struct {
		enum stmt_kind kind;
		const char *name, *role, *pass;
		enum od_code want;
	} refused[] = {
		{ STMT_USER_ADD, "", "staff", "long enough 1", OD_E_INPUT },
		{ STMT_USER_ADD, "ann", "boss", "long enough 1", OD_E_USAGE },
		{ STMT_USER_ADD, "ann", "staff", "short", OD_E_INPUT },
		{ STMT_USER_ADD, "ann", "staff", NULL, OD_E_INPUT },
		{ STMT_USER_ADD, "a\x1b[31m", "staff", "long enough 1",
		  OD_E_INPUT },
		{ STMT_USER_ROLE, "mei", NULL, NULL, OD_E_USAGE },
		{ STMT_ORDER_CONFIRM, "mei", "staff", NULL, OD_E_USAGE },
	};
	struct desk *d = open_as("owner", OWNER_PASS), *m, *ann;
	struct desk_act *act = NULL;
	struct desk_people *p = NULL;
	struct od_err err;
	long long seq = 7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		enum od_code rc = desk_prepare_user(d, refused[i].kind,
			refused[i].name, refused[i].role, refused[i].pass,
			refused[i].pass ? strlen(refused[i].pass) : 0, &act,
			&err);

		if (rc == OD_OK) {
			/* Prepared, the signature must still refuse it. */
			rc = desk_act_sign(d, act, &seq, &err);
			desk_act_free(act);
			act = NULL;
		}
		if (rc != refused[i].want)
			fail_msg("case %zu: %d (%s)", i, rc, err.msg);
	}

	/* A shopkeeper is refused by the core, and no slot is left. */
	m = open_as("mei", MEI_PASS);
	assert_false(desk_may(m, STMT_USER_ADD));
	assert_int_equal(desk_prepare_user(m, STMT_USER_ADD, "eve", "owner",
					   "eve passphrase 1", 16, &act, &err),
			 OD_OK);
	assert_int_equal(desk_act_sign(m, act, &seq, &err), OD_E_DENIED);
	assert_int_equal(seq, 0);
	desk_act_free(act);
	desk_free(m);
	assert_int_equal(desk_people(d, &p, &err), OD_OK);
	assert_null(person(p, "eve"));
	desk_people_free(p);
	ann = NULL;
	assert_int_equal(desk_new(dir, &ann, &err), OD_OK);
	assert_int_equal(desk_unlock(ann, "eve", "eve passphrase 1", 16,
				     &err), OD_E_AUTH);
	desk_free(ann);

	/* The owner adds ann: the dialog's text is what lands. */
	assert_int_equal(desk_prepare_user(d, STMT_USER_ADD, "ann", "staff",
					   "ann passphrase 1", 16, &act, &err),
			 OD_OK);
	assert_non_null(strstr(desk_act_text(act), "kind: user.add\n"));
	assert_non_null(strstr(desk_act_text(act), "user: ann\nrole: staff"
			       "\npubkey: "));
	assert_null(strstr(desk_act_text(act), "ann passphrase"));
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	assert_true(seq > 0);
	desk_act_free(act);
	ann = open_as("ann", "ann passphrase 1");
	assert_string_equal(desk_role_name(ann), "staff");
	desk_free(ann);

	assert_int_equal(desk_prepare_user(d, STMT_USER_ROLE, "ann",
					   "shopkeeper", NULL, 0, &act, &err),
			 OD_OK);
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	desk_act_free(act);
	assert_int_equal(desk_prepare_user(d, STMT_USER_REVOKE, "ann", NULL,
					   NULL, 0, &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(d, act, &seq, &err), OD_OK);
	desk_act_free(act);
	assert_int_equal(desk_people(d, &p, &err), OD_OK);
	assert_non_null(person(p, "ann"));
	assert_string_equal(person(p, "ann")->role, "shopkeeper");
	assert_false(person(p, "ann")->active);
	assert_true(person(p, "owner")->active);
	desk_people_free(p);
	/* Revoked: the slot is gone and the store's key changed. */
	assert_int_equal(desk_new(dir, &ann, &err), OD_OK);
	assert_int_equal(desk_unlock(ann, "ann", "ann passphrase 1", 16,
				     &err), OD_E_AUTH);
	desk_free(ann);
	/* The owner's desk still reads the store under the new key. */
	assert_int_equal(desk_reload(d, &err), OD_OK);
	desk_free(d);
}

/* Signs a note on number from desk o (another desk on the same shop). */
static void note_from(struct desk *o, const char *number, const char *text)
{
	struct desk_act *act = NULL;
	struct od_err err;
	long long seq = 0;

	assert_int_equal(desk_prepare(o, STMT_ORDER_NOTE, number, text, NULL,
				      NULL, &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(o, act, &seq, &err), OD_OK);
	desk_act_free(act);
}

/* a holds what a fresh read with its filter holds, entry for entry. */
static void expect_audit_fresh(struct desk *d, const struct desk_audit *a)
{
	struct desk_audit *f = NULL;
	struct od_err err;
	size_t i;

	assert_int_equal(desk_audit(d, a->filter, &f, &err), OD_OK);
	assert_int_equal(a->n, f->n);
	assert_int_equal(a->scanned, f->scanned);
	assert_int_equal(a->tip_seq, f->tip_seq);
	assert_memory_equal(a->tip_hash, f->tip_hash, sizeof a->tip_hash);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(a->entries[i].seq, f->entries[i].seq);
		assert_string_equal(a->entries[i].id, f->entries[i].id);
		assert_string_equal(a->entries[i].detail,
				    f->entries[i].detail);
		assert_string_equal(a->entries[i].role, f->entries[i].role);
		assert_int_equal(a->entries[i].sig_ok, f->entries[i].sig_ok);
		assert_int_equal(a->entries[i].chain_ok,
				 f->entries[i].chain_ok);
	}
	desk_audit_free(f);
}

/*
 * The audit history follows the log as a background sync brings entries:
 * only what came since is read, at the top, with the filter kept; people
 * changing makes it read everything again (the roles shown change).
 */
static void test_audit_update(void **state)
{
	struct desk *d = open_as("owner", OWNER_PASS);
	struct desk *o = open_as("owner", OWNER_PASS);
	struct desk_audit *all = NULL, *some = NULL;
	struct desk_act *act = NULL;
	struct od_err err;
	long long tip, seq = 0;
	size_t n;

	(void)state;
	assert_int_equal(desk_audit(d, NULL, &all, &err), OD_OK);
	assert_int_equal(desk_audit(d, "2003 order.note", &some, &err), OD_OK);
	tip = all->tip_seq;
	n = some->n;
	assert_int_equal(tip, all->scanned);
	assert_int_equal(desk_audit_update(d, all, &err), OD_OK);
	assert_int_equal(all->tip_seq, tip);
	expect_audit_fresh(d, all);
	/* The other desk notes two orders. */
	note_from(o, "2003", "fragile");
	note_from(o, "2004", "gift wrap");
	assert_int_equal(desk_audit_update(d, all, &err), OD_OK);
	assert_int_equal(all->tip_seq, tip + 2);
	assert_string_equal(all->entries[0].order, "2004");
	assert_string_equal(all->entries[1].order, "2003");
	assert_true(all->entries[0].sig_ok && all->entries[0].chain_ok);
	expect_audit_fresh(d, all);
	assert_int_equal(desk_audit_update(d, some, &err), OD_OK);
	assert_int_equal(some->n, n + 1);
	assert_string_equal(some->entries[0].detail, "fragile");
	assert_string_equal(some->filter, "2003 order.note");
	expect_audit_fresh(d, some);
	/* A person added: everything read again, and still the same. */
	assert_int_equal(desk_prepare_user(o, STMT_USER_ADD, "ines", "staff",
					   "ines passphrase 1", 17, &act,
					   &err), OD_OK);
	assert_int_equal(desk_act_sign(o, act, &seq, &err), OD_OK);
	desk_act_free(act);
	note_from(o, "2003", "after ines");
	assert_int_equal(desk_audit_update(d, all, &err), OD_OK);
	assert_string_equal(all->entries[1].kind, "user.add");
	expect_audit_fresh(d, all);
	assert_int_equal(desk_audit_update(d, some, &err), OD_OK);
	assert_string_equal(some->entries[0].detail, "after ines");
	expect_audit_fresh(d, some);
	desk_audit_free(all);
	desk_audit_free(some);
	desk_free(o);
	desk_free(d);
}

/*
 * `user passwd` rotates mei's key: a session still holding the old key
 * signs nothing, the old passphrase opens nothing, what she signed before
 * still shows as checked (with the key she had then), the new one signs.
 * Last: mei's passphrase is not MEI_PASS after it.
 */
static void test_passwd_rekeys(void **state)
{
	static const char fresh[] = "mei passphrase 2";
	struct desk *old = open_as("mei", MEI_PASS), *o, *m;
	struct desk_detail *dd = NULL;
	struct desk_audit *a = NULL;
	struct desk_act *act = NULL;
	struct shop *sh = NULL;
	struct od_err err;
	long long seq = 0;
	size_t i;

	(void)state;
	note_from(old, "2030", "before the change");
	assert_int_equal(shop_unlock(dir, "mei", MEI_PASS, strlen(MEI_PASS),
				     SHOP_WRITE, &sh, &err), OD_OK);
	assert_int_equal(shop_passwd(sh, MEI_PASS, strlen(MEI_PASS), fresh,
				     strlen(fresh), &err), OD_OK);
	shop_close(sh);
	assert_int_equal(desk_prepare(old, STMT_ORDER_NOTE, "2030", "stale",
				      NULL, NULL, &act, &err), OD_OK);
	assert_int_equal(desk_act_sign(old, act, &seq, &err), OD_E_AUTH);
	assert_non_null(strstr(err.msg, "mei's retired key"));
	desk_act_free(act);
	desk_free(old);
	assert_int_equal(desk_new(dir, &m, &err), OD_OK);
	assert_int_equal(desk_unlock(m, "mei", MEI_PASS, strlen(MEI_PASS),
				     &err), OD_E_AUTH);
	desk_free(m);
	m = open_as("mei", fresh);
	note_from(m, "2030", "after the change");
	desk_free(m);
	o = open_as("owner", OWNER_PASS);
	assert_int_equal(desk_detail(o, "2030", &dd, &err), OD_OK);
	assert_int_equal(dd->nevents, 3);
	for (i = 0; i < dd->nevents; i++)
		assert_true(dd->events[i].sig_ok);
	desk_detail_free(dd);
	assert_int_equal(desk_audit(o, NULL, &a, &err), OD_OK);
	for (i = 0; i < a->n; i++)
		assert_true(a->entries[i].sig_ok);
	assert_string_equal(a->entries[1].kind, "user.rekey");
	desk_audit_free(a);
	desk_free(o);
}

/*
 * An order's rows are believed only when they are what its own log entries
 * fold to: a row changed behind the log (as a page from an older copy of
 * the store would read) is refused, and every honest entry is marked as
 * checked, signature and chain link.
 */
static void test_detail_checks_rows_against_log(void **state)
{
	struct desk *d = open_as("mei", MEI_PASS);
	struct desk_detail *dd = NULL;
	struct shop *sh = NULL;
	struct order_state os;
	struct od_err err;

	(void)state;
	assert_int_equal(desk_detail(d, "2030", &dd, &err), OD_OK);
	assert_int_equal(dd->nevents, 1);
	assert_true(dd->events[0].sig_ok);
	assert_true(dd->events[0].chain_ok);
	assert_int_equal(dd->nunchecked, 0);
	desk_detail_free(dd);

	assert_int_equal(shop_unlock(dir, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), SHOP_WRITE, &sh, &err),
			 OD_OK);
	assert_int_equal(store_order_state(sh->store, "2030", &os, &err),
			 OD_OK);
	assert_int_equal(store_order_set_state(sh->store, "2030",
					       ORDER_CANCELLED, os.held_from,
					       "stale", &err), OD_OK);
	/* The reading `orderdesk show` does, on a shop it holds. */
	assert_int_equal(desk_order_read(sh, "2030", &dd, &err),
			 OD_E_TAMPERED);
	assert_null(dd);
	assert_string_equal(err.msg, "order 2030's stored state does not match "
			    "its signed history; run `orderdesk audit "
			    "verify`");
	shop_close(sh);
	/* The order screen's, the same. */
	assert_int_equal(desk_detail(d, "2030", &dd, &err), OD_E_TAMPERED);
	assert_null(dd);
	assert_non_null(strstr(err.msg, "does not match its signed history"));

	assert_int_equal(shop_unlock(dir, "owner", OWNER_PASS,
				     strlen(OWNER_PASS), SHOP_WRITE, &sh, &err),
			 OD_OK);
	assert_int_equal(store_order_set_state(sh->store, "2030", os.status,
					       os.held_from, NULL, &err), OD_OK);
	shop_close(sh);
	assert_int_equal(desk_detail(d, "2030", &dd, &err), OD_OK);
	assert_int_equal(dd->order->status, ORDER_NEW);
	desk_detail_free(dd);
	desk_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_users_and_wrong_passphrase),
		cmocka_unit_test(test_index_filter_and_search),
		cmocka_unit_test(test_search_matches_store),
		cmocka_unit_test(test_confirm_shows_then_signs),
		cmocka_unit_test(test_cancel_and_note_need_text),
		cmocka_unit_test(test_staff_refused_by_core),
		cmocka_unit_test(test_ship_remembers_carrier),
		cmocka_unit_test(test_log_moved_since_shown),
		cmocka_unit_test(test_audit_history),
		cmocka_unit_test(test_lock_per_operation),
		cmocka_unit_test(test_search_never_waits),
		cmocka_unit_test(test_sort_and_bulk),
		cmocka_unit_test(test_sync_unattached),
		cmocka_unit_test(test_people),
		cmocka_unit_test(test_audit_update),
		cmocka_unit_test(test_detail_checks_rows_against_log),
		/* Last: it changes mei's passphrase. */
		cmocka_unit_test(test_passwd_rekeys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
