#!/usr/bin/env bash
# The screens' `:` command line, `:filter` and copying with OSC 52, end to
# end at 100x30: `:hold 1045 address check` and `:ship 1042 --carrier DHL
# --tracking JD1` sign through the same dialog (the statement shown before
# y), Tab completes verbs and order numbers, `:1042` opens the order,
# `:filter EXPR` narrows the list (the count line says so; Esc clears),
# a malformed command or term is said in one line, and y copies the
# selected number (the tracking code in the order view) into tmux's
# buffer through OSC 52.  What the store holds is checked with the CLI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
od_as mei "$MEI_PASS" confirm 1042
expect_ok "1042 is confirmed from the command line"
od_as owner "$OWNER_PASS" pay 1001 --amount 162.84
expect_ok "1001 is paid"

start_pane 100 30
tm set-option -g set-clipboard on
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys '?'
screen "help offers :" ' : +command line, :filter'
check "and y" grep -Eq ' y +copy number \(OSC 52\)' "$T/pane"
tm send-keys Escape

# Tab completes a verb, then an order number.
tm send-keys :
tm send-keys -l "ho"
tm send-keys Tab
screen "Tab completes the verb" '^:hold$'
tm send-keys -l "104"
tm send-keys Tab
screen "Tab lists the numbers the tab shows" '1040 1041 1043 1044 1045'
tm send-keys -l "5"
tm send-keys Tab
screen "and finishes a unique one" '^:hold 1045$'
tm send-keys -l "address check"
tm send-keys Enter
screen "the statement shows before y" '│ reason: address check'
check "an order.hold of 1045" bash -c "grep -q '│ kind: order.hold' '$T/pane' && grep -q '│ order: 1045' '$T/pane'"
tm send-keys y
screen "y holds it" 'Order 1045 put on hold, signed by mei'
od_as mei "$MEI_PASS" show 1045
check "the store holds 1045 for that reason" grep -q 'held: address check' "$T/out"

tm send-keys :
tm send-keys -l "ship 1042 --carrier DHL --tracking JD1"
tm send-keys Enter
screen "ship shows the parcel before y" '│ tracking: JD1'
check "with the carrier" grep -q '│ carrier: DHL' "$T/pane"
tm send-keys y
screen "y ships it" 'Order 1042 shipped, signed by mei'
od_as mei "$MEI_PASS" show 1042
check "the store has the parcel" grep -q 'DHL JD1' "$T/out"

# Refusals in one line, nothing signed.
tm send-keys :
tm send-keys -l "hold 1046"
tm send-keys Enter
screen "a hold without a reason says the form" 'say why: hold NUMBER\.\.\. REASON'
tm send-keys :
tm send-keys -l "ship 1042 --carrier DHL --tracking JD2"
tm send-keys Enter
screen "shipping a shipped order is refused before the dialog" 'order 1042 (is shipped|has nothing left to ship)'
tm send-keys :
tm send-keys -l "frobnicate 1042"
tm send-keys Enter
screen "an unknown verb is named" 'unknown command; use an order number'

# :filter
tm send-keys :
tm send-keys -l "filter status:held"
tm send-keys Enter
screen "the filter narrows the list" 'Filter: status:held \(Esc clears it\)'
check "the tabs count only what the filter keeps" grep -q "Held 1 .*All 1" "$T/pane"
check "to the one held order" bash -c "grep -Eq '^ *1045 ' '$T/pane' && ! grep -Eq '^ *1001 ' '$T/pane'"
tm send-keys j
screen "the count line shows the filter" '1 of 1 order │ filter status:held'
tm send-keys Escape
screen "Esc clears it" 'Filter cleared'
check "and every order is back" grep -q "New 298 .*All 300" "$T/pane"
tm send-keys :
tm send-keys -l "filter placed:<7w"
tm send-keys Enter
screen "a malformed term is named" 'filter term `placed:<7w`: expects <, > or ='
tm send-keys :
tm send-keys -l "filter sku:TEA-* total:>100"
tm send-keys Enter
screen "sku and total terms apply" 'Filter: sku:TEA-\* total:>100'
od_as mei "$MEI_PASS" list --filter "sku:TEA-* total:>100" --format csv
want=$(tail -n +2 "$T/out" | wc -l)
tm send-keys j
check "the screen shows as many as list --filter ($want)" \
	wait_for "of $want orders? │ filter sku:TEA"
tm send-keys Escape
# Money and returns (issue 13): paid: from the index, return:none reads.
tm send-keys :
tm send-keys -l "filter paid:paid"
tm send-keys Enter
screen "paid:paid keeps the one paid order" 'Filter: paid:paid'
check "1001 alone" bash -c "grep -Eq '^ *1001 ' '$T/pane' && ! grep -Eq '^ *1002 ' '$T/pane'"
tm send-keys j
screen "counted" '1 of 1 order │ filter paid:paid'
tm send-keys :
tm send-keys -l "filter paid:no return:none"
tm send-keys Enter
tm send-keys j
screen "paid:no return:none keeps the other 299" 'of 299 orders │ filter paid:no'
tm send-keys :
tm send-keys -l "filter return:later"
tm send-keys Enter
screen "a malformed return: term is named" 'filter term `return:later`: expects open, closed or none'
tm send-keys Escape

# y copies with OSC 52, into tmux's buffer.
tm send-keys g
wait_for '1 of 300'
tm send-keys y
screen "y says what it copied" 'Copied 1001 to the clipboard'
check "tmux's buffer holds the order number" test "$(tm show-buffer)" = "1001"
tm send-keys :
tm send-keys -l "1042"
tm send-keys Enter
screen ":1042 opens the order" 'Order 1042'
tm send-keys :
tm send-keys -l "note 1042 gift wrap"
tm send-keys Enter
screen "in the order view too, : signs through the dialog" '│ kind: order.note'
tm send-keys y
screen "y notes it" 'Order 1042 noted, signed by mei'
od_as mei "$MEI_PASS" show 1042
check "the store has the note" grep -q 'mei: gift wrap' "$T/out"
tm send-keys y
screen "y in the order copies the tracking code" 'Copied tracking code JD1 \(order 1042\)'
check "tmux's buffer holds it" test "$(tm show-buffer)" = "JD1"
tm send-keys Escape
tm send-keys q
screen "q quits" 'desk exit 0'
finish
