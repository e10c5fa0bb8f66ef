#!/usr/bin/env bash
# The owner's desk names the log's key by itself (app/sync/sync-log-key.h):
# a fresh shop joined to a backend holds a shop.log-key entry after the
# owner's first sync, naming the key `orderdeskd key` prints, and the
# backend holds it too; a shopkeeper's desk signs nothing of the kind; a
# second sync signs no second one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools jq
MEI_PASS="mei passphrase 1"

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
VKEY=$("$ODD" --dir "$BK" key)
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend
new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" log --format json
check "before any sync the log names no key" \
	test "$(jq '[.[] | select(.kind == "shop.log-key")] | length' "$T/out")" = 0

# --- a shopkeeper's first sync: says nothing, signs nothing ---------------
second_desk "$T/mei"
STORE="$T/mei" od_as mei "$MEI_PASS" sync --backend "https://127.0.0.1:$PORT" \
	--pin "$PIN" --ca "$BK/desks/desk-b/ca.pem" \
	--cert "$BK/desks/desk-b/desk.pem" --key "$BK/desks/desk-b/desk.key"
expect_ok "mei's desk joins and syncs"
STORE="$T/mei" od_as mei "$MEI_PASS" log --format json
check "mei's desk signed no shop.log-key" \
	test "$(jq '[.[] | select(.kind == "shop.log-key")] | length' "$T/out")" = 0

# --- the owner's first sync names it -------------------------------------
attach_desk "$PORT" join
expect_ok "the owner's desk joins and syncs"
check "and says it named the log's key" grep -q "Named the backend's checkpoint key in the log" "$T/out"
od_as owner "$OWNER_PASS" log --format json
jq '[.[] | select(.kind == "shop.log-key")]' "$T/out" > "$T/lk.json"
check "one shop.log-key entry after the owner's first sync" \
	test "$(jq length "$T/lk.json")" = 1
check "naming the key orderdeskd key prints" \
	grep -qF "$VKEY" "$T/lk.json"
od_as owner "$OWNER_PASS" sync
expect_ok "a second sync"
check "signs no second one" bash -c "! grep -q 'Named the backend' '$T/out'"
od_as owner "$OWNER_PASS" log --format json
check "still one shop.log-key entry" test "$(jq '[.[] | select(.kind == "shop.log-key")] | length' "$T/out")" = 1
STORE="$T/mei" od_as mei "$MEI_PASS" sync
STORE="$T/mei" od_as mei "$MEI_PASS" log --format json
check "mei's desk pulls it from the backend" grep -qF "$VKEY" "$T/out"
stop_backend
finish
