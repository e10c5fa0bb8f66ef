#!/usr/bin/env bash
# Parcels and restocks with the real binaries: an order shipped in two
# parcels is delivered parcel by parcel (show lists each parcel's
# delivery; the order is delivered when every parcel is; an unknown or
# already delivered parcel is refused with words; deliver without --parcel
# still takes a shipped order whole); an accepted return puts what came
# back on the shelf (`return close --restock`), refused for more than came
# back and for a wrong-item return, and `orderdesk stock` lists it per SKU;
# the restock's signature checked by openssl; a delivery row taken out
# behind orderdesk's back refused by show; and a backend that refuses a
# second delivery of a parcel, pushed by a desk whose store was doctored
# to forget the first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq openssl

new_shop
own() { od_as owner "$OWNER_PASS" "$@"; }
cat > "$T/orders.json" <<'JSON'
[{"number": "P-1", "placed_at": "2026-11-20T09:15:00Z", "currency": "EUR",
  "customer": {"name": "Ana"},
  "ship_to": {"name": "Ana", "lines": ["Calle Mayor 1"], "city": "Madrid", "country": "ES"},
  "items": [{"sku": "TEA", "name": "Tea", "qty": 3, "unit_price": 1000},
            {"sku": "MUG", "name": "Mug", "qty": 1, "unit_price": 2000}],
  "total": 5000},
 {"number": "P-2", "placed_at": "2026-11-20T09:16:00Z", "currency": "EUR",
  "customer": {"name": "Ben"},
  "ship_to": {"name": "Ben", "lines": ["Rua 2"], "city": "Lisboa", "country": "PT"},
  "items": [{"sku": "TEA", "name": "Tea", "qty": 1, "unit_price": 1000}],
  "total": 1000}]
JSON
own import "$T/orders.json"
expect_ok "two orders import"
own confirm P-1
own confirm P-2
own ship P-1 --carrier DHL --tracking DHL-1 --item TEA:3
expect_ok "the first parcel ships"

# --- delivery parcel by parcel ------------------------------------------------
own deliver P-1
expect_fail "an order partly shipped is not delivered whole" 4 \
	"order P-1 is confirmed; only a shipped order \(every item shipped\) can be delivered whole; deliver a parcel with --parcel"
own deliver P-1 --parcel DHL-1
expect_ok "a parcel is delivered before the rest has shipped"
check "deliver says how many parcels are delivered" grep -q \
	"^Order P-1: parcel DHL-1 delivered, signed by owner (log entry [0-9]*); 1 of 1 parcels delivered.$" "$T/out"
own deliver P-1 --parcel DHL-1
expect_fail "a parcel delivered already is refused, with its entry" 4 \
	"order P-1's parcel DHL-1 was delivered already \(log entry [0-9]+\)"
own deliver P-1 --parcel DHL-9
expect_fail "an unknown parcel is refused" 5 "order P-1 has no parcel with tracking DHL-9"
own ship P-1 --carrier DHL --tracking DHL-2 --item MUG:1
expect_ok "the second parcel ships"
own show P-1
check "with a parcel still on its way the order is shipped" grep -q "^Order P-1 .*  shipped$" "$T/out"
check "show lists each parcel's delivery" bash -c "
	grep -A1 'DHL DHL-1: TEA 3' '$T/out' | grep -q '^    delivered (entry [0-9]*) 20' &&
	grep -A1 'DHL DHL-2: MUG 1' '$T/out' | grep -q '^    not delivered yet\$'"
own deliver P-1 --parcel DHL-2 --evidence "$T/orders.json"
expect_ok "the last parcel is delivered, with a proof"
check "2 of 2" grep -q "2 of 2 parcels delivered" "$T/out"
own deliver P-1
expect_fail "every parcel delivered: the order is delivered, not again" 4 \
	"order P-1 is delivered"
own ship P-2 --carrier UPS --tracking UPS-1 --item TEA:1
own deliver P-2
expect_ok "deliver without --parcel still takes a shipped order whole"
own show P-2
check "and its parcel shows delivered" grep -q '^    delivered (entry' "$T/out"

