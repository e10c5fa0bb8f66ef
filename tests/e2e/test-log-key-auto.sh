#!/usr/bin/env bash
# The owner's desk names the log's key by itself (app/sync/sync-log-key.h):
# a fresh shop joined to a backend holds a shop.log-key entry after the
# owner's first sync, naming the key `orderdeskd key` prints, and the
# backend holds it too; a shopkeeper's desk signs nothing of the kind; a
# second sync signs no second one.  The screens do it too: at a desk that
# verified a checkpoint but names no key (mei attached it), the owner signs
# in, and the background sync sends the key named, with no command typed.
# A shop founded on its backend (`init --backend --code`) names it at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
. "$(dirname "$0")/tui-lib.sh"
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      tmux -L "$SOCK" kill-server 2> /dev/null; rm -rf "$T"' EXIT
need_tools jq tmux
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

# --- the screens: the owner signs in where only mei synced ----------------
BK="$T/bk2"
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init2.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init2.out")
VKEY2=$("$ODD" --dir "$BK" key)
start_backend
STORE="$T/s2"
new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" sync --backend "https://127.0.0.1:$PORT" \
	--pin "$PIN" --ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_ok "mei attaches the second shop's desk"
od_as owner "$OWNER_PASS" log --format json
BEFORE=$(jq length "$T/out")
check "its log names no key" \
	test "$(jq '[.[] | select(.kind == "shop.log-key")] | length' "$T/out")" = 0
start_pane
sign_in owner "$OWNER_PASS" --sync-every 2
n=""
for _ in $(seq 1 300); do
	n=$("$ODD" --dir "$BK" verify 2> /dev/null |
		sed -n 's/.*Verified \([0-9]*\) log entries.*/\1/p')
	[ "$n" = "$((BEFORE + 1))" ] && break
	sleep 0.1
done
check "the owner's screens named the key and the backend has it" \
	test "$n" = "$((BEFORE + 1))"
tm send-keys q
screen "the desk quits cleanly" 'desk exit 0' 10
od_as owner "$OWNER_PASS" log --format json
check "the entry is a shop.log-key naming the second backend's key" \
	test "$(jq -r '.[-1].kind' "$T/out")" = shop.log-key -a \
	"$(jq '[.[] | select(.kind == "shop.log-key")] | length' "$T/out")" = 1
check "naming the key orderdeskd key prints" grep -qF "$VKEY2" "$T/out"
stop_backend
tm kill-server

# --- a shop founded on its backend names the key as it is founded ----------
BK="$T/bk3"
"$ODD" --dir "$BK" init --shop "Third shop" > "$T/init3.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init3.out")
CODE=$(sed -n 's/^join code: *//p' "$T/init3.out")
VKEY3=$("$ODD" --dir "$BK" key)
start_backend
"$OD" --store "$T/s3" --passphrase-fd 3 init --backend \
	"https://127.0.0.1:$PORT" --pin "$PIN" --code "$CODE" --owner owner \
	> "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_ok "the owner founds a shop on its backend"
STORE="$T/s3" od_as owner "$OWNER_PASS" log --format json
check "its log names the backend's key at once: entry 2, shop.log-key" \
	test "$(jq -r '.[-1] | "\(.seq) \(.kind)"' "$T/out")" = "2 shop.log-key"
check "the key orderdeskd key prints" grep -qF "$VKEY3" "$T/out"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "and the backend has it" grep -q "Verified 2 log entries" "$T/verify.out"
stop_backend
finish
