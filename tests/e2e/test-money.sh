#!/usr/bin/env bash
# Money with the real binaries: orders imported with shipping, tax,
# discount and how they arrived (JSON and CSV); pay and refund from the
# command line, with the refusals a person can act on; list and show with
# the payment state; a refund's signature checked by openssl; a backend
# that refuses a refund beyond what was paid, pushed by a desk whose store
# was doctored to believe more was paid; and a store made before money
# existed (tests/e2e/data/pre-money-shop, by the build before this one)
# that still verifies, lists the same and takes payments.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq openssl
MEI_PASS="mei's own passphrase"

new_shop
add_person mei shopkeeper "$MEI_PASS"
expect_ok "a shopkeeper is added"

# --- import: money fields in JSON and CSV ----------------------------------
cat > "$T/money.json" <<'EOF'
[{"number": "M-1", "placed_at": "2026-11-20T09:15:00Z", "currency": "EUR",
  "customer": {"name": "Ana"},
  "ship_to": {"name": "Ana", "lines": ["Calle Mayor 1"], "city": "Madrid", "country": "ES"},
  "items": [{"sku": "TEA", "name": "Tea", "qty": 2, "unit_price": 10000},
            {"sku": "MUG", "name": "Mug", "qty": 1, "unit_price": 2000}],
  "shipping": 1500, "tax": 4100, "discount": 1000, "total": 26600},
 {"number": "M-2", "placed_at": "2026-11-20T09:16:00Z", "currency": "JPY",
  "customer": {"name": "Ken"},
  "ship_to": {"name": "Ken", "lines": ["1-2-3"], "city": "Tokyo", "country": "JP"},
  "items": [{"sku": "MUG", "name": "Mug", "qty": 1, "unit_price": 1800}],
  "shipping": 500, "total": 2300, "payment": "paid"}]
EOF
sed 's/"total": 26600/"total": 26700/' "$T/money.json" > "$T/bad.json"
own import "$T/bad.json"
expect_fail "a total that does not add up is refused, with the sum in words" 5 \
	"order M-1: total 26700 does not match items 22000 \+ shipping 1500 \+ tax 4100 - discount 1000 = 26600"
own import "$T/money.json"
expect_ok "orders with shipping, tax, discount and arrival import"
printf '%s\n' \
	'number,placed_at,currency,customer_name,ship_name,ship_line1,ship_city,ship_country,shipping,tax,discount,total,payment,sku,item_name,qty,unit_price' \
	'C-1,2026-11-20T10:00:00Z,KWD,Ali,Ali,Street 1,Kuwait,KW,1500,,250,7250,cod,DATES,Dates,2,3000' \
	'C-1,2026-11-20T10:00:00Z,KWD,Ali,Ali,Street 1,Kuwait,KW,1500,,250,7250,cod,TEA,Tea,1,0' \
	> "$T/money.csv"
own import "$T/money.csv"
expect_ok "the CSV form takes the money columns"

own list
check "list shows each order's payment state" bash -c "
	grep -Eq '^M-1 .*266\.00 EUR  new +unpaid\$' '$T/out' &&
	grep -Eq '^M-2 .*2300 JPY  new +paid\$' '$T/out' &&
	grep -Eq '^C-1 .*7\.250 KWD  new +cash on delivery\$' '$T/out'"
own list --format csv
tr -d '\r' < "$T/out" > "$T/csv"
check "list --format csv has a payment column" bash -c "
	head -1 '$T/csv' | grep -q ',status,payment,carrier,tracking\$' &&
	grep -q '^M-2,.*,2300,JPY,new,paid,,\$' '$T/csv'"

# --- pay and refund ----------------------------------------------------------
od_as mei "$MEI_PASS" pay M-1 --amount 300.00
expect_fail "a payment beyond the total is refused with the figures" 4 \
	"payment of 300.00 EUR refused: order M-1's total is 266.00, 0.00 paid, 266.00 left to pay"
od_as mei "$MEI_PASS" pay M-1 --amount 25,00
expect_fail "an amount with a comma is a usage error" 2 "amount: must be a number like 25.00"
od_as mei "$MEI_PASS" pay M-1 --amount 1.001
expect_fail "more decimals than the currency has are refused" 2 "EUR has 2 decimals"
od_as mei "$MEI_PASS" pay M-1 --amount 266.00 --method card --reference pi_3Nx
expect_ok "a shopkeeper records a payment"
check "pay says what was received" grep -q "Order M-1: 266.00 EUR received (card)" "$T/out"
od_as mei "$MEI_PASS" refund M-1 --amount 20.00 --reason "mug broken"
expect_fail "a shopkeeper may not refund" 4 "mei is shopkeeper and may not refund money; ask the owner"
own refund M-1 --amount 20.00 --reason "mug broken" --item MUG:1 --reference re_1
expect_ok "the owner refunds part, for one item"
own refund M-1 --amount 250.00 --reason "all of it"
expect_fail "a refund beyond paid less refunded is refused with the figures" 4 \
	"refund of 250.00 EUR refused: 266.00 paid, 20.00 refunded, 246.00 left"
