#!/usr/bin/env bash
# The demo shop behind `make run`: a demo backend on 127.0.0.1 (a free
# port) with the sample orders, a desk joined to it with a one-time code,
# and three people; then the desk opens (on a terminal; elsewhere it prints
# the list and says how), and the backend stops when the desk closes.  The
# passphrases are printed because this is a demo; a real shop never writes
# them down.
#
# `make run` starts the demo over (this script); `make demo` (this script
# with --reopen) opens the demo as it was left, with its backend on the
# same port, or starts it when there is none yet.
#
# DEMO_DIR (default ./demo-shop), OD and ODD (the two programs) may be set,
# which is how tests/e2e/test-join.sh runs it.
set -eu
cd "$(dirname "$0")/.."
OD=${OD:-./bin/orderdesk}
ODD=${ODD:-./bin/orderdeskd}
DEMO=${DEMO_DIR:-./demo-shop}
BK="$DEMO/backend"
DESK="$DEMO/desk"
SRV_PID=""

declare -A pass=([olivia]="olivia-owner-demo" [mei]="mei-shopkeeper-demo" [sam]="sam-staff-demo")

# The backend goes when this script does, however it ends.
stop_backend() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2> /dev/null || true
		wait "$SRV_PID" 2> /dev/null || true
		echo "The demo backend has stopped."
	fi
	rm -f "$DEMO/backend.pid"
}
trap stop_backend EXIT
trap 'exit 130' INT TERM

# as USER ARGS...: orderdesk on the demo desk as USER.
as() {
	local user=$1
	shift
	"$OD" --store "$DESK" --user "$user" --passphrase-fd 3 "$@" \
		3< <(echo "${pass[$user]}")
}

# serve PORT: the demo backend on 127.0.0.1:PORT (0: a free one); sets
# PORT and URL.
serve() {
	"$ODD" --dir "$BK" serve --listen "127.0.0.1:$1" 2> "$DEMO/backend.log" &
	SRV_PID=$!
	echo "$SRV_PID" > "$DEMO/backend.pid"
	PORT=""
	for _ in $(seq 1 200); do
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$DEMO/backend.log" | tail -1)
		[ -n "$PORT" ] && break
		kill -0 "$SRV_PID" 2> /dev/null || break
		sleep 0.05
	done
	if [ -z "$PORT" ]; then
		echo "demo: the backend did not start on port $1 (see" \
			"$DEMO/backend.log); \`make run\` starts the demo over" >&2
		exit 1
	fi
	echo "$PORT" > "$DEMO/port"
	URL="https://127.0.0.1:$PORT"
}

# open_desk: the desk's screens on a terminal; elsewhere the first orders.
open_desk() {
	if [ -t 0 ] && [ -t 1 ]; then
		printf '\nOpening the desk: choose a person, type their passphrase (? for help, q to quit).\n'
		printf 'The backend stops when the desk closes.  Press Enter to go on. '
		read -r _
		"$OD" --store "$DESK" || true
		exit 0
	fi
	echo
	echo "No terminal here, so the desk's screens stay closed: run \`make run\`"
	echo "in a terminal to open them.  The first orders, as mei sees them:"
	as mei list | head -12
}

if [ "${1:-}" = --reopen ] && [ -s "$DEMO/port" ] && [ -d "$DESK" ]; then
	serve "$(cat "$DEMO/port")"
	echo "Reopened the demo shop as it was left: its backend serves $URL."
	echo "\`make run\` starts it over; olivia, mei and sam keep their demo passphrases:"
	for u in olivia mei sam; do echo "  $u  ${pass[$u]}"; done
	open_desk
	exit 0
fi

if [ -e "$DEMO" ]; then
	echo "Starting the demo shop over: $DEMO is removed and made again" \
		"(\`make demo\` reopens it as it was)."
fi
rm -rf "$DEMO"
mkdir -p "$DEMO"
"$ODD" --dir "$BK" init --shop "Demo Tea House" > "$DEMO/init.out"
PIN=$(sed -n 's/^backend pin: *//p' "$DEMO/init.out")
CODE=$(sed -n 's/^join code: *//p' "$DEMO/init.out")
serve 0

"$OD" --store "$DESK" --passphrase-fd 3 init --backend "$URL" --pin "$PIN" \
	--code "$CODE" --owner olivia --desk-name demo-desk \
	3< <(echo "${pass[olivia]}")
as olivia user add mei --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "${pass[mei]}")
as olivia user add sam --role staff --new-passphrase-fd 4 \
	4< <(echo "${pass[sam]}")
as mei import assets/sample-orders.json
as mei confirm 1001 1002 1003
as sam ship 1001 --carrier "SF Express" --tracking SF1234567890
as olivia sync

cat <<EOT

The demo shop is ready: its backend serves $URL
(pin $PIN), and the desk in $DESK is joined to it.
People (demo passphrases):
  olivia  owner       ${pass[olivia]}
  mei     shopkeeper  ${pass[mei]}
  sam     staff       ${pass[sam]}

While the backend runs, try in another terminal, typing the passphrase:
  $OD --store $DESK --user mei show 1002
  $OD --store $DESK --user sam ship 1002 --carrier DHL --tracking JD0012345
  $OD --store $DESK --user mei sync
  $OD --store $DESK --user olivia desk invite     (a code for a second desk)
  $OD --store $DESK --user olivia audit verify
EOT
echo "(\`make run\` starts the demo over; \`make demo\` reopens it as it is now.)"
open_desk
