#!/bin/bash
# bench/run.sh [--quick] [KVER] - nsbox's benchmarks, printed (not a test).
#
# One boot of the lab VM with -smp 1 -icount shift=0,sleep=off (one guest
# ns = one guest instruction: the numbers are instruction counts, the same
# on a loaded machine as on an idle one) runs bench/guest.sh:
#   - start-up: nsbox --version vs lsns --version
#   - fork+exit and fork+execve with nsbox.ko unloaded vs loaded
#   - at 1k, 10k and 30k tasks over the same ~2,000 groups: nsbox groups
#     (with and without ADOPT, every field and lsns's three columns),
#     nsbox export and nsbox adopt against lsns (2.38, and trixie's 2.41
#     if its build root is there), each set timed in the same boot in
#     alternated order; raw GET_GROUP dumps; one refresh of nsbox top;
#     at 10k, 1,000 cgroups read from cgroupfs vs nsbox export
# then a second boot for one probed vfs_write() (bench/probe_guest.sh).
# Prints the summary (bench/summarise.awk), also kept in
# build/bench/KVER.summary; the BENCH lines and the console are kept in
# build/bench/KVER.log (the probe boot's in KVER.probe.log).
#
# --quick: a smoke run (1k tasks only, 3 rounds, short fork loops).
# Environment: BENCH_ROUNDS (4), BENCH_POPS (1k:1,10k:10,30k:30),
# BENCH_NS (1000), BENCH_CGROUPS (1000), BENCH_CGPOP (10k), BENCH_FORKS
# (2000), BENCH_EXECS (300), BENCH_FORK_ROUNDS (8), BENCH_IDLE (30 s of
# idle machine per population), BENCH_VARIANTS (extra
# `nsbox groups` options to time: comma-separated, '+' for a space),
# BENCH_MEM (2048 MB: 30,000 tasks take about 1.2 GB), BENCH_PROBE (1;
# 0 skips the probe boot), BENCH_WALL (0; 1 adds a TCG boot with 2 vCPUs
# for wall-clock times, which vary with the machine's load).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
if [ "${1:-}" = --quick ]; then
	shift
	: "${BENCH_POPS:=1k:1}" "${BENCH_ROUNDS:=3}" "${BENCH_FORKS:=200}" "${BENCH_EXECS:=50}"
	: "${BENCH_FORK_ROUNDS:=2}" "${BENCH_CGROUPS:=100}" "${BENCH_CGPOP:=1k}" "${BENCH_PROBE:=0}"
	: "${BENCH_IDLE:=5}"
fi
KVER=${1:-$(default_kver)}
make -s -C "$TOP" tool tests >/dev/null
make -s -C "$TOP/bench" >/dev/null
LOG=$TOP/build/bench/$KVER.log
APPEND=
for v in ROUNDS POPS NS CGROUPS CGPOP FORKS EXECS FORK_ROUNDS IDLE VARIANTS; do
	eval "x=\${BENCH_$v:-}"
	[ -z "$x" ] || APPEND+=" BENCH_$v=$x"
done

summarise() {
	awk -f "$TOP/bench/summarise.awk"
}

start=$(date +%s)
echo "== $KVER, -icount shift=0 (numbers are guest instructions); machine load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
NSBOX_VM_APPEND="$APPEND" "$TOP/scripts/vm.sh" --kernel "$KVER" --icount --mem "${BENCH_MEM:-2048}" \
	--timeout 3600 --run "$TOP/build/bench/guest.sh" > "$LOG" 2>&1 ||
	{ rc=$?; tail -n 30 "$LOG"; echo "bench/run.sh: the VM run failed ($rc); the console is in $LOG" >&2; exit "$rc"; }
grep '^BENCH' "$LOG" | summarise | tee "$TOP/build/bench/$KVER.summary"
if [ "${BENCH_PROBE:-1}" = 1 ]; then
	echo "== $KVER, -icount shift=0: one probed vfs_write() (guest instructions per call)"
	NSBOX_VM_APPEND="BENCH_ROUNDS=${BENCH_ROUNDS:-3} BENCH_WRITES=${BENCH_WRITES:-20000}" \
		"$TOP/scripts/vm.sh" --kernel "$KVER" --icount --timeout 1800 \
		--run "$TOP/build/bench/probe_guest.sh" > "$TOP/build/bench/$KVER.probe.log" 2>&1
	grep '^BENCH' "$TOP/build/bench/$KVER.probe.log" | summarise | tee -a "$TOP/build/bench/$KVER.summary"
fi
if [ "${BENCH_WALL:-0}" = 1 ]; then
	echo "== $KVER, TCG -smp 2 (numbers are wall-clock ns, load-dependent)"
	NSBOX_VM_APPEND="$APPEND" "$TOP/scripts/vm.sh" --kernel "$KVER" --mem "${BENCH_MEM:-2048}" \
		--timeout 3600 --run "$TOP/build/bench/guest.sh" > "$TOP/build/bench/$KVER.wall.log" 2>&1
	grep '^BENCH' "$TOP/build/bench/$KVER.wall.log" | summarise
fi
echo "== $(( $(date +%s) - start )) s on this machine; load now $(cut -d' ' -f1-3 /proc/loadavg)"
