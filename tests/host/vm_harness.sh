#!/bin/bash
# vm_harness.sh KVER | vm_harness.sh --debug VM_OPTIONS... - the lab VM
# harness tests itself (TAP): a run exits with the guest script's status;
# a kernel WARNING, a panic or a hang fail the run with their own status
# (125, 123, 124) instead of passing or hanging.  Each case is one boot of
# scripts/vm.sh.
#   KVER                 Debian's kernel KVER (make check)
#   --debug VM_OPTIONS   the debug kernel, booted with these vm.sh options
#                        (make check-debug): a KASAN report must end the
#                        run at once (kasan.fault=panic, exit 123)
TOP=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${1:-}" = --debug ]; then
	shift
	TARGET=("$@")
	MODE=debug
else
	TARGET=(--kernel "${1:?usage: vm_harness.sh KVER | --debug VM_OPTIONS...}")
	MODE=debian
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
fails=0

# case_ NAME WANT_STATUS [OUTPUT_REGEX] [vm.sh options] -- SCRIPT_BODY
case_() {
	local name=$1 want=$2 rc re=
	shift 2
	case "${1:-}" in --*) ;; *) re=$1; shift ;; esac
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	printf '#!/bin/sh\n%s\n' "$1" > "$TMP/case.sh"
	"$TOP/scripts/vm.sh" "${TARGET[@]}" "${opts[@]}" --run "$TMP/case.sh" > "$TMP/out" 2>&1
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want" ] && { [ -z "$re" ] || grep -qE "$re" "$TMP/out"; }; then
		echo "ok $n - $name: vm.sh exit $rc"
	else
		fails=$((fails + 1))
		echo "not ok $n - $name: vm.sh exit $rc, wanted $want${re:+ and output matching /$re/}"
		tail -n 30 "$TMP/out" | sed 's/^/# /'
	fi
}

echo "TAP version 13"
if [ "$MODE" = debug ]; then
	echo "1..2"
	case_ "debug kernel: script status is passed through" 7 -- 'nsbox info >/dev/null || exit 1; exit 7'
	case_ "debug kernel: a use-after-free is reported by KASAN and ends the run" 123 \
		'BUG: KASAN: [a-z-]*use-after-free' -- \
		'insmod "$NSBOX_TESTMODS/nsbox_kasan_test.ko"; exit 0'
else
	KVER=${TARGET[1]}
	echo "1..5"
	case_ "script status is passed through ($KVER)" 7 -- 'nsbox info >/dev/null || exit 1; exit 7'
	case_ "a clean script passes ($KVER)" 0 -- 'true'
	case_ "a kernel WARNING fails the run ($KVER)" 125 -- 'insmod "$NSBOX_TESTMODS/nsbox_warn_test.ko"; exit 0'
	case_ "a kernel panic fails the run, fast ($KVER)" 123 -- 'echo 1 > /proc/sys/kernel/sysrq; echo c > /proc/sysrq-trigger; sleep 600'
	case_ "a hung guest is killed at the timeout ($KVER)" 124 --timeout 25 -- 'sleep 600'
fi
[ "$fails" = 0 ]
