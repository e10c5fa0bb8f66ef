/* fold.c - checking and applying one statement to the shop's state. */
#include "app/log/fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/log/fold-unconfirm.h"
#include "app/log/order.h"
#include "app/log/log-key.h"
#include "app/log/role.h"
#include "app/log/role-define.h"
#include "app/log/witness-policy.h"
#include "app/keys/sigkey.h"
#include "lib/encode.h"

/* What each kind does, for "X may not <verb>" messages. */
static const char *const kind_verbs[STMT_KIND_COUNT] = {
	[STMT_SHOP_GENESIS] = "found a shop",
	[STMT_SHOP_CLOCK] = "reset the shop's clock",
	[STMT_USER_ADD] = "add people",
	[STMT_USER_ROLE] = "change roles",
	[STMT_USER_REVOKE] = "revoke people",
	[STMT_USER_REKEY] = "change their own key",
	[STMT_SHOP_WITNESSES] = "name the shop's witnesses",
	[STMT_SHOP_LOG_KEY] = "name the log's key",
	[STMT_ORDER_PLACED] = "place orders",
	[STMT_ORDER_CONFIRM] = "confirm orders",
	[STMT_ORDER_CANCEL] = "cancel orders",
	[STMT_ORDER_HOLD] = "put orders on hold",
	[STMT_ORDER_RELEASE] = "release orders",
	[STMT_ORDER_NOTE] = "add notes",
	[STMT_SHIPMENT_CONFIRM] = "confirm shipments",
	[STMT_PAYMENT_RECEIVE] = "record payments",
	[STMT_PAYMENT_REFUND] = "refund money",
	[STMT_SHIPMENT_DELIVER] = "confirm deliveries",
	[STMT_RETURN_OPEN] = "open returns",
	[STMT_RETURN_RECEIVE] = "receive returns",
	[STMT_RETURN_CLOSE] = "close returns",
	[STMT_ROLE_DEFINE] = "define roles",
	[STMT_ORDER_AMEND] = "amend orders",
	[STMT_ORDER_UNCONFIRM] = "take back confirmations",
};

/* Decodes the pubkey field of st. */
static enum od_code field_pubkey(const struct statement *st,
				 uint8_t pub[32], struct od_err *err)
{
	const char *b64 = statement_get(st, "pubkey");
	size_t n = 0;
	enum od_code rc;

	if (b64 == NULL)
		return od_err_set(err, OD_E_INPUT, "statement has no pubkey");
	rc = b64_decode("pubkey", b64, strlen(b64), pub, 32, &n, err);
	if (rc == OD_OK && n != 32)
		rc = od_err_set(err, OD_E_INPUT, "pubkey: not 32 bytes");
	return rc;
}

/* Fingerprint of pub equals fp? */
static enum od_code check_fingerprint(const uint8_t pub[32], const char *fp,
				      const char *who, struct od_err *err)
{
	char mine[SIGKEY_FP_LEN + 1];
	enum od_code rc = sigkey_fingerprint(pub, mine, err);

	if (rc != OD_OK)
		return rc;
	if (strcmp(mine, fp) != 0)
		return od_err_set(err, OD_E_AUTH,
				  "the statement is signed with a key that is "
				  "not %s's", who);
	return OD_OK;
}

/*
 * Refuses st, signed with a key that is not its actor's now: one they
 * retired (a passphrase change answered "someone saw it"), or not theirs.
 */
static enum od_code wrong_key(struct store *s, const struct statement *st,
			      struct od_err *err)
{
	char whose[STMT_NAME_MAX + 1];
	long long seq = 0;
	enum od_code rc = store_key_retired(s, st->key, whose, sizeof whose,
					    &seq, NULL, err);

	if (rc == OD_OK && strcmp(whose, st->actor) == 0)
		return od_err_set(err, OD_E_AUTH,
				  "the statement is signed with %s's retired "
				  "key (retired at entry %lld, when the "
				  "passphrase changed); sign in with the new "
				  "passphrase", st->actor, seq);
	if (rc != OD_OK && rc != OD_E_NOTFOUND)
		return rc;
	return od_err_set(err, OD_E_AUTH,
			  "the statement is signed with a key that is not "
			  "%s's", st->actor);
}

