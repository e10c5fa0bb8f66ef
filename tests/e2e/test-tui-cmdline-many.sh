#!/usr/bin/env bash
# The `:` command line with several orders, end to end at 100x30:
# `:hold 1045 1046 1050 address check` and `:confirm 1001-1005` go the
# bulk way (one dialog with every statement, each signed on its own), the
# message line names what was refused and why (1050 was cancelled), a
# command none of whose orders can be signed says so before any dialog,
# and Tab completes an order number after other numbers.  What the store
# holds is checked with the CLI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

mei_shop
od_as mei "$MEI_PASS" cancel 1050 --reason "customer asked"
expect_ok "1050 is cancelled from the command line"

start_pane 100 30
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'

tm send-keys :
tm send-keys -l "hold 1045 1046 1050 address check"
tm send-keys Enter
screen "one dialog for the three orders" 'Hold 3 named orders'
check "with 1045's statement" grep -q '│ order: 1045' "$T/pane"
tm send-keys y
screen "y first shows the end: 1050 will not be signed, and why" \
	'│ not signed, order 1050: order 1050 is cancelled'
tm send-keys y
screen "then signs two and names the refused one" 'Signed 2 of 3; refused 1: 1050 \(.*cancelled'
od_as mei "$MEI_PASS" show 1045
check "the store holds 1045" grep -q 'held: address check' "$T/out"
od_as mei "$MEI_PASS" show 1046
check "and 1046, for that reason" grep -q 'held: address check' "$T/out"
od_as mei "$MEI_PASS" show 1050
check "1050 stays cancelled" grep -q 'cancelled' "$T/out"

tm send-keys :
tm send-keys -l "confirm 1001-1005"
tm send-keys Enter
screen "a range: one dialog for five" 'Confirm 5 named orders'
tm send-keys y y
screen "y signs the five" 'Signed 5 of 5 orders as mei'
od_as mei "$MEI_PASS" list --status confirmed
check "the store has 1001 to 1005 confirmed" \
	bash -c "[ \$(grep -Ec '^100[1-5] ' '$T/out') -eq 5 ]"

tm send-keys :
tm send-keys -l "confirm 1001-1003"
tm send-keys Enter
screen "none can be: said before any dialog" 'Nothing to sign: 1001 \(.*1002 \('
check "no dialog" bash -c "! grep -q 'named orders' '$T/pane'"

tm send-keys :
tm send-keys -l "release 1045 1046"
tm send-keys Enter
screen "release takes several" 'Release 2 named orders'
tm send-keys y
# A dialog that fits signs at the first y; a longer one shows its end.
wait_for 'Signed 2 of 2|y sign \(after the end\)' > /dev/null
if wait_for 'Release 2 named orders' 1; then tm send-keys y; fi
screen "and signs them" 'Signed 2 of 2 orders as mei'

tm send-keys :
tm send-keys -l "confirm 1006 100"
tm send-keys Tab
screen "Tab completes a number after a number" '1006 1007 1008 1009'
tm send-keys Escape
tm send-keys :
tm send-keys -l "note 1042 1043 boxes"
tm send-keys Enter
screen "a note is one order's: its text is not another order" '│ text: 1043 boxes'
tm send-keys n
tm send-keys q
screen "q quits" 'desk exit 0'
finish
