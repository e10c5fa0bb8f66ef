#!/usr/bin/env bash
# `user passwd` retires the old passphrase, with real binaries and a real
# backend on 127.0.0.1: the change rotates the person's signing key with a
# user.rekey signed by the old one.  An old key slot put back (a backup)
# opens with the old passphrase but signs nothing; a copy of the whole store
# from before the change (a disk image) still signs locally, and the backend
# refuses what it signed ("retired key"); a desk that still has the old
# bundle gets the new one on sync; the new passphrase signs everywhere.
# A change made at another desk is picked up, and named by the sync.  A race
# of changes (an old image of a desk changes the person's key first) keeps
# the person out of the desk whose change lost, says why, and the owner's
# revoke and re-add ends it.
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

# --- a change cut short before its key file was saved, then synced ---------
# What a crash between the commit and the key file's save leaves (the log
# has the rekey, the key file the old slot, the slot not noted saved),
# made by putting the old file back and editing one meta row as an insider.
MEI_C="mei pass after a crash"
cp "$B/keyslots" "$T/b-keyslots.before"
at "$B" "$MEI2" --user mei user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "$MEI_C")
expect_ok "mei changes her passphrase on desk B once more"
cp "$T/b-keyslots.before" "$B/keyslots"
check "the crash's state: the slot not noted saved" \
	"$TOOLS/od-tamper" "$B" olivia \
	"UPDATE meta SET value = 'unsaved' WHERE key = 'people.k.mei'" \
	<<< "$OLIVIA"
at "$B" "$OLIVIA" --user olivia sync
expect_ok "olivia syncs desk B: the rekey and mei's queued bundle go out"
at "$B" "$MEI2" --user mei list
expect_fail "the old passphrase is refused, the queue being sent" 3 \
	"old passphrase.*signs nothing"
at "$B" "$OLIVIA" --user olivia sync
expect_ok "the next sync of desk B"
at "$B" "$MEI_C" --user mei note 1002 "after the cut-short change"
expect_ok "took mei's new slot back from the backend: her new passphrase signs"

# --- one change at another desk, picked up here ---------------------------
at "$A" "$OLIVIA" --user olivia sync
expect_ok "desk A pulls mei's change made on desk B"
PULLED="^Pulled a passphrase change: mei's key was changed at another desk"
check "its sync names the pulled change: who, and the entry" \
	grep -q "$PULLED (log entry [0-9]*)" "$T/out"
at "$A" "$MEI_C" --user mei note 1001 "the change made on B, on A"
expect_ok "desk A took mei's new slot: the passphrase set on B signs on A"

# --- a race of changes: an old copy of desk A changes mei's key first -----
# Whoever has an old image of desk A and mei's passphrase can sign mei's
# next user.rekey.  If that one reaches the backend before the change mei
# makes on desk A, the backend sets hers aside, and desk A must not take
# the key the log now names (the attacker's), nor let it pass unsaid.  Two
# honest changes of the same person at two desks end the same way: the
# desk cannot tell them apart.
ATTACK="the attacker's pass"
MEI_A="mei pass set on A"
IMG2="$T/desk-a-image-2"
cp -a "$A" "$IMG2"
at "$IMG2" "$MEI_C" --user mei user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "$ATTACK")
expect_ok "on the old image, the attacker changes mei's passphrase"
at "$IMG2" "$ATTACK" --user mei sync
expect_ok "and syncs it first"
WON=$(sed -n "s/.*signed head is entry \([0-9]*\).*/\1/p" "$T/out")
ATTACK_FP=$(mei_key "$IMG2" "$OLIVIA")
check "the attacker's rekey is the backend's head" test -n "$WON"
# The line desk A says at sync, in the conflict and at mei's unlock.
LOST="mei's key was changed at entry $WON by another desk"
LOST="$LOST (key ${ATTACK_FP:0:23}\.\.\.); if that was not mei, the owner"
LOST="$LOST must .orderdesk user revoke mei. and add them again"
at "$A" "$MEI_C" --user mei user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "$MEI_A")
expect_ok "mei, on desk A, changes her passphrase"
at "$A" "$MEI_A" --user mei sync
expect_ok "desk A's sync goes through"
cp "$T/out" "$T/race-sync.out"
check "it names the pulled change and its entry" \
	grep -q "$PULLED (log entry $WON)" "$T/race-sync.out"
