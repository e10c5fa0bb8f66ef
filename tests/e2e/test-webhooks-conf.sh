#!/usr/bin/env bash
# orderdeskd.conf's webhooks, webhooks_cert and webhooks_key: the
# storefronts' own listener set where the systemd unit reads its settings
# (serve --conf-dir), as `serve --webhooks` sets it.  Settings that do not
# go together, a relative path or a bad address stop serve, naming the
# line; good ones serve the webhooks (and only them) under the operator's
# certificate, posted to by curl; on SIGHUP a bad line is logged and the
# listener stays where it was, a certificate that cannot be read is logged
# and the desks are served on, and settings taken out take it away; the
# command line wins over the file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl openssl

SHOP="$ROOT/tests/unit/data/shopify-order.json"
SECRET='shpss_conf_3333'
CONF="$T/etc/orderdeskd.conf"

# conf LINE...: the backend's own settings with LINEs after them.
conf() {
	cp "$BK/orderdeskd.conf" "$CONF"
	[ $# -eq 0 ] || printf '%s\n' "$@" >> "$CONF"
}

# serve_once: serve with the settings of $T/etc, which it should refuse;
# what it said in $T/serve.out, its status in $RC (124: it served).
serve_once() {
	timeout 30 "$ODD" --dir "$BK" serve --conf-dir "$T/etc" \
		--listen 127.0.0.1:0 > "$T/serve.out" 2>&1
	RC=$?
}

# post: a signed orders/create to the webhooks' listener on $HPORT, as
# Shopify posts it (no client certificate); the status in $CODE.
post() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
		--cacert "$T/pub.pem" -H "X-Shopify-Topic: orders/create" \
		-H "X-Shopify-Webhook-Id: c-1" -H "X-Shopify-Hmac-Sha256: $(
		openssl dgst -sha256 -hmac "$SECRET" -binary < "$SHOP" |
		base64 -w0)" --data-binary "@$SHOP" \
		"https://127.0.0.1:$HPORT/v1/webhooks/shopify/web" \
		2> "$T/curl.err")
}

# count PATTERN: lines of the server's log matching PATTERN.
count() { grep -c -- "$1" "$T/srv.log"; }

# wait_count PATTERN N: waits (at most 30 s) for N such lines.
wait_count() {
	local i
	for i in $(seq 1 600); do
		[ "$(count "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

"$ODD" --dir "$BK" init --shop "Conf shop" > /dev/null 2>&1
"$ODD" --dir "$BK" storefront add web --shopify-secret-fd 3 \
	3<<< "$SECRET" > /dev/null 2>&1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/pub.key" -out "$T/pub.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" 2> /dev/null
chmod 600 "$T/pub.key"
mkdir -m 755 "$T/etc"

# --- settings serve refuses, saying which -----------------------------------
conf "webhooks = 127.0.0.1:0" "webhooks_cert = $T/pub.pem"
serve_once
check "webhooks without webhooks_key is refused" \
	bash -c "test $RC -ne 0 -a $RC -ne 124 &&
		 grep -q 'webhooks_key go together' '$T/serve.out'"
conf "webhooks = 127.0.0.1:0" "webhooks_cert = $T/pub.pem" \
	"webhooks_key = pub.key"
serve_once
check "a relative path is refused, naming the line" \
	grep -q "line [0-9]*: webhooks_key = the whole path" "$T/serve.out"
conf "webhooks = shop.example:443" "webhooks_cert = $T/pub.pem" \
	"webhooks_key = $T/pub.key"
serve_once
check "an address that is not IPv4:PORT is refused" \
	grep -q "webhooks = ADDRESS:PORT" "$T/serve.out"

# --- good settings: the listener, under the operator's certificate ----------
conf "webhooks = 127.0.0.1:0" "webhooks_cert = $T/pub.pem" \
	"webhooks_key = $T/pub.key"
: > "$T/srv.log"
"$ODD" --dir "$BK" serve --conf-dir "$T/etc" --listen 127.0.0.1:0 \
	2>> "$T/srv.log" &
SRV_PID=$!
check "serve --conf-dir starts the webhooks' listener orderdeskd.conf names" \
	until_line "serving webhooks on .*webhooks_cert" "$T/srv.log"
HPORT=$(sed -n 's/.*serving webhooks on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	"$T/srv.log" | head -1)
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
	"$T/srv.log" | head -1)
post
# Signed right, for a storefront the owner has not approved yet: 503.
check "it checks a signed Shopify post under the operator's certificate" \
	bash -c "test '$CODE' = 503 && grep -q approve-storefront '$T/resp'"
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \
	--cacert "$T/pub.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" "https://127.0.0.1:$HPORT/v1/log?after=0" \
	2> "$T/curl.err")
check "and serves nothing else, even to a desk (404)" test "$CODE" = 404

# --- SIGHUP: a bad line keeps it; settings taken out take it away ----------
printf 'webhooks = nowhere\n' >> "$CONF"
kill -HUP "$SRV_PID"
check "on SIGHUP a bad line is logged" \
	until_line "webhooks = ADDRESS:PORT" "$T/srv.log"
wait_count "serving webhooks on" 2
post
check "and the listener serves on, on the same port" test "$CODE" = 503
conf "webhooks = 127.0.0.1:0" "webhooks_cert = $T/gone.pem" \
	"webhooks_key = $T/pub.key"
kill -HUP "$SRV_PID"
until_line "cannot read $T/gone.pem" "$T/srv.log"
wait_count "listening on" 2
check "on SIGHUP a certificate that cannot be read is logged; desks are served" \
	bash -c "kill -0 $SRV_PID && test \$(curl -sS -o /dev/null \
		-w '%{http_code}' --max-time 20 --cacert '$BK/ca.pem' \
		--cert '$BK/join/desk.pem' --key '$BK/join/desk.key' \
		'https://127.0.0.1:$PORT/v1/log?after=0&limit=1') = 200"
conf
kill -HUP "$SRV_PID"
wait_count "listening on" 3
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 20 \
	--cacert "$T/pub.pem" "https://127.0.0.1:$HPORT/v1/webhooks/shopify/web" \
	-d x 2> "$T/curl.err")
check "settings taken out on SIGHUP stop the listener" \
	test "$CODE:$(count 'serving webhooks on')" = "000:2"
stop_backend

# --- the command line wins --------------------------------------------------
conf "webhooks = 127.0.0.1:0" "webhooks_cert = $T/missing.pem" \
	"webhooks_key = $T/missing.key"
: > "$T/srv.log"
"$ODD" --dir "$BK" serve --conf-dir "$T/etc" --listen 127.0.0.1:0 \
	--webhooks 127.0.0.1:0 --webhooks-cert "$T/pub.pem" \
	--webhooks-key "$T/pub.key" 2>> "$T/srv.log" &
SRV_PID=$!
check "--webhooks and its files win over orderdeskd.conf's" \
	until_line "serving webhooks on .*--webhooks-cert" "$T/srv.log"
stop_backend
finish
