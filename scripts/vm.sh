#!/bin/bash
# scripts/vm.sh - the nsbox lab VM.
#
# Boots a Debian kernel (/boot/vmlinuz-KVER from the linux-image package) in
# QEMU with an initramfs made here from busybox-static, nsbox.ko built for
# that kernel, the nsbox tool, the test binaries, the distro modules they
# need and every shared library `ldd` finds for them.  The guest's init
# moves itself from the initramfs onto a tmpfs and switch_roots into it
# (pivot_root refuses to work on the initramfs rootfs), mounts proc, sysfs,
# devtmpfs, cgroup2, tracefs, loads the modules, then either gives you a
# shell or runs one file and powers off.
#
#   scripts/vm.sh [--kernel KVER]                 interactive shell
#   scripts/vm.sh --run FILE [--kernel KVER]      run FILE, exit with its status
#
# Exit status of --run: FILE's own status, except
#   123  the guest died before reporting (kernel panic, oops, triple fault)
#   124  the hard timeout (--timeout, default 600 s) expired
#   125  FILE finished but the kernel log shows BUG/WARNING/Oops/KASAN/
#        UBSAN/lockdep/RCU-stall/hung-task reports (they are printed)
#     2  usage errors and missing files
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

usage() {
	cat <<EOF
usage: scripts/vm.sh [--kernel KVER] [--run FILE] [options]

Boot the nsbox lab VM (QEMU) on a Debian kernel with nsbox.ko loaded.

  --kernel KVER   kernel release to boot (default: $(default_kver))
                  installed kernels: $(installed_kvers | tr '\n' ' ')
  --run FILE      copy FILE into the guest, run it with the module loaded and
                  nsbox on PATH, stream the console, exit with FILE's status
  --timeout S     hard limit for the whole run in seconds (default 600)
  --no-module     do not load nsbox.ko at boot (it is in /lib/modules/nsbox)
  --module FILE   boot with this nsbox.ko (one DKMS or a package built;
                  .ko.xz, .ko.zst, .ko.gz as DKMS installs them)
                  instead of the tree's build/KVER/nsbox.ko; modinfo's
                  vermagic must be KVER's
  --tool FILE     this nsbox tool (a package's /usr/sbin/nsbox) instead of
                  the tree's tools/nsbox
  --kdir DIR      boot a kernel built from source in DIR (its bzImage; the
                  module is built against DIR): the debug kernel of
                  scripts/debug-kernel.sh
  --accel A       tcg, kvm or auto (default: auto = KVM only if a probe boot
                  under KVM succeeds on this machine, else TCG)
  --smp N         virtual CPUs (default 2)
  --tcg-thread T  single (default) or multi: how QEMU runs the vCPUs under
                  TCG; multi runs them in parallel but crashes guests that
                  patch kernel text (see docs/testing.md); also
                  \$NSBOX_VM_TCG_THREAD
  --mem MB        guest memory (default 1024)
  --icount        deterministic TCG: -smp 1 -icount shift=0 (benchmarks)
  --forward H:G   forward the host's 127.0.0.1:H to the guest's TCP port G
                  (QEMU user-mode network, restricted: the guest reaches
                  nothing outside; its eth0 is 10.0.2.15); repeatable
  --append ARGS   extra kernel command line (e.g. loglevel=7); also
                  \$NSBOX_VM_APPEND
  -h, --help      this help

Exit status with --run: FILE's status; 123 guest crashed, 124 timeout,
125 kernel warnings in dmesg.  In the shell, 'poweroff' (or Ctrl-A X) quits.
EOF
}

KVER=
SRC_KDIR=
RUN=
TIMEOUT=600
LOAD_MODULE=1
MODULE=
TOOL=
ACCEL=${NSBOX_VM_ACCEL:-auto}
SMP=2
MEM=1024
ICOUNT=0
TCG_THREAD=${NSBOX_VM_TCG_THREAD:-single}
APPEND=${NSBOX_VM_APPEND:-}
FORWARDS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KVER=${2:?}; shift 2 ;;
	--run) RUN=${2:?}; shift 2 ;;
	--timeout) TIMEOUT=${2:?}; shift 2 ;;
	--no-module) LOAD_MODULE=0; shift ;;
	--module) MODULE=${2:?}; shift 2 ;;
	--tool) TOOL=${2:?}; shift 2 ;;
	--kdir) SRC_KDIR=${2:?}; shift 2 ;;
	--accel) ACCEL=${2:?}; shift 2 ;;
	--smp) SMP=${2:?}; shift 2 ;;
	--tcg-thread) TCG_THREAD=${2:?}; shift 2 ;;
	--mem) MEM=${2:?}; shift 2 ;;
	--icount) ICOUNT=1; SMP=1; shift ;;
	--append) APPEND="$APPEND ${2:?}"; shift 2 ;;
	--forward)
		[[ ${2:-} =~ ^[0-9]+:[0-9]+$ ]] || die 2 "--forward: '${2:-}' is not HOSTPORT:GUESTPORT"
		FORWARDS+=("$2"); shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "vm.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case "$TCG_THREAD" in
