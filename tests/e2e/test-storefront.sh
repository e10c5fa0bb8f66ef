#!/usr/bin/env bash
# Storefronts over real mutual TLS 1.3 on 127.0.0.1: a storefront's
# certificate posts orders, the backend signs them with the storefront's
# key once the owner has approved it in the log, desks are kept off the
# route (and storefronts off the desks' routes), a duplicate number is
# refused, and a desk that syncs afterwards sees and verifies the orders.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq

# stop_backend: SIGTERM, and waits for it.
stop_backend() {
	kill -TERM "$SRV_PID" 2> /dev/null
	wait "$SRV_PID" 2> /dev/null
	SRV_PID=""
}

# post CERT_DIR CERT_NAME METHOD PATH [BODY_FILE]: a request with that
# bundle's certificate; the answer in $T/resp, the status in $CODE.
post() {
	local dir=$1 name=$2 method=$3 path=$4 body=()
	[ $# -ge 5 ] && body=(-H 'Content-Type: application/json'
			      --data-binary "@$5")
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
		--cacert "$BK/ca.pem" --cert "$dir/$name.pem" \
		--key "$dir/$name.key" -X "$method" "${body[@]}" \
		"https://127.0.0.1:$PORT$path" 2> "$T/curl.err")
}

sync_desk() { od "$OWNER_PASS" sync "$@"; }

# Orders the storefront sends: two from the sample, renumbered.
jq '[.[0], .[1]] | .[0].number = "W-1" | .[1].number = "W-2"' "$SAMPLE" \
	> "$T/web.json"
jq '[.[2] | .number = "W-3"] + [.[3] | .number = "W-1"]' "$SAMPLE" \
	> "$T/web2.json"
jq '[.[4] | .number = "F-1"]' "$SAMPLE" > "$T/file.json"

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")

"$ODD" --dir "$BK" storefront add Web > "$T/sf.out" 2>&1
check "a storefront name that is no user name is refused" \
	grep -q "a storefront's name is" "$T/sf.out"
"$ODD" --dir "$BK" storefront add web > "$T/sf.out" 2>&1
SF="$BK/storefronts/web"
SFKEY=$(sed -n 's/.*--approve-storefront web --key \(.*\)$/\1/p' "$T/sf.out")
check "storefront add makes a bundle and prints the key to approve" \
	test -s "$SF/storefront.pem" -a -s "$SF/storefront.key" -a \
	-s "$SF/ca.pem" -a -n "$SFKEY"
check "its certificate is marked as a storefront's (OU)" \
	bash -c "openssl x509 -noout -subject -in '$SF/storefront.pem' |
		grep -q 'OU *= *storefront'"
check "its files and signing key are mode 0600" test \
	"$(stat -c %a "$SF/storefront.key" "$BK/storefront-keys/web.key" |
	   sort -u)" = 600
"$ODD" --dir "$BK" storefront add web > "$T/sf2.out" 2>&1
check "the same storefront twice is refused" \
	grep -q "already a storefront web" "$T/sf2.out"

start_backend "$BK" "${PORT:-0}"

# A desk attaches first (genesis pushed), so the backend knows the shop;
# the owner's desk then names the backend's key (entry 2, shop.log-key).
new_shop
sync_desk --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_ok "a desk attaches and pushes its genesis"

post "$SF" storefront POST /v1/orders "$T/web.json"
check "before the owner approves it, the storefront's orders get 403" \
	test "$CODE" = 403 -a -n "$(jq -r '.error' "$T/resp" |
		grep 'approve-storefront web')"

post "$BK/join" desk POST /v1/orders "$T/web.json"
check "a desk's certificate may not post orders (403)" test "$CODE" = 403
post "$SF" storefront GET "/v1/log?after=0"
check "a storefront's certificate may not read the log (403)" \
	test "$CODE" = 403
printf '{"statements": [{"statement": "x", "signature": "x"}]}' \
	> "$T/st.json"
post "$SF" storefront POST /v1/statements "$T/st.json"
check "a storefront's certificate may not push statements (403)" \
	test "$CODE" = 403

od "$OWNER_PASS" sync --approve-storefront web --key "$SFKEY"
expect_ok "the owner approves the storefront's key from a desk"
check "and the approval reaches the backend" grep -q "pushed 1" "$T/out"

