#!/usr/bin/env bash
# The backend's security event log, with the real programs on 127.0.0.1:
# each kind of event is produced by a real client (curl, gnutls-cli, the
# desk), said on stderr (not under systemd), kept in the backend's store
# and listed by `orderdeskd events` (by kind, by age, and as a summary per
# kind and address); no event holds a customer's data, a passphrase, a join
# code or a key.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq certtool gnutls-cli

# api METHOD PATH [BODY_FILE]: a request with the first desk's certificate;
# the HTTP status in $CODE (000: no answer).
api() {
	local body=()
	[ $# -ge 3 ] && body=(-H 'Content-Type: application/json'
			      --data-binary "@$3")
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "${CERT:-$BK/join/desk.pem}" \
		--key "${KEY:-$BK/join/desk.key}" -X "$1" "${body[@]}" \
		"https://127.0.0.1:$PORT$2" 2> /dev/null)
}

# join CODE: POST /v1/join with no certificate; the status in $CODE.
join() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 -k \
		--pinnedpubkey "$PIN" -H 'Content-Type: application/json' \
		--data-binary "$(jq -nc --arg c "$1" --rawfile r "$T/csr.pem" \
			'{code: $c, request: $r, desk: "prowler",
			  founding: false}')" \
		"https://127.0.0.1:$PORT/v1/join" 2> /dev/null)
}

# reload: SIGHUP, then waits until the server listens again.
reload() {
	local before i
	before=$(grep -c "listening on" "$T/srv.log")
	kill -HUP "$SRV_PID"
	for i in $(seq 1 600); do
		[ "$(grep -c "listening on" "$T/srv.log")" -gt "$before" ] &&
			return 0
		sleep 0.05
	done
	return 1
}

# events ARGS...: orderdeskd events; stdout in $T/ev, status in $RC.
events() {
	"$ODD" --dir "$BK" events "$@" > "$T/ev" 2> "$T/ev.err"
	RC=$?
}

# kept KIND ADDR [NAME]: an event of KIND from ADDR (and NAME) is listed.
kept() {
	events --kind "$1"
	awk -v a="$2" -v n="${3:--}" '$3 == a && (n == "-" || $4 == n)' \
		"$T/ev" | grep -q .
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
events
check "a new backend has no events" \
	bash -c "[ $RC = 0 ] && grep -q '^No security events' '$T/ev'"

# A shop whose customers carry markers the scan below looks for.
cat > "$T/orders.json" <<'JSON'
[{"number": "5001", "placed_at": "2026-11-01T10:00:00Z", "currency": "EUR",
  "customer": {"name": "Zebulon Markerfield",
               "email": "zebulon.marker@example.org"},
  "ship_to": {"name": "Zebulon Markerfield", "lines": ["42 Markerstrasse"],
              "city": "Markerton", "postcode": "99999", "country": "DE"},
  "items": [{"sku": "MRK-1", "name": "Marker lamp", "qty": 1,
             "unit_price": 1000}],
  "total": 1000}]
JSON
new_shop
od "$OWNER_PASS" import "$T/orders.json"
attach_desk "$PORT" join
expect_ok "a desk attaches and pushes its log"

# --- a certificate from another CA, and TLS 1.2 ------------------------------
printf 'cn = "Other CA"\nca\ncert_signing_key\nexpiration_days = 30\n' \
	> "$T/ca.tmpl"
printf 'cn = "intruder-7"\ntls_www_client\nsigning_key\nexpiration_days = 30\n' \
	> "$T/client.tmpl"
certtool --generate-privkey --key-type ecdsa --outfile "$T/o-ca.key" 2> /dev/null
certtool --generate-self-signed --load-privkey "$T/o-ca.key" --no-text \
	--template "$T/ca.tmpl" --outfile "$T/o-ca.pem" 2> /dev/null
certtool --generate-privkey --key-type ecdsa --outfile "$T/o.key" 2> /dev/null
certtool --generate-certificate --load-privkey "$T/o.key" --no-text \
	--load-ca-certificate "$T/o-ca.pem" --load-ca-privkey "$T/o-ca.key" \
	--template "$T/client.tmpl" --outfile "$T/o.pem" 2> /dev/null
CERT="$T/o.pem" KEY="$T/o.key" api GET "/v1/log?after=0"
check "curl with another CA's certificate is refused ($CODE)" test "$CODE" = 000
check "kept: cert-refused from 127.0.0.1, with the name it claims" \
	kept cert-refused 127.0.0.1 intruder-7
check "and said on stderr (not under systemd)" grep -q \
	'event cert-refused from 127.0.0.1 (intruder-7): .*not signed by the shop' \
	"$T/srv.log"
check "one event for that handshake, not two" \
	test "$(grep -c 'event handshake-refused' "$T/srv.log")" = 0
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --tls-max 1.2 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" "https://127.0.0.1:$PORT/v1/log?after=0" \
	2> /dev/null)
events --kind handshake-refused
check "a TLS 1.2 handshake is refused and kept ($CODE)" \
	bash -c "[ '$CODE' = 000 ] && grep -q handshake-refused '$T/ev'"
