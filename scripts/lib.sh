# scripts/lib.sh - helpers shared by nsbox's build, VM and test scripts.
# Sourced, not run.  Expects $TOP (the repository root) to be set.

die() {	# die STATUS MESSAGE
	local rc=$1
	shift
	echo "$(basename "$0"): $*" >&2
	exit "$rc"
}

# ---- kernel lines and build roots (scripts/buildroot.sh) -------------------
NSBOX_CACHE=${NSBOX_CACHE:-$HOME/.cache/nsbox}

# The kernel lines nsbox supports and `make check` tests, oldest first.
kernel_lines() { echo "5.10 6.1 6.12 7"; }

# line_re LINE: the regex a release of LINE matches ("7": any 7.x)
line_re() {
	case "$1" in
	7) echo '^7\.[0-9]+\.' ;;
	*) echo "^${1//./\\.}\.[0-9]" ;;
	esac
}

# root_dir SUITE: the build root of a Debian suite
root_dir() { echo "$NSBOX_CACHE/root-$1"; }

# root_kver ROOT LINE: the newest release of LINE with headers and image in ROOT
root_kver() {
	local d k
	for d in "$1"/usr/src/linux-headers-*-amd64; do
		[ -e "$d/Makefile" ] || continue
		k=${d##*/linux-headers-}
		[ -r "$1/boot/vmlinuz-$k" ] && echo "$k"
	done | grep -E "$(line_re "$2")" | grep -v -e cloud -e '-rt-' | sort -V | tail -n 1 || true
}

# host_kver LINE: the newest release of LINE installed on this machine
host_kver() {
	installed_kvers | grep -E "$(line_re "$1")" | grep -v -e cloud -e '-rt-' | tail -n 1 || true
}

# in_private_mounts CMD...: run CMD in a mount namespace of its own whose
# mounts are all private: what CMD mounts is seen by nobody else and goes
# away with it (nothing left mounted, nothing propagated to the host).
#
# unshare --propagation private makes them private by changing "/", which
# the kernel refuses (EINVAL) where "/" is not a mount point: in a bare
# chroot, whose root is a directory of some mount of the host.  That mount
# may be shared with the host's (systemd makes "/" shared), and a mount
# made under it, in a copy of the host's namespace, would propagate back.
# So there the new namespace starts as a copy ("unchanged"), and before
# anything is mounted a small program in it climbs from the chroot to the
# namespace's own root (chroot into a subdirectory, then chdir ".." up:
# root may leave a chroot), makes every mount private from there
# (mount --make-rprivate /), goes back into the chroot and the working
# directory through handles it kept, and runs CMD.  All of it in the new namespace: the host's mounts
# and the chroot of every other process are left as they were.
in_private_mounts() {
	if unshare --mount --propagation private true 2>/dev/null; then
		unshare --mount --propagation private -- "$@"
		return
	fi
	unshare --mount --propagation unchanged -- perl -e '
		use strict;
		require "syscall.ph";
		use constant { MS_REC => 0x4000, MS_PRIVATE => 0x40000 };	# <linux/mount.h>
		my $me = "in_private_mounts";
		opendir(my $home, "/") or die "$me: /: $!\n";
		opendir(my $cwd, ".") or die "$me: .: $!\n";
		chroot("/usr") or die "$me: chroot /usr: $!\n";
		chdir("..") for 1 .. 1024;
		chroot(".") or die "$me: chroot to the namespace root: $!\n";
		my ($src, $dst) = ("none", "/");	# syscall() wants variables
		syscall(&SYS_mount, $src, $dst, 0, MS_REC | MS_PRIVATE, 0) == 0
			or die "$me: mount --make-rprivate /: $!\n";
		chdir($home) && chroot(".") && chdir($cwd)
			or die "$me: back into the chroot: $!\n";
		exec { $ARGV[0] } @ARGV or die "$me: $ARGV[0]: $!\n";' -- "$@"
}

# in_root ROOT CMD...: run CMD in build root ROOT (chroot), with its own
# /proc (objtool reads /proc/self), mounted in a private mount namespace
# so nothing is left mounted when CMD ends.
in_root() {
	local root=$1
	shift
	in_private_mounts sh -c '
		root=$1; shift
		mount -t proc proc "$root/proc" || exit 125
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			LC_ALL=C DEBIAN_FRONTEND=noninteractive INITRD=No "$@"' \
		in_root "$root" "$@"
}

# kernel_root KVER: the build root that holds KVER, or nothing (this machine)
kernel_root() {
	local r
	for r in "$NSBOX_CACHE"/root-*; do
		[ -r "$r/boot/vmlinuz-$1" ] && [ -e "$r/usr/src/linux-headers-$1/Makefile" ] &&
			{ echo "$r"; return 0; }
	done
	return 0
}

# Kernel releases that can be both built for and booted: headers present
# (a kbuild tree) and an image in /boot.  Oldest first.
installed_kvers() {
	local d k
	for d in /lib/modules/*/build /usr/src/linux-headers-*; do
		[ -e "$d/Makefile" ] || continue
		case "$d" in
		/lib/modules/*) k=${d#/lib/modules/}; k=${k%/build} ;;
		*) k=${d#/usr/src/linux-headers-} ;;
		esac
		[ -r "/boot/vmlinuz-$k" ] && echo "$k"
	done | sort -uV
}

# The kernel `make` builds for when KVER/KDIR are not given: the running
# kernel if its build tree is installed, else the newest Debian headers.
default_kver() {
	if [ -e "/lib/modules/$(uname -r)/build/Makefile" ]; then
		uname -r
	else
		# shellcheck disable=SC2012
		ls -d /usr/src/linux-headers-*-amd64 2>/dev/null |
			sed 's|/usr/src/linux-headers-||' | grep -v -e cloud -e '-rt-' |
			sort -V | tail -n 1
	fi
}

# The kernels `make check` tests on: the newest kernel of each line, on
# this machine or in its build root (scripts/buildroot.sh LINE --check).
target_kvers() {
	local line
	for line in $(kernel_lines); do
		"$TOP/scripts/buildroot.sh" "$line" --check 2>/dev/null || true
	done
}

kdir_for() {	# kdir_for KVER: its kbuild tree (in its build root, if any)
	local r
	r=$(kernel_root "$1")
	if [ -n "$r" ]; then
		echo "$r/usr/src/linux-headers-$1"
	elif [ -e "/lib/modules/$1/build/Makefile" ]; then
		echo "/lib/modules/$1/build"
	else
		echo "/usr/src/linux-headers-$1"
	fi
}

kmod_path() {	# kmod_path KVER: where build-kmod.sh leaves nsbox.ko
	echo "$TOP/build/$1/nsbox.ko"
}

file_is_static() {
	! ldd "$1" >/dev/null 2>&1
}

# copy_libs ROOT ELF...: copy the shared libraries (and the dynamic loader)
# the given programs need into ROOT, at the same paths, the way ldd finds
# them.  Symlinks are resolved: the guest gets real files.
copy_libs() {
	local root=$1 lib
	shift
	for lib in $(for e in "$@"; do
		ldd "$e" 2>/dev/null | awk '/=> \// { print $3 } /^\t\// { print $1 }'
	done | sort -u); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# distro_modules KVER ROOT NAME...: copy the named distro modules and all
# their dependencies (from modules.dep) into ROOT/lib/modules/KVER,
# decompressed, and print their guest paths in load order.  Built-in
# modules are skipped.
distro_modules() {
	local kver=$1 root=$2 name line path dep
	local moddir=/lib/modules/$kver
	local from
	from=$(kernel_root "$kver")$moddir
	shift 2
	local -A seen=()
	for name in "$@"; do
		if grep -qE "/${name}\.ko(\.[a-z]+)?$" "$from/modules.builtin" 2>/dev/null; then
			continue
		fi
		line=$(grep -E "(^|/)${name}\.ko(\.[a-z]+)?:" "$from/modules.dep" | head -n 1)
		[ -n "$line" ] || { echo "vm.sh: warning: module $name not found for $kver" >&2; continue; }
		path=${line%%:*}
		# modules.dep lists a module's dependencies so that the last one
		# must be loaded first.
		for dep in $(echo "${line#*:}" | tr ' ' '\n' | tac) "$path"; do
			[ -n "$dep" ] || continue
			[ -n "${seen[$dep]:-}" ] && continue
			seen[$dep]=1
			local out=$root$moddir/${dep%.ko*}.ko
			mkdir -p "$(dirname "$out")"
			case "$dep" in
			*.ko.xz) xz -dc "$from/$dep" > "$out" ;;
			*.ko.zst) zstd -qdc "$from/$dep" > "$out" ;;
			*.ko.gz) gzip -dc "$from/$dep" > "$out" ;;
			*) cp "$from/$dep" "$out" ;;
			esac
			echo "$moddir/${dep%.ko*}.ko"
		done
	done
}

# pick_accel auto|tcg|kvm KVER: the accelerator to use.  "auto" uses KVM
# only if a probe boot under KVM reaches the kernel's own panic (no init)
# within 10 s; a nested KVM guest that hangs is killed and TCG is used.
# The verdict is cached per host kernel in build/vm-accel.
pick_accel() {
	local want=$1 kver=$2 cache=$TOP/build/vm-accel
	case "$want" in
	tcg|kvm) echo "$want"; return ;;
	auto) ;;
	*) die 2 "--accel: expected tcg, kvm or auto, got '$want'" ;;
	esac
	if [ ! -w /dev/kvm ]; then
		echo tcg
		return
	fi
	if [ -f "$cache" ] && [ "$(head -n 1 "$cache")" = "$(uname -r)" ]; then
		sed -n 2p "$cache"
		return
	fi
	local tmp verdict=tcg
	tmp=$(mktemp -d)
	true | cpio --quiet -o -H newc > "$tmp/empty.cpio"
	if timeout -s KILL 10 qemu-system-x86_64 -accel kvm -cpu host -nodefaults \
		-no-user-config -display none -no-reboot -m 256 \
		-serial "file:$tmp/con" -kernel "/boot/vmlinuz-$kver" \
		-initrd "$tmp/empty.cpio" -append "console=ttyS0 panic=-1" \
		>/dev/null 2>&1 && grep -q 'Kernel panic' "$tmp/con"; then
		verdict=kvm
	fi
	rm -rf "$tmp"
	mkdir -p "$TOP/build"
	printf '%s\n%s\n' "$(uname -r)" "$verdict" > "$cache"
	echo "vm.sh: KVM probe: using $verdict (cached in build/vm-accel)" >&2
	echo "$verdict"
}
