#!/usr/bin/env bash
# A backend that withholds: the owner's witness policy says how old the
# newest checkpoint its witnesses cosigned may be (--max-age); a desk that
# syncs (online) and gets only an older one warns, and says how old.  The
# clocks move with faketime, never by waiting.  When the log does not grow
# the backend has the witness cosign the same checkpoint again, so an
# honest quiet shop does not warn.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq faketime
export FAKETIME_DONT_FAKE_MONOTONIC=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
W="$T/witness"
W_PID=""
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2> /dev/null;
      [ -n "$W_PID" ] && kill "$W_PID" 2> /dev/null; rm -rf "$T"' EXIT

# start_witness [PORT [WRAPPER]]
start_witness() {
	: > "$T/w.out"
	${2:-} "$OD" witness serve --dir "$W" --listen "127.0.0.1:${1:-0}" \
		> "$T/w.out" 2>&1 &
	W_PID=$!
	until_line "listening on" "$T/w.out"
	WPORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
		"$T/w.out")
}
stop_witness() { kill "$W_PID"; wait "$W_PID" 2> /dev/null; W_PID=""; }

# ahead ARGS...: orderdesk on $STORE as the owner, its clock 2 hours on.
ahead() {
	faketime -f +2h "$OD" --store "$STORE" --passphrase-fd 3 "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$OWNER_PASS")
	RC=$?
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
VKEY=$("$ODD" --dir "$BK" key)
WKEY=$("$OD" witness key --dir "$W" --name witness.example/w1)
"$OD" witness add-log --dir "$W" "$VKEY"
start_witness
echo "witness = $WKEY https://127.0.0.1:$WPORT $W/ca.pem" \
	>> "$BK/orderdeskd.conf"
start_backend
new_shop
jq '.[0:7]' "$SAMPLE" > "$T/seven.json"
od "$OWNER_PASS" import "$T/seven.json"
od "$OWNER_PASS" witness policy --add "$WKEY" --quorum 1 --max-age 59
expect_fail "a max-age under a minute is refused" 5 \
	"max-age: must be 60 to 2592000 seconds"
od "$OWNER_PASS" witness policy --add "$WKEY" --quorum 1 --max-age 3600
expect_ok "the owner signs a policy with a max-age of an hour"
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
# 9 entries, then the shop.log-key the owner's desk names and sends (10)
expect_ok "the desk syncs: the checkpoint of 10 is cosigned"
check "a freshly cosigned checkpoint: no warning" \
	test -z "$(grep Warning "$T/out")"

# --- the witness is gone; two hours later the desk still gets the old one --
stop_witness
ahead sync
expect_ok "two hours on, the sync itself succeeds"
check "but it warns that the newest cosigned checkpoint is 2 hours old" \
	grep -q "^Warning: the newest checkpoint the shop's witnesses cosigned (10 entries) is 2 hours old, over the policy's 60 minutes: the backend may be withholding entries" "$T/out"

# --- an honest quiet shop: the backend has it cosigned again -----------------
FT_LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2> /dev/null | head -1)
printf '#!/bin/sh\nLD_PRELOAD="%s" FAKETIME=+2h exec "$@"\n' "$FT_LIB" \
	> "$T/later"
chmod 700 "$T/later"
stop_backend
start_witness "$WPORT" "$T/later"
printf '#!/bin/sh\nLD_PRELOAD="%s" FAKETIME=+2h exec "%s" "$@"\n' \
	"$FT_LIB" "$ODD" > "$T/odd-later"
chmod 700 "$T/odd-later"
REAL_ODD=$ODD
ODD="$T/odd-later"
start_backend "$BK" "$PORT"
ODD=$REAL_ODD
ahead sync
expect_ok "with everyone two hours on and the witness back, the desk syncs"
check "no warning: the same checkpoint of 10 was cosigned again, lately" \
	test -z "$(grep Warning "$T/out")"
finish
