/*
 * statement.h - the canonical text of a signed statement: one builder, one
 * strict parser, shared by the desk and (later) the backend.
 *
 *   orderdesk-statement/1
 *   id: 5f0c9a...            32 lower-case hex digits (48-bit time in ms, 80 random bits)
 *   kind: shipment.confirm
 *   order: 1042              only for order.* and shipment.* kinds
 *   actor: mei
 *   key: sha256:...          fingerprint of the signer's public key
 *   time: 2026-11-22T10:31:07Z
 *   prev: 5f0b... 3a7f...    the log entry the signer saw last: its id
 *                            and the SHA-256 of its statement and
 *                            signature ("none" for the very first)
 *   carrier: SF Express      the kind's own fields, in the kind's fixed order
 *   tracking: SF1234567890
 *
 * Each line is "name: value\n"; values are one line of UTF-8 without control
 * characters (lib/utf8.h), no leading or trailing space.  The signature covers
 * exactly these bytes.  The parser refuses anything the builder would not
 * produce: a missing, unknown, repeated or misplaced field, a bad value,
 * trailing bytes, CR, a missing final newline.  So for every accepted text,
 * build(parse(text)) == text.
 *
 * Header values: names (actor, user) 1..32 of [a-z0-9._-] starting with a
 * letter; order numbers 1..32 of [A-Za-z0-9._-].  Body fields per kind, in
 * canonical order ([x] optional, x* repeatable); free text is at most
 * STMT_VALUE_MAX bytes unless said otherwise:
 *
 *   shop.genesis      shop (text, <= 128 bytes), role ("owner"), pubkey
 *   shop.clock        answers (time: that of the entry it follows, which
 *                     is dated ahead of it; see ledger.h)
 *   user.add          user, role (owner|shopkeeper|staff|storefront),
 *                     pubkey
 *   user.role         user, role
 *   user.revoke       user
 *   user.rekey        pubkey (the actor's new key; signed with the old
 *                     one, which signs nothing after it)
 *   shop.witnesses    witness (1..8, a cosigner key), quorum (1..8),
 *                     [max-age] (seconds): app/log/witness-policy.h
 *   shop.log-key      log-key (the log's verifier key): app/log/log-key.h
 *   order.placed      placed (time), currency (3 upper-case letters),
 *                     customer, [email], [phone], ship-name,
 *                     ship-line (1..4), ship-city, [ship-postcode],
 *                     ship-country (2 upper-case letters),
 *                     item (1..500, "SKU QTY UNIT_PRICE NAME"),
 *                     [shipping], [tax], [discount] (0..10^12 each,
 *                     absent means 0; older orders have none),
 *                     total (0..10^15),
 *                     [payment] (authorized|paid|cod: how the order
 *                     arrived; absent means unpaid), [note],
 *                     [source] (woocommerce|shopify|amazon|etsy: the
 *                     storefront it was imported from), [source-hash]
 *                     ("sha256:" and 64 lower-case hex: of the bytes
 *                     it came from);
 *                     older orders have neither
 *   order.confirm     (none)
 *   order.cancel      reason
 *   order.hold        reason
 *   order.release     [reason]
 *   order.note        text
 *   shipment.confirm  carrier (text, <= 64 bytes), tracking (1..64 of
 *                     [A-Za-z0-9-]), item (1..500, "SKU QTY"),
 *                     serial (0..500, "SKU SERIAL": IMEI or batch of
 *                     what left, at most one per unit shipped)
 *   payment.receive   amount (1..10^15), method (card|bank|cash|cod|
 *                     other), [reference] (text, <= 128 bytes)
 *   payment.refund    amount (1..10^15), reason, item (0..500, "SKU
 *                     QTY": what the refund is for), [reference],
 *                     [rma] (the accepted return it refunds)
 *   shipment.deliver  [tracking] (the parcel whose delivery was seen)
 *   return.open       rma (ORDER-Rn), reason, item (1..500, "SKU QTY")
 *   return.receive    rma, condition (ok|damaged|wrong-item), item
 *                     (1..500, "SKU QTY" or "SKU QTY SERIAL")
 *   return.close      rma, decision (accept|reject), [reason]
 *   role.define       role (a new name, app/log/role-define.h), may
 *                     (1..16, a permission name each)
 *   order.amend       before shipping, a corrected ship-to, each part
 *                     as its old and its new value: [was-ship-name],
 *                     [ship-name], was-ship-line (0..4), ship-line
 *                     (0..4), [was-ship-city], [ship-city],
 *                     [was-ship-postcode], [ship-postcode],
 *                     [was-ship-country], [ship-country],
 *                     was-item and item (0..500 each, "SKU QTY", the
 *                     n-th of each the same SKU's old and new
 *                     quantity), [was-total], [total] (with items:
 *                     the order's total before and after); the fold
 *                     checks each old value is the order's
 *   order.unconfirm   undoes (the id of the order's latest
 *                     order.confirm, which it takes back within ten
 *                     minutes: app/log/fold-unconfirm.h)
 *
 * pubkey is the canonical base64 of 32 bytes.  SKU: 1..64 of [A-Za-z0-9._/-];
 * QTY 1..100000 and UNIT_PRICE 0..10^12 (minor units) are decimals without
 * leading zeros.  Amounts are not added up here (order_validate does that,
 * and the fold checks payments and refunds against the order).
 */
