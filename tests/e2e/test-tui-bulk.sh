#!/usr/bin/env bash
# Bulk actions and sorting on the orders screen, end to end at 80x24:
# marks, one dialog for every marked order, each its own statement, the
# refused ones named; sort keys that hold across tabs and search.  Checks
# the screen and what the store holds afterwards.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"
SAM_PASS="sam passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as owner "$OWNER_PASS" user add sam --role staff --new-passphrase-fd 4 4< <(echo "$SAM_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"

start_pane
sign_in mei "$MEI_PASS"
screen "mei's desk opens on the new orders" '1 of 300 orders, by placed, oldest first'
tm send-keys '?'
screen "help lists the marking keys" '^ +Space +mark'
check "mark all, unmark all, sort, and every key still shown" \
	bash -c "grep -Eq '\* +mark all shown' '$T/pane' && grep -Eq 'u +unmark all' '$T/pane' && grep -Eq 'o +sort by the next column' '$T/pane' && grep -Eq 'L +lock' '$T/pane' && grep -q mouse '$T/pane'"
tm send-keys Escape
wait_for '1 of 300 orders'
tm send-keys Space Space Space
screen "Space marks a row and moves down" '4 of 300 orders, by placed, oldest first, 3 marked'
check "marked rows show a mark in the first column" \
	bash -c "grep -Eq '^\*1001 ' '$T/pane' && grep -Eq '^\*1002 ' '$T/pane' && grep -Eq '^\*1003 ' '$T/pane' && grep -Eq '^ 1004 ' '$T/pane'"
tm send-keys k Space
screen "Space again unmarks" '2 marked'
check "1003 is no longer marked" grep -Eq '^ 1003 ' "$T/pane"
tm send-keys k Space
wait_for '3 marked'
# 1003 is cancelled behind the desk's back: it must be refused, by name.
od_as mei "$MEI_PASS" cancel 1003 --reason "customer asked"
expect_ok "the CLI cancels 1003 while it is marked"
tm send-keys c
screen "c with marks shows one dialog for every marked order" '─ Confirm 3 marked orders '
check "each statement with its fields, prev said in words" \
	bash -c "grep -q '│ 2 statements, one per order, each signed on its own' '$T/pane' && grep -q '│ kind: order.confirm' '$T/pane' && grep -q '│ order: 1001' '$T/pane' && grep -q '│ actor: mei' '$T/pane' && grep -q '│ prev: (the entry signed just before it)' '$T/pane'"
tm send-keys y
screen "y first shows the end: the order the log would refuse, and why" \
	'│ not signed, order 1003: order 1003 is cancelled; it cannot be'
tm send-keys y
screen "then signs each, and says which were refused and why" \
	'Signed 2 of 3; refused 1: 1003 \(.*cancelled'
tm send-keys g
screen "the refused order stays marked, the signed ones not" ', 1 marked$'
tm send-keys 5
screen "it is 1003, now shown as cancelled" '^\*1003 .*cancelled'
tm send-keys 1
od_as mei "$MEI_PASS" list --format json
check "the store holds 1001 and 1002 confirmed, 1003 cancelled" \
	bash -c "jq -e '[.[] | select(.number==\"1001\" or .number==\"1002\") | .status] == [\"confirmed\",\"confirmed\"] and ([.[] | select(.number==\"1003\")][0].status == \"cancelled\")' '$T/out' > /dev/null"
od_as mei "$MEI_PASS" log --format json
check "each its own statement signed by mei" \
	bash -c "[ \$(jq '[.[] | select(.kind==\"order.confirm\" and .signer==\"mei\")] | length' '$T/out') -eq 2 ] && [ \$(jq -r '.[] | select(.kind==\"order.confirm\") | .statement' '$T/out' | grep -E '^(id|order): ' | sort -u | wc -l) -eq 4 ]"
tm send-keys u
screen "u unmarks everything" 'of 297 orders, by placed, oldest first$'

# Sorting: o cycles, the header shows it, and it holds across tabs and search.
tm send-keys o
screen "o sorts newest first" 'by placed, newest first'
check "the header marks the column" grep -q 'PLACED↓' "$T/pane"
newest=$(jq -r '[.[] | select(.status=="new")] | sort_by(.placed_at) | last | .number' <("$OD" --store "$STORE" --passphrase-fd 3 --user mei list --format json 3< <(echo "$MEI_PASS")))
check "with the newest order first ($newest)" grep -Eq "^ $newest " "$T/pane"
tm send-keys o o o
screen "o cycles to total" 'by total, highest first'
check "the header marks TOTAL" grep -q 'TOTAL↓' "$T/pane"
top=$(jq -r '[.[] | select(.status=="new")] | sort_by(.currency, -.total) | first | .number' <("$OD" --store "$STORE" --passphrase-fd 3 --user mei list --format json 3< <(echo "$MEI_PASS")))
check "totals grouped by currency, the first currency's highest first ($top)" grep -Eq "^ $top " "$T/pane"
check "no currency comes back once another began" \
	bash -c "grep -Eo '[0-9.]+ [A-Z]{3} new' '$T/pane' | awk '{print \$2}' | uniq | sort | uniq -d | grep -q . && exit 1 || exit 0"
tm send-keys Tab
screen "the sort holds on another tab" 'of 2 orders, by total, highest first'
check "1001 (162.84 EUR) before 1002 (1847.70 HKD): currencies apart" \
	bash -c "[ \$(grep -nE '^ 1001 ' '$T/pane' | cut -d: -f1) -lt \$(grep -nE '^ 1002 ' '$T/pane' | cut -d: -f1) ]"
tm send-keys -l "/100"
tm send-keys Enter
screen "and through a search" 'matching /100, by total, highest first'
tm send-keys Escape o
screen "o goes on to status" 'by status'
tm send-keys o
screen "and back to placed, oldest first" 'by placed, oldest first'
tm send-keys q
wait_for 'desk exit 0'

# Staff ship the queue in bulk: one carrier, a tracking number per parcel.
sign_in sam "$SAM_PASS"
screen "sam's queue holds the two confirmed orders" '1 of 2 orders'
tm send-keys '*'
screen "* marks all shown" '2 marked'
tm send-keys s
screen "s with marks asks for the carrier once" '─ Ship 2 marked orders '
tm send-keys C-u
tm send-keys -l "DHL"
tm send-keys Enter
screen "then a tracking number for the first parcel" '─ Ship order 1001 \(1 of 2\) '
tm send-keys -l "JD0001"
tm send-keys Enter
screen "and for the second" '─ Ship order 1002 \(2 of 2\) '
tm send-keys -l "JD0002"
tm send-keys Enter
screen "one dialog shows both shipments" '│ kind: shipment.confirm'
check "with carrier and tracking" \
	bash -c "grep -q '│ carrier: DHL' '$T/pane' && grep -q '│ tracking: JD0001' '$T/pane'"
tm send-keys y y
screen "both are signed" 'Signed 2 of 2 orders as sam, each its own statement'
check "and leave the queue and the marks" shows 'No orders here'
od_as sam "$SAM_PASS" show 1001
check "the store holds 1001's parcel" bash -c "grep -q '^Order 1001 .*shipped' '$T/out' && grep -q 'DHL JD0001' '$T/out'"
od_as sam "$SAM_PASS" show 1002
check "and 1002's" bash -c "grep -q '^Order 1002 .*shipped' '$T/out' && grep -q 'DHL JD0002' '$T/out'"
tm send-keys q
wait_for 'desk exit 0'

tm kill-server
finish
