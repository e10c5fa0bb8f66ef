#!/usr/bin/env bash
# test-package.sh - the Debian packages: `dpkg-buildpackage -us -uc -b` on a
# copy of the tree builds orderdesk and orderdeskd (debhelper compat 13) at
# VERSION, each holding what it should, the backend's settings a conffile
# and its user and state directory made at install; lintian reports no
# error.  Slow (a whole build), so not part of `make check`: run it with
# `make check-package`, which leaves the .deb files in build/package/.
. "$(dirname "$0")/../e2e/lib.sh"

for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" > /dev/null || {
		not_ok "this test needs $tool: ./.ci/deps --package installs it"
		exit 1
	}
done
VERSION=$(cat "$ROOT/VERSION")
SRC="$T/orderdesk-$VERSION"
OUT="$ROOT/$BUILD/package"

check "debian/changelog's version is VERSION ($VERSION)" \
	test "$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version)" = "$VERSION"

# The tree as git sees it (tracked and new files, not what .gitignore
# leaves out: no build/), so the package builds from the source alone.
mkdir "$SRC"
(cd "$ROOT" && git ls-files -co --exclude-standard -z |
	xargs -0 tar -cf - --) | tar -xf - -C "$SRC"
(cd "$SRC" && dpkg-buildpackage -us -uc -b) > "$T/build.log" 2>&1
rc=$?
check "dpkg-buildpackage -us -uc -b succeeds (log: $OUT/build.log)" test "$rc" -eq 0
mkdir -p "$OUT"
rm -f "$OUT"/*.deb
cp "$T/build.log" "$OUT/"
cp "$T"/*.deb "$T"/*.changes "$OUT/" 2> /dev/null

# --- each package: its version, its files, its programs run -----------------
for p in orderdesk orderdeskd; do
	deb="$T/${p}_${VERSION}_$(dpkg --print-architecture).deb"
	check "$p: the package is built" test -f "$deb"
	check "$p: its version is $VERSION" \
		test "$(dpkg-deb -f "$deb" Version 2> /dev/null)" = "$VERSION"
	dpkg-deb -x "$deb" "$T/x-$p" 2> /dev/null
done
files() { (cd "$T/x-$1" && find . -type f ! -path './usr/share/doc/*' | sort); }
check "orderdesk holds the desk and its pages" test "$(files orderdesk)" = \
"./usr/bin/orderdesk
./usr/share/man/man1/orderdesk.1.gz
./usr/share/man/man5/orderdesk-import.5.gz"
check "orderdeskd holds the backend, its pages, unit and settings" \
	test "$(files orderdeskd)" = \
"./etc/orderdesk/orderdeskd.conf
./lib/systemd/system/orderdeskd-backup.service
./lib/systemd/system/orderdeskd-backup.timer
./lib/systemd/system/orderdeskd.service
./usr/lib/sysusers.d/orderdesk.conf
./usr/lib/tmpfiles.d/orderdesk.conf
./usr/sbin/orderdeskd
./usr/share/man/man5/orderdeskd.conf.5.gz
./usr/share/man/man8/orderdeskd.8.gz"
check "the packaged orderdesk says $VERSION" \
	test "$("$T/x-orderdesk/usr/bin/orderdesk" --version)" = "orderdesk $VERSION"
check "the packaged orderdeskd says $VERSION" \
	test "$("$T/x-orderdeskd/usr/sbin/orderdeskd" --version)" = "orderdeskd $VERSION"
check "the unit runs /usr/sbin/orderdeskd" grep -q \
	'^ExecStart=/usr/sbin/orderdeskd ' "$T/x-orderdeskd/lib/systemd/system/orderdeskd.service"

# --- installing: settings kept across upgrades, user and directory made ----
dpkg-deb -e "$T/orderdeskd_${VERSION}_$(dpkg --print-architecture).deb" "$T/ctl"
check "/etc/orderdesk/orderdeskd.conf is a conffile (an upgrade keeps edits)" \
	grep -qx /etc/orderdesk/orderdeskd.conf "$T/ctl/conffiles"
check "its postinst makes the user (systemd-sysusers orderdesk.conf)" \
	grep -q 'systemd-sysusers .*orderdesk.conf' "$T/ctl/postinst"
check "and /var/lib/orderdesk (systemd-tmpfiles --create orderdesk.conf)" \
	grep -q 'systemd-tmpfiles .*--create orderdesk.conf' "$T/ctl/postinst"
check "and enables orderdeskd.service" \
	grep -q "deb-systemd-helper enable 'orderdeskd.service'" "$T/ctl/postinst"
check "and the nightly orderdeskd-backup.timer" \
	grep -q "deb-systemd-helper enable 'orderdeskd-backup.timer'" "$T/ctl/postinst"

# --- dpkg installs it into a throwaway root ---------------------------------
# dpkg --root with chrootless scripts: the postinst runs with DPKG_ROOT, as
# the sysusers, tmpfiles and systemd helpers expect.  Only where systemd is
# not running: its postinst would otherwise reload the host's systemd.
ARCH=$(dpkg --print-architecture)
R="$T/root"
dpkg_r() {
	dpkg --root="$R" --force-script-chrootless --force-depends \
		--force-not-root --log=/dev/null "$@" >> "$T/dpkg.log" 2>&1
}
if [ -d /run/systemd/system ]; then
	ok "installing into a throwaway root # SKIP systemd runs on this machine"
else
	mkdir -p "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/info" "$R/etc"
	: > "$R/var/lib/dpkg/status"
	# (--force-depends: the throwaway root has no libraries installed.)
	dpkg_r -i "$T/orderdeskd_${VERSION}_$ARCH.deb" "$T/orderdesk_${VERSION}_$ARCH.deb"
	rc=$?
	check "dpkg installs both packages (status $rc)" \
		test "$rc" -eq 0 -a -x "$R/usr/sbin/orderdeskd" -a -x "$R/usr/bin/orderdesk"
	[ "$rc" -eq 0 ] || sed 's/^/# dpkg: /' "$T/dpkg.log" | tail -20
	uid=$(awk -F: '$1 == "orderdesk" { print $3 }' "$R/etc/passwd" 2> /dev/null)
	check "the user orderdesk is made (uid ${uid:-none}), no login" \
		grep -q "^orderdesk:x:$uid:.*:/var/lib/orderdesk:/usr/sbin/nologin\$" "$R/etc/passwd"
	check "/var/lib/orderdesk is made 0700 and theirs" \
		test "$(stat -c '%a %u' "$R/var/lib/orderdesk" 2>&1)" = "700 ${uid:-none}"
	check "orderdeskd.service is enabled" \
		test -L "$R/etc/systemd/system/multi-user.target.wants/orderdeskd.service"
	echo "max_per_ip = 4" >> "$R/etc/orderdesk/orderdeskd.conf"
	cp "$R/etc/orderdesk/orderdeskd.conf" "$T/edited.conf"
	dpkg_r -i "$T/orderdeskd_${VERSION}_$ARCH.deb"
	check "installing again keeps the edited orderdeskd.conf" \
		cmp -s "$T/edited.conf" "$R/etc/orderdesk/orderdeskd.conf"
	dpkg_r -r orderdeskd
	check "remove takes the program, keeps the settings" \
		test ! -e "$R/usr/sbin/orderdeskd" -a -e "$R/etc/orderdesk/orderdeskd.conf"
	dpkg_r -P orderdeskd
	check "purge takes the settings and the unit's enabling too" \
		test ! -e "$R/etc/orderdesk/orderdeskd.conf" -a \
		! -e "$R/etc/systemd/system/multi-user.target.wants/orderdeskd.service"
fi

# --- lintian: no error (warnings and notes are shown) -------------------------
lintian --allow-root --fail-on error -I "$T"/*.changes > "$T/lintian" 2>&1
rc=$?
sed 's/^/# /' "$T/lintian"
check "lintian reports no error ($(grep -c '^E:' "$T/lintian") errors, $(grep -c '^W:' "$T/lintian") warnings)" \
	test "$rc" -eq 0

finish
