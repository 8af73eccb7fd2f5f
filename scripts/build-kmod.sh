#!/bin/bash
# scripts/build-kmod.sh KVER [make args...] - build nsbox.ko (and the test
# modules in tests/kmod/) for kernel KVER in build/KVER/, out of the source
# tree, so modules for several kernels can live side by side.
#   build/KVER/nsbox.ko          the module
#   build/KVER/testmods/*.ko     modules used only by the VM tests, among
#                                them nsbox-knobs.ko: nsbox.ko built with
#                                NSBOX_TEST_KNOBS=1 (kmod/testknob.c)
#   build/KVER/build.log         the compiler's output (W=1, sparse if found)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

KVER=${1:?usage: build-kmod.sh KVER [make args]}
shift
KDIR=${KDIR:-$(kdir_for "$KVER")}
[ -e "$KDIR/Makefile" ] || die 2 "no kbuild tree for $KVER at $KDIR: install linux-headers-$KVER (scripts/deps.sh)"

OUT=$TOP/build/$KVER
SRC=$OUT/src
mkdir -p "$SRC" "$OUT/testmods"
# Copy only what Kbuild needs; rsync-like update keeps unchanged objects.
rm -rf "$SRC/kmod/"*.c "$SRC/kmod/"*.h
cp -a "$TOP/Kbuild" "$SRC/"
mkdir -p "$SRC/kmod" "$SRC/uapi" "$SRC/testmods"
cp -a "$TOP/kmod/." "$SRC/kmod/"
cp -a "$TOP/uapi/." "$SRC/uapi/"

SPARSE=
command -v sparse >/dev/null && SPARSE="C=1"
echo "build-kmod: nsbox.ko for $KVER ($KDIR)"
{
	make -C "$KDIR" M="$SRC" W=1 $SPARSE "$@" modules
	if [ -d "$TOP/tests/kmod" ]; then
		rm -f "$SRC"/testmods/*.[ch] "$SRC"/testmods/*.ko
		cp -a "$TOP/tests/kmod/." "$SRC/testmods/"
		make -C "$KDIR" M="$SRC/testmods" "$@" modules
	fi
	# the test variant, in a tree of its own (its objects differ)
	mkdir -p "$OUT/src-knobs/kmod" "$OUT/src-knobs/uapi"
	rm -f "$OUT/src-knobs/kmod/"*.[ch]
	cp -a "$TOP/Kbuild" "$OUT/src-knobs/"
	cp -a "$TOP/kmod/." "$OUT/src-knobs/kmod/"
	cp -a "$TOP/uapi/." "$OUT/src-knobs/uapi/"
	make -C "$KDIR" M="$OUT/src-knobs" W=1 NSBOX_TEST_KNOBS=1 "$@" modules
} > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die 1 "module build failed for $KVER"; }
cp "$SRC/kmod/nsbox.ko" "$OUT/nsbox.ko"
rm -f "$OUT"/testmods/*.ko
for m in "$SRC"/testmods/*.ko; do
	[ -f "$m" ] && cp "$m" "$OUT/testmods/"
done
cp "$OUT/src-knobs/kmod/nsbox.ko" "$OUT/testmods/nsbox-knobs.ko"
if grep -E 'warning:|error:' "$OUT/build.log" >&2; then
	die 1 "compiler or sparse warnings for $KVER (full log: $OUT/build.log)"
fi
exit 0
