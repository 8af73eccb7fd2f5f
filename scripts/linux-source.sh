#!/bin/bash
# scripts/linux-source.sh - take the few files nsbox needs from Debian's
# linux-source package, at build time, into build/linux-source/ (never into
# the repository):
#   tools/testing/selftests/kselftest_harness.h, kselftest.h  (the tests)
#   scripts/checkpatch.pl, spelling.txt, const_structs.checkpatch
#   tools/net/ynl/cli.py and lib/*.py  (the YNL CLI: tests/vm/ynl.sh and
#     the ynl lab run it in the lab VM, scripts/vm.sh copies it there)
#   Documentation/netlink/genetlink*.yaml  (the schemas uapi/nsbox.yaml is
#     validated against: tests/host/ynl.sh), specs/nlctrl.yaml (the genl
#     controller's spec: the VM test asks the kernel for nsbox's ops and
#     policies with it)
# Prefers the newest linux-source-*.tar.xz in /usr/src (the YNL CLI needs
# 6.3 or later; bookworm's 6.12 has it, 6.1 does not).  Idempotent: does
# nothing once every file is there.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

OUT=$TOP/build/linux-source
FILES="tools/testing/selftests/kselftest_harness.h
tools/testing/selftests/kselftest.h
scripts/checkpatch.pl
scripts/spelling.txt
scripts/const_structs.checkpatch
tools/net/ynl/cli.py
tools/net/ynl/lib/__init__.py
tools/net/ynl/lib/nlspec.py
tools/net/ynl/lib/ynl.py
Documentation/netlink/genetlink.yaml
Documentation/netlink/genetlink-c.yaml
Documentation/netlink/genetlink-legacy.yaml
Documentation/netlink/specs/nlctrl.yaml"

# every file there already (a tree extracted before a file was added to
# the list is extracted again)
have=1
for f in $FILES; do
	[ -f "$OUT/$f" ] || { have=0; break; }
done
[ "$have" = 0 ] || exit 0
# shellcheck disable=SC2012
TAR=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$TAR" ] || die 2 "no /usr/src/linux-source-*.tar.xz: install linux-source-6.12 (scripts/deps.sh --labs)"
NAME=$(basename "$TAR" .tar.xz)
echo "linux-source: extracting the kselftest harness, checkpatch and the YNL CLI from $TAR"
rm -rf "$OUT"
mkdir -p "$OUT"
# shellcheck disable=SC2046
tar -xJf "$TAR" -C "$OUT" --strip-components=1 $(for f in $FILES; do echo "$NAME/$f"; done)
echo "$NAME" > "$OUT/.done"
