#!/usr/bin/env bash
# A store that went back: a flipped byte in a WAL that still holds a
# committed transaction (SQLite drops every frame after a bad one), the
# same on the backend after kill -9, an older copy of the database put in
# place (sync must not run on it), and a database truncated to nothing.
# Each must be refused as damage (status 6, one line saying what to do),
# never shown as the truth; a restore from the backup then works.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools certtool

# hold_start DB / hold_stop: keeps DB open (od-hold) so that the commands
# in between leave their commits in the WAL, as a kill -9 after the
# commit would, without racing one.
hold_start() {
	coproc HOLD { "$TOOLS/od-hold" "$1"; }
	read -r _ <&"${HOLD[0]}"
}
hold_stop() {
	exec {HOLD[1]}>&-
	wait "$HOLD_PID"
}

# wal_first_page DB: the offset of a byte inside the first WAL frame's page
# (32-byte WAL header, 24-byte frame header).
wal_first_page() { echo $((32 + 24 + 100)); }

# --- a desk: a committed confirm left in the WAL, one byte flipped --------
new_shop
od "$OWNER_PASS" import "$SAMPLE"
# A record behind the log is a crash between a commit and its record.
cp "$STORE/orderdesk.db-head" "$T/head.behind"
od "$OWNER_PASS" confirm 1010
cp "$T/head.behind" "$STORE/orderdesk.db-head"
od "$OWNER_PASS" show 1010
check "a log ahead of its record opens, and the record catches up" \
	bash -c "[ $RC -eq 0 ] && grep -qi confirmed '$T/out' &&
		! cmp -s '$T/head.behind' '$STORE/orderdesk.db-head'"
hold_start "$STORE/orderdesk.db"
od "$OWNER_PASS" confirm 1001
hold_stop
check "the confirm is committed and still in the WAL" \
	test "$RC" -eq 0 -a "$(stat -c %s "$STORE/orderdesk.db-wal" 2> /dev/null || echo 0)" -gt 4096
flip_byte "$STORE/orderdesk.db-wal" "$(wal_first_page)"
wal_before=$(sha256sum < "$STORE/orderdesk.db-wal")
od "$OWNER_PASS" show 1001
expect_fail "a desk whose WAL lost a committed transaction refuses to open" \
	6 "went back.*orderdesk --store NEW_DIR --user NAME restore FILE"
od "$OWNER_PASS" audit verify
expect_fail "audit verify says the same, never 'verified'" 6 "went back"
check "and the damaged WAL is left as it was, for whoever looks" \
	test "$wal_before" = "$(sha256sum < "$STORE/orderdesk.db-wal")"

# --- a database truncated to 0 bytes ---------------------------------------
STORE="$T/empty"
new_shop
: > "$STORE/orderdesk.db"
rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
od "$OWNER_PASS" list
expect_fail "a 0-byte database is damage (6), not 'SQL logic error'" \
	6 "empty.*restore"

# --- a garbled record beside an intact database -----------------------------
# Whether the database went back cannot be told then: damage (6), saying
# the record is what is damaged and what to do, the database untouched.
STORE="$T/garbled"
new_shop
cp "$STORE/orderdesk.db-head" "$T/head.good"
db_before=$(sha256sum < "$STORE/orderdesk.db")
for how in truncated random long; do
	case $how in
	truncated) head -c 100 "$T/head.good" > "$STORE/orderdesk.db-head" ;;
	random) head -c 1024 /dev/urandom > "$STORE/orderdesk.db-head" ;;
	long) { cat "$T/head.good"; printf x; } > "$STORE/orderdesk.db-head" ;;
	esac
	od "$OWNER_PASS" list
	expect_fail "a $how record is damage, named as such, with what to do" \
		6 "head record \(orderdesk.db-head\) is damaged: whether the store went back cannot be told; restore .*restore FILE\` and use NEW_DIR"
done
check "and the database is left as it was" \
	test "$db_before" = "$(sha256sum < "$STORE/orderdesk.db")"

