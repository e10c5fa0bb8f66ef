#!/usr/bin/env bash
# The owner's audit history and people screens follow the background sync,
# end to end at 80x24 with a real backend on 127.0.0.1 and a second desk
# driven by the CLI: while a screen is open, what the other desk signed and
# synced shows without a key, the filter and the selected entry or person
# kept.  (A revocation pulled changes the store's key, which locks the desk
# as before: test-tui.sh checks that lock.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
. "$(dirname "$0")/tui-lib.sh"

trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      tmux -L "$SOCK" kill-server 2> /dev/null; rm -rf "$T"' EXIT
SRV_LIMIT=300
KIM_PASS="kim passphrase 1"
A="$T/a"
B="$T/b"

# on_b ARGS...: orderdesk as the owner on desk B.
on_b() { STORE="$B" od_as owner "$OWNER_PASS" "$@"; }

# selected_row: the first row below the title bar drawn in reverse video
# (the selection: NO_COLOR draws it so), its escapes taken out.
selected_row() {
	tm capture-pane -p -e | tail -n +2 |
		grep -m1 -E $'\e\\[([0-9]+;)*7(;[0-9]+)*m' |
		sed 's/\x1b\[[0-9;]*m//g'
}

# selected_is PATTERN: the selected row matches PATTERN.
selected_is() { selected_row | grep -Eq -- "$1"; }

# title_count PATTERN: the number the title bar's PATTERN (with one
# group) gives.
title_count() { tm capture-pane -p | head -1 | sed -nE "s/.*$1.*/\\1/p"; }

# --- a backend, desk A (on the screen) and desk B (the CLI) ----------------
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend
check "the backend listens on a loopback port" test -n "$PORT"
STORE="$A"
new_shop
od "$OWNER_PASS" import "$SAMPLE"
attach_desk "$PORT" join
expect_ok "desk A joins the backend"
second_desk "$B"
STORE="$B"
attach_desk "$PORT" desk-b
expect_ok "desk B joins the backend"
STORE="$A"

start_pane
sign_in owner "$OWNER_PASS" --sync-every 2
screen "desk A opens online" '│ online 0 waiting'

# --- the audit history ------------------------------------------------------
tm send-keys A
screen "A opens the audit history" 'audit history, newest first · [1-9][0-9]* of'
before=$(title_count '· ([0-9]+) of [0-9]+ entries')
tm send-keys j
wait_for 'audit history'
picked=$(selected_row | awk '{ print $1 }')
check "the second newest entry is selected (entry $picked)" \
	test -n "$picked"
on_b confirm 1002
on_b sync
expect_ok "desk B confirms 1002 and syncs"
screen "(a) the confirmation appears in the open history, no key pressed" \
	'^ +[0-9]+ .* owner +order\.confirm +1002 ' 30
after=$(title_count '· ([0-9]+) of [0-9]+ entries')
check "(a) one entry more ($before, then $after)" \
	test "$after" = "$((before + 1))"
check "(a) it is the newest, on top" \
	grep -Eq 'order\.confirm +1002 ' <(sed -n 3p "$T/pane")
check "(a) the selected entry stays selected (entry $picked)" \
	test "$(selected_row | awk '{ print $1 }')" = "$picked"

tm send-keys /
tm send-keys -l "order.confirm"
tm send-keys Enter
screen "a filter shows only confirmations" 'filter: order\.confirm'
on_b confirm 1003
on_b sync
expect_ok "desk B confirms 1003 and syncs"
screen "(b) the new confirmation appears under the filter" \
	'^ +[0-9]+ .* owner +order\.confirm +1003 ' 30
check "(b) the filter is kept" shows 'filter: order\.confirm'
check "(b) and still nothing else is shown" \
	bash -c "! grep -Eq 'order\.placed|shop\.genesis' '$T/pane'"
check "(b) 2 of the entries match" \
	test "$(title_count '· ([0-9]+) of [0-9]+ entries')" = 2

# --- the people ---------------------------------------------------------------
tm send-keys Escape
screen "Esc returns to the orders" '^ owner \(owner\) │'
tm send-keys P
screen "P opens the people" 'orderdesk · people · 1'
check "the owner is selected" selected_is '^ owner +owner'

on_b user add kim --role staff --new-passphrase-fd 4 \
	4< <(echo "$KIM_PASS")
expect_ok "desk B adds kim"
on_b sync
expect_ok "and syncs"
screen "(c) kim appears in the open people screen, no key pressed" \
	'^ kim +staff +active +sha256:' 30
check "(c) the count follows" shows 'orderdesk · people · 2'
check "(c) the owner stays selected though kim now comes first" \
	selected_is '^ owner +owner'


tm send-keys Escape
screen "Esc returns to the orders, once more" '^ owner \(owner\) │'
tm send-keys q
screen "the desk quits cleanly" 'desk exit 0' 10
stop_backend
tm kill-server
finish
