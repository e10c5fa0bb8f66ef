#!/usr/bin/env bash
# Slow clients against the backend: ten loopback addresses hold 140 TLS
# connections that trickle their headers a byte a second and never finish
# (tests/tools/od-loris, reconnecting whatever the server closes), while
# desks are still served: requests from an address of their own and from
# one of the slow addresses, and a whole sync.  The server listens on
# 127.0.0.1 only; Linux lets a client bind any 127.x.y.z as its source, so
# the backend sees eleven addresses.  Each slow address holds 14 (under
# max_per_ip = 16), 140 in all (over max_connections = 64): the limit that
# has to hold here is the total, and the server keeps to it by closing the
# slow connections that have sent no whole request, those of the address
# holding the most first.  Then the same with slow bodies: five addresses
# send a join's whole headers and trickle its body (od-loris --body), and
# desks are served and a desk joins meanwhile.  Bounded: the slow clients
# stop after 40 s (the test kills them as soon as it is done, a few
# seconds in).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl

LORIS_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null
      [ -n "$LORIS_PID" ] && kill "$LORIS_PID" 2> /dev/null
      rm -rf "$T"' EXIT

# get FROM: GET /v1/log as the first desk from source address FROM; the
# status in $CODE (000: no answer).
get() {
	CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
		--interface "$1" --cacert "$BK/ca.pem" \
		--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
		"https://127.0.0.1:$PORT/v1/log?after=0" 2> /dev/null)
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop

get 127.0.0.2
check "a client bound to 127.0.0.2 reaches the backend on 127.0.0.1" \
	test "$CODE" = 200

slow=()
for i in $(seq 2 11); do slow+=("127.0.0.$i:14"); done
"$TOOLS/od-loris" "$PORT" 40 "${slow[@]}" > "$T/loris.out" 2>&1 &
LORIS_PID=$!
until_line "connections open" "$T/loris.out"
check "140 slow connections from ten addresses are open: $(head -1 "$T/loris.out")" \
	grep -q "^loris: 140 connections open" "$T/loris.out"

# Desks ask as they do, one request after another.
codes=""
for from in 127.0.0.1 127.0.0.2; do
	for _ in 1 2 3 4 5 6 7 8; do
		get "$from"
		codes="$codes $CODE"
	done
done
check "16 of 16 desk requests are answered meanwhile:$codes" \
	test "$(tr ' ' '\n' <<< "$codes" | grep -c '^200$')" = 16
attach_desk "$PORT" join
expect_ok "a desk syncs meanwhile"

kill "$LORIS_PID" 2> /dev/null
wait "$LORIS_PID" 2> /dev/null
LORIS_PID=""
check "the server closed slow connections to make room, and says so" \
	grep -q "closed [0-9]* connections that had sent no whole request" \
	"$T/srv.log"
get 127.0.0.1
check "once they are gone the backend serves as before" test "$CODE" = 200

# --- slow bodies -------------------------------------------------------------
# Anyone may post a join of up to 8 KiB.  Five addresses hold 70
# connections (over max_connections = 64) that send a join's whole headers
# and then its body a byte a second: the server is already reading each
# body, and used to never cut one, so every desk got 503 until the
# watchdog (request_time + 3 s), and the clients came straight back.  A
# body without a certificate now makes room like an unfinished head; a
# desk's body never does (it has a certificate).
"$ODD" --dir "$BK" code > "$T/code.out"
JOIN_CODE=$(sed -n 's/^join code: *//p' "$T/code.out")
MARK=$(($(wc -l < "$T/srv.log") + 1))
slow=()
for i in $(seq 2 6); do slow+=("127.0.0.$i:14"); done
"$TOOLS/od-loris" --body "$PORT" 40 "${slow[@]}" > "$T/bodies.out" 2>&1 &
LORIS_PID=$!
until_line "connections open" "$T/bodies.out"
check "70 slow bodies from five addresses are open: $(head -1 "$T/bodies.out")" \
	grep -q "^loris: 70 connections open" "$T/bodies.out"
# Some handshakes fail at first and are made again on the next tick: the
# places are all taken once the server has to turn one away (503, before
# the fix) or cut a slow body to make room (after it).  Desks ask then.
for _ in $(seq 1 300); do
	tail -n +"$MARK" "$T/srv.log" |
		grep -q "503 too many connections\|[1-9][0-9]* of them midway" &&
		break
	sleep 0.1
done
codes=""
for from in 127.0.0.1 127.0.0.2; do
	for _ in 1 2 3 4 5 6; do
		get "$from"
		codes="$codes $CODE"
	done
done
check "12 of 12 desk requests are answered meanwhile:$codes" \
	test "$(tr ' ' '\n' <<< "$codes" | grep -c '^200$')" = 12
# A real join is a few hundred bytes, sent at once with its headers.
"$OD" --store "$T/joiner" init --backend "https://127.0.0.1:$PORT" \
	--pin "$PIN" --code "$JOIN_CODE" --desk-name joiner \
	> "$T/out" 2> "$T/err"
RC=$?
expect_ok "a desk joins with a code meanwhile"
attach_desk "$PORT" join
expect_ok "a desk syncs meanwhile"
kill "$LORIS_PID" 2> /dev/null
wait "$LORIS_PID" 2> /dev/null
LORIS_PID=""
check "the server cut slow bodies to make room, and says so" \
	grep -q "closed [0-9]* connections .*([1-9][0-9]* of them midway through a body" \
	"$T/srv.log"

finish
