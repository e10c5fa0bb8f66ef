#!/usr/bin/env bash
# `orderdesk list --search`, end to end: case over all of Unicode and
# diacritics are folded (GARCÍA, müller, garcia without an e-mail, ß and
# ss), CJK names are found, 1-2 characters match the start of a word, and
# bad search text is refused in one line.
. "$(dirname "$0")/lib.sh"

# order NUMBER SECOND CUSTOMER EMAIL CITY SKU ITEM: one order as JSON.
order() {
	printf '{"number":"%s","placed_at":"2026-11-20T09:00:%02dZ",' "$1" "$2"
	printf '"currency":"EUR","customer":{"name":"%s","email":"%s"},' "$3" "$4"
	printf '"ship_to":{"name":"%s","lines":["Calle 1"],"city":"%s",' "$3" "$5"
	printf '"postcode":"41001","country":"ES"},"items":[{"sku":"%s",' "$6"
	printf '"name":"%s","qty":1,"unit_price":500}],"total":500}' "$7"
}

{
	echo '['
	order 1001 1 "José García" "" "Sevilla" "TEA-001" "Sencha"; echo ,
	order 1002 2 "Hans Müller" "hans@example.de" "München" "TEA-002" "Matcha"; echo ,
	order 1003 3 "Anna Straße" "" "Köln" "TEA-003" "Oolong"; echo ,
	order 1004 4 "Ben Strasse" "" "Bern" "TEA-004" "Assam"; echo ,
	order 1005 5 "王小明" "" "北京" "TEA-005" "龍井茶"; echo ,
	order 2006 6 "Edgar Vega" "edgar@example.com" "Madrid" "TEA-006" "Earl Grey"
	echo ']'
} > "$T/orders.json"

new_shop
od "$OWNER_PASS" import "$T/orders.json"
expect_ok "the owner imports six orders"

# found TEXT: the numbers `list --search TEXT` shows, space-separated.
found() {
	od "$OWNER_PASS" list --search "$1" --format csv
	[ "$RC" -eq 0 ] || { echo "# list --search $1: status $RC: $(cat "$T/err")"; return 1; }
	tail -n +2 "$T/out" | cut -d, -f1 | tr '\n' ' ' | sed 's/ $//'
}

# finds NAME TEXT NUMBERS: the search for TEXT lists exactly NUMBERS.
finds() {
	local got
	got=$(found "$2")
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$got', want '$3')"; fi
}

finds "GARCÍA finds José García" "GARCÍA" "1001"
finds "garcia (no accent, no e-mail) finds José García" "garcia" "1001"
finds "müller finds Hans Müller" "müller" "1002"
finds "straße finds Straße and Strasse" "straße" "1003 1004"
finds "STRASSE finds both too" "STRASSE" "1003 1004"
finds "ß alone folds to ss, and no word here starts so" "ß" ""
finds "a CJK name is found whole" "王小明" "1005"
finds "a CJK item name is found" "龍井茶" "1005"
finds "one CJK character finds the name it starts" "王" "1005"
finds "an e-mail's domain, any case" "EXAMPLE.COM" "2006"
finds "3 characters: any substring (García, Edgar)" "gar" "1001 2006"
finds "2 characters: the start of a word only" "ga" "1001"
finds "1 character: the start of a word (García, Grey)" "g" "1001 2006"
finds "the start of an order number" "10" "1001 1002 1003 1004 1005"
od "$OWNER_PASS" list --search "garcia" --status confirmed --format csv
check "search and status combine" test "$(tail -n +2 "$T/out" | wc -l)" -eq 0

od "$OWNER_PASS" list --search $'bad\e[31m'
expect_fail "a search with an escape sequence is refused in one line" 5 "search text"
od "$OWNER_PASS" list --search "$(printf 'a%.0s' $(seq 300))"
expect_fail "a search over 256 bytes is refused in one line" 5 "search text"

finish
