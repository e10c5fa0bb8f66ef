#!/usr/bin/env bash
# A key on a token at the desk's screens (issue 15): mei, whose signing key
# is on a SoftHSM2 token (token-lib.sh), confirms an order at 80x24.  After
# the sign dialog's y the desk asks her token's PIN in a field that shows
# nothing typed; a wrong PIN says so in one line and signs nothing, Esc
# signs nothing, the right PIN signs, and what the token signed passes
# `audit verify`.  The PIN is never on the screen nor in the store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"
. "$(dirname "$0")/token-lib.sh"

MEI_PASS="mei passphrase 1"
MEI_URI="pkcs11:token=shop;object=mei"
token_keygen mei 01
check "pkcs11-tool made mei's key on the token" grep -q "EC_PARAMS" "$T/gen.out"

new_shop
"$OD" --store "$STORE" --passphrase-fd 3 user add mei --role shopkeeper \
	--key "$MEI_URI" --new-passphrase-fd 4 > "$T/out" 2> "$T/err" \
	3< <(printf '%s\n%s\n' "$OWNER_PASS" "$PIN") 4< <(echo "$MEI_PASS")
RC=$?
expect_ok "the owner adds mei with her key on the token"
od_as owner "$OWNER_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
entries() {
	od_as owner "$OWNER_PASS" log --format json
	jq length "$T/out"
}
before=$(entries)

start_pane
sign_in mei "$MEI_PASS"
screen "mei's desk opens (her passphrase, no PIN yet)" '^ mei \(shopkeeper\) │'

# confirm_1001: c on the first order, then y in the sign dialog.
confirm_1001() {
	tm send-keys g c
	wait_for 'You are about to sign' 10
	tm send-keys y
}

confirm_1001
screen "y asks the token's PIN" 'PIN for token shop'
tm send-keys -l "000000"
wait_for 'PIN for token shop' 5
check "the PIN typed is not shown" bash -c "! grep -q 000000 '$T/pane'"
tm send-keys Enter
screen "a wrong PIN says so in one line" "Not signed: wrong PIN for the token of $MEI_URI"
check "and signs nothing" test "$(entries)" = "$before"

confirm_1001
screen "the PIN is asked again" 'PIN for token shop'
tm send-keys Escape
screen "Esc at the PIN signs nothing, saying so" 'Not signed: no PIN given'
check "nothing is in the log" test "$(entries)" = "$before"
od_as owner "$OWNER_PASS" show 1001
check "1001 is still new" grep -q "^Order 1001 .* new$" "$T/out"

# Marked orders: one PIN for the batch; Esc stops it, asked once.
tm resize-window -x 80 -y 60
tm send-keys g j Space Space
wait_for '2 marked'
tm send-keys c
screen "c on two marked orders shows one dialog" '─ Confirm 2 marked orders '
tm send-keys y
screen "y asks the PIN for the batch" 'PIN for token shop'
tm send-keys Escape
screen "Esc stops the batch, the PIN asked once" \
	'Signed 0 of 2; refused 1: 1002 .*no PIN given'
check "nothing of the batch is in the log" test "$(entries)" = "$before"
tm send-keys u
wait_gone 'marked$'
tm resize-window -x 80 -y 24

confirm_1001
screen "the PIN is asked once more" 'PIN for token shop'
tm send-keys -l "$PIN"
wait_for 'PIN for token shop' 5
check "the right PIN is not shown either" bash -c "! grep -qF $PIN '$T/pane'"
tm send-keys Enter
screen "the right PIN signs" 'Order 1001 confirmed, signed by mei \(log entry [0-9]+\)'
SEQ=$(sed -n 's/.*(log entry \([0-9]*\)).*/\1/p' "$T/pane" | head -1)
check "one entry more in the log" test "$(entries)" = "$((before + 1))"
tm send-keys q
screen "q ends the desk, status 0 (the sanitizers' too)" 'desk exit 0'

od_as owner "$OWNER_PASS" show 1001
check "1001 is confirmed" grep -q "^Order 1001 .* confirmed$" "$T/out"
od_as owner "$OWNER_PASS" audit verify
expect_ok "audit verify takes what the token signed at the desk"
od_as owner "$OWNER_PASS" log --export "$T/export"
check "the confirmation is signed by mei" grep -q "^mei" "$T/export/$SEQ.signer"
check "the PIN is in no file of the store" \
	bash -c "! grep -raqF '$PIN' '$STORE'"

tm kill-server
finish
