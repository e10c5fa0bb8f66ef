#!/usr/bin/env bash
# The scanner flow (S on the Confirmed tab, 80x24): each parcel's dialog
# names the customer and holds the items left; a tracking code another
# order's parcel already has is warned about above the statement; n skips
# that order and the run goes on with the next; y ships; Esc ends the run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
od_as mei "$MEI_PASS" confirm 1001 1002 1003 1004
od_as mei "$MEI_PASS" ship 1001 --carrier DHL --tracking JD1
expect_ok "1001 shipped with tracking JD1; 1002, 1003, 1004 confirmed"

start_pane
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys 2
screen "the Confirmed tab starts at 1002" '^ 1002 '
tm send-keys S
screen "S opens 1002's parcel, naming its customer" '─ Ship order 1002 · 陳大文 '
check "with its items" grep -q 'Items .*BOOK-030 9, MUG-011 2, CUP-010 2' "$T/pane"
tm send-keys C-u
tm send-keys -l "DHL"
tm send-keys Enter
tm send-keys -l "JD1"
tm send-keys Enter
screen "a used tracking code is warned about" \
	'Tracking JD1 was already used for order 1001: check the label'
check "above the statement still to sign" grep -q 'tracking: JD1' "$T/pane"
tm send-keys n
screen "n skips 1002: the run goes on with 1003" '─ Ship order 1003 · José García '
check "1003's items" grep -q 'Items .*MUG-011 1, SOAP-080 2' "$T/pane"
tm send-keys C-u
tm send-keys -l "DHL"
tm send-keys Enter
tm send-keys -l "JD3"
tm send-keys Enter
screen "a fresh code is not warned about" '│ You are about to sign exactly this:'
tm send-keys y
screen "then 1004" '─ Ship order 1004 · José García '
tm send-keys Escape
screen "Esc ends the run" 'Nothing signed'
tm send-keys q
wait_for 'prompt\$' 10

od_as mei "$MEI_PASS" list --format csv
check "1002 was skipped: still confirmed" grep -q '^1002,.*confirmed' "$T/out"
check "1003 shipped" grep -q '^1003,.*shipped' "$T/out"
check "1004 still confirmed" grep -q '^1004,.*confirmed' "$T/out"
finish
