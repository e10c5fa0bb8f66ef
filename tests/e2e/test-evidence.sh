#!/usr/bin/env bash
# Evidence files with the real binaries and a real backend on 127.0.0.1: a
# delivery with a proof of delivery (PDF) and a photo (JPEG) signs their
# SHA-256 into the statement, keeps the bytes encrypted in the store (a
# marker inside them is in no file of the store), sends them to the backend
# with the log, and a second desk fetches them and writes out the same
# bytes.  The backend takes only bytes that hash to their name and only
# names the log gives; a file changed on the backend is refused by the
# desk that fetches it; an 11 MiB file is refused before anything is signed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl jq sha256sum
[ -x "$TOOLS/od-backend-sql" ] ||
	{ not_ok "build $TOOLS/od-backend-sql first"; exit 1; }

OLIVIA="olivia owner pass"
A="$T/desk-a"
B="$T/desk-b"
C="$T/desk-c"

# at DIR ARGS...: orderdesk on store DIR as olivia; stdout in $T/out,
# stderr in $T/err, status in $RC.
at() {
	local dir=$1
	shift
	"$OD" --store "$dir" --passphrase-fd 3 "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$OLIVIA")
	RC=$?
}

# api METHOD PATH [BODYFILE]: curl with the join bundle's desk certificate;
# the answer in $T/resp, the status in $CODE.
api() {
	local body=()
	[ $# -ge 3 ] && body=(-H 'Content-Type: application/json'
			      --data-binary "@$3")
	CODE=$(curl -sS -o "$T/resp" -w '%{http_code}' --max-time 20 \
		--cacert "$BK/ca.pem" --cert "$BK/join/desk.pem" \
		--key "$BK/join/desk.key" -X "$1" "${body[@]}" \
		"https://127.0.0.1:$PORT$2" 2> "$T/curl.err")
}

# join DIR: a new desk in DIR, joined with an invite from desk A.
join() {
	at "$A" --user olivia desk invite
	local code
	code=$(sed -n 's/^join code: \([^ ]*\).*/\1/p' "$T/out")
	at "$1" init --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
		--code "$code" --desk-name "$(basename "$1")"
}

# --- the files: a PDF and a JPEG, each with a marker inside ------------------
printf '%%PDF-1.4\n%% proof of delivery EVIDENCE-MARKER-PDF-4417\n%%%%EOF\n' \
	> "$T/pod.pdf"
{ printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00'
  printf 'parcel photo EVIDENCE-MARKER-JPG-8821'
  head -c 300000 /dev/urandom; printf '\xff\xd9'; } > "$T/parcel.jpg"
PDF_HEX=$(sha256sum < "$T/pod.pdf" | cut -d' ' -f1)
JPG_HEX=$(sha256sum < "$T/parcel.jpg" | cut -d' ' -f1)
head -c $((11 * 1024 * 1024)) /dev/zero > "$T/big.jpg"
# Exactly 10 MiB, the most one file may be: past the backend's max_body.
{ printf '%%PDF-1.4\n'; head -c $((10 * 1024 * 1024 - 9)) /dev/urandom; } \
	> "$T/scan.pdf"
SCAN_HEX=$(sha256sum < "$T/scan.pdf" | cut -d' ' -f1)

# --- a backend, desk A founding the shop with orders -------------------------
"$ODD" --dir "$BK" init --shop "Evidence shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
CODE1=$(sed -n 's/^join code: *//p' "$T/init.out")
start_backend
check "the backend serves" test -n "$PORT"
at "$A" init --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
	--code "$CODE1" --owner olivia
expect_ok "desk A founds the shop on the backend"
at "$A" --user olivia import "$SAMPLE"
expect_ok "the sample orders import"
at "$A" --user olivia confirm 1001 1002
at "$A" --user olivia ship 1001 --carrier DHL --tracking JD01
at "$A" --user olivia ship 1002 --carrier DHL --tracking JD02
expect_ok "orders 1001 and 1002 ship"

