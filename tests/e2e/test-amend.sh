#!/usr/bin/env bash
# Amendments with the real binaries: a corrected ship-to, quantities, an
# item added or taken out before shipping (never below what was paid),
# signed with its old and new values, shown by show and its history;
# refused with one line when it changes nothing, for a line past the
# address's end, after shipping and on a cancelled order; its signature
# checked by openssl; and a backend that refuses an amendment of a shipped
# order, pushed by a desk whose store was doctored to believe nothing
# shipped.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq openssl
MEI_PASS="mei's own passphrase"
SAM_PASS="sam's own passphrase"

new_shop
od_as owner "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "$MEI_PASS")
od_as owner "$OWNER_PASS" user add sam --role staff --new-passphrase-fd 4 \
	4< <(echo "$SAM_PASS")
own() { od_as owner "$OWNER_PASS" "$@"; }
mei() { od_as mei "$MEI_PASS" "$@"; }
own import "$SAMPLE"
expect_ok "the sample orders import"

# --- amending the ship-to -----------------------------------------------------
mei amend 1001 --ship-to-city Hamburg --ship-to-line2 Hinterhaus \
	--ship-to-postcode 20095
expect_ok "a shopkeeper corrects the address before shipping"
check "amend says what changed, old and new" grep -q \
	'^Order 1001 amended, signed by mei (log entry [0-9]*): ship-line "Friedrichstraße 123" -> "Friedrichstraße 123", "Hinterhaus"; ship-city "Berlin" -> "Hamburg"; ship-postcode "10117" -> "20095"$' \
	"$T/out"
own show 1001
check "show prints the new address and the history both values" bash -c "
	grep -q '^          Hinterhaus\$' '$T/out' &&
	grep -q '^          20095 Hamburg DE\$' '$T/out' &&
	grep -q 'order.amend      mei (shopkeeper)' '$T/out' &&
	grep -q 'ship-city \"Berlin\" -> \"Hamburg\"' '$T/out'"
mei amend 1001 --item BAG-070:2
expect_ok "a quantity is corrected before shipping"
check "with the old and new quantity and total" grep -q \
	'item "BAG-070 4" -> "BAG-070 2"; total "16284" -> "12236"$' "$T/out"
mei list
check "list shows the new total" grep -Eq '^1001 .* 122\.36 EUR' "$T/out"
mei amend 1001 --item NOPE:1
expect_fail "an item the order does not have is refused" 2 \
	"order 1001 has no item NOPE"
mei amend 1001 --ship-to-city Hamburg
expect_fail "an amendment that changes nothing is refused" 5 \
	"order 1001's ship-city is already \"Hamburg\""
mei amend 1001 --ship-to-line4 "Hof"
expect_fail "a line past the address's end is a usage error" 2 \
	"ship-to-line4: order 1001's address has 2 lines; give line 3 first"
mei amend 1001
expect_fail "amend without a change is a usage error" 2 "usage"
od_as sam "$SAM_PASS" amend 1001 --ship-to-name "Sam"
expect_fail "staff may not amend" 4 \
	"sam is staff and may not amend orders; ask a shopkeeper or the owner"
mei amend 1001 --add-item "TEA-9:2:3.50:Green tea" --item BAG-070:0
expect_ok "an item is added and one taken out"
check "amend says both, old and new, and the total" grep -q \
	'item "BAG-070 2" -> "BAG-070 0"; add-item (none) -> "TEA-9 2 350 Green tea"; total "12236" -> "8888"$' \
	"$T/out"
own show 1001
check "show lists the items as amended" bash -c "
	grep -Eq '^  TEA-9 +2 x +3\.50 EUR  shipped 0  Green tea\$' '$T/out' &&
	! grep -q '^  BAG-070' '$T/out' && grep -q '^Total     88\.88 EUR' '$T/out'"
mei amend 1001 --add-item TEA-9:1:1
expect_fail "adding a SKU the order has is refused" 2 \
	"order 1001 has TEA-9 already; change its quantity with --item TEA-9:QTY"
