#!/usr/bin/env bash
# The log's checkpoint and proofs over real mutual TLS: curl fetches a
# signed checkpoint and inclusion and consistency proofs from orderdeskd,
# and od-proof checks them from the verifier key `orderdeskd key` prints
# and the entries `orderdesk log --export` writes, as a third party would;
# tampered checkpoints, another key, a wrong entry and bad asks are refused;
# the desk keeps the newest checkpoint it verified and refuses one that
# does not extend it (a backend whose signed tree was edited: a fork).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq

# get PATH [CERT KEY]: a GET with the first desk's certificate (or CERT
# and KEY); the answer in $T/resp, the HTTP status in $CODE.
get() {
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 10 \
		--cacert "$BK/ca.pem" --cert "${2:-$BK/join/desk.pem}" \
		--key "${3:-$BK/join/desk.key}" \
		"https://127.0.0.1:$PORT$1" 2> "$T/curl.err")
}

# checkpoint FILE: the newest checkpoint's note into FILE, exactly.
checkpoint() {
	get /v1/checkpoint && jq -j .checkpoint "$T/resp" > "$1"
}

# proof NAME ARGS...: od-proof NAME ARGS..., its output in $T/proof.out.
proof() {
	"$TOOLS/od-proof" "$@" > "$T/proof.out" 2>&1
}

"$ODD" --dir "$BK" init --shop "Test shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
VKEY=$("$ODD" --dir "$BK" key)
check "orderdeskd init and key print the same log key, in signed-note form" \
	test -n "$VKEY" -a "$(sed -n 's/^log key: *//p' "$T/init.out")" = \
	"$VKEY" -a "${VKEY%%+*}" = "orderdesk/Test-shop"
start_backend

# --- an empty log has a checkpoint of size 0 --------------------------------
checkpoint "$T/cp0"
proof checkpoint "$VKEY" "$T/cp0"
check "the empty log's checkpoint verifies: size 0, the root of nothing" \
	grep -q "^0 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=$" \
	"$T/proof.out"

# --- a desk pushes its log; the checkpoint and proofs verify ---------------
new_shop
jq '.[0:7]' "$SAMPLE" > "$T/seven.json"
od "$OWNER_PASS" import "$T/seven.json"
od "$OWNER_PASS" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--ca "$BK/join/ca.pem" --cert "$BK/join/desk.pem" \
	--key "$BK/join/desk.key"
expect_ok "the desk pushes its log (genesis and 7 orders)"
# then names the backend's key in it (entry 9, app/sync/sync-log-key.h)
od "$OWNER_PASS" log --format json
check "the owner's desk named the log key: entry 9, shop.log-key" \
	test "$(jq -r '.[-1] | "\(.seq) \(.kind)"' "$T/out")" = "9 shop.log-key"

checkpoint "$T/cp9"
proof checkpoint "$VKEY" "$T/cp9"
check "GET /v1/checkpoint: a signed note of 9 entries that verifies" \
	grep -q "^9 " "$T/proof.out"

od "$OWNER_PASS" log --export "$T/export"
ok=0
for seq in 1 5 9; do
	get "/v1/proof/inclusion?index=$((seq - 1))&size=9"
	cp "$T/resp" "$T/incl$seq.json"
	proof inclusion "$VKEY" "$T/cp9" "$T/incl$seq.json" \
		"$T/export/$seq.statement" "$T/export/$seq.sig" &&
		ok=$((ok + 1))
done
check "inclusion proofs of entries 1, 5 and 9 verify against the exported entries" \
	test "$ok" = 3
proof inclusion "$VKEY" "$T/cp9" "$T/incl5.json" \
	"$T/export/4.statement" "$T/export/4.sig"
check "entry 4's bytes with entry 5's proof are refused" \
	grep -q "does not lead to the checkpoint's root" "$T/proof.out"

# --- the log grows; the new checkpoint extends the old one -------------------
od "$OWNER_PASS" confirm "$(jq -r '.[0].number' "$SAMPLE")"
od "$OWNER_PASS" confirm "$(jq -r '.[1].number' "$SAMPLE")"
od "$OWNER_PASS" sync
checkpoint "$T/cp11"
get "/v1/proof/consistency?old=9&size=11"
cp "$T/resp" "$T/cons.json"
proof consistency "$VKEY" "$T/cp9" "$T/cp11" "$T/cons.json"
check "a consistency proof from 9 to 11 entries verifies" \
	grep -q "extends the one of 9" "$T/proof.out"
get "/v1/proof/consistency?old=4&size=11"
cp "$T/resp" "$T/cons4.json"
proof consistency "$VKEY" "$T/cp9" "$T/cp11" "$T/cons4.json"
check "a proof from another old size is refused" test $? -ne 0 -a -s "$T/proof.out"
jq '.proof[0] |= "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="' "$T/cons.json" \
	> "$T/cons-bad.json"
proof consistency "$VKEY" "$T/cp9" "$T/cp11" "$T/cons-bad.json"
check "a consistency proof with a hash changed is refused as a fork" \
	grep -q "forked or rewritten" "$T/proof.out"

# --- tampered checkpoints and another log's key ------------------------------
sed 's/^11$/12/' "$T/cp11" > "$T/cp-size"
proof checkpoint "$VKEY" "$T/cp-size"
check "a checkpoint whose size was changed is refused" \
	grep -q "does not verify" "$T/proof.out"
head -c -1 "$T/cp11" > "$T/cp-cut"
proof checkpoint "$VKEY" "$T/cp-cut"
check "a checkpoint cut short (no final newline) is refused" \
	grep -q "newline" "$T/proof.out"
