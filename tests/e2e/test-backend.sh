#!/usr/bin/env bash
# The backend and sync over real mutual TLS 1.3 on 127.0.0.1: who may
# connect, what the backend accepts, refuses and ignores as a replay, and a
# desk's whole log pushed to an empty backend and pulled by a second desk.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq certtool gnutls-cli

# api METHOD PATH [BODY_FILE]: a request with the first desk's certificate;
# the answer in $T/resp, the HTTP status in $CODE (000: no answer).
api() {
	local body=()
	[ $# -ge 3 ] && body=(-H 'Content-Type: application/json'
			      --data-binary "@$3")
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
		--key "$BK/join/desk.key" -X "$1" "${body[@]}" \
		"https://127.0.0.1:$PORT$2" 2> "$T/curl.err")
}

# raw REQUEST: sends REQUEST (a printf format) as it is, over TLS with the
# first desk's certificate, from gnutls-cli (a client that is not ours and
# fixes nothing); the status of the first answer in $CODE, "none" if the
# connection ended without one.  Every refusal closes the connection; a
# server that answers nothing is given 8 s.
raw() {
	CODE=$(timeout 20 gnutls-cli --x509cafile "$BK/ca.pem" \
		--x509certfile "$BK/join/desk.pem" \
		--x509keyfile "$BK/join/desk.key" -p "$PORT" 127.0.0.1 \
		< <(printf "$1"; sleep 8) 2> /dev/null |
		sed -n 's/^HTTP\/1\.[01] \([0-9][0-9][0-9]\) .*/\1/p' | head -1)
	[ -n "$CODE" ] || CODE=none
}

# head_seq: the signed head's seq in the last answer.
head_seq() { jq -r '.head.seq' "$T/resp"; }

# sync_desk ARGS...: orderdesk sync on $STORE as the owner.
sync_desk() { od "$OWNER_PASS" sync "$@"; }

# reload_backend: SIGHUP, then waits (at most 30 s) until the server says
# it listens again: it stops and restarts its listener to take the new
# limits, and a request sent meanwhile finds the port closed.
reload_backend() {
	local before i
	before=$(grep -c "listening on" "$T/srv.log")
	kill -HUP "$SRV_PID"
	for i in $(seq 1 600); do
		[ "$(grep -c "listening on" "$T/srv.log")" -gt "$before" ] &&
			return 0
		sleep 0.05
	done
	echo "# the backend did not listen again after SIGHUP"
	return 1
}

# --- the backend is made, and its pin is the one certtool computes --------
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
CT_PIN=$(certtool --pubkey-info --load-certificate "$BK/server.pem" |
	sed -n 's/^[[:space:]]*pin-sha256:\(.*\)/\1/p' | head -1)
check "orderdeskd init prints the pin certtool computes" \
	test -n "$PIN" -a "$PIN" = "sha256//$CT_PIN"
check "every key file of the backend is mode 0600" test \
	"$(stat -c %a "$BK/backend.key" "$BK/ca.key" "$BK/server.key" \
	   "$BK/join/desk.key" | sort -u)" = 600

start_backend
check "orderdeskd serves on a loopback port" test -n "$PORT"

# --- who may connect -------------------------------------------------------
api GET "/v1/log?after=0"
check "a desk certificate over TLS 1.3 reads the empty log" \
	test "$CODE" = 200 -a "$(head_seq)" = 0

CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" "https://127.0.0.1:$PORT/v1/log?after=0" \
	2> /dev/null)
# The handshake lets it in for /v1/join alone (test-join.sh); every other
# route answers 401 before reading a body.
check "a client without a certificate is refused" test "$CODE" = 401

cat > "$T/ca.tmpl" <<'EOF'
cn = "Other shop CA"
ca
cert_signing_key
expiration_days = 30
EOF
cat > "$T/client.tmpl" <<'EOF'
cn = "desk-1"
tls_www_client
signing_key
expiration_days = 30
EOF
certtool --generate-privkey --key-type ecdsa --outfile "$T/o-ca.key" \
	2> /dev/null
certtool --generate-self-signed --load-privkey "$T/o-ca.key" --no-text \
	--template "$T/ca.tmpl" --outfile "$T/o-ca.pem" 2> /dev/null
