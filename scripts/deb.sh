#!/bin/bash
# scripts/deb.sh - `make deb`: the Debian packages nsbox_VERSION_amd64.deb
# (the tool, its man pages and shell completion) and
# nsbox-dkms_VERSION_all.deb (the module's sources, built by DKMS for each
# installed kernel) in build/deb/, with Debian's own tools (debhelper,
# dh-dkms; debian/), then lintian: any error or warning fails.
#
# The packages are built from a copy of the tree's files (git ls-files:
# what is committed or about to be, nothing ignored), so the build sees
# exactly what a source package would hold and the tree is left alone.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
cd "$TOP"
VERSION=$(cat VERSION)
OUT=$TOP/build/deb
SRC=$OUT/src/nsbox-$VERSION

for p in debhelper dh-dkms lintian scdoc dpkg-dev; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		die 2 "package $p is missing: run scripts/deps.sh --check"
done
# the package's version is the release: debian/changelog says the same
cv=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "$cv" = "$VERSION" ] || die 1 "debian/changelog is at $cv, VERSION says $VERSION: add a changelog entry (dch -v $VERSION)"

rm -rf "$OUT"
mkdir -p "$SRC"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$TOP" ls-files -co --exclude-standard -z |
		tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$SRC" -xf -
else
	tar -C "$TOP" --exclude=./build --exclude=./.git -cf - . | tar -C "$SRC" -xf -
fi
cd "$SRC"
dpkg-buildpackage -us -uc -b > "$OUT/build.log" 2>&1 || {
	tail -n 40 "$OUT/build.log" >&2
	die 1 "dpkg-buildpackage failed (log: $OUT/build.log)"
}
cd "$OUT/src"
mv ./*.deb ./*.changes ./*.buildinfo "$OUT/"
cd "$OUT"
echo "deb: built in build/deb/:"
ls -1 ./*.deb | sed 's|^\./|  |'
# errors and warnings fail; info tags are printed (overrides: debian/*.lintian-overrides)
lintian --fail-on error,warning --info --tag-display-limit 0 ./*.changes | tee lintian.log
echo "deb: lintian: no errors, no warnings"
