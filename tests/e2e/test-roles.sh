#!/usr/bin/env bash
# Custom roles with the real binaries: the owner defines a packer in the
# log, adds one, and the packer may ship and note but not confirm or refund;
# names and permissions that cannot be are refused with one line; a role
# redefined later changes what comes after only (audit verify replays
# each statement against the role as it was then); a role.define's
# signature checked by openssl; and a backend that refuses a refund by a
# packer, pushed by a desk whose store was doctored to let packers refund.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq openssl
PAT_PASS="pat's own passphrase"

new_shop
# own ARGS...: orderdesk as the owner; pat ARGS...: as pat, a packer.
pat() { od_as pat "$PAT_PASS" "$@"; }
own import "$SAMPLE"
expect_ok "the sample orders import"

# --- defining a role ---------------------------------------------------------
own role add staff --may ship
expect_fail "a role may not shadow a built-in one" 2 \
	"staff is a built-in role and cannot be redefined; choose another name"
own role add packer --may ship,fly
expect_fail "a permission that does not exist is refused, with the list" 2 \
	'no permission "fly"; use place, confirm, .* return.accept-wrong-item'
own role add packer --may ship,ship
expect_fail "a permission given twice is refused" 2 "ship is given twice"
own user add pat --role packer --new-passphrase-fd 4 4< <(echo "$PAT_PASS")
expect_fail "a person cannot be given a role not yet defined" 4 \
	"no role packer in this shop; define it first with \`orderdesk role add\`"
own role add packer --may ship,deliver,note,return.receive
expect_ok "the owner defines a packer"
check "role add says what it signed" grep -q \
	"^Role packer may ship,deliver,note,return.receive, signed by owner" "$T/out"
own role list
check "role list shows the built-in roles and the packer" bash -c "
	grep -q '^staff  ' '$T/out' &&
	grep -Eq '^packer +ship,deliver,note,return.receive\$' '$T/out'"
own user add pat --role packer --new-passphrase-fd 4 4< <(echo "$PAT_PASS")
expect_ok "the owner adds a packer"
own user list
check "user list shows pat as packer" grep -Eq '^pat +packer +active' "$T/out"

# --- what a packer may do -----------------------------------------------------
pat confirm 1001
expect_fail "a packer may not confirm" 4 \
	"pat is packer and may not confirm orders; ask a shopkeeper or the owner"
own confirm 1001
pat note 1001 "fragile, wrap twice"
expect_ok "a packer notes"
pat ship 1001 --carrier DHL --tracking DHL-1
expect_ok "a packer ships"
own pay 1001 --amount 162.84
pat refund 1001 --amount 1.00 --reason x
expect_fail "a packer may not refund" 4 \
	"pat is packer and may not refund money; ask the owner"
pat role add picker --may ship
expect_fail "a packer may not define roles" 4 \
	"pat is packer and may not define roles; ask the owner"

# --- redefined: what came before stays valid ------------------------------------
own role add packer --may ship,deliver
expect_ok "the owner takes notes away from packers"
pat note 1001 "again"
expect_fail "a packer now may not note" 4 "pat is packer and may not add notes"
own audit verify
expect_ok "audit verify replays pat's earlier note against the role as it was"

# --- returns: a refund with the close, the owner's unless a role is given it -----
RAY_PASS="ray's own passphrase"
ray() { od_as ray "$RAY_PASS" "$@"; }
own role add returns --may return.open,return.receive,return.close
own user add ray --role returns --new-passphrase-fd 4 4< <(echo "$RAY_PASS")
ray return open 1001 --item BAG-070:1 --reason torn
ray return receive 1001-R1 --item BAG-070:1 --condition ok
expect_ok "a returns clerk opens and receives a return"
ray return close 1001-R1 --accept --refund 20.24
expect_fail "without refund the close and its refund are refused together" 4 \
	"ray is returns and may not refund money; ask the owner"
own show 1001
check "neither landed: the return is still received, nothing refunded" bash -c "
	grep -q '^  1001-R1 (entry [0-9]*) received' '$T/out' &&
	grep -q '^Payment   paid: 162.84 EUR paid, 0.00 EUR refunded' '$T/out'"
own role add returns --may return.open,return.receive,return.close,refund
ray return close 1001-R1 --accept --refund 200.00
expect_fail "never more than paid and not yet refunded" 4 \
	"refund of 200.00 EUR refused: 162.84 paid, 0.00 refunded, 162.84 left"
ray return close 1001-R1 --accept --refund 20.24
expect_ok "given refunds, the clerk accepts and refunds in one step"
check "it says both, the refund tied to the return" bash -c "
	grep -q '^Return 1001-R1 closed, signed by ray' '$T/out' &&
	grep -q '^Order 1001: 20.24 EUR refunded for return 1001-R1' '$T/out'"
own return close 1001-R1 --refund 1
expect_fail "--refund goes with --accept only" 2 "usage"

# --- a role.define's signature, checked by openssl ------------------------------
own user key owner
cp "$T/out" "$T/owner.pem"
own log --export "$T/export"
def=$(grep -l '^role: packer$' "$T"/export/*.statement | head -1)
check "the role.define is in the export" bash -c "
	test -n '$def' && grep -q '^kind: role.define\$' '$def' &&
	grep -q '^may: return.receive\$' '$def'"
check "openssl verifies it with the owner's key" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/owner.pem" \
	-rawin -in "$def" -sigfile "${def%.statement}.sig"
sed 's/^may: ship$/may: refund/' "$def" > "$T/altered.statement"
check "openssl refuses it given refund instead of ship" bash -c \
	"! cmp -s '$def' '$T/altered.statement' &&
	! openssl pkeyutl -verify -pubin -inkey '$T/owner.pem' -rawin \
	-in '$T/altered.statement' -sigfile '${def%.statement}.sig' > /dev/null 2>&1"

# --- the backend refuses what the desk refuses ------------------------------------
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
attach_desk "$PORT" join
expect_ok "the desk attaches and pushes its log"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify replays the roles" \
	grep -q "Verified .* log entries" "$T/verify.out"
# An insider with the passphrase doctors the desk's store: packers refund.
"$TOOLS/od-tamper" "$STORE" owner \
	"UPDATE meta SET value = 'packer ship,deliver,refund' || char(10) WHERE key = 'roles'" \
	<<< "$OWNER_PASS" > /dev/null
pat refund 1001 --amount 1.00 --reason "forged"
expect_ok "the doctored desk lets pat sign a refund"
own log --format json
jq -c '{statements: [.[-1] | {statement, signature}]}' "$T/out" > "$T/forged.json"
CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" -H 'Content-Type: application/json' \
	--data-binary "@$T/forged.json" \
	"https://127.0.0.1:$PORT/v1/statements" 2> "$T/curl.err")
check "the backend refuses the packer's refund, as the role was defined" bash -c "
	test '$CODE' = 200 &&
	test \"\$(jq -r '.receipts[0].result' '$T/resp')\" = refused &&
	jq -r '.receipts[0].reason' '$T/resp' |
	grep -q 'pat is packer and may not refund money; ask the owner'"
own audit verify
expect_fail "the doctored desk's own audit refuses the refund" 6 \
	"pat is packer and may not refund money"
stop_backend

exit $((CHECKS_FAILED > 0))