/* Loads the signer of st: a user of the shop, active, and it is their key. */
static enum od_code load_signer(struct store *s, const struct statement *st,
				struct user_record *u, struct od_err *err)
{
	enum od_code rc = store_user_get(s, st->actor, u, err);

	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_AUTH,
				  "%s is not a user of this shop", st->actor);
	if (rc != OD_OK)
		return rc;
	if (!u->active)
		return od_err_set(err, OD_E_AUTH,
				  "%s's access has been revoked; ask the owner",
				  st->actor);
	if (strcmp(u->fingerprint, st->key) != 0)
		return wrong_key(s, st, err);
	return OD_OK;
}

enum od_code fold_signer_key(struct store *s, const struct statement *st,
			     uint8_t pub[32], struct od_err *err)
{
	struct user_record u;
	enum od_code rc;

	if (st->kind == STMT_SHOP_GENESIS) {
		rc = field_pubkey(st, pub, err);
		if (rc == OD_OK)
			rc = check_fingerprint(pub, st->key, st->actor, err);
		return rc;
	}
	rc = load_signer(s, st, &u, err);
	if (rc == OD_OK)
		memcpy(pub, u.pubkey, 32);
	return rc;
}

/* The signer's role as defined now, after checking they are who the
 * statement says. */
static enum od_code signer_role(struct store *s, const struct statement *st,
				struct role_power *p, struct od_err *err)
{
	struct user_record u;
	enum od_code rc = load_signer(s, st, &u, err);

	if (rc == OD_OK)
		rc = role_power_load(s, u.role, p, err);
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_TAMPERED,
				  "user %s has an unknown role; the store is "
				  "damaged", st->actor);
	return rc;
}

/* Founds the shop: only as the very first statement. */
static enum od_code apply_genesis(struct store *s, const struct statement *st,
				  long long seq, struct od_err *err)
{
	struct user_record u;
	long long owners;
	enum od_code rc;

	rc = store_user_count_active(s, "owner", &owners, err);
	if (rc != OD_OK)
		return rc;
	if (seq != 1 || owners != 0)
		return od_err_set(err, OD_E_STATE,
				  "the shop has already been founded");
	memset(&u, 0, sizeof u);
	snprintf(u.name, sizeof u.name, "%s", st->actor);
	snprintf(u.role, sizeof u.role, "owner");
	rc = field_pubkey(st, u.pubkey, err);
	if (rc != OD_OK)
		return rc;
	snprintf(u.fingerprint, sizeof u.fingerprint, "%s", st->key);
	u.active = 1;
	u.added_seq = seq;
	rc = store_user_put(s, &u, err);
	if (rc == OD_OK)
		rc = store_meta_set(s, "shop", statement_get(st, "shop"), err);
	return rc;
}

/* Refuses to leave the shop without an active owner. */
static enum od_code keep_an_owner(struct store *s, const struct user_record *u,
				  struct od_err *err)
{
	long long owners;
	enum od_code rc;

	if (strcmp(u->role, "owner") != 0)
		return OD_OK;
	rc = store_user_count_active(s, "owner", &owners, err);
	if (rc == OD_OK && owners <= 1)
		rc = od_err_set(err, OD_E_STATE,
				"%s is the shop's only owner; make someone "
				"else owner first", u->name);
	return rc;
}

/* Refuses a key that already belongs to someone (ctx: the fingerprint). */
static enum od_code key_unowned(void *ctx, const struct user_record *u,
				struct od_err *err)
{
	if (strcmp(u->fingerprint, ctx) == 0)
		return od_err_set(err, OD_E_EXISTS,
				  "that key already belongs to %s; every "
				  "person needs their own key", u->name);
	return OD_OK;
}

/*
 * Refuses a key anyone holds or ever retired: one key, one person, or one
 * could sign under two names; and a retired key never comes back.
 */
static enum od_code key_unused(struct store *s, const char *fp,
			       struct od_err *err)
{
	char whose[STMT_NAME_MAX + 1];
	long long seq;
	enum od_code rc = store_key_retired(s, fp, whose, sizeof whose, &seq,
					    NULL, err);

	if (rc == OD_OK)
		return od_err_set(err, OD_E_EXISTS,
				  "that key is %s's retired key (entry %lld); "
				  "a retired key is never used again", whose,
				  seq);
	if (rc != OD_E_NOTFOUND)
		return rc;
	return store_user_each(s, key_unowned, (void *)fp, err);
}

