# backend-lib.sh - what the backend's end-to-end tests share, on top of
# lib.sh: the server binary, a trap that stops it, and starting it on
# 127.0.0.1.  Source it after lib.sh, then call need_tools.

ODD="$ROOT/$BUILD/bin/orderdeskd"
BK="$T/bk"
SRV_PID=""
PORT=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null; rm -rf "$T"' EXIT

# need_tools TOOL...: stops the test with one failed check if one is missing.
need_tools() {
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" > /dev/null; then
			not_ok "this test needs $tool (add it to .ci/deps)"
			exit 1
		fi
	done
}

# wait_for PATTERN FILE: waits (at most 30 s: sanitizer builds on a busy
# machine are slow to start) for a line in FILE.
wait_for() {
	local i
	for i in $(seq 1 600); do
		grep -q "$1" "$2" 2> /dev/null && return 0
		sleep 0.05
	done
	return 1
}

# start_backend [DIR [PORT]]: serves DIR (default $BK) on PORT (default a
# free one) of 127.0.0.1, logging to $T/srv.log; sets SRV_PID and PORT.
start_backend() {
	: > "$T/srv.log"
	"$ODD" --dir "${1:-$BK}" serve --listen "127.0.0.1:${2:-0}" \
		2>> "$T/srv.log" &
	SRV_PID=$!
	wait_for "listening on" "$T/srv.log"
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		"$T/srv.log" | tail -1)
}
