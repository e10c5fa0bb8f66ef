#!/usr/bin/env bash
# Storefronts' webhooks over real TLS 1.3 on 127.0.0.1, posted by curl with
# no client certificate, as WooCommerce and Shopify post them: the body's
# HMAC-SHA256 under the storefront's secret (set from a file descriptor,
# kept only in the encrypted store) decides; a right one places the order
# as the storefront and a desk pulls it; wrong and missing ones get 401, a
# security event and nothing signed; WooCommerce's ping gets 200; a
# redelivered id changes nothing; a Shopify secret being rotated is
# accepted old and new until --drop-old; orders/paid after orders/create
# records the payment, orders/cancelled cancels, orders/updated after a
# refund signs the refund (a later one the difference); a body over 1 MiB
# gets 413; failures count toward the address's limit (429); and `serve
# --webhooks` serves them, and only them, on a second listener under the
# operator's certificate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq openssl

WOO="$ROOT/tests/unit/data/woocommerce-v3-order.json"
SHOP="$ROOT/tests/unit/data/shopify-order.json"
WOO_SECRET='wc-s3cret-Xy7'
SHOP_V1='shpss_one_1111'
SHOP_V2='shpss_two_2222'

# sign SECRET FILE: base64(HMAC-SHA256(SECRET, FILE's bytes)).
sign() { openssl dgst -sha256 -hmac "$1" -binary < "$2" | base64 -w0; }

# hook KIND NAME FILE [HEADER...]: POSTs FILE to the webhook path as a
# storefront does, with no certificate; the answer in $T/resp, the status
# in $CODE.
hook() {
	local kind=$1 name=$2 file=$3 hdr=()
	shift 3
	for h in "$@"; do hdr+=(-H "$h"); done
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
		--cacert "$BK/ca.pem" "${hdr[@]}" --data-binary "@$file" \
		"https://127.0.0.1:$PORT/v1/webhooks/$kind/$name" \
		2> "$T/curl.err")
}

# woo FILE TOPIC ID SECRET; shopify FILE TOPIC ID SECRET: signed posts.
woo() {
	hook woocommerce web "$1" "Content-Type: application/json" \
		"X-WC-Webhook-Topic: $2" "X-WC-Webhook-Delivery-ID: $3" \
		"X-WC-Webhook-Signature: $(sign "$4" "$1")"
}
shopify() {
	hook shopify web "$1" "Content-Type: application/json" \
		"X-Shopify-Topic: $2" "X-Shopify-Webhook-Id: $3" \
		"X-Shopify-Hmac-Sha256: $(sign "$4" "$1")"
}

# head_seq: the backend's log length, read with the desk's certificate.
head_seq() {
	curl -sS --max-time 20 --cacert "$BK/ca.pem" \
		--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
		"https://127.0.0.1:$PORT/v1/log?after=0&limit=1" | jq '.head.seq'
}

result() { jq -r '.result' "$T/resp"; }

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")

# --- secrets: from a descriptor, never the command line ---------------------
"$ODD" --dir "$BK" storefront add web --shopify-secret-fd 9 \
	> "$T/sf.out" 2>&1
check "a secret from a closed descriptor is refused, and nothing made" \
	bash -c "grep -q 'cannot read the shopify secret' '$T/sf.out' &&
		 ! test -e '$BK/storefront-keys/web.key'"
"$ODD" --dir "$BK" storefront add web --shopify-secret-fd 3 \
	> "$T/sf.out" 2>&1 3< /dev/null
check "an empty secret is refused" grep -q "must be 1 to 256 bytes" "$T/sf.out"
"$ODD" --dir "$BK" storefront add web --shopify-secret 3 \
	> "$T/sf.out" 2>&1
check "an unknown option is refused with the usage" \
	grep -q "usage: .*--woocommerce-secret-fd N" "$T/sf.out"
"$ODD" --dir "$BK" storefront add web --woocommerce-secret-fd 3 \
	--shopify-secret-fd 4 3<<< "$WOO_SECRET" 4<<< "$SHOP_V1" \
	> "$T/sf.out" 2>&1
SFKEY=$(sed -n 's/.*--approve-storefront web --key \(.*\)$/\1/p' "$T/sf.out")
check "storefront add with two secrets makes the storefront and says where" \
	bash -c "test -n '$SFKEY' &&
		 grep -q '/v1/webhooks/shopify/web' '$T/sf.out' &&
		 grep -q '/v1/webhooks/woocommerce/web' '$T/sf.out'"