check "with the address it came from" kept handshake-refused 127.0.0.1

# --- joins: a wrong code, a burned one, then too many from one address ------
certtool --generate-privkey --key-type ecdsa --outfile "$T/csr.key" 2> /dev/null
printf 'cn = "prowler"\n' > "$T/csr.tmpl"
certtool --generate-request --load-privkey "$T/csr.key" --no-text \
	--template "$T/csr.tmpl" --outfile "$T/csr.pem" 2> /dev/null
"$ODD" --dir "$BK" code > "$T/code.out" 2>&1
JC=$(sed -n 's/^join code: *//p' "$T/code.out")
join "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
check "a wrong join code gets 403 ($CODE)" test "$CODE" = 403
check "kept: join-wrong from 127.0.0.1" kept join-wrong 127.0.0.1
# Wrong tries against the real code's first group burn it.
wrong="${JC:0:5}ZZZZ-ZZZZ-ZZZZ-ZZZZ"
for i in 1 2 3 4 5; do join "$wrong"; done
join "$JC"
check "the right code, once burned, is refused ($CODE)" test "$CODE" = 403
check "kept: join-burned from 127.0.0.1" kept join-burned 127.0.0.1
for i in 1 2 3 4; do join "$wrong"; done
check "the eleventh failure from one address gets 429 ($CODE)" test "$CODE" = 429
check "kept: join-limit from 127.0.0.1" kept join-limit 127.0.0.1

# --- statements: a bad signature, and a logged id with other content --------
od "$OWNER_PASS" confirm 5001
od "$OWNER_PASS" log --format json
jq -c '{statements: [.[-1] | {statement, signature}]}' "$T/out" > "$T/good.json"
jq -c '.statements[0].signature |= (if startswith("A") then "B" + .[1:]
	else "A" + .[1:] end)' "$T/good.json" > "$T/badsig.json"
api POST /v1/statements "$T/badsig.json"
check "a statement with a bad signature is refused" \
	test "$(jq -r '.receipts[0].result' "$T/resp")" = refused
check "kept: statement-refused from 127.0.0.1 by the desk" \
	kept statement-refused 127.0.0.1 "$(openssl x509 -noout -subject \
		-nameopt multiline -in "$BK/join/desk.pem" 2> /dev/null |
		sed -n 's/^ *commonName *= *//p')"
api POST /v1/statements "$T/good.json"
api POST /v1/statements "$T/badsig.json"
check "the logged id again with another signature is refused" \
	test "$(jq -r '.receipts[0].result' "$T/resp")" = refused
check "kept: statement-replayed from 127.0.0.1" \
	kept statement-replayed 127.0.0.1
# The order with the customer's data, its bytes changed: a replay too.
od "$OWNER_PASS" log --format json
jq -c '{statements: [.[] | select(.statement | contains("Markerfield")) |
	{statement: (.statement | sub("Markerton"; "Markertown")),
	 signature}]}' "$T/out" > "$T/placed.json"
api POST /v1/statements "$T/placed.json"
check "an order's statement with other bytes is refused" \
	test "$(jq -r '.receipts[0].result' "$T/resp")" = refused

# --- limits: body, per address, connections, time -----------------------------
head -c 5000000 /dev/zero | tr '\0' 'a' > "$T/big.json"
api POST /v1/statements "$T/big.json"
check "a body over max_body gets 413 ($CODE)" test "$CODE" = 413
check "kept: limit-body from 127.0.0.1" kept limit-body 127.0.0.1

# hold: a TLS connection from gnutls-cli that stays open, silent.
hold() {
	sleep 10 | timeout 20 gnutls-cli --x509cafile "$BK/ca.pem" \
		--x509certfile "$BK/join/desk.pem" \
		--x509keyfile "$BK/join/desk.key" -p "$PORT" 127.0.0.1 \
		> "$T/holder.out" 2>&1 &
	holder=$!
	until_line "Handshake was completed" "$T/holder.out"
}
sed -i 's/^max_per_ip = .*/max_per_ip = 1/' "$BK/orderdeskd.conf"
reload
hold
api GET "/v1/log?after=0&limit=1"
kill "$holder" 2> /dev/null; wait "$holder" 2> /dev/null
check "max_per_ip: a second connection gets 503 ($CODE)" test "$CODE" = 503
check "kept: limit-per-address from 127.0.0.1" \
	kept limit-per-address 127.0.0.1
sed -i 's/^max_per_ip = .*/max_per_ip = 16/; s/^max_connections = .*/max_connections = 1/' \
	"$BK/orderdeskd.conf"
reload
hold
api GET "/v1/log?after=0&limit=1"
kill "$holder" 2> /dev/null; wait "$holder" 2> /dev/null
events --kind limit-connections
check "max_connections: a connection over it is kept as limit-connections" \
	grep -q limit-connections "$T/ev"
sed -i 's/^max_connections = .*/max_connections = 64/; s/^request_time = .*/request_time = 2/' \
	"$BK/orderdeskd.conf"