# --- an older copy of the database, on a desk with a backend --------------
STORE="$T/desk"
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop
od "$OWNER_PASS" import "$SAMPLE"
attach_desk "$PORT" join
expect_ok "the desk attaches and pushes the shop"
od "$OWNER_PASS" confirm 1001
od "$OWNER_PASS" sync
expect_ok "a confirm is synced"
cp "$STORE/orderdesk.db" "$T/yesterday.db"
od "$OWNER_PASS" confirm 1002
expect_ok "another confirm is reported done, not yet synced"
od "$OWNER_PASS" backup "$T/latest.odbak"
expect_ok "a backup is made"
cp "$T/yesterday.db" "$STORE/orderdesk.db"
rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
od "$OWNER_PASS" list
expect_fail "yesterday's copy of orderdesk.db is refused" 6 "went back.*orderdesk --store NEW_DIR --user NAME restore FILE"
cp "$T/err" "$T/advice"
requests=$(wc -l < "$T/srv.log")
od "$OWNER_PASS" sync
expect_fail "sync refuses it too" 6 "went back"
check "and never reached the backend, so nothing was papered over" \
	test "$requests" -eq "$(wc -l < "$T/srv.log")"
rm "$STORE/orderdesk.db-head"
od "$OWNER_PASS" list
expect_fail "deleting the record as well is noticed" 6 "record.*missing.*restore FILE"

# --- restore from the backup: a fresh record, and the desk opens ----------
# The command the refusal advised, word for word, with its placeholders
# filled in: it must work as written.
advice=$(sed -n 's/.*`\(orderdesk [^`]*\)`.*/\1/p' "$T/advice")
check "the refusal names one command to run" test -n "$advice"
read -ra words <<< "${advice#orderdesk }"
args=()
for w in "${words[@]}"; do
	case $w in
	NEW_DIR) args+=("$T/restored") ;;
	NAME) args+=(owner) ;;
	FILE) args+=("$T/latest.odbak") ;;
	*) args+=("$w") ;;
	esac
done
"$OD" --passphrase-fd 3 "${args[@]}" > "$T/out" 2> "$T/err" \
	3< <(printf '%s\n' "$OWNER_PASS")
RC=$?
expect_ok "the advised restore, run as written, works"
STORE="$T/restored"
od "$OWNER_PASS" show 1002
check "the restored desk opens, with the confirm that was not synced" \
	bash -c "[ $RC -eq 0 ] && grep -qi confirmed '$T/out'"
cp "$STORE/orderdesk.db" "$T/restored.db"
od "$OWNER_PASS" confirm 1003
# The record has two slots (at 0 and 512); the confirm wrote the second.
# A torn write there leaves the first, which is behind: the store opens.
flip_byte "$STORE/orderdesk.db-head" $((512 + 30))
od "$OWNER_PASS" show 1003
check "a torn newest slot of the record falls back to the one before" \
	bash -c "[ $RC -eq 0 ] && grep -qi confirmed '$T/out'"
cp "$T/restored.db" "$STORE/orderdesk.db"
rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
od "$OWNER_PASS" list
expect_fail "the restored store is protected from its first commit on" \
	6 "went back"
flip_byte "$STORE/orderdesk.db-head" 30
flip_byte "$STORE/orderdesk.db-head" $((512 + 30))
od "$OWNER_PASS" list
expect_fail "a record with no slot that authenticates is damage" \
	6 "record.*damaged"
stop_backend

# --- the backend: accepted statements, kill -9, a flipped byte in its WAL --
BK="$T/bk2"
STORE="$T/desk2"
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop
od "$OWNER_PASS" import "$SAMPLE"
attach_desk "$PORT" join
# A clean stop folds the shop into the database file: only what follows
# lives in the WAL, so a bad frame loses those five and nothing else.
stop_backend
start_backend "$BK" "$PORT"
od "$OWNER_PASS" confirm 1001 1002 1003 1004 1005
od "$OWNER_PASS" sync
check "the backend accepted five statements" grep -q "pushed 5" "$T/out"
kill -9 "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
SRV_PID=""
check "they are committed in the backend's WAL" \
	test "$(stat -c %s "$BK/orderdesk.db-wal" 2> /dev/null || echo 0)" -gt 4096
flip_byte "$BK/orderdesk.db-wal" "$(wal_first_page)"
"$ODD" --dir "$BK" verify > "$T/out" 2> "$T/err"
RC=$?
expect_fail "orderdeskd verify refuses a backend that lost accepted statements" \
	6 "went back"
timeout 60 "$ODD" --dir "$BK" serve --listen 127.0.0.1:0 > "$T/out" 2> "$T/err"
RC=$?
expect_fail "and orderdeskd serve will not serve it" 6 "went back"

finish
