#!/bin/bash
# chroot.sh - the build scripts work where "/" is not a mount point (a bare
# chroot), and what they mount stays in their own mount namespace (TAP).
#
# make kernels, build-kmod.sh and tests/host/install.sh chroot into
# Debian roots with a /proc of their own, mounted in a mount namespace of
# their own (scripts/lib.sh: in_root, in_private_mounts).  In a bare chroot
# `unshare --propagation private` is refused ("cannot change root
# filesystem propagation: Invalid argument"), and a mount namespace that
# merely copies the host's would send what is mounted in it back to the
# host wherever the host's mount is shared.
#
# The test plays the host in a throwaway mount namespace of its own, with
# every mount made shared (as systemd makes them), then chroots into the
# trixie build root -- a directory, not a mount point -- with this tree's
# lib.sh and calls in_root and in_private_mounts there.  Nothing it does
# reaches this machine's own mounts.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib.sh"
# ok, notok, check, diag: the TAP helpers of the VM tests
. "$TOP/tests/vm/tap.sh"

echo "TAP version 13"
ROOT=$(root_dir trixie)
if [ ! -x "$ROOT/usr/bin/perl" ] || [ "$(id -u)" != 0 ]; then
	echo "1..1"
	echo "ok 1 - bare chroot # SKIP needs root and the trixie build root (make kernels)"
	exit 0
fi
T=$(mktemp -d "$ROOT/tmp/nsbox-chroot.XXXXXX")
trap 'rm -rf "$T"' EXIT
IN=/tmp/$(basename "$T")
cp "$TOP/scripts/lib.sh" "$T/"

# What runs in the chroot: each line "NAME=VALUE" for the checks below.
cat > "$T/in-chroot.sh" <<'EOF'
TOP=$1
. "$TOP/lib.sh"
cd "$TOP"
unshare --mount --propagation private true 2> err
echo "plain_unshare=$? $(tr '\n' ' ' < err)"
out=$(in_root / sh -c 'head -n 1 /proc/self/status; grep -c " /proc " /proc/self/mountinfo')
echo "in_root=$? $(echo $out)"
out=$(in_private_mounts sh -c 'mount -t tmpfs nsbox-test "$1/mnt" && pwd && stat -f -c %T "$1/mnt"' _ "$TOP")
echo "private=$? $(echo $out)"
EOF

# The host's part: a namespace of our own, all shared, then the chroot.
OUT=$(unshare --mount --propagation private -- sh -c '
	mount --make-rshared / || exit 125
	before=$(grep -c "" /proc/self/mountinfo)
	mkdir -p "$1$2/mnt"
	chroot "$1" /bin/bash "$2/in-chroot.sh" "$2"
	echo "root_is_mountpoint=$(grep -c " $1 " /proc/self/mountinfo)"
	echo "host_mounts=$before $(grep -c "" /proc/self/mountinfo)"
	echo "host_sees=$(grep -cE "$1/(proc|tmp)" /proc/self/mountinfo)"' _ "$ROOT" "$IN" 2>&1)
rc=$?
diag "$OUT"
val() { echo "$OUT" | sed -n "s/^$1=//p"; }

echo "1..5"
check "the chroot is bare: its / is no mount point, and unshare --propagation private is refused there" \
	sh -c '[ "$1" = 0 ] && echo "$2" | grep -q "^1 .*cannot change root filesystem propagation"' \
	_ "$(val root_is_mountpoint)" "$(val plain_unshare)"
check "in_root works there: the command runs with a /proc of its own" \
	sh -c 'echo "$1" | grep -qxE "0 Name:[[:space:]]+head 1"' _ "$(val in_root)"
check "in_private_mounts works there: a tmpfs mounted inside, in the caller's directory" \
	sh -c '[ "$1" = "0 $2 tmpfs" ]' _ "$(val private)" "$IN"
check "nothing it mounted reached the host's namespace, whose mounts are shared (host sees $(val host_sees) of them)" \
	test "$(val host_sees)" = 0
check "the host has as many mounts after as before ($(val host_mounts))" \
	sh -c 'set -- $1; [ -n "$1" ] && [ "$1" = "$2" ]' _ "$(val host_mounts)"
[ "$rc" = 0 ] || diag "the throwaway namespace exited $rc"
[ "$fails" = 0 ]
