#!/bin/bash
# scripts/debug-kernel.sh [SERIES] - build the nsbox debug kernel (KASAN,
# lockdep, kmemleak, UBSAN, fault injection) from Debian's linux-source
# package, once per machine.  Prints the build directory.
#
# SERIES is 6.1 (default) or 6.12.  The tree is cached in
# ${NSBOX_CACHE:-$HOME/.cache/nsbox}/debug-kernel-<source version>-<config hash>,
# so it is built only when the source package or scripts/debug.config
# changes.  About 10 minutes on 2 cores (2,404 objects); progress is shown.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

SERIES=${1:-6.1}
TAR=/usr/src/linux-source-$SERIES.tar.xz
[ -r "$TAR" ] || die 2 "$TAR not found: install linux-source-$SERIES (scripts/deps.sh --check)"
VER=$(dpkg-query -W -f='${Version}' "linux-source-$SERIES")
HASH=$(cat "$TOP/scripts/debug.config" "$0" | sha256sum | cut -c1-12)
CACHE=${NSBOX_CACHE:-$HOME/.cache/nsbox}
DIR=$CACHE/debug-kernel-$VER-$HASH
if [ -f "$DIR/.built" ]; then
	echo "$DIR"
	exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR"
echo "debug-kernel: extracting $TAR into $DIR" >&2
tar -xJf "$TAR" -C "$DIR" --strip-components=1
cd "$DIR"
echo "debug-kernel: configuring (x86_64_defconfig kvm_guest.config debug.config + nsbox fragment)" >&2
make -s x86_64_defconfig kvm_guest.config >&2
[ -f kernel/configs/debug.config ] && make -s debug.config >&2 || true
scripts/kconfig/merge_config.sh -m .config "$TOP/scripts/debug.config" >&2
make -s olddefconfig >&2
for opt in KASAN PROVE_LOCKING DEBUG_KMEMLEAK KPROBES OVERLAY_FS; do
	grep -q "^CONFIG_$opt=y" .config || die 1 "CONFIG_$opt did not stay enabled"
done
echo "debug-kernel: building bzImage and modules with $(nproc) jobs (about 10 min on 2 cores)" >&2
start=$(date +%s)
make -j"$(nproc)" bzImage modules 2>&1 | awk '
	/^  (CC|AR|LD)/ { n++; if (n % 200 == 0) printf "debug-kernel: %d objects...\n", n > "/dev/stderr"; next }
	{ print > "/dev/stderr" }
	END { printf "debug-kernel: %d objects\n", n > "/dev/stderr" }'
[ -f arch/x86/boot/bzImage ] || die 1 "debug kernel build failed"
echo "debug-kernel: built in $(( $(date +%s) - start )) s" >&2
touch .built
echo "$DIR"