post "$SF" storefront POST /v1/orders "$T/web.json"
check "the storefront's two orders are accepted with their seqs" \
	test "$CODE" = 200 -a "$(jq -r '[.receipts[] | .order + ":" +
		.result + ":" + (.seq | tostring)] | join(" ")' "$T/resp")" = \
	"W-1:accepted:4 W-2:accepted:5"
post "$SF" storefront POST /v1/orders "$T/web2.json"
check "a new order is accepted, a known number refused with a reason" \
	test "$(jq -r '.receipts[0].result + " " + .receipts[1].result' \
		"$T/resp")" = "accepted refused" -a \
	-n "$(jq -r '.receipts[1].reason' "$T/resp" | grep -i 'W-1')"
check "and the refused one had no effect" test "$(jq '.head.seq' "$T/resp")" = 6

printf '[{"number": "X"' > "$T/trunc.json"
post "$SF" storefront POST /v1/orders "$T/trunc.json"
check "a truncated order body gets 400" test "$CODE" = 400
jq '[.[5] | .number = "W-9" | .items[0].qty = 0]' "$SAMPLE" > "$T/bad.json"
post "$SF" storefront POST /v1/orders "$T/bad.json"
check "an order that fails validation gets 400 naming the order" \
	test "$CODE" = 400 -a -n "$(jq -r '.error' "$T/resp" | grep 'W-9')"
printf 'number,placed_at\n' > "$T/csv.txt"
post "$SF" storefront POST /v1/orders "$T/csv.txt"
check "CSV over the wire gets 400" test "$CODE" = 400
jq -c '[range(0; 501) as $i | .[0] | .number = "B-\($i)"]' "$SAMPLE" \
	> "$T/many.json"
post "$SF" storefront POST /v1/orders "$T/many.json"
check "more orders than max_batch get 413" test "$CODE" = 413

sync_desk
expect_ok "the desk syncs after the storefront's orders"
check "it pulled the three orders" grep -q "pulled 3;" "$T/out"
od "$OWNER_PASS" list --format csv
check "the desk lists W-1, W-2 and W-3" \
	test "$(grep -c '^W-[123],' "$T/out")" = 3
od "$OWNER_PASS" log --format json
check "the log names the storefront as their actor" \
	test "$(jq '[.[] | select(.kind == "order.placed" and
		.signer == "web")] | length' "$T/out")" = 3
od "$OWNER_PASS" audit verify
expect_ok "the desk's audit verifies the storefront's orders"

# A storefront may place orders and nothing else: the fold's rule.
od "$OWNER_PASS" confirm W-1
expect_ok "the owner confirms W-1 at the desk"
sync_desk
expect_ok "and pushes it"
od "$OWNER_PASS" show W-1
expect_ok "show checks a storefront's order against its history"
check "with the storefront's placing and the owner's confirmation marked checked" \
	bash -c "grep -Eq '✓ #[0-9]+ .*order.placed +web' '$T/out' && grep -Eq '✓ #[0-9]+ .*order.confirm +owner' '$T/out'"

# The owner revokes the storefront: its orders are refused from then on.
od "$OWNER_PASS" user revoke web
sync_desk
jq '[.[6] | .number = "W-4"]' "$SAMPLE" > "$T/web3.json"
post "$SF" storefront POST /v1/orders "$T/web3.json"
check "a revoked storefront's orders get 403" \
	test "$CODE" = 403 -a -n "$(jq -r '.error' "$T/resp" | grep revoked)"

check "the server's log holds no customer data and no key" \
	bash -c "! grep -qE 'Schäfer|Yılmaz|BEGIN|$SFKEY' '$T/srv.log'"

"$ODD" --dir "$BK" import "$T/file.json" > "$T/imp.out" 2>&1
check "import while the backend serves is refused, not interleaved" \
	grep -q "another orderdeskd serves" "$T/imp.out"
stop_backend

# import from a file: a second, approved storefront places the orders.
"$ODD" --dir "$BK" storefront add shopify > "$T/sf.out" 2>&1
SFKEY2=$(sed -n 's/.*--approve-storefront shopify --key \(.*\)$/\1/p' \
	"$T/sf.out")
"$ODD" --dir "$BK" import "$T/file.json" > "$T/imp.out" 2>&1
check "import with several storefronts asks which one" \
	grep -q "with --storefront NAME" "$T/imp.out"
