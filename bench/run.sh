#!/bin/bash
# bench/run.sh [KVER] - nsbox's benchmarks, printed (not a test).
#
# 1. Hook overhead: fork+exit+wait and fork+execve+wait with nsbox.ko
#    unloaded vs loaded, A/B rounds interleaved in one VM booted with
#    -smp 1 -icount shift=0 (guest time = guest instructions: exact and
#    repeatable), then the same under normal TCG for wall time.
# 2. nsbox groups vs lsns over NS namespaces x THREADS tasks (default
#    1,000 x 10), with entries, bytes and recvmsg calls of one dump; one
#    Prometheus scrape (nsbox export) and the same from cgroupfs files.
# 3. One call of vfs_write() with no probe, a kprobe, a kprobe with
#    --sum-arg and a kretprobe on it (bench/probe_guest.sh).
# Environment: BENCH_N, BENCH_ROUNDS, BENCH_NS, BENCH_THREADS, BENCH_WRITES.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
KVER=${1:-$(default_kver)}
make -s -C "$TOP" tool tests >/dev/null
make -s -C "$TOP/bench"
export NSBOX_VM_APPEND="BENCH_N=${BENCH_N:-300} BENCH_ROUNDS=${BENCH_ROUNDS:-3} BENCH_NS=${BENCH_NS:-1000} BENCH_THREADS=${BENCH_THREADS:-10}"

# The summary lines (ratios, overheads) from the guest's BENCH lines.
summarise() {
	awk -f "$TOP/bench/summarise.awk"
}

echo "== $KVER, -icount shift=0 (numbers are guest instructions per iteration)"
"$TOP/scripts/vm.sh" --kernel "$KVER" --icount --mem 2048 --timeout 1800 \
	--run "$TOP/build/bench/guest.sh" 2>&1 | tee "$TOP/build/bench/icount.log" | grep '^BENCH' | summarise
echo "== $KVER, TCG -smp 2 (numbers are wall-clock ns per iteration)"
NSBOX_VM_APPEND="$NSBOX_VM_APPEND" "$TOP/scripts/vm.sh" --kernel "$KVER" --mem 2048 --timeout 1800 \
	--run "$TOP/build/bench/guest.sh" 2>&1 | tee "$TOP/build/bench/tcg.log" | grep '^BENCH' | summarise
echo "== $KVER, -icount shift=0: one probed vfs_write() (guest instructions per call)"
NSBOX_VM_APPEND="BENCH_ROUNDS=${BENCH_ROUNDS:-3} BENCH_WRITES=${BENCH_WRITES:-20000}" \
	"$TOP/scripts/vm.sh" --kernel "$KVER" --icount --timeout 1800 \
	--run "$TOP/build/bench/probe_guest.sh" 2>&1 | tee "$TOP/build/bench/probe.log" | grep '^BENCH' | summarise