single|multi) ;;
*) die 2 "--tcg-thread: '$TCG_THREAD' is not single or multi" ;;
esac

if [ -n "$SRC_KDIR" ]; then
	# A kernel built from source: everything nsbox needs is built in.
	KVER=$(make -s -C "$SRC_KDIR" kernelrelease)
	VMLINUZ=$SRC_KDIR/arch/x86/boot/bzImage
	export KDIR=$SRC_KDIR
	[ -r "$VMLINUZ" ] || die 2 "$VMLINUZ not found: build it with scripts/debug-kernel.sh"
else
	[ -n "$KVER" ] || KVER=$(default_kver)
	[ -n "$KVER" ] || die 2 "no Debian kernel installed; run scripts/deps.sh"
	# this machine's kernels, or one in a build root (scripts/buildroot.sh)
	KROOT=$(kernel_root "$KVER")
	VMLINUZ=$KROOT/boot/vmlinuz-$KVER
	[ -r "$VMLINUZ" ] || die 2 "$VMLINUZ not found: install linux-image-$KVER (scripts/deps.sh: 6.12; --check: 6.1; scripts/buildroot.sh LINE for $(kernel_lines))"
	[ -d "$KROOT/lib/modules/$KVER" ] || die 2 "$KROOT/lib/modules/$KVER not found (linux-image-$KVER incomplete?)"
fi
if [ -n "$RUN" ]; then
	[ -f "$RUN" ] || die 2 "--run: no such file: $RUN"
fi

# Everything the guest needs, built for this kernel if missing.
if [ -n "$MODULE" ]; then
	KO=$MODULE
	[ -f "$KO" ] || die 2 "--module: no such file: $KO"
	vm=$(modinfo -F vermagic "$KO" 2>/dev/null | cut -d' ' -f1)
	[ "$vm" = "$KVER" ] || die 2 "--module: $KO is built for '${vm:-?}', not for $KVER"
else
	KO=$(kmod_path "$KVER")
fi
if [ -n "$TOOL" ] && [ ! -x "$TOOL" ]; then
	die 2 "--tool: not an executable: $TOOL"
fi
# Sources newer than the module: not kmod/nsbox_config.h, which the
# in-tree build (make module) writes for its own kernel: in make check it
# is written while the lanes' modules build, and every lane whose module
# was older rebuilt it at boot (two of four on 2026-12-07).
# The test modules (build/KVER/testmods/: nsbox-knobs.ko, ...) are built
# too once the test programs (*_test) are (make tests): the demo and the
# labs boot with nsbox.ko alone, built once.
TESTMODS=0
compgen -G "$TOP/build/tests/vm/*_test" >/dev/null && TESTMODS=1
KNOBS=$(dirname "$KO")/testmods/nsbox-knobs.ko
if [ -z "$MODULE" ] && { [ ! -f "$KO" ]  || [ -n "$(find "$TOP/kmod" "$TOP/uapi" "$TOP/tests/kmod" \( -name '*.[ch]' ! -name '*.mod.c' ! -name nsbox_config.h -o -name Kbuild \) -newer "$KO" -print -quit)" ] ||
	{ [ "$TESTMODS" = 1 ] && { [ ! -f "$KNOBS" ] || [ "$KNOBS" -ot "$KO" ]; }; }; }; then
	# one make job per CPU (this is the only build running; make check
	# builds its modules side by side, one job each, itself)
	MAKEFLAGS=-j$(nproc) NSBOX_KMOD_TESTMODS=$TESTMODS "$TOP/scripts/build-kmod.sh" "$KVER" >&2
