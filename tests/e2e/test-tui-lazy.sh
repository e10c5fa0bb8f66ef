#!/usr/bin/env bash
# A big shop's desk (issue 11): past ORDERDESK_INDEX_EAGER orders the desk
# does not read every order at unlock.  Its list pages from the store;
# only a tab the store cannot page (Unpaid, a saved view, a :filter) reads
# them, when first opened, and its count shows from then on.  Here the
# bound is 100 and the sample shop has 300 orders.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

new_shop
od "$OWNER_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
od "$OWNER_PASS" hold 1003 --reason "customer asked to wait"
expect_ok "1003 is held"
od "$OWNER_PASS" list --search "García"
GARCIA=$(($(wc -l < "$T/out") - 1))
check "some orders are García's" test "$GARCIA" -gt 2
od "$OWNER_PASS" list --filter "status:new total:>300"
BIG=$(($(wc -l < "$T/out") - 1))

export ORDERDESK_INDEX_EAGER=100
start_pane 150 30
sign_in owner "$OWNER_PASS"
screen "the desk opens with the store's counts" 'New 299 .*All 300 '
check "Unpaid shows no count: the orders are not read" \
	grep -Eq 'All 300 +Unpaid +To deliver 0' "$T/pane"
tm send-keys 6 G
screen "G: the last of the list" '300 of 300 orders'
tm send-keys k
screen "k: one up" '299 of 300 orders'
tm send-keys g
screen "g: the first" '1 of 300 orders'
tm send-keys NPage
screen "a page down" '27 of 300 orders'
tm send-keys -l "/García"
tm send-keys Enter
screen "a search pages its hits" "1 of $GARCIA orders matching /García"
for _ in $(seq 2 "$GARCIA"); do tm send-keys n; done
screen "n walks them" "$GARCIA of $GARCIA orders matching"
tm send-keys n
screen "and past the last goes round" 'Past the last match: back at the first'
tm send-keys j k
screen "to the first" "1 of $GARCIA orders matching"
tm send-keys Escape
tm send-keys 3
screen "the Held tab pages too" '1 of 1 order,'
check "with 1003's reason" grep -Eq '^ *1003 .*customer asked' "$T/pane"
tm send-keys 7
screen "Unpaid reads the orders, and counts" 'Unpaid [0-9]+ '
check "and keeps 1003 selected, the third unpaid" \
	grep -Eq '3 of [0-9]+ orders' "$T/pane"
tm send-keys 6
screen "the count stays on the other tabs" 'All 300 +Unpaid [0-9]+ '
tm send-keys :
tm send-keys -l "filter status:new total:>300"
tm send-keys Enter
screen "a :filter works on the orders read" "All $BIG "
tm send-keys Escape
screen "Esc clears it" 'Filter cleared'
tm send-keys G
screen "paged again" '300 of 300 orders'
# Another command holding the store (an import, here flock) when a tab
# changes: said so, and the selected order kept for when it is done.
tm send-keys 6 g j j j
screen "1004 selected on All" '4 of 300 orders'
flock -x "$STORE/lock" sleep 3 &
locker=$!
sleep 0.5
tm send-keys 1
screen "a busy store is said" 'Another command is using the store'
wait "$locker"
tm send-keys j k
screen "then New keeps 1004 selected" '3 of 299 orders'
# Text the search refuses (a right-to-left override) is said, and the
# next tab shows what it should, not the last list under its name.
tm send-keys -l "/Ga"$'\u202e'
tm send-keys Enter
screen "a refused search is said" 'search text'
tm send-keys 3
screen "the Held tab then lists 1003 alone" '1 of 1 order,'
tm send-keys q
screen "q quits" 'desk exit 0'
finish
