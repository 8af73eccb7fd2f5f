#!/bin/sh
# bench/views.sh - runs inside the lab VM booted with -icount shift=0,
# sleep=off (scripts/vm.sh --icount; bench/run.sh BENCH_VIEWS=1): the cost
# of one read of each view (docs/views.md), in guest instructions, next to
# the machine's file it stands in for and to what LXCFS reads to compute a
# load average (/proc/PID/task/TID/status of every thread, every 5 s).
# The box has no --cpus: a throttled reader's waits would count as
# instructions (sleep=off), and its view reads cpu.max all the same.
# Prints one "VIEWS file=... where=... insns=..." line per measurement.
B=/opt/nsbox/bench
N=${BENCH_VIEW_READS:-200}
R=/tmp/bench-views-rootfs
grep -q '^nsbox ' /proc/modules || insmod /lib/modules/nsbox/nsbox.ko
nsbox rootfs create --add "$B/readcost" "$R" >/dev/null 2>&1 || exit 1
FILES="/proc/meminfo /proc/loadavg /sys/devices/system/cpu/online /proc/cpuinfo /proc/stat /proc/self/status"
report() {	# report WHERE: "FILE NS" lines to VIEWS lines
	while read -r f ns; do echo "VIEWS file=$f where=$1 insns=$ns"; done
}
"$B/readcost" "$N" $FILES /proc/nsbox/meminfo /proc/nsbox/loadavg /proc/nsbox/cpu_online /proc/nsbox/cpuinfo /proc/nsbox/stat | report machine
nsbox run --rm --rootfs "$R" --memory 256M -- "$B/readcost" "$N" $FILES | report box
nsbox run --rm --rootfs "$R" --memory 256M --no-views -- "$B/readcost" "$N" $FILES | report box-no-views
rm -rf "$R"
