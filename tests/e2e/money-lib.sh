# money-lib.sh - what the money and return screen tests share (sourced
# after lib.sh): a shop with a shopkeeper, mei, and the owner, and a count
# of the log's entries (what a refused action must leave as it was).
MEI_PASS="mei passphrase 1"
new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
own() { od_as owner "$OWNER_PASS" "$@"; }
mei() { od_as mei "$MEI_PASS" "$@"; }
entries() { own log; grep -c '^--- entry ' "$T/out"; }
