#!/usr/bin/env bash
# The column chooser, end to end: `=` lists the columns, Space shows or
# hides one, Enter keeps the choice for the person signed in, in the
# encrypted store (not in plaintext anywhere in it); the extra columns show
# what the store holds (the last parcel's carrier and tracking code, the
# city, where the payment stands) and follow a parcel shipped from the
# command line; the choice comes back in the next
# session, is mei's alone (the owner sees the usual columns), and a narrow
# window drops the extra columns instead of refusing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

mei_shop
od_as mei "$MEI_PASS" confirm 1001
od_as mei "$MEI_PASS" ship 1001 --carrier DHL --tracking JD0001
expect_ok "1001 ships from the command line"
od_as mei "$MEI_PASS" pay 1003 --amount 24.18 --method card
expect_ok "1003 is paid"

start_pane 150 30
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
check "with the usual columns" bash -c "grep -Eq 'NUMBER +PLACED↑ +CUSTOMER +ITEMS +TOTAL STATUS *$' '$T/pane'"
tm send-keys '?'
screen "help offers =" ' = +choose columns'
tm send-keys Escape

tm send-keys =
screen "= opens the chooser" 'Columns for mei'
check "placed is shown, carrier is not" bash -c "grep -q '\[x\] placed' '$T/pane' && grep -q '\[ \] carrier' '$T/pane'"
tm send-keys j j j j Space j Space j Space j j j j Space
screen "Space shows carrier" '\[x\] carrier'
tm send-keys Enter
screen "Enter keeps the choice" 'Columns kept for mei: placed,items,total,status,carrier,tracking,city,paid\.'
tm send-keys 6
screen "the list has the extra headings" 'STATUS +CARRIER +TRACKING +CITY +PAID'
check "1001 shows its parcel and city" bash -c "grep -Eq '^ 1001 .* shipped +DHL +JD0001 +Berlin +unpaid' '$T/pane'"
check "1003 is paid, in Madrid" bash -c "grep -Eq '^ 1003 .* new +Madrid +paid' '$T/pane'"
# A parcel shipped from the command line meanwhile: its columns follow.
od_as mei "$MEI_PASS" confirm 1002
od_as mei "$MEI_PASS" ship 1002 --carrier UPS --tracking 1Z0002
screen "a parcel shipped from the command line shows without a key" \
	'^ 1002 .* shipped +UPS +1Z0002 '
check "the choice is not in plaintext in the store" \
	bash -c "! grep -rqa 'carrier,tracking' '$STORE'"
tm send-keys q
screen "q quits" 'desk exit 0'

sign_in mei "$MEI_PASS"
screen "the next session keeps mei's columns" 'STATUS +CARRIER +TRACKING +CITY +PAID'
tm send-keys =
screen "the chooser opens on them" '\[x\] carrier'
tm send-keys j j j j Space Escape
screen "Esc changes nothing" 'Columns unchanged\.'
check "carrier still shows" grep -q 'CARRIER' "$T/pane"
tm send-keys q
screen "q quits again" 'desk exit 0'

sign_in owner "$OWNER_PASS"
screen "the owner's desk opens" '^ owner \(owner\) │'
check "with the usual columns: the choice was mei's" bash -c "! grep -q 'CARRIER' '$T/pane'"
tm send-keys q
screen "the owner quits" 'desk exit 0'

tm resize-window -x 60 -y 16
sign_in mei "$MEI_PASS"
screen "at 60x16 mei's list still opens" '^ 1003 +2026-11-01 +José García +24.18 EUR'
check "the extra columns gave way" bash -c "! grep -q 'CARRIER' '$T/pane'"
tm send-keys =
screen "the chooser says what does not fit" '5 of them do not fit 60 columns: the last chosen go'
tm send-keys Escape
tm resize-window -x 120 -y 30
screen "at 120 columns the first extra ones come back" 'CARRIER +TRACKING'
tm send-keys q
screen "and quits" 'desk exit 0'
finish
