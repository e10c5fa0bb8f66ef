#!/usr/bin/env bash
# A desk's backup keeps which people sign on a token (the store's
# tokenkeys, app/shop/backup.h): restored elsewhere, mei signs with her
# SoftHSM2 key and her PIN at once, without `user key use`; the restored
# file is 0600 and holds no PIN.  A backup whose token part was altered is
# refused whole, and leaves nothing behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/token-lib.sh"

OLIVIA="olivia owner pass"
MEI="mei shopkeeper pass"
token_keygen mei 01
MEI_URI="pkcs11:token=shop;object=mei"

# as DIR USER LINES ARGS...: orderdesk on the store in DIR as USER, LINES
# (passphrase, then PIN) on descriptor 3.
as() {
	local dir=$1 user=$2 lines=$3
	shift 3
	"$OD" --store "$dir" --passphrase-fd 3 --user "$user" "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%b\n' "$lines")
	RC=$?
}

"$OD" --store "$STORE" --passphrase-fd 3 init --owner olivia > /dev/null \
	3< <(printf '%s\n' "$OLIVIA")
as "$STORE" olivia "$OLIVIA" import "$SAMPLE"
as "$STORE" olivia "$OLIVIA\n$PIN" user add mei --role shopkeeper \
	--key "$MEI_URI" --new-passphrase-fd 4 4< <(printf '%s\n' "$MEI")
expect_ok "olivia adds mei with her key on the token"
as "$STORE" olivia "$OLIVIA" backup "$T/shop.bak"
expect_ok "olivia backs up the desk"

as "$T/restored" olivia "$OLIVIA" restore "$T/shop.bak"
expect_ok "the backup restores into a new place"
check "the restored desk knows mei's token" \
	grep -qxF "mei $MEI_URI" "$T/restored/tokenkeys"
check "in a file of mode 0600" \
	test "$(stat -c %a "$T/restored/tokenkeys")" = 600
as "$T/restored" mei "$MEI\n$PIN" confirm 1001
expect_ok "mei signs there with her token and PIN, naming nothing again"
as "$T/restored" olivia "$OLIVIA" audit verify
expect_ok "and audit verify takes it"
check "the PIN is in no file of the backup or the restored store" \
	bash -c "! grep -raqF '$PIN' '$T/shop.bak' '$T/restored'"

# The token part is signed and MACed with the rest: altered, refused.
LC_ALL=C sed 's/object=mei/object=kai/' "$T/shop.bak" > "$T/altered.bak"
check "the altered copy differs" bash -c "! cmp -s '$T/shop.bak' '$T/altered.bak'"
as "$T/r2" olivia "$OLIVIA" restore "$T/altered.bak"
expect_fail "a backup whose token URIs were altered is refused" 6 \
	"altered or damaged"
check "and nothing but the restore's lock file is left where it was" \
	test "$(ls -A "$T/r2" | tr '\n' ' ')" = "lock "
finish