certtool --generate-privkey --key-type ecdsa --outfile "$T/o.key" 2> /dev/null
certtool --generate-certificate --load-privkey "$T/o.key" --no-text \
	--load-ca-certificate "$T/o-ca.pem" --load-ca-privkey "$T/o-ca.key" \
	--template "$T/client.tmpl" --outfile "$T/o.pem" 2> /dev/null
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$T/o.pem" --key "$T/o.key" \
	"https://127.0.0.1:$PORT/v1/log?after=0" 2> /dev/null)
check "a client certificate from another CA is refused" \
	test -s "$T/o.pem" -a "$CODE" = 000

CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$BK/server.pem" --key "$BK/server.key" \
	"https://127.0.0.1:$PORT/v1/log?after=0" 2> /dev/null)
check "the server's certificate is refused as a client certificate" \
	test "$CODE" = 000

CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --tls-max 1.2 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" "https://127.0.0.1:$PORT/v1/log?after=0" \
	2> /dev/null)
check "a TLS 1.2 client (curl --tls-max 1.2) is refused" test "$CODE" = 000

gnutls_cli() {
	timeout 10 gnutls-cli --priority "$1" --x509cafile "$BK/ca.pem" \
		--x509certfile "$BK/join/desk.pem" \
		--x509keyfile "$BK/join/desk.key" -p "$PORT" 127.0.0.1 \
		< /dev/null > /dev/null 2>&1
}
gnutls_cli "NORMAL:-VERS-ALL:+VERS-TLS1.3"
tls13=$?
gnutls_cli "NORMAL:-VERS-ALL:+VERS-TLS1.2"
tls12=$?
check "gnutls-cli gets in with TLS 1.3 and is refused with TLS 1.2 only" \
	test "$tls13" -eq 0 -a "$tls12" -ne 0
# Key exchange on elliptic curves only: a finite-field group costs the
# server up to 0.43 s of CPU a handshake (ffdhe8192).
kx=""
for g in FFDHE8192 FFDHE2048 X25519 SECP256R1 SECP384R1; do
	gnutls_cli "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-$g"
	kx="$kx $g=$?"
done
check "ffdhe8192 and ffdhe2048 are refused, X25519, P-256, P-384 get in ($kx)" \
	bash -c "[[ '$kx' =~ FFDHE8192=[1-9].*FFDHE2048=[1-9].*X25519=0\ SECP256R1=0\ SECP384R1=0 ]]"

# --- a desk founded alone attaches to the empty backend and pushes ---------
new_shop
od "$OWNER_PASS" import "$SAMPLE"
od "$OWNER_PASS" backup "$T/early.bak"

sync_desk --backend "https://127.0.0.1:$PORT" \
	--pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_fail "a wrong pin stops the desk with one clear line" 3 "pinned key"

sync_desk --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$T/o-ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_fail "a wrong shop CA stops the desk with one clear line" 3 \
	"not certified by this shop's CA"

api GET "/v1/log?after=0"
check "nothing reached the backend from the refused attempts" \
	test "$(head_seq)" = 0

sync_desk --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_ok "the desk attaches and syncs"
check "it pushed its whole log, genesis first" grep -q "pushed 301, pulled 0" \
	"$T/out"

# Then the owner's desk named the backend's key in the log (entry 302) and
# pushed it (app/sync/sync-log-key.h).
od "$OWNER_PASS" log --format json
check "the owner's desk named the backend's key: entry 302, shop.log-key" \
	test "$(jq -r '.[-1] | "\(.seq) \(.kind)"' "$T/out")" = "302 shop.log-key"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify replays the pushed log" \
	grep -q "Verified 302 log entries.*300 orders" "$T/verify.out"

api GET "/v1/log?after=0&limit=5"
check "GET /v1/log pages: 5 entries and the signed head at 302" \
	test "$(jq '.entries | length' "$T/resp")" = 5 -a "$(head_seq)" = 302

sync_desk
expect_ok "a second sync (saved settings) has nothing to do"
check "and says so" grep -q "pushed 0, pulled 0" "$T/out"

