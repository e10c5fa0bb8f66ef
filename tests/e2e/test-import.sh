#!/usr/bin/env bash
# Storefront exports with the real binary: the WooCommerce documentation's
# own order and a file of our own with its quirks (tests/unit/data/), told
# from their bytes or named with --from; the statements they become; the
# same export imported twice (nothing signed the second time) and a later
# one that overlaps it (orders paid and cancelled since become the
# statements that bring them up to date); and files wrong in one order,
# which import nothing.
. "$(dirname "$0")/lib.sh"
command -v jq > /dev/null || { echo "# jq is needed"; exit 1; }
DATA="$(dirname "$0")/../unit/data"

new_shop

# --- WooCommerce -------------------------------------------------------------
own import --from magento "$DATA/woo-quirks.json"
expect_fail "an unknown --from is a usage error naming the sources" 2 \
	"from: must be orderdesk, woocommerce, shopify, amazon or etsy"
own import --from woocommerce "$SAMPLE"
expect_fail "orderdesk's own file read as WooCommerce says to check --from" 5 \
	"order #1 in the file: is not a WooCommerce order .*check --from"
jq '.[1].total = "2901"' "$DATA/woo-quirks.json" > "$T/bad.json"
before=$(store_digest)
own import "$T/bad.json"
expect_fail "a file wrong in one order is refused, naming it" 5 \
	"order 802: total 2901 does not match"
check "and nothing of it was imported" [ "$before" = "$(store_digest)" ]

own import "$DATA/woocommerce-v3-order.json"
expect_ok "the WooCommerce documentation's own order imports, told from its bytes"
check "it is one new order" grep -q "^Imported 1 orders: 1 new, 0 already here, 0 updated; signed by owner" "$T/out"
own show 727
check "show has its figures, its ship-to and its derived SKU" bash -c "
	grep -q 'John Doe' '$T/out' && grep -q 'San Francisco, CA' '$T/out' &&
	grep -q 'WOO-SINGLE-1-' '$T/out' && grep -q '29.35' '$T/out'"
own list
check "it arrived paid (status processing)" grep -Eq '^727 .*new +paid$' "$T/out"
own log
want=$(head -c -1 "$DATA/woocommerce-v3-order.json" | sha256sum | cut -d' ' -f1)
check "its order.placed names the source and the SHA-256 of the order's bytes" \
	bash -c "grep -qx 'source: woocommerce' '$T/out' &&
		 grep -qx 'source-hash: sha256:$want' '$T/out'"

own import --from woocommerce "$DATA/woo-quirks.json"
expect_ok "the quirks file imports"
check "three new, one of them cancelled in WooCommerce" grep -q \
	"^Imported 3 orders: 3 new, 0 already here, 0 updated; signed by owner (log entries [0-9]* to [0-9]*)\.$" "$T/out"
own list
check "the cancelled order is cancelled, cash on delivery stays owed" bash -c "
	grep -Eq '^801 .*cancelled +unpaid$' '$T/out' &&
	grep -Eq '^802 .*new +cash on delivery$' '$T/out' &&
	grep -Eq '^803 .*new +paid$' '$T/out'"
own show 801
check "its note of two lines is one line, its reason names the source" bash -c "
	grep -q 'Leave at the door / Ring twice' '$T/out' &&
	grep -q 'cancelled in woocommerce' '$T/out'"
own log
n_before=$(grep -c . "$T/out")

# --- overlapping exports -------------------------------------------------------
own import "$DATA/woo-quirks.json"
expect_ok "the same export again"
check "says all three are already here" grep -q \
	"^Imported 3 orders: 0 new, 3 already here, 0 updated\.$" "$T/out"
own log
check "and signs nothing" [ "$(grep -c . "$T/out")" = "$n_before" ]

# The next day's export: 802 paid since, 803 cancelled since, 804 new.
jq '(.[1].status = "processing") | (.[1].date_paid_gmt = "2026-11-22T08:00:00")
    | (.[1].payment_method = "bacs") | (.[2].status = "cancelled")
    | . + [(.[2] | .number = "804" | .id = 804 | .status = "completed")]' \
	"$DATA/woo-quirks.json" > "$T/day2.json"
own import "$T/day2.json"
expect_ok "an overlapping export imports"
check "it says what changed" grep -q \
	"^Imported 4 orders: 1 new, 1 already here, 2 updated (1 paid, 1 cancelled); signed by owner" "$T/out"
own list
check "802 is paid now, 803 cancelled, 804 here" bash -c "
	grep -Eq '^802 .*new +paid$' '$T/out' &&
	grep -Eq '^803 .*cancelled +paid$' '$T/out' &&
	grep -Eq '^804 .*new +paid$' '$T/out'"
own import "$T/day2.json"
check "and a second time it is all already here" grep -q \
	"^Imported 4 orders: 0 new, 4 already here, 0 updated\.$" "$T/out"
# The day after: 804 partly refunded in WooCommerce (refunds are negative).
jq '.[3].refunds = [{"id": 900, "reason": "", "total": "-4.50"}]' \
	"$T/day2.json" > "$T/day3.json"
own import "$T/day3.json"
check "a storefront's refund is a refund statement" bash -c "
	grep -q '^Imported 4 orders: 0 new, 3 already here, 1 updated (0 paid, 1 refunded, 0 cancelled); signed by owner' '$T/out'"
own show 804
check "of what was refunded, with WooCommerce's id shown" bash -c "
	grep -q 'refunded (entry [0-9]*) .* 4.50 USD by owner: refunded in woocommerce' '$T/out' &&
	grep -q '^Source    woocommerce, id 804$' '$T/out'"