own refund M-1 --amount 1.00 --reason "again" --item MUG:1
expect_fail "an item cannot be refunded twice over" 4 \
	"1 of MUG were ordered and 1 already refunded"
own refund M-1 --amount 1.00 --reason "x" --item MUG
expect_fail "--item needs SKU:QUANTITY" 2 "item: give SKU:QUANTITY"
own refund M-2 --amount 2300 --reason "never arrived"
expect_ok "an order that arrived paid can be refunded whole"
own pay NOPE --amount 1
expect_fail "an unknown order says so" 4 "no order NOPE"

own show M-1
check "show prints the charges, the payment state and each payment" bash -c "
	grep -q '^Items     220.00 EUR' '$T/out' &&
	grep -q '^Shipping  15.00 EUR' '$T/out' &&
	grep -q '^Discount  -10.00 EUR' '$T/out' &&
	grep -q '^Payment   partially refunded: 266.00 EUR paid, 20.00 EUR refunded' '$T/out' &&
	grep -q 'received (entry [0-9]*) .* 266.00 EUR (card) by mei' '$T/out' &&
	grep -q 'reference pi_3Nx' '$T/out' &&
	grep -q 'refunded (entry [0-9]*) .* 20.00 EUR by owner: mug broken \[MUG 1\]' '$T/out'"
own list
check "list follows the payments" bash -c "
	grep -Eq '^M-1 .* +partially refunded\$' '$T/out' &&
	grep -Eq '^M-2 .* +refunded\$' '$T/out'"
own audit verify
expect_ok "audit verify replays the payments and refunds"

# --- delivered, after shipped ---------------------------------------------------
own deliver M-2
expect_fail "an order not shipped cannot be delivered" 4 \
	"order M-2 is new; only a shipped order \(every item shipped\) can be delivered"
own confirm M-2
own ship M-2 --carrier Yamato --tracking YM-77 --serial MUG=SN-1 --serial MUG=SN-2
expect_fail "more serials than units shipped are refused" 5 \
	"more serials for MUG than the 1 shipped in this parcel"
own ship M-2 --carrier Yamato --tracking YM-77 --serial MUG:SN-1
expect_fail "--serial needs SKU=SERIAL" 2 "serial: give SKU=SERIAL"
own ship M-2 --carrier Yamato --tracking YM-77 --serial MUG=SN-1
expect_ok "a parcel ships with the serial of what left"
own show M-2
check "show lists the parcel's serials" grep -q "Yamato YM-77: MUG 1 \[SN-1\]" "$T/out"
own deliver M-2 --parcel YM-78
expect_fail "a parcel the order does not have is refused" 5 \
	"order M-2 has no parcel with tracking YM-78"
od_as mei "$MEI_PASS" deliver M-2 --parcel YM-77
expect_ok "the parcel is delivered"
own list --status delivered
check "list --status delivered finds it" grep -Eq '^M-2 .* delivered +refunded$' "$T/out"
own cancel M-2 --reason late
expect_fail "a delivered order cannot be cancelled" 4 "M-2 has shipped parcels"

# --- a return: the swapped-goods fraud caught at the bench ---------------------
own return open M-2 --item MUG:2 --reason cracked
expect_fail "a return of more than shipped is refused" 4 \
	"1 of MUG shipped and 0 already in returns; at most 1 can be returned"
own return open M-2 --item MUG:1 --reason cracked
expect_ok "a return is opened for what shipped"
check "it has its own number" grep -q "^Return M-2-R1 opened" "$T/out"
od_as mei "$MEI_PASS" return receive M-2-R1 --item MUG:1:SN-7 --condition ok
expect_ok "what came back is received"
check "a serial that never shipped marks it wrong-item, and says so" grep -q \
	"^Return M-2-R1 received: wrong-item; serial SN-7 of MUG was never shipped in order M-2" \
	"$T/out"
od_as mei "$MEI_PASS" return close M-2-R1 --accept
expect_fail "a shopkeeper may not accept a wrong-item return" 4 \
	"return M-2-R1 was marked wrong-item; accepting it is the owner's"
own return close M-2-R1 --reject
expect_fail "a rejection needs a reason" 2 "usage"
own return close M-2-R1 --reject --reason "not the mug we sent"
expect_ok "the owner rejects it"
own show M-2
check "show prints the return, what came back and why" bash -c "
	grep -q '^  M-2-R1 (entry [0-9]*) rejected: cracked \[MUG 1\]' '$T/out' &&
	grep -q '^    came back wrong-item: MUG 1 SN-7' '$T/out' &&
	grep -q '^    not the mug we sent' '$T/out'"

