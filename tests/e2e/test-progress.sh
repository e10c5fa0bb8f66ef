#!/usr/bin/env bash
# Long jobs show one progress line (count, rate, time left) on a terminal
# only: import, audit verify, backup and restore run in tmux, whose every
# byte is kept with pipe-pane (the line is cleared when a job ends); the
# same commands into a pipe print no progress text.  Ctrl-C during an
# import says "interrupted; nothing was imported", and nothing was.
# volume test: 13,000 orders through import, sync and Ctrl-C.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
. "$(dirname "$0")/tui-lib.sh"

SRV_LIMIT=300
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      tmux -L "$SOCK" kill-server 2> /dev/null; rm -rf "$T"' EXIT

new_shop
"$TOOLS/gen-orders" 3000 7 > "$T/small.json"
"$TOOLS/gen-orders" 10000 3 | sed 's/"number": "\([0-9]*\)"/"number": "W\1"/' \
	> "$T/big.json"
printf '%s\n' "$OWNER_PASS" > "$T/pass"

# --- into a pipe: no progress text ------------------------------------------
# quiet NAME: the last command worked and wrote nothing on stderr.
quiet() { expect_ok "$1"; check "$1: no progress text" test ! -s "$T/err"; }
od_as owner "$OWNER_PASS" import "$T/small.json"
quiet "an import into a pipe"
od_as owner "$OWNER_PASS" audit verify
quiet "audit verify into a pipe"
od_as owner "$OWNER_PASS" backup "$T/pipe.bak"
quiet "a backup into a pipe"
STORE="$T/pipe-restored" od_as owner "$OWNER_PASS" restore "$T/pipe.bak"
quiet "a restore into a pipe"

# --- on a terminal ----------------------------------------------------------
start_pane 100 30
# No job control: the shell waits through the stop below.
tm send-keys -l 'set +m'
tm send-keys Enter
tm pipe-pane -o "cat >> '$T/raw'"
# run ARGS...: orderdesk in the pane (on ${AT:-$STORE}), its raw output
# alone in $T/raw; it ends with "done-N STATUS", N counting the runs.
N=0
run() {
	N=$((N + 1))
	: > "$T/raw"
	tm send-keys -l "clear; $OD --store '${AT:-$STORE}' --user owner --passphrase-fd 3 $* 3< '$T/pass'; echo \"done-$N \$?\""
	tm send-keys Enter
}
run audit verify
screen "audit verify ends on the terminal" "^done-$N 0"
check "it showed 'verifying: N of N entries' with a rate" \
	grep -qE 'verifying: 3,00[0-9] of 3,00[0-9] entries · [0-9,]+/s' "$T/raw"
check "the line is redrawn in place (\\r, erase to the end)" \
	grep -q $'\r\e\[Kverifying' "$T/raw"
screen "the result follows on a clean line" '^Verified 300[0-9] log entries'
run backup "'$T/tty.bak'"
screen "a backup ends on the terminal" "^done-$N 0"
check "it showed the pages it copied" \
	grep -qE 'copying: [0-9,]+ of [0-9,]+ pages' "$T/raw"
AT="$T/restored" run restore "'$T/tty.bak'"
screen "a restore ends on the terminal" "^done-$N 0"
check "the restore showed the entries it verified" \
	grep -qE 'verifying: 3,00[0-9] of 3,00[0-9] entries' "$T/raw"

# stop_at PATTERN: once the running command's progress shows PATTERN (a
# check), Ctrl-C: sent while the command is stopped, so that it cannot
# finish first on a slow machine.
stop_at() {
	local pid
	for _ in $(seq 1 1500); do
		grep -qE "$1" "$T/raw" && break
		sleep 0.02
	done
	check "progress shows /$1/" grep -qE "$1" "$T/raw"
	pid=$(pgrep -P "$(tm display -p '#{pane_pid}')" -x orderdesk)
	kill -STOP "$pid"
	tm send-keys C-c
	kill -CONT "$pid"
}

# --- sync: a desk joined to a real backend pushes the 3,000 orders -------
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
CODE=$(sed -n 's/^join code: *//p' "$T/init.out")
start_backend
D="$T/desk"
"$OD" --store "$D" --passphrase-fd 3 init --backend "https://127.0.0.1:$PORT" \
	--pin "$PIN" --code "$CODE" --owner owner --desk-name d > /dev/null 2>&1 \
	3< "$T/pass"
STORE="$D" od_as owner "$OWNER_PASS" import "$T/small.json"
expect_ok "the joined desk imports 3,000 orders"
AT="$D" run sync
screen "sync ends on the terminal" "^done-$N 0"
check "it showed the entries it pushed, with a rate" \
	grep -qE 'pushing: [0-9,]+ of 3,0[0-9]{2} entries · [0-9,]+/s' "$T/raw"
STORE="$D" od_as owner "$OWNER_PASS" import "$T/big.json"
AT="$D" run sync
stop_at 'pushing: [0-9,]+ of 10,0[0-9]{2} entries · '
screen "Ctrl-C during a sync says what was kept" \
	'^interrupted; what was pushed stays pushed; sync again for the rest$'
screen "the sync ends (status 130)" "^done-$N 130"
STORE="$D" od_as owner "$OWNER_PASS" sync
quiet "the next sync, into a pipe, pushes the rest"
check "the backend has all 13,001 entries" \
	test "$("$ODD" --dir "$BK" verify 2> /dev/null | sed -n 's/.*Verified \([0-9]*\) log entries.*/\1/p')" -ge 13001

# --- Ctrl-C during an import ------------------------------------------------
od_as owner "$OWNER_PASS" list --format json
before=$(sha256sum < "$T/out")
run import "'$T/big.json'"
stop_at '(reading|importing): [0-9,]+ of 10,000 [a-z]+ · [0-9,]+/s · [0-9]+:[0-9]{2} left'
screen "Ctrl-C says what was kept" '^interrupted; nothing was imported$'
screen "the command ends (status 130)" "^done-$N 130"
od_as owner "$OWNER_PASS" list --format json
check "and nothing was imported" test "$before" = "$(sha256sum < "$T/out")"
od_as owner "$OWNER_PASS" audit verify
expect_ok "the store still verifies"
finish
