#!/usr/bin/env bash
# The owner's people screen, end to end at 80x24: add a person who types
# their own passphrase (never shown), change a role, revoke; what the
# screen shows and what the store holds afterwards.  Other roles are not
# offered the screen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

MEI_PASS="mei passphrase 1"
KIM_PASS="kim passphrase 1"

new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
expect_ok "mei is added with the CLI"

start_pane
sign_in owner "$OWNER_PASS"
screen "the owner's desk opens" '^ owner \(owner\) │'
tm send-keys '?'
screen "the owner's help offers people" '^ +P +people'
tm send-keys Escape
tm send-keys P
screen "P opens the people" 'orderdesk · people · 2'
check "each with role, state and key fingerprint" \
	bash -c "grep -Eq '^ mei +shopkeeper +active +sha256:[0-9a-f]{20}' '$T/pane' && grep -Eq '^ owner +owner +active +sha256:' '$T/pane'"

tm send-keys a
screen "a asks for the new person's name, role and passphrase" 'Again'
tm send-keys -l kim
tm send-keys Enter Enter
tm send-keys -l "$KIM_PASS"
tm send-keys Enter
tm send-keys -l "$KIM_PASS"
wait_for 'Again'
check "the passphrase is never shown" bash -c "! grep -q 'kim passphrase' '$T/pane'"
tm send-keys Enter
screen "the dialog shows the user.add it will sign" '│ kind: user.add'
check "with the person, the role and their new public key" \
	bash -c "grep -q '│ user: kim' '$T/pane' && grep -q '│ role: staff' '$T/pane' && grep -Eq '│ pubkey: [A-Za-z0-9+/]{40}' '$T/pane' && grep -q '│ actor: owner' '$T/pane'"
check "and still not the passphrase" bash -c "! grep -q 'kim passphrase' '$T/pane'"
tm send-keys y
screen "y signs and says so" 'Added kim as staff, signed by owner \(log entry [0-9]+\)'
screen "the list shows kim" '^ kim +staff +active +sha256:'
od_as owner "$OWNER_PASS" user list
check "the store holds kim as active staff" grep -Eq '^kim +staff +active +sha256:' "$T/out"
od_as kim "$KIM_PASS" list
expect_ok "kim unlocks the store with the passphrase typed in the dialog"
od_as owner "$OWNER_PASS" log
check "the log holds the owner's user.add" grep -Eq 'user.add.*owner|owner.*user.add' "$T/out"

tm send-keys a
wait_for 'Again'
tm send-keys -l lee
tm send-keys Enter Enter
tm send-keys -l "lee passphrase 1"
tm send-keys Enter
tm send-keys -l "lee passphrase 2"
tm send-keys Enter
screen "two different passphrases are refused as the field is left" 'the two passphrases differ; type it again'
check "in the form, still open" grep -q 'Again' "$T/pane"
tm send-keys Escape
screen "Esc leaves it, nothing signed" 'Nothing signed'
tm send-keys a
wait_for 'Again'
tm send-keys -l "Lee"
tm send-keys Enter
screen "a name the statement refuses is said as the field is left" 'a name takes a-z 0-9 . _ - only, a letter first'
check "without a dialog" bash -c "! grep -q 'You are about to sign' '$T/pane'"
tm send-keys C-a Delete
tm send-keys -l l
tm send-keys Enter
screen "fixed at its start, the name is taken; the role is a choice" ' staff  .*shopkeeper'
tm send-keys Right Enter
tm send-keys -l "short"
tm send-keys Enter
screen "a short passphrase is refused as the field is left" 'passphrase needs at least 8'
tm send-keys Escape
wait_for 'Nothing signed'
od_as owner "$OWNER_PASS" user list
check "the store holds no lee" bash -c "! grep -q '^lee' '$T/out'"

# Select kim: the screen lists people in the store's order, as `user list`.
n=$(grep -nE '^kim ' "$T/out" | cut -d: -f1)
for _ in $(seq 3 "$n"); do tm send-keys j; done
tm send-keys r
screen "r asks for kim's new role, a choice" 'New role for kim'
check "of the three roles" grep -Eq 'staff .* shopkeeper .* owner' "$T/pane"
tm send-keys Right
tm send-keys Enter
screen "the dialog shows the user.role it will sign" '│ kind: user.role'
check "with kim and the new role" bash -c "grep -q '│ user: kim' '$T/pane' && grep -q '│ role: shopkeeper' '$T/pane'"
tm send-keys y
screen "the role change is signed" 'kim is now shopkeeper, signed by owner'
od_as owner "$OWNER_PASS" user list
check "the store holds kim as shopkeeper" grep -Eq '^kim +shopkeeper +active' "$T/out"

