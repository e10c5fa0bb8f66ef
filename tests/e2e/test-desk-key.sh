#!/usr/bin/env bash
# The desk's TLS key (issue 9, item 2) is in no file in the clear, over
# real TLS 1.3 on 127.0.0.1: a desk that joins by code, one attached with
# a bundle (`sync --key FILE`) and an older store that kept
# backend/desk.key in the clear (migrated on its first unlock, even one
# killed mid-import, WAL and all) keep the key only sealed in the
# encrypted store, and still sync with it; no file of their stores lets
# curl pull the log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools curl openssl

OLIVIA="olivia owner pass"
A="$T/desk-a"

# at DIR ARGS...: orderdesk on store DIR as olivia; stdout in $T/out,
# stderr in $T/err, status in $RC.
at() {
	local dir=$1
	shift
	"$OD" --store "$dir" --user olivia --passphrase-fd 3 "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$OLIVIA")
	RC=$?
}

# hex FILE: the file's bytes as one line of lower-case hex.
hex() {
	command od -An -v -tx1 "$1" | tr -d ' \n'
}

# The DER that starts every unencrypted P-256 key: PKCS#8 (what desks
# use) and SEC1.
PKCS8_P256=308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420
SEC1_P256=30770201010420

# clear_key DIR [KEYFILE]: prints, one per line, each file under DIR that
# holds a private key in the clear: a PEM "PRIVATE KEY" marker, a whole
# file that openssl reads as a key (PEM or DER), the DER header of any
# P-256 key; with KEYFILE (the key that must not be there), also its DER
# and its raw 32-byte secret anywhere in a file.
clear_key() {
	local dir=$1 key=${2:-} f h der="" raw=""
	if [ -n "$key" ]; then
		der=$(openssl pkey -in "$key" -outform DER | command od -An -v \
			-tx1 | tr -d ' \n')
		raw=$(openssl pkey -in "$key" -noout -text |
			sed -n '/^priv:/,/^pub:/p' | sed '1d;$d' | tr -d ' :\n')
		# openssl prints the scalar as an integer: a leading 00 when
		# its top bit is set, fewer bytes when it starts with zeros
		# (one key in 256).  The key holds it as 32 bytes.
		[ ${#raw} -gt 64 ] && raw=${raw#00}
		while [ ${#raw} -lt 64 ] && [ -n "$raw" ]; do raw="00$raw"; done
		[ ${#raw} -eq 64 ] || { echo "no raw key in $key"; return; }
	fi
	while IFS= read -r -d '' f; do
		grep -qaF "PRIVATE KEY" "$f" && echo "PEM marker: $f"
		openssl pkey -in "$f" -noout 2> /dev/null &&
			echo "a PEM key: $f"
		openssl pkey -inform DER -in "$f" -noout 2> /dev/null &&
			echo "a DER key: $f"
		h=$(hex "$f")
		case $h in
		*"$PKCS8_P256"* | *"$SEC1_P256"*) echo "DER key header: $f" ;;
		esac
		if [ -n "$key" ]; then
			case $h in
			*"$der"*) echo "the key's DER: $f" ;;
			*"$raw"*) echo "the key's raw secret: $f" ;;
			esac
		fi
	done < <(find "$dir" -type f -print0)
}

# no_clear_key NAME DIR [KEYFILE]: the check that clear_key finds nothing.
no_clear_key() {
	local found
	found=$(clear_key "$2" "${3:-}")
	if [ -z "$found" ]; then ok "$1"; else
		not_ok "$1"
		sed 's/^/# /' <<< "$found"
	fi
}

# no_file_pulls NAME DIR: no file under DIR, given to curl as the key with
# the desk's certificate, reads the log (curl refuses it, or the backend
# answers 401 to a handshake without a certificate).
no_file_pulls() {
	local f code pulled=""
	while IFS= read -r -d '' f; do
		code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
			--cacert "$BK/ca.pem" --cert "$2/backend/desk.pem" \
			--key "$f" "https://127.0.0.1:$PORT/v1/log?after=0" \
			2> /dev/null)
		[ "$code" = 200 ] && pulled="$pulled $f"
	done < <(find "$2" -type f -print0)
	if [ -z "$pulled" ]; then ok "$1"; else not_ok "$1:$pulled"; fi
}

# restored DIR: a copy of desk A's shop in DIR (backup and restore).
restored() {
	at "$A" backup "$T/a.bak"
	"$OD" --store "$1" --user olivia --passphrase-fd 3 restore "$T/a.bak" \
		> /dev/null 2>&1 3< <(printf '%s\n' "$OLIVIA")
}

# attach DIR BUNDLE [KEY]: attaches store DIR with bundle BUNDLE (a dir
# with ca.pem, desk.pem, desk.key), or with KEY instead of its key.
attach() {
	at "$1" sync --backend "https://127.0.0.1:$PORT" --pin "$PIN" \
		--ca "$2/ca.pem" --cert "$2/desk.pem" --key "${3:-$2/desk.key}"
}

# old_layout DIR BUNDLE: leaves DIR's backend/ as orderdesk kept it before
# the key was sealed: the bundle's three files copied in, mode 0600.  The
# store may hold another desk's key sealed: the file wins (sync-key.h), so
# syncing with BUNDLE's certificate proves its key was the one sealed.
old_layout() {
	local f
	for f in ca.pem desk.pem desk.key; do
		install -m 0600 "$2/$f" "$1/backend/$f"
	done
	ln "$1/backend/desk.key" "$T/$(basename "$1").key-link"
}

"$ODD" --dir "$BK" init --shop "Key shop" > "$T/init.out" 2>&1
PIN=$(sed -n 's/^backend pin: *//p' "$T/init.out")
CODE=$(sed -n 's/^join code: *//p' "$T/init.out")
start_backend
check "the backend serves" test -n "$PORT"
for d in desk-b desk-c desk-d desk-e desk-f; do
	"$ODD" --dir "$BK" desk add "$d" > /dev/null
done

# The scanners find what they look for.
mkdir "$T/probe"
cp "$BK/desks/desk-b/desk.key" "$T/probe/pem"
openssl pkey -in "$BK/desks/desk-b/desk.key" -outform DER -out "$T/probe/der"
check "clear_key finds a PEM and a DER key (control)" \
	test "$(clear_key "$T/probe" | wc -l)" -ge 4
rm "$T/probe/pem" "$T/probe/der"
raw=$(openssl pkey -in "$BK/desks/desk-b/desk.key" -noout -text |
	sed -n '/^priv:/,/^pub:/p' | sed '1d;$d' | tr -d ' :\n')
{ head -c 1000 /dev/urandom; printf "$(sed 's/../\\x&/g' <<< "$raw")"; } \
	> "$T/probe/raw"
check "clear_key finds a key's raw secret by itself (control)" \
	grep -q "raw secret" <(clear_key "$T/probe" \
		"$BK/desks/desk-b/desk.key")
check "holds_key_of finds a desk's key among others (control)" \
	holds_key_of "$BK/desks/desk-c/desk.pem" "$BK/desks"

# --- a desk that joins by code -----------------------------------------------
"$OD" --store "$A" --passphrase-fd 3 init --backend "https://127.0.0.1:$PORT" \
	--pin "$PIN" --code "$CODE" --owner olivia \
	> "$T/out" 2> "$T/err" 3< <(printf '%s\n' "$OLIVIA")
RC=$?
expect_ok "desk A joins the shop by code, founding it"
check "its key is in no file: there is no backend/desk.key" \
	test ! -e "$A/backend/desk.key"
no_clear_key "no file of the joined store holds a private key in the clear" \
	"$A"
at "$A" sync
expect_ok "desk A syncs with its sealed key"
at "$A" desk invite
expect_ok "desk A asks for an invite with its sealed key"
no_file_pulls "no file of desk A's store lets curl pull the log" "$A"
# Revoking someone rotates the data key: the database, key row and all,
# is copied under the new one.
"$OD" --store "$A" --user olivia --passphrase-fd 3 user add sam --role staff \
	--new-passphrase-fd 4 > /dev/null 2>&1 3< <(printf '%s\n' "$OLIVIA") \
	4< <(printf 'sam staff pass\n')
at "$A" sync
at "$A" user revoke sam
expect_ok "revoking sam rotates desk A's data key"
at "$A" sync
expect_ok "desk A still syncs with its sealed key after the rotation"

# --- attaching with a bundle: the key is sealed, not copied ----------------
B="$T/desk-b"
restored "$B"
store_digest_of() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
before=$(store_digest_of "$B")
attach "$B" "$BK/desks/desk-b" "$BK/desks/desk-b/desk.pem"
expect_fail "a certificate given as the key is refused in one line" 5 \
	"desk.pem is not an unencrypted private key"
attach "$B" "$BK/desks/desk-b" "$BK/desks/desk-c/desk.key"
expect_fail "another desk's key is refused in one line" 5 \
	"is not the key of the desk's certificate"
check "a refused attach changes nothing" \
	test "$before" = "$(store_digest_of "$B")"
attach "$B" "$BK/desks/desk-b"
expect_ok "desk B attaches with its bundle and syncs"
check "the bundle's key file is left where it was (the README: delete it)" \
	test -s "$BK/desks/desk-b/desk.key"
check "desk B's store has no desk.key" test ! -e "$B/backend/desk.key"
no_clear_key "desk B's store holds its key nowhere in the clear" "$B" \
	"$BK/desks/desk-b/desk.key"
if holds_key_of "$BK/desks/desk-b/desk.pem" "$B"
then not_ok "no PEM block in desk B's store is its key"
else ok "no PEM block in desk B's store is its key"; fi
at "$B" sync
expect_ok "desk B syncs again with the sealed key"
no_file_pulls "no file of desk B's store lets curl pull the log" "$B"

# --- an older store, migrated by its first unlock (a reader) ---------------
C="$T/desk-c"
restored "$C"
attach "$C" "$BK/desks/desk-c"
old_layout "$C" "$BK/desks/desk-d"
check "the old layout has the key in the clear (control)" \
	grep -q "desk.key" <(clear_key "$C")
at "$C" list
expect_ok "the first unlock (list, a reader) opens the older store"
check "it removed backend/desk.key" test ! -e "$C/backend/desk.key"
check "it overwrote the file with zeros before removing it" \
	test "$(tr -d '\0' < "$T/desk-c.key-link" | wc -c)" = 0 -a \
	"$(stat -c %s "$T/desk-c.key-link")" -gt 0
no_clear_key "the migrated store holds the key nowhere in the clear" "$C" \
	"$BK/desks/desk-d/desk.key"
at "$C" sync
expect_ok "the migrated desk syncs with the key it sealed"
no_file_pulls "no file of the migrated store lets curl pull the log" "$C"
at "$C" list
expect_ok "a later unlock has nothing to migrate"

# --- migrated by an import killed before it commits: the WAL too -----------
E="$T/desk-e"
restored "$E"
attach "$E" "$BK/desks/desk-e"
old_layout "$E" "$BK/desks/desk-f"
"$TOOLS/gen-orders" 30000 3 | sed 's/"number": "\([0-9]*\)"/"number": "W\1"/' \
	> "$T/big.json"
"$OD" --store "$E" --user olivia --passphrase-fd 3 import "$T/big.json" \
	> /dev/null 2>&1 3< <(printf '%s\n' "$OLIVIA") &
pid=$!
# The migration commits first; then the import's pages spill into the WAL.
for _ in $(seq 1 3000); do  # at most a minute, for slow sanitizer builds
	[ "$(stat -c %s "$E/orderdesk.db-wal" 2> /dev/null || echo 0)" \
		-gt 100000 ] && break
	sleep 0.02
done
kill -9 "$pid" 2> /dev/null
wait "$pid" 2> /dev/null
check "a killed import left a WAL to inspect" test -s "$E/orderdesk.db-wal"
check "the import's unlock removed backend/desk.key" \
	test ! -e "$E/backend/desk.key"
no_clear_key "neither the database nor its WAL holds the key in the clear" \
	"$E" "$BK/desks/desk-f/desk.key"
at "$E" sync
expect_ok "that desk syncs with the key it sealed"

# --- a restored store is not attached: a backup is no credential ----------
# A backup of desk A (joined, synced), restored elsewhere with the owner's
# passphrase: with the public ca.pem and desk.pem copied beside it, it
# must not reach the backend (it used to sync as desk A for good).
# sync_meta DIR: the store's backend settings, "key|value" a line.
sync_meta() {
	"$TOOLS/od-tamper" "$1" olivia "SELECT key FROM meta WHERE key IN
		('sync.desk_key', 'sync.url', 'sync.pin') ORDER BY key" \
		< <(printf '%s\n' "$OLIVIA")
}
"$ODD" --dir "$BK" desk add desk-g > /dev/null
check "desk A holds its sealed key, address and pin (control)" \
	test "$(sync_meta "$A" | tr '\n' ' ')" = \
	"sync.desk_key sync.pin sync.url "
R="$T/desk-r"
restored "$R"
check "the restored store holds no sealed key, address or pin" \
	test -z "$(sync_meta "$R")" -a "$(sync_meta "$R"; echo $?)" = 0
mkdir -m 0700 "$R/backend"
install -m 0600 "$A/backend/ca.pem" "$A/backend/desk.pem" "$R/backend/"
heard=$(wc -l < "$T/srv.log")
at "$R" sync
expect_fail "sync on the restored store says it must join again" 2 \
	"restored from a backup.*join again.*desk invite.*orderdeskd code"
check "the backend heard nothing from it" \
	test "$heard" = "$(wc -l < "$T/srv.log")"
at "$R" list
expect_ok "the restored store works on its own"
attach "$R" "$BK/desks/desk-g"
expect_ok "with a new desk's bundle it attaches again and syncs"
at "$R" sync
expect_ok "and syncs again"

finish
