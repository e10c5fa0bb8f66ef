#!/usr/bin/env bash
# A dead backend is not a dead shop: a backend restored from an older
# backup lacks what it accepted after it; the desks still hold those
# entries and push them again (app/sync/sync-repush.h), each judged as when
# it first came, until the backend holds everything again, hash for hash.
# Two desks: B holds mei's confirm, A that and its own; each sends what it
# holds.  A backend whose log is not a prefix of the desk's (another entry
# where the desk has its own) is still refused as a fork, nothing changed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq
MEI_PASS="mei passphrase 1"
A="$T/desk-a"
B="$T/desk-b"

# hashes: every entry's hash on the backend at $PORT, a line each.
hashes() {
	curl -sS --max-time 10 --cacert "$BK/ca.pem" --pinnedpubkey "$PIN" \
		--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
		"https://127.0.0.1:$PORT/v1/log?after=0&limit=1000" |
		jq -r '.entries[].hash'
}

# restore_from FILE: the backend replaced by FILE's, on the same port.
restore_from() {
	local port=$PORT
	stop_backend
	rm -rf "$BK"
	"$ODD" --dir "$BK" restore --key "$T/kept.key" "$1" > /dev/null 2>&1
	start_backend "$BK" "$port"
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
cp "$BK/backend.key" "$T/kept.key"
"$ODD" --dir "$BK" desk add desk-b > /dev/null
start_backend
STORE="$A"
new_shop
od "$OWNER_PASS" import "$SAMPLE"
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "$MEI_PASS")
attach_desk "$PORT" join
expect_ok "desk A attaches and pushes the shop"
second_desk "$B"
STORE="$B"
attach_desk "$PORT" desk-b
expect_ok "desk B (a copy) attaches"

# --- the backup, then more accepted, by two signers on two desks ----------
"$ODD" --dir "$BK" backup "$T/old.bak" > /dev/null 2>&1
old=$(hashes | wc -l)
STORE="$B" od_as mei "$MEI_PASS" confirm 1001
STORE="$B" od_as mei "$MEI_PASS" sync
expect_ok "mei confirms 1001 on desk B and syncs"
STORE="$A" od_as owner "$OWNER_PASS" confirm 1002
STORE="$A" od_as owner "$OWNER_PASS" confirm 1003
STORE="$A" od_as owner "$OWNER_PASS" sync
expect_ok "the owner confirms 1002 and 1003 on desk A, pulls mei's, syncs"
hashes > "$T/live"
live=$(wc -l < "$T/live")
check "the backend accepted $((live - old)) entries after the backup" \
	test "$live" -gt "$old"

# --- the backend dies; the old backup comes back ----------------------------
restore_from "$T/old.bak"
check "the restored backend holds the $old entries of the backup" \
	test "$(hashes | wc -l)" = "$old"
STORE="$B" od_as mei "$MEI_PASS" sync
expect_ok "desk B syncs with it"
check "desk B says the backend had lost 1 entry and sent it again" \
	grep -q "The backend had lost 1 entries (restored from a backup?); sent them again" "$T/out"
STORE="$A" od_as owner "$OWNER_PASS" sync
expect_ok "desk A syncs with it"
n=$((live - old - 1))
check "desk A sends again the $n it lacks still" \
	grep -q "The backend had lost $n entries (restored from a backup?); sent them again" "$T/out"
hashes > "$T/after"
check "the backend holds all $live entries again, hash for hash" \
	cmp -s "$T/live" "$T/after"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify replays the whole log" \
	grep -q "Verified $live log entries" "$T/verify.out"
STORE="$B" od_as mei "$MEI_PASS" sync
expect_ok "desk B syncs again"
check "and pulls what desk A sent: 1002 and 1003" \
	grep -q "pulled 2; the backend's signed head is entry $live, the same" "$T/out"
STORE="$A" od_as owner "$OWNER_PASS" sync
check "desk A finds the backend at its own head" \
	grep -q "pushed 0, pulled 0" "$T/out"

# --- not a prefix: refused as a fork ----------------------------------------
"$ODD" --dir "$BK" backup "$T/second.bak" > /dev/null 2>&1
STORE="$A" od_as owner "$OWNER_PASS" confirm 1004
STORE="$A" od_as owner "$OWNER_PASS" confirm 1005
STORE="$A" od_as owner "$OWNER_PASS" sync
restore_from "$T/second.bak"
STORE="$B" od_as mei "$MEI_PASS" confirm 1006
STORE="$B" od_as mei "$MEI_PASS" sync
expect_ok "desk B puts another entry where desk A has its own"
STORE="$A"
hashes > "$T/forked"
od_as owner "$OWNER_PASS" sync
expect_fail "desk A refuses that backend as a fork" 6 \
	"not this desk's: history was removed or rewritten"
check "and sent it nothing" cmp -s "$T/forked" <(hashes)
od_as owner "$OWNER_PASS" sync
expect_fail "its synced head stayed: the next sync refuses the same" 6 \
	"not this desk's: history was removed or rewritten"
stop_backend
finish