#ifndef OD_STATEMENT_H
#define OD_STATEMENT_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/err.h"

#define STMT_MAGIC       "orderdesk-statement/1"
#define STMT_ID_LEN      32          /* hex digits */
#define STMT_TIME_LEN    20          /* YYYY-MM-DDTHH:MM:SSZ */
#define STMT_PREV_LEN    (32 + 1 + 64) /* "ID DIGEST", or "none" */
#define STMT_MAX_BYTES   (64 * 1024) /* whole statement text */
#define STMT_NAME_MAX    32          /* actor and user names, bytes */
#define STMT_ORDER_MAX   32          /* order numbers, bytes */
#define STMT_VALUE_MAX   1024        /* any other value, bytes */
#define STMT_MAX_FIELDS  1100        /* body fields (items are repeated) */

enum stmt_kind {
	STMT_SHOP_GENESIS,     /* shop, role, pubkey: the owner founds the shop */
	STMT_SHOP_CLOCK,       /* answers: the owner answers a future-dated tip */
	STMT_USER_ADD,         /* user, role, pubkey */
	STMT_USER_ROLE,        /* user, role */
	STMT_USER_REVOKE,      /* user */
	STMT_USER_REKEY,       /* pubkey: the actor's new key, signed by the old */
	STMT_SHOP_WITNESSES,   /* witness (1..8), quorum: witness-policy.h */
	STMT_SHOP_LOG_KEY,     /* log-key: the log's verifier key, log-key.h */
	STMT_ORDER_PLACED,     /* the whole order, see statement.c */
	STMT_ORDER_CONFIRM,    /* (no fields) */
	STMT_ORDER_CANCEL,     /* reason */
	STMT_ORDER_HOLD,       /* reason */
	STMT_ORDER_RELEASE,    /* [reason] */
	STMT_ORDER_NOTE,       /* text */
	STMT_SHIPMENT_CONFIRM, /* carrier, tracking, item... ("SKU QTY") */
	STMT_PAYMENT_RECEIVE,  /* amount, method, [reference] */
	STMT_PAYMENT_REFUND,   /* amount, reason, item*, [reference] */
	STMT_SHIPMENT_DELIVER, /* [tracking]: the carrier delivered it */
	STMT_RETURN_OPEN,      /* rma, reason, item... ("SKU QTY") */
	STMT_RETURN_RECEIVE,   /* rma, condition, item... ("SKU QTY [SERIAL]") */
	STMT_RETURN_CLOSE,     /* rma, decision (accept|reject), [reason] */
	STMT_ROLE_DEFINE,      /* role, may...: the owner defines a role */
	STMT_ORDER_AMEND,      /* was-ship-X, ship-X: a corrected ship-to */
	STMT_ORDER_UNCONFIRM,  /* undoes: a confirmation taken back */
	STMT_KIND_COUNT
};

