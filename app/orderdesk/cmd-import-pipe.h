/*
 * cmd-import-pipe.h - the signing half of `orderdesk import` as a
 * pipeline: one thread reads the checked file's orders again (or the kept
 * ones), decides each against the shop and makes its statements; the
 * calling thread signs (on every core, ledger_append_many) and stores them
 * in rounds, in one transaction.  The two meet in a bounded queue, so
 * memory stays flat however long the file is.
 */
#ifndef OD_CMD_IMPORT_PIPE_H
#define OD_CMD_IMPORT_PIPE_H

#include <stddef.h>

#include "app/import/import.h"
#include "app/import/import-update.h"
#include "app/shop/shop.h"

/*
 * The next order of the file and what the file said of it; *o NULL at the
 * end.  Called on the reading thread only; what it hands out stays good
 * until the next call.
 */
typedef enum od_code (*import_pipe_next_fn)(void *ctx, const struct order **o,
					    const struct import_meta **m,
					    struct od_err *err);

/*
 * Signs and stores what each of the file's orders needs against sh, in
 * one durable transaction: all of it lands or none does.  Every decision
 * is made inside the transaction's hold on the shop (the reading thread
 * uses a connection of its own, which sees the shop as the transaction
 * found it: the file's order numbers are unique, so no order's decision
 * hangs on another's).  The file must give exactly orders orders, as the
 * check found, else "the import file changed".  The entries, their order
 * and their texts are those of deciding and signing one order after the
 * other.  *tally gets what was done, *first the seq of the first entry
 * (0 when nothing was signed).
 */
enum od_code import_pipe_run(struct shop *sh, import_pipe_next_fn next,
			     void *ctx, size_t orders,
			     struct import_tally *tally, long long *first,
			     struct od_err *err);

#endif