tm send-keys x
screen "x shows the revocation it will sign" '│ kind: user.revoke'
check "of kim" grep -q '│ user: kim' "$T/pane"
tm send-keys y
screen "the revocation is signed and the key changed" "Revoked kim and changed the store's key, signed by owner"
screen "the list shows kim revoked" '^ kim +shopkeeper +revoked'
od_as owner "$OWNER_PASS" user list
check "the store holds kim as revoked" grep -Eq '^kim +shopkeeper +revoked' "$T/out"
od_as kim "$KIM_PASS" list
check "and kim can no longer unlock it" test "$RC" -ne 0
tm send-keys Escape
screen "Esc goes back to the orders" 'New 0 '
tm send-keys q
wait_for 'desk exit 0'

# The audit history's filtered view, exported to CSV: quoted as RFC 4180
# asks, formulas neutralised, the file 0600 and written whole.
od_as mei "$MEI_PASS" import "$SAMPLE"
od_as mei "$MEI_PASS" note 1001 '=HYPERLINK("http://evil.example","click"), said "hi"'
expect_ok "mei notes a formula with a comma and quotes on 1001"
od_as mei "$MEI_PASS" note 1001 '@SUM(A1:A9)'
# Where ';' is the separator (Excel in de, fr) our quotes do not hold.
od_as mei "$MEI_PASS" note 1001 'Bob;=1+1;'
mkdir -p "$T/work"
tm send-keys -l "cd '$T/work'"
tm send-keys Enter
sign_in owner "$OWNER_PASS"
wait_for '^ owner \(owner\) │'
tm send-keys A
screen "the audit history opens" 'audit history, newest first'
tm send-keys -l "/1001"
tm send-keys Enter
screen "filtered to order 1001" 'newest first · 4 of [0-9]+ entries'
tm send-keys '?'
screen "help for the audit history lists the export" '^ +E +export what is shown to CSV'
tm send-keys Escape
wait_for 'audit history, newest first'
tm send-keys E
csv="orderdesk-audit-$(date +%Y%m%d).csv"
screen "E asks for a file name, today's by default" "File +$csv"
tm send-keys Enter
screen "the export says where it went" "Exported 4 entries to $csv"
f="$T/work/$csv"
check "the file is there, mode 0600" test "$(stat -c %a "$f" 2>/dev/null)" = 600
check "with the columns asked for" \
	bash -c "head -1 '$f' | grep -qx \$'seq,time,signer,role,kind,order,signature-checked,statement id,summary\r'"
check "and one row per entry shown" test "$(wc -l < "$f")" -eq 5
check "a formula with a comma and quotes is quoted and neutralised" \
	bash -c "grep -qF '\"'\''=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\"), said \"\"hi\"\"\"' '$f'"
check "an @ formula gets its apostrophe" grep -qF ",'@SUM(A1:A9)" "$f"
check "a formula after a ';' gets one too, inside the quotes" \
	grep -qF ",\"Bob;'=1+1;\"" "$f"
check "the rows name signer, role, kind, order and the check" \
	bash -c "grep -Eq '^[0-9]+,20[0-9-]+T[0-9:]+Z,mei,shopkeeper,order.note,1001,yes,[0-9a-f]{32},' '$f'"
if command -v python3 > /dev/null; then
	check "a CSV reader gets the note back as it was, apostrophe first" \
		python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=''))); sys.exit(0 if any(row[8]=='\'=HYPERLINK(\"http://evil.example\",\"click\"), said \"hi\"' for row in r) else 1)" "$f"
	check "read with ',' ';' or tab as the separator, no cell starts like a formula" \
		python3 -c "import csv,sys; sys.exit(any(c[:1] in ('=','+','-','@') for d in (',',';','\t') for r in csv.reader(open(sys.argv[1], newline=''), delimiter=d) for c in r))" "$f"
fi
# The same file again: asked before it is replaced, no by default.
sum=$(md5sum < "$f")
tm send-keys / C-u
tm send-keys -l "1001 order.placed"
tm send-keys Enter
screen "filtered to one entry" 'newest first · 1 of [0-9]+ entries'
tm send-keys E
screen "E again" "File +$csv"
tm send-keys Enter
screen "an existing file is not replaced without asking" "$csv exists"
check "no is the answer unless changed" grep -q 'Replace .*no, keep it' "$T/pane"
tm send-keys Enter
screen "Enter keeps it" "Not exported: $csv is kept as it was"
check "the file is as it was" test "$(md5sum < "$f")" = "$sum"
tm send-keys E Enter Right
screen "→ chooses to replace it" 'Replace .*yes, replace it'
tm send-keys Enter
screen "one entry is one entry" "Exported 1 entry to $csv"
check "the file holds it" test "$(wc -l < "$f")" -eq 2
tm send-keys Escape q
wait_for 'desk exit 0'

# Other roles: not offered, and the core refuses anyway (test-desk).
sign_in mei "$MEI_PASS"
screen "mei's desk opens" '^ mei \(shopkeeper\) │'
check "mei is not offered people" bash -c "! grep -q 'P people' '$T/pane'"
tm send-keys P
tm send-keys '?'
screen "P does nothing for mei; help for mei" 'keys of Orders'
check "help leaves people out" bash -c "! grep -q 'people' '$T/pane'"
tm send-keys Escape q
wait_for 'desk exit 0'

tm kill-server
finish
