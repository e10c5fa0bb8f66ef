/*
 * view-audit-events.h - the backend's security events on the owner's
 * audit screen (view-audit-events.c): a banner line at a glance and a key
 * that opens the whole summary.  Others than the owner see nothing.
 */
#ifndef OD_VIEW_AUDIT_EVENTS_H
#define OD_VIEW_AUDIT_EVENTS_H

#include <stddef.h>

#include "ui/view.h"

#define AUDIT_EVENTS_KEY 'B'
#define AUDIT_BANNER_MAX 400

/* The banner's words ("backend: 37 refused handshakes from …") into out;
 * "" for anyone but the owner, or before the first summary. */
void audit_events_banner(struct ui *u, char *out, size_t size);

/* Draws banner on row y, cut to the screen with "… — B for details" kept
 * whole at its end. */
void audit_events_draw(struct ui *u, int y, const char *banner);

/* Opens the whole summary as a page of text. */
enum ui_next audit_events_open(struct ui *u);

#endif