/* user.rekey: the signer's key becomes the new one; the old is retired. */
static enum od_code apply_rekey(struct store *s, const struct statement *st,
				long long seq, struct od_err *err)
{
	struct user_record u;
	uint8_t old[32];
	enum od_code rc = store_user_get(s, st->actor, &u, err);

	/* u's key is the signer's: load_signer checked it. */
	if (rc == OD_OK) {
		memcpy(old, u.pubkey, sizeof old);
		rc = field_pubkey(st, u.pubkey, err);
	}
	if (rc == OD_OK)
		rc = sigkey_fingerprint(u.pubkey, u.fingerprint, err);
	if (rc == OD_OK)
		rc = key_unused(s, u.fingerprint, err);
	if (rc == OD_OK)
		rc = store_key_retire(s, st->key, st->actor, old, seq, err);
	if (rc == OD_OK)
		rc = store_user_put(s, &u, err);
	return rc;
}

/* user.add, user.role, user.revoke. */
static enum od_code apply_user(struct store *s, const struct statement *st,
			       long long seq, struct od_err *err)
{
	const char *name = statement_get(st, "user");
	const char *role = statement_get(st, "role");
	struct user_record u;
	struct role_power p;
	enum od_code rc;

	if (name == NULL)
		return od_err_set(err, OD_E_INPUT, "statement names no user");
	/* A defined role must be defined by this point of the log. */
	if (role != NULL && (rc = role_power_load(s, role, &p, err)) != OD_OK)
		return rc;
	rc = store_user_get(s, name, &u, err);
	if (st->kind == STMT_USER_ADD) {
		if (rc == OD_OK)
			return od_err_set(err, OD_E_EXISTS,
					  "there is already a user %s (names "
					  "are never reused); choose another "
					  "name", name);
		if (rc != OD_E_NOTFOUND)
			return rc;
		memset(&u, 0, sizeof u);
		snprintf(u.name, sizeof u.name, "%s", name);
		snprintf(u.role, sizeof u.role, "%s", role);
		rc = field_pubkey(st, u.pubkey, err);
		if (rc == OD_OK)
			rc = sigkey_fingerprint(u.pubkey, u.fingerprint, err);
		if (rc == OD_OK)
			rc = key_unused(s, u.fingerprint, err);
		if (rc != OD_OK)
			return rc;
		u.active = 1;
		u.added_seq = seq;
		return store_user_put(s, &u, err);
	}
	if (rc == OD_E_NOTFOUND)
		return od_err_set(err, OD_E_NOTFOUND,
				  "no user %s in this shop", name);
	if (rc != OD_OK)
		return rc;
	if (!u.active)
		return od_err_set(err, OD_E_STATE,
				  "%s has already been revoked", name);
	if (st->kind == STMT_USER_ROLE) {
		if (strcmp(u.role, role) == 0)
			return od_err_set(err, OD_E_STATE, "%s is already %s",
					  name, role);
		if (strcmp(role, "owner") != 0 &&
		    (rc = keep_an_owner(s, &u, err)) != OD_OK)
			return rc;
		snprintf(u.role, sizeof u.role, "%s", role);
	} else {
		if ((rc = keep_an_owner(s, &u, err)) != OD_OK)
			return rc;
		u.active = 0;
	}
	return store_user_put(s, &u, err);
}

/* Parses "SKU QTY" from a shipment item field. */
static enum od_code ship_item(const char *v, char *sku, size_t cap,
			      long long *qty, struct od_err *err)
{
	const char *sp = strchr(v, ' ');
	char *end;

	if (sp == NULL || (size_t)(sp - v) >= cap)
		return od_err_set(err, OD_E_INPUT, "malformed shipment item");
	memcpy(sku, v, (size_t)(sp - v));
	sku[sp - v] = '\0';
	*qty = strtoll(sp + 1, &end, 10);
	if (*end != '\0' || *qty <= 0)
		return od_err_set(err, OD_E_INPUT, "malformed shipment item");
	return OD_OK;
}

/* Finds the item with sku in o, or NULL. */
static struct order_item *find_item(struct order *o, const char *sku)
{
	size_t i;

	for (i = 0; i < o->nitems; i++)
		if (strcmp(o->items[i].sku, sku) == 0)
			return &o->items[i];
	return NULL;
}

/* shipment.confirm: ships the listed items of a confirmed order. */
static enum od_code apply_shipment(struct store *s, const struct statement *st,
				   struct order *o, long long seq,
				   struct od_err *err)
{
	char sku[ORDER_SKU_MAX + 1];
	struct shipment_record r;
	struct buf items;
	struct order_item *it;
	long long qty = 0;
	size_t i, left = 0;
	enum od_code rc = OD_OK;

