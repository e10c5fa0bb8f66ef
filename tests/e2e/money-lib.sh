# money-lib.sh - what the money and return screen tests share (sourced
# after lib.sh and tui-lib.sh): a shop with a shopkeeper, mei, and the
# owner, a count of the log's entries (what a refused action must leave as
# it was), and the desk's steps around each scene: sign in, open an order,
# quit.
MEI_PASS="mei passphrase 1"
new_shop
od "$OWNER_PASS" user add mei --role shopkeeper --new-passphrase-fd 4 4< <(echo "$MEI_PASS")
own() { od_as owner "$OWNER_PASS" "$@"; }
mei() { od_as mei "$MEI_PASS" "$@"; }
entries() { own log; grep -c '^--- entry ' "$T/out"; }

# desk_as USER PASS ROLE WHAT: clears the pane's shell and starts USER's
# desk, which must open signed in with ROLE (the check named WHAT).
desk_as() {
	tm send-keys -l clear
	tm send-keys Enter
	sign_in "$1" "$2"
	screen "$4" "^ $1 \\($3\\) │"
}

# open_order NUMBER WHAT PATTERN: opens order NUMBER with `:`; the pane
# must then show PATTERN (the check named WHAT).
open_order() {
	tm send-keys :
	tm send-keys -l "$1"
	tm send-keys Enter
	screen "$2" "$3"
}

# desk_quit WHAT: quits the desk, which must end with status 0.
desk_quit() {
	tm send-keys q q
	wait_for 'desk exit 0' 10
	check "$1" shows 'desk exit 0'
}