"$ODD" --dir "$T/bk2" init --shop "Test shop" > /dev/null 2>&1
proof checkpoint "$("$ODD" --dir "$T/bk2" key)" "$T/cp11"
check "another backend's key for a shop of the same name does not verify it" \
	grep -q "not signed by orderdesk/Test-shop" "$T/proof.out"

# --- bad asks and who may ask ------------------------------------------------
bad=""
for q in "inclusion?index=11&size=11" "inclusion?index=0&size=12" \
	 "inclusion?size=11" "inclusion?index=01&size=11" \
	 "consistency?old=0&size=11" "consistency?old=12&size=11" \
	 "consistency?old=5"; do
	get "/v1/proof/$q"
	[ "$CODE" = 400 ] && jq -e .error "$T/resp" > /dev/null || bad="$bad $q:$CODE"
done
check "a bad proof request gets 400 saying why ($bad)" test -z "$bad"
get "/v1/proof/inclusion?index=0&size=12"
check "a size past the log names the log's size" \
	grep -q "has 11 entries" <(jq -r .error "$T/resp")
CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
	--cacert "$BK/ca.pem" "https://127.0.0.1:$PORT/v1/checkpoint" \
	2> /dev/null)
check "without a certificate: 401" test "$CODE" = 401
curl -sS -o "$T/resp" --max-time 10 -X POST --cacert "$BK/ca.pem" \
	--cert "$BK/join/desk.pem" --key "$BK/join/desk.key" \
	"https://127.0.0.1:$PORT/v1/checkpoint" > /dev/null 2>&1
check "POST /v1/checkpoint: 405 naming GET" \
	grep -q "use GET for /v1/checkpoint" <(jq -r .error "$T/resp")

# --- the desk keeps the newest checkpoint it verified -----------------------
# desk_meta KEY: a meta value of the desk's store, as its owner reads it.
desk_meta() {
	"$TOOLS/od-tamper" "$STORE" owner \
		"SELECT value FROM meta WHERE key = '$1'" \
		<<< "$OWNER_PASS" | head -c -1
}
desk_meta sync.checkpoint > "$T/kept"
proof checkpoint "$VKEY" "$T/kept"
check "after sync the desk keeps the backend's checkpoint of 11 entries, checkable with the log key" \
	grep -q "^11 " "$T/proof.out"

# --- offline proofs: written on the desk, checked with the log key alone ------
N1=$(jq -r '.[0].number' "$SAMPLE")
od "$OWNER_PASS" audit proof --order "$N1" --out "$T/proofs"
expect_ok "audit proof writes the proofs of order $N1's entries"
check "an entry's .entry is its .statement then its .sig (log --export's)" \
	cmp "$T/proofs/2.entry" <(cat "$T/export/2.statement" "$T/export/2.sig")
check "its .proof is a C2SP tlog-proof@v1 for leaf 1" \
	test "$(head -2 "$T/proofs/2.proof" | tr '\n' ' ')" = \
	"c2sp.org/tlog-proof@v1 index 1 "
"$OD" audit check-proof "$T/proofs" --log-key "$VKEY" > "$T/out" 2> "$T/err"
RC=$?
expect_ok "audit check-proof checks them with the log key alone (no store)"
check "it names each entry and the checkpoint" \
	grep -q "entry 2 is in orderdesk/Test-shop's log of 11 entries" "$T/out"
cp -r "$T/proofs" "$T/proofs-bad"
flip_byte "$T/proofs-bad/2.entry" 40
"$OD" audit check-proof "$T/proofs-bad/2.proof" --log-key "$VKEY" \
	> "$T/out" 2> "$T/err"
RC=$?
expect_fail "an altered entry is refused, naming its file" 6 \
	"2.proof: the inclusion proof does not lead to the checkpoint's root"
"$OD" audit check-proof "$T/proofs" \
	--log-key "$("$ODD" --dir "$T/bk2" key)" > "$T/out" 2> "$T/err"
RC=$?
expect_fail "another log's key does not check them" 6 "not signed by"

# --- a backend whose signed tree is not the log it serves: a fork ------------
stop_backend
"$TOOLS/od-backend-sql" "$BK" \
	"UPDATE merkle SET hash = zeroblob(32) WHERE level = 3 AND idx = 0"
start_backend "$BK" "$PORT"
od "$OWNER_PASS" confirm "$(jq -r '.[2].number' "$SAMPLE")"
od "$OWNER_PASS" sync
expect_fail "the desk refuses a checkpoint that does not extend the one it kept, naming the fork" \
	6 "checkpoint of 12 entries does not extend the one this desk verified before \(11 entries\): the backend forked the log"
desk_meta sync.checkpoint.fork > "$T/fork"
proof checkpoint "$VKEY" "$T/fork"
check "the refused checkpoint is kept, signed by the log key: evidence for anyone" \
	grep -q "^12 " "$T/proof.out"
get "/v1/proof/consistency?old=11&size=12"
cp "$T/resp" "$T/cons-fork.json"
proof consistency "$VKEY" "$T/kept" "$T/fork" "$T/cons-fork.json"
check "and a third party finds the two signed checkpoints inconsistent" \
	grep -q "forked or rewritten" "$T/proof.out"
check "the kept checkpoint is still the one of 11 entries" \
	test "$(desk_meta sync.checkpoint)" = "$(cat "$T/kept")"

stop_backend
"$ODD" --dir "$BK" verify > "$T/verify.out" 2>&1
check "orderdeskd verify still replays the log (the tree is beside it)" \
	grep -q "Verified 12 log entries" "$T/verify.out"
finish
