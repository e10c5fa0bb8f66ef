#!/usr/bin/env bash
# Keys on tokens, with the real orderdesk and a SoftHSM2 token in a
# temporary SOFTHSM2_CONF: mei is added with an Ed25519 key made on the
# token by pkcs11-tool (CKA_EC_PARAMS the PrintableString "edwards25519"),
# confirms an order with her PIN, and what she signed verifies everywhere:
# audit verify, and openssl on the exported statement with the key the log
# gives her, which is the token's own public key.  A wrong PIN signs
# nothing; a missing token is named; a desk that lost her token's name is
# told it again (`user key use`), checked against the log.  The owner then
# moves her key from her passphrase onto the token (a key imported with
# softhsm2-util: the OID 1.3.101.112), and signs with it.  The PIN is in no
# file of the store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/token-lib.sh"

OLIVIA="olivia owner pass"
MEI="mei shopkeeper pass"
token_keygen mei 01
check "pkcs11-tool made mei's key with the PrintableString curve name" \
	grep -q "EC_PARAMS: *130c6564776172647332353531" "$T/gen.out"
token_import olivia 02 "$T/olivia-token.pub"
MEI_URI="pkcs11:token=shop;object=mei"
OLIVIA_URI="pkcs11:token=shop;object=olivia"

# as USER LINES ARGS...: orderdesk as USER, LINES (passphrase, then PIN)
# on descriptor 3.
as() {
	local user=$1 lines=$2
	shift 2
	"$OD" --store "$STORE" --passphrase-fd 3 --user "$user" "$@" \
		> "$T/out" 2> "$T/err" 3< <(printf '%b\n' "$lines")
	RC=$?
}
entries() {
	as olivia "$OLIVIA" log --format json
	jq length "$T/out"
}

"$OD" --store "$STORE" --passphrase-fd 3 init --owner olivia > /dev/null \
	3< <(printf '%s\n' "$OLIVIA")
as olivia "$OLIVIA" import "$SAMPLE"
expect_ok "olivia imports the sample orders"

# --- a person added with a key on the token -------------------------------
as olivia "$OLIVIA\n$PIN" user add mei --role shopkeeper --key "$MEI_URI" \
	--new-passphrase-fd 4 4< <(printf '%s\n' "$MEI")
expect_ok "olivia adds mei with her key on the token"
check "it names the token" grep -qF "signing with the key at $MEI_URI" "$T/out"
as olivia "$OLIVIA" user key mei
cp "$T/out" "$T/mei.pem"
p11tool --login --set-pin $PIN --export-pubkey "$MEI_URI;type=public" \
	> "$T/mei-token.pem" 2> /dev/null
check "the log's key for mei is the token's public key" \
	cmp -s "$T/mei.pem" "$T/mei-token.pem"

as mei "$MEI" list --status new
expect_ok "mei reads without her PIN (nothing to sign)"
as mei "$MEI\n$PIN" confirm 1001
expect_ok "mei confirms 1001 with her PIN"
SEQ=$(sed -n 's/.*(log entry \([0-9]*\)).*/\1/p' "$T/out")
as olivia "$OLIVIA" audit verify
expect_ok "audit verify takes what the token signed"
as olivia "$OLIVIA" log --export "$T/export"
check "the confirmation is signed by mei" grep -q "^mei" "$T/export/$SEQ.signer"
check "openssl verifies the token's signature with the key in the log" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/mei.pem" -rawin \
	-in "$T/export/$SEQ.statement" -sigfile "$T/export/$SEQ.sig"
sed -i 's/1001/1002/' "$T/export/$SEQ.statement"
check "openssl refuses the statement altered" \
	bash -c "! openssl pkeyutl -verify -pubin -inkey '$T/mei.pem' -rawin \
	-in '$T/export/$SEQ.statement' -sigfile '$T/export/$SEQ.sig' \
	> /dev/null 2>&1"

# --- a wrong PIN, a missing token -------------------------------------------
before=$(entries)
as mei "$MEI\n000000" confirm 1002
expect_fail "a wrong PIN is refused in one line" 3 "wrong PIN .*$MEI_URI"
check "nothing was signed" test "$(entries)" = "$before"
as mei "$MEI" show 1002
check "1002 is still new" grep -q "^Order 1002 .* new$" "$T/out"
as olivia "$OLIVIA" user add kai --role staff \
	--key "pkcs11:token=gone;object=kai" --new-passphrase-fd 4 \
	4< <(printf '%s\n' "kai staff pass")
