#!/usr/bin/env bash
# `orderdesk list --filter` (the filter language the screens share) and
# `list --format csv` with carriers, tracking codes and decimal totals:
# each term, terms ANDed, malformed terms refused in one line, and the CSV
# read back with a real CSV parser.
. "$(dirname "$0")/lib.sh"

ago() { date -u -d "@$(( $(date +%s) - $1 ))" +%Y-%m-%dT%H:%M:%SZ; }

# order NUMBER PLACED CUR CUSTOMER SKU UNIT_PRICE: one order as JSON.
order() {
	printf '{"number":"%s","placed_at":"%s","currency":"%s",' "$1" "$2" "$3"
	printf '"customer":{"name":"%s"},"ship_to":{"name":"%s",' "$4" "$4"
	printf '"lines":["Road 1"],"city":"Town, \\"Old\\"","country":"DE"},'
	printf '"items":[{"sku":"%s","name":"Tea","qty":1,' "$5"
	printf '"unit_price":%s}],"total":%s}' "$6" "$6"
}
{
	echo '['
	order 1001 "$(ago 7200)" EUR "王小明" TEA-001 12050; echo ,
	order 1002 "$(ago 129600)" JPY "José García" MUG-7 100; echo ,
	order 1003 "$(ago 864000)" KWD "Hans Müller" TEA-002 7250; echo ,
	order 1004 "$(ago 3600)" EUR "Ann Lee" TEA-003 9999
	echo ']'
} > "$T/orders.json"

new_shop
od "$OWNER_PASS" import "$T/orders.json"
expect_ok "four orders import"
od "$OWNER_PASS" hold 1001 --reason "address check"
od "$OWNER_PASS" confirm 1002
od "$OWNER_PASS" ship 1002 --carrier "DHL Express" --tracking JD0001
expect_ok "1002 ships with DHL"

# numbers EXPR: the numbers `list --filter EXPR` shows, space-separated.
numbers() {
	od "$OWNER_PASS" list --filter "$1" --format csv
	[ "$RC" -eq 0 ] || { echo "# --filter $1: status $RC: $(cat "$T/err")"; return 1; }
	tail -n +2 "$T/out" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//'
}
# picks NAME EXPR NUMBERS: the filter EXPR lists exactly NUMBERS.
picks() {
	local got
	got=$(numbers "$2")
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$got', want '$3')"; fi
}

picks "status:held" "status:held" "1001"
picks "customer:王 (CJK)" "customer:王" "1001"
picks "customer:GARCIA folds case and accents" "customer:GARCIA" "1002"
picks "a quoted value with a space" 'customer:"josé garc"' "1002"
picks "placed:<1d: the last day" "placed:<1d" "1001 1004"
picks "placed:>1d: older than a day" "placed:>1d" "1003 1002"
picks "placed:=1d: a day or two ago" "placed:=1d" "1002"
picks "placed:<3h" "placed:<3h" "1001 1004"
picks "placed:DATE: that day" "placed:$(ago 864000 | cut -c1-10)" "1003"
picks "total:>100 in each currency's units (120.50 EUR, not 100 JPY)" \
	"total:>100" "1001"
picks "total:=100 is 100 yen" "total:=100" "1002"
picks "total:<=7.250 KWD has 3 decimals" "total:<=7.25" "1003"
picks "sku:TEA-* (glob; oldest placed first)" "sku:TEA-*" "1003 1001 1004"
picks "sku:mug-? folded" "sku:mug-?" "1002"
picks "carrier:dhl" "carrier:dhl" "1002"
picks "terms are ANDed" "status:new sku:TEA-* total:>50" "1004"
picks "the issue's example shape" \
	"status:held customer:王 placed:<7d total:>100 sku:TEA-* carrier:dhl" ""
od "$OWNER_PASS" list --filter "sku:TEA-*" --status new --search lee
check "--filter, --status and --search combine" \
	bash -c "[ \$(tail -n +2 '$T/out' | wc -l) -eq 1 ] && grep -q '^1004 ' '$T/out'"