# --- too large: refused, nothing signed --------------------------------------
at "$A" --user olivia log --order 1002
BEFORE=$(wc -l < "$T/out")
at "$A" --user olivia deliver 1002 --evidence "$T/pod.pdf" \
	--evidence "$T/big.jpg"
expect_fail "an 11 MiB file is refused in one line" 5 \
	"big.jpg is 11534336 bytes; a file must be 1 byte to 10 MiB.*nothing was signed"
at "$A" --user olivia log --order 1002
check "nothing was signed for 1002" test "$(wc -l < "$T/out")" -eq "$BEFORE"
at "$A" --user olivia evidence list 1002
check "and no evidence is named for 1002" \
	grep -q "^Order 1002 names no evidence files.$" "$T/out"
at "$A" --user olivia evidence list 9999
expect_fail "evidence list of no order says so" 4 "no order 9999"
at "$A" --user olivia deliver 1002 --evidence "$T/scan.pdf"
expect_ok "a file of exactly 10 MiB is taken"

# --- deliver with a PDF and a JPEG -------------------------------------------
at "$A" --user olivia deliver 1001 --parcel JD01 --evidence "$T/pod.pdf" \
	--evidence "$T/parcel.jpg"
expect_ok "order 1001 is delivered with a PDF and a JPEG"
at "$A" --user olivia log --order 1001
check "the signed statement names the PDF by its SHA-256 (sha256sum)" \
	grep -q "^evidence: sha256:$PDF_HEX\$" "$T/out"
check "and the JPEG" grep -q "^evidence: sha256:$JPG_HEX\$" "$T/out"
at "$A" --user olivia evidence list 1001
check "evidence list shows both, with size and sniffed type" \
	bash -c "grep -q 'sha256:$PDF_HEX .*shipment.deliver .*bytes application/pdf' '$T/out' &&
		 grep -q 'sha256:$JPG_HEX .* $(stat -c %s "$T/parcel.jpg") bytes image/jpeg' '$T/out'"
check "no file of the store holds either marker in plaintext" \
	bash -c "! grep -rqa -e EVIDENCE-MARKER-PDF -e EVIDENCE-MARKER-JPG '$A'"
at "$A" --user olivia evidence get "sha256:$PDF_HEX" "$T/a.pdf"
expect_ok "evidence get writes the PDF out"
check "byte for byte the same" cmp -s "$T/pod.pdf" "$T/a.pdf"
check "mode 0600" test "$(stat -c %a "$T/a.pdf")" = 600
at "$A" --user olivia evidence get "$PDF_HEX" "$T/a.pdf"
expect_fail "evidence get never writes over a file" 4 "a.pdf"
at "$A" --user olivia evidence get "sha256:$(printf %064d 0)" "$T/zero"
expect_fail "a name nobody signed: not here yet" 4 "not here yet: sync first"

# --- the backend: only bytes that hash to their name, only named ones -------
at "$A" --user olivia sync
expect_ok "desk A syncs"
check "the sync sends the three files (one of 10 MiB)" \
	grep -q "sent 3, fetched 0" "$T/out"
check "the backend holds no marker in plaintext either" \
	bash -c "! grep -rqa -e EVIDENCE-MARKER-PDF -e EVIDENCE-MARKER-JPG '$BK'"
printf '{"hash":"sha256:%s","data":"%s"}' "$PDF_HEX" \
	"$(printf 'not the pdf' | base64 -w0)" > "$T/wrong.json"
api POST /v1/evidence "$T/wrong.json"
check "the backend refuses bytes that do not hash to their name (422)" \
	test "$CODE" = 422
OTHER=$(printf 'unsigned' | sha256sum | cut -d' ' -f1)
printf '{"hash":"sha256:%s","data":"%s"}' "$OTHER" \
	"$(printf 'unsigned' | base64 -w0)" > "$T/unnamed.json"
