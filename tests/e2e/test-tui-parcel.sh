#!/usr/bin/env bash
# Partial shipments (80x24): the ship dialog's Items field holds every unit
# left (Tab reaches it; the tracking's Enter accepts it as it is), edited
# down to a parcel in the single and the bulk flow; the list shows a partly
# shipped order as "2/5 shipped"; the command line and the desk say
# "parcel for order 1009 (1 of 5 items)… the order stays confirmed".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
for n in 1009 1010 1011; do od_as mei "$MEI_PASS" confirm $n; done
expect_ok "1009, 1010 and 1011 are confirmed"
# 1009: RAMEN-052 2, BAG-070 2, PEN-060 1 (5 units).
od_as mei "$MEI_PASS" ship 1009 --carrier DHL --tracking JD1 --item PEN-060
expect_ok "a parcel of one item of 1009 from the command line"
check "the CLI says it is a parcel and the order stays confirmed" \
	grep -q '^Parcel for order 1009 (1 of 5 items) with DHL, tracking JD1, signed by mei (log entry [0-9]*); the order stays confirmed, 4 items left to ship.$' "$T/out"

start_pane
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys 2
screen "the Confirmed tab shows 1009 as partly shipped" '^ 1009 .* 1/5 shipped'
check "and 1010 as confirmed" grep -Eq '^ 1010 .* confirmed' "$T/pane"

tm send-keys s
screen "s asks for the parcel" '─ Ship order 1009 '
check "the items left are filled in" grep -q 'Items .*RAMEN-052 2, BAG-070 2' "$T/pane"
check "the hint says Tab reaches them" grep -q 'Items: Tab' "$T/pane"
tm send-keys -l "DHL"
tm send-keys Enter
tm send-keys -l "JD2"
tm send-keys Tab C-u
tm send-keys -l "RAMEN-052 1"
tm send-keys Enter
screen "the statement ships what was asked" '│ item: RAMEN-052 1'
check "nothing else" bash -c "! grep -q 'item: BAG-070' '$T/pane'"
tm send-keys y
screen "the desk says it is a parcel" 'Parcel for order 1009 \(1 of 5 items\)'
tm send-keys M
screen "whole in the message history" 'the order stays confirmed, 3 left to ship'
tm send-keys Escape
screen "the list counts the parcels" '^ 1009 .* 2/5 shipped'

# Items that do not fit are said before anything is shown to sign.
tm send-keys s
screen "s again, the carrier remembered" '│ Carrier +DHL'
tm send-keys -l "JD3"
tm send-keys Tab C-u
tm send-keys -l "BAG-070 3"
tm send-keys Enter
screen "more than is left is refused" 'items: only 2 of BAG-070 are left to ship in order 1009'
tm send-keys s
screen "s once more" '─ Ship order 1009 '
tm send-keys -l "JD3"
tm send-keys Enter
screen "Enter after the tracking takes every unit left" '│ item: BAG-070 2'
check "with the ramen left" grep -q '│ item: RAMEN-052 1' "$T/pane"
tm send-keys y
screen "the last parcel ships the order" 'Order 1009 shipped: DHL JD3'
od_as mei "$MEI_PASS" show 1009
check "the store holds 1009 shipped in three parcels" bash -c "grep -Eq '^Order 1009 .*shipped' '$T/out' && grep -q 'DHL JD1' '$T/out' && grep -q 'DHL JD2' '$T/out' && grep -q 'DHL JD3' '$T/out'"

# The bulk flow: one of two marked orders shipped in part.
tm send-keys g Space Space
screen "1010 and 1011 marked" '2 marked'
tm send-keys s
screen "the carrier once" 'Ship 2 marked orders'
tm send-keys Enter
screen "1010's parcel" '─ Ship order 1010 \(1 of 2\)'
od_as mei "$MEI_PASS" show 1010
sku=$(awk '/^Items/{getline; print $1; exit}' "$T/out")
tm send-keys -l "JD10"
tm send-keys Tab C-u
tm send-keys -l "$sku 1"
tm send-keys Enter
screen "1011's parcel" '─ Ship order 1011 \(1 of 2\)|─ Ship order 1011 \(2 of 2\)'
tm send-keys -l "JD11"
tm send-keys Enter
screen "both statements" '2 statements, one per order'
tm send-keys y
wait_for '│ order: 1011'
tm send-keys y
screen "both signed" 'Signed 2 of 2 orders'
od_as mei "$MEI_PASS" show 1010
check "1010 stays confirmed with one parcel" bash -c "grep -Eq '^Order 1010 .*confirmed' '$T/out' && grep -q 'DHL JD10' '$T/out'"
od_as mei "$MEI_PASS" show 1011
check "1011 is shipped whole" grep -Eq '^Order 1011 .*shipped' "$T/out"
screen "the list shows 1010 partly shipped" '^ 1010 .* 1/16 ship *$'
tm send-keys q
wait_for 'desk exit 0'

tm kill-server
finish
