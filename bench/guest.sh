#!/bin/sh
# bench/guest.sh - runs inside the lab VM (see bench/run.sh).
# A/B rounds with the module unloaded (off) and loaded (on), interleaved,
# then nsbox groups vs lsns over a large population.
B=/opt/nsbox/bench
N=${BENCH_N:-300}
ROUNDS=${BENCH_ROUNDS:-3}
NS=${BENCH_NS:-1000}
THREADS=${BENCH_THREADS:-10}

r=1
while [ $r -le "$ROUNDS" ]; do
	rmmod nsbox
	off_f=$($B/fork_bench fork "$N"); off_e=$($B/fork_bench exec "$N")
	insmod "$NSBOX_KO"
	on_f=$($B/fork_bench fork "$N"); on_e=$($B/fork_bench exec "$N")
	echo "BENCH round=$r fork_off=$off_f fork_on=$on_f exec_off=$off_e exec_on=$on_e"
	r=$((r + 1))
done

mkfifo /tmp/hold
$B/spawn_bench "$NS" "$THREADS" < /tmp/hold > /tmp/ready &
exec 3> /tmp/hold
while ! grep -q ready /tmp/ready 2>/dev/null; do sleep 1; done
echo "BENCH population: $(ls -d /proc/[0-9]* | wc -l) processes, $(ls -d /proc/[0-9]*/task/* | wc -l) tasks, $(lsns -n -t uts | wc -l) uts namespaces"
echo "BENCH list nsbox_groups_ns=$($B/timeit 3 nsbox groups -J) lsns_ns=$($B/timeit 3 lsns -J)"
echo "BENCH text nsbox_groups_ns=$($B/timeit 3 nsbox groups) lsns_ns=$($B/timeit 3 lsns)"
echo "BENCH start nsbox_version_ns=$($B/timeit 3 nsbox --version) lsns_version_ns=$($B/timeit 3 lsns --version)"
echo "BENCH dump $($B/dump_stats)"
echo "BENCH table $(nsbox info -J | jq -c '{groups, group_bytes, memory_bytes}')"
# One Prometheus scrape (nsbox export: GET_INFO, one GET_GROUP dump, the
# text), both formats, next to lsns above.
nsbox export > /tmp/scrape.prom
echo "BENCH scrape export_ns=$($B/timeit 3 nsbox export) export_om_ns=$($B/timeit 3 nsbox export --format openmetrics) lines=$(wc -l < /tmp/scrape.prom) bytes=$(wc -c < /tmp/scrape.prom)"
# The same numbers from cgroupfs, as a reader of files (cAdvisor) gets
# them: CG cgroups with cpu, memory and pids, each with a task that
# passed through it (so the module knows it); cat their cpu.stat,
# memory.current, memory.events and pids.current, against
# `nsbox export --kind cgroup2`.
CG=${BENCH_CGROUPS:-1000}
echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
i=0
while [ $i -lt "$CG" ]; do
	mkdir /sys/fs/cgroup/b$i
	echo $$ > /sys/fs/cgroup/b$i/cgroup.procs
	i=$((i + 1))
done
echo $$ > /sys/fs/cgroup/cgroup.procs
echo "BENCH cgroupfs cgroups=$CG cat_ns=$($B/timeit 3 sh -c 'cat /sys/fs/cgroup/b*/cpu.stat /sys/fs/cgroup/b*/memory.current /sys/fs/cgroup/b*/memory.events /sys/fs/cgroup/b*/pids.current') export_cgroup2_ns=$($B/timeit 3 nsbox export --kind cgroup2) groups=$(nsbox info -J | jq .groups)"
exec 3>&-
wait