"$ODD" --dir "$BK" import --storefront shopify "$T/file.json" \
	> "$T/imp.out" 2>&1
check "import as an unapproved storefront is refused" \
	grep -q "has not approved storefront shopify" "$T/imp.out"
start_backend "$BK" "${PORT:-0}"
od "$OWNER_PASS" sync --approve-storefront shopify --key "$SFKEY2"
expect_ok "the owner approves the second storefront"
stop_backend
"$ODD" --dir "$BK" import --storefront shopify "$T/file.json" \
	> "$T/imp.out" 2> "$T/imp.err"
check "orderdeskd import places the file's order" \
	grep -q "^Imported 1 orders as storefront shopify: 1 new, 0 already here, 0 updated; 1 statements signed\.$" "$T/imp.out"
"$ODD" --dir "$BK" import --storefront shopify "$T/file.json" \
	> "$T/imp.out" 2> "$T/imp.err"
check "importing it again finds it already here and signs nothing" \
	grep -q "^Imported 1 orders as storefront shopify: 0 new, 1 already here, 0 updated; 0 statements signed\.$" "$T/imp.out"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify replays the storefronts' orders" \
	grep -q "Verified 10 log entries.*4 orders" "$T/verify.out"
start_backend "$BK" "${PORT:-0}"
sync_desk
expect_ok "the desk syncs the imported order"
od "$OWNER_PASS" list --format csv
check "and lists it" grep -q '^F-1,' "$T/out"
stop_backend

# Overlapping Shopify exports brought into the backend twice, as the desk's
# import does: the same again signs nothing, the next day's export updates.
DATA="$(dirname "$0")/../unit/data"
odd_import() { "$ODD" --dir "$BK" import --storefront shopify "$@" \
	> "$T/imp.out" 2> "$T/imp.err"; }
odd_import --from shopify "$DATA/shopify-79.csv"
check "orderdeskd imports a Shopify export" grep -q \
	"^Imported 4 orders as storefront shopify: 4 new, 0 already here, 0 updated; 6 statements signed\.$" "$T/imp.out"
odd_import "$DATA/shopify-79.csv"
check "the same export again is all already here, nothing signed" grep -q \
	"^Imported 4 orders as storefront shopify: 0 new, 4 already here, 0 updated; 0 statements signed\.$" "$T/imp.out"
python3 "$(dirname "$0")/shopify-next-day.py" "$DATA/shopify-79.csv" "$T/shop2.csv"
odd_import "$T/shop2.csv"
check "the next day's export: one new, two brought up to date" grep -q \
	"^Imported 5 orders as storefront shopify: 1 new, 2 already here, 2 updated (1 paid, 1 cancelled); 5 statements signed\.$" "$T/imp.out"
odd_import "$T/shop2.csv"
check "and imported twice it signs nothing" grep -q \
	"^Imported 5 orders as storefront shopify: 0 new, 5 already here, 0 updated; 0 statements signed\.$" "$T/imp.out"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
entries=$(sed -n 's/^Verified \([0-9]*\) log entries.*/\1/p' "$T/verify.out")
# #1005 the day after at another time (and a new #1006): the file
# imports nothing.
python3 - "$T/shop2.csv" "$T/shop3.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
col = {n: i for i, n in enumerate(rows[0])}
rows.append(list(rows[-1])); rows[-1][col['Name']] = '#1006'
for r in rows[1:]:
    if r[col['Name']] == '#1005':
        r[col['Created at']] = '2026-11-25 09:00:00 +0100'
csv.writer(open(sys.argv[2], 'w', newline='')).writerows(rows)
PY
odd_import "$T/shop3.csv"
check "a file with one order changed in what was bought imports nothing" \
	grep -q "order 1005 is already in the shop with other items.*nothing was imported" "$T/imp.err"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "not even its new order" grep -q "^Verified $entries log entries" "$T/verify.out"
start_backend "$BK" "${PORT:-0}"
sync_desk
od "$OWNER_PASS" list
check "the desk sees 1003 paid and 1004 cancelled" bash -c "
	grep -Eq '^1003 .*new +paid$' '$T/out' &&
	grep -Eq '^1004 .*cancelled +partially refunded$' '$T/out'"
od "$OWNER_PASS" show 1001
check "and 1001's Shopify Id" grep -q '^Source    shopify, id 4500000001$' "$T/out"
stop_backend

finish
