#!/usr/bin/env bash
# orderdeskd backup and restore, with the real programs on 127.0.0.1: a
# backup taken while a desk pushes holds every entry the backend had
# answered `accepted` before it began, as a prefix of the live log (same
# hashes), every page and the whole log checked; restored into a new
# directory with a copy of backend.key, it serves the same shop with the
# same pin and CA, and the desk syncs with it without a new join.  A
# damaged backup, or another backend's key, is refused in one line and
# nothing is restored.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq

# log_at PORT SEQ: the hash of entry SEQ on the backend at PORT.
log_at() {
	curl -sS --max-time 10 --cacert "$BK/ca.pem" --pinnedpubkey "$PIN" \
		--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
		"https://127.0.0.1:$1/v1/log?after=$(($2 - 1))&limit=1" |
		jq -r '.entries[0].hash'
}

# head_of PORT: the backend's head seq.
head_of() {
	curl -sS --max-time 10 --cacert "$BK/ca.pem" --pinnedpubkey "$PIN" \
		--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
		"https://127.0.0.1:$1/v1/log?after=0&limit=1" | jq -r '.head.seq'
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop
od "$OWNER_PASS" import "$SAMPLE"
attach_desk "$PORT" join
expect_ok "a desk attaches and pushes 301 entries"

# The desk goes on working and pushing while the backups are taken.
(for n in 1001 1002 1003 1004 1005 1006 1007 1008; do
	od "$OWNER_PASS" confirm "$n"
	od "$OWNER_PASS" sync
 done) &
pusher=$!
until [ "$(head_of "$PORT")" -gt 301 ]; do sleep 0.1; done
before=$(head_of "$PORT")
"$ODD" --dir "$BK" backup "$T/mid.bak" > "$T/mid.out" 2>&1
mid_rc=$?
got=$(sed -n 's/.*): \([0-9]*\) log entries.*/\1/p' "$T/mid.out")
check "a backup while the desk pushes is written and checked ($got entries)" \
	test "$mid_rc" = 0 -a -n "$got"
check "it holds every entry accepted before it began ($before <= $got)" \
	test "${got:-0}" -ge "$before"
wait "$pusher"
check "the backup is mode 0600 and no temporary file is left" \
	test "$(stat -c %a "$T/mid.bak")" = 600 -a \
	"$(ls "$T" | grep -c 'mid.bak.')" = 0
for key in "$OWNER_PASS" "$(sed -n 2p "$BK/ca.key")" \
	"$(sed -n 2p "$BK/server.key")" "Lena Sch"; do
	grep -qaF -- "$key" "$T/mid.bak" && leak="$leak [$key]"
done
check "nothing in it is readable: keys, customers${leak:-}" test -z "${leak:-}"

# --- restored beside the live one: a prefix of its log, the same hashes ----
"$ODD" --dir "$T/mid" restore --key "$BK/backend.key" "$T/mid.bak" \
	> "$T/restore.out" 2>&1
check "the mid-push backup restores into a new directory" \
	grep -q "Restored the backend into $T/mid: $got log entries" \
	"$T/restore.out"
"$ODD" --dir "$T/mid" verify > "$T/verify.out" 2>&1
check "orderdeskd verify replays the restored log" \
	grep -q "Verified $got log entries" "$T/verify.out"
LIVE=$PORT
LIVE_PID=$SRV_PID
start_backend "$T/mid"
check "the restored backend serves with the same pin and CA ($PORT)" \
	test "$(head_of "$PORT")" = "$got"
check "its last entry is the live backend's entry $got, hash for hash" \
	test "$(log_at "$PORT" "$got")" = "$(log_at "$LIVE" "$got")" -a \
	"$(log_at "$PORT" "$got")" != null
stop_backend
SRV_PID=$LIVE_PID
PORT=$LIVE

# --- a backup of the quiet backend, restored in its place -------------------
final=$(head_of "$PORT")
"$ODD" --dir "$BK" backup "$T/last.bak" > /dev/null 2>&1
stop_backend
mv "$BK" "$T/old"
cp "$T/old/backend.key" "$T/kept.key"
"$ODD" --dir "$BK" restore --key "$T/kept.key" "$T/last.bak" > "$T/restore.out" 2>&1
check "the last backup restores where the backend was ($final entries)" \
	grep -q "$final log entries" "$T/restore.out"
check "every file restored is 0600, every folder 0700" \
	test "$(find "$BK" -type f ! -perm 600 | wc -l)" = 0 -a \
	"$(find "$BK" -type d ! -perm 700 | wc -l)" = 0
start_backend "$BK" "$LIVE"
od "$OWNER_PASS" sync
expect_ok "the desk syncs with the restored backend, no new join"
check "and finds it at its own head" grep -q "pushed 0, pulled 0" "$T/out"

# --- refused: damage, another backend's key, a directory in use -------------
cp "$T/last.bak" "$T/bad.bak"
flip_byte "$T/bad.bak" 40000
"$ODD" --dir "$T/r1" restore --key "$T/kept.key" "$T/bad.bak" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "a damaged backup is refused" 6 "altered or damaged"
check "and nothing was restored" test -z "$(ls -A "$T/r1" 2> /dev/null)"
"$ODD" --dir "$T/other" init --shop "Other" > /dev/null 2>&1
"$ODD" --dir "$T/r2" restore --key "$T/other/backend.key" "$T/last.bak" \
	> "$T/out" 2> "$T/err"
RC=$?
expect_fail "another backend's key is refused" 6 "another backend's key"
"$ODD" --dir "$BK" restore --key "$T/kept.key" "$T/last.bak" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "restoring over a backend is refused" 4 "already holds a backend"
finish