od "$OWNER_PASS" list --filter "placed:<7w"
expect_fail "a malformed term is named, with what is expected" 2 \
	'^orderdesk: filter term `placed:<7w`: expects <, > or = and days or hours'
od "$OWNER_PASS" list --filter "colour:red status:new"
expect_fail "an unknown field is named" 2 'filter term `colour:red`: expects FIELD:VALUE'
od "$OWNER_PASS" list --filter "total:>1.2345"
expect_fail "too many decimals" 2 'filter term `total:>1.2345`:.*at most 3 decimals'

# --- CSV: carrier, tracking, decimal totals ---------------------------------
od "$OWNER_PASS" list --format csv
expect_ok "list --format csv"
check "the CSV parses, with carrier, tracking and decimal totals" python3 - "$T/out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
by = {r["number"]: r for r in rows}
want = {"1001": ("120.50", "EUR", "", ""), "1002": ("100", "JPY", "DHL Express", "JD0001"),
        "1003": ("7.250", "KWD", "", ""), "1004": ("99.99", "EUR", "", "")}
assert len(rows) == 4, rows
for n, (total, cur, carrier, tracking) in want.items():
    r = by[n]
    got = (r["total"], r["currency"], r["carrier"], r["tracking"])
    assert got == (total, cur, carrier, tracking), (n, got)
assert by["1001"]["customer"] == "王小明"
assert by["1001"]["city"] == 'Town, "Old"', by["1001"]["city"]
assert by["1001"]["status"] == "held" and by["1002"]["status"] == "shipped"
PY

# --- money, delivery and returns (issue 13) ---------------------------------
# Oldest first: 1003 (KWD), 1002 (JPY, shipped), 1001 (held), 1004.
picks "paid:unpaid: nothing paid yet" "paid:unpaid" "1003 1002 1001 1004"
od "$OWNER_PASS" pay 1004 --amount 99.99
expect_ok "1004 is paid in full"
od "$OWNER_PASS" pay 1003 --amount 1.000
expect_ok "1003 is paid in part"
picks "paid:unpaid leaves out what was paid" "paid:unpaid" "1002 1001"
picks "paid:paid" "paid:paid" "1004"
picks "paid:partly" "paid:partly" "1003"
picks "paid:no: money still to come (the Unpaid tab)" "paid:no" "1003 1002 1001"
picks "paid:unpaid,paid: either" "paid:unpaid,paid" "1002 1001 1004"
od "$OWNER_PASS" refund 1004 --amount 10.00 --reason "late"
expect_ok "1004 is refunded in part"
picks "paid:partly-refunded" "paid:partly-refunded" "1004"
picks "paid:paid after the refund" "paid:paid" ""
od "$OWNER_PASS" confirm 1003
od "$OWNER_PASS" ship 1003 --carrier UPS --tracking 1Z1
expect_ok "1003 ships"
od "$OWNER_PASS" deliver 1002
expect_ok "1002 is delivered"
picks "delivered:yes" "delivered:yes" "1002"
picks "delivered:no: shipped, not yet delivered" "delivered:no" "1003"
picks "return:none before any return" "return:none" "1003 1002 1001 1004"
od "$OWNER_PASS" return open 1002 --item MUG-7:1 --reason "broken"
expect_ok "a return of 1002 is opened"
od "$OWNER_PASS" return open 1003 --item TEA-002:1 --reason "wrong tea"
od "$OWNER_PASS" return close 1003-R1 --reject --reason "never sent back"
expect_ok "the return of 1003 is closed"
picks "return:open" "return:open" "1002"
picks "return:closed" "return:closed" "1003"
picks "return:none" "return:none" "1001 1004"
picks "return:open,closed" "return:open,closed" "1003 1002"
picks "money and returns ANDed" "paid:unpaid return:none" "1001"
od "$OWNER_PASS" list --filter "status:new paid:maybe"
expect_fail "a malformed paid: term is named" 2 \
	'^orderdesk: filter term `paid:maybe`: expects unpaid, authorized, cod'
od "$OWNER_PASS" list --filter "return:pending"
expect_fail "a malformed return: term is named" 2 \
	'filter term `return:pending`: expects open, closed or none'
finish
