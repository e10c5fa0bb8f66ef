/*
 * records.h - the plain records the store keeps: an order with its items, a
 * user, a log entry.  Storage reads and writes them; the app layer gives them
 * meaning (app/log/order.h validates orders and turns them into statements).
 * They live here so that the arrows stay one way: app -> storage.
 */
#ifndef OD_RECORDS_H
#define OD_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#define ORDER_MAX_LINES   4          /* address lines */

enum order_status {
	ORDER_NEW,
	ORDER_CONFIRMED,
	ORDER_HELD,
	ORDER_SHIPPED,
	ORDER_CANCELLED,
	ORDER_DELIVERED,       /* after shipped: the carrier delivered it */
	ORDER_STATUS_COUNT
};

/* How an order arrived, as far as money goes (order.placed's payment). */
enum order_arrival {
	ARRIVAL_UNPAID,
	ARRIVAL_AUTHORIZED,    /* the storefront holds the card's money */
	ARRIVAL_PAID,          /* paid in full when placed */
	ARRIVAL_COD,           /* cash on delivery */
	ARRIVAL_COUNT
};

struct order_item {
	char *sku;
	char *name;
	long long qty;
	long long unit_price;  /* minor units */
	long long shipped;     /* quantity shipped so far */
};

struct order {
	char *number;
	char *placed_at;       /* YYYY-MM-DDTHH:MM:SSZ */
	char currency[4];      /* ISO 4217, upper case */
	char *customer_name;
	char *email;           /* may be "" */
	char *phone;           /* may be "" */
	char *ship_name;
	char *ship_lines[ORDER_MAX_LINES];
	size_t nlines;
	char *city;
	char *postcode;        /* may be "" */
	char country[3];       /* ISO 3166 alpha-2, upper case */
	struct order_item *items;
	size_t nitems;
	long long shipping;    /* minor units, 0 if none */
	long long tax;
	long long discount;
	long long total;       /* minor units: items + shipping + tax -
				  discount */
	char *note;            /* may be "" */
	enum order_arrival arrival;

	/* State, from the fold; zero for an order not yet placed. */
	enum order_status status;
	enum order_status held_from;  /* the status a release returns to */
	char *reason;          /* cancel or hold reason, or NULL */
	long long paid;        /* money received so far, minor units */
	long long refunded;    /* money given back so far */
};

/*
 * What a list of orders shows of each, all of it in one covering index
 * (orders_list), so a listing never reads the orders themselves.  The
 * strings are borrowed: valid only during the callback that is given them.
 */
struct order_brief {
	const char *number;
	const char *placed_at;
	const char *customer_name;
	char currency[4];
	long long total;
	size_t nitems;
	enum order_status status;
	enum order_arrival arrival;    /* money beyond the total (issue 13) */
	long long paid, refunded;
	int open_return;               /* a return open or received, not
					  yet closed (store_order_brief_one
					  only) */
};

/* Frees an order and everything it owns; NULL is a no-op. */
void record_order_free(struct order *o);

/* A person of the shop, as the fold of the log has made them. */
struct user_record {
	char name[33];
	char role[16];              /* "owner", "shopkeeper", "staff" */
	uint8_t pubkey[32];         /* Ed25519 */
	char fingerprint[72];       /* "sha256:" + hex */
	int active;                 /* 0 once revoked */
	long long added_seq;        /* log position of their user.add */
};

/* One entry of the hash-chained log. */
struct log_record {
	long long seq;              /* 1, 2, 3, ... */
	const char *statement;      /* exact signed bytes (borrowed) */
	size_t statement_len;
	uint8_t signature[64];
	uint8_t hash[32];           /* SHA-256(prev ‖ seq ‖ statement ‖ sig) */
	uint8_t digest[32];         /* SHA-256(statement): the entry's
				       name, whatever its position */
};

/* A shipment (one parcel) of an order. */
struct shipment_record {
	long long seq;
	const char *carrier;        /* borrowed */
	const char *tracking;
	const char *items;          /* "SKU QTY" entries joined by ", " */
};

/* A parcel of an order and its delivery; strings borrowed. */
struct parcel_record {
	long long ship_seq;         /* its shipment.confirm */
	const char *carrier;
	const char *tracking;
	const char *items;
	long long delivered_seq;    /* its shipment.deliver; 0 if none yet */
	const char *delivered_at;   /* that statement's time; "" if none */
};

/* The units of one SKU accepted returns put back on the shelf. */
struct stock_record {
	const char *sku;            /* borrowed */
	long long units;
	long long returns;          /* how many returns they came back in */
};

/* Money received for an order, or given back. */
struct payment_record {
	long long seq;
	int refund;                 /* 0: received, 1: refunded */
	long long amount;           /* minor units, > 0 */
	const char *actor;          /* borrowed */
	const char *time;
	const char *method;         /* received: card, bank, ...; else "" */
	const char *reason;         /* refunded: why; else "" */
	const char *items;          /* refunded: "SKU QTY" joined by ", " */
	const char *reference;      /* may be "" */
};

/* Where a return stands. */
enum return_state {
	RETURN_OPEN,
	RETURN_RECEIVED,
	RETURN_ACCEPTED,
	RETURN_REJECTED,
	RETURN_STATE_COUNT
};

/* A return (RMA) of an order; strings borrowed. */
struct return_record {
	const char *rma;            /* ORDER-Rn */
	long long seq;              /* its return.open */
	enum return_state state;
	const char *reason;         /* why it was opened */
	const char *items;          /* "SKU QTY" joined by ", " */
	const char *condition;      /* "" until received */
	const char *received;       /* "SKU QTY [SERIAL]" joined by ", " */
	const char *note;           /* why wrong-item, or why rejected */
};

/* A note on an order. */
struct note_record {
	long long seq;
	const char *actor;          /* borrowed */
	const char *time;
	const char *text;
};

#endif