expect_fail "a missing token is named, with what to do" 4 \
	"no key at pkcs11:token=gone;object=kai: plug in the token"
as olivia "$OLIVIA" user list
check "kai was not added" bash -c "! grep -q '^kai' '$T/out'"
as olivia "$OLIVIA\n000000" user add kai --role staff --key "$MEI_URI" \
	--new-passphrase-fd 4 4< <(printf '%s\n' "kai staff pass")
expect_fail "a person added with a wrong PIN is refused in one line" 3 \
	"wrong PIN"
as olivia "$OLIVIA" user list
check "and is not added" bash -c "! grep -q '^kai' '$T/out' &&
	! grep -q '^kai ' '$STORE/tokenkeys'"
as olivia "$OLIVIA" user add kai --role staff --key "$MEI_URI;pin-value=$PIN"
expect_fail "a PIN in the URI is refused before anything is asked" 2 \
	"leave the PIN out"

# --- a desk that does not know mei's token (a restore, another desk) -------
sed -i '/^mei /d' "$STORE/tokenkeys"
as mei "$MEI\n$PIN" confirm 1004
check "without her token named here, mei cannot sign" test "$RC" -ne 0
as mei "$MEI" user key use mei "$OLIVIA_URI"
expect_fail "another key on the token is not taken for her" 5 \
	"not the one the shop's log gives mei"
check "and is not kept" bash -c "! grep -q '^mei ' '$STORE/tokenkeys'"
as mei "$MEI" user key use mei "$MEI_URI"
expect_ok "mei names her token at this desk"
as mei "$MEI\n$PIN" confirm 1004
expect_ok "and signs with it again"

# --- olivia moves her key from her passphrase onto the token ---------------
as olivia "$OLIVIA" user key olivia
cp "$T/out" "$T/olivia-old.pub"
before=$(entries)
as olivia "$OLIVIA\n000000" user key move olivia --to "$OLIVIA_URI"
expect_fail "a move with a wrong PIN is refused" 3 "wrong PIN"
check "and changes nothing" bash -c "[ '$(entries)' = '$before' ] &&
	! grep -q '^olivia ' '$STORE/tokenkeys'"
as olivia "$OLIVIA\n$PIN" user key move olivia --to "$OLIVIA_URI"
expect_ok "olivia moves her key onto the token"
as olivia "$OLIVIA" user key olivia
check "the log now gives her the token's key (the OID-encoded one)" \
	cmp -s "$T/out" "$T/olivia-token.pub"
as olivia "$OLIVIA\n$PIN" note 1003 "noted with the token"
expect_ok "olivia signs with the token"
SEQ=$(sed -n 's/.*(log entry \([0-9]*\)).*/\1/p' "$T/out")
as olivia "$OLIVIA" log --export "$T/export2"
check "openssl verifies her token's signature" \
	openssl pkeyutl -out /dev/null -verify -pubin -inkey "$T/olivia-token.pub" -rawin \
	-in "$T/export2/$SEQ.statement" -sigfile "$T/export2/$SEQ.sig"
check "her old key does not verify it" \
	bash -c "! openssl pkeyutl -verify -pubin -inkey '$T/olivia-old.pub' \
	-rawin -in '$T/export2/$SEQ.statement' \
	-sigfile '$T/export2/$SEQ.sig' > /dev/null 2>&1"
as olivia "$OLIVIA" audit verify
expect_ok "audit verify passes after the move"
as olivia "$OLIVIA\n$PIN" user passwd --new-passphrase-fd 4 \
	4< <(printf '%s\n' "olivia new pass")
expect_ok "olivia changes her passphrase, her token signing the rekey"
check "this desk no longer asks for her token" \
	bash -c "! grep -q '^olivia ' '$STORE/tokenkeys'"
OLIVIA="olivia new pass"
as olivia "$OLIVIA" note 1003 "with the new sealed key"
expect_ok "her new key, sealed under the passphrase, signs without a PIN"
as olivia "$OLIVIA" audit verify
expect_ok "audit verify passes after the passphrase change"
as mei "$MEI" user key move olivia --to "$MEI_URI"
expect_fail "only olivia can move her key" 2 "only olivia can move"

check "the PIN is in no file of the store" \
	bash -c "! grep -raqF '$PIN' '$STORE'"
check "every file in the store is 0600" \
	bash -c "[ -z \"\$(find '$STORE' -type f ! -perm 600)\" ]"
finish
