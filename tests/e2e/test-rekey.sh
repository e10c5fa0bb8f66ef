#!/usr/bin/env bash
# `user passwd` retires the old passphrase, with real binaries and a real
# backend on 127.0.0.1: the change rotates the person's signing key with a
# user.rekey signed by the old one.  An old key slot put back (a backup)
# opens with the old passphrase but signs nothing; a copy of the whole store
# from before the change (a disk image) still signs locally, and the backend
# refuses what it signed ("retired key"); a desk that still has the old
# bundle gets the new one on sync; the new passphrase signs everywhere.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq
[ -x "$TOOLS/od-tamper" ] || { not_ok "build $TOOLS/od-tamper first"; exit 1; }

OLIVIA="olivia owner pass"
MEI="mei shopkeeper pass"
MEI2="mei changed pass"
A="$T/desk-a"
B="$T/desk-b"
IMG="$T/desk-a-image"

# at DIR PASS ARGS...: orderdesk on store DIR with PASS on descriptor 3;
# stdout in $T/out, stderr in $T/err, status in $RC.
at() {
	local dir=$1 pass=$2
	shift 2
	"$OD" --store "$dir" --passphrase-fd 3 "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$pass")
	RC=$?
}

# mei_key DIR PASS: mei's key fingerprint as DIR's log gives it.
mei_key() {
	at "$1" "$2" --user olivia user list
	awk '$1 == "mei" { print $4 }' "$T/out"
}

# --- a backend, desk A with olivia and mei, desk B joined ------------------
"$ODD" --dir "$BK" init --shop "Rekey shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
CODE1=$(sed -n 's/^join code: *//p' "$T/init.out")
start_backend
check "the backend serves" test -n "$PORT"
at "$A" "$OLIVIA" init --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--code "$CODE1" --owner olivia
expect_ok "desk A founds the shop on the backend"
at "$A" "$OLIVIA" --user olivia user add mei --role shopkeeper \
	--new-passphrase-fd 4 4< <(printf '%s\n' "$MEI")
expect_ok "the owner adds mei"
at "$A" "$MEI" --user mei import "$SAMPLE"
expect_ok "mei imports the sample orders"
at "$A" "$OLIVIA" --user olivia sync
expect_ok "desk A syncs"
at "$A" "$OLIVIA" --user olivia desk invite
INVITE=$(sed -n 's/^join code: \([^ ]*\).*/\1/p' "$T/out")
at "$B" "$OLIVIA" init --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--code "$INVITE" --desk-name desk-b
expect_ok "desk B joins, with mei's bundle as it is now"

# Desk B: mei signs with the key she has now, not synced yet.
at "$B" "$MEI" --user mei note 1002 "signed on B before the change"
expect_ok "mei notes 1002 on desk B (not synced)"

# A backup of the key file and an image of the whole store, before.
cp "$A/keyslots" "$T/keyslots.old"
cp -a "$A" "$IMG"
OLD_FP=$(mei_key "$A" "$OLIVIA")

# --- the change ------------------------------------------------------------
at "$A" "$MEI" --user mei user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "$MEI2")
expect_ok "mei changes her passphrase on desk A"
check "it says the signing key rotated" grep -q "rotated" "$T/out"
NEW_FP=$(mei_key "$A" "$OLIVIA")
check "the log gives mei a new key" \
	test -n "$NEW_FP" -a -n "$OLD_FP" -a "$NEW_FP" != "$OLD_FP"
at "$A" "$OLIVIA" --user olivia log
check "the log has her user.rekey, signed by mei" \
	grep -q "user.rekey.*mei\|mei.*user.rekey" "$T/out"
check "the key file is still 0600" test "$(stat -c %a "$A/keyslots")" = 600
at "$A" "$MEI" --user mei list
expect_fail "the old passphrase no longer opens desk A" 3 \
	"wrong passphrase for mei"
at "$A" "$MEI2" --user mei note 1001 "signed with the new key"
expect_ok "the new passphrase signs on desk A"
at "$A" "$OLIVIA" --user olivia audit verify
expect_ok "audit verify passes after the change"

# --- the old key file put back (a backup) ----------------------------------
cp "$A/keyslots" "$T/keyslots.new"
cp "$T/keyslots.old" "$A/keyslots"
at "$A" "$MEI" --user mei note 1001 "signed with a restored old key file"
expect_fail "the old key file and old passphrase sign nothing" 3 \
	"passphrase was changed"
at "$A" "$MEI2" --user mei list
expect_ok "and the unlock put the new slot back from the store's queue"

# --- sync: the backend takes the change ------------------------------------
at "$A" "$MEI2" --user mei sync
expect_ok "desk A pushes the rekey and mei's new bundle"
check "the backend took the rekey and the new key's note in one push" \
	bash -c "grep -q 'Synced: pushed 2,' '$T/out' && ! grep -q 'could not' '$T/out'"
cp "$T/keyslots.old" "$A/keyslots"
at "$A" "$MEI" --user mei note 1001 "the old key file again, after sync"
expect_fail "after sync the old key file is refused with a plain reason" 3 \
	"old passphrase.*signs nothing"
cp "$T/keyslots.new" "$A/keyslots"
at "$A" "$MEI2" --user mei list
expect_ok "the new key file opens again"

