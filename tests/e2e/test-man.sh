#!/usr/bin/env bash
# test-man.sh - the manual pages in man/: each lints clean with mandoc, and
# each says what the programs do today (every command and option the
# programs list, every setting orderdeskd.conf takes, an import example
# that imports).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/backend-lib.sh"
need_tools mandoc jq

MAN="$ROOT/man"
pages=("$MAN"/*.[1-8])
check "man/ holds the four pages (${#pages[@]})" test "${#pages[@]}" -eq 4

# --- mandoc -Tlint: no message at all, not even a style one -----------------
for p in "${pages[@]}"; do
	name=$(basename "$p")
	mandoc -Tlint -W all "$p" > "$T/lint" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$T/lint" ]; then
		ok "mandoc -Tlint: $name is clean"
	else
		not_ok "mandoc -Tlint: $name (status $rc): $(head -c 300 "$T/lint")"
	fi
	# .TH NAME SECTION matches the file's name, in capitals.
	base=${name%.*}
	sect=${name##*.}
	check "$name: .TH names ${base^^} in section $sect" \
		grep -q "^\.TH ${base^^} $sect " "$p"
done

# render PAGE: the page as a person reads it, plain text.
render() { mandoc -Tutf8 -O width=200 "$MAN/$1" | col -bx; }

# mentions PAGE WORD...: each WORD is in PAGE as rendered; a WORD that
# is not an option must be in bold (as a command is), not merely a word
# of the text ("clock" is).
mentions() {
	local page=$1 w missing=""
	shift
	render "$page" > "$T/page"
	for w in "$@"; do
		case $w in
		--*) grep -qF -- "$w" "$T/page" ;;
		*) grep -qE "\\\\fB$w\\b|^\\.B $w\\b" "$MAN/$page" ;;
		esac || missing="$missing $w"
	done
	[ -z "$missing" ] || { echo "# $page lacks:$missing"; return 1; }
}

# --- every command and option the programs list is in their page ----------
"$OD" --help > "$T/help"
mapfile -t cmds < <(sed -n '/^commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' "$T/help")
mapfile -t opts < <(grep -o -- '--[a-z][a-z-]*' "$T/help" | sort -u)
check "orderdesk --help lists commands (${#cmds[@]})" test "${#cmds[@]}" -ge 19
check "orderdesk.1 names every command and option orderdesk --help does" \
	mentions orderdesk.1 "${cmds[@]}" "${opts[@]}"
"$ODD" --help > "$T/help"
mapfile -t cmds < <(sed -n 's/.*--dir DIR \([a-z]*\).*/\1/p' "$T/help")
mapfile -t opts < <(grep -o -- '--[a-z][a-z-]*' "$T/help" | sort -u)
check "orderdeskd --help lists commands (${#cmds[@]})" test "${#cmds[@]}" -ge 7
check "orderdeskd.8 names every command and option orderdeskd --help does" \
	mentions orderdeskd.8 "${cmds[@]}" "${opts[@]}"

# --- orderdeskd.conf(5) documents every setting orderdeskd takes -----------
# The backend's own message for a bad line lists the names it knows.
"$ODD" --dir "$BK" init --shop "Man shop" > /dev/null 2>&1
echo "no_such_setting = 1" >> "$BK/orderdeskd.conf"
timeout 30 "$ODD" --dir "$BK" serve --listen 127.0.0.1:0 2> "$T/err"
mapfile -t names < <(sed -n 's/.*expected one of \(.*\) = .*/\1/p' "$T/err" |
	tr -d ' ' | tr ',' '\n')
check "orderdeskd names its settings (${#names[@]})" test "${#names[@]}" -ge 10
render orderdeskd.conf.5 > "$T/conf5"
missing=""
for n in "${names[@]}"; do
	grep -Eq "^ +$n = " "$T/conf5" || missing="$missing $n"
done
check "orderdeskd.conf.5 documents each setting${missing:+; lacks$missing}" \
	test -z "$missing"
# Its example is a file serve accepts.
mkdir -m 755 "$T/etc"
sed -n '/^EXAMPLES/,/^ *Then/p' "$T/conf5" | sed -n 's/^ *\([a-z_]* = .*\)/\1/p' \
	> "$T/etc/orderdeskd.conf"
sed -i 's/^listen = .*/listen = 127.0.0.1:0/' "$T/etc/orderdeskd.conf"
sed -i '$d' "$BK/orderdeskd.conf"
"$ODD" --dir "$BK" serve --conf-dir "$T/etc" 2>> "$T/srv.log" &
SRV_PID=$!
check "the page's example is a configuration serve starts with" \
	until_line "listening on" "$T/srv.log"
stop_backend

# --- orderdesk-import(5): its example imports, as a person would copy it ----
render orderdesk-import.5 | sed -n '/^EXAMPLES/,/^ *What/p' |
	sed -n '/\[{/,/}\]$/p' > "$T/example.json"
new_shop
od "$OWNER_PASS" import "$T/example.json"
expect_ok "the JSON example in orderdesk-import.5 imports"
check "and it is one order" grep -q "^Imported 1 orders" "$T/out"

# --- every page a page refers to, of ours, is there -------------------------
missing=""
for ref in $(cat "${pages[@]}" | sed -n 's/^\.BR \(orderdesk[a-z.-]*\) (\([0-9]\)).*/\1.\2/p' | sort -u); do
	[ -e "$MAN/$ref" ] || missing="$missing $ref"
done
check "every orderdesk page referred to exists${missing:+; missing$missing}" \
	test -z "$missing"

finish