struct stmt_field {
	const char *name;  /* static: points into the kind table */
	char *value;       /* owned */
};

struct statement {
	enum stmt_kind kind;
	char id[STMT_ID_LEN + 1];
	char order[STMT_ORDER_MAX + 1];   /* "" for kinds without an order */
	char actor[STMT_NAME_MAX + 1];
	char key[7 + 64 + 1];             /* "sha256:" + hex */
	char time[STMT_TIME_LEN + 1];
	char prev[STMT_PREV_LEN + 1];     /* the entry it follows, or "none" */
	size_t nfields;
	struct stmt_field *fields;        /* body, in canonical order */
};

/* Name of a kind ("order.confirm"), or NULL for an invalid kind. */
const char *statement_kind_name(enum stmt_kind kind);

/* Looks up a kind by name; unknown names give OD_E_INPUT. */
enum od_code statement_kind_parse(const char *name, enum stmt_kind *kind,
				  struct od_err *err);

/* Whether the kind carries an "order:" header line. */
int statement_kind_has_order(enum stmt_kind kind);

/*
 * Makes an empty statement of kind with a fresh random id and the current
 * UTC time; actor, key and order are set by the caller (strings copied in,
 * too-long values give OD_E_INPUT).  order may be NULL for kinds without one.
 */
enum od_code statement_new(enum stmt_kind kind, const char *actor,
			   const char *key, const char *order,
			   struct statement **out, struct od_err *err);

/*
 * Replaces the time (a real UTC time "YYYY-MM-DDTHH:MM:SSZ", 1970 or later;
 * Feb 29 only in leap years, hours 00-23).  For imports and tests; anything
 * else gives OD_E_INPUT and leaves st unchanged.
 */
enum od_code statement_set_time(struct statement *st, const char *time_str,
				struct od_err *err);

/*
 * Replaces the id (exactly 32 lower-case hex digits), e.g. to rebuild a
 * statement received elsewhere; anything else gives OD_E_INPUT and leaves st
 * unchanged.
 */
enum od_code statement_set_id(struct statement *st, const char *id,
			      struct od_err *err);

/*
 * Sets the log entry the statement follows: "ID DIGEST" (its 32-digit id
 * and the 64-digit SHA-256 of its statement bytes and signature, lower-case
 * hex) or "none".  The ledger sets it when it signs: it chains the statement
 * to the history its signer saw, so nobody can later drop, replace or
 * reorder entries before it without breaking its signature.  Naming the
 * entry by content, not by position, keeps the chain valid when a backend
 * appends a desk's statements after other desks' (the chain hash of the
 * log depends on position; this does not).
 */
enum od_code statement_set_prev(struct statement *st, const char *prev,
				struct od_err *err);

/* Frees st and its fields; NULL is a no-op. */
void statement_free(struct statement *st);

/*
 * Appends a body field.  The value is copied.  Fields must be added in the
 * kind's canonical order; a field the kind does not have, one out of order,
 * a repeat of a field that may not repeat, or a bad value gives OD_E_INPUT.
 */
enum od_code statement_add(struct statement *st, const char *name,
			   const char *value, struct od_err *err);

/* The first value of a body field, or NULL (borrowed). */
const char *statement_get(const struct statement *st, const char *name);

/*
 * Checks st as strictly as the parser would (every header value, every field
 * value, canonical order, required fields present, at most STMT_MAX_BYTES in
 * all) and appends its canonical text to out.  Any fault gives OD_E_INPUT
 * and leaves out as it was; the struct is public, so nothing is trusted.
 */
enum od_code statement_build(const struct statement *st, struct buf *out,
			     struct od_err *err);

/*
 * Parses text[0..len) strictly (see above).  On success *out is the caller's.
 * Any deviation gives OD_E_INPUT with the line number and what is wrong.
 */
enum od_code statement_parse(const char *text, size_t len,
			     struct statement **out, struct od_err *err);

#endif
