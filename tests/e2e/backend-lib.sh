# backend-lib.sh - what the backend's end-to-end tests share, on top of
# lib.sh: the server binary, a trap that stops it, and starting it on
# 127.0.0.1.  Source it after lib.sh, then call need_tools.  The desk's
# tmux tests source tui-lib.sh after it, and set a trap of their own.

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

# until_line PATTERN FILE: waits (at most 30 s: sanitizer builds on a busy
# machine are slow to start) for a line in FILE.
until_line() {
	local i
	for i in $(seq 1 600); do
		grep -q "$1" "$2" 2> /dev/null && return 0
		sleep 0.05
	done
	return 1
}

# start_backend [DIR [PORT]]: serves DIR (default $BK) on PORT (default a
# free one) of 127.0.0.1, logging to $T/srv.log; sets SRV_PID and PORT.
# With SRV_LIMIT set, the server ends after that many seconds whatever
# happens (SRV_PID is then timeout's, which passes signals on; a test that
# kills the server with -9 leaves it unset).
start_backend() {
	: > "$T/srv.log"
	${SRV_LIMIT:+timeout "$SRV_LIMIT"} \
		"$ODD" --dir "${1:-$BK}" serve --listen "127.0.0.1:${2:-0}" \
		2>> "$T/srv.log" &
	SRV_PID=$!
	until_line "listening on" "$T/srv.log"
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		"$T/srv.log" | tail -1)
}

# start_backend_ahead OFFSET [DIR [PORT]]: start_backend with the server's
# wall clock moved by OFFSET (libfaketime's: +400d, +20m).  The library is
# preloaded into the server itself, not run through the faketime program:
# that one forks, and stop_backend would stop it and leave the server
# running.
start_backend_ahead() {
	local off=$1 lib real=$ODD
	shift
	lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2> /dev/null | head -1)
	printf '#!/bin/sh\nLD_PRELOAD="%s" FAKETIME=%s exec "%s" "$@"\n' \
		"$lib" "$off" "$real" > "$T/odd-ahead"
	chmod 700 "$T/odd-ahead"
	ODD="$T/odd-ahead"
	start_backend "$@"
	ODD="$real"
}

# stop_backend: stops the server start_backend started, and waits for it.
stop_backend() {
	kill "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=""
}

# attach_desk PORT BUNDLE: attaches $STORE, as its owner, to the backend on
# 127.0.0.1:PORT ($PIN) with a desk bundle of $BK: "join" (the one init
# made) or a name given to `orderdeskd desk add`.  The status is in $RC.
attach_desk() {
	local b="$BK/desks/$2"
	[ "$2" = join ] && b="$BK/join"
	od_as owner "$OWNER_PASS" sync --backend "https://127.0.0.1:$1" \
		--pin "$PIN" --ca "$b/ca.pem" --cert "$b/desk.pem" \
		--key "$b/desk.key"
}

# second_desk DIR: a copy of $STORE's shop in DIR (backup and restore, as
# the owner), to attach as another desk.
second_desk() {
	od_as owner "$OWNER_PASS" backup "$T/second.bak"
	STORE="$1" od_as owner "$OWNER_PASS" restore "$T/second.bak"
}

# holds_key_of CERT PATH...: succeeds when a file under PATH holds, as a
# PEM block, the private key of certificate CERT (a desk's): every block
# found is compared by its public key, so keys of others do not count.
holds_key_of() {
	local cert=$1 f b pub blocks
	shift
	pub=$(openssl x509 -in "$cert" -noout -pubkey) || return 2
	blocks=$(mktemp -d)
	while IFS= read -r -d '' f; do
		awk -v d="$blocks/k." '/-----BEGIN .*PRIVATE KEY-----/ { on = 1; n++ }
			on { print > (d n) }
			/-----END .*PRIVATE KEY-----/ { on = 0; close(d n) }' "$f"
		for b in "$blocks"/k.*; do
			[ -e "$b" ] || continue
			if [ "$(openssl pkey -in "$b" -pubout 2> /dev/null)" = \
			     "$pub" ]; then
				rm -rf "$blocks"
				return 0
			fi
			rm -f "$b"
		done
	done < <(find "$@" -type f -print0 2> /dev/null)
	rm -rf "$blocks"
	return 1
}

# push_last: POSTs $STORE's last log entry to the backend on $PORT with the
# join bundle's certificate, as a desk pushes; the answer in $T/resp, the
# status in $CODE, the first receipt's result and reason in $RESULT and
# $REASON.
push_last() {
	od_as owner "$OWNER_PASS" log --format json
	jq -c '{statements: [.[-1] | {statement, signature}]}' "$T/out" \
		> "$T/pushed.json"
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
		--key "$BK/join/desk.key" -H 'Content-Type: application/json' \
		--data-binary "@$T/pushed.json" \
		"https://127.0.0.1:$PORT/v1/statements" 2> "$T/curl.err")
	RESULT=$(jq -r '.receipts[0].result' "$T/resp" 2> /dev/null)
	REASON=$(jq -r '.receipts[0].reason' "$T/resp" 2> /dev/null)
}
