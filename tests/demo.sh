#!/usr/bin/env bash
# The demo shop behind `make run`: a fresh store in ./demo-shop with three
# people and the sample orders, then the desk opens on it (on a terminal;
# elsewhere it prints the list).  The passphrases are printed because this
# is a demo; a real shop never writes them down.
set -eu
cd "$(dirname "$0")/.."
OD=./bin/orderdesk
DEMO=./demo-shop

declare -A pass=([olivia]="olivia-owner-demo" [mei]="mei-shopkeeper-demo" [sam]="sam-staff-demo")

rm -rf "$DEMO"
$OD --store "$DEMO" --passphrase-fd 3 init --owner olivia --shop "Demo Tea House" \
	3< <(echo "${pass[olivia]}")
$OD --store "$DEMO" --user olivia --passphrase-fd 3 user add mei --role shopkeeper \
	--new-passphrase-fd 4 3< <(echo "${pass[olivia]}") 4< <(echo "${pass[mei]}")
$OD --store "$DEMO" --user olivia --passphrase-fd 3 user add sam --role staff \
	--new-passphrase-fd 4 3< <(echo "${pass[olivia]}") 4< <(echo "${pass[sam]}")
$OD --store "$DEMO" --user mei --passphrase-fd 3 import assets/sample-orders.json \
	3< <(echo "${pass[mei]}")
$OD --store "$DEMO" --user mei --passphrase-fd 3 confirm 1001 1002 1003 \
	3< <(echo "${pass[mei]}")
$OD --store "$DEMO" --user sam --passphrase-fd 3 ship 1001 --carrier "SF Express" \
	--tracking SF1234567890 3< <(echo "${pass[sam]}")

cat <<EOT

The demo shop is ready in $DEMO.  People (demo passphrases):
  olivia  owner       ${pass[olivia]}
  mei     shopkeeper  ${pass[mei]}
  sam     staff       ${pass[sam]}

Try, typing the passphrase when asked:
  $OD --store $DEMO --user mei show 1002
  $OD --store $DEMO --user mei list --search 王
  $OD --store $DEMO --user sam ship 1002 --carrier DHL --tracking JD0012345
  $OD --store $DEMO --user olivia audit verify
  $OD --store $DEMO --user olivia log --order 1001
  $OD --store $DEMO                     (the desk's screens)
EOT
if [ -t 0 ] && [ -t 1 ]; then
	printf '\nOpening the desk: choose a person, type their passphrase (? for help, q to quit).\n'
	printf 'Press Enter to go on. '
	read -r _
	exec "$OD" --store "$DEMO"
fi
echo
echo "The first orders, as mei sees them:"
$OD --store "$DEMO" --user mei --passphrase-fd 3 list 3< <(echo "${pass[mei]}") | head -12
