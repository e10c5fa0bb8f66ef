#!/usr/bin/env bash
# The list follows other processes on the same store without `r`: a hold
# and an import from the command line show within a second or two (the
# desk looks at the log's head about once a second), and the selected
# order stays selected.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump(d[:100], open(sys.argv[2],"w")); json.dump(d[100:], open(sys.argv[3],"w"))' \
	"$SAMPLE" "$T/first.json" "$T/rest.json"
od_as mei "$MEI_PASS" import "$T/first.json"
expect_ok "100 orders are imported"

# The selected row: the one drawn in reverse (NO_COLOR).
selected() { tm capture-pane -p -e | grep -Pq "^\e\[[0-9;]*7m $1 "; }

start_pane
sign_in mei "$MEI_PASS"
screen "the desk opens on 100 new orders" 'New 100 .*All 100'
tm send-keys Down Down Down Down Down
screen "1006 is selected" '6 of 100 orders'
check "drawn as the selection" selected 1006

od_as mei "$MEI_PASS" hold 1003 --reason "customer asked to wait"
expect_ok "1003 is held from the command line"
screen "the hold shows without a key" 'New 99 .*Held 1 .*All 100' 5
check "1006 is still selected, now the 5th" shows '5 of 99 orders'
check "drawn as the selection" selected 1006

od_as mei "$MEI_PASS" import "$T/rest.json"
expect_ok "200 more orders are imported from the command line"
screen "the import shows without a key" 'New 299 .*All 300' 5
check "1006 is still selected" shows '5 of 299 orders'

# The desk's own statement does not make it reload (nothing to show), and
# a change after it still shows.
tm send-keys c
screen "c asks to confirm 1006" 'kind: order.confirm'
tm send-keys y
screen "mei confirms 1006" 'Order 1006 confirmed'
od_as mei "$MEI_PASS" hold 1001 --reason "out of stock"
screen "a hold after the desk's own statement shows too" 'Held 2 ' 5
tm send-keys q
wait_for 'desk exit 0'

tm kill-server
finish
