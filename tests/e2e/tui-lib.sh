# tui-lib.sh - helpers for the desk's tmux tests (sourced after lib.sh):
# a private tmux server per script, polling the pane, never a bare sleep.

SOCK="odtest-$$"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null; rm -rf "$T"' EXIT

tm() { tmux -L "$SOCK" "$@"; }

# wait_for PATTERN [SECONDS]: polls the pane until a line matches (grep -E),
# then until the screen holds still, so that later checks on $T/pane see
# the whole frame and not half of one.
wait_for() {
	local pattern=$1 limit=${2:-10} end n
	end=$((SECONDS + limit))
	while :; do
		tm capture-pane -p > "$T/pane" 2>/dev/null
		grep -Eq -- "$pattern" "$T/pane" && break
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
	for n in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.05
		tm capture-pane -p > "$T/pane2" 2>/dev/null
		cmp -s "$T/pane" "$T/pane2" && break
		mv "$T/pane2" "$T/pane"
	done
	grep -Eq -- "$pattern" "$T/pane"
}

# screen NAME PATTERN [SECONDS]: a check that the screen comes to show PATTERN.
screen() {
	local name=$1 pattern=$2 limit=${3:-10}
	if wait_for "$pattern" "$limit"; then ok "$name"; else
		not_ok "$name (waited for /$pattern/; screen was:)"
		sed 's/^/# /' "$T/pane"
	fi
}

# wait_gone PATTERN [SECONDS]: polls until no line matches.
wait_gone() {
	local pattern=$1 limit=${2:-10} end
	end=$((SECONDS + limit))
	while tm capture-pane -p | grep -Eq -- "$pattern"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# shows PATTERN: the last captured pane has a line matching PATTERN.
shows() { grep -Eq -- "$1" "$T/pane"; }

# desk ARGS...: types the desk's command line into the pane's shell.
desk() {
	tm send-keys -l "clear; $OD --store $STORE $*; echo \"desk exit \$?\""
	tm send-keys Enter
}

# desk_pid: the desk running under the pane's shell.
desk_pid() { pgrep -P "$(tm display -p '#{pane_pid}')" -x orderdesk; }

# click X Y: a left click at column X, row Y (0-based), as an xterm
# reports it (X10 encoding: press, then release).
click() {
	local x y
	x=$(printf '\\x%x' $((33 + $1)))
	y=$(printf '\\x%x' $((33 + $2)))
	tm send-keys -l "$(printf "\e[M $x$y\e[M#$x$y")"
}

# tab_x NAME: the column where a tab's name starts on the top row.
tab_x() { tm capture-pane -p | head -1 | awk -v n="$1" '{ print index($0, n) - 1 }'; }

# start_pane [COLS ROWS]: a shell in the private tmux server, at 80x24
# unless told, with a recognisable prompt and no colour, in $T (keys typed
# after the desk ends land in a shell there, never in the repository).
start_pane() {
	tm -f /dev/null new-session -d -c "$T" -x "${1:-80}" -y "${2:-24}" \
		"env -u ORDERDESK_USER LANG=C.UTF-8 NO_COLOR=1 PS1='prompt\$ ' bash --norc --noprofile"
	wait_for 'prompt\$' 5
}

# sign_in USER PASS ARGS...: starts the desk as USER and unlocks it.
sign_in() {
	local user=$1 pass=$2
	shift 2
	desk --user "$user" "$@"
	wait_for 'Who are you' 10
	tm send-keys Enter
	wait_for "Passphrase for $user" 5
	tm send-keys -l "$pass"
	tm send-keys Enter
}

# mei_shop: a new shop whose owner added mei, a shopkeeper (her passphrase
# in $MEI_PASS), who imported the sample orders.
MEI_PASS=${MEI_PASS:-"mei passphrase 1"}
mei_shop() {
	new_shop
	od "$OWNER_PASS" user add mei --role shopkeeper \
		--new-passphrase-fd 4 4< <(echo "$MEI_PASS")
	od_as mei "$MEI_PASS" import "$SAMPLE"
	expect_ok "mei imports the sample shop"
}
