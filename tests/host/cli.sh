#!/bin/bash
# cli.sh - the nsbox tool's command line on the host (TAP).  The host kernel
# has no nsbox.ko, which is exactly the "module not loaded" case.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
NSBOX=$TOP/tools/nsbox
n=0
fails=0
# expect NAME STATUS PATTERN ARGS...: nsbox ARGS exits STATUS and its
# output (stdout+stderr) matches the extended regex PATTERN.  $RUNNER, if
# set, runs nsbox (a command that takes it and its arguments).
RUNNER=""
expect() {
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	out=$($RUNNER "$NSBOX" "$@" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want" ] && echo "$out" | grep -qE -- "$pat"; then
		echo "ok $n - $name"
	else
		fails=$((fails + 1))
		echo "not ok $n - $name"
		echo "# exit $rc (wanted $want), output:"
		echo "$out" | sed 's/^/#   /'
	fi
}

echo "TAP version 13"
expect "--version prints version and ABI" 0 '^nsbox [0-9]+\.[0-9]+\.[0-9]+ \(netlink ABI [0-9]+\)$' --version
expect "--help lists the info command" 0 '^  info ' --help
expect "no command: usage, exit 2" 2 '^usage: nsbox' 
expect "unknown command: exit 2, says so" 2 "^nsbox: unknown command 'frobnicate'; see 'nsbox --help'" frobnicate
expect "unknown global option: exit 2" 2 "^nsbox: unknown option '--frob'" --frob
expect "info --help: exit 0" 0 '^usage: nsbox info \[-J\]' info --help
expect "info with a bad option: exit 2" 2 "^nsbox: info: unknown option '--frob'; see 'nsbox info --help'" info --frob
expect "info with an extra argument: exit 2" 2 "^nsbox: info: unexpected argument 'x'" info x
if grep -q '^nsbox ' /proc/modules 2>/dev/null; then
	n=$((n + 2))
	echo "ok $((n - 1)) - info without module # SKIP nsbox.ko is loaded on this host"
	echo "ok $n - info -J without module # SKIP nsbox.ko is loaded on this host"
else
	expect "info without the module: exit 3 and how to load it" 3 \
		'^nsbox: kernel module not loaded \(generic netlink family "nsbox" not found\); load it with: sudo modprobe nsbox \(from a source tree: sudo insmod kmod/nsbox.ko\)$' info
	expect "info -J without the module: same error" 3 \
		'^nsbox: kernel module not loaded' info -J
fi
# nsbox run checks every option before it changes anything (host: no VM)
expect "run --help: exit 0" 0 '^usage: nsbox run \[OPTIONS\]' run --help
expect "run --memory 12XB: invalid size, exit 2" 2 "^nsbox: run: invalid size --memory '12XB'" run --memory 12XB -- true
expect "run --cpus abc: exit 2" 2 "^nsbox: run: invalid --cpus 'abc'" run --cpus abc -- true
expect "run --ns bogus: exit 2" 2 "^nsbox: run: invalid --ns 'mnt,bogus'" run --ns mnt,bogus -- true
expect "run --ns without mnt: exit 2" 2 "^nsbox: run: --ns must include mnt" run --ns pid,net -- true
expect "run --name with a slash: exit 2" 2 "^nsbox: run: invalid box name 'a/b'" run --name a/b -- true
expect "run --pids 0: exit 2" 2 "^nsbox: run: invalid --pids '0'" run --pids 0 -- true
expect "exec of an unknown box: exit 125 (exec's own failure, not a command's status)" 125 "^nsbox: exec: no box named 'nosuchbox'" exec nosuchbox true
expect "exec with a bad option: exit 125" 125 "^nsbox: exec: unknown option" exec --bogus b true
expect "run --cap-add with an unknown capability: exit 2" 2 "^nsbox: run: invalid --cap-add 'NET_BOGUS'" run --cap-add NET_BOGUS -- true
expect "run --cap-drop with an unknown capability: exit 2" 2 "^nsbox: run: invalid --cap-drop 'x'" run --cap-drop x -- true
expect "run --seccomp-allow with an unknown group: exit 2" 2 "^nsbox: run: invalid --seccomp-allow 'modules': groups mount, ns" run --seccomp-allow modules -- true
expect "rootfs without DIR: exit 2" 2 "^nsbox: rootfs: " rootfs create
# verify and reset check their command line before they ask the module
expect "verify --help: exit 0" 0 '^usage: nsbox verify \[-J\]' verify --help
expect "verify with an unknown option: exit 2, names it" 2 "^nsbox: verify: unknown option '--frob'; see 'nsbox verify --help'" verify --frob
expect "verify -x: exit 2, names it" 2 "^nsbox: verify: unknown option '-x'" verify -J -x
expect "verify with an extra argument: exit 2" 2 "^nsbox: verify: unexpected argument 'x'" verify x
expect "reset --help: exit 0, lists the kinds" 0 '^  KIND +mnt, pid, net' reset --help
expect "reset with an unknown option: exit 2, names it" 2 "^nsbox: reset: unknown option '--frob'; see 'nsbox reset --help'" reset --frob
expect "reset with a bad KIND:ID: exit 2" 2 "^nsbox: reset: 'bogus:12' is not KIND:ID \(e.g. net:4026531840; kinds: mnt, " reset bogus:12
expect "reset with an ID that is not a number: exit 2" 2 "^nsbox: reset: 'net:x' is not KIND:ID" reset net:x
expect "reset with two groups: exit 2" 2 "^nsbox: reset: unexpected argument 'net:2'" reset net:1 net:2
if ! grep -q '^nsbox ' /proc/modules 2>/dev/null; then
	expect "reset KIND:ID without the module: parsed, then exit 3" 3 '^nsbox: kernel module not loaded' reset net:1
	expect "verify -J without the module: exit 3" 3 '^nsbox: kernel module not loaded' verify -J
fi

# Start-up loads what the command uses (issue 30): the box runtime's
# libraries (tools/box/dl.c) and theirs are loaded by box commands alone,
# libsmartcols for a table on a terminal alone, each when first called.
# LD_DEBUG=files: the loader names every library it loads, linked or
# dlopen()ed; libnl-3 (linked) shows it is listening.
BOXLIBS='libseccomp|libcap-ng|libnl-route-3|libnftables|libmnl|libnftnl|libxtables|libjansson|libgmp|libsmartcols'
loaded() {	# loaded ARGS...: the libraries `nsbox ARGS` loads, on one line
	LD_DEBUG=files "$NSBOX" "$@" 2>&1 >/dev/null |
		sed -n 's/.*file=\(lib[^ ]*\) .*/\1/p' | sort -u | tr '\n' ' '
}
libs_check() {	# libs_check NAME WANT-REGEX NOT-REGEX ARGS...
	local name=$1 want=$2 not=$3 libs
	shift 3
	libs=$(loaded "$@")
	n=$((n + 1))
	if echo "$libs" | grep -qE "$want" && ! echo "$libs" | grep -qE "$not"; then
		echo "ok $n - $name"
	else
		fails=$((fails + 1))
		echo "not ok $n - $name"
		echo "# loaded: $libs"
	fi
}
libs_check "--version loads none of the box runtime's libraries, nor libsmartcols" 'libnl-3\.' "$BOXLIBS" --version
libs_check "groups (no module: it starts, asks, fails) loads none of them" 'libnl-genl-3\.' "$BOXLIBS" groups
libs_check "run --cap-add parses with libcap-ng alone, opened when first called" \
	'libcap-ng\.' 'libseccomp|libnl-route-3|libnftables|libsmartcols' run --cap-add NET_ADMIN --memory 12XB -- true
libs_check "ls into a pipe: its table without libsmartcols" 'libnl-3\.' "$BOXLIBS" ls
n=$((n + 1))
if ! command -v script >/dev/null; then
	echo "ok $n - ls on a terminal opens libsmartcols # SKIP no script(1) for a terminal"
elif LD_DEBUG=files script -qec "$NSBOX ls" /dev/null 2>/dev/null |
     grep -aq 'file=libsmartcols\.so\.[0-9]* .*dynamically loaded by'; then
	echo "ok $n - ls on a terminal opens libsmartcols (dlopen)"
else
	fails=$((fails + 1))
	echo "not ok $n - ls on a terminal opens libsmartcols (dlopen)"
fi
# A library missing (a file the loader rejects, in a mount namespace of
# our own): one line naming the package, exit 125 (the box cannot be set
# up) -- the command started, and only the box runtime misses it.
hide_capng() {	# hide_capng CMD...: CMD where libcap-ng.so.0 is /dev/null
	unshare -rm sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' _ "$CAPNG" "$@"
}
CAPNG=$(ldconfig -p | sed -n 's/^[[:space:]]*libcap-ng\.so\.0 (libc6,x86-64) => //p' | head -n 1)
if [ -n "$CAPNG" ] && unshare -rm true 2>/dev/null; then
	CAPNG=$(readlink -f "$CAPNG")
	RUNNER=hide_capng
	expect "libcap-ng missing: run says which package to install, exit 125" 125 \
		'^nsbox: cannot load libcap-ng\.so\.0 for a box.s capabilities \(.*\); install it: sudo apt install libcap-ng0$' \
		run --cap-add NET_ADMIN --memory 12XB -- true
	expect "libcap-ng missing: --version does not notice" 0 '^nsbox [0-9.]+ \(netlink ABI' --version
	RUNNER=
else
	n=$((n + 2))
	echo "ok $((n - 1)) - libcap-ng missing: run says which package # SKIP no libcap-ng.so.0 or no unshare -rm (user namespaces) here"
	echo "ok $n - libcap-ng missing: --version does not notice # SKIP as above"
fi
echo "1..$n"
[ "$fails" = 0 ]