# --- the image from before: signs locally, the backend refuses -------------
at "$IMG" "$MEI" --user mei note 1003 "signed on the old disk image"
expect_ok "the disk image still signs with the old passphrase, locally"
at "$IMG" "$MEI" --user mei sync
check "its sync pushes nothing the backend accepts" \
	grep -q "could not" "$T/out"
at "$IMG" "$OLIVIA" --user olivia conflicts --format json
check "the backend refused the image's note: signed with mei's retired key" \
	test "$(jq -r '.[] | select(.order == "1003") |
		"\(.refused_by) \(.kind) \(.reason)"' "$T/out" | cut -c1-65)" = \
	"backend order.note the statement is signed with mei's retired key"
at "$IMG" "$OLIVIA" --user olivia show 1003
check "the image no longer shows the note" \
	bash -c "! grep -q 'signed on the old disk image' '$T/out'"
at "$IMG" "$OLIVIA" --user olivia audit verify
expect_ok "the image's store verifies after the rebase"
at "$IMG" "$MEI2" --user mei note 1003 "new key on the image"
expect_ok "the image took mei's new bundle: her new passphrase signs there"

# --- desk B: old bundle, a note signed before the change -------------------
at "$B" "$MEI" --user mei sync
check "desk B's pending note comes back as a conflict" \
	grep -q "could not" "$T/out"
at "$B" "$OLIVIA" --user olivia conflicts --format json
check "the backend refused it as signed with mei's retired key" \
	test "$(jq -r '.[] | select(.order == "1002") |
		"\(.refused_by) \(.reason)"' "$T/out" | cut -c1-54)" = \
	"backend the statement is signed with mei's retired key"
at "$B" "$MEI" --user mei list
expect_fail "desk B took the new bundle: the old passphrase fails" 3 \
	"wrong passphrase for mei"
at "$B" "$MEI2" --user mei note 1002 "new key on B"
expect_ok "the new passphrase signs on desk B"
at "$B" "$MEI2" --user mei sync
expect_ok "desk B pushes it"
at "$A" "$MEI2" --user mei sync
expect_ok "desk A pulls it"
at "$A" "$OLIVIA" --user olivia audit verify
expect_ok "desk A's log verifies"

# --- two changes made apart: the backend keeps the first ------------------
MEI_B="mei pass set on B"
MEI_A="mei pass set on A"
at "$B" "$MEI2" --user mei user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "$MEI_B")
expect_ok "mei changes her passphrase again, on desk B"
at "$B" "$MEI_B" --user mei sync
expect_ok "desk B syncs that change first"
at "$A" "$MEI2" --user mei user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "$MEI_A")
expect_ok "and, not knowing, on desk A too"
at "$A" "$MEI_A" --user mei sync
check "desk A's sync goes through and sets its change aside" \
	grep -q "could not" "$T/out"
at "$A" "$OLIVIA" --user olivia conflicts --format json
check "the backend refused A's rekey: its old key was retired by B's" \
	test "$(jq -r '.[] | select(.kind == "user.rekey") |
		"\(.refused_by) \(.reason)"' "$T/out" | cut -c1-54)" = \
	"backend the statement is signed with mei's retired key"
at "$A" "$MEI_A" --user mei list
expect_fail "A's slot follows the log: the passphrase set on A is gone" 3 \
	"wrong passphrase for mei"
at "$A" "$MEI_B" --user mei note 1001 "after two changes"
expect_ok "the passphrase set on B signs on desk A"
at "$A" "$MEI_B" --user mei sync
expect_ok "desk A syncs cleanly afterwards (no stale bundle is sent)"
at "$A" "$OLIVIA" --user olivia audit verify
expect_ok "desk A's log verifies after the refused rekey"

# --- a change cut short before its key file was saved, then synced ---------
# What a crash between the commit and the key file's save leaves (the log
# has the rekey, the key file the old slot, the slot not noted saved),
# made by putting the old file back and editing one meta row as an insider.
MEI_C="mei pass after a crash"
cp "$B/keyslots" "$T/b-keyslots.before"
at "$B" "$MEI_B" --user mei user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "$MEI_C")
expect_ok "mei changes her passphrase on desk B once more"
cp "$T/b-keyslots.before" "$B/keyslots"
check "the crash's state: the slot not noted saved" \
	"$TOOLS/od-tamper" "$B" olivia \
	"UPDATE meta SET value = 'unsaved' WHERE key = 'people.k.mei'" \
	<<< "$OLIVIA"
at "$B" "$OLIVIA" --user olivia sync
expect_ok "olivia syncs desk B: the rekey and mei's queued bundle go out"
at "$B" "$MEI_B" --user mei list
expect_fail "the old passphrase is refused, the queue being sent" 3 \
	"old passphrase.*signs nothing"
at "$B" "$OLIVIA" --user olivia sync
expect_ok "the next sync of desk B"
at "$B" "$MEI_C" --user mei note 1002 "after the cut-short change"
expect_ok "took mei's new slot back from the backend: her new passphrase signs"

# --- the backend's own replay, and a statement signed with the old key -----
stop_backend
"$ODD" --dir "$BK" verify > "$T/v.out" 2>&1
check "orderdeskd verify passes (the rekey replays)" test $? -eq 0
check "no statement the old key signed after the rekey is in the log" \
	bash -c "! grep -q 'signed on the old disk image' '$T/v.out'"