# --- statements sent by hand: bad signature, replay, same id other bytes ---
od "$OWNER_PASS" confirm 1001
od "$OWNER_PASS" log --format json
jq -c '{statements: [.[-1] | {statement, signature}]}' "$T/out" \
	> "$T/good.json"
jq -c '.statements[0].signature |= (if startswith("A") then "B" + .[1:]
	else "A" + .[1:] end)' "$T/good.json" > "$T/badsig.json"

api POST /v1/statements "$T/badsig.json"
check "a statement with a bad signature gets a refused receipt" \
	test "$CODE" = 200 -a \
	"$(jq -r '.receipts[0].result' "$T/resp")" = refused -a \
	"$(head_seq)" = 302
check "the refusal says why" \
	grep -qi "signature" <(jq -r '.receipts[0].reason' "$T/resp")

api POST /v1/statements "$T/good.json"
check "the same statement, rightly signed, is accepted as entry 303" \
	test "$(jq -r '.receipts[0].result + " " +
		(.receipts[0].seq | tostring)' "$T/resp")" = "accepted 303"
api POST /v1/statements "$T/good.json"
check "the same batch again is a duplicate, with no second effect" \
	test "$(jq -r '.receipts[0].result + " " +
		(.receipts[0].seq | tostring)' "$T/resp")" = "duplicate 303" -a \
	"$(head_seq)" = 303
api POST /v1/statements "$T/badsig.json"
check "a known id with another signature is refused, not a duplicate" \
	test "$(jq -r '.receipts[0].result' "$T/resp")" = refused -a \
	"$(head_seq)" = 303

sync_desk
expect_ok "the desk then finds the backend at its own head"

# --- malformed, truncated and oversized bodies; the server keeps serving ---
printf '{"statements": [{"statement": "x"' > "$T/trunc.json"
api POST /v1/statements "$T/trunc.json"
check "a truncated body gets 400" test "$CODE" = 400
printf '{"statements": [], "extra": 1}' > "$T/shape.json"
api POST /v1/statements "$T/shape.json"
check "a body of the wrong shape gets 400" test "$CODE" = 400
printf '{"statements": [{"statement": 5, "signature": "x"}]}' \
	> "$T/types.json"
api POST /v1/statements "$T/types.json"
check "a statement that is not a string gets 400" test "$CODE" = 400
head -c 5000000 /dev/zero | tr '\0' 'a' > "$T/big.json"
api POST /v1/statements "$T/big.json"
check "a body over max_body gets 413" test "$CODE" = 413
yes | head -c 6000000 > "$T/stream"
n413=$(grep -c 'refused a request: 413 the request body is too large' "$T/srv.log")
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" -H 'Transfer-Encoding: chunked' \
	-X POST -T "$T/stream" "https://127.0.0.1:$PORT/v1/statements" \
	2> /dev/null)
# Answered 413 as it passes the cap, and closed; the client, still
# sending, may see the connection reset before it reads the answer.
check "a chunked body past max_body gets 413, not read to its end ($CODE)" \
	test "$CODE" != 200 -a "$(grep -c 'refused a request: 413 the request body is too large' "$T/srv.log")" = $((n413 + 1))
api GET /v1/nothing
check "an unknown route gets 404" test "$CODE" = 404
api DELETE /v1/log
check "a wrong method gets 405" test "$CODE" = 405
api GET "/v1/log?after=-1"
check "a bad after= gets 400" test "$CODE" = 400
# Requests no client of ours sends, each answered with a status and the
# connection closed (libmicrohttpd let these through, or dropped them with
# no status).
H='Host: x\r\n'
raw "POST /v1/statements HTTP/1.1\r\n${H}Transfer-Encoding: bogus\r\n\r\n"
check "an unknown Transfer-Encoding gets 501 ($CODE)" test "$CODE" = 501
raw "POST /v1/statements HTTP/1.1\r\n${H}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
check "Content-Length and Transfer-Encoding together get 400 ($CODE)" \
	test "$CODE" = 400
