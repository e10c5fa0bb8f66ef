#!/usr/bin/env bash
# The desk says what it will refuse before the first field, end to end at
# 80x24: shipping a new order, confirming marked orders that are shipped,
# demoting or revoking the only owner; and a key the role may not use
# says so in one line instead of doing nothing.  Nothing is signed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"
SAM_PASS="sam passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as owner "$OWNER_PASS" user add sam --role staff --new-passphrase-fd 4 4< <(echo "$SAM_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
od_as mei "$MEI_PASS" confirm 1002
od_as mei "$MEI_PASS" ship 1002 --carrier DHL --tracking JD0001
expect_ok "1002 is confirmed and shipped from the command line"
od_as owner "$OWNER_PASS" log
entries=$(grep -c . "$T/out")

start_pane
sign_in sam "$SAM_PASS"
screen "sam's desk opens" '^ sam \(staff\) │'
tm send-keys 1 g c
screen "c says the role may not, and who may" \
	'Your role \(staff\) may not confirm orders; owner and shopkeeper may'
tm send-keys H
screen "so does H" 'Your role \(staff\) may not hold orders; owner and shopkeeper may'
tm send-keys A
screen "and A" 'Only an owner sees the audit history'
tm send-keys s
screen "shipping a new order is refused before the carrier is asked" \
	'order 1001 is new; only confirmed orders can ship'
check "no dialog opened" bash -c "! grep -q 'Carrier' '$T/pane'"
tm send-keys q
wait_for 'desk exit 0'

sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys 4 g Space
screen "the shipped 1002 is marked" '1 marked'
tm send-keys c
screen "confirming marked shipped orders is refused before any dialog" \
	'Nothing to sign: 1002 \(order 1002 is shipped; it cannot be confirmed\)'
check "no statement shown" bash -c "! grep -q 'You are about to sign' '$T/pane'"
tm send-keys q
wait_for 'desk exit 0'

sign_in owner "$OWNER_PASS"
screen "the owner's desk opens" '^ owner \(owner\) │'
tm send-keys P
screen "the people" 'orderdesk · people · 3'
tm send-keys j
screen "the owner selected" '^ owner +owner +active'
tm send-keys x
screen "revoking the only owner is refused before the statement" \
	"owner is the shop's only owner; make someone else owner first"
check "no statement shown" bash -c "! grep -q 'You are about to sign' '$T/pane'"
tm send-keys r
screen "so is demoting them, before the role is asked" \
	"owner is the shop's only owner; make someone else owner first"
check "no form opened" bash -c "! grep -q 'New role for' '$T/pane'"
tm send-keys Escape q
wait_for 'desk exit 0'

od_as owner "$OWNER_PASS" log
check "nothing was signed" test "$(grep -c . "$T/out")" -eq "$entries"

tm kill-server
finish
