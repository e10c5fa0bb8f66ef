#!/usr/bin/env bash
# The desk's commands, end to end: found a shop, add people, import, act on
# orders, read them back, and verify the whole log.
. "$(dirname "$0")/lib.sh"

MEI_PASS="mei passphrase 1"
SAM_PASS="sam passphrase 1"

new_shop
check "init creates the key slots and the database" \
	test -s "$STORE/keyslots" -a -s "$STORE/orderdesk.db"
check "store files are private (0600)" \
	bash -c "[ -z \"\$(find '$STORE' -type f ! -perm 600)\" ]"
check "store directory is private (0700)" \
	bash -c "[ \"\$(stat -c %a '$STORE')\" = 700 ]"

od "$OWNER_PASS" init --owner other
expect_fail "a second init on the same store is refused" 4 "already holds a shop"
mkdir -p "$T/empty"
"$OD" --store "$T/empty" --user mei list < /dev/null > "$T/out" 2> "$T/err"
RC=$?
expect_fail "no shop is said before a passphrase is asked, naming --store" 4 \
	"^orderdesk: no shop in $T/empty; name another with --store DIR, or found one with"

od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
expect_ok "owner adds a shopkeeper"
od_as owner "$OWNER_PASS" user add sam --role staff --new-passphrase-fd 4 4< <(echo "$SAM_PASS")
expect_ok "owner adds staff"
od_as owner "$OWNER_PASS" user list
check "user list shows three people with roles and keys" \
	bash -c "grep -q '^mei .*shopkeeper .*active .*sha256:' '$T/out' && [ \$(grep -c sha256: '$T/out') = 3 ]"
od_as mei "$MEI_PASS" user add eve --role owner --new-passphrase-fd 4 4< <(echo "eve passphrase")
expect_fail "a shopkeeper cannot add people" 4 "mei is shopkeeper and may not add people"

od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "shopkeeper imports the sample shop"
check "import reports 300 orders" grep -q "Imported 300 orders" "$T/out"
od_as mei "$MEI_PASS" import "$SAMPLE"
expect_ok "importing the same orders twice signs nothing"
check "and says they are already here" grep -q "Imported 300 orders: 0 new, 300 already here, 0 updated\.\$" "$T/out"
# A pipe cannot be read twice (checked, then signed): it is read whole first.
od_as mei "$MEI_PASS" import <(printf '[]\n')
check "an empty array through a pipe imports nothing" grep -q "holds no orders" "$T/out"
od_as mei "$MEI_PASS" import <(sed 's/^]$/] x/' "$SAMPLE")
expect_fail "trailing data after 300 orders is refused at its line, through a pipe" 5 \
	"import file, line 4006, column 3: trailing data"

od_as mei "$MEI_PASS" list --format csv
check "list shows every order" bash -c "[ \$(tail -n +2 '$T/out' | wc -l) = 300 ]"
od_as mei "$MEI_PASS" list --status new --format json
check "list --format json is an array of new orders" \
	bash -c "head -c1 '$T/out' | grep -q '\[' && grep -c '\"status\":\"new\"' '$T/out' | grep -qx 300"

first=$(tail -n +2 "$T/out" | head -1 | sed 's/.*"number":"\([^"]*\)".*/\1/')
od_as mei "$MEI_PASS" list --format csv
num1=$(sed -n 2p "$T/out" | cut -d, -f1)
num2=$(sed -n 3p "$T/out" | cut -d, -f1)
num3=$(sed -n 4p "$T/out" | cut -d, -f1)

od_as mei "$MEI_PASS" confirm "$num1" "$num2"
expect_ok "shopkeeper confirms two orders in one go"
od_as mei "$MEI_PASS" confirm "$num1"
expect_fail "confirming twice is an illegal transition" 4 "order $num1 is confirmed; it cannot be confirmed"
od_as sam "$SAM_PASS" confirm "$num3"
expect_fail "staff may not confirm" 4 "sam is staff and may not confirm orders"
od_as sam "$SAM_PASS" ship "$num3" --carrier DHL --tracking JD001
expect_fail "an unconfirmed order cannot ship" 4 "only confirmed orders can ship"
od_as sam "$SAM_PASS" ship "$num1" --carrier "SF Express" --tracking SF1234567890
expect_ok "staff ships a confirmed order"
od_as mei "$MEI_PASS" show "$num1"
check "show: the order is shipped, with its parcel and history" \
	bash -c "grep -q 'shipped' '$T/out' && grep -q 'SF Express SF1234567890' '$T/out' && grep -q 'shipment.confirm *sam' '$T/out'"
od_as mei "$MEI_PASS" cancel "$num1" --reason "too late"
expect_fail "a shipped order cannot be cancelled" 4 "order $num1 is shipped"

