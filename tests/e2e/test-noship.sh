#!/usr/bin/env bash
# Orders that need no shipping (a gift card, a download), with the real
# binaries: each source's file (Shopify CSV, WooCommerce JSON, Amazon,
# Etsy, orderdesk's JSON and CSV) gives them no ship-to, never the billing
# address; half a ship-to is refused and nothing imported; show and the
# packing slip say "no shipping needed"; ship is refused saying to deliver
# instead, deliver fulfils it without a parcel, and a delivered one is not
# cancelled; the pick list leaves it out; and a backend refuses a shipment
# of one, pushed by a desk whose store was doctored to give it an address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq pdftotext
D="$ROOT/tests/e2e/data/noship"
SAM_PASS="sam's own passphrase"

new_shop
add_person sam staff "$SAM_PASS"
sam() { od_as sam "$SAM_PASS" "$@"; }

# no_ship NUMBER: show says the order needs no shipping, and no address.
no_ship() {
	own show "$1"
	[ "$RC" -eq 0 ] && grep -qx 'Ship to   no shipping needed' "$T/out" &&
		! grep -q 'Main St\|Calle Mayor\|Portland\|Madrid' "$T/out"
}

# --- each source's file ------------------------------------------------------
own import "$D/orderdesk-half.json"
expect_fail "half a ship-to in orderdesk JSON is refused" 5 \
	"order OD-HALF: ship_to.name: is missing; give name, lines, city and country, or no ship_to for an order that needs no shipping"
own import "$D/orderdesk-half.csv"
expect_fail "half a ship-to in orderdesk CSV is refused, naming the part" 5 \
	"order OD-HALF2: ship-to country: is missing; a ship-to needs a name, an address line, a city and a country \(an order that needs no shipping has none of them\)"
own list
check "and nothing was imported" bash -c "! grep -q 'OD-HALF' '$T/out'"

own import "$D/shopify-gift.csv"
expect_ok "a Shopify CSV with gift cards and a download imports"
check "Shopify: a gift card alone has no ship-to (not the billing one)" \
	no_ship 3001
check "Shopify: no line requires shipping: no ship-to, address or not" \
	no_ship 3002
own show 3003
check "Shopify: a gift card with tea that ships keeps its ship-to" \
	grep -qx '          97201 Portland, OR US' "$T/out"
own import "$D/woo-virtual.json"
expect_ok "a WooCommerce virtual order imports"
check "WooCommerce: no shipping address, no shipping lines: no ship-to" \
	no_ship 901
own show 902
check "WooCommerce: shipping lines but no shipping address: billing's" \
	grep -qx '          28013 Madrid ES' "$T/out"
own import "$D/amazon-digital.txt"
expect_ok "an Amazon order without a ship-to imports"
check "Amazon: empty ship- columns: no ship-to" no_ship 114-0000009-0000009
own import "$D/etsy-download.csv"
expect_ok "an Etsy download imports, the buyer as its customer"
check "Etsy: empty Ship columns: no ship-to" no_ship 2950000009
own import "$D/orderdesk-gift.json"
expect_ok "orderdesk JSON without ship_to imports"
check "orderdesk JSON: no ship_to: no ship-to" no_ship OD-GIFT
own import "$D/orderdesk-gift.csv"
expect_ok "orderdesk CSV with empty ship_ columns imports"
check "orderdesk CSV: no ship-to" no_ship OD-GIFT2
own log --export "$T/export"
f=$(grep -l '^order: 3001$' "$T"/export/*.statement | head -1)
check "its signed order.placed has no ship- field at all" bash -c "
	test -n '$f' && grep -q '^kind: order.placed$' '$f' &&
	! grep -q '^ship-' '$f'"

# --- its life: never shipped, delivered instead ----------------------------------
own confirm 3001
own confirm 3003
sam ship 3001 --carrier DHL --tracking DHL-1
expect_fail "shipping it is refused, saying to deliver it" 4 \
	"order 3001 needs no shipping; deliver it: \`orderdesk deliver 3001\`"
own slip 3001 --out "$T/slip.pdf"
check "its packing slip says no shipping is needed" bash -c "
	pdftotext '$T/slip.pdf' - | grep -qx 'No shipping needed' &&
	! pdftotext '$T/slip.pdf' - | grep -q 'Portland'"
own picklist 3001 3003 --out "$T/pick.pdf"
check "the pick list leaves it out and says so" bash -c "
	grep -q '^Wrote a pick list of 1 order to .*Left out: orders that need no shipping.\$' '$T/out' &&
	pdftotext '$T/pick.pdf' - | grep -q 'TEA-1' &&
	! pdftotext '$T/pick.pdf' - | grep -q 'GIFT-CARD-50'"
sam deliver 3002
expect_fail "a new one is not delivered before it is confirmed" 4 \
	"order 3002 is new; confirm it before it is delivered"
sam deliver 3001 --parcel DHL-1
expect_fail "it has no parcel to name" 5 \
	"order 3001 needs no shipping and has no parcels; deliver it without --parcel"
sam deliver 3001
expect_ok "staff deliver it"
own show 3001
check "it is delivered" grep -q '^Order 3001  placed .*  delivered$' "$T/out"
own cancel 3001 --reason "asked to"
expect_fail "a delivered one is not cancelled" 4 \
	"order 3001 is delivered; it cannot be cancelled"
own audit verify
expect_ok "audit verify replays it all"

# --- the backend refuses a shipment of it ---------------------------------------
own confirm 3002
backend_attached "the desk attaches and pushes its log, no-ship orders and all"
# The doctored desk believes order 3002 has an address.
doctor "UPDATE orders SET ship_name = 'X', ship_lines = 'Y', city = 'Z', country = 'US' WHERE number = '3002'"
own ship 3002 --carrier DHL --tracking DHL-2
expect_ok "the doctored desk signs a shipment of it"
push_last
pushed_refused "the backend refuses the shipment: the order needs no shipping" \
	'order 3002 needs no shipping; deliver it: .orderdesk deliver 3002.'
stop_backend

exit $((CHECKS_FAILED > 0))
