#!/usr/bin/env bash
# An import's orders kept from its check pass (the file read once) against
# the same files read again (ORDERDESK_IMPORT_KEEP=0, a budget no order
# fits: the path of a file past it): the same summaries, the same
# statements signed, an overlapping export brought up to date the same
# way, and a file wrong in one order importing nothing either way.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || { echo "# jq is needed"; exit 1; }
DATA="$(dirname "$0")/../unit/data"

# shop_od WAY ARGS...: orderdesk as the owner in the shop WAY ("kept" or
# "streamed"), the streamed one keeping no order.
shop_od() {
	local way=$1
	shift
	STORE="$T/$way"
	if [ "$way" = streamed ]; then
		ORDERDESK_IMPORT_KEEP=0 od_as owner "$OWNER_PASS" "$@"
	else
		od_as owner "$OWNER_PASS" "$@"
	fi
}

# bodies WAY: the log's statements without what differs between two shops
# (ids, keys, times, links, the shop's own name and key).
bodies() {
	shop_od "$1" log --format json
	jq -r '.[] | .statement' "$T/out" |
		grep -Ev '^(id|key|time|prev|shop|pubkey): '
}

# both NAME FILE: imports FILE into both shops; NAME passes when both
# succeed with the same summary (the log entries' numbers aside).
both() {
	local name=$1 file=$2 kept streamed
	shop_od kept import "$file"
	kept="$RC $(sed 's/ (log entries .*//' "$T/out")"
	shop_od streamed import "$file"
	streamed="$RC $(sed 's/ (log entries .*//' "$T/out")"
	check "$name (kept: $kept; streamed: $streamed)" \
		[ "$kept" = "$streamed" -a "${kept%% *}" = 0 ]
}

for way in kept streamed; do
	STORE="$T/$way"
	new_shop
done

both "orderdesk's own file imports the same either way" "$SAMPLE"
both "a WooCommerce export imports the same either way" \
	"$DATA/woo-quirks.json"
both "the same export again signs nothing either way" \
	"$DATA/woo-quirks.json"
# The next day's export: 802 paid since, 803 cancelled since, 804 new.
jq '(.[1].status = "processing") | (.[1].date_paid_gmt = "2026-11-22T08:00:00")
    | (.[1].payment_method = "bacs") | (.[2].status = "cancelled")
    | . + [(.[2] | .number = "804" | .id = 804 | .status = "completed")]' \
	"$DATA/woo-quirks.json" > "$T/day2.json"
both "an overlapping export brings the orders up to date the same way" \
	"$T/day2.json"
shop_od streamed import "$T/day2.json"
check "the streamed import says what it did" grep -q \
	"^Imported 4 orders: 0 new, 4 already here, 0 updated\.$" "$T/out"
bodies kept > "$T/kept.log"
bodies streamed > "$T/streamed.log"
check "both shops signed the same statements" \
	cmp -s "$T/kept.log" "$T/streamed.log"
check "and they are all there" [ "$(grep -c '^kind: ' "$T/kept.log")" -ge 10 ]

# A file wrong in its last order imports nothing, either way.
jq '.[-1].total = "1"' "$T/day2.json" > "$T/bad.json"
for way in kept streamed; do
	STORE="$T/$way"
	before=$(store_digest)
	shop_od "$way" import "$T/bad.json"
	expect_fail "$way: a file wrong in one order is refused, naming it" 5 \
		"order 804: total 100 does not match"
	STORE="$T/$way"
	check "$way: and nothing of it was imported" \
		[ "$before" = "$(store_digest)" ]
done

# Past two rounds of signing (the statements are made on one thread and
# signed and stored on others, cmd-import-pipe.c): 400 orders, then a
# file of 500 where 100 are new, those paid on delivery are now paid and
# every fifth one shipped has moved town.  Either way the log gets the
# statements each order needs, in the order of the file.
"$TOOLS/gen-orders" --money 400 11 > "$T/many.json"
"$TOOLS/gen-orders" --money 500 11 |
	jq '[.[] | if .payment == "cod" then .payment = "paid" else . end
	     | if (.number | tonumber) % 5 == 0 and .ship_to != null
	       then .ship_to.city = "Elsewhere" else . end]' > "$T/more.json"
# What the second file needs, order by order: "KIND NUMBER" lines.
jq -r --slurpfile a "$T/many.json" '
	($a[0] | map({key: .number, value: .}) | from_entries) as $old
	| .[] | . as $o | $old[$o.number] as $was
	| if $was == null then "order.placed \($o.number)"
	  else (if $was.ship_to != $o.ship_to
		then "order.amend \($o.number)" else empty end),
	       (if $was.payment == "cod" and $o.payment == "paid"
		then "payment.receive \($o.number)" else empty end)
	  end' "$T/more.json" > "$T/needs"
for way in kept streamed; do
	STORE="$T/$way-many"
	new_shop
	shop_od "$way-many" import "$T/many.json"
	expect_ok "$way: 400 orders import"
	shop_od "$way-many" import "$T/more.json"
	check "$way: the next file brings them up to date" grep -q \
		"^Imported 500 orders: 100 new, .* updated (.* paid, 0 cancelled)" \
		"$T/out"
	shop_od "$way-many" log --format json
	jq -r '.[] | .statement' "$T/out" |
		awk '/^kind: /{ k = $2 } /^order: /{ print k " " $2 }' |
		tail -n "$(wc -l < "$T/needs")" > "$T/$way-did"
	check "$way: each order got what it needs, in the file's order" \
		cmp -s "$T/needs" "$T/$way-did"
	shop_od "$way-many" audit verify
	expect_ok "$way: and the log verifies"
done
check "the needs are of every kind" [ "$(cut -d' ' -f1 "$T/needs" |
	sort -u | wc -l)" -eq 3 ]

# A file wrong in its last order (already here, in another currency),
# after more than a round of statements: nothing is imported.
jq '.[1:] + [.[0] | .currency |= (if . == "EUR" then "USD" else "EUR" end)]' \
	"$T/more.json" > "$T/late.json"
for way in kept streamed; do
	STORE="$T/$way-many"
	before=$(store_digest)
	shop_od "$way-many" import "$T/late.json"
	expect_fail "$way: an order deep in the file is refused, naming it" 5 \
		"order $(jq -r '.[-1].number' "$T/late.json") is already in the shop with other"
	STORE="$T/$way-many"
	check "$way: and nothing of the file was imported" \
		[ "$before" = "$(store_digest)" ]
done

# Refused by the fold at its first statement while the rest of the file
# is made ahead (the queue full): the import stops, naming why.
STORE="$T/kept-many"
od_as owner "$OWNER_PASS" user add sam --role staff --new-passphrase-fd 4 \
	4< <(echo "sam's passphrase")
before=$(store_digest)
jq '[.[] | .number = "S" + .number]' "$T/many.json" > "$T/staff.json"
od_as sam "sam's passphrase" import "$T/staff.json"
expect_fail "an import its signer may not make stops at once, saying why" 4 \
	"sam is staff and may not place orders"
check "and nothing of it was imported" [ "$before" = "$(store_digest)" ]

finish
