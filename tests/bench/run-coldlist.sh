#!/usr/bin/env bash
# run-coldlist.sh - a cold one-shot `orderdesk list` against plain SQLite's
# cold list of the same orders (issue 11: at most 1.2x).
#
#   BUILD=build tests/bench/run-coldlist.sh SHOP EMPTY_SHOP PLAIN.db ROUNDS
#
# Every run is a fresh process, so SQLite's cache starts empty (the
# kernel's file cache is warm for both sides alike).  `orderdesk list`
# pays for the unlock too (Argon2id, 64 MiB): an empty shop's list, run
# beside it, is that fixed cost, taken off; an empty plain store is the
# plain side's.  bench-coldlist formats each row with list's own calls.
# Rounds alternate the sides and the best of each is taken; wall time and
# CPU time (user + system, steadier on a loaded machine) are both given.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SHOP=$1 EMPTY=$2 PLAIN=$3 ROUNDS=${4:-5}
PASS="bench passphrase, not a secret"
TIMEFORMAT='%R %U %S'

# secs CMD...: "WALL CPU" of one run, its output dropped.
secs() {
	{ time "$@" > /dev/null 3< <(printf '%s\n' "$PASS"); } 2>&1 |
		awk '{ printf "%.4f %.4f\n", $1, $2 + $3 }'
}

od_list() {
	secs "$BUILD/bin/orderdesk" --store "$1" --passphrase-fd 3 list
}

# best NAME "WALL CPU": keeps the least of each in BEST_W/BEST_C[NAME].
declare -A BEST_W BEST_C
best() {
	local w=${2% *} c=${2#* }
	if [ -z "${BEST_W[$1]:-}" ] ||
	   awk -v a="$w" -v b="${BEST_W[$1]}" 'BEGIN { exit !(a < b) }'; then
		BEST_W[$1]=$w
	fi
	if [ -z "${BEST_C[$1]:-}" ] ||
	   awk -v a="$c" -v b="${BEST_C[$1]}" 'BEGIN { exit !(a < b) }'; then
		BEST_C[$1]=$c
	fi
}

PLAIN_EMPTY=$(mktemp -u "${TMPDIR:-/tmp}/coldlist-empty.XXXXXX")
trap 'rm -f "$PLAIN_EMPTY" "$PLAIN_EMPTY-wal" "$PLAIN_EMPTY-shm"' EXIT
"$BUILD/bench/bench-coldlist" --empty "$PLAIN_EMPTY"
for ((r = 0; r < ROUNDS; r++)); do
	best od "$(od_list "$SHOP")"
	best plain "$(secs "$BUILD/bench/bench-coldlist" "$PLAIN")"
	best od0 "$(od_list "$EMPTY")"
	best plain0 "$(secs "$BUILD/bench/bench-coldlist" "$PLAIN_EMPTY")"
done
awk -v ow="${BEST_W[od]}" -v oc="${BEST_C[od]}" \
    -v zw="${BEST_W[od0]}" -v zc="${BEST_C[od0]}" \
    -v pw="${BEST_W[plain]}" -v pc="${BEST_C[plain]}" \
    -v qw="${BEST_W[plain0]}" -v qc="${BEST_C[plain0]}" 'BEGIN {
	printf "orderdesk list cold (one-shot, best of '"$ROUNDS"'): %.3f s" \
	       " wall, %.3f s CPU; an empty shop (the unlock): %.3f s," \
	       " %.3f s CPU\n", ow, oc, zw, zc
	printf "plain sqlite cold list of the same orders: %.3f s wall," \
	       " %.3f s CPU; an empty store: %.3f s, %.3f s CPU\n", \
	       pw, pc, qw, qc
	printf "orderdesk list cold ratio vs plain sqlite, unlock taken" \
	       " off: %.2f CPU, %.2f wall (target <= 1.2; the wall figure" \
	       " is a difference of two unlocks, noisy on a busy machine" \
	       " when the listing is short)\n", \
	       (oc - zc) / (pc - qc), (ow - zw) / (pw - qw)
}'
