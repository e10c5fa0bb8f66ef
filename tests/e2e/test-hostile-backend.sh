#!/usr/bin/env bash
# A backend that turns against its desks, on 127.0.0.1: one that starts
# signing its heads with another key is refused (the key a desk first
# verified is kept in its store); what a killed join left behind does not
# spend the next code.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend

STORE="$T/a"
new_shop
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
od "$OWNER_PASS" confirm 1001 2> /dev/null || true
od "$OWNER_PASS" sync
expect_fail "a head signed with another key stops the sync" 6 \
	"signs with another key"

# --- a join killed after its code was spent left DIR/.join behind ---------
kill "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
SRV_PID=""
sed -i "s/^sign: .*/sign: $OLD_SEED/" "$BK/backend.key"
start_backend "$BK" "$PORT"
C="$T/c"
mkdir -p "$C/.join"
echo "left by a killed join" > "$C/.join/ca.pem"
CODE=$("$ODD" --dir "$BK" code | sed -n 's/^join code: *//p')
"$OD" --store "$C" init --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--code "$CODE" > "$T/out" 2> "$T/err"
RC=$?
expect_ok "a join over what a killed join left behind succeeds"
check "and leaves no temporary files" test ! -e "$C/.join"

finish
