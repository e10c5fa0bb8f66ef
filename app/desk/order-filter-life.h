/*
 * order-filter-life.h - the filter language's terms for the rest of an
 * order's life (issue 13): its money, its delivery and its returns.
 * Each term's value is a set of bits; an order matches when what it is
 * falls in the set.  For order-filter.c only.
 */
#ifndef OD_ORDER_FILTER_LIFE_H
#define OD_ORDER_FILTER_LIFE_H

/* paid:NAME[,NAME...]: a set of enum pay_state bits; 0 when malformed. */
unsigned filter_paid_parse(const char *v);

/* delivered:yes|no: a set of enum order_status bits; 0 when malformed. */
unsigned filter_delivered_parse(const char *v);

/* return:open|closed|none[,...]: FILTER_RETURN_* bits; 0 when malformed. */
unsigned filter_return_parse(const char *v);

/*
 * Whether an order whose returns may be any of known (FILTER_RETURN_*
 * bits; 0: not known) passes a return term of set want: 1, 0, or -1 when
 * it cannot be said without reading the order's returns.
 */
int filter_return_ok(unsigned want, unsigned known);

#endif
