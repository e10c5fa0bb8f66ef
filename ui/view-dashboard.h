/*
 * view-dashboard.h - the owner's dashboard (D on the orders): orders and
 * revenue per day, placed to shipped, holds by reason, today by person,
 * drawn as text with Unicode block characters in a text view.
 */
#ifndef OD_UI_VIEW_DASHBOARD_H
#define OD_UI_VIEW_DASHBOARD_H

#include "ui/view.h"

struct orders_st;

/* D: opens the dashboard for an owner; another role is told in one line
 * that it is the owner's. */
enum ui_next dashboard_key(struct orders_st *O, struct ui *u, int key,
			   int kind);

#endif