check "no file of the backend holds a secret in the clear" \
	bash -c "! grep -rqF -e '$WOO_SECRET' -e '$SHOP_V1' '$BK'"

start_backend "$BK" "${PORT:-0}"
new_shop
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_ok "a desk attaches and pushes its genesis"

# --- before the owner approves the storefront -------------------------------
woo "$WOO" order.created d-0 "$WOO_SECRET"
check "a signed order before the owner approves the storefront gets 503" \
	test "$CODE" = 503 -a -n "$(jq -r .error "$T/resp" |
		grep 'approve-storefront web')"
od "$OWNER_PASS" sync --approve-storefront web --key "$SFKEY"
expect_ok "the owner approves the storefront's key from a desk"
SEQ0=$(head_seq)

# --- WooCommerce ------------------------------------------------------------
printf 'webhook_id=17' > "$T/ping"
hook woocommerce web "$T/ping" \
	"Content-Type: application/x-www-form-urlencoded"
check "WooCommerce's creation ping gets 200 and changes nothing" \
	test "$CODE:$(result):$(head_seq)" = "200:ping:$SEQ0"

woo "$WOO" order.created d-1 "wrong-secret"
check "a wrong signature gets 401" test "$CODE" = 401
hook woocommerce web "$WOO" "Content-Type: application/json" \
	"X-WC-Webhook-Topic: order.created" "X-WC-Webhook-Delivery-ID: d-1"
check "a missing signature gets 401" test "$CODE" = 401
check "and neither signed anything" test "$(head_seq)" = "$SEQ0"
"$ODD" --dir "$BK" events --kind webhook-signature > "$T/ev" 2>&1
check "both are security events naming the storefront" \
	test "$(grep -cE 'webhook-signature +127\.0\.0\.1 +web ' "$T/ev")" = 2

woo "$WOO" order.created d-1 "$WOO_SECRET"
check "a right signature places WooCommerce's order 727" \
	test "$CODE:$(result):$(jq -r .order "$T/resp")" = "200:accepted:727"
SEQ1=$(head_seq)
check "as one statement" test "$SEQ1" = $((SEQ0 + 1))
woo "$WOO" order.created d-1 "$WOO_SECRET"
check "the same delivery again gets 200 and changes nothing" \
	test "$CODE:$(result):$(head_seq)" = "200:duplicate:$SEQ1"
woo "$WOO" order.updated d-2 "$WOO_SECRET"
check "an update that says nothing new changes nothing" \
	test "$CODE:$(result):$(head_seq)" = "200:unchanged:$SEQ1"
woo "$WOO" product.created d-3 "$WOO_SECRET"
check "a topic without an order is ignored" \
	test "$CODE:$(result)" = "200:ignored"

# --- Shopify, and a secret rotated while serving -----------------------------
shopify "$SHOP" orders/create s-1 "$SHOP_V1"
check "Shopify's orders/create places #1001" \
	test "$CODE:$(result):$(jq -r .order "$T/resp")" = "200:accepted:1001"
"$ODD" --dir "$BK" storefront add web --shopify-secret-fd 3 \
	3<<< "$SHOP_V2" > "$T/sf.out" 2>&1
check "a second secret is set while the backend serves" \
	grep -q "until --drop-old" "$T/sf.out"
jq '.financial_status = "paid"' "$SHOP" > "$T/paid.json"
shopify "$T/paid.json" orders/paid s-2 "$SHOP_V1"
check "orders/paid signed with the old secret is accepted" \
	test "$CODE:$(result):$(jq .statements "$T/resp")" = "200:accepted:1"
jq '.name = "#1002" | .financial_status = "authorized"' "$SHOP" \
	> "$T/1002.json"
shopify "$T/1002.json" orders/create s-3 "$SHOP_V2"
check "and orders/create signed with the new one too" \
	test "$CODE:$(result)" = "200:accepted"
"$ODD" --dir "$BK" storefront add web --drop-old > "$T/sf.out" 2>&1
jq '.cancelled_at = "2026-11-21T09:00:00-05:00"' "$T/1002.json" \
	> "$T/1002c.json"
