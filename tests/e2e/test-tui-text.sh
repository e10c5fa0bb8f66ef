#!/usr/bin/env bash
# Long text can be read at the desk (80x24): a 200-character note wraps in
# the order view instead of being cut; every message is kept and M shows
# them whole; Enter on an audit entry opens its whole statement; p shows
# the order or the statement in $PAGER (what reaches it is made safe as the
# screen's text is: tests/unit/test-wrap.c).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

NOTE="Leave the parcel with the neighbour at number 12 if nobody answers, never at the door; the customer works nights and sleeps until noon, so please ring only after two in the afternoon. Thanks, Zuzanna"

new_shop
od_as owner "$OWNER_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
cat > "$T/hk.json" <<'JSON'
[{"number": "2001", "placed_at": "2026-12-01T08:00:00Z", "currency": "HKD",
  "customer": {"name": "Chan Tai Man"},
  "ship_to": {"name": "Chan Tai Man", "lines": ["Flat 3, 8 Hoi Ping Road"],
              "city": "Hong Kong", "country": "HK"},
  "items": [{"sku": "TEA-001", "name": "Tea", "qty": 1, "unit_price": 5000}],
  "total": 5000}]
JSON
od_as owner "$OWNER_PASS" import "$T/hk.json"
expect_ok "an order with no postcode is imported"
od_as owner "$OWNER_PASS" show 2001
check "show lines the city up with the address (no postcode)" grep -qx '          Hong Kong HK' "$T/out"
od_as owner "$OWNER_PASS" note 1001 "$NOTE"
expect_ok "a ${#NOTE}-character note on 1001"

start_pane
tm send-keys -l "export PAGER='cat > $T/paged'"
tm send-keys Enter
sign_in owner "$OWNER_PASS"
screen "the owner's desk opens" '^ owner \(owner\) │'

tm send-keys Enter
screen "1001 opens" 'orderdesk · order 1001'
tm send-keys G
screen "the note is there" 'owner: Leave the parcel'
check "not cut with …" bash -c "! grep -q 'Leave the parcel.*…' '$T/pane'"
check "its last words on a row of their own, indented" grep -Eq '^     .*Thanks, Zuzanna *$' "$T/pane"
check "every word is on the screen" bash -c "tr -s ' \n' '  ' < '$T/pane' | grep -qF 'please ring only after two in the afternoon'"
tm send-keys p
screen "p hands the order to \$PAGER and takes the screen back" 'orderdesk · order 1001'
check "the pager got the whole order" bash -c "grep -q '^Order 1001 · new' '$T/paged' && grep -qF '$NOTE' '$T/paged'"
tm send-keys Escape

tm send-keys G Enter
screen "2001 opens" 'orderdesk · order 2001'
check "the city lines up with the address (no postcode)" grep -Eq '^           Hong Kong HK *$' "$T/pane"
tm send-keys Escape

# A message longer than the screen, then the history.
tm send-keys g Space Space Space s
screen "shipping three new orders is refused before the first field" 'Nothing to sign: 1001'
check "cut at the width" grep -q 'Nothing to sign: 1001.*…' "$T/pane"
tm send-keys M
screen "M shows the message history" 'orderdesk · messages, newest first'
check "the whole message, wrapped" bash -c "tr -s ' \n' '  ' < '$T/pane' | grep -Eq '1003 \(order 1003 is new'"
check "with the earlier ones" grep -q 'orderdesk · messages' "$T/pane"
tm send-keys Escape
screen "Esc goes back to the list" 'New 301 '

# The audit history's Enter: the whole statement of an entry.
tm send-keys u A
screen "the audit history opens" 'audit history, newest first'
tm send-keys Enter
screen "Enter opens the newest entry's whole statement" 'orderdesk · audit entry'
check "what was signed, by whom" bash -c "grep -q 'kind: order.note' '$T/pane' && grep -q 'signed by owner (owner)' '$T/pane'"
check "checked" grep -q 'signature ✓ checks · chain link ✓ follows' "$T/pane"
check "with the whole note" bash -c "tr -s ' \n' '  ' < '$T/pane' | grep -qF 'Thanks, Zuzanna'"
tm send-keys p
wait_for 'orderdesk · audit entry'
check "p sends the statement to the pager" grep -q '^kind: order.note' "$T/paged"
tm send-keys Escape Escape
screen "back to the list" 'New 301 '

# A pager that is not there says so.
tm send-keys q
wait_for 'desk exit 0'
tm send-keys -l "export PAGER=/nonexistent/pager"
tm send-keys Enter
sign_in owner "$OWNER_PASS"
screen "the desk opens again" '^ owner \(owner\) │'
tm send-keys Enter
screen "1001 opens" 'orderdesk · order 1001'
tm send-keys p
screen "a missing pager is named" 'The pager \(/nonexistent/pager\) did not run; set \$PAGER'
tm send-keys q q
wait_for 'desk exit 0'

tm kill-server
finish
