# money-lib.sh - what the money and return screen tests share (sourced
# after lib.sh and tui-lib.sh): a shop with a shopkeeper, mei, and the
# owner, a count of the log's entries (what a refused action must leave as
# it was), their order M-1 imported and shipped, and the desk's steps
# around each scene: sign in, open an order, quit.
MEI_PASS="mei passphrase 1"
new_shop
add_person mei shopkeeper "$MEI_PASS"
mei() { od_as mei "$MEI_PASS" "$@"; }
entries() { own log; grep -c '^--- entry ' "$T/out"; }

# desk_as USER PASS ROLE WHAT: clears the pane's shell and starts USER's
# desk, which must open signed in with ROLE (the check named WHAT).
desk_as() {
	tm send-keys -l clear
	tm send-keys Enter
	sign_in "$1" "$2"
	screen "$4" "^ $1 \\($3\\) │"
}

# open_order NUMBER WHAT PATTERN: opens order NUMBER with `:`; the pane
# must then show PATTERN (the check named WHAT).
open_order() {
	tm send-keys :
	tm send-keys -l "$1"
	tm send-keys Enter
	screen "$2" "$3"
}

# desk_quit WHAT: quits the desk, which must end with status 0.
desk_quit() {
	tm send-keys q q
	wait_for 'desk exit 0' 10
	check "$1" shows 'desk exit 0'
}

# import_m1 CUSTOMER TEA TAIL: mei imports order M-1, CUSTOMER's, shipped
# to Ana in Madrid: TEA (the name of SKU TEA) x2 at 100.00 and a mug at
# 20.00 EUR, TAIL the JSON fields after the items ("total": ... and any
# shipping, tax, discount).  The import's status is in $RC.
import_m1() {
	cat > "$T/m.json" <<EOF
[{"number": "M-1", "placed_at": "2026-11-20T09:15:00Z", "currency": "EUR",
  "customer": {"name": "$1"},
  "ship_to": {"name": "Ana", "lines": ["Calle Mayor 1"], "city": "Madrid", "country": "ES"},
  "items": [{"sku": "TEA", "name": "$2", "qty": 2, "unit_price": 10000},
            {"sku": "MUG", "name": "Mug", "qty": 1, "unit_price": 2000}],
  $3}]
EOF
	mei import "$T/m.json"
}

# ship_m1: mei confirms M-1 and ships it whole by DHL (JD0001) with the
# serials TEA S-1 and S-2, MUG SN-9.  The shipment's status is in $RC.
ship_m1() {
	mei confirm M-1
	mei ship M-1 --carrier DHL --tracking JD0001 --serial TEA=S-1 \
		--serial TEA=S-2 --serial MUG=SN-9
}
