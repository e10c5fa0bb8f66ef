#!/usr/bin/env bash
# test-install.sh - what an administrator installs: the version both
# programs report.
. "$(dirname "$0")/lib.sh"

VERSION=$(cat "$ROOT/VERSION")

# Each program says its name and the one VERSION, on one line, exit 0.
for prog in orderdesk orderdeskd; do
	out=$("$ROOT/$BUILD/bin/$prog" --version 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [ "$out" = "$prog $VERSION" ]; then
		ok "$prog --version says $VERSION"
	else
		not_ok "$prog --version (status $rc, said: $(head -c 200 <<< "$out"))"
	fi
done

finish
