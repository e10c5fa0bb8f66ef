#!/usr/bin/env bash
# run-desk.sh - the desk's screens on generated orders (`make bench` calls
# it from run.sh).
#
# Prints one figure a line, "NAME: VALUE UNIT", with targets beside them for
# a reader, never checked: the script fails only when something does not
# work.  A shop is founded with the real binary, N generated orders
# (default 100,000) are imported, and build/bench/bench-desk unlocks it as
# the owner and drives the real views into a curses screen sent to
# /dev/null at 80x24: the key derivation apart, the first full screen, and
# key press to finished redraw for scrolling, a tab change and one step of
# incremental search, the last also as a ratio to the same queries of the
# same full-text index on a plaintext copy of the store (same process).
# Then build/bench/bench-redraw: every redraw of the list at 160x40 with a
# :filter, with extra columns and with both, as ratios to the usual
# columns' (same process).  Then build/bench/bench-page: the paged list
# (app/desk/desk-page.h) beside the in-memory desk, same process.
#
#   BUILD=build tests/bench/run-desk.sh [N_ORDERS [SEED]]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
N=${1:-100000}
SEED=${2:-42}
OD="$BUILD/bin/orderdesk"
GEN="$BUILD/tools/gen-orders"
BENCH="$BUILD/bench/bench-desk"
PASS="bench passphrase, not a secret"

for f in "$OD" "$GEN" "$BENCH"; do
	if [ ! -x "$f" ]; then
		echo "run-desk.sh: $f is missing; run make bench" >&2
		exit 1
	fi
done
T=$(mktemp -d "${TMPDIR:-/tmp}/orderdesk-bench-desk.XXXXXX")
trap 'rm -rf "$T"' EXIT

# od ARGS...: the real binary on the bench shop, the passphrase on fd 3.
od() {
	"$OD" --store "$T/shop" --passphrase-fd 3 "$@" 3< <(printf '%s\n' "$PASS")
}

"$GEN" "$N" "$SEED" > "$T/orders.json"
od init --owner owner --shop "Bench shop" > /dev/null
od import "$T/orders.json" > /dev/null
rm -f "$T/orders.json"
echo "desk bench orders: $N (gen-orders $N $SEED)"
"$BENCH" "$T/shop" owner 3< <(printf '%s\n' "$PASS")
"$BUILD/bench/bench-redraw" "$T/shop" owner 3< <(printf '%s\n' "$PASS")
"$BUILD/bench/bench-page" "$T/shop" owner 3< <(printf '%s\n' "$PASS")