mei amend 1001 --add-item TEA-8:1:1.001
expect_fail "a price with more decimals than the currency is refused" 2 "EUR has 2 decimals"
mei amend 1001 --add-item TEA-8:1
expect_fail "--add-item needs a price" 2 "add-item: give SKU:QUANTITY:PRICE"
mei pay 1001 --amount 88.88
mei amend 1001 --item TEA-9:1
expect_fail "the total may not fall below what was paid" 4 \
	"order 1001 has 88.88 EUR paid; the new total 85.38 EUR is less: refund first"
mei cancel 1002 --reason "asked to"
mei amend 1002 --ship-to-city Paris
expect_fail "a cancelled order cannot be amended" 4 \
	"order 1002 is cancelled; only an order not yet shipped can be amended"
mei confirm 1001
mei ship 1001 --carrier DHL --tracking DHL-1
mei amend 1001 --ship-to-city Bremen
expect_fail "a shipped order cannot be amended" 4 \
	"order 1001 is shipped; only an order not yet shipped can be amended"
own audit verify
expect_ok "audit verify replays the amendment"

# --- its signature, checked by openssl -----------------------------------------
own user key mei
cp "$T/out" "$T/mei.pem"
own log --export "$T/export"
f=$(grep -l '^kind: order.amend$' "$T"/export/*.statement | head -1)
check "the amendment carries old and new values" bash -c "
	test -n '$f' && grep -q '^was-ship-city: Berlin\$' '$f' &&
	grep -q '^ship-city: Hamburg\$' '$f'"
check "openssl verifies the amendment with mei's key" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/mei.pem" \
	-rawin -in "$f" -sigfile "${f%.statement}.sig"
sed 's/^ship-city: Hamburg$/ship-city: Hanover/' "$f" > "$T/altered.statement"
check "openssl refuses it with the new city changed" bash -c \
	"! cmp -s '$f' '$T/altered.statement' &&
	! openssl pkeyutl -verify -pubin -inkey '$T/mei.pem' -rawin \
	-in '$T/altered.statement' -sigfile '${f%.statement}.sig' > /dev/null 2>&1"

f=$(grep -l '^add-item: TEA-9 2 350 Green tea$' "$T"/export/*.statement | head -1)
check "the item added is signed with its removal and totals" bash -c "
	test -n '$f' && grep -q '^was-item: BAG-070 2\$' '$f' &&
	grep -q '^item: BAG-070 0\$' '$f' && grep -q '^total: 8888\$' '$f'"
check "openssl verifies it with mei's key" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/mei.pem" \
	-rawin -in "$f" -sigfile "${f%.statement}.sig"

# --- the backend refuses what the desk refuses ------------------------------------
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
attach_desk "$PORT" join
expect_ok "the desk attaches and pushes its log"
# The doctored desk believes order 1001 never shipped.
"$TOOLS/od-tamper" "$STORE" owner \
	"UPDATE items SET shipped = 0 WHERE order_no = '1001'; UPDATE orders SET status = 1 WHERE number = '1001'" \
	<<< "$OWNER_PASS" > /dev/null
own amend 1001 --ship-to-city Bremen
expect_ok "the doctored desk signs an amendment of a shipped order"
own log --format json
jq -c '{statements: [.[-1] | {statement, signature}]}' "$T/out" > "$T/forged.json"
CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" -H 'Content-Type: application/json' \
	--data-binary "@$T/forged.json" \
	"https://127.0.0.1:$PORT/v1/statements" 2> "$T/curl.err")
check "the backend refuses the amendment: the order has shipped" bash -c "
	test '$CODE' = 200 &&
	test \"\$(jq -r '.receipts[0].result' '$T/resp')\" = refused &&
	jq -r '.receipts[0].reason' '$T/resp' |
	grep -q 'order 1001 is shipped; only an order not yet shipped can be amended'"
stop_backend

exit $((CHECKS_FAILED > 0))
