#!/usr/bin/env bash
# The witness (`orderdesk witness`, C2SP tlog-witness) against the real
# backend's checkpoints and proofs, over HTTPS with curl as the log's
# client: it cosigns a checkpoint OpenSSL then verifies as a C2SP
# cosignature/v1, persists it (0600) before answering, and answers 409 with
# the size it knows, 422 for a bad proof, 404 for a log it does not
# witness, 403 for a bad signature and 400 for a malformed request; after
# a restart it still knows the size.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq openssl
W="$T/witness"
W_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null;
      [ -n "$W_PID" ] && kill "$W_PID" 2> /dev/null; rm -rf "$T"' EXIT

get() {
	curl -sS -o "$T/resp" --max-time 10 --cacert "$BK/ca.pem" \
		--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
		"https://127.0.0.1:$PORT$1" 2> "$T/curl.err"
}
checkpoint() { get /v1/checkpoint && jq -j .checkpoint "$T/resp" > "$1"; }

# add BODYFILE: POST it to the witness; answer in $T/wresp, status $CODE,
# content type $TYPE.
add() {
	local out
	out=$(curl -sS -o "$T/wresp" -w '%{http_code} %{content_type}' \
		--max-time 10 --cacert "$W/ca.pem" --data-binary "@$1" \
		-H 'Content-Type: text/plain' \
		"https://127.0.0.1:$WPORT/add-checkpoint" 2> "$T/curl.err")
	CODE=${out%% *}
	TYPE=${out#* }
}

# body OLD PROOFJSON CHECKPOINT > FILE: a request body.
body() {
	printf 'old %s\n' "$1"
	[ -n "$2" ] && jq -r '.proof[]' "$2"
	printf '\n'
	cat "$3"
}

start_witness() {
	: > "$T/w.out"
	"$OD" witness serve --dir "$W" --listen 127.0.0.1:0 \
		> "$T/w.out" 2> "$T/w.err" &
	W_PID=$!
	until_line "listening on" "$T/w.out"
	WPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		"$T/w.out")
}

# cosigned CHECKPOINT: the last answer was 200 and OpenSSL verifies it.
cosigned() { [ "$CODE" = 200 ] && openssl_verifies "$1"; }

