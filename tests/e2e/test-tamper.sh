#!/usr/bin/env bash
# Tampering: wrong passphrases, flipped bytes in every part of the store,
# and an insider who knows the data key editing the database directly.
# Each must be refused with one clear line, a non-zero status, and no change.
. "$(dirname "$0")/lib.sh"

new_shop
"$OD" --store "$STORE" --passphrase-fd 3 import "$SAMPLE" > /dev/null 3< <(echo "$OWNER_PASS")

before=$(store_digest)
od "wrong passphrase" list
expect_fail "a wrong passphrase is refused" 3 "wrong passphrase for owner"
check "a wrong passphrase leaves every file byte for byte as it was" \
	test "$before" = "$(store_digest | grep -v ' \./unlock-failures$')"
check "and only adds the failed-unlock record (count 1, no passphrase)" \
	bash -c "grep -qx 'count 1' '$STORE/unlock-failures' &&
		! grep -q 'wrong passphrase' '$STORE/unlock-failures'"
od_as nobody "$OWNER_PASS" list
expect_fail "an unknown user is refused" 3 "nobody"

# Flip one byte at a spread of offsets in the database file: every read
# must report damage, never crash and never show a wrong answer.
size=$(stat -c %s "$STORE/orderdesk.db")
cp "$STORE/orderdesk.db" "$T/db.orig"
flips_ok=0
flips=0
for off in 0 20 100 4095 4096 5000 $((size / 2)) $((size - 1)) $((size - 20)); do
	# The file as it was, with no WAL or shm left by the last attempt.
	cp "$T/db.orig" "$STORE/orderdesk.db"
	rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
	flip_byte "$STORE/orderdesk.db" "$off"
	flips=$((flips + 1))
	"$OD" --store "$STORE" --passphrase-fd 3 audit verify > "$T/out" 2> "$T/err" 3< <(echo "$OWNER_PASS")
	rc=$?
	if [ "$rc" -eq 6 ] && [ "$(wc -l < "$T/err")" -eq 1 ] && grep -q "damaged\|tampered" "$T/err"; then
		flips_ok=$((flips_ok + 1))
	else
		echo "# flip at $off: status $rc, $(cat "$T/err")"
		echo "# stdout: $(head -c 300 "$T/out")"
		echo "# store: $(ls -l "$STORE" | tr '\n' ' ')"
	fi
done
cp "$T/db.orig" "$STORE/orderdesk.db"
check "a flipped byte anywhere in the database is reported as damage ($flips_ok/$flips)" \
	test "$flips_ok" -eq "$flips"
od "$OWNER_PASS" audit verify
expect_ok "the restored file verifies again"

# The key slots file: a flipped byte must not unlock, nor crash.
cp "$STORE/keyslots" "$T/slots.orig"
slots_ok=0
slots_n=0
ssize=$(stat -c %s "$STORE/keyslots")
for off in 10 $((ssize / 3)) $((ssize / 2)) $((ssize - 10)); do
	cp "$T/slots.orig" "$STORE/keyslots"
	# The low bit keeps a printable byte printable, so the JSON may still
	# parse: a letter's case or a digit changes, a value rather than syntax.
	flip_byte "$STORE/keyslots" "$off"
	slots_n=$((slots_n + 1))
	od "$OWNER_PASS" list
	if [ "$RC" -ne 0 ] && [ "$(wc -l < "$T/err")" -eq 1 ]; then
		slots_ok=$((slots_ok + 1))
	else
		echo "# slots flip at $off: status $RC, $(cat "$T/err")"
	fi
done
cp "$T/slots.orig" "$STORE/keyslots"
check "a flipped byte in the key slots never unlocks ($slots_ok/$slots_n)" \
	test "$slots_ok" -eq "$slots_n"

# An insider with a passphrase edits the tables behind the log's back.
tamper() { "$TOOLS/od-tamper" "$STORE" owner "$@" <<< "$OWNER_PASS"; }
cp "$STORE/orderdesk.db" "$T/db.orig"
cp "$STORE/orderdesk.db-head" "$T/head.orig"
num=$(sed -n 's/.*"number": *"\([^"]*\)".*/\1/p' "$SAMPLE" | head -1)

check "insider: marks an order shipped in the table" \
	tamper "UPDATE orders SET status = 3 WHERE number = '$num'"
od "$OWNER_PASS" audit verify
expect_fail "audit verify notices a table edited behind the log" 6 "differ from what the log says"

cp "$T/db.orig" "$STORE/orderdesk.db"; rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
check "insider: rewrites a signed statement" \
	tamper "UPDATE log SET statement = replace(statement, 'currency: ', 'currency:  ') WHERE seq = 2"
od "$OWNER_PASS" audit verify
expect_fail "audit verify notices an altered statement" 6 "log entry 2"

cp "$T/db.orig" "$STORE/orderdesk.db"; rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
check "insider: deletes a log entry and its order" \
	tamper "DELETE FROM log WHERE seq = 5"
