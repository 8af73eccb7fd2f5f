#!/bin/sh
# bench/mem.sh - runs inside the lab VM booted with -icount shift=0,
# sleep=off and 2 GiB (scripts/vm.sh --icount --mem 2048 --run
# build/bench/mem.sh): what one `nsbox mem` of a box costs, in guest
# instructions, when the box maps and has touched 100 MiB and 1 GiB,
# next to reading its processes' smaps_rollup alone (what RSS, PSS and USS
# need; `unique` reads pagemap and kpagecount on top); then the numbers
# docs/memory.md shows for two boxes of one lower layer.  Prints "MEM ..."
# lines.  A benchmark, not a test.
B=/opt/nsbox/bench
H=/opt/nsbox/tests/box_helper
R=/tmp/bench-mem-rootfs
N=${BENCH_MEM_RUNS:-5}
grep -q '^nsbox ' /proc/modules || insmod /lib/modules/nsbox/nsbox.ko
nsbox rootfs create --add "$H" "$R" >/dev/null 2>&1 || exit 1
box_pid() { nsbox ls -J | jq -r --arg n "$1" '.boxes[] | select(.name == $n) | .pid'; }
child_of() {
	for d in /proc/[0-9]*; do
		[ "$(sed 's/.*) //' "$d/stat" 2>/dev/null | cut -d' ' -f2)" = "$1" ] &&
			{ echo "${d#/proc/}"; return 0; }
	done
}
wait_log() { while ! nsbox logs "$1" 2>/dev/null | grep -q "^$2"; do sleep 0.1; done; }

for mb in 100 1024; do
	nsbox run -d --rootfs "$R" --name "m$mb" -- "$H" mem-anon "$mb" >/dev/null
	wait_log "m$mb" ready
	p1=$(box_pid "m$mb")
	c=$(child_of "$p1")
	kill -USR1 "$c"
	wait_log "m$mb" touched
	mem=$("$B/timeit" "$N" nsbox mem "m$mb")
	rollup=$("$B/timeit" "$N" cat "/proc/$p1/smaps_rollup" "/proc/$c/smaps_rollup")
	set -- $(nsbox mem -J "m$mb" | jq -r '.groups[0] | "\(.vss_bytes) \(.rss_bytes) \(.pss_bytes) \(.unique_bytes)"')
	echo "MEM what=cost box_mib=$mb nsbox_mem_insns=$mem smaps_rollup_insns=$rollup vss=$1 rss=$2 pss=$3 unique=$4"
	nsbox rm -f "m$mb"
done

# two boxes of one lower layer (--overlay on the same rootfs): busybox's
# pages are the lower layer's, mapped by both
for b in s1 s2; do
	nsbox run -d --overlay --rootfs "$R" --name "$b" -- sh -c 'echo up; exec sleep 1000' >/dev/null
	wait_log "$b" up
done
nsbox mem -b -o group,box,procs,rss_bytes,pss_bytes,uss_bytes,unique_bytes s1 s2 | sed 's/^/MEM table: /'
for b in s1 s2; do
	cg=$(sed -n 's/^cgroup=//p' "/run/nsbox/$b/state")
	echo "MEM what=cgroup box=$b memory_current=$(cat "$cg/memory.current")" \
		"$(awk '$1 == "anon" || $1 == "file" || $1 == "shmem" || $1 == "kernel" { printf "%s=%s ", $1, $2 }' "$cg/memory.stat")"
done
nsbox rm -f s1 s2
rm -rf "$R"
