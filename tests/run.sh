#!/usr/bin/env bash
# Runs every test and ends with the line "N passed, N failed".
#
#   tests/run.sh [--unit-only] TEST_BINARY...
#
# Unit tests are cmocka binaries, run with TAP output; end-to-end tests are
# the scripts tests/e2e/*.sh, which print TAP lines through tests/e2e/lib.sh.
# Each test's full output goes to $BUILD/test-logs/; failures are shown, and
# each test's seconds, to keep the whole run short; the scripts run
# E2E_JOBS at a time (2 unless told).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
logs="$BUILD/test-logs"
rm -rf "$logs"
# The scripts' logs in a folder of their own: a unit test and a script
# may share a name (test-parcels).
mkdir -p "$logs/e2e"

unit_only=0
if [ "${1:-}" = "--unit-only" ]; then
	unit_only=1
	shift
fi

passed=0
failed=0

# Counts the TAP lines in a log and shows failures.
tally() {
	local name=$1 log=$2 status=$3 secs=$4 ok notok
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
		echo "FAIL $name ($ok passed, $notok failed, ${secs}s); log: $log"
		grep -E '^not ok |^# ' "$log" | head -40
	else
		echo "ok   $name ($ok passed, ${secs}s)"
	fi
}

for t in "$@"; do
	name=$(basename "$t")
	log="$logs/$name.log"
	start=$SECONDS
	CMOCKA_MESSAGE_OUTPUT=TAP timeout 600 "$t" > "$log" 2>&1
	tally "$name" "$log" $? $((SECONDS - start))
done

# The end-to-end scripts spend much of their time waiting (on timeouts,
# handshakes, a pane to settle): E2E_JOBS of them (2 unless told) run at
# once, each in its own folder, tmux server and ports, and are tallied in
# the order they started.
e2e_run() {
	local t=$1 name log start
	name=$(basename "$t" .sh)
	log="$logs/e2e/$name.log"
	start=$SECONDS
	timeout 900 bash "$t" > "$log" 2>&1
	echo "$? $((SECONDS - start))" > "$log.status"
}

e2e_tally() {
	local name=$1 log="$logs/e2e/$1.log" status secs
	read -r status secs < "$log.status"
	rm -f "$log.status"
	tally "$name" "$log" "$status" "$secs"
}

if [ "$unit_only" -eq 0 ]; then
	jobs_max=${E2E_JOBS:-2}
	queue=()
	running=0
	for t in tests/e2e/test-*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		# A volume test repeats paths the others already take, many
		# times over: CI runs it in the plain build only, not again
		# under the sanitizers (SKIP_VOLUME=1), to keep CI short.
		if [ "${SKIP_VOLUME:-0}" = 1 ] &&
		   grep -q '^# volume test' "$t"; then
			echo "skip $name (a volume test: the plain build runs it)"
			continue
		fi
		while [ "$running" -ge "$jobs_max" ]; do
			wait -n
			running=$((running - 1))
		done
		e2e_run "$t" &
		running=$((running + 1))
		queue+=("$name")
		# Tally, in order, every script at the head that has ended.
		while [ "${#queue[@]}" -gt 0 ] &&
		      [ -e "$logs/e2e/${queue[0]}.log.status" ]; do
			e2e_tally "${queue[0]}"
			queue=("${queue[@]:1}")
		done
	done
	wait
	for name in "${queue[@]}"; do
		e2e_tally "$name"
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
