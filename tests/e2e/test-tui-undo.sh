#!/usr/bin/env bash
# z at the desk, end to end at 100x30: it undoes the person's own last
# action here since unlock by signing its inverse, shown before y like
# every statement (a confirmation taken back as an order.unconfirm naming
# it, a hold released); each z goes one further back; what cannot be
# undone, or no longer can (a parcel shipped from the command line, ten
# minutes gone by the desk's clock), is said in one line before any
# dialog.  The log keeps both statements; the CLI checks the store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"
command -v faketime > /dev/null || { not_ok "this test needs faketime"; exit 1; }

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"

# kinds NUMBER: the kinds of the order's log entries, in order.
kinds() {
	od_as mei "$MEI_PASS" log --order "$1" --format json
	jq -r '[.[].kind] | join(" ")' "$T/out"
}

# status NUMBER: the order's status in the store.
status() {
	od_as mei "$MEI_PASS" list --status all --format json
	jq -r --arg n "$1" '.[] | select(.number == $n) | .status' "$T/out"
}

# pick NUMBER: selects the order with a search (Esc clears it later).
pick() {
	tm send-keys /
	tm send-keys -l "$1"
	tm send-keys Enter
}

# The desk's clock follows a file, so the test moves it on instead of
# waiting ten minutes (its timers keep the real monotonic clock).
echo "+0" > "$T/clock"
FT_LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2> /dev/null | head -1)
start_pane 100 30
tm send-keys -l "clear; ASAN_OPTIONS=verify_asan_link_order=0 FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_NO_CACHE=1 FAKETIME_TIMESTAMP_FILE=$T/clock LD_PRELOAD=$FT_LIB $OD --store $STORE --user mei; echo \"desk exit \$?\""
tm send-keys Enter
wait_for 'Who are you' 10
tm send-keys Enter
wait_for "Passphrase for mei" 5
tm send-keys -l "$MEI_PASS"
tm send-keys Enter
screen "mei's desk opens" '^ mei \(shopkeeper\) │'

tm send-keys '?'
screen "help offers z, and says what it undoes" '^ +z +undo last hold/confirm \(10 min\)'
tm send-keys Escape
tm send-keys z
screen "z with nothing signed says so in one line" \
	'Nothing to undo: you have signed nothing at this desk since you unlocked it'

# --- a confirmation, taken back ------------------------------------------
pick 1001
tm send-keys c
screen "c shows the confirmation" '│ kind: order.confirm'
tm send-keys y
screen "y confirms 1001" 'Order 1001 confirmed, signed by mei'
tm send-keys Escape z
screen "z shows the inverse before y" 'Undo the confirmation of order 1001'
check "an order.unconfirm of 1001" bash -c "grep -q '│ kind: order.unconfirm' '$T/pane' && grep -q '│ order: 1001' '$T/pane'"
check "naming the confirmation it takes back" grep -Eq '│ undoes: [0-9a-f]{32}' "$T/pane"
tm send-keys y
screen "y signs it" 'Undone: the confirmation of order 1001, signed by mei \(log entry [0-9]+\); the log keeps both'
check "1001 is new again in the store" test "$(status 1001)" = new
check "and its log keeps both statements" \
	test "$(kinds 1001)" = "order.placed order.confirm order.unconfirm"

# --- a hold, released; then z again: nothing left -------------------------
pick 1002
tm send-keys H
screen "H asks why 1002 is held" 'Hold order 1002'
tm send-keys Enter Enter
screen "the hold is shown" '│ kind: order.hold'
tm send-keys y
screen "y holds it" 'Order 1002 put on hold, signed by mei'
tm send-keys Escape z
screen "z offers to release it" 'Undo the hold of order 1002'
check "as an order.release saying it is an undo" bash -c "grep -q '│ kind: order.release' '$T/pane' && grep -Eq '│ reason: undo of hold [0-9a-f]{32}' '$T/pane'"
tm send-keys y
screen "y releases it" 'Undone: the hold of order 1002'
tm send-keys z
screen "each z went back one: nothing is left" 'Nothing to undo'

