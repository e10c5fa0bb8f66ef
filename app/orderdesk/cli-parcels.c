/*
 * cli-parcels.c - an order's parcels and their delivery, as `show` prints
 * them and `deliver` reports them.
 */
#include "app/orderdesk/cli.h"

#include <string.h>

#include "app/desk/desk.h"

/* Finds the delivery of the parcel shipped at ctx->ship_seq. */
struct parcel_look {
	long long ship_seq;
	long long delivered_seq;
	char at[32];
	size_t parcels, delivered;
};

static enum od_code look_parcel(void *ctx, const struct parcel_record *r,
				struct od_err *err)
{
	struct parcel_look *l = ctx;

	(void)err;
	l->parcels++;
	l->delivered += r->delivered_seq != 0;
	if (r->ship_seq == l->ship_seq) {
		l->delivered_seq = r->delivered_seq;
		snprintf(l->at, sizeof l->at, "%s", r->delivered_at);
	}
	return OD_OK;
}

enum od_code cli_show_parcels(struct cli *c, struct shop *sh,
			      const struct desk_detail *dd, struct od_err *err)
{
	struct parcel_look l;
	enum od_code rc = OD_OK;
	size_t i;

	fprintf(c->out, "Shipments\n");
	for (i = 0; i < dd->nshipments && rc == OD_OK; i++) {
		memset(&l, 0, sizeof l);
		l.ship_seq = dd->shipments[i].seq;
		rc = store_parcel_each(sh->store, dd->order->number,
				       look_parcel, &l, err);
		fprintf(c->out, "  parcel (entry %lld): %s %s: %s\n",
			dd->shipments[i].seq, dd->shipments[i].carrier,
			dd->shipments[i].tracking, dd->shipments[i].items);
		if (l.delivered_seq != 0)
			fprintf(c->out, "    delivered (entry %lld) %s\n",
				l.delivered_seq, l.at);
		/* A store from before parcels were delivered one by one
		 * kept only the order's delivery. */
		else if (dd->order->status == ORDER_DELIVERED)
			fprintf(c->out, "    delivered with the order\n");
		else
			fprintf(c->out, "    not delivered yet\n");
	}
	return rc;
}

enum od_code cli_parcels_delivered(struct shop *sh, const char *number,
				   size_t *delivered, size_t *parcels,
				   struct od_err *err)
{
	struct parcel_look l;
	enum od_code rc;

	memset(&l, 0, sizeof l);
	rc = store_parcel_each(sh->store, number, look_parcel, &l, err);
	*delivered = l.delivered;
	*parcels = l.parcels;
	return rc;
}
