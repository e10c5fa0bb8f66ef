#!/usr/bin/env bash
# The list's tabs beyond the statuses (issue 13), end to end: Unpaid
# (unpaid, authorized or partly paid, not cancelled), To deliver (shipped,
# not yet delivered) and Returns (one open), each with its count, set up
# from the command line and read from the store with the rows in one pass;
# Shipped keeps delivered orders too.  At 60x16 the names shorten and the
# tabs that do not fit scroll in, ‹ › saying more are there.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

new_shop
od "$OWNER_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
for n in 1001 1002 1003; do od "$OWNER_PASS" confirm $n; done
od "$OWNER_PASS" ship 1001 --carrier DHL --tracking JD1
od "$OWNER_PASS" ship 1002 --carrier DHL --tracking JD2
od "$OWNER_PASS" deliver 1001
od "$OWNER_PASS" pay 1001 --amount 162.84
od "$OWNER_PASS" pay 1003 --amount 1.00
od "$OWNER_PASS" return open 1001 --item BAG-070:1 --reason "too small"
od "$OWNER_PASS" cancel 1005 --reason "customer asked"
expect_ok "1001 delivered, paid and returned; 1002 shipped; 1003 partly paid"

start_pane 120 30
sign_in owner "$OWNER_PASS"
screen "the desk opens with the new tabs" 'Unpaid 298 '
check "To deliver counts the shipped order not yet delivered" \
	grep -q 'To deliver 1 ' "$T/pane"
check "Returns counts the open return" grep -Eq 'Returns 1( |$)' "$T/pane"
check "Shipped counts the delivered one too" grep -q 'Shipped 2 ' "$T/pane"
tm send-keys 7
screen "7 opens Unpaid: the partly paid order is there" '^ 1003 '
check "the paid order is not" bash -c "! grep -q '^ 1001 ' '$T/pane'"
check "nor the cancelled one" bash -c "! grep -q '^ 1005 ' '$T/pane'"
check "the count line says how many" grep -Eq '[0-9]+ of 298 orders' "$T/pane"
tm send-keys 8
screen "8 opens To deliver: the shipped order" '^ 1002 .*shipped'
check "only it" grep -q '1 of 1 order' "$T/pane"
tm send-keys 9
screen "9 opens Returns: the delivered order with a return" '^ 1001 .*delivered'
tm send-keys 4
screen "Shipped shows both" '1 of 2 orders'

# A return opened while the desk is open shows without a key (the
# store's change is noticed, the rows reread with their facts).
od "$OWNER_PASS" return open 1002 --item BOOK-030:1 --reason "damaged"
expect_ok "a second return from the command line"
screen "Returns counts it without a key" 'Returns 2( |$)' 5
tm send-keys 9
screen "and lists it" '1 of 2 orders'

tm send-keys 1
tm resize-window -x 60 -y 16
screen "at 60x16 the statuses shorten" 'New 296 .*Conf 1 .*All 300'
check "the tabs that do not fit are behind ›" bash -c "head -1 '$T/pane' | grep -q '›'"
tm send-keys 8
screen "a tab past the edge scrolls into sight" '^‹.* Dlv 1 '
check "still counted" grep -q '1 of 1 order' "$T/pane"
tm send-keys 1
screen "back to the first, the bar scrolls back" '^  *New 296 '

tm send-keys q
screen "the desk ends" 'desk exit 0'
finish
