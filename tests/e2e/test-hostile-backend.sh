#!/usr/bin/env bash
# A backend that turns against its desks, on 127.0.0.1: one that starts
# signing its heads with another key is refused (the key a desk first
# verified is kept in its store); receipts that say "accepted" beyond the
# signed head (tests/tools/od-evil drops the push) stop the sync and leave
# the statements waiting for an honest backend; what a killed join left
# behind does not spend the next code; log entries past the head that
# came with them are not taken; a bundle for a storefront (whose key the
# backend holds) makes no slot on a desk.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend

STORE="$T/a"
new_shop
od "$OWNER_PASS" import "$SAMPLE"
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_ok "the desk attaches and pushes the shop"
od "$OWNER_PASS" sync
expect_ok "and syncs again with the same head key"

# --- the backend's head key changes: the desk must stop --------------------
kill "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
SRV_PID=""
OLD_SEED=$(sed -n 's/^sign: //p' "$BK/backend.key")
NEW_SEED=$(head -c 32 /dev/urandom | command od -An -tx1 -v | tr -d ' \n')
sed -i "s/^sign: .*/sign: $NEW_SEED/" "$BK/backend.key"
start_backend "$BK" "$PORT"
od "$OWNER_PASS" confirm 1001
od "$OWNER_PASS" sync
expect_fail "a head signed with another key stops the sync" 6 \
	"signs with another key"

# --- receipts say "accepted" for what the backend dropped ----------------
# evil DIR MODE: od-evil in place of orderdeskd on the same port.
evil() {
	kill "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	: > "$T/evil.out"
	"$TOOLS/od-evil" "$1" "$2" "$PORT" > "$T/evil.out" 2> "$T/evil.err" &
	SRV_PID=$!
	until_line "evil listening" "$T/evil.out"
}
sed -i "s/^sign: .*/sign: $OLD_SEED/" "$BK/backend.key"
evil "$BK" drop
od "$OWNER_PASS" confirm 1003
od "$OWNER_PASS" sync
expect_fail "receipts beyond the backend's signed head stop the sync" 6 \
	"receipts.*signed head"
od "$OWNER_PASS" sync
expect_fail "and the next sync still does not take them as landed" 6 \
	"receipts.*signed head"
kill "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
start_backend "$BK" "$PORT"
od "$OWNER_PASS" sync
expect_ok "the honest backend then gets the statements"
check "both of them" grep -q "pushed 2," "$T/out"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "and its log verifies" test $? -eq 0

# --- a refusal whose reason would drive the person's terminal -------------
evil "$BK" escape
od "$OWNER_PASS" confirm 1004
od "$OWNER_PASS" sync
expect_ok "a sync whose statement the backend refuses still ends"
check "the conflict is shown" grep -q "^conflict: order 1004" "$T/out"
check "without a control character from the backend" \
	bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/out' '$T/err'"
od "$OWNER_PASS" conflicts
check "nor in orderdesk conflicts" \
	bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/out' '$T/err'"
od "$OWNER_PASS" desk invite
expect_fail "an invite answered with a code that is no code is refused" 5 \
	"answer to the invite is not the expected JSON"
check "and nothing of it is printed" \
	bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' '$T/out' '$T/err'"
kill "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
start_backend "$BK" "$PORT"

# --- a join killed after its code was spent left DIR/.join behind ---------
C="$T/c"
mkdir -p "$C/.join"
echo "left by a killed join" > "$C/.join/ca.pem"
CODE=$("$ODD" --dir "$BK" code | sed -n 's/^join code: *//p')
"$OD" --store "$C" init --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--code "$CODE" > "$T/out" 2> "$T/err"
RC=$?
expect_ok "a join over what a killed join left behind succeeds"
check "and leaves no temporary files" test ! -e "$C/.join"

# --- log pages that run past the signed head they carry --------------------
# entries STORE: how many entries the store's log holds.
entries() {
	STORE="$1" od "$OWNER_PASS" log --format json
	jq length "$T/out"
}
evil "$BK" stale
STORE="$T/a" od "$OWNER_PASS" confirm 1007
STORE="$T/a" od "$OWNER_PASS" sync
expect_ok "desk A pushes through the stale backend"
STORE="$C" od "$OWNER_PASS" sync
expect_ok "desk C pulls once (that page's head is the one kept)"
C_BEFORE=$(entries "$C")
STORE="$T/a" od "$OWNER_PASS" confirm 1008
STORE="$T/a" od "$OWNER_PASS" confirm 1009
STORE="$T/a" od "$OWNER_PASS" sync
STORE="$C" od "$OWNER_PASS" sync
expect_fail "entries past the page's signed head stop the sync" 6 \
	"beyond its signed head"
check "and none of them entered desk C's log" \
	test "$(entries "$C")" = "$C_BEFORE"
kill "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
start_backend "$BK" "$PORT"
STORE="$C" od "$OWNER_PASS" sync
expect_ok "the honest backend then brings them"
check "both" grep -q "pulled 2;" "$T/out"

# --- a bundle for a storefront, signed with the key the backend holds -----
"$ODD" --dir "$BK" storefront add web > "$T/sf.out" 2>&1
SFKEY=$(sed -n 's/.*--approve-storefront web --key \(.*\)$/\1/p' "$T/sf.out")
STORE="$T/a" od "$OWNER_PASS" sync --approve-storefront web --key "$SFKEY"
expect_ok "the owner approves storefront web"
evil "$BK" sfbundle
STORE="$C" od "$OWNER_PASS" sync
expect_ok "desk C syncs with a backend that offers a bundle for web"
"$OD" --store "$C" --user web --passphrase-fd 3 list > "$T/out" 2> "$T/err" \
	3< <(printf '%s\n' "evil passphrase")
check "nobody signs in at desk C as the storefront with the backend's passphrase" \
	test $? -ne 0

finish
