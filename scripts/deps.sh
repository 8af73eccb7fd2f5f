#!/bin/sh
# scripts/deps.sh - install everything nsbox needs to build, boot its lab VM
# and test itself, on Debian 12 (bookworm). Idempotent: a package that is
# already installed is not touched, and when nothing is missing this script
# does nothing but check.
#
# This machine's two kernel lines, both from Debian's own archive:
#   6.1   linux-image-amd64 / linux-headers-amd64 (bookworm's default kernel)
#   6.12  linux-image-<abi>-amd64-unsigned / linux-headers-<abi>-amd64
#         (<abi> is what the linux-headers-6.12-amd64 meta-package points to)
# The other lines (5.10, 7.x) need other suites' compilers: they live in
# build roots made by scripts/buildroot.sh (debootstrap, installed here).
#
# Usage: scripts/deps.sh [--check]   (--check: exit 1 if anything is missing)
set -eu

CHECK_ONLY=0
[ "${1:-}" = "--check" ] && CHECK_ONLY=1

# Tools and libraries for the module, the CLI, the lab VM and the tests.
PKGS="build-essential pkg-config make gcc kmod cpio gzip xz-utils zstd \
	bc flex bison libelf-dev libssl-dev dwarves sparse \
	qemu-system-x86 busybox-static \
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libnl-utils \
	libsmartcols-dev libseccomp-dev libcap-ng-dev \
	linux-image-amd64 linux-headers-amd64 \
	linux-source-6.1 linux-source-6.12 \
	util-linux procps iproute2 jq libjson-c-dev tmux forkstat debootstrap"
# Debian packages of nsbox (make deb) and their checks: debhelper, dh-dkms,
# lintian; scdoc builds the man pages, man-db renders them in the tests,
# bash-completion and zsh run the completion tests.  DKMS itself is not
# needed here: tests/host/install.sh installs it, with the packages, in a
# fresh Debian root.
PKGS="$PKGS debhelper dh-dkms lintian dpkg-dev fakeroot scdoc man-db groff-base \
	bash-completion zsh"
# The Prometheus exporter: libmicrohttpd serves HTTP; the prometheus
# package's server and promtool check it (tests/host/prometheus.sh), curl
# scrapes it.
PKGS="$PKGS libmicrohttpd-dev prometheus curl"
# The bridge's firewall: libnftables (the tool's rules, tools/box/nft.c);
# nft lists them in the lab VM (tests/vm/bridge.sh).
PKGS="$PKGS libnftables-dev nftables"
# The labs (docs/labs/): the load they put on a cgroup, as the seed's
# lab sheet does it
PKGS="$PKGS stress"
# The YNL spec (uapi/nsbox.yaml): the kernel's YNL CLI and library
# (tools/net/ynl, from linux-source-6.12) are Python and need yaml, also in
# the lab VM (scripts/vm.sh copies this machine's python3 and the modules
# the CLI imports there; tests/vm/ynl.sh, the ynl lab); jsonschema
# validates the spec against the kernel's schema (tests/host/ynl.sh)
PKGS="$PKGS python3-yaml python3-jsonschema"
# What the host side of make check runs besides the packages above and
# Debian's minbase (the Priority: required packages and apt, which a fresh
# root already has): tests/host/install.sh copies the tree with
# `git ls-files` and checks the exporter's unit with `systemd-analyze
# verify` (a root made by debootstrap --variant=minbase has neither).
PKGS="$PKGS git systemd"
# Every command the scripts and host tests run, by package, so that this
# list can be checked when a test starts running something new:
#   minbase: bash sh (dash) coreutils (chroot nproc timeout md5sum sha256sum
#     install ...) util-linux (unshare nsenter setpriv flock lsns mount)
#     findutils grep sed mawk diffutils tar gzip hostname dpkg apt
#     libc-bin (ldd ldconfig) perl-base
#   above: make gcc (build-essential) perl (dpkg-dev, for checkpatch.pl)
#     kmod (modinfo modprobe depmod insmod) cpio xz-utils zstd procps (ps)
#     iproute2 (ip ss) qemu-system-x86 busybox-static libnl-utils
#     (genl-ctrl-list) jq tmux forkstat curl nftables (nft) debootstrap
#     debhelper dh-dkms lintian fakeroot dpkg-dev (dpkg-buildpackage)
#     scdoc man-db groff-base bash-completion zsh prometheus (prometheus
#     promtool) sparse bc flex bison git systemd (systemd-analyze)
# vm.sh copies genl-ctrl-list, lsns, jq, tmux, forkstat, flock, curl, nft,
# ip and kmod from this machine into the lab VM: the VM tests need them.

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

need=$(missing $PKGS)

# The 6.12 kernel: resolve its ABI name through the headers meta-package, so
# we follow Debian's security updates without editing this file. Once one 6.12
# image + headers pair is installed we keep using it (no network needed).
have612=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | grep -v -e cloud -e rt | tail -n 1 || true)
if [ -z "$have612" ] || ! ls /boot/vmlinuz-6.12.*-amd64 >/dev/null 2>&1; then
	need="$need linux-headers-6.12-amd64"
	abi612=RESOLVE
fi

if [ -z "$(echo $need)" ]; then
	[ "$CHECK_ONLY" = 1 ] || echo "deps.sh: all dependencies present"
	exit 0
fi
if [ "$CHECK_ONLY" = 1 ]; then
	echo "deps.sh: missing:" $need
	exit 1
fi

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# Debian's kernel postinst would build an initramfs in /boot for every kernel;
# the lab VM makes its own, so skip that (it saves a minute per kernel).
export INITRD=No

echo "deps.sh: installing:" $need
$SUDO apt-get update -qq
if [ "${abi612:-}" = RESOLVE ]; then
	abi612=$(apt-cache depends linux-headers-6.12-amd64 |
		sed -n 's/.*Depends: linux-headers-\(6\.12\..*-amd64\)$/\1/p' | head -n 1)
	[ -n "$abi612" ] || { echo "deps.sh: cannot resolve the Debian 6.12 kernel" >&2; exit 1; }
	need="$need linux-image-$abi612-unsigned linux-headers-$abi612"
fi
$SUDO apt-get install -y -qq --no-install-recommends $need
echo "deps.sh: done"
