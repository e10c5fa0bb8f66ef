#!/usr/bin/env bash
# The orders screen's sync column, end to end at 80x24 with a real backend
# on 127.0.0.1: shown only for an attached store, "yes" for orders whose
# statements all reached the backend, "no" for those signed since the last
# sync, on the desk or by the CLI.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

ODD="$ROOT/$BUILD/bin/orderdeskd"
BK="$T/bk"
SRV_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null; tmux -L "$SOCK" kill-server 2> /dev/null; rm -rf "$T"' EXIT
MEI_PASS="mei passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"

start_pane
sign_in mei "$MEI_PASS"
screen "an unattached store's desk opens" '^ mei \(shopkeeper\) │'
check "without a sync column" bash -c "! grep -q 'SYNC' '$T/pane' && grep -Eq '^ 1001 .* new *$' '$T/pane'"
tm send-keys q
wait_for 'desk exit 0'

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
: > "$T/srv.log"
timeout 120 "$ODD" --dir "$BK" serve --listen "127.0.0.1:0" 2>> "$T/srv.log" &
SRV_PID=$!
for _ in $(seq 1 300); do
	grep -q "listening on" "$T/srv.log" && break
	sleep 0.1
done
PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/srv.log" | tail -1)
check "the backend listens on a loopback port" test -n "$PORT"
od_as owner "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" --key "$BK/join/desk.key"
expect_ok "the store attaches and syncs"

od_as mei "$MEI_PASS" confirm 1002
expect_ok "the CLI confirms 1002 after the sync"
# The desk syncs in the background at once on unlock and after every
# action; with the backend up, 1002 (and later 1001) could reach it before
# the screen is read. Stop the backend so "no" is what the desk must show,
# then start it again on the same port for the sync.
kill "$SRV_PID" 2> /dev/null
wait "$SRV_PID" 2> /dev/null
SRV_PID=""
sign_in mei "$MEI_PASS"
screen "an attached store's list has a sync column" 'STATUS +SYNC'
check "synced orders say yes" grep -Eq '^ 1001 .* new +yes *$' "$T/pane"
tm send-keys 2
screen "the confirmed tab" '^ 1002 '
check "the order confirmed since the sync says no" grep -Eq '^ 1002 .* confirmed +no *$' "$T/pane"
tm send-keys 1
wait_for '^ 1001 .* yes'
tm send-keys c
wait_for 'You are about to sign'
tm send-keys y
screen "the desk signs a confirmation of 1001" 'Order 1001 confirmed'
tm send-keys 2
screen "and 1001 says no at once" '^ 1001 .* confirmed +no *$'
: > "$T/srv.log"
timeout 120 "$ODD" --dir "$BK" serve --listen "127.0.0.1:$PORT" 2>> "$T/srv.log" &
SRV_PID=$!
for _ in $(seq 1 300); do
	grep -q "listening on" "$T/srv.log" && break
	sleep 0.1
done
check "the backend starts again on the same port" grep -q "listening on 127.0.0.1:$PORT" "$T/srv.log"
od_as mei "$MEI_PASS" sync
expect_ok "a sync from the CLI while the desk is open"
tm send-keys r
screen "r shows both as reached" '^ 1001 .* confirmed +yes *$'
check "1002 too" grep -Eq '^ 1002 .* confirmed +yes *$' "$T/pane"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
# 302 entries, the owner's shop.log-key (named at attaching), 2 confirmations
check "the backend holds both confirmations" grep -q "Verified 305 log entries" "$T/verify.out"
tm send-keys q
wait_for 'desk exit 0'

kill "$SRV_PID" 2> /dev/null
wait "$SRV_PID" 2> /dev/null
SRV_PID=""
tm kill-server
finish
