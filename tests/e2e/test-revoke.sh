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

# --- a person revoked before their key bundle was ever sent ----------------
# `user add` queues the person's sealed keys for the backend; revoked before
# any sync, their bundle used to be sent all the same, refused (403 "not an
# active person"), and every later sync of the desk failed on it.  Here the
# desk drops it, says so once, and the other bundles go through: after a
# local revoke, and after one another desk made and this one pulled.
BK="$T/bk-people"
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-2 > /dev/null
start_backend "$BK"
STORE="$T/people-a"
new_shop
attach_desk "$PORT" join
expect_ok "desk A attaches to a new backend"

# add_person NAME ROLE: the owner adds NAME on $STORE (passphrase "NAME pass
# phrase" on descriptor 4).
add_person() {
	od_as owner "$OWNER_PASS" user add "$1" --role "$2" \
		--new-passphrase-fd 4 4< <(printf '%s pass phrase\n' "$1")
}
# bundles_for NAME: how many bundles the backend holds for NAME.
bundles_for() {
	req "$BK/join/desk.pem" "$BK/join/desk.key" /v1/people
	jq -r '.people[].bundle' "$T/resp" | grep -c "^user: $1\$"
}

add_person mei shopkeeper
expect_ok "the owner adds mei"
add_person sam staff
expect_ok "the owner adds sam"
od_as owner "$OWNER_PASS" user revoke sam
expect_ok "and revokes sam before any sync"
od_as owner "$OWNER_PASS" sync
expect_ok "add, revoke, sync: the sync succeeds"
check "it says, on one line, that sam's bundle was dropped and why" \
	test "$(grep -c "dropped the key bundle queued for sam: .*active" \
		"$T/out")" = 1
od_as owner "$OWNER_PASS" sync
expect_ok "the next sync succeeds too"
check "and has nothing left to say about sam" \
	bash -c "! grep -qw sam '$T/out'"
check "the backend holds mei's bundle and the owner's, never sam's" \
	test "$(bundles_for mei) $(bundles_for owner) $(bundles_for sam)" = \
	"1 1 0"

# Lee is added on desk A, which then does not sync; desk B, a copy of A,
# revokes lee and syncs first; desk A pulls the revoke with its next sync.
add_person lee staff
expect_ok "the owner adds lee on desk A, not synced"
second_desk "$T/people-b"
STORE="$T/people-b"
attach_desk "$PORT" desk-2
expect_ok "desk B (a copy of desk A) attaches"
od_as owner "$OWNER_PASS" user revoke lee
od_as owner "$OWNER_PASS" sync
expect_ok "desk B revokes lee and syncs"
STORE="$T/people-a"
od_as owner "$OWNER_PASS" sync
expect_ok "desk A pulls the revoke and its sync succeeds"
check "desk A says lee's queued bundle was dropped" \
	grep -q "dropped the key bundle queued for lee" "$T/out"
od_as owner "$OWNER_PASS" sync
expect_ok "and desk A's next sync succeeds too"
check "the backend never got lee's bundle, and kept mei's" \
	test "$(bundles_for lee) $(bundles_for mei)" = "0 1"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify passes on the backend" test $? = 0
od_as owner "$OWNER_PASS" audit verify
expect_ok "desk A's audit verifies"

# A backend that refuses one bundle (as one that heard of kim's revoke
# before this desk did would): the others are stored all the same, and the
# refused one is dropped, said once, instead of failing every sync.
add_person kim staff
add_person noor staff
expect_ok "the owner adds kim and noor on desk A, not synced"
stop_backend
: > "$T/evil.out"
EVIL_REFUSE=kim "$TOOLS/od-evil" "$BK" refuse "$PORT" > "$T/evil.out" \
	2> "$T/evil.err" &
SRV_PID=$!
until_line "evil listening" "$T/evil.out"
od_as owner "$OWNER_PASS" sync
expect_ok "a sync whose bundle for kim the backend refuses succeeds"
check "it says kim's bundle was dropped, with the backend's reason" \
	grep -q "dropped the key bundle queued for kim: .*403.*kim is not" \
	"$T/out"
check "noor's bundle is stored all the same" test "$(bundles_for noor)" = 1
od_as owner "$OWNER_PASS" sync
expect_ok "the next sync succeeds and sends nothing for kim"
check "and says nothing more of it" bash -c "! grep -qw kim '$T/out'"
kill "$SRV_PID" 2> /dev/null
wait "$SRV_PID" 2> /dev/null
SRV_PID=""
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify still passes" test $? = 0

finish
