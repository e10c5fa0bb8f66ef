#!/usr/bin/env bash
# The tab bar's counts come from the store's pages (issue 11), not from the
# orders read into memory: a search with more hits than the store counts
# at a key press (1,000) shows its counts as at least so many ("1000+"),
# a narrow search and no search exact, the same as the rows listed; a broad
# search's count line counts no row out to say where the selection is.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

"$TOOLS/gen-orders" 1400 5 > "$T/orders.json"
hits=$(grep -c '"email": "[^"]*@example\.' "$T/orders.json")
new_shop
od "$OWNER_PASS" import "$T/orders.json"
expect_ok "1,400 orders are imported"
check "over 1,000 of them have an e-mail at example.*" test "$hits" -gt 1000

start_pane 120 30
sign_in owner "$OWNER_PASS"
screen "no search: every order counted exactly" 'New 1400 .*All 1400( |$)'
tm send-keys -l "/example"
wait_for '^/example$' 10
screen "a broad search: its counts are of its first 1,000 hits" \
	'New 1000\+ .*All 1000\+( |$)' 10
tm send-keys Enter G
screen "its count line says at least 1,000, no row counted out" \
	'^ 1000\+ orders matching /example, by placed'
tm send-keys Escape
screen "Esc: exact again" 'New 1400 .*All 1400( |$)'
tm send-keys -l "/example.kr"
wait_for '^/example.kr$' 10
n=$(grep -c '"email": "[^"]*@example\.kr"' "$T/orders.json")
screen "a narrow search: exact, as many as have it ($n)" \
	"New $n .*All $n( |\$)" 10
tm send-keys Enter
screen "and the count line lists as many" " of $n orders matching /example.kr"
tm send-keys q
screen "q quits" 'desk exit 0'
finish
