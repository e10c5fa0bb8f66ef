/*
 * desk-dashboard.h - the owner's dashboard, read from the store and its
 * log in one operation: orders and revenue per day (per currency) for the
 * DESK_DASH_DAYS days to the newest order's, the time from placed to the
 * first parcel (median and 90th percentile), the holds by reason, and what
 * each person signed today (the desk's clock, UTC).  ui/view-dashboard.c
 * draws it.
 */
#ifndef OD_DESK_DASHBOARD_H
#define OD_DESK_DASHBOARD_H

#include "app/desk/desk.h"

#define DESK_DASH_DAYS 14
#define DESK_DASH_CURRENCIES 6     /* the busiest; the rest counted */
#define DESK_DASH_CURRENCIES_READ 64  /* told apart while reading */
#define DESK_DASH_PEOPLE 32
#define DESK_DASH_KINDS 6          /* kinds of statement kept a person */

struct desk_dash_currency {
	char code[4];
	long long per_day[DESK_DASH_DAYS];   /* minor units */
	long long total;
	long long orders;
};

struct desk_dash_person {
	char name[STMT_NAME_MAX + 1];
	long long n;                   /* statements signed today */
	struct {
		char kind[40];
		long long n;
	} kinds[DESK_DASH_KINDS];      /* in the order first seen */
	size_t nkinds;
	long long other;               /* of kinds past DESK_DASH_KINDS */
};

struct desk_dashboard {
	char today[11];                /* YYYY-MM-DD, UTC */
	char first[11], last[11];      /* the days shown ("" when no order) */
	char days[DESK_DASH_DAYS][11]; /* each of them */
	long long orders[DESK_DASH_DAYS];
	/* By orders, most first; at most DESK_DASH_CURRENCIES once read. */
	struct desk_dash_currency cur[DESK_DASH_CURRENCIES_READ];
	size_t ncur;
	long long other_cur_orders;    /* in currencies not shown */
	long long shipped;             /* orders with a parcel */
	long long median_s, p90_s;     /* placed to first parcel, seconds */
	size_t held[DESK_HOLD_REASONS];
	size_t nheld;
	struct desk_dash_person people[DESK_DASH_PEOPLE];
	size_t npeople;
	long long today_n;             /* statements signed today, by all */
};

/*
 * Reads the dashboard into *out.  Only an owner sees it: another role
 * gets OD_E_AUTH saying so.
 */
enum od_code desk_dashboard(struct desk *d, struct desk_dashboard *out,
			    struct od_err *err);

#endif