od "$OWNER_PASS" audit verify
expect_fail "audit verify notices a removed entry" 6 "skips from entry 4 to 6"

cp "$T/db.orig" "$STORE/orderdesk.db"; rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
check "insider: swaps the signatures of two entries" \
	tamper "UPDATE log SET signature = (SELECT signature FROM log WHERE seq = 3) WHERE seq = 4"
od "$OWNER_PASS" audit verify
expect_fail "audit verify notices a forged signature" 6 "signature"
# Entry 4 places the third sample order: `show` reads it as the order
# screen does, marks the entry and fails as damage.
od "$OWNER_PASS" show 1003
expect_fail "show reports an order whose history has a forged signature" 6 \
	"order 1003: log entry 4's signature does not check.*orderdesk audit verify"
check "show marks the forged entry as the order screen does" \
	grep -Eq '✗ NOT CHECKED #4 .*order.placed' "$T/out"

cp "$T/db.orig" "$STORE/orderdesk.db"; rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
check "insider: breaks the chain hash of one entry" \
	tamper "UPDATE log SET hash = zeroblob(32) WHERE seq = 5"
od "$OWNER_PASS" show 1004
expect_fail "show reports an order whose history has a broken chain link" 6 \
	"order 1004: log entry 5's chain link does not check"

cp "$T/db.orig" "$STORE/orderdesk.db"; rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
# The careful forger: drop an entry from the middle, undo its effect, then
# renumber the log and recompute every hash.  The statement after the gap
# is signed over the hash of the entry it followed, which is gone.
check "insider: deletes an entry and recomputes the whole chain" \
	tamper "DELETE FROM log WHERE seq = 5; DELETE FROM items WHERE order_no =
	        (SELECT number FROM orders ORDER BY placed_at, number LIMIT 1 OFFSET 3);
	        DELETE FROM orders WHERE number =
	        (SELECT number FROM orders ORDER BY placed_at, number LIMIT 1 OFFSET 3)" --rechain
od "$OWNER_PASS" audit verify
expect_fail "audit verify notices a re-chained log" 6 "log entry 5: .*follows a log entry this log does not have"

# The forger above resealed the head record; the untouched copy comes back
# with its own (a desk cannot tell every file put back together: README).
cp "$T/db.orig" "$STORE/orderdesk.db"; rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
cp "$T/head.orig" "$STORE/orderdesk.db-head"
od "$OWNER_PASS" audit verify
expect_ok "the untouched copy verifies"
od "$OWNER_PASS" show 1003
expect_ok "show passes on an honest order"
check "show marks every entry of an honest order as checked" \
	bash -c "grep -q '✓ #4 ' '$T/out' && ! grep -q 'NOT CHECKED' '$T/out'"

# Stale pages: a page copied back from an older copy of the same store
# still decrypts (its associated data is only the page number).  Cancel
# order 1020, then put back, one at a time, each page the cancel changed
# (among them the one holding 1020's row, which says "new"): `show 1020`
# must never print the old state as true.
cp "$STORE/orderdesk.db" "$T/before.db"
od "$OWNER_PASS" cancel 1020 --reason "customer asked"
expect_ok "order 1020 is cancelled"
cp "$STORE/orderdesk.db" "$T/after.db"
splices=0 stale=0 refused=0
for ((p = 0; p < $(stat -c %s "$T/before.db") / 4096; p++)); do
	cmp -s <(dd if="$T/before.db" bs=4096 skip=$p count=1 status=none) \
	       <(dd if="$T/after.db" bs=4096 skip=$p count=1 status=none) && continue
	cp "$T/after.db" "$STORE/orderdesk.db"
	rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
	dd if="$T/before.db" of="$STORE/orderdesk.db" bs=4096 skip=$p seek=$p \
	   count=1 conv=notrunc status=none
	splices=$((splices + 1))
	od "$OWNER_PASS" show 1020
	if [ "$RC" -eq 0 ] && grep -q '^Order 1020 .* cancelled: customer asked' "$T/out"; then
		:       # the page did not hold what show reads
	elif [ "$RC" -eq 6 ] && [ "$(wc -l < "$T/err")" -eq 1 ]; then
		grep -q "order 1020's stored state does not match its signed history; run \`orderdesk audit verify\`" \
			"$T/err" && refused=$((refused + 1))
	else
		stale=$((stale + 1))
		echo "# page $p: status $RC: $(head -1 "$T/out") $(cat "$T/err")"
	fi
done
cp "$T/after.db" "$STORE/orderdesk.db"; rm -f "$STORE/orderdesk.db-wal" "$STORE/orderdesk.db-shm"
check "no stale page makes show print an old state as true ($stale of $splices splices did)" \
	test "$splices" -gt 0 -a "$stale" -eq 0
check "show says the stored state does not match the signed history ($refused of $splices splices)" \
	test "$refused" -ge 1

finish
