#!/usr/bin/env bash
# run-tsan.sh - `make bench-tsan`: twenty desks syncing at once
# (build/bench/bench-desks) against an orderdeskd built with
# ThreadSanitizer.  Fails, showing the first reports, if it reports
# anything; the figures it prints mean nothing (TSan slows every access).
#
#   BUILD=build tests/bench/run-tsan.sh ORDERDESKD
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ODD=${1:?usage: run-tsan.sh ORDERDESKD}
T=$(mktemp -d "${TMPDIR:-/tmp}/orderdesk-tsan.XXXXXX")
trap 'rm -rf "$T"' EXIT

"$BUILD/tools/gen-orders" 20000 42 > "$T/orders.json"
mkdir "$T/desks"
# exitcode: orderdeskd exits non-zero at its end if TSan reported, and
# bench-desks then fails; the reports are in orderdeskd's log.
status=0
TSAN_OPTIONS="exitcode=66 halt_on_error=0 second_deadlock_stack=1" \
	"$BUILD/bench/bench-desks" "$ODD" "$T/orders.json" "$T/desks" ||
	status=$?
reports=$(grep -c "WARNING: ThreadSanitizer" "$T/desks/bk.log" || true)
echo "ThreadSanitizer reports from orderdeskd: $reports"
if [ "$reports" -gt 0 ] || [ "$status" -ne 0 ]; then
	grep -A30 "WARNING: ThreadSanitizer" "$T/desks/bk.log" | head -120
	exit 1
fi
