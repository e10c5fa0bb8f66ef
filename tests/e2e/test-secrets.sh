#!/usr/bin/env bash
# Nothing secret or private reaches the disk in plaintext, and every
# signature can be checked without orderdesk, with openssl alone.
. "$(dirname "$0")/lib.sh"

new_shop
"$OD" --store "$STORE" --passphrase-fd 3 import "$SAMPLE" > /dev/null 3< <(echo "$OWNER_PASS")

# Distinctive strings from the imported orders: names, emails, phones,
# cities, in Latin and CJK scripts (the sample mixes both).
grep -oE '"(name|email|phone|city|note)": "[^"]{4,}"' "$SAMPLE" |
	sed 's/^"[a-z]*": "//; s/"$//' | sort -u | head -400 > "$T/needles"
check "there are private strings to look for" test "$(wc -l < "$T/needles")" -gt 100

# scan DIR: prints the needles found in any file under DIR.
scan() {
	find "$1" -type f -print0 | xargs -0 cat | grep -aoFf "$T/needles" | sort -u | head
}
found=$(scan "$STORE")
check "no order data in plaintext in the store after an import" test -z "$found"
[ -n "$found" ] && echo "# found: $found"

# With a WAL and shm still on disk: kill a writer before it closes.
"$OD" --store "$STORE" --passphrase-fd 3 note "$(sed -n 's/.*"number": *"\([^"]*\)".*/\1/p' "$SAMPLE" | head -1)" \
	"$(head -1 "$T/needles") said hello" > /dev/null 3< <(echo "$OWNER_PASS")
"$TOOLS/gen-orders" 30000 3 | sed 's/"number": "\([0-9]*\)"/"number": "W\1"/' > "$T/wal.json"
grep -oE '"name": "[^"]{4,}"' "$T/wal.json" | sed 's/^"name": "//; s/"$//' | sort -u | head -200 >> "$T/needles"
"$OD" --store "$STORE" --passphrase-fd 3 import "$T/wal.json" > /dev/null 2>&1 3< <(echo "$OWNER_PASS") &
pid=$!
# A big transaction spills pages into the WAL before it commits.
for _ in $(seq 1 3000); do  # at most a minute, for slow sanitizer builds
	[ "$(stat -c %s "$STORE/orderdesk.db-wal" 2> /dev/null || echo 0)" -gt 100000 ] && break
	sleep 0.02
done
kill -9 "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
check "a killed import left a WAL to inspect" test -s "$STORE/orderdesk.db-wal"
found=$(scan "$STORE")
check "no order data in plaintext in the database, WAL or shm" test -z "$found"

check "the passphrase is in no file of the store" \
	bash -c "! grep -raqF '$OWNER_PASS' '$STORE'"
check "every file in the store is 0600" \
	bash -c "[ -z \"\$(find '$STORE' -type f ! -perm 600)\" ]"

# Signatures that anyone can check with openssl.
od "$OWNER_PASS" user key owner
cp "$T/out" "$T/owner.pem"
check "the public key is a PEM block" grep -q "BEGIN PUBLIC KEY" "$T/owner.pem"
od "$OWNER_PASS" log --export "$T/export"
expect_ok "log --export writes the statements and signatures"
verified=0
for n in 1 2 3 150 301; do
	if openssl pkeyutl -verify -pubin -inkey "$T/owner.pem" -rawin \
		-in "$T/export/$n.statement" -sigfile "$T/export/$n.sig" > /dev/null 2>&1; then
		verified=$((verified + 1))
	fi
done
check "openssl verifies exported statements with the signer's PEM key ($verified/5)" test "$verified" -eq 5
sed -i 's/currency: /currency:  /' "$T/export/2.statement"
check "openssl refuses an altered statement" \
	bash -c "! openssl pkeyutl -verify -pubin -inkey '$T/owner.pem' -rawin -in '$T/export/2.statement' -sigfile '$T/export/2.sig' > /dev/null 2>&1"
fp=$(openssl pkey -pubin -in "$T/owner.pem" -outform DER | sha256sum | cut -d' ' -f1)
check "the key fingerprint is the SHA-256 of the key's DER, as openssl computes it" \
	grep -q "key: sha256:$fp" "$T/export/1.statement"

# Backups: encrypted like the store, signed, verified, restorable.
od "$OWNER_PASS" backup "$T/shop.backup"
expect_ok "backup writes and checks a backup"
found=$(find "$T/shop.backup" -type f -print0 | xargs -0 cat | grep -aoFf "$T/needles" | head -3)
check "the backup holds no order data in plaintext" test -z "$found"
"$OD" --store "$T/restored" --user owner --passphrase-fd 3 restore "$T/shop.backup" > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_ok "restore into an empty store"
check "the restore says how to attach it to its backend" \
	grep -q "desk add NAME.*sync --backend URL --pin PIN" <(tr '\n' ' ' < "$T/out")
"$OD" --store "$T/restored" --passphrase-fd 3 audit verify > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_ok "the restored shop verifies"
cp "$T/shop.backup" "$T/bad.backup"
flip_byte "$T/bad.backup" 5000
"$OD" --store "$T/restored2" --user owner --passphrase-fd 3 restore "$T/bad.backup" > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_fail "a damaged backup is refused" 6 "damaged|altered|tampered"
check "a refused restore leaves no shop behind" test ! -e "$T/restored2/keyslots"

# --- a directory other users can write in is refused, not used -----------
# Whoever can write in it could have put or swapped a key file, a database
# or a symlink there.  One line that says `chmod 700 DIR`, exit 4, nothing
# written; an empty one is made 0700 by the command that fills it.
# listing DIR: names, modes and digests of everything in DIR.
listing() {
	(cd "$1" && find . -printf '%p %m\n' | sort && find . -type f -exec sha256sum {} + | sort)
}
cp -a "$STORE" "$T/open"
rm -f "$T/open/lock"
chmod 777 "$T/open"
before=$(listing "$T/open")
"$OD" --store "$T/open" --passphrase-fd 3 list > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_fail "a store directory others can write in is refused" 4 "writable by other users \(mode 0777\).*chmod 700 $T/open$"
check "the refused store is as it was (no lock file made)" test "$(listing "$T/open")" = "$before"
check "the refused store directory keeps its mode" test "$(stat -c %a "$T/open")" = 777
chmod 700 "$T/open"
mkdir -m 770 "$T/open/backend"
"$OD" --store "$T/open" --passphrase-fd 3 list > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_fail "a backend/ directory others can write in is refused" 4 "chmod 700 $T/open/backend$"
chmod 700 "$T/open/backend"
"$OD" --store "$T/open" --passphrase-fd 3 list > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_ok "after chmod 700 the store opens"
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$T/open"
	"$OD" --store "$T/open" --passphrase-fd 3 list > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
	RC=$?
	expect_fail "a store directory of another user is refused" 4 "belongs to another user"
	chown 0 "$T/open"
fi
mkdir -m 777 "$T/empty"
chmod 777 "$T/empty"   # whatever the umask
"$OD" --store "$T/empty" --passphrase-fd 3 init --owner owner --shop "Test shop" \
	> "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_ok "init into an empty directory others can write in"
check "init made that empty directory 0700" test "$(stat -c %a "$T/empty")" = 700
mkdir -m 777 "$T/planted"
chmod 777 "$T/planted"
echo "not mine" > "$T/planted/orderdesk.db"
before=$(listing "$T/planted")
"$OD" --store "$T/planted" --passphrase-fd 3 init --owner owner --shop "Test shop" \
	> "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_fail "init into a non-empty directory others can write in is refused" 4 "chmod 700 $T/planted$"
"$OD" --store "$T/planted" --user owner --passphrase-fd 3 restore "$T/shop.backup" \
	> "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
RC=$?
expect_fail "restore into it is refused too" 4 "chmod 700 $T/planted$"
check "nothing was written into it" test "$(listing "$T/planted")" = "$before"
ODD="$ROOT/$BUILD/bin/orderdeskd"
mkdir -m 777 "$T/bk"
chmod 777 "$T/bk"
"$ODD" --dir "$T/bk" init --shop "Test shop" > "$T/out" 2> "$T/err"
RC=$?
expect_ok "orderdeskd init into an empty directory others can write in"
check "orderdeskd init made it 0700" test "$(stat -c %a "$T/bk")" = 700
chmod 777 "$T/bk"
before=$(listing "$T/bk")
"$ODD" --dir "$T/bk" verify > "$T/out" 2> "$T/err"
RC=$?
expect_fail "orderdeskd refuses a --dir others can write in" 4 "chmod 700 $T/bk$"
check "nothing was written into the backend's directory" test "$(listing "$T/bk")" = "$before"

finish
