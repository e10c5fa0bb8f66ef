#!/usr/bin/env bash
# Failed unlocks on a desk reach the backend's security events: a wrong
# passphrase cannot open the encrypted store, so the desk keeps a small
# record beside it (count, first and last time; 0600; never the passphrase)
# and its next successful sync reports it; `orderdeskd events` lists it as
# unlock-failed with the desk's certificate name, once.  No event, log line
# or record holds a passphrase tried or the right one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl openssl

REC="$STORE/unlock-failures"
"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
start_backend
new_shop
od "$OWNER_PASS" import "$SAMPLE"
attach_desk "$PORT" join
expect_ok "a desk attaches"
DESK=$(openssl x509 -in "$BK/join/desk.pem" -noout -subject -nameopt multiline |
	sed -n 's/^ *commonName *= *//p')

for n in 1 2 3; do
	od "Wrong guess number $n" list
	[ "$RC" -ne 0 ] || not_ok "wrong passphrase $n was accepted"
done
check "three wrong passphrases leave a record beside the store, mode 0600" \
	test "$(stat -c %a "$REC" 2> /dev/null)" = 600
check "it counts 3 and holds no passphrase" \
	bash -c "grep -qx 'count 3' '$REC' && ! grep -q 'Wrong guess\|$OWNER_PASS' '$REC'"
od "$OWNER_PASS" sync
expect_ok "the right passphrase unlocks and syncs"
check "the sync says it reported 3 failed unlocks" \
	grep -q "Reported 3 failed unlocks of this desk" "$T/out"
check "and the record is gone" test ! -e "$REC"
"$ODD" --dir "$BK" events --kind unlock-failed > "$T/ev" 2>&1
check "orderdeskd events lists unlock-failed with the desk's name ($DESK)" \
	bash -c "grep -q 'unlock-failed' '$T/ev' && grep -qF '$DESK' '$T/ev' &&
		grep -q '3 failed unlocks at the desk' '$T/ev'"
od "$OWNER_PASS" sync
"$ODD" --dir "$BK" events --kind unlock-failed > "$T/ev2" 2>&1
check "a second sync reports nothing again" \
	test "$(grep -c 'unlock-failed' "$T/ev2")" = 1
"$ODD" --dir "$BK" events --summary > "$T/sum" 2>&1
check "the summary counts it" grep -q "unlock-failed" "$T/sum"

# One wrong try, then the backend away: the record waits for a sync.
od "Another wrong one" list
stop_backend
od "$OWNER_PASS" sync
check "unreached, the record stays for the next sync" \
	grep -qx 'count 1' "$REC"

# A malformed report is refused.
start_backend "$BK" "$PORT"
CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key" -H 'Content-Type: application/json' \
	--data-binary '{"count": -1, "first": 0, "last": 0}' \
	"https://127.0.0.1:$PORT/v1/unlock-failures")
check "a report with a bad count gets 400" test "$CODE" = 400
od "$OWNER_PASS" sync
check "the next sync reports the one" \
	grep -q "Reported 1 failed unlocks" "$T/out"

"$ODD" --dir "$BK" events > "$T/all" 2>&1
cat "$T/srv.log" "$T/ev" >> "$T/all"
leaks=""
for m in "Wrong guess" "Another wrong" "$OWNER_PASS"; do
	grep -qF -- "$m" "$T/all" && leaks="$leaks [$m]"
done
check "no event or log line holds a passphrase${leaks}" test -z "$leaks"
stop_backend
finish
