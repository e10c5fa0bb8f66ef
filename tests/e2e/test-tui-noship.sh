#!/usr/bin/env bash
# The screens and an order that needs no shipping (80x24): its view says
# "no shipping needed" where an address would be, and s (ship) is refused
# before any field, saying to deliver it instead; nothing is signed.  Marked
# beside an order that ships, bulk ship asks no tracking number of it and
# its dialog says why it is not signed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$ROOT/tests/e2e/data/noship/orderdesk-gift.json"
od_as mei "$MEI_PASS" confirm OD-GIFT
expect_ok "a gift card order, confirmed"

start_pane
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys 2
screen "the Confirmed tab lists it" '^ OD-GIFT '
tm send-keys Enter
screen "its view says no shipping is needed" '^ +Ship to   no shipping needed'
tm send-keys s
screen "ship is refused, saying to deliver it" \
	'order OD-GIFT needs no shipping; deliver it: .orderdesk deliver OD-GIFT.'
tm send-keys q
screen "back on the Confirmed tab" '1 of 1 order, by placed'
tm send-keys S
screen "the scanner run refuses it too" 'order OD-GIFT needs no shipping'
check "with no parcel dialog" bash -c "! grep -q 'Ship order OD-GIFT' '$T/pane'"
tm send-keys Escape
tm send-keys q
wait_for 'prompt\$' 10

# --- marked beside an order that ships ---------------------------------------
od_as mei "$MEI_PASS" import "$SAMPLE"
od_as mei "$MEI_PASS" confirm 1001
expect_ok "order 1001 from the sample, confirmed"
sign_in mei "$MEI_PASS"
tm send-keys 2
screen "the Confirmed tab lists both" '1 of 2 orders, by placed'
tm send-keys '*'
screen "* marks both" '2 marked'
tm send-keys s
screen "bulk ship asks the carrier for the one that ships" \
	'─ Ship 1 marked orders '
tm send-keys C-u
tm send-keys -l "DHL"
tm send-keys Enter
screen "and a tracking number for 1001 only" '─ Ship order 1001 \(1 of 1\) '
tm send-keys -l "JD0001"
tm send-keys Enter
screen "the dialog shows 1001's shipment" '│ kind: shipment.confirm'
check "and why OD-GIFT is not signed" \
	grep -q 'not signed, order OD-GIFT: order OD-GIFT needs no shipping' \
	"$T/pane"
check "no tracking was asked of OD-GIFT" \
	bash -c "! grep -q 'Ship order OD-GIFT' '$T/pane'"
tm send-keys Escape
screen "Esc signs nothing" 'Nothing signed'
tm send-keys q
wait_for 'prompt\$' 10

od_as mei "$MEI_PASS" list --format csv
check "it is still confirmed: nothing was signed" \
	grep -q '^OD-GIFT,.*confirmed' "$T/out"
check "nor for 1001" grep -q '^1001,.*confirmed' "$T/out"
finish