	if (o->status != ORDER_CONFIRMED)
		return od_err_set(err, OD_E_STATE,
				  "order %s is %s; only confirmed orders can "
				  "ship", o->number,
				  order_status_name(o->status));
	buf_init(&items, 64 * 1024);
	for (i = 0; i < st->nfields && rc == OD_OK; i++) {
		if (strcmp(st->fields[i].name, "item") != 0)
			continue;
		rc = ship_item(st->fields[i].value, sku, sizeof sku, &qty, err);
		if (rc != OD_OK)
			break;
		it = find_item(o, sku);
		if (it == NULL) {
			rc = od_err_set(err, OD_E_INPUT,
					"order %s has no item %s", o->number,
					sku);
			break;
		}
		if (qty > it->qty - it->shipped) {
			rc = od_err_set(err, OD_E_STATE,
					"order %s: only %lld of %s are left to "
					"ship", o->number,
					it->qty - it->shipped, sku);
			break;
		}
		/* Counted here too, so the same SKU twice cannot over-ship. */
		it->shipped += qty;
		rc = store_item_add_shipped(s, o->number, sku, qty, err);
		if (rc == OD_OK)
			rc = buf_addf(&items, err, "%s%s %lld",
				      items.len ? ", " : "", sku, qty);
	}
	if (rc == OD_OK && items.len == 0)
		rc = od_err_set(err, OD_E_INPUT, "a shipment needs items");
	if (rc == OD_OK && statement_get(st, "serial") != NULL)
		rc = fold_ship_serials(s, st, &items, err);
	if (rc != OD_OK)
		goto out;
	r.seq = seq;
	r.carrier = statement_get(st, "carrier");
	r.tracking = statement_get(st, "tracking");
	r.items = items.data;
	rc = store_shipment_add(s, o->number, &r, err);
	if (rc != OD_OK)
		goto out;
	for (i = 0; i < o->nitems; i++)
		left += o->items[i].shipped < o->items[i].qty;
	if (left == 0)
		rc = store_order_set_state(s, o->number, ORDER_SHIPPED,
					   o->held_from, NULL, err);
out:
	buf_free(&items);
	return rc;
}

/* "order 1042 is cancelled; it cannot be confirmed" */
static enum od_code refuse(const char *number, enum order_status status,
			   const char *what, struct od_err *err)
{
	return od_err_set(err, OD_E_STATE, "order %s is %s; it cannot be %s",
			  number, order_status_name(status), what);
}

/* shipment.confirm needs the whole order: which items are left. */
static enum od_code apply_ship(struct store *s, const struct statement *st,
			       long long seq, struct od_err *err)
{
	struct order *o = NULL;
	enum od_code rc = store_order_get(s, st->order, &o, err);

	if (rc == OD_OK)
		rc = fold_ship_needed(o, err);
	if (rc == OD_OK)
		rc = apply_shipment(s, st, o, seq, err);
	record_order_free(o);
	return rc;
}

/*
 * The order.* kinds other than order.placed: these need only where the
 * order stands, which is one small read (they are the bulk of a day).
 */
static enum od_code apply_order_change(struct store *s,
				       const struct statement *st,
				       long long seq, struct od_err *err)
{
	const char *n = st->order;
	struct order_state os;
	struct note_record note;
	enum od_code rc;

	if (st->kind == STMT_SHIPMENT_CONFIRM)
		return apply_ship(s, st, seq, err);
	if (st->kind == STMT_PAYMENT_RECEIVE || st->kind == STMT_PAYMENT_REFUND)
		return fold_money_apply(s, st, seq, err);
	if (st->kind == STMT_SHIPMENT_DELIVER)
		return fold_deliver_any(s, st, seq, err);
	if (st->kind == STMT_ORDER_AMEND)
		return fold_amend_apply(s, st, err);
	if (st->kind == STMT_ORDER_UNCONFIRM)
		return fold_unconfirm_apply(s, st, seq, err);
	if (st->kind >= STMT_RETURN_OPEN && st->kind <= STMT_RETURN_CLOSE)
		return fold_return_apply(s, st, seq, err);
	rc = store_order_state(s, n, &os, err);
	if (rc != OD_OK)
		return rc;
	switch (st->kind) {
	case STMT_ORDER_CONFIRM:
		if (os.status == ORDER_HELD)
			return od_err_set(err, OD_E_STATE,
					  "order %s is on hold; release it "
					  "first", n);
		if (os.status != ORDER_NEW)
			return refuse(n, os.status, "confirmed", err);
		return store_order_set_state(s, n, ORDER_CONFIRMED,
					     os.held_from, NULL, err);
	case STMT_ORDER_CANCEL:
		if (os.status == ORDER_SHIPPED || os.status == ORDER_CANCELLED)
			return refuse(n, os.status, "cancelled", err);
		if (os.any_shipped)
			return od_err_set(err, OD_E_STATE,
					  "order %s has shipped parcels; it "
					  "cannot be cancelled", n);
		if (os.status == ORDER_DELIVERED)   /* no shipping needed */
			return refuse(n, os.status, "cancelled", err);
		return store_order_set_state(s, n, ORDER_CANCELLED,
					     os.held_from,
					     statement_get(st, "reason"), err);
	case STMT_ORDER_HOLD:
		if (os.status != ORDER_NEW && os.status != ORDER_CONFIRMED)
			return refuse(n, os.status, "put on hold", err);
		return store_order_set_state(s, n, ORDER_HELD, os.status,
					     statement_get(st, "reason"), err);
	case STMT_ORDER_RELEASE:
		if (os.status != ORDER_HELD)
			return od_err_set(err, OD_E_STATE,
					  "order %s is not on hold", n);
		return store_order_set_state(s, n, os.held_from, os.held_from,
					     NULL, err);
	case STMT_ORDER_NOTE:
		note.seq = seq;
		note.actor = st->actor;
		note.time = st->time;
		note.text = statement_get(st, "text");
		return store_note_add(s, n, &note, err);
	default:
		return od_err_set(err, OD_E_INTERNAL, "not an order change");
	}
}

