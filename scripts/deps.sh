#!/bin/sh
# scripts/deps.sh - install the Debian 12 (bookworm) packages nsbox needs,
# in tiers, so that a first `make demo` downloads only what it runs:
#
#   scripts/deps.sh           build the module and the tool, boot the lab
#                             VM on the 6.12 kernel: make, make demo
#   scripts/deps.sh --labs    that, and linux-source-6.12 with python3-yaml
#   (or --tests)              (the kernel's YNL CLI, which the ynl lab
#                             runs; the kselftest harness the test
#                             programs are built with): make vm, make lab,
#                             make tests
#   scripts/deps.sh --check   everything: make check, make check-debug,
#                             make kernels, make deb, .ci/run
#
#   --missing   install nothing: print what the tier lacks, exit 1 if
#               anything (exit 0, silently, if nothing)
#   --list      print the tier's packages, one a line, and exit
#
# Idempotent: a package that is already installed is not touched, and when
# nothing is missing this script runs no apt-get at all (dpkg-query only).
#
# This machine's two kernel lines, both from Debian's own archive:
#   6.12  linux-image-<abi>-amd64-unsigned / linux-headers-<abi>-amd64
#         (<abi> is what the linux-headers-6.12-amd64 meta-package points
#         to): the default tier's, the kernel make demo boots
#   6.1   linux-image-amd64 / linux-headers-amd64 (bookworm's default
#         kernel): --check only
# The other lines (5.10, 7.x) need other suites' compilers: they live in
# build roots made by scripts/buildroot.sh (debootstrap, --check tier).
set -eu

TIER=default
MODE=install
for a in "$@"; do
	case "$a" in
	--labs|--tests) [ "$TIER" = check ] || TIER=labs ;;
	--check) TIER=check ;;
	--missing) MODE=missing ;;
	--list) MODE=list ;;
	-h|--help) sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "deps.sh: unknown argument '$a' (see --help)" >&2; exit 2 ;;
	esac
done

# ---- default tier: build, then the lab VM (make, demo, vm, lab) ------------
# The module (kbuild against the 6.12 headers, below) and the tool: libnl
# is linked; libmicrohttpd, libnl-route, libseccomp, libcap-ng, libnftables
# and libsmartcols are dlopen()ed, but their headers and .so are read at
# build time (tools/Makefile), so every -dev package is needed to build.
BUILD="build-essential pkg-config make gcc kmod \
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libjson-c-dev \
	libsmartcols-dev libseccomp-dev libcap-ng-dev libmicrohttpd-dev libnftables-dev"
# The lab VM (scripts/vm.sh): QEMU, busybox-static as its userland, cpio
# for the initramfs, xz/zstd/gzip to unpack the distro's modules.
LAB="qemu-system-x86 busybox-static cpio gzip xz-utils zstd"
# Host tools vm.sh copies into the guest for the demo and the labs (its
# LAB_PEERS): genl-ctrl-list (libnl-utils; scripts/demo.sh), lsns, flock,
# unshare, nsenter (util-linux), jq (labs: nsbox -J), stress (cgroup-cpu,
# cgroup-memory), ip (iproute2), kmod's modinfo, ps (procps).
# A lab that needs a new tool in the VM: its package here, the tool in
# LAB_PEERS in scripts/vm.sh, with the lab's name in both comments.
LAB="$LAB libnl-utils util-linux procps iproute2 jq stress"
# nft (the network lab lists nsbox's rules; the VM tests' bridge.sh too),
# ss (iproute2: the unix-sockets lab); bash, ldd and ls for the chroot lab
# are in every Debian (minbase).
LAB="$LAB nftables"

# ---- --labs, --tests: make vm, make lab, make tests --------------------------
# scripts/linux-source.sh takes from Debian's linux-source the kernel's YNL
# CLI (tools/net/ynl: Python, with yaml), which vm.sh puts in the lab VM
# for the ynl lab and tests/vm/ynl.sh, and the kselftest harness
# tests/Makefile builds the test programs with (and checkpatch.pl for
# make check).
TESTS="linux-source-6.12 python3-yaml"

# ---- --check: everything else make check and the packaging need -----------
# The 6.1 kernel (make check boots every line; tests/host/install.sh
# installs the packages beside 6.1 and 6.12); debootstrap for the 5.10 and
# 7.x build roots (make kernels); sparse and dwarves for the W=1 builds.
CHECK="linux-image-amd64 linux-headers-amd64 debootstrap sparse dwarves"
# make check-debug builds a KASAN/lockdep kernel from linux-source-6.1.
CHECK="$CHECK linux-source-6.1 bc flex bison libelf-dev libssl-dev"
# Debian packages of nsbox (make deb) and their checks: debhelper, dh-dkms,
# lintian; scdoc builds the man pages, man-db renders them in the tests,
# bash-completion and zsh run the completion tests.  DKMS itself is not
# needed here: tests/host/install.sh installs it, with the packages, in a
# fresh Debian root.
CHECK="$CHECK debhelper dh-dkms lintian dpkg-dev fakeroot scdoc man-db groff-base \
	bash-completion zsh"