shopify "$T/1002c.json" orders/cancelled s-4 "$SHOP_V1"
check "after --drop-old the old secret gets 401" test "$CODE" = 401
shopify "$T/1002c.json" orders/cancelled s-4 "$SHOP_V2"
check "and orders/cancelled with the new one cancels #1002" \
	test "$CODE:$(result):$(jq .statements "$T/resp")" = "200:accepted:1"

# --- Shopify refunds: orders/updated carries every refund so far -------------
# refunds[].transactions[] as Shopify's REST order has them: a successful
# one of kind "refund" gave money back; a pending one has not yet.
R1='{"transactions": [{"kind": "refund", "status": "success",
	"amount": "41.50", "currency": "USD", "gateway": "bogus"}]}'
R2='{"transactions": [{"kind": "refund", "status": "pending",
	"amount": "5.00"}, {"kind": "refund", "status": "success",
	"amount": "8.50"}]}'
jq ".financial_status = \"partially_refunded\" | .refunds = [$R1]" \
	"$T/paid.json" > "$T/ref1.json"
jq ".financial_status = \"partially_refunded\" | .refunds = [$R1, $R2]" \
	"$T/paid.json" > "$T/ref2.json"
shopify "$T/ref1.json" orders/updated r-1 "$SHOP_V2"
check "orders/updated after a refund of 41.50 signs one refund" \
	test "$CODE:$(result):$(jq .statements "$T/resp")" = "200:accepted:1"
SEQ2=$(head_seq)
shopify "$T/ref1.json" orders/updated r-1 "$SHOP_V2"
check "its redelivery changes nothing" \
	test "$CODE:$(result):$(head_seq)" = "200:duplicate:$SEQ2"
shopify "$T/ref1.json" orders/updated r-2 "$SHOP_V2"
check "nor does the same order under another delivery id" \
	test "$CODE:$(result):$(head_seq)" = "200:unchanged:$SEQ2"
shopify "$T/ref2.json" orders/updated r-3 "$SHOP_V2"
check "a second refund (8.50 done, 5.00 pending) signs the 8.50 only" \
	test "$CODE:$(result):$(head_seq)" = "200:accepted:$((SEQ2 + 1))"
jq '.refunds[1] + {id: 509562970, order_id: 820982911946154508}' \
	"$T/ref2.json" > "$T/refund-create.json"
shopify "$T/refund-create.json" refunds/create r-4 "$SHOP_V2"
check "refunds/create is ignored (orders/updated carries the refunds)" \
	test "$CODE:$(result):$(head_seq)" = "200:ignored:$((SEQ2 + 1))"
jq '.refunds[0].transactions[0].currency = "CAD" | .name = "#1005"' \
	"$T/ref1.json" > "$T/refcad.json"
shopify "$T/refcad.json" orders/create r-5 "$SHOP_V2"
check "a refund in another currency is refused, saying what to do" \
	test "$CODE:$(result):$(head_seq)" = "200:refused:$((SEQ2 + 1))" -a \
	-n "$(jq -r .reason "$T/resp" | grep 'orderdesk refund')"

# --- limits -----------------------------------------------------------------
head -c 1100000 /dev/zero | tr '\0' a > "$T/big"
shopify "$T/big" orders/create s-5 "$SHOP_V2"
check "a body over 1 MiB gets 413" test "$CODE" = 413
jq '.total_price = "403.00" | .name = "#1003"' "$SHOP" > "$T/bad.json"
shopify "$T/bad.json" orders/create s-6 "$SHOP_V2"
check "an order the shop cannot take is refused in a 200, saying why" \
	test "$CODE:$(result)" = "200:refused" -a \
	-n "$(jq -r .reason "$T/resp" | grep 1003)"

# --- a desk pulls what the storefronts said ---------------------------------
od "$OWNER_PASS" sync
expect_ok "the desk syncs"
od "$OWNER_PASS" list --status all --format csv
check "it lists 727, 1001 and 1002" \
	test "$(grep -cE '^(727|1001|1002),' "$T/out")" = 3
check "with 1002 cancelled" grep -qE '^1002,.*cancelled' "$T/out"
od "$OWNER_PASS" log --format json
check "the storefront signed the payment of 1001 in full" \
	test "$(jq -r '[.[] | select(.kind == "payment.receive" and
		.signer == "web" and (.statement | contains("order: 1001\n"))
		and (.statement | contains("amount: 38800\n")))] | length' \
		"$T/out")" = 1
