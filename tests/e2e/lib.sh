# lib.sh - helpers for the end-to-end tests, which drive the real binaries.
#
# Every check prints one TAP line ("ok - NAME" or "not ok - NAME"), which
# tests/run.sh counts.  Each test script gets its own temporary directory,
# removed when it ends.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
OD="$ROOT/$BUILD/bin/orderdesk"
TOOLS="$ROOT/$BUILD/tools"
SAMPLE="$ROOT/assets/sample-orders.json"
T=$(mktemp -d "${TMPDIR:-/tmp}/orderdesk-e2e.XXXXXX")
trap 'rm -rf "$T"' EXIT
STORE="$T/store"
OWNER_PASS="correct horse battery"
CHECKS_FAILED=0

ok()     { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; CHECKS_FAILED=$((CHECKS_FAILED + 1)); }

# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# od PASS ARGS...: runs orderdesk on $STORE with PASS on descriptor 3,
# leaving stdout in $T/out, stderr in $T/err and the status in $RC.
od() {
	local pass=$1
	shift
	"$OD" --store "$STORE" --passphrase-fd 3 "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$pass")
	RC=$?
	return 0
}

# od_as USER PASS ARGS...
od_as() {
	local user=$1
	shift
	local pass=$1
	shift
	od "$pass" --user "$user" "$@"
}

# expect_fail NAME STATUS PATTERN: the last od call failed with STATUS,
# said PATTERN (grep -E) on one line of stderr.
expect_fail() {
	local name=$1 status=$2 pattern=$3
	if [ "$RC" -eq "$status" ] && [ "$(wc -l < "$T/err")" -eq 1 ] &&
	   grep -Eq "$pattern" "$T/err"; then
		ok "$name"
	else
		not_ok "$name (status $RC, stderr: $(head -c 300 "$T/err"))"
	fi
}

# expect_ok NAME: the last od call succeeded.
expect_ok() {
	if [ "$RC" -eq 0 ]; then ok "$1"; else
		not_ok "$1 (status $RC, stderr: $(head -c 300 "$T/err"))"; fi
}

# new_shop: founds a shop in $STORE owned by "owner".
new_shop() {
	"$OD" --store "$STORE" --passphrase-fd 3 init --owner owner \
		--shop "Test shop" > /dev/null 3< <(printf '%s\n' "$OWNER_PASS")
}

# own ARGS...: orderdesk as the shop's owner.
own() { od_as owner "$OWNER_PASS" "$@"; }

# add_person NAME ROLE PASS: the owner adds NAME to the shop with ROLE and
# passphrase PASS; the status in $RC.
add_person() {
	own user add "$1" --role "$2" --new-passphrase-fd 4 4< <(echo "$3")
}

# flip_byte FILE OFFSET: flips the low bit of the byte at OFFSET, in place.
# `command od` because od() above is orderdesk: calling it here once made
# the "flip" write 0x01 whatever the byte was, a no-op 1 time in 256.  The
# digests prove the file really changed.
flip_byte() {
	local b before
	b=$(command od -An -tx1 -j "$2" -N1 "$1" | tr -d ' \n')
	[ -n "$b" ] || { echo "# flip_byte: no byte at $2 of $1"; return 1; }
	before=$(sha256sum < "$1")
	printf "\\x$(printf '%02x' $(( 0x$b ^ 0x01 )))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
	[ "$before" != "$(sha256sum < "$1")" ] ||
		{ echo "# flip_byte: $1 unchanged at $2"; return 1; }
}

# store_digest: a digest of every file in the store, to prove nothing moved.
store_digest() {
	(cd "$STORE" && find . -type f | sort | xargs sha256sum)
}

finish() {
	[ "$CHECKS_FAILED" -eq 0 ]
}