# The Prometheus exporter: the prometheus package's server and promtool
# check it (tests/host/prometheus.sh), curl scrapes it.
CHECK="$CHECK prometheus curl"
# Peers only the VM tests run (vm.sh's TEST_PEERS): tmux drives nsbox top
# (top.sh), forkstat (events.sh), curl (prometheus.sh, above).
CHECK="$CHECK tmux forkstat"
# The YNL spec (uapi/nsbox.yaml): jsonschema validates it against the
# kernel's schema (tests/host/ynl.sh).
CHECK="$CHECK python3-jsonschema"
# What the host side of make check runs besides the packages above and
# Debian's minbase (the Priority: required packages and apt, which a fresh
# root already has): tests/host/install.sh copies the tree with
# `git ls-files` and checks the exporter's unit with `systemd-analyze
# verify` (a root made by debootstrap --variant=minbase has neither).
CHECK="$CHECK git systemd"
# Every command the scripts and host tests run, by package, so that these
# lists can be checked when a test starts running something new:
#   minbase: bash sh (dash) coreutils (chroot nproc timeout md5sum sha256sum
#     install ...) util-linux (unshare nsenter setpriv flock lsns mount)
#     findutils grep sed mawk diffutils tar gzip hostname dpkg apt
#     libc-bin (ldd ldconfig) perl-base
#   default: make gcc readelf objdump (build-essential) kmod (modinfo
#     modprobe depmod insmod) cpio xz-utils zstd procps (ps) iproute2 (ip
#     ss) nftables (nft) qemu-system-x86 busybox-static libnl-utils
#     (genl-ctrl-list) jq stress
#   --labs: python3 (python3-yaml)
#   --check: perl (dpkg-dev, for checkpatch.pl) tmux forkstat
#     curl debootstrap debhelper dh-dkms lintian fakeroot
#     dpkg-dev (dpkg-buildpackage) scdoc man-db groff-base bash-completion
#     zsh prometheus (prometheus promtool) sparse bc flex bison git systemd
#     (systemd-analyze)

case "$TIER" in
default) PKGS="$BUILD $LAB" ;;
labs) PKGS="$BUILD $LAB $TESTS" ;;
check) PKGS="$BUILD $LAB $TESTS $CHECK" ;;
esac

if [ "$MODE" = list ]; then
	for p in $PKGS; do echo "$p"; done
	echo "linux-image-6.12.*-amd64-unsigned (resolved)"
	echo "linux-headers-6.12.*-amd64 (resolved)"
	exit 0
fi

# One dpkg-query for the lot: a package it does not know, or that is not
# fully installed, is missing.
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null |
	sed -n 's/ install ok installed$//p' | tr '\n' ' ') "
need=
for p in $PKGS; do
	case "$installed" in
	*" $p "*) ;;
	*) need="$need $p" ;;
	esac
done

# The 6.12 kernel: resolve its ABI name through the headers meta-package, so
# we follow Debian's security updates without editing this file. Once one 6.12
# image + headers pair is installed we keep using it (no network needed).
have612=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | grep -v -e cloud -e rt | tail -n 1 || true)
if [ -z "$have612" ] || ! ls /boot/vmlinuz-6.12.*-amd64 >/dev/null 2>&1; then
	need="$need linux-headers-6.12-amd64"
	abi612=RESOLVE
fi

if [ -z "$(echo $need)" ]; then
	[ "$MODE" = missing ] || echo "deps.sh: all dependencies present ($TIER tier)"
	exit 0
fi
if [ "$MODE" = missing ]; then
	echo "deps.sh: missing ($TIER tier):" $need
	exit 1
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Debian's kernel postinst would build an initramfs in /boot for every kernel;
# the lab VM makes its own, so skip that (it saves a minute per kernel).
export INITRD=No

echo "deps.sh: installing ($TIER tier):" $need
# NSBOX_DEPS_FAST_IO=1: dpkg's --force-unsafe-io, no fsync() for each file
# it unpacks (the kernel headers alone are some 20,000 files).  On this
# machine's disk it took the default tier from 85-126 s to 29-88 s.  The
# cost: a crash in the middle of the install can leave some of these
# files empty (apt-get install --reinstall mends them).  That is a fair
# trade on a throwaway machine (.ci/run sets it), not on somebody's own:
# by default dpkg keeps its fsync()s.
UNSAFE=
[ "${NSBOX_DEPS_FAST_IO:-0}" = 1 ] && UNSAFE="-o Dpkg::Options::=--force-unsafe-io"

# install: resolve the 6.12 kernel's ABI name (through the headers
# meta-package, so we follow Debian's security updates without editing
# this file), then apt-get install.  apt-get downloads everything before
# it unpacks anything: with stale package lists it fails on a missing
# file having changed nothing.
install() {
	pkgs=$need
	if [ "${abi612:-}" = RESOLVE ]; then
		abi=$(apt-cache depends linux-headers-6.12-amd64 2>/dev/null |
			sed -n 's/.*Depends: linux-headers-\(6\.12\..*-amd64\)$/\1/p' | head -n 1)
		[ -n "$abi" ] || return 1
		pkgs="$pkgs linux-image-$abi-unsigned linux-headers-$abi"
	fi
	$SUDO apt-get install -y -qq --no-install-recommends $UNSAFE $pkgs
}

# apt-get update (5-10 s here) first only when no package list was
# fetched in the last day (apt rewrites a suite's Release file when it
# changed: the security suite's does every few days at least); else only
# if the install fails with the lists there are.
recent=$(find /var/lib/apt/lists -maxdepth 1 -name '*Release' -mmin -1440 2>/dev/null | head -n 1)
if [ -z "$recent" ] || ! install; then
	$SUDO apt-get update -qq
	install || { echo "deps.sh: apt-get install failed (for the 6.12 kernel: is bookworm-security in apt's sources?)" >&2; exit 1; }
fi
echo "deps.sh: done"
