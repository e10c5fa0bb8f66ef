#!/usr/bin/env bash
# The desk's background sync, end to end at 80x24 with a real backend on
# 127.0.0.1 and a second desk: the status line says online or offline, how
# many statements wait and when the last sync was; what is signed on the
# screen reaches the backend without `orderdesk sync`; what another desk
# did shows without a key; a conflict is told, listed by C and acknowledged
# on leaving; the screen answers at once while offline, and L locks at once
# while a sync hangs on a silent link.  Desk A talks to the backend through
# tests/tools/od-relay, so that its link can go down, come back, or go
# silent while the backend and desk B carry on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
. "$(dirname "$0")/tui-lib.sh"

SRV_LIMIT=300
RELAY_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      [ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2> /dev/null
      tmux -L "$SOCK" kill-server 2> /dev/null; rm -rf "$T"' EXIT
MEI_PASS="mei passphrase 1"
A="$T/a"
B="$T/b"

# start_relay MODE BYTES [LISTEN_PORT]: desk A's link to the backend; sets
# RELAY_PID and RPORT.
start_relay() {
	: > "$T/relay.log"
	"$TOOLS/od-relay" "$PORT" "$1" "$2" ${3:+"$3"} > "$T/relay.log" &
	RELAY_PID=$!
	until_line "relay listening" "$T/relay.log"
	RPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		"$T/relay.log")
}

stop_relay() {
	kill "$RELAY_PID" 2> /dev/null
	wait "$RELAY_PID" 2> /dev/null
	RELAY_PID=""
}