fi
[ -n "$TOOL" ] || [ -x "$TOP/tools/nsbox" ] || make -s -C "$TOP" tool >&2

WORK=$(mktemp -d /tmp/nsbox-vm.XXXXXX)
QEMU_PID=
cleanup() {
	[ -n "$QEMU_PID" ] && kill -9 "$QEMU_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ROOT=$WORK/root
mkdir -p "$ROOT"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,mnt,usr/bin,usr/sbin,usr/local/bin,opt/nsbox/tests,lib/modules/nsbox/tests}

# --- busybox: one static binary, a symlink per applet -----------------------
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file_is_static "$BUSYBOX" ||
	die 2 "busybox-static is required (scripts/deps.sh installs it)"
cp "$BUSYBOX" "$ROOT/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ -e "$ROOT/bin/$applet" ] || ln -s busybox "$ROOT/bin/$applet"
done

# --- binaries from the project and the host, with their libraries -------------
ELFS=()
install_bin() {	# install_bin SRC DEST
	install -D -m 0755 "$1" "$ROOT$2"
	ELFS+=("$1")
}
NSBOX_BIN=${TOOL:-$TOP/tools/nsbox}
install_bin "$NSBOX_BIN" /usr/local/bin/nsbox
# What nsbox dlopen()s (the box runtime's libraries, libmicrohttpd for
# `nsbox serve`), ldd does not list: its .note.dlopen ELF notes name it
# (tools/lib/dlopen.h), one JSON array per note, one note per line here.
# Each library comes this way, and copy_libs brings its own libraries.
while read -r note; do
	so=$(echo "$note" | grep -o '"soname":\["[^"]*"' | cut -d'"' -f4 || true)
	[ -n "$so" ] || continue
	p=$(ldconfig -p | sed -n "s/^[[:space:]]*${so//./\\.} (libc6,x86-64) => //p" | head -n 1)
	if [ -n "$p" ]; then
		install_bin "$p" "$p"
	elif echo "$note" | grep -q '"priority":"required"'; then
		die 2 "$so, which nsbox needs (.note.dlopen), is not installed here: run scripts/deps.sh"
	fi
done < <(readelf -p .note.dlopen "$NSBOX_BIN" 2>/dev/null | grep -F '"soname"')
for t in "$TOP"/build/tests/vm/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case "$t" in
	*.sh) install -m 0755 "$t" "$ROOT/opt/nsbox/tests/" ;;
	*) install_bin "$t" "/opt/nsbox/tests/$(basename "$t")" ;;
	esac
