#!/bin/bash
# tests/host/bench_summary.sh - bench/summarise.awk on recorded BENCH lines
# (TAP): the ratios, per-entry costs, the refresh of top and the hooks'
# overhead come out as numbers computed from the right keys, never inf or
# nan (it once printed "infx": the awk read a field past the end of the
# dump line).
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
n=0 fails=0
check() {	# check NAME COMMAND...
	local name=$1
	shift
	if "$@"; then echo "ok $((++n)) - $name"; else echo "not ok $((++n)) - $name"; fails=$((fails + 1)); fi
}
has() {	# has TEXT: the summary has a line containing TEXT
	grep -qF -- "$1" <<< "$out"
}
# in an empty directory: an awk `printf ... > 0 ? ...` writes a file named 0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
echo "TAP version 13"
out=$(awk -f "${SUMMARISE:-$TOP/bench/summarise.awk}" <<'LOG'
BENCH env kernel=6.12.118+deb12-amd64 nsbox=0.1.0 lsns=2.38.1 lsns241=2.41.5 mem_mb=1972 rounds=4
BENCH start rounds=4 noop_mean=1000000 noop_min=1000000 noop_max=1000000 noop_cpu=1 noop_sys=1 noop_nsbox_libs_mean=4000000 noop_nsbox_libs_min=4000000 noop_nsbox_libs_max=4000000 noop_nsbox_libs_cpu=1 noop_nsbox_libs_sys=1 nsbox_version_mean=5000000 nsbox_version_min=4900000 nsbox_version_max=5100000 nsbox_version_cpu=4000000 nsbox_version_sys=1000000 lsns_version_mean=3500000 lsns_version_min=3400000 lsns_version_max=3600000 lsns_version_cpu=3000000 lsns_version_sys=1000000
BENCH fork round=1 fork_off=1000 fork_on=1010 exec_off=5000 exec_on=5100 forkcpu_off=900 forkcpu_on=950 execcpu_off=4000 execcpu_on=4040
BENCH fork round=2 fork_off=1000 fork_on=1030 exec_off=5000 exec_on=5100 forkcpu_off=900 forkcpu_on=950 execcpu_off=4000 execcpu_on=4040
BENCH idle pop=base module=off seconds=10 busy_ns=0 kthread_ns=10000000
BENCH idle pop=base module=on seconds=10 busy_ns=200000000 kthread_ns=20000000
BENCH idle pop=10k module=on seconds=10 busy_ns=500000000 kthread_ns=400000000
BENCH pop pop=10k ns=1000 threads=10 procs=1057 tasks=10057 groups=2010 mem_used_mb=400
BENCH set pop=10k rounds=4 groups_J_mean=100000000 groups_J_min=90000000 groups_J_max=110000000 groups_J_cpu=99000000 groups_J_sys=30000000 groups_J_noadopt_mean=50000000 groups_J_noadopt_min=50000000 groups_J_noadopt_max=50000000 groups_J_noadopt_cpu=1 groups_J_noadopt_sys=1 groups_3col_mean=8000000 groups_3col_min=8000000 groups_3col_max=8000000 groups_3col_cpu=1 groups_3col_sys=1 groups_3col_noadopt_mean=4000000 groups_3col_noadopt_min=4000000 groups_3col_noadopt_max=4000000 groups_3col_noadopt_cpu=1 groups_3col_noadopt_sys=1 export_mean=30000000 export_min=30000000 export_max=30000000 export_cpu=1 export_sys=1 adopt_failed=1 groups_J_fresh_mean=200000000 groups_J_fresh_min=200000000 groups_J_fresh_max=200000000 groups_J_fresh_cpu=1 groups_J_fresh_sys=1 lsns_J_mean=600000000 lsns_J_min=600000000 lsns_J_max=600000000 lsns_J_cpu=1 lsns_J_sys=1 lsns_3col_mean=480000000 lsns_3col_min=480000000 lsns_3col_max=480000000 lsns_3col_cpu=1 lsns_3col_sys=1 lsns241_J_mean=700000000 lsns241_J_min=700000000 lsns241_J_max=700000000 lsns241_J_cpu=1 lsns241_J_sys=1
BENCH dump pop=10k kind=all entries=2010 bytes=763784 recvmsg=24 intr=0 rounds=4 ns=50000000 ns_min=49000000 ns_max=51000000 per_entry=24875
BENCH dump pop=10k kind=time entries=1 bytes=388 recvmsg=2 intr=0 rounds=4 ns=20000000 ns_min=20000000 ns_max=20000000 per_entry=20000000
BENCH top pop=10k kinds=default delay_ns=50000000 refreshes=3 rounds=4 top1_mean=80000000 top1_min=1 top1_max=1 top1_cpu=30000000 top1_sys=1 top4_mean=260000000 top4_min=1 top4_max=1 top4_cpu=60000000 top4_sys=1
BENCH dump pop=10k kind=all form=packed_batch_age60000 entries=2010 bytes=400000 recvmsg=13 intr=0 rounds=4 ns=4020000 ns_min=4000000 ns_max=4040000 per_entry=2000
BENCH pop pop=30k ns=1000 threads=30 procs=1057 tasks=30057 groups=2010 mem_used_mb=1200
BENCH dump pop=30k kind=all entries=2010 bytes=763784 recvmsg=24 intr=0 rounds=4 ns=55000000 ns_min=55000000 ns_max=55000000 per_entry=27363
BENCH dump pop=30k kind=all form=packed_batch_age60000 entries=2010 bytes=400000 recvmsg=13 intr=0 rounds=4 ns=4221000 ns_min=4221000 ns_max=4221000 per_entry=2100
BENCH cgroupfs pop=10k cgroups=1000 groups=3010 rounds=4 cat_mean=1000000000 cat_min=1 cat_max=1 cat_cpu=1 cat_sys=1 export_cgroup2_mean=125000000 export_cgroup2_min=1 export_cgroup2_max=1 export_cgroup2_cpu=1 export_cgroup2_sys=1 export_mean=1 export_min=1 export_max=1 export_cpu=1 export_sys=1
LOG
)
echo "$out" | sed 's/^/# /'
check "groups -J vs lsns -J: 6.0x, 2.41: 7.0x" has 'groups -J 6.0x [7.0x], --no-adopt 12.0x [14.0x]'
check "three columns: 60.0x, --no-adopt 120.0x" has 'three columns 60.0x [n/a], --no-adopt 120.0x [n/a]'
check "export vs lsns -J 20.0x; one dump vs lsns -J 12.0x, not inf" has 'export vs lsns -J 20.0x [23.3x]; raw dump vs lsns -J 12.0x'
check "a variant (--fresh) gets its own ratio: 3.0x" has 'nsbox groups -J [fresh]: 3.0x [3.5x]'
check "a command that failed says so" grep -qE 'nsbox adopt .*failed \(1\)' <<< "$out"
check "commands in the order measured (groups -J first, lsns -J after the variant)" \
	bash -c 'a=$(grep -n "^  nsbox groups -J  " <<< "$1" | head -n 1 | cut -d: -f1); b=$(grep -n "^  nsbox groups -J \[fresh\]" <<< "$1" | head -n 1 | cut -d: -f1);
		c=$(grep -n "^  lsns -J  " <<< "$1" | head -n 1 | cut -d: -f1); [ -n "$a" ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ]' _ "$out"