args=$(for i in $(seq 1 2000); do printf 'a%d=1&' "$i"; done)
raw "GET /v1/log?${args}after=0 HTTP/1.1\r\n$H\r\n"
check "2,000 query arguments get 414 ($CODE)" test "$CODE" = 414
raw "GET /v1/log?after=0&limit=1&a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15 HTTP/1.1\r\n$H\r\n"
check "17 query arguments get 414 ($CODE)" test "$CODE" = 414
raw "GET /v1/log%%00?after=0 HTTP/1.1\r\n$H\r\n"
check "a NUL in the path (%00) gets 400, not /v1/log ($CODE)" test "$CODE" = 400
raw "GET /v1/lo%%00g?after=0 HTTP/1.1\r\n$H\r\n"
check "and so does a NUL in the middle of the path ($CODE)" test "$CODE" = 400
raw "GET /v1/log?after=0 HTTP/1.1\r\n\r\n"
check "an HTTP/1.1 request without Host gets 400 ($CODE)" test "$CODE" = 400
raw "GET /v1/log?after=0 HTTP/1.1\r\n${H}Host: y\r\n\r\n"
check "and one with two Host headers gets 400 ($CODE)" test "$CODE" = 400
raw "GET /v1/log?after=0 HTTP/1.1\r\n${H}Connection: close\r\n\r\n"
check "the same request with one Host gets 200 ($CODE)" test "$CODE" = 200
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" --path-as-is \
	"https://127.0.0.1:$PORT/v1/log%00?after=0" 2> /dev/null)
check "curl asking for /v1/log%00 gets 400 too ($CODE)" test "$CODE" = 400
api GET "/v1/log?after=301"
check "after all that the server still serves" \
	test "$CODE" = 200 -a "$(jq '.entries | length' "$T/resp")" = 2

# --- SIGHUP rereads the limits and keeps the port ---------------------------
sed -i 's/^max_batch = .*/max_batch = 1/' "$BK/orderdeskd.conf"
reload_backend
jq -c '{statements: (.statements + .statements)}' "$T/good.json" \
	> "$T/two.json"
api POST /v1/statements "$T/two.json"
check "after SIGHUP a batch over the new max_batch gets 413, same port" \
	test "$CODE" = 413
# One connection per address: a second one is answered 503 with
# Retry-After while the first stays open, and let in once it closes.
sed -i 's/^max_batch = .*/max_batch = 500/; s/^max_per_ip = .*/max_per_ip = 1/' \
	"$BK/orderdeskd.conf"
reload_backend
sleep 10 | timeout 20 gnutls-cli --x509cafile "$BK/ca.pem" \
	--x509certfile "$BK/join/desk.pem" --x509keyfile "$BK/join/desk.key" \
	-p "$PORT" 127.0.0.1 > "$T/holder.out" 2>&1 &
holder=$!
# The server counts a connection when it accepts it: once the handshake is
# done the first one holds the address's only place.
until_line "Handshake was completed" "$T/holder.out"
CODE=$(curl -sS -o "$T/resp" -D "$T/hdr" -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" "https://127.0.0.1:$PORT/v1/log?after=300" \
	2> "$T/curl.err")
busy=$CODE
kill "$holder" 2> /dev/null
wait "$holder" 2> /dev/null
check "max_per_ip: a second connection gets 503, Retry-After and a JSON error" \
	bash -c "[ '$busy' = 503 ] && grep -qi '^retry-after: [0-9]' '$T/hdr' &&
		jq -e '.error | length > 0' '$T/resp' > /dev/null"
# The server uncounts the first connection once it sees it closed: until
# then it answers 503 with Retry-After, so ask again as a client would
# (at most 10 s).
for _ in $(seq 1 100); do
	api GET "/v1/log?after=300"
	[ "$CODE" = 503 ] || break
	sleep 0.1
done
check "max_per_ip: once the first connection closes the next one gets 200" \
	test "$CODE" = 200
sed -i 's/^max_per_ip = .*/max_per_ip = 16/' "$BK/orderdeskd.conf"
reload_backend

# A slow loris sending its body a byte per second gets 408 once
# request_time has passed, while another client is served meanwhile.
sed -i 's/^request_time = .*/request_time = 2/' "$BK/orderdeskd.conf"
reload_backend
start=$(date +%s%N)
(printf 'POST /v1/statements HTTP/1.1\r\nHost: x\r\nContent-Length: 60\r\n\r\n'
 for i in $(seq 1 30); do printf a; sleep 1; done) |
	timeout 40 gnutls-cli --x509cafile "$BK/ca.pem" \
	--x509certfile "$BK/join/desk.pem" --x509keyfile "$BK/join/desk.key" \
	-p "$PORT" 127.0.0.1 > "$T/loris.out" 2>&1 &