# --- a refund's signature, checked by openssl --------------------------------
own user key owner
cp "$T/out" "$T/owner.pem"
own log --export "$T/export"
refund_file=$(grep -l '^kind: payment.refund$' "$T"/export/*.statement | head -1)
sig_file=${refund_file%.statement}.sig
check "the refund is in the export" test -n "$refund_file"
check "openssl verifies the refund's signature with the owner's key" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/owner.pem" -rawin \
	-in "$refund_file" -sigfile "$sig_file"
sed 's/^amount: 2000$/amount: 200000/' "$refund_file" > "$T/altered.statement"
check "the altered copy really differs" bash -c "! cmp -s '$refund_file' '$T/altered.statement'"
check "openssl refuses the refund with its amount changed" bash -c \
	"! openssl pkeyutl -verify -pubin -inkey '$T/owner.pem' -rawin \
	-in '$T/altered.statement' -sigfile '$sig_file' > /dev/null 2>&1"

# --- the backend refuses what the desk refuses --------------------------------
backend_attached "the desk attaches and pushes its log"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify replays the money statements" \
	grep -q "Verified .* log entries" "$T/verify.out"
# A desk whose store was doctored (as an insider with the passphrase can)
# believes 1000.00 more was paid, so its own fold lets the refund through.
doctor "UPDATE money SET paid = paid + 100000 WHERE order_no = 'M-1'"
own show M-1
expect_fail "show refuses the doctored order: its sums are not its history's" 6 \
	"order M-1's stored state does not match its signed history"
own refund M-1 --amount 500.00 --reason "forged"
expect_ok "the doctored desk signs a refund beyond what was paid"
push_last
pushed_refused "the backend refuses the pushed refund, with the figures" \
	'refund of 500.00 EUR refused: 266.00 paid, 20.00 refunded, 246.00 left'
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "the backend's log still verifies without it" \
	grep -q "Verified .* log entries" "$T/verify.out"
own audit verify
expect_fail "the doctored desk's own audit finds its store does not match its log" 6 "."
own sync
expect_ok "the desk's next sync takes the refused refund out"
own conflicts
check "and lists it as a conflict with the backend's figures" grep -q \
	"order M-1: payment.refund by owner was refused (by the backend): refund of 500.00 EUR refused: 266.00 paid, 20.00 refunded, 246.00 left" \
	"$T/out"
own audit verify
expect_ok "the order folded again from its log, the desk's store verifies"
stop_backend
own show M-2
expect_ok "an order whose rows were not touched still shows"
doctor "UPDATE payments SET reason = 'asked for it' WHERE order_no = 'M-2'"
own show M-2
expect_fail "show refuses a refund's row edited behind orderdesk's back" 6 \
	"order M-2's stored state does not match its signed history"

# --- a store made before money existed ------------------------------------------
OLD="$T/old"
cp -r "$ROOT/tests/e2e/data/pre-money-shop" "$OLD"
chmod 700 "$OLD"
chmod 600 "$OLD"/*
STORE="$OLD" own audit verify
expect_ok "a store made before money fields still verifies"
check "every one of its 8 entries" grep -q "Verified 8 log entries" "$T/out"
STORE="$OLD" own list --format csv
tr -d '\r' < "$T/out" > "$T/csv"
check "it lists the same orders, unpaid" bash -c "
	grep -q '^1001,2026-11-01T00:24:04Z,Lena Schäfer,Berlin,2,162.84,EUR,shipped,unpaid,' '$T/csv' &&
	grep -q '^1003,.*,24.18,EUR,cancelled,unpaid,,\$' '$T/csv'"
STORE="$OLD" own log --export "$T/old-export"
check "its old order.placed has no money lines" bash -c "
	grep -q '^kind: order.placed' '$T/old-export/2.statement' &&
	! grep -Eq '^(shipping|tax|discount|payment):' '$T/old-export/2.statement'"
STORE="$OLD" own user key owner
cp "$T/out" "$T/old-owner.pem"
check "openssl still verifies its old signed order" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/old-owner.pem" -rawin \
	-in "$T/old-export/2.statement" -sigfile "$T/old-export/2.sig"
STORE="$OLD" own pay 1001 --amount 162.84 --method bank
expect_ok "an old order takes a payment"
STORE="$OLD" own refund 1003 --amount 1.00 --reason "x"
expect_fail "an old order never paid has nothing to refund" 4 \
	"refund of 1.00 EUR refused: 0.00 paid, 0.00 refunded, 0.00 left"
STORE="$OLD" own audit verify
expect_ok "and the old store verifies with its new entry"

exit $((CHECKS_FAILED > 0))
