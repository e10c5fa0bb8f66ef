#!/usr/bin/env bash
# A flood of replayed statements against orderdeskd (issue 9, item 3): with
# a desk certificate, four connections send batches of 500 copies of an
# early user.add, one after another, until the test stops them.  Every copy
# is answered duplicate, nothing is appended, and another desk's request is
# answered while the flood goes on.  When each copy was checked by a walk
# of the log from its entry on, one batch held the only server thread for
# seconds at this log's length (about 20,000 entries: 5 s on an idle
# machine), and the other desk waited for the batches ahead of it.
# volume test: 20,000 entries and four floods of 500 replays.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq

ORDERS=20000
ATTACKERS=4
MAX_BATCHES=200     # per attacker: bounds the run if the stop is missed

# req DESK_DIR OUT CURL_ARGS...: a request with that desk's certificate;
# prints the HTTP status (000: no answer in time), the body goes to OUT.
req() {
	local dir=$1 out=$2
	shift 2
	curl -sS -o "$out" -w '%{http_code}' --cacert "$BK/ca.pem" \
		--cert "$dir/desk.pem" --key "$dir/desk.key" "$@"
}

# attacker N: sends the batch over and over until $T/stop appears.
attacker() {
	local i
	for i in $(seq 1 "$MAX_BATCHES"); do
		[ -e "$T/stop" ] && return 0
		req "$BK/join" "$T/att-$1-$i.json" --max-time 300 \
			-H 'Content-Type: application/json' \
			--data-binary "@$T/batch.json" \
			"https://127.0.0.1:$PORT/v1/statements" \
			> "$T/att-$1-$i.code" 2> /dev/null
	done
}

# --- a shop with an early user.add and a long log, pushed to the backend --
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
"$ODD" --dir "$BK" desk add desk-2 > /dev/null
new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 \
	4< <(echo "mei passphrase")
expect_ok "the owner adds mei (entry 2: the statement to replay)"
"$TOOLS/gen-orders" "$ORDERS" 5 > "$T/orders.json"
od_as owner "$OWNER_PASS" import "$T/orders.json"
expect_ok "the desk imports $ORDERS orders"
start_backend
attach_desk "$PORT" join
expect_ok "the desk pushes its whole log to the backend"

CODE=$(req "$BK/join" "$T/start.json" --max-time 60 \
	"https://127.0.0.1:$PORT/v1/log?after=0&limit=3" 2> /dev/null)
HEAD0=$(jq -r '.head.seq' "$T/start.json")
# the genesis, mei's user.add, the orders and the owner's shop.log-key
check "the backend holds the desk's $((ORDERS + 3)) entries" \
	test "$CODE" = 200 -a "$HEAD0" = $((ORDERS + 3))
jq -c '[.entries[] | select(.statement | test("\nkind: user.add\n"))
	| {statement, signature}][0] as $e
	| {statements: [range(500) | $e]}' "$T/start.json" > "$T/batch.json"
check "the replayed batch holds 500 copies of mei's user.add" \
	test "$(jq '[.statements[].statement | select(test("\nuser: mei\n"))]
		| length' "$T/batch.json")" = 500

# --- the flood, and another desk meanwhile --------------------------------
pids=()
for a in $(seq 1 "$ATTACKERS"); do
	attacker "$a" &
	pids+=($!)
done
# Until the first batch is answered or, on a slow backend, 5 s have gone:
# either way the flood is under way.
for i in $(seq 1 100); do
	ls "$T"/att-*.json > /dev/null 2>&1 && break
	sleep 0.05
done
# A bound far above what the flood costs (a batch is a few tens of ms),
# far below what one batch cost when each copy walked the log.
CODE=$(req "$BK/desks/desk-2" "$T/desk2.json" --max-time 10 \
	"https://127.0.0.1:$PORT/v1/log?after=$HEAD0" 2> "$T/desk2.err")
alive=0
for p in "${pids[@]}"; do
	kill -0 "$p" 2> /dev/null && alive=$((alive + 1))
done
touch "$T/stop"
wait "${pids[@]}"
seq2=$(jq -r '.head.seq' "$T/desk2.json" 2> /dev/null)
check "another desk is answered while the flood goes on (status $CODE)" \
	test "$CODE" = 200 -a "$seq2" = "$HEAD0" -a "$alive" -gt 0

batches=0 bad=0
for f in "$T"/att-*.code; do
	j=${f%.code}.json
	batches=$((batches + 1))
	if [ "$(cat "$f")" != 200 ] ||
	   [ "$(jq '[.receipts[] | select(.result == "duplicate" and
		.seq == 2)] | length' "$j" 2> /dev/null)" != 500 ]; then
		bad=$((bad + 1))
	fi
done
echo "# $batches batches of 500 replays answered"
check "every copy in every batch is answered duplicate of entry 2" \
	test "$batches" -gt 0 -a "$bad" = 0
check "the backend logged each batch as 500 duplicates" test \
	"$(grep -c '0 accepted, 500 duplicate, 0 refused' "$T/srv.log")" \
	= "$batches"

CODE=$(req "$BK/join" "$T/end.json" --max-time 60 \
	"https://127.0.0.1:$PORT/v1/log?after=$HEAD0" 2> /dev/null)
check "nothing was appended to the log" \
	test "$CODE" = 200 -a "$(jq -r '.head.seq' "$T/end.json")" = "$HEAD0"
stop_backend
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify passes on the log after the flood" test $? -eq 0

finish