loris=$!
sleep 0.5
api GET "/v1/log?after=300"
meanwhile=$CODE
wait "$loris" 2> /dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
check "a slow body gets 408 after request_time (${took} ms), others served meanwhile" \
	bash -c "[ '$meanwhile' = 200 ] && [ '$took' -lt 8000 ] &&
		grep -q '^HTTP/1.1 408 ' '$T/loris.out' &&
		grep -q '\"error\"' '$T/loris.out'"

# One that never finishes its headers cannot be answered: the watchdog cuts
# it off at request_time, and the others are served meanwhile.
# (Through a fifo: waiting for a pipeline would wait for its silent
# writer too, not for the cut.)
mkfifo "$T/silent.in"
(printf 'POST /v1/statements HTTP/1.1\r\nHost: x\r\n'; exec sleep 30) \
	> "$T/silent.in" &
feeder=$!
start=$(date +%s%N)
timeout 40 gnutls-cli --x509cafile "$BK/ca.pem" \
	--x509certfile "$BK/join/desk.pem" --x509keyfile "$BK/join/desk.key" \
	-p "$PORT" 127.0.0.1 < "$T/silent.in" > "$T/silent.out" 2>&1 &
loris=$!
sleep 0.5
api GET "/v1/log?after=300"
meanwhile=$CODE
wait "$loris" 2> /dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
kill "$feeder" 2> /dev/null
wait "$feeder" 2> /dev/null
check "a silent loris is cut off at request_time (${took} ms), others served meanwhile" \
	bash -c "[ '$meanwhile' = 200 ] && [ '$took' -lt 8000 ] &&
		! grep -q '^HTTP/1.1' '$T/silent.out' &&
		grep -q 'closed a connection: its request took longer' \
			'$T/srv.log'"
sed -i 's/^request_time = .*/request_time = 30/' "$BK/orderdeskd.conf"
reload_backend

# --- a second desk pulls, verifies and then refuses a divergent history ----
"$ODD" --dir "$BK" desk add desk-2 > /dev/null
DESK1="$STORE"
STORE="$T/desk2"
od_as owner "$OWNER_PASS" restore "$T/early.bak"
sync_desk --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/desks/desk-2/ca.pem" --cert "$BK/desks/desk-2/desk.pem" \
	--key "$BK/desks/desk-2/desk.key"
expect_ok "a second desk (restored from an early backup) syncs"
check "it pulled what the first desk pushed (the key named, a confirm)" \
	grep -q "pulled 2;" "$T/out"
od "$OWNER_PASS" audit verify
expect_ok "the second desk's audit verifies after the pull"
od "$OWNER_PASS" list --format csv
cp "$T/out" "$T/list2"
STORE="$DESK1" od "$OWNER_PASS" list --format csv
check "both desks show the same orders" \
	bash -c "[ \$(wc -l < '$T/list2') -eq 301 ] && cmp -s '$T/out' '$T/list2'"

# Statements made apart are not a divergence: desk 2's note waits, desk 1's
# lands first, and desk 2's follows it (tests/e2e/test-sync-apart.sh has
# the rest).
cp -a "$STORE" "$T/desk2.early"
cp -a "$BK" "$T/bk.early"
od "$OWNER_PASS" note 1002 "called the customer"
STORE="$DESK1" od "$OWNER_PASS" note 1003 "gift wrap"
STORE="$DESK1" sync_desk
sync_desk
expect_ok "a desk whose note waited while another desk's landed syncs"
STORE="$DESK1" sync_desk
od "$OWNER_PASS" log --format json
cp "$T/out" "$T/log2.before"
STORE="$DESK1" od "$OWNER_PASS" log --format json
check "both desks then hold the same 305 entries" \
	bash -c "[ \$(jq length '$T/out') -eq 305 ] &&
		cmp -s '$T/out' '$T/log2.before'"

