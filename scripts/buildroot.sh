#!/bin/bash
# scripts/buildroot.sh LINE - make sure the Debian kernel of one supported
# kernel line is here, headers and image, with the compiler it was built
# with; print its release (KVER).  Idempotent and cached: the second run
# only checks.
#
#   line  suite              where
#   5.10  bullseye-security  build root ~/.cache/nsbox/root-bullseye
#   6.1   bookworm           this machine (scripts/deps.sh --check)
#   6.12  bookworm-security  this machine (scripts/deps.sh)
#   7     trixie-backports   build root ~/.cache/nsbox/root-trixie
#
# A kernel's headers want its own suite's gcc and libc (5.10: gcc-10;
# 7.x: gcc-14 and libc 2.41), so a line whose suite is not this machine's
# gets a build root: a minimal Debian of that suite made by debootstrap
# from Debian's archive, with the headers, sparse and the kernel image
# (for the lab VM) installed by apt inside it.  scripts/build-kmod.sh then
# compiles in that root (chroot), scripts/vm.sh boots its /boot/vmlinuz.
# Each line follows Debian's newest kernel through the suite's
# linux-headers-amd64 meta-package, as deps.sh does for 6.12.
#
# Usage: scripts/buildroot.sh LINE [--check]   (--check: no downloads;
#        exit 1 if the line's kernel is not installed)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

LINE=${1:?usage: buildroot.sh LINE [--check]   (LINE: $(kernel_lines))}
CHECK_ONLY=0
[ "${2:-}" = --check ] && CHECK_ONLY=1
MIRROR=${NSBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${NSBOX_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

case "$LINE" in
6.1|6.12)
	k=$(host_kver "$LINE")
	if [ -z "$k" ]; then
		[ "$CHECK_ONLY" = 1 ] && exit 1
		"$TOP/scripts/deps.sh" --check >&2	# 6.1 is in the --check tier
		k=$(host_kver "$LINE")
	fi
	[ -n "$k" ] || die 1 "no $LINE kernel after scripts/deps.sh --check"
	echo "$k"
	exit 0
	;;
5.10) SUITE=bullseye; FROM=bullseye-security ;;
7) SUITE=trixie; FROM=trixie-backports ;;
*) die 2 "unknown kernel line '$LINE' (known: $(kernel_lines))" ;;
esac

ROOT=$(root_dir "$SUITE")
k=$(root_kver "$ROOT" "$LINE")
if [ -n "$k" ]; then
	echo "$k"
	exit 0
fi
[ "$CHECK_ONLY" = 1 ] && exit 1


if [ ! -e "$ROOT/.nsbox-root" ]; then
	command -v debootstrap >/dev/null || die 1 "debootstrap missing: run scripts/deps.sh --check"
	echo "buildroot: debootstrap $SUITE into $ROOT (once; a few minutes)" >&2
	rm -rf "$ROOT.new"
	mkdir -p "$(dirname "$ROOT")"
	# in a mount namespace of its own: the /proc and /dev it mounts in the
	# new root go away with it, even if it fails half-way
	in_private_mounts debootstrap --variant=minbase --include=ca-certificates \
		"$SUITE" "$ROOT.new" "$MIRROR" >&2 ||
		die 1 "debootstrap $SUITE failed (log: $ROOT.new/debootstrap/debootstrap.log)"
	{
		echo "deb $MIRROR $SUITE main"
		echo "deb $MIRROR $SUITE-updates main"
		echo "deb $SECURITY $SUITE-security main"
		[ "$FROM" = "$SUITE-backports" ] && echo "deb $MIRROR $SUITE-backports main"
	} > "$ROOT.new/etc/apt/sources.list"
	# no docs, no man pages, no locales: the root only compiles
	cat > "$ROOT.new/etc/dpkg/dpkg.cfg.d/nsbox-nodoc" <<'EOF'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
EOF
	touch "$ROOT.new/.nsbox-root"
	mv "$ROOT.new" "$ROOT"
fi

echo "buildroot: installing the newest $LINE kernel from $FROM into $ROOT" >&2
in_root "$ROOT" apt-get update -qq >&2
# the image meta-package may want an initramfs tool; INITRD=No keeps it
# from building one (the lab VM makes its own)
in_root "$ROOT" apt-get install -y -qq --no-install-recommends -t "$FROM" \
	make gcc libc6-dev sparse kmod linux-headers-amd64 linux-image-amd64 >&2
k=$(root_kver "$ROOT" "$LINE")
[ -n "$k" ] || die 1 "no $LINE kernel in $ROOT after installing linux-headers-amd64 from $FROM"
echo "$k"
