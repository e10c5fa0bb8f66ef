#!/usr/bin/env bash
# Runs every test and ends with the line "N passed, N failed".
#
#   tests/run.sh [--unit-only] TEST_BINARY...
#
# Unit tests are cmocka binaries, run with TAP output; end-to-end tests are
# the scripts tests/e2e/*.sh, which print TAP lines through tests/e2e/lib.sh.
# Each test's full output goes to $BUILD/test-logs/; failures are shown.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
logs="$BUILD/test-logs"
rm -rf "$logs"
mkdir -p "$logs"

unit_only=0
if [ "${1:-}" = "--unit-only" ]; then
	unit_only=1
	shift
fi

passed=0
failed=0

# Counts the TAP lines in a log and shows failures.
tally() {
	local name=$1 log=$2 status=$3 ok notok
	ok=$(grep -c '^ok ' "$log")
	notok=$(grep -c '^not ok ' "$log")
	if [ "$status" -ne 0 ] && [ "$notok" -eq 0 ]; then
		# A crash or an error outside any check counts as a failure.
		notok=1
		echo "not ok - $name exited with status $status" >> "$log"
	fi
	passed=$((passed + ok))
	failed=$((failed + notok))
	if [ "$notok" -gt 0 ]; then
		echo "FAIL $name ($ok passed, $notok failed); log: $log"
		grep -E '^not ok |^# ' "$log" | head -40
	else
		echo "ok   $name ($ok passed)"
	fi
}

for t in "$@"; do
	name=$(basename "$t")
	log="$logs/$name.log"
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$t" > "$log" 2>&1
	tally "$name" "$log" $?
done

if [ "$unit_only" -eq 0 ]; then
	for t in tests/e2e/test-*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		log="$logs/$name.log"
		timeout 900 bash "$t" > "$log" 2>&1
		tally "$name" "$log" $?
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