check "it says mei does not sign in here, and why" \
	grep -q "^mei may not sign in at this desk: $LOST" "$T/race-sync.out"
check "its conflict line says what the log now holds for mei" \
	grep -q "^conflict: order -: user.rekey by mei .*; the shop's log now: $LOST" \
	"$T/race-sync.out"
at "$A" "$OLIVIA" --user olivia conflicts --format json
check "the conflict is kept with that line" \
	test "$(jq -r '.[] | select(.kind == "user.rekey") | .truth' \
		"$T/out" | grep -c "changed at entry $WON by another desk")" = 1
at "$A" "$MEI_A" --user mei list
expect_fail "mei's new passphrase on A is refused, naming the other change" \
	3 "^orderdesk: $(printf '%s' "$LOST" | sed 's/[()]/\\&/g')"
at "$A" "$ATTACK" --user mei note 1001 "the attacker on desk A"
expect_fail "the attacker's passphrase does not open desk A" 3 \
	"wrong passphrase for mei"
at "$A" "$OLIVIA" --user olivia sync
expect_ok "a later sync of desk A"
check "says again that mei does not sign in here" \
	grep -q "^mei may not sign in at this desk: $LOST" "$T/out"
at "$A" "$ATTACK" --user mei list
expect_fail "and still takes no slot for the attacker's key" 3 \
	"wrong passphrase for mei"
at "$A" "$MEI_C" --user mei list
expect_fail "nor does the passphrase before the change open it" 3 \
	"wrong passphrase for mei"
at "$A" "$OLIVIA" --user olivia audit verify
expect_ok "desk A's log verifies after the race"
at "$B" "$OLIVIA" --user olivia sync
expect_ok "desk B, with nothing of its own waiting, syncs"
check "and names the pulled change, for the owner to notice" \
	grep -q "$PULLED (log entry $WON); if that was not mei" "$T/out"

# --- the owner's way out: revoke mei, add her again under a new name -------
MEI_NEW="mei's pass as mei2"
at "$A" "$OLIVIA" --user olivia user revoke mei
expect_ok "the owner revokes mei on desk A"
at "$A" "$OLIVIA" --user olivia user add mei2 --role shopkeeper \
	--new-passphrase-fd 4 4< <(printf '%s\n' "$MEI_NEW")
expect_ok "and adds her again as mei2"
at "$A" "$OLIVIA" --user olivia sync
expect_ok "desk A syncs the revoke and the new person"
check "with nothing more to say about mei" \
	bash -c "! grep -q 'may not sign in' '$T/out'"
at "$A" "$MEI_NEW" --user mei2 note 1001 "mei again, as mei2"
expect_ok "mei signs on desk A again, as mei2"
at "$A" "$ATTACK" --user mei list
expect_fail "the attacker's passphrase opens nothing on desk A: no slot" 3 \
	"no user mei in this shop"
at "$IMG2" "$ATTACK" --user mei sync
at "$IMG2" "$ATTACK" --user mei note 1002 "the attacker after the revoke"
expect_fail "on its own image the attacker is revoked after a sync" 3 \
	"mei's access has been revoked"
at "$B" "$OLIVIA" --user olivia sync
expect_ok "desk B syncs"
at "$B" "$MEI_NEW" --user mei2 note 1002 "mei2 on desk B"
expect_ok "mei2 signs on desk B"
at "$B" "$ATTACK" --user mei list
expect_fail "and mei's slot there, the attacker's, is gone" 3 \
	"no user mei in this shop"
at "$A" "$OLIVIA" --user olivia audit verify
expect_ok "desk A's log verifies after the revoke and the new person"

# --- the backend's own replay, and a statement signed with the old key -----
stop_backend
"$ODD" --dir "$BK" verify > "$T/v.out" 2>&1
check "orderdeskd verify passes (the rekey replays)" test $? -eq 0
check "no statement the old key signed after the rekey is in the log" \
	bash -c "! grep -q 'signed on the old disk image' '$T/v.out'"
