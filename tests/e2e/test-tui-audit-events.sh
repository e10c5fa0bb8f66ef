#!/usr/bin/env bash
# The backend's security events on the owner's audit screen (80x24, a real
# backend on 127.0.0.1): refused handshakes and requests, fetched at the
# owner's sync, show at a glance as a banner over the history, and B opens
# the whole summary; a shopkeeper's desk shows none of it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
. "$(dirname "$0")/tui-lib.sh"
need_tools curl gnutls-cli tmux

SRV_LIMIT=300
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      tmux -L "$SOCK" kill-server 2> /dev/null; rm -rf "$T"' EXIT
MEI="mei shopkeeper pass"

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop
od_as owner "$OWNER_PASS" import "$SAMPLE"
od_as owner "$OWNER_PASS" user add mei --role shopkeeper \
	--new-passphrase-fd 4 4< <(printf '%s\n' "$MEI")
for i in 1 2 3 4 5; do
	timeout 20 gnutls-cli --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' \
		--x509cafile "$BK/ca.pem" -p "$PORT" 127.0.0.1 \
		< /dev/null > /dev/null 2>&1
done
for i in 1 2 3; do
	curl -sS -o /dev/null -k --max-time 10 \
		"https://127.0.0.1:$PORT/v1/log?after=0" 2> /dev/null
done
attach_desk "$PORT" join
expect_ok "the owner's desk attaches, syncs and fetches the summary"

start_pane
sign_in owner "$OWNER_PASS"
screen "the owner's desk opens" '^ owner \(owner\) │'
tm send-keys A
screen "A opens the audit history" 'orderdesk · audit history'
screen "a banner says what knocked, at a glance, cut to fit" \
	'backend: 5 refused handshakes from 127\.0\.0\.1, 3 refused reque'
check "cut with …, the key for details kept whole" \
	grep -q '… — B for details *$' "$T/pane"
tm resize-window -x 120 -y 24
screen "at 120 columns, the whole banner" \
	'from 127\.0\.0\.1 in 24h — B for details'
tm resize-window -x 80 -y 24
tm send-keys B
screen "B opens the whole summary" 'COUNT +KIND +ADDRESS'
check "each kind with its count and address" bash -c \
	"grep -Eq '5 +handshake-refused +127\\.0\\.0\\.1' '$T/pane' &&
	 grep -Eq '3 +request-refused +127\\.0\\.0\\.1' '$T/pane'"
tm send-keys Escape
screen "Esc goes back to the history" 'orderdesk · audit history'
tm send-keys Escape
tm send-keys q
screen "the desk quits" 'desk exit 0'

sign_in mei "$MEI"
screen "the shopkeeper's desk opens" '^ mei \(shopkeeper\) │'
tm send-keys A
wait_for 'only|owner' 5
check "a shopkeeper gets no audit screen" \
	bash -c "! grep -q 'orderdesk · audit history' '$T/pane'"
check "and sees nothing of the backend's events" \
	bash -c "! grep -Eq 'backend:|refused handshakes' '$T/pane'"
tm send-keys q
screen "the desk quits" 'desk exit 0'
finish
