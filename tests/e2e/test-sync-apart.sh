#!/usr/bin/env bash
# Two desks on one backend acting while apart: what is still legal lands
# on both, what is not becomes a conflict the person sees, both desks end
# with the same log that verifies; a sync killed with -9 anywhere in a
# rebase leaves a store that verifies and loses nothing; a sync runs while
# another process confirms orders on the same store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools jq certtool

BOB_PASS="bob passphrase here"
export ORDERDESK_USER=owner   # two people: owner unless said

# attach DIR BUNDLE: the desk in $STORE attaches with a bundle and syncs.
attach() {
	od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
		--ca "$2/ca.pem" --cert "$2/desk.pem" --key "$2/desk.key"
}

# log_of STORE FILE: the store's log as JSON.
log_of() {
	STORE="$1" od "$OWNER_PASS" log --format json
	cp "$T/out" "$2"
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend

# --- desk A founds the shop and pushes it; desk B starts from its backup ---
A="$T/a"
B="$T/b"
STORE="$A"
new_shop
od "$OWNER_PASS" import "$SAMPLE"
od "$OWNER_PASS" user add bob --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "$BOB_PASS")
attach "$A" "$BK/join"
expect_ok "desk A attaches and pushes the shop"
od "$OWNER_PASS" backup "$T/a.bak"
STORE="$B"
od_as owner "$OWNER_PASS" restore "$T/a.bak"
attach "$B" "$BK/desks/desk-b"
expect_ok "desk B (from A's backup) attaches"
check "and has nothing to pull or push" grep -q "pushed 0, pulled 0" "$T/out"

# --- apart: A and B act on the same orders and on different ones ----------
STORE="$A" od "$OWNER_PASS" confirm 1001
STORE="$A" od "$OWNER_PASS" cancel 1002 --reason "out of stock"
STORE="$A" od "$OWNER_PASS" confirm 1005
STORE="$B" od_as bob "$BOB_PASS" cancel 1001 --reason "customer asked"
STORE="$B" od_as bob "$BOB_PASS" confirm 1004
STORE="$B" od_as bob "$BOB_PASS" confirm 1002
STORE="$B" od_as bob "$BOB_PASS" note 1006 "signed after the refused one"
check "both desks signed while apart" test "$RC" -eq 0

STORE="$A" od "$OWNER_PASS" sync
expect_ok "A syncs first"
STORE="$B" od_as bob "$BOB_PASS" sync
expect_ok "B syncs after: the sync itself succeeds (status 0)"
cp "$T/out" "$T/b-sync.out"
check "B reports two conflicts, one line each" \
	test "$(grep -c '^conflict: ' "$T/b-sync.out")" -eq 2
check "the confirm of 1002 is refused: cancelled by owner on the backend" \
	grep -q "^conflict: order 1002: order.confirm by bob was refused.*cancelled.*order.cancel by owner" \
	"$T/b-sync.out"
check "the note signed right after it cannot land either, and says why" \
	grep -q "^conflict: order 1006: order.note by bob.*signed right after order.confirm of order 1002" \
	"$T/b-sync.out"

STORE="$B" od "$OWNER_PASS" show 1002
check "B's order table shows the backend's truth: 1002 cancelled" \
	grep -qi "cancelled" "$T/out"
STORE="$B" od "$OWNER_PASS" show 1001
check "B's cancel of 1001 (confirmed, then cancelled: legal) landed" \
	grep -qi "cancelled" "$T/out"
STORE="$B" od "$OWNER_PASS" list --status confirmed --format csv
check "independent confirms by A (1005) and B (1004) both landed on B" \
	bash -c "grep -q '^1004,' '$T/out' && grep -q '^1005,' '$T/out'"

STORE="$B" od "$OWNER_PASS" conflicts --format json
check "orderdesk conflicts --format json lists both, new, with the text" \
	test "$(jq '[.[] | select(.new and .refused_by != null and
		(.statement | startswith("orderdesk-statement/1")))] | length' \
		"$T/out")" -eq 2 -a \
	"$(jq -r '.[0].order + " " + .[0].kind + " " + .[0].actor' \
		"$T/out")" = "1002 order.confirm bob"
STORE="$B" od "$OWNER_PASS" conflicts --ack
check "conflicts --ack prints them once more" \
	test "$(grep -c 'conflict: ' "$T/out")" -eq 2
