#!/usr/bin/env bash
# The backend hands its checkpoints to the shop's witnesses (orderdeskd.conf
# "witness = VKEY URL CA-FILE", C2SP tlog-witness POST /add-checkpoint):
# the first from old 0, the next with a consistency proof, each cosignature
# served with GET /v1/checkpoint; a witness that lost its state answers 409
# and is asked again from the size it says; a backend whose tree was
# rewritten gets 422 and says so as a "witness-refused" event (the fork
# alarm).  A bad witness line is refused naming it.  GET /v1/checkpoint
# with Accept: text/plain answers the signed note itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq
W="$T/witness"
W_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null;
      [ -n "$W_PID" ] && kill "$W_PID" 2> /dev/null; rm -rf "$T"' EXIT

get() {
	curl -sS -o "$T/resp" --max-time 30 --cacert "$BK/ca.pem" \
		--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
		"https://127.0.0.1:$PORT$1" 2> "$T/curl.err"
}
checkpoint() { get /v1/checkpoint && jq -j .checkpoint "$T/resp" > "$1"; }
# wlines FILE: the witness's signature lines in a served checkpoint.
wlines() { grep -c "^$(printf '\xe2\x80\x94') witness.example/w1 " "$1"; }

start_witness() {
	: > "$T/w.out"
	"$OD" witness serve --dir "$W" --listen "127.0.0.1:${1:-0}" \
		> "$T/w.out" 2> "$T/w.err" &
	W_PID=$!
	until_line "listening on" "$T/w.out"
	WPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		"$T/w.out")
}
stop_witness() { kill "$W_PID"; wait "$W_PID" 2> /dev/null; W_PID=""; }

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
VKEY=$("$ODD" --dir "$BK" key)
WKEY=$("$OD" witness key --dir "$W" --name witness.example/w1)
"$OD" witness add-log --dir "$W" "$VKEY"
start_witness
cp "$BK/orderdeskd.conf" "$T/conf.orig"

echo "witness = $WKEY https://127.0.0.1:$WPORT" >> "$BK/orderdeskd.conf"
echo "witness = $WKEY https://127.0.0.1:$WPORT $W/ca.pem" \
	>> "$BK/orderdeskd.conf"
"$ODD" --dir "$BK" serve --listen 127.0.0.1:0 > /dev/null 2> "$T/err"
check "a witness named twice is refused, naming the line" \
	grep -q "orderdeskd.conf line .*: witness witness.example/w1 is named twice" "$T/err"
cp "$T/conf.orig" "$BK/orderdeskd.conf"
echo "witness = not-a-key https://127.0.0.1:$WPORT" >> "$BK/orderdeskd.conf"
"$ODD" --dir "$BK" serve --listen 127.0.0.1:0 > /dev/null 2> "$T/err"
check "a malformed witness key is refused, naming the line" \
	grep -q "orderdeskd.conf line .*: a witness key is NAME+KEYID+BASE64" "$T/err"
cp "$T/conf.orig" "$BK/orderdeskd.conf"
echo "witness = $WKEY https://127.0.0.1:$WPORT $W/ca.pem" \
	>> "$BK/orderdeskd.conf"

start_backend
new_shop
jq '.[0:7]' "$SAMPLE" > "$T/seven.json"
od "$OWNER_PASS" import "$T/seven.json"
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
# 8 entries, then the shop.log-key the owner's desk names and sends (9):
# the witness was handed 8 from 0, then 9 with a proof from 8.
expect_ok "the desk pushes its log (8 entries, then the key it named)"
checkpoint "$T/cp9"
STATE=$(ls "$W"/log-*.note 2> /dev/null)
check "the backend handed the checkpoint of 9 to the witness, which kept it" \
	test -n "$STATE" -a "$(sed -n 2p "$STATE" 2> /dev/null)" = 9
check "the witness's cosignature is served with the checkpoint" \
	test "$(wlines "$T/cp9")" = 1
"$TOOLS/od-proof" checkpoint "$VKEY" "$T/cp9" > "$T/proof.out" 2>&1
check "the served note still opens with the log key" grep -q "^9 " "$T/proof.out"

TYPE=$(curl -sS -o "$T/note" -w '%{content_type}' --max-time 30 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" -H 'Accept: text/plain' \
	"https://127.0.0.1:$PORT/v1/checkpoint")
check "Accept: text/plain gets the signed note itself, as text/plain" \
	test "$TYPE" = "text/plain; charset=utf-8" -a \
	"$(cat "$T/note")" = "$(cat "$T/cp9")"
"$TOOLS/od-proof" checkpoint "$VKEY" "$T/note" > "$T/proof.out" 2>&1
check "and it opens with the log key as it comes" grep -q "^9 " "$T/proof.out"
TYPE=$(curl -sS -o /dev/null -w '%{content_type}' --max-time 30 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" "https://127.0.0.1:$PORT/v1/checkpoint")
check "without it, the answer is JSON as before" \
	test "$TYPE" = "application/json"

od "$OWNER_PASS" confirm "$(jq -r '.[0].number' "$SAMPLE")"
od "$OWNER_PASS" confirm "$(jq -r '.[1].number' "$SAMPLE")"
od "$OWNER_PASS" sync
checkpoint "$T/cp11"
check "the checkpoint of 11 went with a consistency proof from 9 (kept)" \
	test "$(sed -n 2p "$STATE")" = 11 -a "$(wlines "$T/cp11")" = 1

# --- a witness that lost its state: 409, asked again from what it says ----
stop_witness
rm -f "$STATE"
start_witness "$WPORT"
od "$OWNER_PASS" confirm "$(jq -r '.[2].number' "$SAMPLE")"
od "$OWNER_PASS" sync
checkpoint "$T/cp12"
check "after a 409 saying 0, the checkpoint of 12 was handed from 0" \
	test "$(sed -n 2p "$STATE" 2> /dev/null)" = 12 -a \
	"$(wlines "$T/cp12")" = 1

# --- an unreachable witness does not stop the backend ------------------------
stop_witness
od "$OWNER_PASS" confirm "$(jq -r '.[3].number' "$SAMPLE")"
od "$OWNER_PASS" sync
expect_ok "with the witness down, the desk still syncs"
checkpoint "$T/cp13"
check "the checkpoint of 13 is served, without the witness's cosignature" \
	test "$(sed -n 2p "$T/cp13")" = 13 -a "$(wlines "$T/cp13")" = 0
check "and the backend says why on its log" \
	grep -q "witness witness.example/w1 (https://127.0.0.1:$WPORT/add-checkpoint)" "$T/srv.log"

# --- a rewritten tree: the witness refuses, the backend raises the alarm -----
stop_backend
start_witness "$WPORT"
"$TOOLS/od-backend-sql" "$BK" \
	"UPDATE merkle SET hash = zeroblob(32) WHERE level = 3 AND idx = 0"
start_backend "$BK" "$PORT"
get /v1/checkpoint
check "the witness keeps the checkpoint of 12 it cosigned" \
	test "$(sed -n 2p "$STATE")" = 12
"$ODD" --dir "$BK" events --kind witness-refused > "$T/ev" 2>&1
check "a witness-refused event names the witness and the fork" \
	grep -q "witness.example/w1.*refuses the checkpoint of 13 entries from 12.*(a fork)" "$T/ev"
finish