check "dump per entry 24,875, +10.00% at 30k" has '24,875 (27,363, +10.00%)'
check "a form of dump (ABI 9): 2,000 per entry at 10k, +5.00% at 30k" grep -qE '^    the same, all packed_batch_age60000 +2,000 \(2,100, \+5\.00%\)' <<< "$out"
check "top: one refresh is (60 M - 30 M) / 3 of CPU time" grep -qE 'nsbox top, one refresh \(CPU time of the process\) +10\.0 M' <<< "$out"
check "cgroupfs vs export --kind cgroup2: 8.0x" has 'nsbox export --kind cgroup2 is 8.0x cheaper'
check "hook overhead: fork +20 (+2.00%), execve +100 (+2.00%)" \
	bash -c 'grep -qF "fork+exit    off 1,000 (1,000-1,000)  on 1,020 (1,010-1,030)  hooks add +20 (+2.00%); per round +10..+30" <<< "$1" &&
		grep -qF "fork+execve  off 5,000 (5,000-5,000)  on 5,100 (5,100-5,100)  hooks add +100 (+2.00%)" <<< "$1"' _ "$out"
check "hook overhead in CPU time: fork +50 (+5.56%), execve +40 (+1.00%)" \
	bash -c 'grep -A2 "^  CPU time of the loop" <<< "$1" | grep -qF "fork+exit    off 900 (900-900)  on 950 (950-950)  hooks add +50 (+5.56%)" &&
		grep -A2 "^  CPU time of the loop" <<< "$1" | grep -qF "fork+execve  off 4,000 (4,000-4,000)  on 4,040 (4,040-4,040)  hooks add +40 (+1.00%)"' _ "$out"
check "start-up split: exec 1.0 M + libraries 3.0 M + own 1.0 M" has "nsbox --version = exec and libc 1.0 M + nsbox's libraries 3.0 M + nsbox's own 1.0 M"
check "idle machine: kernel threads 40 M a second at 10k; 1 M and 2 M without the population, busy 0 is 0" \
	bash -c 'grep -qE "kernel threads per second +40\.00 M" <<< "$1" &&
		grep -qF "kernel threads 1.00 M per second with the module unloaded, 2.00 M loaded (busy 0.00 M, 20.00 M)" <<< "$1"' _ "$out"
check "no inf or nan anywhere" bash -c '! grep -qiE "inf|nan" <<< "$1"' _ "$out"
out=$(awk -f "${SUMMARISE:-$TOP/bench/summarise.awk}" <<< 'BENCH set pop=1k rounds=3 groups_J_mean=0 lsns_J_mean=5
BENCH dump pop=1k kind=all entries=0 bytes=0 recvmsg=1 ns=0')
echo "$out" | sed 's/^/# /'
check "a missing measurement says n/a" bash -c 'grep -qE "^  nsbox groups -J +n/a" <<< "$1" && grep -qF "groups -J n/a" <<< "$1"' _ "$out"
check "no inf or nan with missing values" bash -c '! grep -qiE "inf|nan" <<< "$1"' _ "$out"
check "the awk wrote no file (a comparison in printf's arguments is a redirection)" bash -c '[ -z "$(ls -A)" ]'
echo "1..$n"
[ "$fails" = 0 ]
