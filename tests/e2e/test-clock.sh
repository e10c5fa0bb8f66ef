#!/usr/bin/env bash
# Clocks, with the real binaries under faketime: a desk whose clock runs
# years ahead has its statement refused by the backend (the receipt says
# why) while the other desks go on; a desk whose clock is behind the log
# signs nothing and says so; and a shop frozen by a future-dated entry the
# backend once took (its own clock ahead) comes back with the owner's
# `clock reset`, after which notes and a revoke land and both sides verify.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools faketime certtool

BOB_PASS="bob passphrase here"
export ORDERDESK_USER=owner
# Only the wall clock moves: timeouts keep the real monotonic clock.
export FAKETIME_DONT_FAKE_MONOTONIC=1
# Under the sanitizer build libfaketime is preloaded ahead of ASan's
# runtime, which ASan refuses unless told that it is expected.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
A="$T/a"
B="$T/b"

# attach BUNDLE: the desk in $STORE attaches with a bundle and syncs.
attach() {
	od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
		--ca "$1/ca.pem" --cert "$1/desk.pem" --key "$1/desk.key"
}

# ahead OFFSET ARGS...: orderdesk on $STORE as bob, its clock moved.
ahead() {
	local off=$1
	shift
	faketime -f "$off" "$OD" --store "$STORE" --passphrase-fd 3 \
		--user bob "$@" > "$T/out" 2> "$T/err" \
		3< <(printf '%s\n' "$BOB_PASS")
	RC=$?
}

# entries: how many entries the log of $STORE has.
entries() {
	od "$OWNER_PASS" log --format json
	jq length "$T/out"
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend

STORE="$A"
new_shop
od "$OWNER_PASS" import "$SAMPLE"
od "$OWNER_PASS" user add bob --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "$BOB_PASS")
attach "$BK/join"
expect_ok "desk A attaches and pushes the shop"
od "$OWNER_PASS" backup "$T/a.bak"
STORE="$B"
od_as owner "$OWNER_PASS" restore "$T/a.bak"
attach "$BK/desks/desk-b"
expect_ok "desk B (bob's) attaches"

check "faketime moves the clock" test "$(faketime -f +3650d date -u +%Y)" \
	-gt "$(date -u +%Y)"

# --- (a) a desk ten years ahead: the backend refuses, the others go on ----
ahead +3650d note 1001 "from the future"
expect_ok "desk B, ten years ahead, signs a note (its own log is behind)"
od_as bob "$BOB_PASS" sync
expect_ok "desk B syncs; the refusal is a conflict, not a failure"
check "the backend's reason says how far ahead and what to fix" \
	grep -q "dated 3650 days ahead of the backend's clock; fix the desk's clock" \
	"$T/out"
STORE="$A" od "$OWNER_PASS" note 1001 "from today"
expect_ok "desk A signs a note"
STORE="$A" od "$OWNER_PASS" sync
expect_ok "and the backend takes it: the shop is not frozen"
check "A pushed its note" grep -q "pushed 1" "$T/out"
od_as bob "$BOB_PASS" sync
od_as bob "$BOB_PASS" note 1002 "clock fixed"
od_as bob "$BOB_PASS" sync
check "desk B, its clock right again, signs and pushes" \
	grep -q "pushed 1" "$T/out"

# --- (b) a desk whose clock is behind the log refuses to sign -------------
STORE="$A"
od "$OWNER_PASS" sync
before=$(entries)
STORE="$A" ahead -3650d note 1001 "from the past"
expect_fail "a desk ten years behind the log refuses to sign, in one line" \
	4 "this computer's clock is behind the shop's log by 3650 days; fix the clock"
check "and wrote nothing" test "$(entries)" = "$before"

# --- (c) a shop frozen by an entry the backend took with its clock ahead --
stop_backend
start_backend_ahead +400d "$BK" "$PORT"
check "the backend serves with its clock 400 days ahead" test -n "$PORT"
STORE="$B"
ahead +400d note 1003 "dated with the backend's clock"
od_as bob "$BOB_PASS" sync
check "a backend whose own clock is ahead takes a future-dated note" \
	grep -q "pushed 1" "$T/out"
stop_backend
start_backend "$BK" "$PORT"
check "the backend serves at the real time again" test -n "$PORT"

STORE="$A"
od "$OWNER_PASS" sync
expect_ok "desk A pulls the future-dated entry (a replay has no clock bound)"
od "$OWNER_PASS" note 1004 "frozen?"
expect_fail "frozen: desk A refuses to sign, and says the log is ahead" 4 \
	"clock is behind the shop's log by 400 days"
od "$OWNER_PASS" user revoke bob
expect_fail "frozen: even the owner's revoke is refused" 4 \
	"clock is behind the shop's log by 400 days"
STORE="$B" od_as bob "$BOB_PASS" note 1004 "frozen?"
expect_fail "frozen: desk B refuses too" 4 "behind the shop's log by 400 days"

od_as bob "$BOB_PASS" clock reset
expect_fail "only an owner may reset the clock" 4 "only an owner"
od "$OWNER_PASS" clock reset
expect_ok "the owner resets the shop's clock"
check "and says which entry was ahead" grep -q "Reset the shop's clock: entry" \
	"$T/out"
od "$OWNER_PASS" clock reset
expect_fail "a second reset has nothing to reset" 4 "nothing to reset"
od "$OWNER_PASS" log
check "the log shows the owner's shop.clock" grep -q "shop.clock.*owner" \
	"$T/out"
od "$OWNER_PASS" note 1004 "back to work"
expect_ok "desk A signs a note again"
od "$OWNER_PASS" sync
check "and the backend takes it" grep -q "pushed 1" "$T/out"
STORE="$B" od_as bob "$BOB_PASS" sync
STORE="$B" od_as bob "$BOB_PASS" note 1005 "me too"
STORE="$B" od_as bob "$BOB_PASS" sync
check "desk B pulls the reset and signs again" grep -q "pushed 1" "$T/out"
od "$OWNER_PASS" sync
od "$OWNER_PASS" user revoke bob
expect_ok "the owner's revoke is signed"
od "$OWNER_PASS" sync
check "and the backend takes it" grep -q "pushed 1" "$T/out"

od "$OWNER_PASS" audit verify
expect_ok "audit verify passes on desk A"
STORE="$B" od "$OWNER_PASS" sync
STORE="$B" od "$OWNER_PASS" audit verify
expect_ok "audit verify passes on desk B"
stop_backend
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify passes on the backend" grep -q "^Verified" \
	"$T/verify.out"
finish
