#!/usr/bin/env bash
# Packing slips from the screens (issue 13), end to end at 100x30: W
# writes the slips of the marked orders as a PDF to a file the person
# names (the message says where), as `orderdesk slip` does; pdftotext
# reads each order back.  A cancelled order marked is refused by number
# and nothing is written; a file already there is kept unless replacing
# it is chosen.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui-lib.sh"

for tool in pdftotext pdfinfo; do
	if ! command -v "$tool" > /dev/null; then
		echo "not ok - $tool is missing (apt-get install poppler-utils)"
		exit 1
	fi
done

new_shop
od "$OWNER_PASS" import "$SAMPLE"
expect_ok "the sample shop is imported"
od "$OWNER_PASS" cancel 1005 --reason "customer asked"
expect_ok "1005 is cancelled"

start_pane 100 30
sign_in owner "$OWNER_PASS"
screen "the desk opens" '^ owner \(owner\) │'
tm send-keys '?'
screen "help offers W" ' W +packing slips of the marked \(PDF\)'
tm send-keys Escape

# Mark 1001 and 1003 (the cursor steps down after each Space).
tm send-keys 6 g Space j Space
screen "two marked" '2 marked'
tm send-keys W
screen "W asks where, naming what" 'Packing slips of the marked 2 orders \(PDF\)'
check "a dated name is offered" grep -Eq 'slips-[0-9]{8}-[0-9]{4}\.pdf' "$T/pane"
tm send-keys C-u
tm send-keys -l "$T/slips.pdf"
tm send-keys Enter
screen "the message says where it went" \
	"Wrote 2 packing slips to $T/slips.pdf \\(only you may read it\\)" 20
check "one page per order" bash -c "pdfinfo '$T/slips.pdf' | grep -Eq '^Pages: +2$'"
pdftotext "$T/slips.pdf" "$T/slips.txt"
check "the slips are 1001's and 1003's" \
	bash -c "grep -q 1001 '$T/slips.txt' && grep -q 1003 '$T/slips.txt'"
check "the file is the person's alone" test "$(stat -c %a "$T/slips.pdf")" = 600
before=$(sha256sum < "$T/slips.pdf")

tm send-keys W
wait_for 'Packing slips of the marked' 5
tm send-keys C-u
tm send-keys -l "$T/slips.pdf"
tm send-keys Enter
screen "a file there is asked about" 'slips.pdf exists'
tm send-keys Enter
screen "no by default: kept" 'Not written: .*slips.pdf is kept as it was'
check "unchanged" test "$before" = "$(sha256sum < "$T/slips.pdf")"

# The cancelled one marked too: refused by number, nothing written.
tm send-keys g
for i in 1 2 3 4; do tm send-keys j; done
tm send-keys Space
screen "three marked" '3 marked'
tm send-keys W
wait_for 'Packing slips of the marked 3' 5
tm send-keys C-u
tm send-keys -l "$T/more.pdf"
tm send-keys Enter
screen "a cancelled order is refused by number" \
	'Not written: order 1005 is cancelled; there is nothing to pack'
check "and nothing is written" test ! -e "$T/more.pdf"

tm send-keys u
tm send-keys W
screen "nothing marked: the selected order's slip" \
	'Packing slips of 1 order \(PDF\)'
tm send-keys Escape
tm send-keys q
screen "the desk ends" 'desk exit 0'
finish
