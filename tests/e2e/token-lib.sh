# token-lib.sh - a SoftHSM2 token for the tests of keys on tokens, in a
# temporary SOFTHSM2_CONF under $T.  Source after lib.sh.  Without SoftHSM2
# or its tools the test says so as TAP's skip and ends (never a silent pass).

TOKEN_MODULE=/usr/lib/softhsm/libsofthsm2.so
if [ ! -r "$TOKEN_MODULE" ] || ! command -v softhsm2-util pkcs11-tool \
	p11tool openssl > /dev/null; then
	echo "ok - # skip SoftHSM2, pkcs11-tool or p11tool is not installed" \
		"(.ci/deps installs softhsm2, opensc and gnutls-bin)"
	exit 0
fi
PIN=271828
mkdir -p "$T/token"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$T/token" > "$T/softhsm2.conf"
export SOFTHSM2_CONF="$T/softhsm2.conf"
softhsm2-util --init-token --free --label shop --pin $PIN --so-pin 31415926 \
	> /dev/null

# token_keygen LABEL ID: an Ed25519 key made on the token by pkcs11-tool
# (CKA_EC_PARAMS the PrintableString "edwards25519"); its output in
# $T/gen.out.
token_keygen() {
	pkcs11-tool --module "$TOKEN_MODULE" --login --pin $PIN --keypairgen \
		--key-type EC:edwards25519 --label "$1" --id "$2" \
		> "$T/gen.out" 2>&1
}

# token_import LABEL ID PUBFILE: a key made by openssl, imported with
# softhsm2-util (CKA_EC_PARAMS the OID 1.3.101.112); its public key as
# PEM in PUBFILE, the private one removed.
token_import() {
	openssl genpkey -algorithm ed25519 -out "$T/import.pem"
	openssl pkey -in "$T/import.pem" -pubout -out "$3"
	softhsm2-util --import "$T/import.pem" --token shop --label "$1" \
		--id "$2" --pin $PIN > /dev/null
	rm -f "$T/import.pem"
}
