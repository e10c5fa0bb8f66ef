/*
 * ledger-rules.h - inside the ledger: the chain rules ledger.c checks a
 * statement against before it is folded and appended (ledger-rules.c).
 */
#ifndef OD_LEDGER_RULES_H
#define OD_LEDGER_RULES_H

#include "app/log/statement.h"
#include "lib/err.h"
#include "storage/store.h"

/*
 * Checks that st follows history this log has (head: its last entry): its
 * prev names an entry here, by id and digest ("none" only for the very
 * first), and it is not dated before that entry nor before the last
 * shop.clock; a shop.clock must follow the tip and answer its time.
 */
enum od_code ledger_check_chained(struct store *s, const struct statement *st,
				  long long head, struct od_err *err);

#endif
