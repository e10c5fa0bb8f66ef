#!/usr/bin/env bash
# Paper with the real binary: packing slips and a pick list as PDF (cairo
# and pango), read back with poppler's pdftotext and pdfinfo: one page per
# order, the order numbers, SKUs, quantities still to ship, a CJK and an
# accented name, a 200-character note whole; the pick list summed by SKU
# with the orders that need it; files made 0600, never written over
# without --force, nothing left behind by a refusal, and no customer data
# in an error.
. "$(dirname "$0")/lib.sh"
for tool in pdftotext pdfinfo; do
	command -v "$tool" > /dev/null ||
		{ not_ok "this test needs $tool (poppler-utils; .ci/deps)"; exit 1; }
done
"$OD" --store "$STORE" --passphrase-fd 3 init --owner owner \
	--shop "Café Ōsaka" > /dev/null 3< <(printf '%s\n' "$OWNER_PASS")
# text PDF: the PDF's text, whitespace dropped (wrapping puts line breaks
# where the text had spaces, or none between CJK characters).
text() { pdftotext "$1" - | tr -d ' \n\f'; }
pages() { pdfinfo "$1" | sed -n 's/^Pages: *//p'; }

# The customer's note: 200 characters (not bytes), CJK and accents in it.
NOTE=$(python3 -c 'import sys; print(sys.argv[1].ljust(200, "."), end="")' \
	"Please leave the parcel with the neighbour at number 12 if nobody \
answers. 置き配を希望します。Ring twice, the bell is broken; knock. \
Gracias — Zoë collects it after six")
check "the note is 200 characters" [ "$(printf '%s' "$NOTE" |
	python3 -c 'import sys; print(len(sys.stdin.read()))')" -eq 200 ]
cat > "$T/orders.json" <<EOF2
[{"number": "P-1", "placed_at": "2026-11-20T09:15:00Z", "currency": "JPY",
  "customer": {"name": "山田 花子"}, "note": "$NOTE",
  "ship_to": {"name": "山田 花子", "lines": ["1-2-3 Jingūmae", "Apartment 405"],
              "city": "Shibuya-ku, Tōkyō", "postcode": "150-0001", "country": "JP"},
  "items": [{"sku": "TEA-01", "name": "Sencha 緑茶", "qty": 3, "unit_price": 1000},
            {"sku": "MUG-02", "name": "Mug", "qty": 1, "unit_price": 2000}],
  "total": 5000},
 {"number": "P-2", "placed_at": "2026-11-21T10:00:00Z", "currency": "EUR",
  "customer": {"name": "Zoë Müller"},
  "ship_to": {"name": "Zoë Müller", "lines": ["Hohe Straße 1"], "city": "Köln", "country": "DE"},
  "items": [{"sku": "MUG-02", "name": "Mug", "qty": 4, "unit_price": 2000},
            {"sku": "BAG-09", "name": "Tote bag", "qty": 2, "unit_price": 500}],
  "total": 9000},
 {"number": "P-3", "placed_at": "2026-11-22T10:00:00Z", "currency": "EUR",
  "customer": {"name": "Ana"},
  "ship_to": {"name": "Ana", "lines": ["Calle Mayor 1"], "city": "Madrid", "country": "ES"},
  "items": [{"sku": "CUP-05", "name": "Cup", "qty": 1, "unit_price": 500}],
  "total": 500}]
EOF2
own import "$T/orders.json"
expect_ok "three orders import"
own confirm P-1 && own confirm P-2 && own cancel P-3 --reason "asked to"
expect_ok "two are confirmed, one cancelled"
# One TEA-01 of P-1 has left already: two are still to ship.
own ship P-1 --carrier DHL --tracking T1 --item TEA-01:1
expect_ok "part of P-1 ships"

# --- slips ------------------------------------------------------------------
cd "$T" || exit 1
own slip P-1 P-2 --out slips.pdf
expect_ok "slip writes two orders"
check "one page per order" [ "$(pages slips.pdf)" = 2 ]
check "the slips file is 0600" [ "$(stat -c %a slips.pdf)" = 600 ]
pdftotext -layout slips.pdf slips.txt
check "the slips name the shop, the orders and their dates" bash -c "
	[ \$(grep -c 'Café Ōsaka' slips.txt) -eq 2 ] &&
	grep -q 'Order P-1' slips.txt && grep -q 'Order P-2' slips.txt &&
	grep -q 'Placed 2026-11-20' slips.txt"
check "the CJK and accented names come back as text" bash -c "
	grep -q '山田 花子' slips.txt && grep -q 'Zoë Müller' slips.txt &&
	grep -q 'Hohe Straße 1' slips.txt && grep -q 'Sencha 緑茶' slips.txt"
check "each item has its SKU and the quantity still to ship" bash -c "
	grep -Eq '^ *TEA-01 +Sencha 緑茶 +2\$' slips.txt &&
	grep -Eq '^ *MUG-02 +Mug +1\$' slips.txt &&
	grep -Eq '^ *MUG-02 +Mug +4\$' slips.txt &&
	grep -Eq '^ *BAG-09 +Tote bag +2\$' slips.txt"