# --- two marked orders confirmed at once: one z each, newest first ---------
tm send-keys Escape g Space Space c
screen "c on two marked orders" 'Confirm 2 marked orders'
# y goes to the end first when the statements do not fit; then it signs.
shows 'after the end' && tm send-keys y
tm send-keys y
screen "both are confirmed" 'Signed 2 of 2'
tm send-keys z
screen "z takes back the last of them first" 'Undo the confirmation of order 1002'
tm send-keys y
screen "1002 is taken back" 'Undone: the confirmation of order 1002'
tm send-keys z
screen "the next z the one before" 'Undo the confirmation of order 1001'
tm send-keys y
screen "1001 is taken back" 'Undone: the confirmation of order 1001'
check "both are new again" test "$(status 1001) $(status 1002)" = "new new"

# --- held again by someone else since: not undone over them ---------------
pick 1007
tm send-keys H Enter Enter
screen "the hold of 1007 is shown" '│ order: 1007'
tm send-keys y
screen "1007 held" 'Order 1007 put on hold, signed by mei'
od_as owner "$OWNER_PASS" release 1007
od_as owner "$OWNER_PASS" hold 1007 --reason "owner's own check"
expect_ok "the owner releases 1007 and holds it again from the command line"
tm send-keys Escape z
screen "z will not release the owner's hold" \
	'Undo: order 1007 had another order.hold since yours, by owner'

# --- a lock ends the session: nothing to undo after it ---------------------
tm send-keys L
wait_for 'Who are you' 10
tm send-keys Enter
wait_for "Passphrase for mei" 5
tm send-keys -l "$MEI_PASS"
tm send-keys Enter
screen "mei unlocks again" '^ mei \(shopkeeper\) │'
tm send-keys z
screen "z after a lock: nothing of this session to undo" 'Nothing to undo'

# --- what cannot be undone ------------------------------------------------
pick 1003
tm send-keys x
screen "x asks for a reason" 'Cancel order 1003'
tm send-keys -l "customer asked"
tm send-keys Enter
screen "the cancellation is shown" '│ kind: order.cancel'
tm send-keys y
screen "y cancels it" 'Order 1003 cancelled, signed by mei'
tm send-keys Escape z
screen "z says a cancellation cannot be undone, and what would do" \
	'Your last action, the cancellation of order 1003, cannot be undone: place the order again'
check "no dialog" bash -c "! grep -q 'order.unconfirm\|Undo the' '$T/pane'"

# --- no longer: a parcel shipped from the command line, or too late ------
pick 1004
tm send-keys c
screen "c on 1004" '│ order: 1004'
tm send-keys y
screen "1004 confirmed" 'Order 1004 confirmed, signed by mei'
od_as mei "$MEI_PASS" ship 1004 --carrier DHL --tracking JD1 --item MUG-011:1
expect_ok "a parcel of 1004 ships from the command line"
tm send-keys Escape z
screen "z says the parcel left, before any dialog" \
	'Undo: order 1004 has shipped parcels; its confirmation cannot be taken back'
pick 1005
tm send-keys c
screen "c on 1005" '│ order: 1005'
tm send-keys y
screen "1005 confirmed" 'Order 1005 confirmed, signed by mei'
echo "+11m" > "$T/clock"
tm send-keys Escape z
screen "eleven minutes later by the desk's clock, z says it is too late" \
	'Undo: order 1005 was confirmed 11 minutes before this; the limit is 10: cancel or hold it instead'
check "1005 stays confirmed" test "$(status 1005)" = confirmed
echo "+0" > "$T/clock"

# --- in the order view ----------------------------------------------------
pick 1006
tm send-keys Enter
screen "1006 opens" 'Order 1006'
tm send-keys c
screen "c in the order view" '│ kind: order.confirm'
tm send-keys y
screen "1006 confirmed" 'Order 1006 confirmed'
tm send-keys z
screen "z in the order view shows the inverse" 'Undo the confirmation of order 1006'
tm send-keys y
screen "the history shows the unconfirm" 'order.unconfirm'

# --- someone else's confirmation: :unconfirm, as the command line ----------
od_as owner "$OWNER_PASS" confirm 1008
expect_ok "the owner confirms 1008 from the command line"
tm send-keys q :
tm send-keys -l "unconfirm 1008"
tm send-keys Enter
screen ":unconfirm shows the statement before y" '│ kind: order.unconfirm'
check "about 1008" grep -q '│ order: 1008' "$T/pane"
tm send-keys y
screen "y takes the owner's confirmation back" \
	'Order 1008 unconfirmed \(new again\), signed by mei'
check "1008 is new" test "$(status 1008)" = new
od_as owner "$OWNER_PASS" audit verify
expect_ok "audit verify replays the desk's log"
tm send-keys q
wait_for 'desk exit 0'

tm kill-server
finish
