#!/usr/bin/env bash
# The desk's search (/), in tmux: accented names found whatever the case
# and the accents typed, CJK names, the start of a word for 1-2
# characters, and the same orders as `orderdesk list --search`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

# order NUMBER SECOND CUSTOMER EMAIL ITEM: one order as JSON.
order() {
	printf '{"number":"%s","placed_at":"2026-11-20T09:00:%02dZ",' "$1" "$2"
	printf '"currency":"EUR","customer":{"name":"%s","email":"%s"},' "$3" "$4"
	printf '"ship_to":{"name":"%s","lines":["Calle 1"],"city":"Sevilla",' "$3"
	printf '"postcode":"41001","country":"ES"},"items":[{"sku":"TEA-%s",' "$1"
	printf '"name":"%s","qty":1,"unit_price":500}],"total":500}' "$5"
}

{
	echo '['
	order 1001 1 "José García" "" "Sencha"; echo ,
	order 1002 2 "Hans Müller" "hans@example.de" "Matcha"; echo ,
	order 1003 3 "Anna Straße" "" "Oolong"; echo ,
	order 1004 4 "Ben Strasse" "" "Assam"; echo ,
	order 1005 5 "王小明" "" "龍井茶"; echo ,
	order 2006 6 "Edgar Vega" "edgar@example.com" "Earl Grey"
	echo ']'
} > "$T/orders.json"
new_shop
od "$OWNER_PASS" import "$T/orders.json"
expect_ok "six orders are imported"

start_pane 80 24
sign_in owner "$OWNER_PASS"
screen "the desk lists them" 'New 6 .*All 6( |$)'

# search TEXT NAME COUNT: types /TEXT, waits until the list is for all of
# it (not a key typed earlier), expects All COUNT, leaves it open.
search() {
	tm send-keys -l "/$1"
	wait_for "^/$1\$" 10
	screen "$2" "All $3( |\$)" 1
}

search "GARCÍA" "/GARCÍA finds José García" 1
check "the row is José García's" grep -Eq '^ 1001 .*José García' "$T/pane"
tm send-keys Escape
screen "Esc clears the search" 'New 6 .*All 6( |$)'
search "garcia" "/garcia (no accent, no e-mail) finds him too" 1
check "the same row" grep -Eq '^ 1001 .*José García' "$T/pane"
tm send-keys Escape
search "MÜLLER" "/MÜLLER finds Hans Müller" 1
check "his row" grep -Eq '^ 1002 .*Hans Müller' "$T/pane"
tm send-keys Escape
search "straße" "/straße finds Straße and Strasse" 2
check "both rows" bash -c "grep -Eq '^ 1003 ' '$T/pane' && grep -Eq '^ 1004 ' '$T/pane'"
tm send-keys Escape
search "王小明" "/王小明 finds the CJK name" 1
check "its row" grep -Eq '^ 1005 .*王小明' "$T/pane"
tm send-keys Escape
screen "Esc clears it" 'New 6 .*All 6( |$)'

# Typed one key at a time: a word's start for 1-2 keys, any substring from 3.
tm send-keys -l "/g"
wait_for "^/g\$"
check "g: words that start with g (García, Grey)" shows 'All 2( |$)'
tm send-keys -l "a"
wait_for "^/ga\$"
check "ga: García only" shows 'All 1( |$)'
tm send-keys -l "r"
wait_for "^/gar\$"
check "gar: any substring (García, Edgar)" shows 'All 2( |$)'
check "García and Edgar are listed" \
	bash -c "grep -Eq '^ 1001 ' '$T/pane' && grep -Eq '^ 2006 ' '$T/pane'"
tm send-keys BSpace BSpace BSpace
screen "erasing the search lists everything again" 'All 6( |$)'
tm send-keys Escape

# The screens and the command line ask the same index.
od "$OWNER_PASS" list --search "GARCÍA" --format csv
check "list --search GARCÍA shows the same one order" \
	test "$(tail -n +2 "$T/out" | cut -d, -f1)" = "1001"
tm send-keys q
screen "q quits" 'desk exit 0'
finish
