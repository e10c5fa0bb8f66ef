#!/usr/bin/env bash
# Hold and release at the desk, end to end at 80x24: H holds the selected
# order (or the marked ones) for one of Shopify's reasons plus details,
# shown in the statement before y; the Held tab shows each hold's reason
# and counts them by reason; R releases, also an order held from the
# command line.  What the store holds is checked with the CLI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
od_as mei "$MEI_PASS" hold 1003 --reason "customer asked to wait"
expect_ok "1003 is held from the command line"

start_pane
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys '?'
screen "help offers hold and release" '^ +H +hold'
check "and release" grep -Eq '^ +R +release' "$T/pane"
tm send-keys Escape

tm send-keys g H
screen "H asks why order 1001 is held" 'Hold order 1001'
check "from the fixed reasons, the first chosen" grep -qF 'awaiting payment ▸  (1 of 5)' "$T/pane"
tm send-keys i
screen "a letter picks the reason" 'incorrect address ▸ +\(3 of 5\)'
tm send-keys Enter
tm send-keys -l "no flat number"
tm send-keys Enter
screen "the statement shows the reason before y" '│ reason: incorrect address: no flat number'
check "an order.hold of 1001" bash -c "grep -q '│ kind: order.hold' '$T/pane' && grep -q '│ order: 1001' '$T/pane'"
tm send-keys y
screen "y holds it" 'Order 1001 put on hold, signed by mei'
od_as mei "$MEI_PASS" show 1001
check "the store holds 1001 held for that reason" grep -q 'held: incorrect address: no flat number' "$T/out"

# Two marked orders, held at once for the same reason.
tm send-keys g Space Space
screen "two orders marked" '2 marked'
tm send-keys H
screen "H on marked orders asks once" 'Hold 2 marked orders'
tm send-keys Right Right Right
screen "the arrows choose" 'out of stock ▸ +\(4 of 5\)'
tm send-keys Enter Enter
screen "one statement per order, each with the reason" '2 statements, one per order'
check "out of stock" grep -q 'reason: out of stock' "$T/pane"
tm send-keys y
screen "y first shows the end" '│ order: 1004'
tm send-keys y
screen "both are held" 'Signed 2 of 2 orders'

tm send-keys 3
screen "the Held tab counts by reason" 'held: incorrect address 1 · out of stock 2 · other 1 │'
check "and shows each hold's reason" bash -c "grep -q 'REASON' '$T/pane' && grep -Eq '^ *1003 .*customer asked' '$T/pane' && grep -Eq '^ *1001 .*incorrect addres' '$T/pane'"
check "Held 4 on its tab" grep -q 'Held 4 ' "$T/pane"
tm send-keys f f f
screen "f narrows the tab to one reason at a time" 'only incorrect address \(f\) │ 1 of 1 order'
check "1001 alone" bash -c "grep -Eq '^ 1001 ' '$T/pane' && ! grep -Eq '^ 100[234] ' '$T/pane'"
tm send-keys f
screen "the next reason" 'only out of stock \(f\) │ 1 of 2 orders'
check "1002 and 1004" bash -c "grep -Eq '^ 1002 ' '$T/pane' && grep -Eq '^ 1004 ' '$T/pane' && ! grep -Eq '^ 100[13] ' '$T/pane'"
tm send-keys f
screen "other: the reason typed on the command line" 'only other \(f\) │ 1 of 1 order'
check "1003" grep -Eq '^ 1003 .*customer asked' "$T/pane"
tm send-keys f
screen "and round to every reason" '│ 1 of 4 orders'

# The order held from the command line, released on screen.
tm send-keys /
tm send-keys -l 1003
tm send-keys Enter Enter
screen "its order view says why it is held" 'held: customer asked to wait'
tm send-keys R
screen "R asks for a reason, which may be left empty" 'Release order 1003'
tm send-keys -l "customer paid"
tm send-keys Enter
screen "the statement shows the release" '│ kind: order.release'
check "with its reason" grep -q '│ reason: customer paid' "$T/pane"
tm send-keys y
screen "y releases it" 'Order 1003 released, signed by mei'
od_as mei "$MEI_PASS" show 1003
check "the store holds 1003 released, back to new" grep -Eq '^Order 1003 +placed [^ ]+ +new' "$T/out"
tm send-keys Escape Escape
screen "the Held tab counts one fewer" 'held: incorrect address 1 · out of stock 2 │'
tm send-keys q
wait_for 'desk exit 0'

tm kill-server
finish