own import "$T/day3.json"
check "and that export again signs nothing" grep -q \
	"^Imported 4 orders: 0 new, 4 already here, 0 updated\.$" "$T/out"
jq '.[2].line_items[0].subtotal = "12.00" | .[2].total = "16.00"' \
	"$DATA/woo-quirks.json" > "$T/other.json"
before=$(store_digest)
own import "$T/other.json"
expect_fail "an order of the same number with other figures is refused whole" 5 \
	"order 803 is already in the shop with other items, figures or time.*nothing was imported"
check "and nothing moved" [ "$before" = "$(store_digest)" ]
# --- Shopify -------------------------------------------------------------------
own import --from shopify "$DATA/woo-quirks.json"
expect_fail "JSON named as Shopify says to check --from" 5 \
	"is JSON, not shopify's export; check --from"
own import "$DATA/shopify-79.csv"
expect_ok "today's Shopify export (79 columns) imports, told from its header"
check "four new, one of them cancelled" grep -q \
	"^Imported 4 orders: 4 new, 0 already here, 0 updated; signed by owner" "$T/out"
own list
check "Name #1001 is order 1001; payment, refund and cancellation as Shopify said" bash -c "
	grep -Eq '^1001 .*34\.50 EUR +new +paid$' '$T/out' &&
	grep -Eq '^1002 .*cancelled +unpaid$' '$T/out' &&
	grep -Eq '^1003 .*new +authorized$' '$T/out' &&
	grep -Eq '^1004 .*new +partially refunded$' '$T/out'"
own show 1004
check "Shopify's Id is kept and shown; its Refunded Amount is a refund" bash -c "
	grep -q '^Source    shopify, id 4500000004$' '$T/out' &&
	grep -q 'refunded (entry [0-9]*) .* 12.10 EUR by owner: refunded in shopify' '$T/out'"
own show 1001
check "the note of two lines is kept on one, the empty SKU made from the name" bash -c "
	grep -q 'Please gift wrap / Thanks, Ana' '$T/out' &&
	grep -q 'GREEN-TEA-100-G-' '$T/out'"
own log
want=$(grep '^#1004,' "$DATA/shopify-79.csv" | sha256sum | cut -d' ' -f1)
check "a Shopify order's hash is of its rows as they stand in the file" \
	bash -c "grep -qx 'source: shopify' '$T/out' &&
		 grep -qx 'source-hash: sha256:$want' '$T/out'"
own import --from shopify "$DATA/shopify-47.csv"
expect_ok "an older export (47 columns) imports"
# Overlap: the day after, 1002's sister 1003 was captured and 1004
# cancelled, and 1005 is new; 1001 and 1002 are as they were.
python3 "$(dirname "$0")/shopify-next-day.py" "$DATA/shopify-79.csv" "$T/shop2.csv"
own import "$T/shop2.csv"
expect_ok "an overlapping Shopify export imports"
check "its summary" grep -q \
	"^Imported 5 orders: 1 new, 2 already here, 2 updated (1 paid, 1 cancelled); signed by owner" "$T/out"
own import "$T/shop2.csv"
check "and the same again changes nothing" grep -q \
	"^Imported 5 orders: 0 new, 5 already here, 0 updated\.$" "$T/out"
own list
check "1003 is paid now, 1004 cancelled" bash -c "
	grep -Eq '^1003 .*new +paid$' '$T/out' &&
	grep -Eq '^1004 .*cancelled +partially refunded$' '$T/out'"

# --- Amazon ------------------------------------------------------------------
own import "$DATA/amazon-orders.txt"
expect_ok "an Amazon order report (tab-separated) imports, told from its header"
check "two new" grep -q "^Imported 2 orders: 2 new, 0 already here, 0 updated" "$T/out"
own list --format csv
check "line totals made unit prices; paid and cancelled as the report says" bash -c "
	grep -q '^112-0000001-0000001,.*,new,paid' '$T/out' &&
	grep -q '^112-0000002-0000002,.*,cancelled,unpaid' '$T/out'"
own show 112-0000001-0000001
check "the order's total is what its rows add up to" grep -q '35\.17' "$T/out"
own import --from amazon "$DATA/shopify-79.csv"
expect_fail "a Shopify file named as Amazon says to check --from" 5 \
	"is not an Amazon order report.*check --from"
own import "$DATA/amazon-orders.txt"
check "the same report again is already here" grep -q \
	"^Imported 2 orders: 0 new, 2 already here, 0 updated\.$" "$T/out"

# --- Etsy --------------------------------------------------------------------
before=$(store_digest)
own import "$DATA/etsy-orders.csv"
expect_fail "Etsy's orders-only file is refused, saying which file to download" 5 \
	"is Etsy's Sold Orders file.*download \"Order Items\" instead"
check "and nothing was imported" [ "$before" = "$(store_digest)" ]
own import "$DATA/etsy-order-items.csv"
expect_ok "Etsy's Sold Order Items imports, told from its header"
check "two new" grep -q "^Imported 2 orders: 2 new, 0 already here, 0 updated" "$T/out"
own list --format csv
check "unit prices, shipping once, a country by name" bash -c "
	grep -q '^2950000001,.*,68\.10,.*,new,paid' '$T/out' ||
	grep -q '^2950000001,.*,6810,.*,new,paid' '$T/out'"
own import --from etsy "$T/day2.json"
expect_fail "JSON named as Etsy says to check --from" 5 "is JSON, not etsy's export; check --from"

own audit verify
expect_ok "the log verifies"

finish
