#!/bin/bash
# tests/host/bench_summary.sh - bench/summarise.awk on recorded BENCH lines
# (TAP): the ratios are numbers, the dump's too (it printed "infx": the
# awk read a field past the end of the dump line).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
n=0 fails=0
check() {	# check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then echo "ok $((++n)) - $name"; else echo "not ok $((++n)) - $name"; fails=$((fails + 1)); fi
}
echo "TAP version 13"
out=$(awk -f "${SUMMARISE:-$TOP/bench/summarise.awk}" <<'LOG'
BENCH round=1 fork_off=1000 fork_on=1010 exec_off=5000 exec_on=5100
BENCH round=2 fork_off=1000 fork_on=1030 exec_off=5000 exec_on=5100
BENCH list nsbox_groups_ns=100000000 lsns_ns=600000000
BENCH text nsbox_groups_ns=120000000 lsns_ns=480000000
BENCH dump entries=2010 bytes=763784 recvmsg=24 ns=50000000
LOG
)
echo "$out" | sed 's/^/# /'
check "groups -J vs lsns -J: 6.0x" grep -q 'nsbox groups -J is 6.0x faster than lsns -J' <<< "$out"
check "text tables: 4.0x" grep -q 'nsbox groups is 4.0x faster than lsns (text tables)' <<< "$out"
check "one dump vs lsns -J: 12.0x, not inf" grep -q 'one GET_GROUP dump (kernel side + netlink) is 12.0x faster' <<< "$out"
check "hook overhead: fork +2.00%, execve +2.00%" \
	bash -c 'grep -qF "fork+exit:   off 1000  on 1020  (+2.00%)" <<< "$1" && grep -qF "fork+execve: off 5000  on 5100  (+2.00%)" <<< "$1"' _ "$out"
check "no inf or nan anywhere" bash -c '! grep -qiE "inf|nan" <<< "$1"' _ "$out"
out=$(awk -f "${SUMMARISE:-$TOP/bench/summarise.awk}" <<< 'BENCH dump entries=0 bytes=0 recvmsg=1 ns=0')
check "a missing measurement says n/a ($out)" grep -q 'is n/a faster' <<< "$out"
echo "1..$n"
[ "$fails" = 0 ]
