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
#   4. the lab VM boots each kernel with the module DKMS built and the
#      packaged tool: info, groups, ps, a box, VERIFY clean
#   5. apt purge: every file the packages had is gone, no module, no
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
n=0
fails=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
diag() { echo "$*" | sed 's/^/# /'; }
check() {	# check NAME CMD...
	local name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

echo "TAP version 13"
# The two kernels a Debian 12 machine gets from its own archive (6.1, and
# 6.12 from bookworm-security); 5.10 and 7.x are other suites' kernels.
K1=$(host_kver 6.1)
K2=$(host_kver 6.12)
if [ -z "$K1" ] || [ -z "$K2" ]; then
	notok "the 6.1 and 6.12 kernels are installed here (scripts/deps.sh): have '${K1:-}' '${K2:-}'"
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
	/etc/modules-load.d/nsbox.conf; do
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
	if ! debootstrap --variant=minbase bookworm "$CACHE/base" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1; then
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
# private mount namespace (nothing stays mounted)
in_fresh() {
	unshare --mount --propagation private -- sh -c '
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
if [ -n "$ko1" ] && [ -n "$ko2" ]; then
	smoke "$K1" "$ko1" & p1=$!
	smoke "$K2" "$ko2" & p2=$!
	wait $p1 $p2
fi
for k in "$K1" "$K2"; do
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