want=$(printf '%s' "$NOTE" | tr -d ' \n')
case $(text slips.pdf) in
*"$want"*) ok "the 200-character note is there whole" ;;
*) not_ok "the 200-character note is there whole" ;;
esac
check "the note is on P-1's page, not P-2's" bash -c "
	pdftotext -f 1 -l 1 slips.pdf - | grep -q neighbour &&
	! pdftotext -f 2 -l 2 slips.pdf - | grep -q neighbour"

# --- never over a file without --force ---------------------------------------
before=$(sha256sum < slips.pdf)
own slip P-2 --out slips.pdf
expect_fail "a second slip to the same file is refused" 4 \
	"^orderdesk: slips.pdf exists; give --force to replace it\$"
check "the file is as it was, and no .part is left" bash -c "
	[ '$before' = \"\$(sha256sum < slips.pdf)\" ] && [ ! -e slips.pdf.part ]"
own slip P-2 --out slips.pdf --force
expect_ok "--force replaces it"
check "the replaced file is P-2's one page, still 0600" bash -c "
	[ \"\$(pdfinfo slips.pdf | sed -n 's/^Pages: *//p')\" = 1 ] &&
	[ \"\$(stat -c %a slips.pdf)\" = 600 ] &&
	pdftotext slips.pdf - | grep -q 'Order P-2'"

# --- refusals: one line, the order by number only, no file --------------------
own slip P-1 P-3 --out none.pdf
expect_fail "a cancelled order is refused by its number" 4 \
	"order P-3 is cancelled; there is nothing to pack"
own slip P-1 P-404 --out none.pdf
expect_fail "an order that does not exist is refused" 4 "P-404"
own slip P-1 --out none.pdf --nonsense
expect_fail "an unknown option gives the usage" 2 "usage: orderdesk slip"
check "no refusal wrote a file" bash -c "! ls none.pdf* 2> /dev/null"
check "no refusal named a customer" bash -c "
	! grep -Eq '山田|Zoë|Ana|Mayor|Köln' '$T/err'"
own slip P-1 --out "$T/no-such-dir/x.pdf"
expect_fail "a folder that is not there is said in one line" 1 \
	"cannot write .*no-such-dir/x.pdf"

# --- pick list ---------------------------------------------------------------
own picklist --out pick.pdf
expect_ok "picklist of the confirmed orders"
check "the pick list is one page, 0600" bash -c "
	[ \"\$(pdfinfo pick.pdf | sed -n 's/^Pages: *//p')\" = 1 ] &&
	[ \"\$(stat -c %a pick.pdf)\" = 600 ]"
pdftotext -layout pick.pdf pick.txt
check "each SKU once, with the total and the orders that need it" bash -c "
	grep -Eq '^ *BAG-09 +Tote bag +2 +P-2 ×2\$' pick.txt &&
	grep -Eq '^ *MUG-02 +Mug +5 +P-1 ×1, P-2 ×4\$' pick.txt &&
	grep -Eq '^ *TEA-01 +Sencha 緑茶 +2 +P-1 ×2\$' pick.txt"
check "sorted by SKU, the cancelled order left out" bash -c "
	[ \"\$(grep -Eo '^ *[A-Z]{3}-[0-9]{2}' pick.txt | tr -d ' ' |
		tr '\n' ' ')\" = 'BAG-09 MUG-02 TEA-01 ' ] && ! grep -q CUP pick.txt"
check "the list says its batch" grep -q "status confirmed: 2 orders, 3 SKUs" \
	pick.txt
own picklist P-2 --out pick2.pdf
expect_ok "picklist of named orders"
check "only P-2's SKUs" bash -c "
	pdftotext -layout pick2.pdf - | grep -Eq '^ *MUG-02 +Mug +4 +P-2 ×4\$' &&
	! pdftotext pick2.pdf - | grep -q TEA-01"
own picklist --filter 'sku:TEA-*' --out pick3.pdf
expect_ok "picklist --filter: the confirmed orders it keeps"
check "only P-1, which has tea" bash -c "
	pdftotext -layout pick3.pdf - | grep -Eq '^ *MUG-02 +Mug +1 +P-1 ×1\$' &&
	! pdftotext pick3.pdf - | grep -q BAG-09 &&
	pdftotext pick3.pdf - | grep -q 'status confirmed, filtered: 1 order'"
own picklist --filter 'total:>x' --out none.pdf
expect_fail "a malformed filter is named before anything is asked" 2 "total:>x"
own picklist --filter 'sku:NOPE-*' --out none.pdf
expect_fail "a filter that keeps nothing writes nothing" 4 \
	"no confirmed order the filter keeps has anything left to ship"
own picklist --out pick.pdf
expect_fail "a pick list over a file is refused too" 4 "give --force"
own picklist --status shipped --out none.pdf
expect_fail "a batch with nothing to ship writes nothing" 4 \
	"no shipped order has anything left to ship"
own picklist --status confirmed P-1 --out none.pdf
expect_fail "a status and numbers together give the usage" 2 "usage"
check "still no stray file" bash -c "! ls none.pdf* 2> /dev/null"
finish