# Accepted history told otherwise is a divergence: the backend is put back
# as it was at entry 303 (a restored disk), a copy of desk 2 from then
# signs other entries 304 and 305, and desk 2 has verified the first ones.
kill -TERM "$SRV_PID"
wait "$SRV_PID"
SRV_PID=""
rm -rf "$BK"
cp -a "$T/bk.early" "$BK"
start_backend "$BK" "$PORT"
DESK2="$STORE"
STORE="$T/desk2.early"
od "$OWNER_PASS" note 1004 "other history"
od "$OWNER_PASS" note 1005 "other history"
sync_desk
expect_ok "an old copy of desk 2 pushes other entries to the put-back backend"
STORE="$DESK2"
sync_desk
expect_fail "a backend whose accepted history differs stops sync loudly" 6 \
	"DIVERGED"
od "$OWNER_PASS" log --format json
check "and the desk's own history is left as it was" \
	bash -c "[ -s '$T/out' ] && cmp -s '$T/out' '$T/log2.before'"
od "$OWNER_PASS" audit verify
expect_ok "and still verifies"

# --- the log keeps customers out; SIGTERM stops cleanly; offline desk ------
check "the server's log holds no customer data and no key" \
	bash -c "! grep -qE 'Schäfer|陳大文|BEGIN|gift wrap' '$T/srv.log'"
kill -TERM "$SRV_PID"
status=1
# At most 30 s: a sanitizer build on a busy machine is slow to wind down.
for i in $(seq 1 600); do
	if ! kill -0 "$SRV_PID" 2> /dev/null; then
		wait "$SRV_PID"
		status=$?
		break
	fi
	sleep 0.05
done
SRV_PID=""
# On failure, show how the server ended (a sanitizer report, say).
[ "$status" -eq 0 ] || tail -30 "$T/srv.log" | sed 's/^/# /'
check "SIGTERM stops the server cleanly" \
	test "$status" -eq 0 -a -n "$(grep 'stopped (SIGTERM)' "$T/srv.log")"
STORE="$DESK1"
sync_desk
expect_fail "with the backend down the desk says it works offline" 1 \
	"cannot reach the backend"
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "the backend's log still verifies at the end" \
	grep -q "Verified 305 log entries" "$T/verify.out"

# --- the backend killed in the middle of a push, then restarted -----------
BK2="$T/bk2"
"$ODD" --dir "$BK2" init --shop "Test shop" > "$T/init2.out" 2>&1
PIN2=$(sed -n 's/^backend pin: *//p' "$T/init2.out")
STORE="$T/desk3"
new_shop
"$TOOLS/gen-orders" 3000 7 > "$T/many.json"
od "$OWNER_PASS" import "$T/many.json"
start_backend "$BK2"
PORT2=$PORT
"$OD" --store "$STORE" --passphrase-fd 3 sync --backend \
	"https://127.0.0.1:$PORT2" --pin "$PIN2" --ca "$BK2/join/ca.pem" \
	--cert "$BK2/join/desk.pem" --key "$BK2/join/desk.key" \
	> "$T/bg.out" 2> "$T/bg.err" 3< <(printf '%s\n' "$OWNER_PASS") &
sync_pid=$!
until_line "accepted" "$T/srv.log"
kill -9 "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
SRV_PID=""
wait "$sync_pid"
bg_status=$?
cut=$(grep -o '[0-9]* accepted' "$T/srv.log" | awk '{n += $1} END {print n + 0}')
check "a sync cut by kill -9 of the backend fails with one line ($cut entries in)" \
	test "$bg_status" -ne 0 -a "$(wc -l < "$T/bg.err")" -eq 1 -a "$cut" -lt 3001
start_backend "$BK2" "$PORT2"
check "the backend restarts on its port" test "$PORT" = "$PORT2"
sync_desk
expect_ok "the next sync finishes the push"
"$ODD" --dir "$BK2" verify > "$T/verify.out" 2>&1
check "nothing was lost or applied twice: 3002 entries that verify (the key named last)" \
	grep -q "Verified 3002 log entries.*3000 orders" "$T/verify.out"
kill -TERM "$SRV_PID"
wait "$SRV_PID"
SRV_PID=""

finish
