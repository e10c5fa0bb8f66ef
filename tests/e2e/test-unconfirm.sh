#!/usr/bin/env bash
# test-unconfirm.sh - `orderdesk unconfirm`: a confirmation taken back as a
# signed order.unconfirm that openssl checks, the log keeping both; refused
# for a new order, after a parcel, once cancelled, too late and for staff,
# each in one line with status 4 and nothing written; the backend takes one
# in time and replays it, and refuses one that reaches it too late by its
# own clock (a desk whose clock runs behind cannot stretch the window),
# which the desk then sets aside as a conflict.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools faketime certtool openssl jq

SAM_PASS="sam passphrase here"
export ORDERDESK_USER=owner
export FAKETIME_DONT_FAKE_MONOTONIC=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# entries: how many entries the log of $STORE has.
entries() {
	od "$OWNER_PASS" log --format json
	jq length "$T/out"
}

# status_of NUMBER: the order's status, as `list --format json` says it.
status_of() {
	od "$OWNER_PASS" list --status all --format json
	jq -r --arg n "$1" '.[] | select(.number == $n) | .status' "$T/out"
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend
new_shop
# Eight orders are enough, and keep each sync short.
jq '.[:8]' "$SAMPLE" > "$T/orders.json"
od "$OWNER_PASS" import "$T/orders.json"
od "$OWNER_PASS" user add sam --role staff --new-passphrase-fd 4 \
	4< <(echo "$SAM_PASS")
attach_desk "$PORT" join
expect_ok "the desk attaches to the backend"

# --- taken back in time: new again, both statements in the log ------------
od "$OWNER_PASS" confirm 1001
od "$OWNER_PASS" unconfirm 1001
expect_ok "a confirmation is taken back at once"
check "it says the order is new again" \
	grep -q "Order 1001 unconfirmed: new again" "$T/out"
check "order 1001 is new" test "$(status_of 1001)" = new
od "$OWNER_PASS" log --order 1001 --format json
check "the log keeps the confirmation and the unconfirm after it" \
	test "$(jq -r '[.[].kind] | join(" ")' "$T/out")" = \
	"order.placed order.confirm order.unconfirm"
confirm_id=$(jq -r '.[1].statement' "$T/out" | sed -n 's/^id: //p')
seq=$(jq -r '.[2].seq' "$T/out")
od "$OWNER_PASS" log --export "$T/export"
od "$OWNER_PASS" user key owner
cp "$T/out" "$T/owner.pem"
check "the unconfirm names the confirmation it takes back" \
	grep -qx "undoes: $confirm_id" "$T/export/$seq.statement"
check "openssl checks the unconfirm's signature with the owner's key" \
	openssl pkeyutl -verify -pubin -inkey "$T/owner.pem" -rawin \
	-in "$T/export/$seq.statement" -sigfile "$T/export/$seq.sig" \
	-out /dev/null
printf 'X' >> "$T/export/$seq.statement"
check "and not of a statement one byte longer" \
	bash -c '! "$@" > /dev/null 2>&1' _ openssl pkeyutl -verify -pubin \
	-inkey "$T/owner.pem" -rawin -in "$T/export/$seq.statement" \
	-sigfile "$T/export/$seq.sig"
od "$OWNER_PASS" confirm 1001
expect_ok "the order can be confirmed again"
od "$OWNER_PASS" sync
check "the backend takes the confirmation, its undo and the new one" \
	grep -q "pushed 3" "$T/out"

# --- refusals: one line, status 4, nothing written -------------------------
before=$(entries)
od "$OWNER_PASS" unconfirm 1002
expect_fail "a new order has no confirmation to take back" 4 \
	"order 1002 was never confirmed"
od "$OWNER_PASS" confirm 1003
od "$OWNER_PASS" ship 1003 --carrier DHL --tracking JD1 --item SOAP-080:1
od "$OWNER_PASS" unconfirm 1003
expect_fail "refused once a parcel shipped" 4 \
	"order 1003 has shipped parcels; its confirmation cannot be taken back"
od "$OWNER_PASS" confirm 1004
od "$OWNER_PASS" cancel 1004 --reason "customer asked"
od "$OWNER_PASS" unconfirm 1004
expect_fail "refused once cancelled" 4 "order 1004 is cancelled"
od "$OWNER_PASS" confirm 1005
"$OD" --store "$STORE" --passphrase-fd 3 --user sam unconfirm 1005 \
	> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$SAM_PASS")
RC=$?
expect_fail "refused to staff, who may not confirm" 4 \
	"sam is staff and may not take back confirmations"
faketime -f +11m "$OD" --store "$STORE" --passphrase-fd 3 unconfirm 1005 \
	> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$OWNER_PASS")
RC=$?
expect_fail "refused eleven minutes after the confirmation" 4 \
	"was confirmed 11 minutes before this; the limit is 10: cancel or hold it instead"
od "$OWNER_PASS" unconfirm
expect_fail "no number is a usage error" 2 "usage: orderdesk unconfirm NUMBER"
check "the refusals wrote nothing (6 entries: 3 confirms, ship, cancel)" \
	test "$(entries)" = $((before + 5))

# --- the backend refuses what a desk that knew would refuse -----------------
od "$OWNER_PASS" sync
second_desk "$T/b"
STORE="$T/b" attach_desk "$PORT" desk-b
expect_ok "a second desk attaches"
od "$OWNER_PASS" confirm 1007
od "$OWNER_PASS" sync
STORE="$T/b" od "$OWNER_PASS" sync
od "$OWNER_PASS" ship 1007 --carrier DHL --tracking JD7 --item GIN-021:1
od "$OWNER_PASS" sync
check "desk A ships a parcel of 1007 and syncs" grep -q "pushed 1" "$T/out"
STORE="$T/b" od "$OWNER_PASS" unconfirm 1007
expect_ok "desk B, not synced since, takes 1007's confirmation back"
STORE="$T/b" od "$OWNER_PASS" sync
check "the backend refuses it as desk A's fold would: a parcel left" \
	grep -q "conflict: order 1007: order.unconfirm by owner was refused (by the backend): order 1007 has shipped parcels" \
	"$T/out"

# --- the backend's own clock: too late there is too late ------------------
stop_backend
# The backend's clock 20 minutes ahead: as if this desk, its clock 20
# minutes behind, had signed the undo offline and synced it now.
start_backend_ahead +20m "$BK" "$PORT"
check "the backend serves with its clock 20 minutes ahead" test -n "$PORT"
od "$OWNER_PASS" confirm 1006
od "$OWNER_PASS" sync
check "it takes a confirmation" grep -q "pushed 1" "$T/out"
od "$OWNER_PASS" unconfirm 1006
expect_ok "the desk, by its own clock in time, takes it back"
od "$OWNER_PASS" sync
expect_ok "sync sets the refused undo aside, status 0"
check "the conflict says the backend's clock found it too late" \
	grep -q "conflict: order 1006: order.unconfirm by owner was refused (by the backend): .*by the backend's clock; it must arrive within 15 minutes" \
	"$T/out"
check "order 1006 stays confirmed, as the backend says" \
	test "$(status_of 1006)" = confirmed
stop_backend
"$ODD" --dir "$BK" verify > "$T/out" 2>&1
check "orderdeskd verify replays the backend's log with the unconfirm" \
	grep -qi "verified\|ok" "$T/out"
od "$OWNER_PASS" audit verify
expect_ok "audit verify replays the desk's log"
finish