api POST /v1/evidence "$T/unnamed.json"
check "and a file no log entry names (404)" test "$CODE" = 404
api GET "/v1/evidence/sha256:$PDF_HEX"
check "curl fetches the PDF by its name" \
	bash -c "test '$CODE' = 200 && jq -r .data '$T/resp' | base64 -d | cmp -s - '$T/pod.pdf'"

# --- a second desk fetches them with the log ----------------------------------
join "$B"
expect_ok "desk B joins"
at "$B" --user olivia sync
expect_ok "desk B syncs"
at "$B" --user olivia evidence get "sha256:$JPG_HEX" "$T/b.jpg"
expect_ok "desk B writes out the JPEG"
check "the same bytes as delivered" cmp -s "$T/parcel.jpg" "$T/b.jpg"
at "$B" --user olivia evidence get "sha256:$PDF_HEX" "$T/b.pdf"
check "and the PDF" cmp -s "$T/pod.pdf" "$T/b.pdf"
at "$B" --user olivia evidence get "sha256:$SCAN_HEX" "$T/b-scan.pdf"
check "and the 10 MiB one" cmp -s "$T/scan.pdf" "$T/b-scan.pdf"

# --- a return's inspection names its photo too -------------------------------
at "$A" --user olivia return open 1001 --item "$(jq -r '.[0].items[0].sku' "$SAMPLE"):1" \
	--reason "arrived dented"
at "$A" --user olivia return receive 1001-R1 \
	--item "$(jq -r '.[0].items[0].sku' "$SAMPLE"):1" --condition damaged \
	--evidence "$T/parcel.jpg"
expect_ok "return receive signs with a photo"
at "$A" --user olivia log --order 1001
check "its statement names the photo" \
	test "$(grep -c "^evidence: sha256:$JPG_HEX\$" "$T/out")" -eq 2

# --- a backend that serves other bytes under a file's name -------------------
# evil: od-evil in place of orderdeskd on the same port, every evidence
# file it serves forged.
stop_backend
"$TOOLS/od-evil" "$BK" evidence "$PORT" > "$T/evil.out" 2> "$T/evil.err" &
SRV_PID=$!
until_line "evil listening" "$T/evil.out"
join "$C"
expect_ok "desk C joins through the lying backend"
at "$C" --user olivia sync
check "its sync refuses every forged file and says why" \
	grep -q "Refused 3 evidence files: evidence sha256:.*do not hash to it" \
	"$T/out"
at "$C" --user olivia evidence get "sha256:$PDF_HEX" "$T/c.pdf"
expect_fail "desk C kept nothing: not here yet" 4 "not here yet: sync first"
check "and wrote nothing" test ! -e "$T/c.pdf"

# --- a file changed in the backend's store: the backend will not serve it ----
kill "$SRV_PID"
wait "$SRV_PID" 2> /dev/null
start_backend "$BK" "$PORT"
"$TOOLS/od-backend-sql" "$BK" "UPDATE evidence SET data =
	CAST('%PDF-1.4 forged' AS BLOB) WHERE hash = 'sha256:$PDF_HEX'" \
	> /dev/null
at "$C" --user olivia sync
check "the changed PDF is refused again, by the backend's own check" \
	grep -q "Refused 1 evidence file: .*sha256:$PDF_HEX" "$T/out"
at "$C" --user olivia evidence get "sha256:$JPG_HEX" "$T/c.jpg"
check "the untouched JPEG arrives" cmp -s "$T/parcel.jpg" "$T/c.jpg"
at "$C" --user olivia evidence get "sha256:$SCAN_HEX" "$T/c-scan.pdf"
check "and the 10 MiB one" cmp -s "$T/scan.pdf" "$T/c-scan.pdf"
at "$C" --user olivia evidence get "sha256:$PDF_HEX" "$T/c.pdf"
expect_fail "the PDF is still not here" 4 "not here yet: sync first"

finish