check "the storefront signed 1001's refunds: 41.50, then 8.50" \
	test "$(jq -r '[.[] | select(.kind == "payment.refund" and
		.signer == "web" and (.statement | contains("order: 1001\n")))
		| .statement | capture("amount: (?<a>[0-9]+)").a] | join(",")' \
		"$T/out")" = "4150,850"
check "and each order.placed names its source" \
	test "$(jq -r '[.[] | select(.kind == "order.placed" and
		.signer == "web")] | length' "$T/out")" = 3
od "$OWNER_PASS" audit verify
expect_ok "the desk's audit verifies the storefront's statements"

# --- failures count toward the address's limit (join_fails = 10) ------------
# Four so far: three signatures and the body over the cap.
for i in 1 2 3 4 5 6; do
	shopify "$SHOP" orders/create "x-$i" "wrong"
done
check "the tenth failure from an address is still 401" test "$CODE" = 401
shopify "$SHOP" orders/create x-8 "$SHOP_V2"
check "then the address gets 429, even signed right" test "$CODE" = 429

stop_backend

# --- serve --webhooks: a second listener, the operator's certificate --------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/pub.key" -out "$T/pub.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" 2> /dev/null
chmod 600 "$T/pub.key"
"$ODD" --dir "$BK" serve --listen 127.0.0.1:0 --webhooks 127.0.0.1:0 \
	> "$T/serve.out" 2>&1
check "--webhooks without its certificate and key is refused" \
	grep -q -- "--webhooks needs --webhooks-cert FILE" "$T/serve.out"
chmod 644 "$T/pub.key"
"$ODD" --dir "$BK" serve --listen 127.0.0.1:0 --webhooks 127.0.0.1:0 \
	--webhooks-cert "$T/pub.pem" --webhooks-key "$T/pub.key" \
	> "$T/serve.out" 2>&1
check "a key anyone may read is refused" grep -q "chmod o-rwx" "$T/serve.out"
chmod 600 "$T/pub.key"
: > "$T/srv.log"
"$ODD" --dir "$BK" serve --listen 127.0.0.1:0 --webhooks 127.0.0.1:0 \
	--webhooks-cert "$T/pub.pem" --webhooks-key "$T/pub.key" \
	2>> "$T/srv.log" &
SRV_PID=$!
until_line "serving webhooks on" "$T/srv.log"
HPORT=$(sed -n 's/.*serving webhooks on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	"$T/srv.log")
jq '.name = "#1004"' "$SHOP" > "$T/1004.json"
CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
	--cacert "$T/pub.pem" -H "X-Shopify-Topic: orders/create" \
	-H "X-Shopify-Webhook-Id: p-1" \
	-H "X-Shopify-Hmac-Sha256: $(sign "$SHOP_V2" "$T/1004.json")" \
	--data-binary "@$T/1004.json" \
	"https://127.0.0.1:$HPORT/v1/webhooks/shopify/web" 2> "$T/curl.err")
check "the webhooks' listener takes a signed order under its own certificate" \
	test "$CODE:$(result)" = "200:accepted"
CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
	--cacert "$T/pub.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" "https://127.0.0.1:$HPORT/v1/log?after=0" \
	2> "$T/curl.err")
check "and serves nothing else, even to a desk's certificate (404)" \
	test "$CODE" = 404
curl -sS -o /dev/null --max-time 20 --cacert "$BK/ca.pem" \
	"https://127.0.0.1:$HPORT/v1/webhooks/shopify/web" 2> "$T/curl.err"
check "its certificate is the operator's, not the shop CA's" test $? -ne 0
kill -HUP "$SRV_PID"
until_line "SIGHUP: reloading" "$T/srv.log"
for i in $(seq 1 100); do
	[ "$(grep -c 'serving webhooks on' "$T/srv.log")" -ge 2 ] && break
	sleep 0.2
done
CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
	--cacert "$T/pub.pem" -H "X-Shopify-Topic: orders/create" \
	-H "X-Shopify-Webhook-Id: p-1" \
	-H "X-Shopify-Hmac-Sha256: $(sign "$SHOP_V2" "$T/1004.json")" \
	--data-binary "@$T/1004.json" \
	"https://127.0.0.1:$HPORT/v1/webhooks/shopify/web" 2> "$T/curl.err")
check "after SIGHUP it serves again on the same port; the redelivery is known" \
	test "$CODE:$(result)" = "200:duplicate"
stop_backend
finish
