#!/usr/bin/env bash
# A person whose key is on a token, across desks and a real backend on
# 127.0.0.1: what mei signs with her SoftHSM2 key on desk A is taken by
# the backend and by desk B, which checks it as it checks any signature;
# on desk B she names her token (`user key use`) and signs there, and desk
# A takes that back.  No verifier can tell a token's signature from a seed's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
. "$(dirname "$0")/token-lib.sh"
need_tools curl jq

OLIVIA="olivia owner pass"
MEI="mei shopkeeper pass"
A="$T/desk-a"
B="$T/desk-b"
MEI_URI="pkcs11:token=shop;object=mei"
token_keygen mei 01

# at DIR LINES ARGS...: orderdesk on store DIR with LINES (a passphrase,
# then a PIN) on descriptor 3; stdout in $T/out, stderr in $T/err.
at() {
	local dir=$1 lines=$2
	shift 2
	"$OD" --store "$dir" --passphrase-fd 3 "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%b\n' "$lines")
	RC=$?
}

"$ODD" --dir "$BK" init --shop "Token shop" > "$T/init.out" 2>&1
BPIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
CODE1=$(sed -n 's/^join code: *//p' "$T/init.out")
start_backend
check "the backend serves" test -n "$PORT"
at "$A" "$OLIVIA" init --backend "https://127.0.0.1:$PORT" --pin "$BPIN" \
	--code "$CODE1" --owner olivia
expect_ok "desk A founds the shop on the backend"
at "$A" "$OLIVIA" --user olivia import "$SAMPLE"
expect_ok "olivia imports the sample orders"
at "$A" "$OLIVIA\n$PIN" --user olivia user add mei --role shopkeeper \
	--key "$MEI_URI" --new-passphrase-fd 4 4< <(printf '%s\n' "$MEI")
expect_ok "olivia adds mei with her key on the token"
at "$A" "$MEI\n$PIN" --user mei confirm 1001 1002
expect_ok "mei confirms 1001 and 1002 with her token"
at "$A" "$OLIVIA" --user olivia sync
expect_ok "desk A pushes what the token signed; the backend takes it"

at "$A" "$OLIVIA" --user olivia desk invite
INVITE=$(sed -n 's/^join code: \([^ ]*\).*/\1/p' "$T/out")
at "$B" "$OLIVIA" init --backend "https://127.0.0.1:$PORT" --pin "$BPIN" \
	--code "$INVITE" --desk-name desk-b
expect_ok "desk B joins and pulls the log, checking every signature"
at "$B" "$OLIVIA" --user olivia show 1001
check "desk B has 1001 confirmed" grep -Eq "^Order 1001 .* confirmed$" \
	"$T/out"
at "$B" "$OLIVIA" --user olivia audit verify
expect_ok "audit verify on desk B takes mei's token signatures"

at "$B" "$MEI\n$PIN" --user mei confirm 1003
expect_fail "desk B does not know mei's token yet, and says what to do" 6 \
	"name it with .user key use."
at "$B" "$MEI" --user mei user key use mei "$MEI_URI"
expect_ok "mei names her token on desk B"
at "$B" "$MEI\n$PIN" --user mei confirm 1003
expect_ok "mei signs on desk B with her token"
at "$B" "$MEI" --user mei sync
expect_ok "desk B pushes it; the backend takes it"
at "$A" "$OLIVIA" --user olivia sync
expect_ok "desk A pulls it"
at "$A" "$OLIVIA" --user olivia show 1003
check "desk A has 1003 confirmed by mei on desk B" \
	grep -Eq "^Order 1003 .* confirmed$" "$T/out"
at "$A" "$OLIVIA" --user olivia audit verify
expect_ok "audit verify on desk A"
finish