/* order.placed: a new order enters the shop. */
static enum od_code apply_placed(struct store *s, const struct statement *st,
				 struct od_err *err)
{
	struct order *o = NULL;
	enum od_code rc = order_from_statement(st, &o, err);

	if (rc == OD_OK)
		rc = store_order_insert(s, o, err);
	order_free(o);
	return rc;
}

enum od_code fold_apply(struct store *s, const struct statement *st,
			long long seq, struct od_err *err)
{
	struct role_power r;
	enum od_code rc;

	if ((unsigned)st->kind >= STMT_KIND_COUNT)
		return od_err_set(err, OD_E_INPUT, "unknown statement kind");
	if (st->kind == STMT_SHOP_GENESIS)
		return apply_genesis(s, st, seq, err);
	rc = signer_role(s, st, &r, err);
	if (rc != OD_OK)
		return rc;
	if (!role_power_allows(&r, st->kind))
		return od_err_set(err, OD_E_DENIED,
				  "%s is %s and may not %s; ask %s",
				  st->actor, r.name, kind_verbs[st->kind],
				  role_allows(ROLE_SHOPKEEPER, st->kind)
					  ? "a shopkeeper or the owner"
					  : "the owner");
	if (!r.wrong_item && (rc = fold_return_owner_only(s, st, err)) !=
	    OD_OK)
		return rc;
	if (r.builtin == ROLE_STOREFRONT &&
	    (rc = fold_storefront_own(s, st, err)) != OD_OK)
		return rc;
	switch (st->kind) {
	case STMT_USER_ADD:
	case STMT_USER_ROLE:
	case STMT_USER_REVOKE:
		return apply_user(s, st, seq, err);
	case STMT_USER_REKEY:
		return apply_rekey(s, st, seq, err);
	case STMT_ORDER_PLACED:
		return apply_placed(s, st, err);
	case STMT_SHOP_WITNESSES:
		return policy_fold(s, st, err);
	case STMT_SHOP_LOG_KEY:
		return log_key_fold(s, st, err);
	case STMT_ROLE_DEFINE:
		return role_define_apply(s, st, err);
	case STMT_SHOP_CLOCK:   /* the ledger checked its time */
		return store_meta_set(s, FOLD_META_CLOCK_FLOOR, st->id, err);
	default:
		return apply_order_change(s, st, seq, err);
	}
}

enum od_code fold_redo(struct store *s, const struct statement *st,
		       long long seq, struct od_err *err)
{
	/* The signer and their role were checked when the entry was first
	 * folded; they may have been revoked since, which does not undo what
	 * they did then. */
	if (st->kind == STMT_ORDER_PLACED)
		return apply_placed(s, st, err);
	if (st->kind == STMT_ORDER_UNCONFIRM)
		return fold_unconfirm_redo(s, st, err);
	if (!statement_kind_has_order(st->kind))
		return od_err_set(err, OD_E_INTERNAL, "only order statements "
				  "are folded again one order at a time");
	return apply_order_change(s, st, seq, err);
}
