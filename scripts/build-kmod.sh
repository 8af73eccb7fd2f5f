#!/bin/bash
# scripts/build-kmod.sh KVER [make args...] - build nsbox.ko (and the test
# modules in tests/kmod/) for kernel KVER in build/KVER/, out of the source
# tree, so modules for several kernels can live side by side.  First
# scripts/configure-kmod.sh finds out which APIs KVER has
# (build/KVER/nsbox_config.h).
#   build/KVER/nsbox.ko          the module
#   build/KVER/testmods/*.ko     modules used only by the VM tests, among
#                                them nsbox-knobs.ko: nsbox.ko built with
#                                NSBOX_TEST_KNOBS=1 (kmod/testknob.c)
#   build/KVER/build.log         the compiler's output (W=1, sparse if found)
# NSBOX_KMOD_TESTMODS=0 builds nsbox.ko alone (the demo and the labs need
# no test module: scripts/vm.sh asks for them only when the test programs
# are built), and leaves build/KVER/testmods/ as it was.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

KVER=${1:?usage: build-kmod.sh KVER [make args]}
shift
# A kernel of another Debian suite is built in its build root
# (scripts/buildroot.sh), by that suite's compiler: paths inside the root
# are what make sees there.
KROOT=$(kernel_root "$KVER")
if [ -n "$KROOT" ]; then
	KDIR_IN=/usr/src/linux-headers-$KVER
	KDIR=$KROOT$KDIR_IN
	# one work dir per checkout: two trees may build for KVER at once
	WORK=$KROOT/build/nsbox-$KVER-$(printf %s "$TOP" | md5sum | cut -c1-8)
else
	KDIR=${KDIR:-$(kdir_for "$KVER")}
	KDIR_IN=$KDIR
	WORK=$TOP/build/$KVER
fi
[ -e "$KDIR/Makefile" ] || die 2 "no kbuild tree for $KVER at $KDIR: install linux-headers-$KVER (scripts/deps.sh, or scripts/buildroot.sh LINE)"

# kmake DIR ARGS...: make for the module source in DIR, here or in the root
kmake() {
	local dir=$1
	shift
	if [ -n "$KROOT" ]; then
		in_root "$KROOT" make -C "$KDIR_IN" M="${dir#"$KROOT"}" "$@"
	else
		make -C "$KDIR" M="$dir" "$@"
	fi
}

# copy_src DIR: the module's sources into DIR (Kbuild, VERSION, kmod/,
# uapi/), with this kernel's nsbox_config.h; unchanged files keep their
# objects
copy_src() {
	mkdir -p "$1/kmod" "$1/uapi"
	rm -f "$1/kmod/"*.[ch]
	cp -a "$TOP/Kbuild" "$TOP/VERSION" "$1/"
	cp -a "$TOP/kmod/." "$1/kmod/"
	cp -a "$TOP/uapi/." "$1/uapi/"
	cp -p "$OUT/nsbox_config.h" "$1/kmod/nsbox_config.h"
}

OUT=$TOP/build/$KVER
TESTMODS=${NSBOX_KMOD_TESTMODS:-1}
SRC=$WORK/src
mkdir -p "$OUT/testmods" "$WORK"
"$TOP/scripts/configure-kmod.sh" "$KDIR_IN" "$OUT" $KROOT
copy_src "$SRC"

SPARSE=
if [ -n "$KROOT" ]; then
	[ -x "$KROOT/usr/bin/sparse" ] && SPARSE="C=1"
else
	command -v sparse >/dev/null && SPARSE="C=1"
fi
echo "build-kmod: nsbox.ko for $KVER ($KDIR)"
{
	kmake "$SRC" W=1 $SPARSE "$@" modules
	if [ "$TESTMODS" = 1 ] && [ -d "$TOP/tests/kmod" ]; then
		mkdir -p "$SRC/testmods"
		rm -f "$SRC"/testmods/*.[ch] "$SRC"/testmods/*.ko
		cp -a "$TOP/tests/kmod/." "$SRC/testmods/"
		kmake "$SRC/testmods" "$@" modules
	fi
	if [ "$TESTMODS" = 1 ]; then
		# the test variant, in a tree of its own (its objects differ)
		copy_src "$WORK/src-knobs"
		kmake "$WORK/src-knobs" W=1 NSBOX_TEST_KNOBS=1 "$@" modules
	fi
} > "$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; die 1 "module build failed for $KVER"; }
# publish SRC DEST: DEST replaced in one rename.  Another job of the same
# checkout (make check's packages lane boots this kernel too) may be
# copying these files into a VM right now: it must see the old set or the
# new one, never a testmods/ emptied in between (a lane once booted
# without nsbox-knobs.ko that way, and verify.sh failed).
publish() { cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"; }
publish "$SRC/kmod/nsbox.ko" "$OUT/nsbox.ko"
if [ "$TESTMODS" != 1 ]; then
	grep -E 'warning:|error:' "$OUT/build.log" >&2 &&
		die 1 "compiler or sparse warnings for $KVER (full log: $OUT/build.log)"
	exit 0
fi
built=" nsbox-knobs.ko "
for m in "$SRC"/testmods/*.ko; do
	[ -f "$m" ] && publish "$m" "$OUT/testmods/${m##*/}" && built="$built${m##*/} "
done
publish "$WORK/src-knobs/kmod/nsbox.ko" "$OUT/testmods/nsbox-knobs.ko"
# then the test modules no longer built
for m in "$OUT"/testmods/*.ko; do
	case $built in *" ${m##*/} "*) ;; *) rm -f "$m" ;; esac
done
if grep -E 'warning:|error:' "$OUT/build.log" >&2; then
	die 1 "compiler or sparse warnings for $KVER (full log: $OUT/build.log)"
fi
exit 0
