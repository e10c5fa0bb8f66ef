#!/usr/bin/env bash
# What the nightly timer runs and systemd's credentials, with the real
# programs: `orderdeskd backup --into FOLDER --keep N` writes a dated,
# checked backup of a serving backend and removes the oldest dated ones
# (never another file); a bad --keep is refused in one line.  Each is
# signed with the head key: `backup --check` verifies it with the public
# verifier key alone, and refuses another backend's key or a changed byte.  With the
# data key only in $CREDENTIALS_DIRECTORY (LoadCredential=), the backend
# serves, a desk syncs and a backup is made; without it, nothing starts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop
od "$OWNER_PASS" import "$SAMPLE"
attach_desk "$PORT" join
expect_ok "a desk attaches and pushes its entries"

# --- dated backups, the oldest pruned ---------------------------------------
F="$T/backups"
mkdir -m 700 "$F"
for n in 01 02 03; do : > "$F/orderdeskd-202001${n}T000000Z.bak"; done
: > "$F/notes.txt"
: > "$F/orderdeskd-mine.bak"
"$ODD" --dir "$BK" backup --into "$F" --keep 2 > "$T/out" 2> "$T/err"
RC=$?
new=$(sed -n 's/^Wrote \([^ ]*\) .*/\1/p' "$T/out")
check "backup --into writes a dated backup ($(basename "${new:-none}"))" \
	test "$RC" = 0 -a -f "${new:-/none}"
check "and says it removed the 2 oldest, 2 kept" \
	grep -q "removed 2 older, 2 kept" "$T/out"
left=$(cd "$F" && ls | tr '\n' ' ')
check "the newest old one and the new one are left, and the other files" \
	test "$left" = "notes.txt orderdeskd-20200103T000000Z.bak $(basename "${new:-none}") orderdeskd-mine.bak "
check "the new backup is mode 0600 in a 0700 folder" \
	test "$(stat -c %a "$new")" = 600 -a "$(stat -c %a "$F")" = 700
"$ODD" --dir "$T/r" restore --key "$BK/backend.key" "$new" > "$T/out" 2>&1
check "the dated backup restores" grep -q "^Restored the backend" "$T/out"

# --- signed with the head key: checked with the public key alone ----------
KEY=$("$ODD" --dir "$BK" key)
"$ODD" --dir "$T/other" init --shop "Other" > /dev/null 2>&1
OTHER=$("$ODD" --dir "$T/other" key)
(cd "$T" && "$ODD" backup --check "$new" \
	--key "$KEY") > "$T/out" 2> "$T/err"
check "backup --check, no --dir and no secret: whole and signed by the shop" \
	grep -q "is whole and signed by orderdesk/Test-shop's head key" "$T/out"
"$ODD" backup --check "$new" --key "$OTHER" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "another backend's verifier key is refused in one line" 6 \
	"signed by another backend's key .*not this one's"
cp "$new" "$T/flip.bak"
flip_byte "$T/flip.bak" 30000
"$ODD" backup --check "$T/flip.bak" --key "$KEY" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "a flipped byte fails the signature" 6 "altered or damaged"
head -c -96 "$new" > "$T/cut.bak"
"$ODD" backup --check "$T/cut.bak" --key "$KEY" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "so does a backup without its signature" 6 "altered or damaged"
"$ODD" --dir "$T/r3" restore --key "$T/other/backend.key" "$new" \
	> "$T/out" 2> "$T/err"
RC=$?
expect_fail "restore with another backend's key names the signature" 6 \
	"signed by another backend's key"
"$ODD" backup --check "$new" --key "not a key" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "a --key that is not a verifier key is refused" 2 \
	"wants the backend's verifier key"

"$ODD" --dir "$BK" backup --into "$T/made" --keep 1 > "$T/out" 2>&1
check "a missing folder is made 0700" \
	test "$(stat -c %a "$T/made" 2> /dev/null)" = 700 -a \
	"$(ls "$T/made" | wc -l)" = 1
"$ODD" --dir "$BK" backup --into "$F" --keep 0 > "$T/out" 2> "$T/err"
RC=$?
expect_fail "--keep 0 is refused in one line" 2 "keep wants a number of backups from 1 to"
"$ODD" --dir "$BK" backup --into "$F" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "--into without --keep is refused" 2 "usage: .*--keep N"
check "and nothing was written or removed" \
	test "$(cd "$F" && ls | tr '\n' ' ')" = "$left"

# --- the data key from systemd's credentials ---------------------------------
LIVE=$PORT
stop_backend
CRED="$T/credentials"
mkdir -m 700 "$CRED"
mv "$BK/backend.key" "$CRED/backend.key"
chmod 400 "$CRED/backend.key"
"$ODD" --dir "$BK" serve --listen 127.0.0.1:0 > /dev/null 2> "$T/err"
check "without the key file or a credential, serve does not start" \
	grep -q "cannot read .*backend.key" "$T/err"
CREDENTIALS_DIRECTORY="$T/nowhere" "$ODD" --dir "$BK" verify \
	> /dev/null 2> "$T/err"
check "a credentials folder without the key is not used" \
	grep -q "cannot read $BK/backend.key" "$T/err"
export CREDENTIALS_DIRECTORY="$CRED"
start_backend "$BK" "$LIVE"
check "with CREDENTIALS_DIRECTORY holding backend.key, serve starts" \
	test "$PORT" = "$LIVE"
od "$OWNER_PASS" confirm 1001
od "$OWNER_PASS" sync
expect_ok "the desk syncs with it, as before"
# A folder of its own: a backup into $F within the second of the first
# one is refused ("already exists: run again in a second") by design.
"$ODD" --dir "$BK" backup --into "$T/timer" --keep 9 > "$T/out" 2>&1
check "and the timer's backup reads the key there too" \
	grep -q "^Wrote .*every one verified" "$T/out"
unset CREDENTIALS_DIRECTORY
stop_backend
finish