od_as mei "$MEI_PASS" hold "$num2" --reason "address check"
expect_ok "shopkeeper holds a confirmed order"
od_as sam "$SAM_PASS" ship "$num2" --carrier DHL --tracking JD002
expect_fail "a held order cannot ship" 4 "held"
od_as mei "$MEI_PASS" release "$num2"
expect_ok "release returns it"
od_as mei "$MEI_PASS" show "$num2"
check "released order is confirmed again" grep -q "^Order $num2 .* confirmed" "$T/out"
od_as sam "$SAM_PASS" note "$num2" "customer called: leave at the door"
expect_ok "staff adds a note"
od_as mei "$MEI_PASS" cancel "$num3" --reason "customer asked"
expect_ok "shopkeeper cancels a new order with a reason"
od_as mei "$MEI_PASS" show "$num3"
check "cancelled order shows its reason" grep -q "cancelled: customer asked" "$T/out"

# A customer's name that a spreadsheet would run as a formula stays text in
# every CSV the desk writes (the OWASP rule: a leading apostrophe).
cat > "$T/evil.json" <<'JSON'
[{"number": "E-1", "placed_at": "2026-11-02T10:00:00Z", "currency": "EUR",
  "customer": {"name": "=HYPERLINK(\"http://x\",\"y\")", "email": "e@example.com"},
  "ship_to": {"name": "@SUM(A1)", "lines": ["1 Main St"], "city": "-2+3", "country": "DE"},
  "items": [{"sku": "A-1", "name": "thing", "qty": 1, "unit_price": 100}],
  "total": 100}]
JSON
od_as mei "$MEI_PASS" import "$T/evil.json"
expect_ok "a customer named like a formula is imported (it is only text)"
od_as mei "$MEI_PASS" list --format csv
printf '%s\r\n' "E-1,2026-11-02T10:00:00Z,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'-2+3,1,1.00,EUR,new,unpaid,," > "$T/want"
check "list --format csv writes a formula-like name as text, not a formula" \
	grep -Fqx -f "$T/want" "$T/out"
check "no field of list --format csv starts like a formula" \
	bash -c "! grep -Eq '(^|,)\"?[=+@-]' '$T/out'"

# Where the list separator is ';' (Excel in de and fr) or a tab, the reader
# splits there and ignores a quote that does not open its piece: a name
# like "Bob;=1+1;" would give it a cell "=1+1".  Every cell start is guarded
# (a tab, the other such separator, is refused in an order by import).
cat > "$T/semi.json" <<'JSON'
[{"number": "E-2", "placed_at": "2026-11-02T11:00:00Z", "currency": "EUR",
  "customer": {"name": "Bob;=1+1;", "email": "b@example.com"},
  "ship_to": {"name": "Bob", "lines": ["1 Main St"], "city": "Köln;@SUM(A1)", "country": "DE"},
  "items": [{"sku": "A-1", "name": "thing", "qty": 1, "unit_price": 100}],
  "total": 100}]
JSON
od_as mei "$MEI_PASS" import "$T/semi.json"
expect_ok "a customer named with a ';' and a formula is imported"
od_as mei "$MEI_PASS" list --format csv
printf 'E-2,2026-11-02T11:00:00Z,"Bob;'"'"'=1+1;","Köln;'"'"'@SUM(A1)",1,1.00,EUR,new,unpaid,,\r\n' > "$T/want"
check "list --format csv quotes a field holding a ';' and guards what follows it" \
	grep -Fqx -f "$T/want" "$T/out"
if command -v python3 > /dev/null; then
	# Python's csv reader splits as such a spreadsheet does.
	check "read with ',' ';' or tab as the separator, no cell starts like a formula" \
		python3 -c "import csv,sys; sys.exit(any(c[:1] in ('=','+','-','@') for d in (',',';','\t') for r in csv.reader(open(sys.argv[1], newline=''), delimiter=d) for c in r))" "$T/out"
fi

od_as mei "$MEI_PASS" show 999999
expect_fail "an unknown order says so" 4 "no order 999999"
od_as mei "$MEI_PASS" list --status bogus
expect_fail "an unknown status says which exist" 2 "unknown status"

od_as mei "$MEI_PASS" log --order "$num1" --format json
check "log --order lists that order's statements" \
	bash -c "[ \$(grep -c '\"seq\"' '$T/out') = 3 ]"

od_as owner "$OWNER_PASS" audit verify
expect_ok "audit verify passes on an honest store"
check "audit verify counts every entry" grep -q "Verified 3[0-9][0-9] log entries" "$T/out"

od_as owner "$OWNER_PASS" user role sam shopkeeper
expect_ok "owner promotes staff to shopkeeper"
od_as owner "$OWNER_PASS" user revoke owner
expect_fail "the only owner cannot revoke themself" 4 "only owner"
od_as owner "$OWNER_PASS" user revoke sam
expect_ok "owner revokes a user"
od_as sam "$SAM_PASS" list
expect_fail "a revoked user cannot unlock the store" 3 "sam"
od_as mei "$MEI_PASS" list --status shipped
expect_ok "others still unlock after the key rotation"
od_as owner "$OWNER_PASS" audit verify
expect_ok "audit verify passes after the rotation"

finish