done
# The labs (docs/labs/, tests/labs/): make lab runs one, labs.sh checks them
mkdir -p "$ROOT/opt/nsbox/labs"
for t in "$TOP"/build/tests/labs/*.sh; do
	[ -f "$t" ] && install -m 0755 "$t" "$ROOT/opt/nsbox/labs/"
done
mkdir -p "$ROOT/opt/nsbox/bench"
for t in "$TOP"/build/bench/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	case "$t" in
	*.sh) install -m 0755 "$t" "$ROOT/opt/nsbox/bench/" ;;
	*) install_bin "$t" "/opt/nsbox/bench/$(basename "$t")" ;;
	esac
done
# The kernel's own selftests (scripts/kselftests.sh), static binaries.
if [ -d "$TOP/build/kselftests" ]; then
	mkdir -p "$ROOT/opt/nsbox/kselftests"
	cp "$TOP"/build/kselftests/* "$ROOT/opt/nsbox/kselftests/"
fi
# Peers: host programs copied into the guest, with their libraries.
# LAB_PEERS, for the demo and the labs, come with scripts/deps.sh's
# default tier: genl-ctrl-list (scripts/demo.sh), lsns (demo.sh, labs),
# jq (labs: nsbox -J), flock, stress (cgroup-cpu, cgroup-memory: the load
# on a cgroup), nft (the network lab; bridge.sh), ss (unix-sockets lab).
# A lab that needs one more tool adds it here and its package to the
# default tier in scripts/deps.sh.
# TEST_PEERS, clients we did not write that the VM tests compare against,
# come with `scripts/deps.sh --check` (make check): tmux drives `nsbox top`
# on a real terminal in tests/vm/top.sh; forkstat in events.sh; curl
# scrapes `nsbox serve` in prometheus.sh.  Without them the demo and the
# labs run as well: they are left out quietly (make check installs them
# before it boots a VM).
LAB_PEERS="genl-ctrl-list lsns jq flock stress nft ss"
TEST_PEERS="tmux forkstat curl"
for b in $LAB_PEERS $TEST_PEERS; do
	p=$(command -v "$b" || true)
	if [ -n "$p" ]; then
		install_bin "$p" "/usr/bin/$b"
	elif [[ " $LAB_PEERS " = *" $b "* ]]; then
		echo "vm.sh: warning: no $b on this machine: the demo or a lab that runs it will fail (scripts/deps.sh installs it)" >&2
	fi
done
# The chroot lab (docs/labs/chroot.md) builds its jail the seed's way,
# with ldd: a bash script from libc-bin (hence bash, at the path its #!
# names), and programs that need libraries, as on the seed's machine
# (busybox is static): bash and GNU ls.  That ls is off PATH, so
# busybox's stays the one every test runs.
p=$(command -v ldd || true)
if [ -n "$p" ] && [ -x /usr/bin/bash ]; then
	install -D -m 0755 "$p" "$ROOT/usr/bin/ldd"
	install_bin /usr/bin/bash /bin/bash
	install_bin "$(command -v ls)" /opt/nsbox/labs/bin/ls
else
	echo "vm.sh: warning: no ldd or bash on this machine: the chroot lab will fail" >&2
fi
# iproute2's ip, for what busybox's cannot do (veth pairs, named network
# namespaces: bridge.sh's LAN neighbour).  Under its own name: `ip` stays
# busybox's, which the other tests were written against.
p=$(command -v ip || true)
[ -n "$p" ] && install_bin "$p" /usr/bin/iproute2-ip
# bookworm's lsns (util-linux 2.38) does not list namespaces kept by a bind
# mount or an open file; trixie's (2.41) does.  The trixie build root's
# (scripts/buildroot.sh 7) runs as lsns-persistent, with its own loader
# and libraries under /opt/trixie.
TRIXIE=$(root_dir trixie)
if [ -x "$TRIXIE/usr/bin/lsns" ]; then
	mkdir -p "$ROOT/opt/trixie/lib"
	cp -L "$TRIXIE/usr/bin/lsns" "$ROOT/opt/trixie/lsns"
	cp -L "$TRIXIE/lib64/ld-linux-x86-64.so.2" "$ROOT/opt/trixie/"
	for l in libsmartcols.so.1 libmount.so.1 libc.so.6 libblkid.so.1 libselinux.so.1 libpcre2-8.so.0; do
		cp -L "$TRIXIE/usr/lib/x86_64-linux-gnu/$l" "$ROOT/opt/trixie/lib/"
	done
	printf '#!/bin/sh\nexec /opt/trixie/ld-linux-x86-64.so.2 --library-path /opt/trixie/lib /opt/trixie/lsns "$@"\n' \
		> "$ROOT/usr/bin/lsns-persistent"
	chmod 0755 "$ROOT/usr/bin/lsns-persistent"
fi
# tmux wants terminfo for the TERMs it meets and a UTF-8 locale (C.UTF-8
# is not built into glibc); same paths as on the host.
for d in /lib/terminfo /usr/share/terminfo /etc/terminfo; do
	for t in s/screen s/screen-256color t/tmux t/tmux-256color x/xterm \
		x/xterm-256color v/vt100 l/linux; do
		[ -f "$d/$t" ] && install -D -m 0644 "$d/$t" "$ROOT$d/$t"
	done
done
if [ -d /usr/lib/locale/C.utf8 ]; then
	mkdir -p "$ROOT/usr/lib/locale"
	cp -r /usr/lib/locale/C.utf8 "$ROOT/usr/lib/locale/"
fi
# The kernel's YNL CLI (tools/net/ynl from linux-source, which
# scripts/linux-source.sh extracts when the tests are built) with the
# nsbox spec (uapi/nsbox.yaml), for tests/vm/ynl.sh and the ynl lab
# (docs/labs/ynl.md): /usr/bin/ynl runs it.  It is Python: this machine's
# python3 goes in with only the modules the CLI imports
# (scripts/ynl-pyfiles.py lists them; 12 MB with the interpreter,
# docs/labs/ynl.md), each with its .pyc and the same mtime so that the
# guest never compiles one.  No jsonschema: the host validates the spec
# (tests/host/ynl.sh), the guest runs the CLI with --no-schema.
YNL=$TOP/build/linux-source/tools/net/ynl
YNL_SPECS=$TOP/build/linux-source/Documentation/netlink/specs
if [ -f "$YNL/cli.py" ] && [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	/usr/bin/python3 -m compileall -q "$YNL/lib" >/dev/null
	pyfiles=$(/usr/bin/python3 "$TOP/scripts/ynl-pyfiles.py" "$YNL" "$YNL_SPECS/nlctrl.yaml")
	for f in $pyfiles; do
		if [ -d "$f" ]; then
			mkdir -p "$ROOT$f"
		else
			mkdir -p "$ROOT$(dirname "$f")"
			cp -p "$f" "$ROOT$f"
			case "$f" in *.so) ELFS+=("$f") ;; esac
		fi
	done
	install_bin "$(readlink -f /usr/bin/python3)" /usr/bin/python3
	mkdir -p "$ROOT/opt/ynl/specs"
	cp -rp "$YNL/cli.py" "$YNL/lib" "$ROOT/opt/ynl/"
	# nlctrl.yaml as 6.12 has it lists the policy attribute mask before
	# pad, which numbers them 11 and 12: <linux/netlink.h> has PAD 11,
	# MASK 12.  Give both their real number (then a mask decodes as one).
	/usr/bin/python3 - "$YNL_SPECS/nlctrl.yaml" "$ROOT/opt/ynl/specs/nlctrl.yaml" <<'PYFIX'
import re, sys
s = open(sys.argv[1]).read()
if s.find('name: mask\n') < s.find('name: pad\n'):
    s = re.sub(r'(name: mask\n(\s+)type: u64\n)', r'\1\2value: 12\n', s)
    s = re.sub(r'(name: pad\n(\s+)type: pad\n)', r'\1\2value: 11\n', s)
open(sys.argv[2], 'w').write(s)
PYFIX
	cp -p "$TOP/uapi/nsbox.yaml" "$ROOT/opt/nsbox/nsbox.yaml"
	# the same as JSON, for jq (tests/vm/ynl.sh): parsing YAML takes
	# the guest's Python seconds under TCG
	/usr/bin/python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' \
		"$TOP/uapi/nsbox.yaml" > "$ROOT/opt/nsbox/nsbox.json"
	printf '#!/bin/sh\n# the kernel'"'"'s tools/net/ynl/cli.py (newer kernels install it as ynl)\nexec /usr/bin/python3 /opt/ynl/cli.py "$@"\n' \
		> "$ROOT/usr/bin/ynl"
	chmod 0755 "$ROOT/usr/bin/ynl"
fi
# kmod's modinfo reads any .ko (busybox's needs modules.dep).
if [ -x /bin/kmod ]; then
	install_bin /bin/kmod /usr/sbin/kmod
	ln -s kmod "$ROOT/usr/sbin/modinfo"
fi
copy_libs "$ROOT" "${ELFS[@]}"
# libnl reads its id tables from /etc/libnl at start; harmless if absent.
[ -d /etc/libnl ] && cp -r /etc/libnl "$ROOT/etc/"

# --- kernel modules: nsbox.ko, test modules, distro modules + dependencies ----
case "$KO" in	# DKMS compresses the module where the kernel's own are
*.xz) xz -dc "$KO" > "$ROOT/lib/modules/nsbox/nsbox.ko" ;;
*.zst) zstd -q -dc "$KO" > "$ROOT/lib/modules/nsbox/nsbox.ko" ;;
*.gz) gzip -dc "$KO" > "$ROOT/lib/modules/nsbox/nsbox.ko" ;;
*) cp "$KO" "$ROOT/lib/modules/nsbox/nsbox.ko" ;;
esac
for m in "$(dirname "$(kmod_path "$KVER")")"/testmods/*.ko; do
	[ -f "$m" ] && cp "$m" "$ROOT/lib/modules/nsbox/tests/"
done
if [ -d "${KROOT:-}/lib/modules/$KVER" ]; then
	NICMODS=()
	[ ${#FORWARDS[@]} = 0 ] || NICMODS=(virtio_pci virtio_net)
	# nf_tables for the bridge's filter (tools/box/nft.c).  The guest has
	# no modprobe to load modules on demand, so also what it would load:
	# crc32c_generic, the "softdep pre: crc32c" of nf_tables' libcrc32c
	# (5.10-6.12; built in on 7.x), and the expressions nsbox uses that
	# are modules of their own: nft_meta_bridge ("meta iifname" in the
	# bridge family: the kernel asks for nft-expr-7-meta) and nft_counter
	# (5.10; built into nf_tables later); and for routing boxes (NAT, -p):
	# conntrack's expression (ct state, ct status), the nat chains, dnat,
	# masquerade and fib ("fib daddr type local"), with what they need.
	NFTMODS=()
	for m in crc32c_generic nf_tables nft_meta_bridge nft_counter \
		nft_ct nft_chain_nat nft_nat nft_masq nft_fib_inet; do
		grep -qE "(^|/)$m\.ko(\.[a-z]+)?:" "$KROOT/lib/modules/$KVER/modules.dep" && NFTMODS+=("$m")
	done
	# zram: a swap device for views.sh (/proc/swaps in a box), in memory
	grep -qE "(^|/)zram\.ko(\.[a-z]+)?:" "$KROOT/lib/modules/$KVER/modules.dep" && NFTMODS+=(zram)
	distro_modules "$KVER" "$ROOT" overlay veth bridge "${NFTMODS[@]}" "${NICMODS[@]}" > "$ROOT/etc/nsbox-modules"
else
	: > "$ROOT/etc/nsbox-modules"
fi

# --- the guest's users and init ----------------------------------------------
cat > "$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
lab:x:1000:1000:nsbox lab user:/tmp:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$ROOT/etc/group" <<'EOF'
root:x:0:
lab:x:1000:
nogroup:x:65534:
EOF
# subordinate ids, as adduser gives a user on Debian: root's range is what
# `nsbox run --user` maps box root to (never host uid 0)
printf 'root:100000:65536\nlab:165536:65536\n' > "$ROOT/etc/subuid"
printf 'root:100000:65536\nlab:165536:65536\n' > "$ROOT/etc/subgid"
echo nsbox-lab > "$ROOT/etc/hostname"
install -m 0755 "$TOP/scripts/vm-init" "$ROOT/init"
install -m 0755 "$TOP/scripts/vm-init" "$ROOT/sbin/nsbox-init"
install -m 0755 "$TOP/scripts/vm-dmesg-check" "$ROOT/usr/local/bin/nsbox-dmesg-check"
if [ -n "$RUN" ]; then
	mkdir -p "$ROOT/nsbox-run"
	install -m 0755 "$RUN" "$ROOT/nsbox-run/$(basename "$RUN")"
	MODE=run
	RUNFILE=/nsbox-run/$(basename "$RUN")
else
	MODE=shell
	RUNFILE=
fi

(cd "$ROOT" && find . -print0 | cpio --quiet -o -0 -H newc -R 0:0) > "$WORK/initrd.cpio"

# --- QEMU ---------------------------------------------------------------------
ACCEL=$(pick_accel "$ACCEL" "$KVER")
# A soft lockup panics too: a stuck CPU ends the run at once (123)
# instead of at the timeout.
CMDLINE="console=ttyS0 rdinit=/init panic=-1 oops=panic softlockup_panic=1 quiet loglevel=4"
CMDLINE+=" nsbox_mode=$MODE nsbox_load=$LOAD_MODULE nsbox_run=$RUNFILE"
CMDLINE+=" nsbox_kver=$KVER ${APPEND}"
QEMU=(qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot
	-m "$MEM" -smp "$SMP" -kernel "$VMLINUZ" -initrd "$WORK/initrd.cpio"
	-append "$CMDLINE")
if [ "$ACCEL" = kvm ]; then
	QEMU+=(-accel kvm -cpu host)
elif [ "$ICOUNT" = 1 ]; then
	QEMU+=(-accel tcg -cpu max -icount shift=0,sleep=off,align=off)
else
	# thread=single: QEMU runs all vCPUs in one host thread, taking turns.
	# The guest still has 2 CPUs (SMP kernel paths, IPIs, preemption
	# between CPUs), but no two vCPUs execute at the same instant.  With
	# thread=multi (MTTCG), a vCPU can run a stale translation of kernel
	# text that another vCPU is patching (text_poke_bp: kprobes, ftrace,
	# static keys) and jump into the middle of the new instruction:
	# reloading a module of seven no-op kprobes during a fork storm
	# crashed 6.12 within 30 s that way, and 300 reloads passed with
	# thread=single (docs/testing.md, "QEMU TCG and code patching").
	QEMU+=(-accel "tcg,thread=$TCG_THREAD" -cpu max)
fi

# Port forwards: QEMU's user-mode network (slirp) with restrict=on, so the
# guest can answer connections forwarded from the host's loopback and
# cannot open any of its own.
if [ ${#FORWARDS[@]} -gt 0 ]; then
	NIC="user,model=virtio-net-pci,restrict=on"
	for f in "${FORWARDS[@]}"; do
		NIC+=",hostfwd=tcp:127.0.0.1:${f%%:*}-:${f#*:}"
	done
	QEMU+=(-nic "$NIC")
fi

if [ "$MODE" = shell ]; then
	QEMU+=(-serial mon:stdio)
	echo "vm.sh: booting $KVER ($ACCEL); 'poweroff' or Ctrl-A X to quit" >&2
	exec "${QEMU[@]}"
fi

# Run mode: the console (ttyS0) streams to our stdout; the guest reports its
# verdict on a second serial port (ttyS1) that QEMU writes to a file.
RESULT=$WORK/result
: > "$RESULT"
QEMU+=(-chardev "stdio,id=con,signal=off" -serial chardev:con
	-serial "file:$RESULT")
START=$(date +%s.%N)
# Under TCG with several vCPUs the kernel very rarely died while it was
# still booting (an int3 from code patching in a timer interrupt, seen on
# 6.12 with thread=multi; see above): before the guest's init has said
# "nsbox-booted" nothing of ours has run, so that one case is retried once,
# and said so.
for attempt in 1 2; do
	: > "$RESULT"
	set +e
	timeout -s KILL "$TIMEOUT" "${QEMU[@]}" < /dev/null | sed -u 's/\r//g'
	QRC=${PIPESTATUS[0]}
	set -e
	[ "$QRC" != 137 ] && ! grep -q '^nsbox-booted' "$RESULT" && [ "$attempt" = 1 ] || break
	echo "vm.sh: the kernel crashed while booting, before nsbox or any test ran (TCG boot flake); booting again" >&2
done
ELAPSED=$(awk -v s="$START" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

if [ "$QRC" = 137 ]; then
	echo "vm.sh: TIMEOUT: guest still running after ${TIMEOUT}s, killed" >&2
	exit 124
fi
status=$(sed -n 's/^nsbox-status=\([0-9]*\).*/\1/p' "$RESULT" | tail -n 1)
splat=$(sed -n 's/^nsbox-splat=\([0-9]*\).*/\1/p' "$RESULT" | tail -n 1)
if [ -z "$status" ]; then
	echo "vm.sh: CRASH: the guest died before reporting (panic or oops; see the console above)" >&2
	exit 123
fi
if [ "${splat:-0}" != 0 ]; then
	echo "vm.sh: KERNEL-WARNING: $(basename "$RUN") exited $status but the kernel log has $splat problem report(s) (printed above)" >&2
	exit 125
fi
echo "vm.sh: $(basename "$RUN") exited $status on $KVER ($ACCEL, ${ELAPSED}s)" >&2
exit "$status"