# openssl_verifies CHECKPOINT [KEY [LINEFILE]]: the cosignature line in
# LINEFILE ($T/wresp) verifies under KEY ($WKEY) over the C2SP message, by
# OpenSSL alone.
openssl_verifies() {
	local raw ts WKEY=${2:-$WKEY} line=${3:-$T/wresp}
	echo "$WKEY" | cut -d+ -f3- | base64 -d | tail -c 32 > "$T/wpub"
	{ printf '\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00'
	  cat "$T/wpub"; } > "$T/wpub.der"
	awk '{print $3}' "$line" | base64 -d > "$T/raw"
	ts=$((16#$(dd if="$T/raw" bs=1 skip=4 count=8 2> /dev/null | xxd -p)))
	dd if="$T/raw" bs=1 skip=12 count=64 of="$T/sig" 2> /dev/null
	{ printf 'cosignature/v1\ntime %s\n' "$ts"; sed '/^$/,$d' "$1"; } \
		> "$T/msg"
	[ "$(head -c 4 "$T/raw" | xxd -p)" = "$(printf '%s\n\x04' \
		"${WKEY%%+*}" | cat - "$T/wpub" | sha256sum | cut -c1-8)" ] &&
	openssl pkeyutl -verify -rawin -pubin -keyform DER \
		-inkey "$T/wpub.der" -in "$T/msg" -sigfile "$T/sig" \
		> /dev/null 2>&1
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
VKEY=$("$ODD" --dir "$BK" key)
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend
new_shop
jq '.[0:7]' "$SAMPLE" > "$T/seven.json"
od "$OWNER_PASS" import "$T/seven.json"
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
# 8 entries, then the shop.log-key the owner's desk names and sends (9)
expect_ok "the desk pushes its log (8 entries, then the key it named: 9)"
checkpoint "$T/cp9"

# --- the witness's key and logs ----------------------------------------------
WKEY=$("$OD" witness key --dir "$W" --name witness.example/w1)
check "witness key prints NAME+KEYID+BASE64 of a 0x04 key" \
	test "${WKEY%%+*}" = witness.example/w1 -a \
	"$(echo "$WKEY" | cut -d+ -f3- | base64 -d | head -c 1 | xxd -p)" = 04
check "the same key again, its directory 0700 and key file 0600" \
	test "$("$OD" witness key --dir "$W")" = "$WKEY" -a \
	"$(stat -c %a "$W")" = 700 -a "$(stat -c %a "$W/witness.key")" = 600
"$OD" witness key --dir "$W" --name other > /dev/null 2> "$T/err"
check "another --name for an existing witness is refused, saying its name" \
	grep -q "named witness.example/w1" "$T/err"
"$OD" witness add-log --dir "$W" "not-a-key" 2> "$T/err"
check "a malformed log key is refused" test $? -ne 0 -a -s "$T/err"
"$OD" witness add-log --dir "$W" "$VKEY"
start_witness

# --- the first checkpoint ----------------------------------------------------
body 0 "" "$T/cp9" > "$T/b9"
add "$T/b9"
check "old 0 and the checkpoint of 9: 200 and one cosignature line" \
	test "$CODE" = 200 -a "$(wc -l < "$T/wresp")" = 1
check "OpenSSL verifies it as cosignature/v1 by the witness key" \
	openssl_verifies "$T/cp9"
STATE=$(ls "$W"/log-*.note)
check "the checkpoint was kept, 0600, before the answer" \
	test "$(cat "$STATE")" = "$(cat "$T/cp9")" -a \
	"$(stat -c %a "$STATE")" = 600
add "$T/b9"
check "old 0 again: 409 text/x.tlog.size saying 9" \
	test "$CODE" = 409 -a "$TYPE" = text/x.tlog.size -a \
	"$(cat "$T/wresp")" = 9

# --- the log grows: a consistency proof ----------------------------------------
od "$OWNER_PASS" confirm "$(jq -r '.[0].number' "$SAMPLE")"
od "$OWNER_PASS" confirm "$(jq -r '.[1].number' "$SAMPLE")"
od "$OWNER_PASS" sync
checkpoint "$T/cp11"
get "/v1/proof/consistency?old=9&size=11"
cp "$T/resp" "$T/cons.json"
jq '.proof[0] |= "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="' "$T/cons.json" \
	> "$T/cons-bad.json"
body 9 "$T/cons-bad.json" "$T/cp11" > "$T/b-bad"
add "$T/b-bad"
check "a consistency proof with a hash changed: 422, nothing kept" \
	test "$CODE" = 422 -a "$(cat "$STATE")" = "$(cat "$T/cp9")"
body 9 "" "$T/cp11" > "$T/b-none"
add "$T/b-none"
check "no proof at all: 422" test "$CODE" = 422
body 9 "$T/cons.json" "$T/cp11" > "$T/b11"
add "$T/b11"
check "old 9, the real proof and the checkpoint of 11: 200, verified" \
	cosigned "$T/cp11"
check "the checkpoint of 11 is kept" cmp -s "$STATE" "$T/cp11"
cp "$T/wresp" "$T/w11"
check "OpenSSL does not take that cosignature for the checkpoint of 9" \
	test -n "$(openssl_verifies "$T/cp9" || echo refused)"

# --- refusals ----------------------------------------------------------------
sed '1s/.*/orderdesk\/Another-shop/' "$T/cp11" > "$T/cp-other"
body 11 "" "$T/cp-other" > "$T/b"; add "$T/b"
check "a log it does not witness: 404" test "$CODE" = 404
sed 's/^11$/12/' "$T/cp11" > "$T/cp-size"
body 11 "" "$T/cp-size" > "$T/b"; add "$T/b"
check "a checkpoint whose size was changed (signature broken): 403" \
	test "$CODE" = 403
"$ODD" --dir "$T/bk2" init --shop "Test shop" > /dev/null 2>&1
body 11 "" "$T/cp11" | sed '/^\xe2\x80\x94 /d' > "$T/b"
printf '\xe2\x80\x94 orderdesk/Test-shop AAAAAAAA\n' >> "$T/b"
add "$T/b"
check "a checkpoint signed by no key it trusts: 403" test "$CODE" = 403
body 12 "" "$T/cp11" > "$T/b"; add "$T/b"
check "an old size past the checkpoint's: 400" test "$CODE" = 400
bad=""
for b in 'old 01\n\n' 'old 9\nnot-base64\n\n' 'old 9\n' 'nonsense\n\n' ''; do
	{ printf "$b"; cat "$T/cp11"; } > "$T/b"
	add "$T/b"
	[ "$CODE" = 400 ] || bad="$bad $CODE"
done
check "malformed bodies: 400 ($bad)" test -z "$bad"
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	--cacert "$W/ca.pem" "https://127.0.0.1:$WPORT/add-checkpoint")
check "a GET: 405" test "$CODE" = 405
check "after all that, the kept checkpoint is still the one of 11" \
	cmp -s "$STATE" "$T/cp11"

# --- desks cosign what they verified; the backend serves the cosignatures ---
od "$OWNER_PASS" witness key
DKEY=$(cat "$T/out")
check "witness key (no --dir) prints this desk's cosigner key, named by the log" \
	test "${DKEY%%/desk-*}" = orderdesk/Test-shop -a "${DKEY%%+*}" != "$DKEY"
od "$OWNER_PASS" witness key
check "the same key again" test "$(cat "$T/out")" = "$DKEY"
checkpoint "$T/served"
grep "^$(printf '\xe2\x80\x94') ${DKEY%%+*} " "$T/served" > "$T/dline"
check "GET /v1/checkpoint carries desk A's cosignature of the checkpoint of 11" \
	openssl_verifies "$T/cp11" "$DKEY" "$T/dline"
"$TOOLS/od-proof" checkpoint "$VKEY" "$T/served" > "$T/proof.out" 2>&1
check "the log's own signature still opens it (od-proof)" \
	grep -q "^11 " "$T/proof.out"
od "$OWNER_PASS" backup "$T/a.bak"
A_STORE=$STORE
STORE="$T/storeb"
od_as owner "$OWNER_PASS" restore "$T/a.bak"
od_as owner "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" \
	--pin "$PIN" --ca "$BK/desks/desk-b/ca.pem" \
	--cert "$BK/desks/desk-b/desk.pem" --key "$BK/desks/desk-b/desk.key"
expect_ok "desk B attaches and syncs"
od "$OWNER_PASS" witness key
BKEY=$(cat "$T/out")
STORE=$A_STORE
checkpoint "$T/served"
grep "^$(printf '\xe2\x80\x94') ${BKEY%%+*} " "$T/served" > "$T/bline"
check "desk B has a key of its own, and its cosignature is served too" \
	test "$BKEY" != "$DKEY" -a "$(grep -c '/desk-' "$T/served")" = 2
check "desk B's cosignature verifies (OpenSSL)" \
	openssl_verifies "$T/cp11" "$BKEY" "$T/bline"

# post BODY: POST /v1/cosignature as desk A; status in $CODE.
post() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
		--key "$BK/join/desk.key" -H 'Content-Type: application/json' \
		--data-binary "$1" "https://127.0.0.1:$PORT/v1/cosignature")
}
post "$(jq -n --arg k "$WKEY" --arg l "$(cat "$T/w11")" \
	'{cosigner: $k, size: 11, cosignature: ($l + "\n")}')"