# sees PATTERN [SECONDS]: polls the pane (no waiting for it to settle: the
# status line changes while a sync runs) until a line matches.
sees() {
	local end=$((SECONDS + ${2:-15}))
	while ! tm capture-pane -p | grep -Eq -- "$1"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# see NAME PATTERN [SECONDS]: a check that the pane comes to show PATTERN.
see() {
	if sees "$2" "${3:-15}"; then ok "$1"; else
		not_ok "$1 (waited for /$2/; screen was:)"
		tm capture-pane -p | sed 's/^/# /'
	fi
}

# key_ms KEY PATTERN: sends KEY; milliseconds until the pane shows PATTERN
# (99999 when it does not within 10 s).
key_ms() {
	local t0 t1
	t0=$(date +%s%N)
	tm send-keys "$1"
	sees "$2" 10 || { echo 99999; return; }
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# backend_entries: the backend's verified log length.
backend_entries() {
	"$ODD" --dir "$BK" verify 2> /dev/null |
		sed -n 's/.*Verified \([0-9]*\) log entries.*/\1/p'
}

# --- a backend, desk A (through the relay) and desk B ---------------------
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend
check "the backend listens on a loopback port" test -n "$PORT"
start_relay pass 0
check "desk A's relay listens" test -n "$RPORT"

STORE="$A"
new_shop
od "$OWNER_PASS" import "$SAMPLE"
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "$MEI_PASS")
attach_desk "$RPORT" join
expect_ok "desk A joins the backend through its relay"
second_desk "$B"
STORE="$B"
attach_desk "$PORT" desk-b
expect_ok "desk B joins the backend directly"
STORE="$A"

# --- (a) the desk opens online, nothing waiting ----------------------------
start_pane
sign_in mei "$MEI_PASS" --sync-every 2
see "(a) the status line says online, 0 waiting, and the sync's time" \
	'│ online 0 waiting synced [0-2][0-9]:[0-5][0-9] *$'
check "and keeps the key hints" grep -q '│ Enter open c conf' \
	<(tm capture-pane -p)
tm resize-window -x 120 -y 24
see "over 100 columns it says so in words" \
	'│ backend online · 0 statements waiting · synced [0-2][0-9]:[0-5][0-9] *$'
tm resize-window -x 80 -y 24
see "back at 80 columns, the short words" '│ online 0 waiting '

# --- (b) an action reaches the backend without `orderdesk sync` -----------
BASE=$(backend_entries)
check "the backend verifies before the action" test -n "$BASE"
sees '^ 1001 .* new +yes' 5
tm send-keys c
wait_for 'You are about to sign'
tm send-keys y
screen "(b) the desk signs a confirmation of 1001" 'Order 1001 confirmed'
n=""
for _ in $(seq 1 100); do
	n=$(backend_entries)
	[ "$n" = "$((BASE + 1))" ] && break
	sleep 0.1
done
check "(b) the backend holds it within 10 s, with no orderdesk sync" \
	test "$n" = "$((BASE + 1))"
see "(b) and the status says 0 waiting again" '│ online 0 waiting'
tm send-keys 2
see "(b) the sync column says 1001 reached the backend" \
	'^ 1001 .* confirmed +yes *$'

# --- (c) what desk B did shows without a key --------------------------------
tm send-keys 6
see "the All tab shows 1004 and 1005 new" '^ 1005 .* new +yes'
check "1004 too" grep -Eq '^ 1004 .* new' <(tm capture-pane -p)
STORE="$B" od_as owner "$OWNER_PASS" confirm 1004
STORE="$B" od_as owner "$OWNER_PASS" cancel 1005 --reason "customer asked"
STORE="$B" od_as owner "$OWNER_PASS" sync
expect_ok "desk B confirms 1004, cancels 1005 and syncs"
see "(c) desk A shows 1005 cancelled without a key press" \
	'^ 1005 .* cancelled +yes'
check "(c) and 1004 confirmed" grep -Eq '^ 1004 .* confirmed +yes' \
	<(tm capture-pane -p)

# --- (e) the backend stopped: offline, and the screen answers at once -----
stop_backend
see "(e) with the backend stopped the status says offline" '│ offline 0 '
ms=$(key_ms '?' 'keys of Orders')
check "(e) a key is answered while offline in under 1 s (${ms} ms)" \
	test "$ms" -lt 1000
check "the help lists C for the conflicts" \
	grep -Eq 'C +conflicts sync set aside' <(tm capture-pane -p)
tm send-keys Escape
ms=$(key_ms 2 '^ 1001 .* confirmed')
check "(e) and another (${ms} ms)" test "$ms" -lt 1000
tm send-keys 6
start_backend "$BK" "$PORT"
see "the backend back on its port: online again" '│ online 0 waiting'

# --- (d) a conflict made while desk A's link is down ------------------------
stop_relay
see "desk A's link down: offline" '│ offline 0 '
tm send-keys g j j
sees '^ 1003 .* new' 5
tm send-keys c
wait_for 'You are about to sign'
tm send-keys y
screen "(d) desk A confirms 1003 offline" 'Order 1003 confirmed'
see "(d) and it waits" '│ offline 1 waiting'
STORE="$B" od_as owner "$OWNER_PASS" cancel 1003 --reason "out of stock"
STORE="$B" od_as owner "$OWNER_PASS" sync
expect_ok "desk B cancels 1003 meanwhile and syncs"
start_relay pass 0 "$RPORT"
check "desk A's link comes back on the same port" test -n "$RPORT"
see "(d) the conflict is told on the message line" \
	'conflict: order 1003: order\.confirm by mei was refused'
see "(d) the status line counts it" '1 conflict \(C\) │ online 0 waiting'
see "(d) the order follows the backend: 1003 cancelled" \
	'^ 1003 .* cancelled +yes'
od_as mei "$MEI_PASS" conflicts
check "(d) orderdesk conflicts shows it new while the desk has not" \
	grep -q '(new) conflict: order 1003' "$T/out"
tm send-keys C
see "(d) C lists it" 'order 1003: order\.confirm by mei was refused'
see "(d) with what the shop's log says now" 'conflicts · 1, newest first'
tm send-keys Enter
see "(d) Enter opens the order" 'Order 1003 · cancelled'
tm send-keys Escape
see "Esc returns to the conflicts" 'conflicts · 1'
tm send-keys Escape
see "Esc returns to the orders" '^ 1003 .* cancelled'
if sees '1 conflict \(C\)' 0; then
	wait_gone '1 conflict \(C\)' 5
fi
check "(d) the status line no longer counts it" \
	bash -c "! tmux -L '$SOCK' capture-pane -p | grep -q 'conflict (C)'"
od_as mei "$MEI_PASS" conflicts
check "(d) orderdesk conflicts shows it acknowledged" \
	bash -c "grep -q 'conflict: order 1003' '$T/out' && ! grep -q '(new)' '$T/out'"

# --- (f) L locks at once while a sync hangs on a silent link ----------------
stop_relay
start_relay stall 1 "$RPORT"
check "(f) the relay falls silent after the backend's first byte" \
	until_line "relay: stalled" "$T/relay.log"
see "(f) the status says a sync is under way" 'syncing…' 5
ms=$(key_ms L 'Who are you')
check "(f) L locks within 2 s while the sync hangs (${ms} ms)" \
	test "$ms" -lt 2000
check "(f) the relay still holds the hung connection" \
	kill -0 "$RELAY_PID"
tm send-keys q
see "the desk quits cleanly" 'desk exit 0' 10

stop_relay
stop_backend
tm kill-server
finish