reload
(printf 'POST /v1/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\n\r\n'
 for i in $(seq 1 20); do printf a; sleep 1; done) |
	timeout 30 gnutls-cli --x509cafile "$BK/ca.pem" \
	--x509certfile "$BK/join/desk.pem" --x509keyfile "$BK/join/desk.key" \
	-p "$PORT" 127.0.0.1 > "$T/loris.out" 2>&1
check "a slow body gets 408" grep -q '^HTTP/1.1 408 ' "$T/loris.out"
check "kept: limit-time from 127.0.0.1" kept limit-time 127.0.0.1

# --- a revoked desk ------------------------------------------------------------
"$ODD" --dir "$BK" desk add spare > /dev/null 2>&1
CERT="$BK/desks/spare/desk.pem" KEY="$BK/desks/spare/desk.key" \
	api GET "/v1/log?after=0&limit=1"
first=$CODE
"$ODD" --dir "$BK" desk revoke spare > /dev/null 2>&1
check "kept: desk-revoked, naming the desk" kept desk-revoked - spare
CERT="$BK/desks/spare/desk.pem" KEY="$BK/desks/spare/desk.key" \
	api GET "/v1/log?after=0&limit=1"
check "the revoked desk's certificate gets 403 after 200 ($first, $CODE)" \
	test "$first" = 200 -a "$CODE" = 403
check "kept: cert-revoked from 127.0.0.1, naming the desk" \
	kept cert-revoked 127.0.0.1 spare

# --- listing: by age, by kind, a summary ----------------------------------------
events
check "orderdeskd events lists them all, oldest first" \
	bash -c "[ $RC = 0 ] && [ \$(wc -l < '$T/ev') -ge 20 ] &&
		head -1 '$T/ev' | grep -q cert-refused"
events --since 1h --kind join-wrong
check "--since 1h --kind join-wrong: those only" \
	bash -c "[ $RC = 0 ] && [ \$(awk '{print \$2}' '$T/ev' | sort -u) = join-wrong ]"
events --summary
check "--summary: wrong joins counted for 127.0.0.1" \
	bash -c "awk '\$2 == \"join-wrong\" && \$3 == \"127.0.0.1\" && \$1 >= 6' '$T/ev' | grep -q ."
events --kind nonsense
check "an unknown kind: one line, exit 2" \
	bash -c "[ $RC = 2 ] && [ \$(wc -l < '$T/ev.err') = 1 ] && grep -q 'no event kind' '$T/ev.err'"
events --since yesterday
check "a bad age: the usage, exit 2" \
	bash -c "[ $RC = 2 ] && grep -q 'AGE like' '$T/ev.err'"

# --- none holds a customer's data or a secret ----------------------------------
grep ' event ' "$T/srv.log" > "$T/said"
stop_backend

# --- under systemd: to the journal, with fields and a MESSAGE_ID ------------
# Without a journald here, a listener on its socket reads what
# sd_journal_send sends (the native protocol: FIELD=value lines).
JSOCK=/run/systemd/journal/socket
: > "$T/journal"
if [ ! -e "$JSOCK" ] && mkdir -p "${JSOCK%/*}" 2> /dev/null; then
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
with open(sys.argv[2], "ab") as f:
    while True:
        f.write(s.recv(65536) + b"\n----\n")
        f.flush()
' "$JSOCK" "$T/journal" > "$T/jl.out" 2>&1 &
	jl=$!
	until_line bound "$T/jl.out"
	JOURNAL_STREAM=8:1 start_backend
	join "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ"
	for _ in $(seq 1 100); do
		grep -q ORDERDESK_EVENT "$T/journal" && break
		sleep 0.05
	done
	check "under systemd a wrong join goes to the journal with its fields" \
		bash -c "grep -qx 'MESSAGE_ID=84a5aaf1a75bd388623b3f70c846661b' '$T/journal' &&
			grep -qx 'ORDERDESK_EVENT=join-wrong' '$T/journal' &&
			grep -qx 'ORDERDESK_PEER_ADDRESS=127.0.0.1' '$T/journal' &&
			grep -qx 'PRIORITY=4' '$T/journal'"
	check "and not as a line on stderr" \
		test "$(grep -c ' event ' "$T/srv.log")" = 0
	kill "$jl" 2> /dev/null
	wait "$jl" 2> /dev/null
	rm -f "$JSOCK"
	rmdir "${JSOCK%/*}" 2> /dev/null
else
	ok "# SKIP a journald runs here (or its socket cannot be made)"
	start_backend
fi
check "the events outlive a restart" kept cert-refused 127.0.0.1 intruder-7
events
cat "$T/ev" "$T/said" "$T/journal" > "$T/all"
leaks=""
for m in Markerfield zebulon.marker Markerstrasse Markerton Markertown \
	"$OWNER_PASS" "$JC" "${JC:5:4}" "PRIVATE KEY" \
	"$(sed -n 2p "$BK/join/desk.key")"; do
	grep -qF -- "$m" "$T/all" && leaks="$leaks [$m]"
done
check "no event holds a customer's data, a passphrase, a code or a key${leaks}" \
	test -z "$leaks" -a -s "$T/said"
events --summary
sed "s/^/# /" "$T/ev"
finish
