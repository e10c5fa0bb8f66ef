#!/usr/bin/env bash
# The network failing under a sync: a link reset in the middle of a push, in
# the middle of a pull, and a link that goes silent.  Between the desk and
# the backend sits tests/tools/od-relay, which forwards bytes on 127.0.0.1
# and breaks the link once, at a given byte.  Each sync must finish on its
# own retries, and afterwards nothing is lost or applied twice: the backend
# and every desk verify, and the desks list the same orders.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools jq

RELAY_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2> /dev/null
      rm -rf "$T"' EXIT

# start_relay MODE BYTES: a relay to the backend that breaks the link as
# MODE says once BYTES have passed; sets RELAY_PID and RPORT.
start_relay() {
	[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2> /dev/null
	: > "$T/relay.log"
	"$TOOLS/od-relay" "$PORT" "$1" "$2" > "$T/relay.log" &
	RELAY_PID=$!
	until_line "relay listening" "$T/relay.log"
	RPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		"$T/relay.log")
}

# sync_via NAME: syncs $STORE as the owner through the relay, with desk
# NAME's certificate ("join" is the first desk's bundle); times it in $SECS.
sync_via() {
	local dir="$BK/desks/$1" t0
	[ "$1" = join ] && dir="$BK/join"
	t0=$SECONDS
	od "$OWNER_PASS" sync --backend "https://127.0.0.1:$RPORT" \
		--pin "$PIN" --ca "$dir/ca.pem" --cert "$dir/desk.pem" \
		--key "$dir/desk.key"
	SECS=$((SECONDS - t0))
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-2 > /dev/null
"$ODD" --dir "$BK" desk add desk-3 > /dev/null
start_backend

new_shop
od "$OWNER_PASS" backup "$T/founded.bak"
"$TOOLS/gen-orders" 3000 11 > "$T/orders.json"
od "$OWNER_PASS" import "$T/orders.json"
expect_ok "the first desk imports 3000 orders"
DESK1=$STORE

# --- a push cut in the middle of a request ---------------------------------
# 3001 statements go out in batches of about 150 KB: the link is reset
# 400 KB in, inside the third batch.
start_relay cut-up 400000
sync_via join
expect_ok "a push reset in mid-request finishes on the desk's own retry"
check "the link really was cut" grep -q "relay: cut" "$T/relay.log"
check "and the desk pushed everything" grep -q "pushed 3001, pulled 0" \
	"$T/out"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
# and the owner's desk then named the backend's key (shop.log-key).
check "nothing lost or applied twice on the backend: 3002 entries verify" \
	grep -q "Verified 3002 log entries.*3000 orders" "$T/verify.out"

# --- a pull cut in the middle of an answer ---------------------------------
STORE="$T/desk2"
od_as owner "$OWNER_PASS" restore "$T/founded.bak"
expect_ok "a second desk starts from the shop's founding"
start_relay cut-down 600000
sync_via desk-2
expect_ok "a pull reset in mid-answer finishes on the desk's own retry"
check "the link really was cut" grep -q "relay: cut" "$T/relay.log"
check "and the desk pulled everything" grep -q "pushed 0, pulled 3001" \
	"$T/out"
od "$OWNER_PASS" audit verify
expect_ok "the second desk's log verifies after the cut pull"
od "$OWNER_PASS" list --format csv
cp "$T/out" "$T/list2"
STORE="$DESK1" od "$OWNER_PASS" list --format csv
check "both desks list the same 3000 orders" \
	bash -c "[ \$(wc -l < '$T/list2') -eq 3001 ] && cmp -s '$T/out' '$T/list2'"

# --- a link that goes silent -----------------------------------------------
# Nothing moves after 200 KB of the answer: the desk must notice within its
# stall limit (15 s), not wait out the whole request timeout (120 s).
STORE="$T/desk3"
od_as owner "$OWNER_PASS" restore "$T/founded.bak"
start_relay stall 200000
sync_via desk-3
expect_ok "a pull over a link gone silent gives it up and finishes on a retry"
check "the link really went silent" grep -q "relay: stalled" "$T/relay.log"
check "the silence cost the stall limit, not the request timeout ($SECS s)" \
	test "$SECS" -lt 60
od "$OWNER_PASS" audit verify
expect_ok "the third desk's log verifies"
od "$OWNER_PASS" list --format csv
check "and it lists the same 3000 orders" cmp -s "$T/out" "$T/list2"

# --- the link stays down ----------------------------------------------------
STORE="$DESK1"
od "$OWNER_PASS" confirm 1001
before=$(store_digest)
kill "$RELAY_PID"
wait "$RELAY_PID" 2> /dev/null
RELAY_PID=""
od "$OWNER_PASS" sync
expect_fail "with the link down the sync says so in one line" 1 \
	"cannot reach the backend"
od "$OWNER_PASS" show 1001
check "and the desk keeps its confirmation to push later" \
	grep -qi "confirmed" "$T/out"

finish
