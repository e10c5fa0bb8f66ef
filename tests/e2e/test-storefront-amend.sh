#!/usr/bin/env bash
# An order edited in its storefront after it was placed, with the real
# binaries: an overlapping WooCommerce export whose quantity and ship-to
# changed becomes a signed order.amend (old and new values) and the
# payment of the difference, counted "1 amended" in the summary; an edit
# that would leave the total below what was paid imports nothing; its
# signature checked by openssl; then the same by webhook on the real
# orderdeskd, signed as the storefront, and an edit of an order the desk
# has since shipped refused by the backend in words.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq openssl

WOO="$ROOT/tests/unit/data/woocommerce-v3-order.json"
SECRET='wc-s3cret-Xy7'
own() { od_as owner "$OWNER_PASS" "$@"; }
# edited FILE: 727 with two of Bar3 (one more) and a new city.
edited() {
	jq '.line_items[1].quantity = 2 | .line_items[1].subtotal = "24.00" |
	    .line_items[1].total = "24.00" | .total = "41.35" |
	    .shipping.city = "Oakland"' "$WOO" > "$1"
}
edited "$T/edited.json"

new_shop
own import "$WOO"
expect_ok "WooCommerce's order 727 imports"
own import "$T/edited.json"
expect_ok "the same order, edited in WooCommerce, imports"
check "as an amendment and the payment of the difference" grep -q \
	"^Imported 1 orders: 0 new, 0 already here, 1 updated (1 amended, 1 paid, 0 cancelled); signed by owner" \
	"$T/out"
own show 727
check "show has the new city, quantity and total, and the amendment's both values" bash -c "
	grep -q ' Oakland, CA US\$' '$T/out' &&
	grep -Eq '^  Bar3 +2 x' '$T/out' && grep -q '^Total     41.35 USD' '$T/out' &&
	grep -q 'item \"Bar3 1\" -> \"Bar3 2\"' '$T/out' &&
	grep -q 'ship-city \"San Francisco, CA\" -> \"Oakland, CA\"' '$T/out'"
own import "$T/edited.json"
check "the edited export again signs nothing" grep -q \
	"^Imported 1 orders: 0 new, 1 already here, 0 updated\.$" "$T/out"
jq '.line_items |= [.[0]] | .total = "17.35"' "$T/edited.json" > "$T/less.json"
before=$(store_digest)
own import "$T/less.json"
expect_fail "an edit below what was paid is refused whole, in words" 4 \
	"order 727 has 41.35 USD paid; the new total 17.35 USD is less: refund first"
check "and nothing moved" [ "$before" = "$(store_digest)" ]
own user key owner
cp "$T/out" "$T/owner.pem"
own log --export "$T/export"
f=$(grep -l '^kind: order.amend$' "$T"/export/*.statement | head -1)
check "the amendment names the old and new values" bash -c "
	test -n '$f' && grep -q '^was-item: Bar3 1\$' '$f' &&
	grep -q '^item: Bar3 2\$' '$f' && grep -q '^was-total: 2935\$' '$f'"
check "openssl verifies it" openssl pkeyutl -out /dev/null -verify -pubin \
	-inkey "$T/owner.pem" -rawin -in "$f" -sigfile "${f%.statement}.sig"

# --- by webhook, on the backend -----------------------------------------------
sign() { openssl dgst -sha256 -hmac "$1" -binary < "$2" | base64 -w0; }
woo() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
		--cacert "$BK/ca.pem" -H "Content-Type: application/json" \
		-H "X-WC-Webhook-Topic: $2" -H "X-WC-Webhook-Delivery-ID: $3" \
		-H "X-WC-Webhook-Signature: $(sign "$SECRET" "$1")" \
		--data-binary "@$1" \
		"https://127.0.0.1:$PORT/v1/webhooks/woocommerce/web" \
		2> "$T/curl.err")
}
STORE="$T/desk2"
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" storefront add web --woocommerce-secret-fd 3 \
	3<<< "$SECRET" > "$T/sf.out" 2>&1
SFKEY=$(sed -n 's/.*--approve-storefront web --key \(.*\)$/\1/p' "$T/sf.out")
start_backend
new_shop
attach_desk "$PORT" join
own sync --approve-storefront web --key "$SFKEY"
expect_ok "the owner approves the storefront"
woo "$WOO" order.created d-1
check "the webhook places 727" test "$CODE:$(jq -r .result "$T/resp")" = "200:accepted"
woo "$T/edited.json" order.updated d-2
check "orders/updated with other items and ship-to is accepted" \
	test "$CODE:$(jq -r .result "$T/resp")" = "200:accepted"
own sync
own show 727
check "signed by the storefront, as an amendment" bash -c "
	grep -Eq 'order.amend +web \(storefront\)' '$T/out' &&
	grep -q ' Oakland, CA US\$' '$T/out'"
own confirm 727
own ship 727 --carrier UPS --tracking UPS-1
own sync
expect_ok "the desk ships it and syncs"
jq '.shipping.city = "Berkeley"' "$T/edited.json" > "$T/late.json"
woo "$T/late.json" order.updated d-3
check "an edit after shipping is refused by the backend, in words" bash -c "
	test '$CODE:$(jq -r .result "$T/resp")' = '200:refused' &&
	jq -r .reason '$T/resp' | grep -q \
	'order 727 changed in woocommerce after it was shipped here; orderdesk amends only an order not yet shipped'"
stop_backend

exit $((CHECKS_FAILED > 0))
