#!/usr/bin/env bash
# A witness that never answers keeps waiting only the desk whose request
# met it (app/orderdeskd/backend-witness.h): the backend talks to witnesses
# without its lock.  The "witness" here accepts the connection and never
# says a word (not even TLS), with the line's timeout=120 so that only the
# test ends the wait; while one desk's GET /v1/checkpoint waits on it,
# another desk attaches and syncs in full, and the witness is not asked a
# second time meanwhile.  Let go, the waiting desk gets its checkpoint,
# without the witness's cosignature, and the backend says why.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq python3
W="$T/witness"
MUTE_PID=""
A_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null;
      [ -n "$MUTE_PID" ] && kill "$MUTE_PID" 2> /dev/null;
      [ -n "$A_PID" ] && kill "$A_PID" 2> /dev/null; rm -rf "$T"' EXIT

# A listener that accepts, counts the connections in $T/mute.log, answers
# nothing, and closes them all once $T/let-go exists (150 s at most).
python3 - "$T" > /dev/null 2>&1 <<'PY' &
import os, socket, sys, time
t = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
s.settimeout(0.05)
with open(t + "/mute.port.tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(t + "/mute.port.tmp", t + "/mute.port")
held = []
end = time.time() + 150
while not os.path.exists(t + "/let-go") and time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    held.append(c)
    with open(t + "/mute.log", "a") as f:
        f.write("connection\n")
for c in held:
    c.close()
PY
MUTE_PID=$!
# waits (at most 30 s) for FILE to exist
until_file() {
	local i
	for i in $(seq 1 600); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
until_file "$T/mute.port"
MPORT=$(cat "$T/mute.port")

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-b > /dev/null
WKEY=$("$OD" witness key --dir "$W" --name witness.example/mute)
cp "$BK/orderdeskd.conf" "$T/conf.orig"
echo "witness = $WKEY https://127.0.0.1:$MPORT timeout=0" \
	>> "$BK/orderdeskd.conf"
"$ODD" --dir "$BK" serve --listen 127.0.0.1:0 > /dev/null 2> "$T/err"
check "a witness timeout out of range is refused, naming the line" \
	grep -q "orderdeskd.conf line .*: timeout=0: the timeout is whole seconds from 1 to 600" "$T/err"

# The first desk pushes the log before the backend has a witness.
cp "$T/conf.orig" "$BK/orderdeskd.conf"
start_backend
new_shop
attach_desk "$PORT" join
expect_ok "the first desk attaches and pushes its log"
second_desk "$T/b"
stop_backend
echo "witness = $WKEY https://127.0.0.1:$MPORT timeout=120" \
	>> "$BK/orderdeskd.conf"
start_backend

# Desk A asks for the checkpoint: the backend hands it to the mute witness
# and waits on it.
curl -sS -o "$T/a.resp" -w '%{http_code}' --max-time 200 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" "https://127.0.0.1:$PORT/v1/checkpoint" \
	> "$T/a.code" 2> "$T/a.err" &
A_PID=$!
until_file "$T/mute.log"
check "desk A's request reached the mute witness" test -s "$T/mute.log"

# Meanwhile desk B attaches and syncs in full (60 s at most: under the
# lock it would wait the witness's 120).
timeout 60 "$OD" --store "$T/b" --passphrase-fd 3 --user owner sync --backend "https://127.0.0.1:$PORT" \
	--pin "$PIN" --ca "$BK/desks/desk-b/ca.pem" \
	--cert "$BK/desks/desk-b/desk.pem" --key "$BK/desks/desk-b/desk.key" \
	3< <(echo "$OWNER_PASS") > "$T/b.out" 2> "$T/b.err"
B_RC=$?
check "desk B's sync completes while desk A still waits on the witness" \
	test "$B_RC" = 0
check "desk A is still waiting then" kill -0 "$A_PID"
check "and the witness was not asked a second time meanwhile" \
	test "$(grep -c connection "$T/mute.log")" = 1

# Let go: desk A gets its checkpoint, with no cosignature of the witness.
touch "$T/let-go"
wait "$A_PID"
A_PID=""
check "desk A then gets the checkpoint (200)" test "$(cat "$T/a.code")" = 200
check "without the mute witness's cosignature" \
	bash -c "! jq -r .checkpoint '$T/a.resp' | grep -q witness.example/mute"
check "the backend says which witness failed" \
	grep -q "witness witness.example/mute (https://127.0.0.1:$MPORT/add-checkpoint)" \
	"$T/srv.log"
stop_backend
finish
