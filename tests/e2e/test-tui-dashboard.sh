#!/usr/bin/env bash
# The owner's dashboard (D), end to end at 100x45: orders per day and
# revenue per day by currency drawn with block characters, placed to first
# parcel, holds by reason, and what each person signed today, all as the
# store holds them; another role's D says in one line that it is the
# owner's, and their help does not offer it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

mei_shop
od_as mei "$MEI_PASS" hold 1045 --reason "incorrect address: no flat number"
od_as mei "$MEI_PASS" hold 1046 --reason "awaiting payment"
od_as mei "$MEI_PASS" hold 1047 --reason "awaiting payment"
od_as mei "$MEI_PASS" confirm 1001
od_as mei "$MEI_PASS" ship 1001 --carrier DHL --tracking JD0001
expect_ok "mei holds three, confirms and ships one"

start_pane 100 45
sign_in owner "$OWNER_PASS"
screen "the owner's desk opens" '^ owner \(owner\) │'
tm send-keys '?'
screen "help offers D to the owner" ' D +dashboard'
tm send-keys Escape
tm send-keys D
screen "D opens the dashboard" 'orderdesk · dashboard'
check "orders per day, to the newest order's day" \
	grep -q 'Orders per day, 2026-10-31 to 2026-11-13' "$T/pane"
check "drawn with block characters" grep -Eq '^ +[ ▁▂▃▄▅▆▇█]{28}$' "$T/pane"
check "every order counted" grep -q '300 orders in 14 days' "$T/pane"
check "revenue per currency, the busiest first" \
	grep -Eq '^ +EUR +[ ▁▂▃▄▅▆▇█]{28} +25872.91 EUR, 100 orders' "$T/pane"
check "placed to first parcel" bash -c "grep -q 'Placed to first parcel, 1 order shipped' '$T/pane' && grep -Eq 'median [0-9]+ days' '$T/pane'"
check "holds by reason" bash -c "grep -Eq 'awaiting payment +█+ 2' '$T/pane' && grep -Eq 'incorrect address +█+ 1' '$T/pane' && grep -Eq 'out of stock +0' '$T/pane'"
check "today by person" grep -Eq '^ +mei +30[0-9] .*order.hold 3' "$T/pane"
tm send-keys Escape
screen "Esc goes back to the orders" '^ NUMBER'
tm send-keys q
screen "the owner quits" 'desk exit 0'

sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys D
screen "mei's D says whose it is" "The dashboard \(D\) is the owner's"
tm send-keys '?'
screen "mei's help" ' = +choose columns'
check "does not offer D" bash -c "! grep -q ' D  *dashboard' '$T/pane'"
tm send-keys Escape q
screen "mei quits" 'desk exit 0'
finish
