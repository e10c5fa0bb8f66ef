#!/usr/bin/env bash
# Every fuzz target has seeds in tests/fuzz/corpus/<target>/, so the
# README's fuzz command does not stop at once for want of a directory, and
# the seeds are real inputs of their kind.  No fuzzing here: when `make
# fuzz` has built a target, each seed goes through it once.
. "$(dirname "$0")/lib.sh"

for src in "$ROOT"/tests/fuzz/fuzz-*.c; do
	name=$(basename "$src" .c)
	dir="$ROOT/tests/fuzz/corpus/$name"
	n=$(find "$dir" -type f -size +0 2> /dev/null | wc -l)
	check "$name has seeds in tests/fuzz/corpus/$name ($n)" test "$n" -gt 0
	bin="$ROOT/$BUILD/fuzz/$name"
	if [ -x "$bin" ] && [ "$n" -gt 0 ]; then
		"$bin" "$dir"/* > "$T/fuzz.log" 2>&1
		st=$?
		check "each seed of $name runs through the built target" \
			test "$st" -eq 0
		[ "$st" -eq 0 ] || tail -5 "$T/fuzz.log" | sed 's/^/# /'
	fi
done

# The storefronts' parsers are fuzzed a few seconds from their seeds (new
# inputs go to a scratch corpus, never into the tree): bounded by runs
# and time, a crash fails.
for name in fuzz-import-stores fuzz-webhook-order; do
	bin="$ROOT/$BUILD/fuzz/$name"
	[ -x "$bin" ] || continue
	mkdir -p "$T/corpus-$name"
	"$bin" -max_total_time=3 -runs=200000 -artifact_prefix="$T/" \
		"$T/corpus-$name" \
		"$ROOT/tests/fuzz/corpus/$name" > "$T/fuzz.log" 2>&1
	st=$?
	check "$name runs a few seconds from its seeds without a crash" \
		test "$st" -eq 0
	[ "$st" -eq 0 ] || tail -5 "$T/fuzz.log" | sed 's/^/# /'
done

# The import seeds are files orderdesk imports; the statement seeds are
# statements an orderdesk signed (the parser takes them back unchanged).
i=0
for f in "$ROOT"/tests/fuzz/corpus/fuzz-import/*; do
	i=$((i + 1))
	STORE="$T/import-$i"
	new_shop
	od "$OWNER_PASS" import "$f"
	expect_ok "orderdesk imports the seed $(basename "$f")"
done
check "the statement seeds are orderdesk statements" \
	bash -c "head -qn1 '$ROOT'/tests/fuzz/corpus/fuzz-statement/* | sort -u | grep -qx 'orderdesk-statement/1'"

finish