# --- a return restocked ----------------------------------------------------------
own return open P-1 --item TEA:2 --item MUG:1 --reason "changed mind"
own return receive P-1-R1 --item TEA:2 --item MUG:1 --condition ok
expect_ok "the return is received"
own return close P-1-R1 --restock
expect_fail "--restock without --accept is a usage error" 2 "usage"
own return close P-1-R1 --accept --restock-item TEA:3
expect_fail "more than came back is refused, with the figures" 4 \
	"return P-1-R1: 2 of TEA came back; at most 2 can go back on the shelf"
own return close P-1-R1 --accept --restock-item TEA:2
expect_ok "the accepted return puts two teas back on the shelf"
check "close says what went back" grep -q "^Back on the shelf: TEA 2 (see \`orderdesk stock\`).$" "$T/out"
own return open P-2 --item TEA:1 --reason "wrong tea"
own return receive P-2-R1 --item TEA:1 --condition wrong-item
own return close P-2-R1 --accept --restock
expect_fail "a wrong-item return does not go back on the shelf" 4 \
	"return P-2-R1 came back wrong-item; what came back is not what was sent"
own return close P-2-R1 --reject --reason "not ours"
own stock
check "stock lists per SKU the units restocked and from how many returns" bash -c "
	grep -Eq '^SKU +RESTOCKED +RETURNS\$' '$T/out' &&
	grep -Eq '^TEA +2 +1\$' '$T/out' && ! grep -q '^MUG' '$T/out'"
own audit verify
expect_ok "audit verify replays the deliveries and the restock"

# --- signatures, checked by openssl ------------------------------------------------
own user key owner
cp "$T/out" "$T/owner.pem"
own log --export "$T/export"
close_file=$(grep -l '^restock: TEA 2$' "$T"/export/*.statement | head -1)
check "the signed close names what went back on the shelf" test -n "$close_file"
check "openssl verifies the restock's signature" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/owner.pem" -rawin \
	-in "$close_file" -sigfile "${close_file%.statement}.sig"
sed 's/^restock: TEA 2$/restock: TEA 20/' "$close_file" > "$T/altered"
check "openssl refuses it with the count changed" bash -c \
	"! openssl pkeyutl -verify -pubin -inkey '$T/owner.pem' -rawin \
	-in '$T/altered' -sigfile '${close_file%.statement}.sig' > /dev/null 2>&1"
deliver_file=$(grep -l '^tracking: DHL-2$' "$T"/export/*.statement |
	xargs grep -l '^kind: shipment.deliver$' | head -1)
check "openssl verifies a parcel's delivery" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/owner.pem" -rawin \
	-in "$deliver_file" -sigfile "${deliver_file%.statement}.sig"

# --- the backend refuses what the desk refuses ----------------------------------
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
attach_desk "$PORT" join
expect_ok "the desk attaches and pushes its log"
"$TOOLS/od-tamper" "$STORE" owner \
	"DELETE FROM deliveries WHERE order_no = 'P-1' AND seq = (SELECT max(seq) FROM deliveries WHERE order_no = 'P-1')" \
	<<< "$OWNER_PASS" > /dev/null
own show P-2
expect_ok "an order whose deliveries were not touched still shows"
own show P-1
expect_fail "show refuses an order one of whose delivery rows was taken out" 6 \
	"order P-1's stored state does not match its signed history"
"$TOOLS/od-tamper" "$STORE" owner \
	"DELETE FROM deliveries WHERE order_no = 'P-2'" \
	<<< "$OWNER_PASS" > /dev/null
own deliver P-2 --parcel UPS-1
expect_ok "the doctored desk delivers the parcel a second time"
push_last
check "the backend refuses the second delivery" test "$CODE:$RESULT" = 200:refused
check "in words" grep -q "order P-2's parcel UPS-1 was delivered already" "$T/resp"
stop_backend
# `stock` reads its rows as stored; audit verify replays them.
"$TOOLS/od-tamper" "$STORE" owner "UPDATE restocks SET qty = 7" \
	<<< "$OWNER_PASS" > /dev/null
own audit verify
expect_fail "audit verify finds restocked units that the log does not make" 6 "."

exit $((CHECKS_FAILED > 0))
