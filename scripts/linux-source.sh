#!/bin/bash
# scripts/linux-source.sh - take the few files nsbox needs from Debian's
# linux-source package, at build time, into build/linux-source/ (never into
# the repository):
#   tools/testing/selftests/kselftest_harness.h, kselftest.h  (the tests)
#   scripts/checkpatch.pl, spelling.txt, const_structs.checkpatch
# Prefers the newest linux-source-*.tar.xz in /usr/src.  Idempotent: does
# nothing once the files are there.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

OUT=$TOP/build/linux-source
FILES="tools/testing/selftests/kselftest_harness.h
tools/testing/selftests/kselftest.h
scripts/checkpatch.pl
scripts/spelling.txt
scripts/const_structs.checkpatch"

if [ -f "$OUT/.done" ]; then
	exit 0
fi
# shellcheck disable=SC2012
TAR=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$TAR" ] || die 2 "no /usr/src/linux-source-*.tar.xz: install linux-source-6.12 (scripts/deps.sh)"
NAME=$(basename "$TAR" .tar.xz)
echo "linux-source: extracting the kselftest harness and checkpatch from $TAR"
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck disable=SC2046
tar -xJf "$TAR" -C "$OUT" --strip-components=1 $(for f in $FILES; do echo "$NAME/$f"; done)
echo "$NAME" > "$OUT/.done"