check "the witness's cosignature of 11, posted: 200" test "$CODE" = 200
checkpoint "$T/served"
check "and served with the checkpoint (3 cosignatures)" \
	test "$(grep -c "^$(printf '\xe2\x80\x94')" "$T/served")" = 4
post "$(jq -n --arg k "$WKEY" --arg l "$(cat "$T/w11")" \
	'{cosigner: $k, size: 10, cosignature: ($l + "\n")}')"
check "the same cosignature posted as one of 10 entries: 422" \
	test "$CODE" = 422
post "$(jq -n --arg k "$WKEY" --arg l "$(cat "$T/w11")" \
	'{cosigner: $k, size: 12, cosignature: ($l + "\n")}')"
check "a size past the log: 400 naming the log's size" \
	test "$CODE" = 400 && grep -q "has 11 entries" "$T/resp"
post "$(jq -n --arg k "$DKEY" --arg l "$(cat "$T/w11")" \
	'{cosigner: $k, size: 11, cosignature: ($l + "\n")}')"
check "someone else's line under desk A's key: 422" test "$CODE" = 422
post '{"cosigner": "x", "size": 11}'
check "a malformed cosignature request: 400" test "$CODE" = 400

# foreign_cosign I: a cosigner of OpenSSL's with a long name cosigns the
# checkpoint of 11 and posts it (the status in $CODE).
foreign_cosign() {
	local d="$T/f$1" name id vk
	name="cosigner-$1.$(printf 'x%.0s' $(seq 1 150))"
	mkdir -p "$d"
	openssl genpkey -algorithm ed25519 -out "$d/k.pem" 2> /dev/null
	openssl pkey -in "$d/k.pem" -pubout -outform DER | tail -c 32 > "$d/pub"
	id=$(printf '%s\n\x04' "$name" | cat - "$d/pub" | sha256sum | cut -c1-8)
	vk="$name+$id+$(printf '\x04' | cat - "$d/pub" | base64 -w0)"
	{ printf 'cosignature/v1\ntime 1765000000\n'; sed '/^$/,$d' "$T/cp11"; } \
		> "$d/msg"
	openssl pkeyutl -sign -rawin -inkey "$d/k.pem" -in "$d/msg" > "$d/sig"
	{ echo "$id" | xxd -r -p; printf '%016x' 1765000000 | xxd -r -p
	  cat "$d/sig"; } | base64 -w0 > "$d/b64"
	post "$(jq -n --arg k "$vk" --arg l \
		"$(printf '\xe2\x80\x94') $name $(cat "$d/b64")" \
		'{cosigner: $k, size: 11, cosignature: ($l + "\n")}')"
}
bad=""
for i in $(seq 1 40); do
	foreign_cosign "$i"
	[ "$CODE" = 200 ] || bad="$bad $i:$CODE"
