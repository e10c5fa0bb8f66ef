#!/usr/bin/env bash
# The shop's witness policy (`orderdesk witness policy`, a shop.witnesses
# statement the owner signs) against a backend that forks its log: a copy
# of the backend shows desk B another history than desk A.  The witness
# cosigned A's; the copy's checkpoint gets no cosignature (the witness
# refuses it: a witness-refused event), and desk B, whose policy asks one
# witness's cosignature, refuses the fork naming the missing witness and
# keeps the checkpoint it had.  A policy the fold cannot take is refused.
# Once the log names the log key (the owner's desk did at its first sync;
# `witness name-log-key` names another), checkpoints are checked against
# it, not against the key learned.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq
W="$T/witness"
W_PID=""
SRV2_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null;
      [ -n "$SRV2_PID" ] && kill "$SRV2_PID" 2> /dev/null;
      [ -n "$W_PID" ] && kill "$W_PID" 2> /dev/null; rm -rf "$T"' EXIT

desk_meta() {
	"$TOOLS/od-tamper" "$STORE" owner \
		"SELECT value FROM meta WHERE key = '$1'" \
		<<< "$OWNER_PASS" | head -c -1
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
VKEY=$("$ODD" --dir "$BK" key)
"$ODD" --dir "$BK" desk add desk-b > /dev/null
WKEY=$("$OD" witness key --dir "$W" --name witness.example/w1)
"$OD" witness add-log --dir "$W" "$VKEY"
"$OD" witness serve --dir "$W" --listen 127.0.0.1:0 > "$T/w.out" 2>&1 &
W_PID=$!
until_line "listening on" "$T/w.out"
WPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/w.out")
echo "witness = $WKEY https://127.0.0.1:$WPORT $W/ca.pem" \
	>> "$BK/orderdeskd.conf"
start_backend
new_shop
jq '.[0:7]' "$SAMPLE" > "$T/seven.json"
od "$OWNER_PASS" import "$T/seven.json"
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_ok "desk A pushes its log (8 entries, then the key it named: 9)"

# --- the policy ---------------------------------------------------------------
od "$OWNER_PASS" witness policy --add "$WKEY" --quorum 2
expect_fail "a quorum past the witnesses named is refused" 5 \
	"a quorum of 2 is more than the 1 witnesses named"
od "$OWNER_PASS" witness policy --add "not-a-key" --quorum 1
expect_fail "a malformed witness key is refused" 5 \
	"witness: a witness key is NAME\+KEYID\+BASE64"
od "$OWNER_PASS" witness policy --add "$WKEY" --quorum 1
expect_ok "the owner signs a policy: one witness must cosign"
check "it says so" grep -q "entry 10: 1 witnesses, 1 must cosign" "$T/out"
od "$OWNER_PASS" sync
expect_ok "desk A sends it and takes the checkpoint of 10, cosigned"
check "the checkpoint desk A kept carries the witness's cosignature" \
	grep -q "^$(printf '\xe2\x80\x94') witness.example/w1 " \
	<(desk_meta sync.checkpoint)

# --- a fork: a copy of the backend serves desk B ----------------------------
od "$OWNER_PASS" backup "$T/a.bak"
stop_backend
cp -a "$BK" "$T/bk2"
start_backend "$BK" "$PORT"
: > "$T/srv2.log"
"$ODD" --dir "$T/bk2" serve --listen 127.0.0.1:0 2>> "$T/srv2.log" &
SRV2_PID=$!
until_line "listening on" "$T/srv2.log"
PORT2=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/srv2.log")

od "$OWNER_PASS" confirm "$(jq -r '.[0].number' "$SAMPLE")"
od "$OWNER_PASS" sync
expect_ok "desk A goes on with the backend: 11 entries, cosigned"

A_STORE=$STORE
STORE="$T/storeb"
od_as owner "$OWNER_PASS" restore "$T/a.bak"
od_as owner "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT2" \
	--pin "$PIN" --ca "$BK/desks/desk-b/ca.pem" \
	--cert "$BK/desks/desk-b/desk.pem" --key "$BK/desks/desk-b/desk.key"
expect_ok "desk B attaches to the copy (10 entries, the witness cosigned them)"
desk_meta sync.checkpoint > "$T/b-kept"
od "$OWNER_PASS" confirm "$(jq -r '.[1].number' "$SAMPLE")"
od "$OWNER_PASS" confirm "$(jq -r '.[2].number' "$SAMPLE")"
od "$OWNER_PASS" sync
expect_fail "desk B refuses the copy's checkpoint of 12, naming the missing witness" \
	4 "checkpoint 12 lacks witness witness.example/w1's cosignature \(quorum 1 of 1\)"
check "desk B keeps the checkpoint of 10 it had" \
	test "$(desk_meta sync.checkpoint)" = "$(cat "$T/b-kept")"
"$ODD" --dir "$T/bk2" events --kind witness-refused > "$T/ev" 2>&1
check "the copy raised the fork alarm: the witness refused it" \
	grep -q "refuses the checkpoint of 12 entries from 11" "$T/ev"
STORE=$A_STORE
od "$OWNER_PASS" sync
expect_ok "desk A, with the real backend, still syncs"

# --- the log key named in the log, not learned --------------------------------
od "$OWNER_PASS" witness name-log-key "not-a-key"
expect_fail "a malformed log key is refused" 5 \
	"log-key: a verifier key is NAME\+KEYID\+BASE64"
"$ODD" --dir "$T/bk-other" init --shop "Test shop" > /dev/null 2>&1
OTHER=$("$ODD" --dir "$T/bk-other" key)
od "$OWNER_PASS" witness name-log-key "$OTHER"
expect_ok "the owner names a log key (another backend's, by mistake)"
od "$OWNER_PASS" sync
expect_fail "desk A now checks checkpoints against the named key, not the learned one" \
	6 "the note is not signed by orderdesk/Test-shop \(key id $(echo "$OTHER" | cut -d+ -f2)\)"
od "$OWNER_PASS" witness name-log-key "$VKEY"
check "the owner names the right one" grep -q "^entry .*: desks check checkpoints against this key" "$T/out"
od "$OWNER_PASS" sync
expect_ok "and desk A takes the backend's checkpoint again"
finish
