#!/usr/bin/env bash
# The backend's security events summary on the owner's desk, with the real
# programs on 127.0.0.1: refused handshakes (gnutls-cli and curl speaking
# TLS 1.2) and refused requests (curl without a certificate) are kept by
# orderdeskd; the owner's sync fetches the summary (POST
# /v1/events/summary, signed by the owner's key; a sync asks every 10
# minutes at most, --fetch at once) and `orderdesk audit events` prints it;
# a shopkeeper gets the backend's 403, their syncs ask nothing and the desk
# shows them nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq gnutls-cli

MEI="mei shopkeeper pass"

# post BODY_FILE: the route with the desk's certificate; status in $CODE.
post() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
		--key "$BK/join/desk.key" -H 'Content-Type: application/json' \
		--data-binary "@$1" "https://127.0.0.1:$PORT/v1/events/summary" \
		2> /dev/null)
}

# knock N: N refused TLS 1.2 handshakes from gnutls-cli.
knock() {
	local i
	for i in $(seq 1 "$1"); do
		timeout 20 gnutls-cli --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' \
			--x509cafile "$BK/ca.pem" -p "$PORT" 127.0.0.1 \
			< /dev/null > /dev/null 2>&1
	done
}

# anonymous N: N requests without a certificate (401: request-refused).
anonymous() {
	local i
	for i in $(seq 1 "$1"); do
		curl -sS -o /dev/null -k --max-time 10 \
			"https://127.0.0.1:$PORT/v1/log?after=0" 2> /dev/null
	done
}

# refused: how many request-refused events the backend holds.
refused() {
	"$ODD" --dir "$BK" events --kind request-refused | grep -c request-refused
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop
od_as owner "$OWNER_PASS" user add mei --role shopkeeper \
	--new-passphrase-fd 4 4< <(printf '%s\n' "$MEI")
expect_ok "the owner adds mei, a shopkeeper"
od_as owner "$OWNER_PASS" audit events
expect_fail "before any sync there is no summary to show" 4 \
	"no summary of the backend's security events yet"

knock 4
anonymous 3
attach_desk "$PORT" join
expect_ok "the owner's desk attaches and syncs"
od_as owner "$OWNER_PASS" audit events
expect_ok "orderdesk audit events prints the kept summary"
cp "$T/out" "$T/first"
# A refused handshake is kept with the address it came from.
check "it counts the 4 refused handshakes from 127.0.0.1" \
	grep -Eq '^ +4  handshake-refused +127\.0\.0\.1 ' "$T/first"
check "and the 3 refused requests from 127.0.0.1" \
	grep -Eq '^ +3  request-refused +127\.0\.0\.1 ' "$T/first"
check "in the last 24h, with when it was fetched" \
	grep -q "in the 24h before .* UTC (fetched at a sync): 7 in all" \
	"$T/first"
"$ODD" --dir "$BK" events --summary > "$T/bsum" 2>&1
check "the same counts as orderdeskd events --summary" bash -c \
	"grep -Eq '^ +4  handshake-refused +127\\.0\\.0\\.1 ' '$T/bsum' &&
	 grep -Eq '^ +3  request-refused +127\\.0\\.0\\.1 ' '$T/bsum'"

# --- a shopkeeper ------------------------------------------------------------
od_as mei "$MEI" audit events
expect_fail "a shopkeeper's desk shows them nothing" 4 \
	"only the shop's owner sees the backend's security events"
check "and prints no summary" test ! -s "$T/out"
before=$(refused)
od_as mei "$MEI" sync
expect_ok "the shopkeeper syncs"
check "a shopkeeper's sync does not ask for the summary" \
	test "$(refused)" = "$before"
od_as mei "$MEI" audit events --fetch
expect_fail "the backend answers a shopkeeper's signed request 403" 3 \
	"403: only the shop's owner may read the backend's security events"
check "and keeps it as a refused request" \
	test "$(refused)" = $((before + 1))

# --- the owner again: a sync asks every 10 minutes, --fetch at once ---------
anonymous 2
od_as owner "$OWNER_PASS" sync
od_as owner "$OWNER_PASS" audit events
check "a sync within 10 minutes of the last ask keeps the summary (3)" \
	grep -Eq '^ +3  request-refused ' "$T/out"
od_as owner "$OWNER_PASS" audit events --fetch
expect_ok "--fetch asks the backend now"
# 3, mei's refused ask and the 2 since.
check "and brings what came since (6)" \
	grep -Eq '^ +6  request-refused ' "$T/out"

# --- the route itself, from curl ---------------------------------------------
FP="sha256:$(printf '0%.0s' $(seq 64))"
printf '{"request": "orderdesk-events/1\\nactor: mei\\nkey: %s\\ntime: %s\\nwindow: 86400\\n", "signature": "%s"}' \
	"$FP" "$(date +%s)" "$(head -c 64 /dev/zero | base64 -w0)" \
	> "$T/mei.json"
post "$T/mei.json"
check "a request in a shopkeeper's name gets 403 ($CODE)" \
	test "$CODE" = 403 -a "$(jq -r .error "$T/resp")" = \
	"only the shop's owner may read the backend's security events"
sed 's/actor: mei/actor: owner/' "$T/mei.json" > "$T/forged.json"
post "$T/forged.json"
check "the owner's name without the owner's key gets 403 ($CODE)" \
	test "$CODE" = 403
printf '{"request": "orderdesk-events/1\\n"}' > "$T/bad.json"
post "$T/bad.json"
check "a malformed request gets 400 ($CODE)" test "$CODE" = 400
CODE=$(curl -sS -o /dev/null -w '%{http_code}' -k --max-time 10 \
	-H 'Content-Type: application/json' --data-binary "@$T/mei.json" \
	"https://127.0.0.1:$PORT/v1/events/summary" 2> /dev/null)
check "without a certificate: 401 ($CODE)" test "$CODE" = 401

# An unreachable backend leaves the kept summary as it was.
stop_backend
od_as owner "$OWNER_PASS" sync
od_as owner "$OWNER_PASS" audit events
check "offline, the last summary stays" \
	grep -Eq '^ +6  request-refused ' "$T/out"
finish
