#!/usr/bin/env bash
# The stale-checkpoint warning on the screens: a desk whose witnesses
# cosigned nothing newer than the policy's max-age says so on the message
# line after its background sync, as `orderdesk sync` does
# (test-witness-stale.sh builds the same case).  The desk's clock moves
# with faketime, never by waiting.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
. "$(dirname "$0")/tui-lib.sh"
need_tools curl jq faketime
export FAKETIME_DONT_FAKE_MONOTONIC=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
W="$T/witness"
W_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      [ -n "$W_PID" ] && kill "$W_PID" 2> /dev/null
      tmux -L "$SOCK" kill-server 2> /dev/null; rm -rf "$T"' EXIT

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
VKEY=$("$ODD" --dir "$BK" key)
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
od "$OWNER_PASS" witness policy --add "$WKEY" --quorum 1 --max-age 3600
expect_ok "the owner signs a policy with a max-age of an hour"
attach_desk "$PORT" join
expect_ok "the desk syncs: the checkpoint is cosigned"
kill "$W_PID"; wait "$W_PID" 2> /dev/null; W_PID=""

# --- the witness is gone; the desk opens two hours later ---------------------
start_pane
tm send-keys -l "clear; faketime -f +2h $OD --store $STORE --user owner --sync-every 2; echo \"desk exit \$?\""
tm send-keys Enter
wait_for 'Who are you' 10
tm send-keys Enter
wait_for "Passphrase for owner" 5
tm send-keys -l "$OWNER_PASS"
tm send-keys Enter
screen "the background sync warns on the message line" \
	"Warning: the newest checkpoint the shop's witnesses cosigned" 20
tm send-keys q
screen "the desk quits cleanly" 'desk exit 0' 10
stop_backend
tm kill-server
finish