STORE="$B" od "$OWNER_PASS" conflicts
check "and afterwards they are no longer new" \
	bash -c "! grep -q '(new)' '$T/out' && grep -q 'order 1002' '$T/out'"
STORE="$A" od "$OWNER_PASS" conflicts
check "A has no conflicts" grep -q "No conflicts" "$T/out"

STORE="$A" od "$OWNER_PASS" sync
expect_ok "A syncs again and pulls B's statements"
log_of "$A" "$T/a.log"
log_of "$B" "$T/b.log"
check "both desks end with identical logs" \
	bash -c "[ \$(jq length '$T/a.log') -gt 300 ] &&
		cmp -s '$T/a.log' '$T/b.log'"
check "B's refused statements are in neither log" \
	bash -c "! grep -q 'signed after the refused one' '$T/a.log'"
STORE="$A" od "$OWNER_PASS" audit verify
expect_ok "audit verify passes on A"
STORE="$B" od "$OWNER_PASS" audit verify
expect_ok "audit verify passes on B"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "the backend's log verifies, with as many entries as the desks'" \
	grep -q "Verified $(jq length "$T/a.log") log entries" "$T/verify.out"

# --- a sync while another process confirms orders on the same store ------
STORE="$A" od "$OWNER_PASS" confirm $(seq 1010 1099)
STORE="$A" od "$OWNER_PASS" sync
"$OD" --store "$B" --passphrase-fd 3 sync > "$T/bg.out" 2> "$T/bg.err" \
	3< <(printf '%s\n' "$OWNER_PASS") &
bg=$!
failed=0
for n in $(seq 1100 1129); do
	STORE="$B" od "$OWNER_PASS" confirm "$n"
	[ "$RC" -eq 0 ] || failed=$((failed + 1))
done
wait "$bg"
bg_rc=$?
check "a sync and 30 confirms by another process on the same store all succeed" \
	test "$bg_rc" -eq 0 -a "$failed" -eq 0
STORE="$B" od "$OWNER_PASS" sync
STORE="$A" od "$OWNER_PASS" sync
log_of "$A" "$T/a.log"
log_of "$B" "$T/b.log"
check "after that both desks hold the same log, with every confirm" \
	bash -c "cmp -s '$T/a.log' '$T/b.log' &&
		[ \$(jq '[.[] | select(.statement | test(\"kind: order.confirm\"))] | length' '$T/a.log') -ge 122 ]"
STORE="$B" od "$OWNER_PASS" audit verify
expect_ok "B verifies after syncing beside another writer"

# --- kill -9 during a rebase: the store verifies and nothing is lost -------
STORE="$A" od "$OWNER_PASS" confirm $(seq 1130 1210)
STORE="$A" od "$OWNER_PASS" sync
STORE="$B" od "$OWNER_PASS" confirm $(seq 1211 1290)
for delay in 0.05 0.2 0.4 0.7; do
	"$OD" --store "$B" --passphrase-fd 3 sync > /dev/null 2>&1 \
		3< <(printf '%s\n' "$OWNER_PASS") &
	victim=$!
	sleep "$delay"
	kill -9 "$victim" 2> /dev/null
	wait "$victim" 2> /dev/null
	STORE="$B" od "$OWNER_PASS" audit verify
	[ "$RC" -eq 0 ] || not_ok "B verifies after kill -9 at ${delay}s ($(cat "$T/err"))"
done
STORE="$B" od "$OWNER_PASS" audit verify
expect_ok "B's store verifies after four syncs killed with -9"
STORE="$B" od "$OWNER_PASS" sync
expect_ok "the next sync finishes"
STORE="$A" od "$OWNER_PASS" sync
log_of "$A" "$T/a.log"
log_of "$B" "$T/b.log"
check "nothing lost or applied twice: both logs equal, all 161 confirms in" \
	bash -c "cmp -s '$T/a.log' '$T/b.log' &&
		[ \$(jq '[.[] | select(.statement | test(\"kind: order.confirm\"))] | length' '$T/a.log') -ge 283 ] &&
		[ \$(jq '[.[].statement | capture(\"id: (?<i>[0-9a-f]+)\").i] | unique | length' '$T/a.log') -eq \$(jq length '$T/a.log') ]"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "and the backend verifies" \
	grep -q "Verified $(jq length "$T/a.log") log entries" "$T/verify.out"
STORE="$B" od "$OWNER_PASS" conflicts --format json
check "the kills made no conflicts" test "$(jq length "$T/out")" -eq 2

finish
