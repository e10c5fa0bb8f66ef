#!/usr/bin/env bash
# Faults: a process killed at any moment, a full disk, two commands at once.
# Afterwards the store opens, passes its integrity check and the audit, and
# holds every statement that was reported done.
. "$(dirname "$0")/lib.sh"

new_shop
"$TOOLS/gen-orders" 3000 7 > "$T/big.json"

# --- kill -9 in the middle of an import: all or nothing -------------------
tries=0
good=0
while [ "$tries" -lt 6 ]; do
	tries=$((tries + 1))
	"$OD" --store "$STORE" --passphrase-fd 3 import "$T/big.json" \
		> "$T/kill.out" 2>&1 3< <(echo "$OWNER_PASS") &
	pid=$!
	# Somewhere between the unlock and the commit.
	sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
	kill -9 "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	od "$OWNER_PASS" list --format csv
	n=$(($(wc -l < "$T/out") - 1))
	od "$OWNER_PASS" audit verify
	verified=$RC
	if grep -q "Imported" "$T/kill.out"; then
		# Reported done: every order must be there.
		[ "$n" -eq 3000 ] && [ "$verified" -eq 0 ] && good=$((good + 1))
	elif [ "$verified" -eq 0 ] && { [ "$n" -eq 0 ] || [ "$n" -eq 3000 ]; }; then
		good=$((good + 1))
	else
		echo "# kill $tries: $n orders after the kill, audit status $verified: $(cat "$T/err")"
	fi
	# Once the orders are in, another import would only be refused.
	[ "$n" -eq 3000 ] && break
done
check "kill -9 during an import leaves all or nothing, and a store that verifies ($good/$tries)" \
	test "$good" -eq "$tries"

# Make sure the orders are in for what follows.
od "$OWNER_PASS" list --format csv
if [ $(($(wc -l < "$T/out") - 1)) -ne 3000 ]; then
	od "$OWNER_PASS" import "$T/big.json"
fi
od "$OWNER_PASS" list --status new --format csv
tail -n +2 "$T/out" | cut -d, -f1 | head -400 > "$T/numbers"

# --- kill -9 in a stream of confirmations: nothing reported done is lost ---
(
	while read -r n; do
		"$OD" --store "$STORE" --passphrase-fd 3 confirm "$n" \
			3< <(echo "$OWNER_PASS") || exit 1
	done < "$T/numbers"
) > "$T/confirm.out" 2>&1 &
stream=$!
sleep 3
# Kill the loop and whichever orderdesk it is running right now.
pkill -9 -P "$stream" 2> /dev/null
kill -9 "$stream" 2> /dev/null
wait "$stream" 2> /dev/null
pkill -9 -f "$STORE.*confirm" 2> /dev/null
sleep 0.2
done_list=$(sed -n 's/^Order \(.*\) confirmed, signed.*/\1/p' "$T/confirm.out")
done_n=$(echo "$done_list" | grep -c .)
od "$OWNER_PASS" list --status confirmed --format csv
missing=0
for n in $done_list; do
	grep -q "^$n," "$T/out" || missing=$((missing + 1))
done
check "every confirmation reported done survives kill -9 ($done_n reported, $missing missing)" \
	test "$done_n" -gt 0 -a "$missing" -eq 0
od "$OWNER_PASS" audit verify
expect_ok "the store verifies after the killed stream"

# --- a full disk: the write fails clearly and nothing is half done ---------
"$TOOLS/gen-orders" 50 99 | sed 's/"number": "\([0-9]*\)"/"number": "F\1"/' > "$T/more.json"
before=$(od "$OWNER_PASS" list --format csv; wc -l < "$T/out")
ORDERDESK_FAULT_FULL_AFTER=5 "$OD" --store "$STORE" --passphrase-fd 3 import "$T/more.json" \
	> "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_fail "a full disk during an import says so" 1 "disk is full"
od "$OWNER_PASS" list --format csv
check "the failed import added nothing" test "$(wc -l < "$T/out")" = "$before"
od "$OWNER_PASS" audit verify
expect_ok "the store verifies after the full disk"

