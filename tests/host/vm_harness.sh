#!/bin/bash
# vm_harness.sh KVER - the lab VM harness tests itself (TAP): a run exits
# with the guest script's status; a kernel WARNING, a panic or a hang fail
# the run with their own status (125, 123, 124) instead of passing or
# hanging.  Each case is one boot of scripts/vm.sh.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${1:?usage: vm_harness.sh KVER}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
fails=0

case_() {	# case_ NAME WANT_STATUS [vm.sh options] -- SCRIPT_BODY
	local name=$1 want=$2 rc
	shift 2
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	printf '#!/bin/sh\n%s\n' "$1" > "$TMP/case.sh"
	"$TOP/scripts/vm.sh" --kernel "$KVER" "${opts[@]}" --run "$TMP/case.sh" > "$TMP/out" 2>&1
	rc=$?
	n=$((n + 1))
	if [ "$rc" = "$want" ]; then
		echo "ok $n - $name ($KVER): vm.sh exit $rc"
	else
		fails=$((fails + 1))
		echo "not ok $n - $name ($KVER): vm.sh exit $rc, wanted $want"
		tail -n 30 "$TMP/out" | sed 's/^/# /'
	fi
}

echo "TAP version 13"
echo "1..5"
case_ "script status is passed through" 7 -- 'nsbox info >/dev/null || exit 1; exit 7'
case_ "a clean script passes" 0 -- 'true'
case_ "a kernel WARNING fails the run" 125 -- 'insmod "$NSBOX_TESTMODS/nsbox_warn_test.ko"; exit 0'
case_ "a kernel panic fails the run, fast" 123 -- 'echo 1 > /proc/sys/kernel/sysrq; echo c > /proc/sysrq-trigger; sleep 600'
case_ "a hung guest is killed at the timeout" 124 --timeout 25 -- 'sleep 600'
[ "$fails" = 0 ]
