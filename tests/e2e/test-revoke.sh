#!/usr/bin/env bash
# Expired and revoked client certificates over real mutual TLS 1.3 on
# 127.0.0.1: an expired desk never gets past the handshake; a revoked desk
# or storefront is refused (403) from its next request, without a restart,
# while the others keep working; a damaged revocation list refuses everyone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq certtool

# req CERT KEY PATH: GET with that certificate; the status in $CODE.
req() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "$1" --key "$2" \
		"https://127.0.0.1:$PORT$3" 2> "$T/curl.err")
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-2 > /dev/null
D1="$BK/join"
D2="$BK/desks/desk-2"

# An expired desk certificate, signed by the shop's own CA.
cat > "$T/old.tmpl" <<'EOF'
cn = "desk-old"
tls_www_client
signing_key
activation_date = "2020-01-01 00:00:00"
expiration_date = "2021-01-01 00:00:00"
EOF
certtool --generate-privkey --key-type ecdsa --no-text \
	--outfile "$T/old.key" 2> /dev/null
certtool --generate-certificate --load-privkey "$T/old.key" --no-text \
	--load-ca-certificate "$BK/ca.pem" --load-ca-privkey "$BK/ca.key" \
	--template "$T/old.tmpl" --outfile "$T/old.pem" 2> /dev/null
check "certtool made an expired certificate from the shop CA" \
	bash -c "certtool --verify --load-ca-certificate '$BK/ca.pem' \
		--infile '$T/old.pem' 2>&1 | grep -qi expired"

start_backend "$BK" "${PORT:-0}"
check "the backend serves" test -n "$PORT"

req "$T/old.pem" "$T/old.key" "/v1/log?after=0"
check "an expired desk certificate is refused in the handshake" \
	test "$CODE" = 000
new_shop
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/ca.pem" --cert "$T/old.pem" --key "$T/old.key"
expect_fail "a desk with an expired certificate is told so, in one line" 3 \
	"this desk's certificate expired on 2021-01-01"

req "$D2/desk.pem" "$D2/desk.key" "/v1/log?after=0"
check "desk-2 reads the log before it is revoked" test "$CODE" = 200

"$ODD" --dir "$BK" desk revoke desk-2 > "$T/rv.out" 2>&1
check "desk revoke desk-2 says so" grep -q "Revoked the desk certificate" \
	"$T/rv.out"
check "the revocation list is mode 0600" \
	test "$(stat -c %a "$BK/revoked")" = 600
req "$D2/desk.pem" "$D2/desk.key" "/v1/log?after=0"
check "the serving backend refuses desk-2 from its next request (403)" \
	test "$CODE" = 403 -a -n "$(jq -r '.error' "$T/resp" | grep revoked)"
check "and logs the refusal by serial and name" \
	grep -q "refused revoked certificate [0-9a-f]* (desk-2)" "$T/srv.log"
req "$D1/desk.pem" "$D1/desk.key" "/v1/log?after=0"
check "the first desk still reads the log" test "$CODE" = 200

STORE="$T/desk2"
new_shop
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$D2/ca.pem" --cert "$D2/desk.pem" --key "$D2/desk.key"
expect_fail "a revoked desk's sync stops with one clear line" 3 \
	"answered 403.*revoked"
STORE="$T/store"

"$ODD" --dir "$BK" desk revoke desk-2 > "$T/rv.out" 2>&1
check "revoking it again says it already is" grep -q "already revoked" \
	"$T/rv.out"
"$ODD" --dir "$BK" desk revoke nobody > "$T/rv.out" 2>&1
check "revoking an unknown desk says there is none" \
	grep -q "no desk certificate named nobody" "$T/rv.out"
"$ODD" --dir "$BK" desk revoke ../x > "$T/rv.out" 2>&1
check "a name with a slash is refused" grep -q "a certificate name" \
	"$T/rv.out"

"$ODD" --dir "$BK" storefront add web > /dev/null
SF="$BK/storefronts/web"
jq '[.[0] | .number = "W-1"]' "$SAMPLE" > "$T/web.json"
post_web() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "$SF/storefront.pem" \
		--key "$SF/storefront.key" -H 'Content-Type: application/json' \
		--data-binary "@$T/web.json" "https://127.0.0.1:$PORT/v1/orders" \
		2> "$T/curl.err")
}
post_web
jq -r '.error' "$T/resp" > "$T/before"
"$ODD" --dir "$BK" storefront revoke web > /dev/null 2>&1
post_web
check "a storefront gets in before, and is refused once revoked (403)" \
	test -s "$T/before" -a -z "$(grep revoked "$T/before")" -a \
	"$CODE" = 403 -a -n "$(jq -r '.error' "$T/resp" | grep revoked)"

# The list survives a restart; a damaged list refuses everyone.
kill -TERM "$SRV_PID"
wait "$SRV_PID"
SRV_PID=""
start_backend "$BK" "${PORT:-0}"
req "$D2/desk.pem" "$D2/desk.key" "/v1/log?after=0"
check "after a restart desk-2 is still refused" test "$CODE" = 403
cp "$BK/revoked" "$T/revoked.good"
printf 'not a serial line\n' >> "$BK/revoked"
req "$D1/desk.pem" "$D1/desk.key" "/v1/log?after=0"
check "a damaged revocation list refuses every certificate (fails closed)" \
	test "$CODE" = 403
cp "$T/revoked.good" "$BK/revoked"
req "$D1/desk.pem" "$D1/desk.key" "/v1/log?after=0"
check "the repaired list lets the first desk in again" test "$CODE" = 200
kill -TERM "$SRV_PID"
wait "$SRV_PID"
SRV_PID=""

finish