done
check "40 cosigners of OpenSSL's (long names) post theirs: 200 each ($bad)" \
	test -z "$bad"
checkpoint "$T/served"
check "the served note keeps within 8192 bytes ($(wc -c < "$T/served"))" \
	test "$(wc -c < "$T/served")" -le 8192 -a \
	"$(grep -c cosigner- "$T/served")" -ge 20
od "$OWNER_PASS" sync
expect_ok "desk A syncs again and takes that note"
od "$OWNER_PASS" audit proof --order "$(jq -r '.[0].number' "$SAMPLE")" \
	--out "$T/proofs"
od "$OWNER_PASS" audit check-proof "$T/proofs" --log-key "$VKEY"
expect_ok "an offline proof whose checkpoint carries the cosignatures checks"
check "its checkpoint carries them (3 lines after the log's)" \
	test "$(cat "$T"/proofs/*.proof | grep -c "/desk-\|w1 ")" -ge 3
NOBODY=$("$OD" witness key --dir "$T/nobody" --name witness.example/none)
od "$OWNER_PASS" audit check-proof "$T/proofs" --log-key "$VKEY" \
	--witness "$WKEY" --quorum 1
expect_ok "check-proof demanding the witness's cosignature (quorum 1) checks"
check "and says so" grep -q "cosignatures by 1 of the 1 witnesses" "$T/out"
od "$OWNER_PASS" audit check-proof "$T/proofs" --log-key "$VKEY" \
	--witness "$WKEY" --witness "$NOBODY" --quorum 2
expect_fail "a quorum of 2 with a witness that never cosigned is refused" 4 \
	"lacks witness witness.example/none's cosignature \(quorum 2 of 2\)"
od "$OWNER_PASS" audit check-proof "$T/proofs" --log-key "$VKEY" \
	--witness "$NOBODY"
expect_fail "a witness named without --quorum must cosign too" 4 \
	"witness.example/none"
od "$OWNER_PASS" audit check-proof "$T/proofs" --log-key "$VKEY" \
	--witness "$WKEY" --quorum 2
expect_fail "a quorum past the witnesses named is a usage error" 2 \
	"quorum 2: must be 1 to the 1 witnesses named"

# --- a restart keeps what it knows -------------------------------------------
kill "$W_PID"; wait "$W_PID" 2> /dev/null; W_PID=""
start_witness
add "$T/b11"
check "after a restart, old 9 gets 409 saying 11" \
	test "$CODE" = 409 -a "$(cat "$T/wresp")" = 11
body 11 "" "$T/cp11" > "$T/b"; add "$T/b"
check "old 11 and the same checkpoint: 200 (cosigned again)" \
	cosigned "$T/cp11"
finish