# A real full file system, where the machine allows a small tmpfs.
mkdir -p "$T/small"
if mount -t tmpfs -o size=3m tmpfs "$T/small" 2> /dev/null; then
	SMALL="$T/small/store"
	"$OD" --store "$SMALL" --passphrase-fd 3 init --owner owner > /dev/null 3< <(echo "$OWNER_PASS")
	"$OD" --store "$SMALL" --passphrase-fd 3 import "$T/big.json" > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
	RC=$?
	expect_fail "a really full disk during an import says so" 1 "disk is full"
	"$OD" --store "$SMALL" --passphrase-fd 3 audit verify > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
	RC=$?
	expect_ok "the store on the full disk still verifies"
	umount "$T/small"
else
	echo "# skipped the tmpfs full-disk check: mounting is not allowed here"
fi

# --- two commands on the same store at once --------------------------------
tail -n +2 "$T/numbers" | tail -100 > "$T/rest"
head -50 "$T/rest" > "$T/a"
tail -50 "$T/rest" > "$T/b"
"$OD" --store "$STORE" --passphrase-fd 3 confirm $(cat "$T/a") > "$T/a.out" 2>&1 3< <(echo "$OWNER_PASS") &
pa=$!
"$OD" --store "$STORE" --passphrase-fd 3 confirm $(cat "$T/b") > "$T/b.out" 2>&1 3< <(echo "$OWNER_PASS") &
pb=$!
wait "$pa"; ra=$?
wait "$pb"; rb=$?
check "two commands at once both succeed (one waits)" test "$ra" -eq 0 -a "$rb" -eq 0
od "$OWNER_PASS" audit verify
expect_ok "the store verifies after concurrent writers"

# --- kill -9 in a backup or a restore: the next one cleans up -------------
# strace kills the command with SIGKILL at a fixed system call (no timing):
# the backup at the first sync of its snapshot's WAL, the restore at the
# sync of the database it is unpacking.
# killed_at PATH SYSCALLS ARGS...: runs orderdesk ARGS, killed at the first
# of SYSCALLS on PATH (or PATH2, given as KILL_PATH2).
killed_at() {
	local path=$1 calls=$2
	shift 2
	strace -f -o /dev/null -P "$path" ${KILL_PATH2:+-P "$KILL_PATH2"} \
		-e trace="$calls" -e inject="$calls":signal=KILL \
		"$OD" --passphrase-fd 3 "$@" > /dev/null 2>&1 3< <(echo "$OWNER_PASS") &
	wait $! 2> /dev/null
	RC=$?
}
# leftovers DIR: every file in DIR a backup or restore makes under a
# temporary name.
leftovers() {
	find "$1" -name '*.snapshot*' -o -name '*.restore*' -o -name '*.backup.part' | sort
}
if strace -f -o /dev/null true 2> /dev/null; then
	KILL_PATH2="$T/first.backup.snapshot-wal" \
		killed_at "$STORE/orderdesk.db.snapshot-wal" fdatasync,fsync \
		--store "$STORE" backup "$T/first.backup"
	left=$(leftovers "$T")
	check "a backup killed mid-way by SIGKILL left its snapshot (status $RC)" \
		test "$RC" -eq 137 -a -n "$left"
	echo "# left: $(echo $left)"
	od "$OWNER_PASS" backup "$T/second.backup"
	expect_ok "the next backup, to another file, succeeds"
	left=$(leftovers "$T")
	check "and removed what the killed one left" test -z "$left"
	[ -n "$left" ] && echo "# still there: $(echo $left)"
	killed_at "$T/restored/orderdesk.db.restore.part" fdatasync,fsync \
		--store "$T/restored" --user owner restore "$T/second.backup"
	left=$(leftovers "$T/restored")
	check "a restore killed mid-way by SIGKILL left its files (status $RC)" \
		test "$RC" -eq 137 -a -n "$left"
	echo "# left: $(echo $left)"
	"$OD" --store "$T/restored" --user owner --passphrase-fd 3 restore "$T/no.backup" \
		> "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
	RC=$?
	expect_fail "the next restore, of a file that is not there, says so" 4 "cannot read"
	left=$(leftovers "$T/restored")
	check "and removed what the killed one left" test -z "$left"
	[ -n "$left" ] && echo "# still there: $(echo $left)"
	"$OD" --store "$T/restored" --user owner --passphrase-fd 3 restore "$T/second.backup" \
		> "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
	RC=$?
	expect_ok "a restore after the killed one succeeds"
	check "and leaves no temporary file" test -z "$(leftovers "$T/restored")"
	"$OD" --store "$T/restored" --passphrase-fd 3 audit verify > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
	RC=$?
	expect_ok "the restored shop verifies"
else
	echo "# skipped the killed backup and restore: strace cannot trace here"
fi

finish
