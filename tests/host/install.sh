#!/bin/bash
# install.sh - nsbox installed the way a new Debian 12 user installs it
# (TAP).  Needs the packages of `make deb` in build/deb/.
#
#   1. a fresh Debian 12 root (debootstrap minbase, as a new machine; the
#      first run keeps a pristine copy and the downloaded .debs under
#      ~/.cache/nsbox/install-test so later runs fetch only the index)
#   2. apt install ./nsbox_*.deb ./nsbox-dkms_*.deb with the headers of the
#      first kernel: DKMS builds nsbox.ko for it, depmod indexes it
#   3. the headers of a second kernel installed afterwards: DKMS's kernel
#      hook builds nsbox.ko for it too, as for a kernel upgrade
#   4. on the other kernel lines (5.10, 7.x), in their own Debian (the
#      build roots of make kernels, through an overlay): that suite's dkms
#      builds nsbox.ko from the same nsbox-dkms package
#   5. the lab VM boots each kernel with the module DKMS built and the
#      packaged tool: info, groups, ps, a box, VERIFY clean
#   6. apt purge: every file the packages had is gone, no module, no
#      DKMS tree
# make install / make uninstall into a DESTDIR are checked first.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/scripts/lib.sh"
cd "$TOP" || exit 2
MIRROR=${NSBOX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${NSBOX_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}
CACHE=$NSBOX_CACHE/install-test
VERSION=$(cat VERSION)
# ok, notok, check, diag: the TAP helpers of the VM tests
. "$TOP/tests/vm/tap.sh"

echo "TAP version 13"
# The two kernels a Debian 12 machine gets from its own archive (6.1, and
# 6.12 from bookworm-security); 5.10 and 7.x are other suites' kernels.
K1=$(host_kver 6.1)
K2=$(host_kver 6.12)
if [ -z "$K1" ] || [ -z "$K2" ]; then
	notok "the 6.1 and 6.12 kernels are installed here (scripts/deps.sh --check): have '${K1:-}' '${K2:-}'"
	echo "1..$n"
	exit 1
fi

# ---- make install / uninstall into a DESTDIR ------------------------------
D=$(mktemp -d /tmp/nsbox-destdir.XXXXXX)
R=$(mktemp -d /tmp/nsbox-install.XXXXXX)
trap 'rm -rf "$D" "$R"' EXIT
# in a copy of the tree, as a user's checkout: its in-tree module build
# must not touch the objects the VM lanes of make check boot
S=$R/src
mkdir -p "$S"
git ls-files -co --exclude-standard -z | tar --null -T - -cf - 2>/dev/null | tar -C "$S" -xf -
make -s -C "$S" install DESTDIR="$D" PREFIX=/usr KVER="$K2" AUTOLOAD=1 > "$D.log" 2>&1
rc=$?
check "make install DESTDIR= PREFIX=/usr: exit 0" test "$rc" = 0
[ "$rc" = 0 ] || sed 's/^/# /' "$D.log" | tail -n 20
for f in /usr/sbin/nsbox /usr/share/man/man8/nsbox.8 /usr/share/man/man8/nsbox-run.8 \
	/usr/share/bash-completion/completions/nsbox /lib/modules/$K2/updates/nsbox.ko \
	/etc/modules-load.d/nsbox.conf /usr/lib/systemd/system/nsbox-exporter.service; do
	check "make install put $f" test -s "$D$f"
done
check "the installed nsbox.ko is built for $K2" \
	sh -c '[ "$(modinfo -F vermagic "$1" | cut -d" " -f1)" = "$2" ]' _ "$D/lib/modules/$K2/updates/nsbox.ko" "$K2"
make -s -C "$S" uninstall DESTDIR="$D" PREFIX=/usr KVER="$K2" > "$D.log" 2>&1
rm -rf "$S"
left=$(find "$D" -type f -o -type l)
diag "left after make uninstall: ${left:-nothing}"
check "make uninstall leaves no file" test -z "$left"
rm -f "$D.log"

# ---- a fresh Debian 12 -----------------------------------------------------
debs=$(ls build/deb/nsbox_"$VERSION"_amd64.deb build/deb/nsbox-dkms_"$VERSION"_all.deb 2>/dev/null | wc -l)
if [ "$debs" != 2 ]; then
	notok "make deb made both packages in build/deb/ (run make deb)"
	echo "1..$n"
	exit 1
fi
mkdir -p "$CACHE/apt" "$CACHE/lists"
if [ ! -s "$CACHE/bookworm-minbase.tar" ]; then
	diag "debootstrap --variant=minbase bookworm (once, then kept in $CACHE)"
	rm -rf "$CACHE/base"
	# (in a mount namespace of its own, as buildroot.sh does: nothing it
	# mounts in the new root can stay mounted)
	if ! in_private_mounts debootstrap --variant=minbase bookworm "$CACHE/base" "$MIRROR" \
		> "$CACHE/debootstrap.log" 2>&1; then
		notok "debootstrap bookworm (log: $CACHE/debootstrap.log)"
		echo "1..$n"
		exit 1
	fi
	printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
		"$MIRROR" "$MIRROR" "$SECURITY" > "$CACHE/base/etc/apt/sources.list"
	tar -C "$CACHE/base" -cf "$CACHE/bookworm-minbase.tar.new" . &&
		mv "$CACHE/bookworm-minbase.tar.new" "$CACHE/bookworm-minbase.tar"
	rm -rf "$CACHE/base"
fi
ROOT=$R/root
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$CACHE/bookworm-minbase.tar"
mkdir -p "$ROOT/tmp/debs"
cp build/deb/nsbox_"$VERSION"_amd64.deb build/deb/nsbox-dkms_"$VERSION"_all.deb "$ROOT/tmp/debs/"
# chroot into the fresh root, with the apt caches kept across runs, in a
# private mount namespace (nothing stays mounted; scripts/lib.sh)
in_fresh() {
	in_private_mounts sh -c '
		root=$1 cache=$2; shift 2
		mount -t proc proc "$root/proc" &&
		mount --bind "$cache/apt" "$root/var/cache/apt/archives" &&
		mount --bind "$cache/lists" "$root/var/lib/apt/lists" &&
		mount --bind /dev "$root/dev" || exit 125
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"' in_fresh "$ROOT" "$CACHE" "$@"
}
t0=$(date +%s)
in_fresh apt-get update > "$R/apt.log" 2>&1
# as the README says: with the recommended packages (openssl: DKMS makes
# its signing key with it)
in_fresh apt-get install -y \
	/tmp/debs/nsbox_"$VERSION"_amd64.deb /tmp/debs/nsbox-dkms_"$VERSION"_all.deb \
	"linux-headers-$K1" >> "$R/apt.log" 2>&1
rc=$?
diag "apt install of the packages and linux-headers-$K1: exit $rc in $(( $(date +%s) - t0 )) s"
[ "$rc" = 0 ] || tail -n 30 "$R/apt.log" | sed 's/^/# /'
check "apt install ./nsbox_${VERSION}_amd64.deb ./nsbox-dkms_${VERSION}_all.deb linux-headers-$K1 on a fresh Debian 12" \
	test "$rc" = 0
check "the packaged tool runs there (its library dependencies are declared): nsbox --version" \
	sh -c '[ "$(chroot "$1" /usr/sbin/nsbox --version | cut -d" " -f2)" = "$2" ]' _ "$ROOT" "$VERSION"
# What it opens with dlopen() (the box runtime's libraries, libsmartcols)
# dpkg-shlibdeps cannot see: its .note.dlopen notes name them, Depends must
# have brought every "required" one (debian/control)
dlsonames=$(readelf -p .note.dlopen "$ROOT/usr/sbin/nsbox" 2>/dev/null | grep -F '"priority":"required"' |
	grep -o '"soname":\["[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
# where dlopen() looks: the loader's cache, then its system search path
# (ld.so --help); the cache alone once missed a library apt had just
# installed there, in a make check beside the VM lanes
dl_found() {	# dl_found SONAME
	chroot "$ROOT" /sbin/ldconfig -p | grep -q "^[[:space:]]*$1 " && return 0
	for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib /usr/lib; do
		[ -e "$ROOT$d/$1" ] && return 0
	done
	return 1
}
dlmissing=$(for so in $dlsonames; do dl_found "$so" || echo "$so"; done | tr '\n' ' ')
check "and every library it dlopen()s is installed there (${dlsonames:-none found}; missing: ${dlmissing:-none})" \
	sh -c '[ -n "$1" ] && [ -z "$2" ]' _ "$dlsonames" "$dlmissing"
dkms_installed() {	# dkms_installed KVER
	in_fresh dkms status nsbox 2>/dev/null | grep -q "^nsbox/$VERSION, $1, x86_64: installed"
}
diag "dkms status: $(in_fresh dkms status 2>&1)"
check "dkms status: nsbox/$VERSION installed for $K1" dkms_installed "$K1"
# dkms_ko KVER: the module DKMS installed (compressed if that kernel's
# modules are: nsbox.ko.xz for 6.12)
dkms_ko() { ls "$ROOT/lib/modules/$1/updates/dkms/"nsbox.ko* 2>/dev/null | head -n 1; }
ko1=$(dkms_ko "$K1")
diag "DKMS installed ${ko1#$ROOT}; signer: $(modinfo -F signer "$ko1" 2>/dev/null || echo none)"
check "DKMS made the machine's signing key and signed nsbox.ko with it (Secure Boot: enrol /var/lib/dkms/mok.pub)" \
	sh -c '[ -s "$1/var/lib/dkms/mok.pub" ] && [ -n "$(modinfo -F signer "$2" 2>/dev/null)" ]' _ "$ROOT" "$ko1"
check "modprobe finds it: modprobe -S $K1 --show-depends nsbox -> updates/dkms/nsbox.ko" \
	sh -c 'modprobe -d "$1" -S "$2" --show-depends nsbox 2>&1 | grep -q "/lib/modules/$2/updates/dkms/nsbox.ko"' _ "$ROOT" "$K1"

# a kernel installed later: DKMS's header_postinst.d hook builds for it
t0=$(date +%s)
in_fresh apt-get install -y --no-install-recommends "linux-headers-$K2" >> "$R/apt.log" 2>&1
rc=$?
diag "apt install linux-headers-$K2 later: exit $rc in $(( $(date +%s) - t0 )) s"
if [ "$rc" = 0 ] && dkms_installed "$K2"; then
	ok "a kernel installed later ($K2) gets nsbox.ko from DKMS's kernel hook"
else
	notok "a kernel installed later ($K2) gets nsbox.ko from DKMS's kernel hook"
	tail -n 30 "$R/apt.log" | sed 's/^/# /'
fi
ko2=$(dkms_ko "$K2")
diag "DKMS installed ${ko2#$ROOT} for $K2"
check "modprobe finds it for $K2 too" \
	sh -c 'modprobe -d "$1" -S "$2" --show-depends nsbox 2>&1 | grep -q "/lib/modules/$2/updates/dkms/nsbox.ko"' _ "$ROOT" "$K2"
check "man nsbox renders from the installed page" \
	sh -c 'MANWIDTH=80 man -l "$1"/usr/share/man/man8/nsbox.8.gz 2>/dev/null | grep -q "^NAME"' _ "$ROOT"
check "the bash completion is installed and defines the completion for nsbox" \
	bash -c 'source "$1"/usr/share/bash-completion/completions/nsbox && complete -p nsbox >/dev/null' _ "$ROOT"
UNIT=/lib/systemd/system/nsbox-exporter.service
check "the exporter's unit is installed, runs /usr/sbin/nsbox serve, and systemd-analyze verify accepts it" \
	sh -c 'grep -qx "ExecStart=/usr/sbin/nsbox serve --listen 127.0.0.1:9847" "$1$2" &&
		sed "s|=/usr/sbin/nsbox|=$1/usr/sbin/nsbox|" "$1$2" > "$3/nsbox-exporter.service" &&
		systemd-analyze verify --man=no "$3/nsbox-exporter.service" > "$3/verify.log" 2>&1' \
	_ "$ROOT" "$UNIT" "$R"
[ -s "$R/verify.log" ] && sed 's/^/# /' "$R/verify.log"
# (the host's systemd checks it: the fresh root has no systemd of its own)
check "... and is neither enabled nor started by the package" \
	test ! -e "$ROOT/etc/systemd/system/multi-user.target.wants/nsbox-exporter.service"

# ---- the other kernel lines, on their own Debian ------------------------------
# 5.10 and 7.x are not Debian 12's kernels: their headers need bullseye's
# and trixie's compilers.  A machine of that Debian gets them the same way:
# nsbox-dkms (architecture all) installed with that suite's dkms builds the
# module for the kernel whose headers are there.  The build roots of
# make kernels are such machines; each is used through an overlay, so the
# root itself is left as it was.
in_suite() {	# in_suite LOWER UPPERDIR CMD...: chroot into LOWER+UPPERDIR
	in_private_mounts sh -c '
		lower=$1 up=$2; shift 2
		mkdir -p "$up/upper" "$up/work" "$up/mnt" &&
		mount -t overlay overlay -o "lowerdir=$lower,upperdir=$up/upper,workdir=$up/work" "$up/mnt" &&
		mount -t proc proc "$up/mnt/proc" &&
		mount --bind /dev "$up/mnt/dev" || exit 125
		exec chroot "$up/mnt" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
			LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"' in_suite "$@"
}
OTHER=()	# "KVER KO" of the kernels of other suites
for k in $(target_kvers); do
	lower=$(kernel_root "$k")
	[ -n "$lower" ] || continue
	suite=$(sed -n 's/^VERSION_CODENAME=//p' "$lower/etc/os-release")
	up=$R/suite-$suite
	mkdir -p "$up/upper/tmp"
	cp build/deb/nsbox-dkms_"$VERSION"_all.deb "$up/upper/tmp/"
	t0=$(date +%s)
	{ in_suite "$lower" "$up" apt-get update &&
	  in_suite "$lower" "$up" apt-get install -y --no-install-recommends \
		/tmp/nsbox-dkms_"$VERSION"_all.deb; } > "$R/apt-$suite.log" 2>&1
	rc=$?
	diag "apt install nsbox-dkms on Debian $suite with linux-headers-$k: exit $rc in $(( $(date +%s) - t0 )) s"
	[ "$rc" = 0 ] || tail -n 30 "$R/apt-$suite.log" | sed 's/^/# /'
	st=$(in_suite "$lower" "$up" dkms status nsbox 2>&1)
	diag "dkms status: $st"
	check "Debian $suite: dkms ($(in_suite "$lower" "$up" dpkg-query -W -f '${Version}' dkms 2>/dev/null)) built and installed nsbox/$VERSION for $k" \
		sh -c 'echo "$1" | grep -q "^nsbox[/,] \{0,1\}$2, $3, x86_64: installed"' _ "$st" "$VERSION" "$k"
	# merged /usr: /lib is a link to usr/lib there, so the upper layer
	# holds usr/lib/modules
	ko=$(ls "$up/upper/lib/modules/$k/updates/dkms/"nsbox.ko* \
		"$up/upper/usr/lib/modules/$k/updates/dkms/"nsbox.ko* 2>/dev/null | head -n 1)
	check "Debian $suite: modprobe finds it for $k" \
		sh -c '[ -n "$1" ] && grep -q "/lib/modules/$2/updates/dkms/nsbox.ko" "$3"' \
		_ "$ko" "$k" <(in_suite "$lower" "$up" modprobe -S "$k" --show-depends nsbox 2>&1)
	[ -n "$ko" ] && OTHER+=("$k $ko")
done

# ---- the lab VM on each kernel, with DKMS's module and the package's tool --
cat > "$R/smoke.sh" <<'EOF'
#!/bin/sh
# the packaged tool on the DKMS-built module
r() { if "$@" > /tmp/out 2>&1; then echo "smoke: PASS $*"; else echo "smoke: FAIL $* (exit $?)"; sed 's/^/smoke-out: /' /tmp/out; fi; }
r sh -c 'nsbox info -J | jq -e ".module_version == \"@VERSION@\" and ([.hooks[] | select(.attached | not)] | length == 0)"'
r sh -c 'nsbox groups -J --kind cgroup2 | jq -e ".groups | length > 0"'
r sh -c 'nsbox ps -J | jq -e "[.tasks[] | select(.pid == 1)] | length == 1"'
r sh -c 'nsbox run --rm --name smoke -- sh -c "exit 7"; [ $? = 7 ]'
r nsbox verify
EOF
smoke() {	# smoke KVER KO: the VM's output in $R/smoke-KVER.log
	scripts/vm.sh --kernel "$1" --module "$2" --tool "$ROOT/usr/sbin/nsbox" --timeout 600 \
		--run "$R/smoke.sh" > "$R/smoke-$1.log" 2>&1
	echo $? > "$R/smoke-$1.log.rc"
}
sed -i "s/@VERSION@/$VERSION/" "$R/smoke.sh"
# two VMs at a time: 6.1 and 6.12 (Debian 12's), then the other lines
VMS=()
[ -n "$ko1" ] && VMS+=("$K1 $ko1")
[ -n "$ko2" ] && VMS+=("$K2 $ko2")
VMS+=("${OTHER[@]}")
pids=()
for v in "${VMS[@]}"; do
	if [ "${#pids[@]}" -ge 2 ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
	smoke $v & pids+=($!)
done
wait
for k in "$K1" "$K2" $(for v in "${OTHER[@]}"; do echo "${v%% *}"; done); do
	log=$R/smoke-$k.log
	[ -f "$log" ] || { notok "lab VM on $k with the DKMS-built module (no module was built)"; continue; }
	grep -E '^smoke(-out)?: ' "$log" | tr -d '\r' | sed 's/^/# /'
	diag "vm.sh exit $(cat "$log.rc" 2>/dev/null)"
	[ "$(cat "$log.rc" 2>/dev/null)" = 0 ] || tail -n 15 "$log" | tr -d '\r' | sed 's/^/# /'
	check "lab VM on $k with the DKMS-built nsbox.ko and the packaged tool: info (hooks attached), groups, ps, a box, VERIFY clean" \
		sh -c '[ "$(cat "$1.rc" 2>/dev/null)" = 0 ] && [ "$(grep -c "^smoke: PASS" "$1")" = 5 ] && ! grep -q "^smoke: FAIL" "$1"' _ "$log"
done

# ---- purge ----------------------------------------------------------------
files=$(in_fresh dpkg -L nsbox nsbox-dkms 2>/dev/null | sort -u)
in_fresh apt-get purge -y nsbox nsbox-dkms >> "$R/apt.log" 2>&1
rc=$?
check "apt purge nsbox nsbox-dkms: exit 0" test "$rc" = 0
left=$(echo "$files" | while read -r f; do
	[ -n "$f" ] && [ -f "$ROOT$f" ] && echo "$f"; done)
diag "files of the packages left: ${left:-none} (of $(echo "$files" | wc -l) paths)"
check "every file the packages installed is gone" test -z "$left"
mods=$(find "$ROOT/lib/modules" -name 'nsbox.ko*' 2>/dev/null)
check "no nsbox.ko left in /lib/modules (${mods:-none})" test -z "$mods"
check "no DKMS tree left (/var/lib/dkms/nsbox, /usr/src/nsbox-$VERSION)" \
	sh -c '[ ! -e "$1/var/lib/dkms/nsbox" ] && [ ! -e "$1/usr/src/nsbox-$2" ]' _ "$ROOT" "$VERSION"
check "modprobe no longer finds nsbox for $K1" \
	sh -c '! modprobe -d "$1" -S "$2" --show-depends nsbox >/dev/null 2>&1' _ "$ROOT" "$K1"

echo "1..$n"
[ "$fails" = 0 ]
