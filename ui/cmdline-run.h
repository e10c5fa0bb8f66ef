/*
 * cmdline-run.h - reading the `:` command line on a screen and signing
 * what it asks (cmdline.c); the words are cmdline.h's.
 */
#ifndef OD_UI_CMDLINE_RUN_H
#define OD_UI_CMDLINE_RUN_H

#include "ui/cmdline.h"
#include "ui/view.h"

/*
 * Reads a command at the bottom row into buf (cap bytes): the line
 * editor's keys, Tab completes a verb or the number of an order of the
 * list's tab, read from the store (desk_numbers; the candidates show
 * above the line), Enter runs, Esc (or Backspace on an empty line)
 * cancels.  Returns 1 for Enter.
 */
int cmdline_read(struct ui *u, char *buf, size_t cap);

/*
 * Signs the acting command c (typed as typed): the role and the order's
 * state are checked first, then the statement is shown as it will be
 * signed, and y signs.  The message line says what happened.  Returns 1
 * when something was signed.
 */
int cmdline_act(struct ui *u, const struct cmdline *c, const char *typed);

/*
 * `:` on a screen other than the list: reads a command and signs what it
 * asks (cmdline_act); :filter is the list's.  Returns 1 when something
 * was signed, 2 when the command names an order to open (its number in
 * open: the caller opens it), else 0.
 */
int cmdline_prompt(struct ui *u, char open[STMT_ORDER_MAX + 1]);

#endif
