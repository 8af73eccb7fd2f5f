#!/bin/sh
# bench/guest.sh - runs inside the lab VM, booted by bench/run.sh with
# -smp 1 -icount shift=0,sleep=off: one guest ns is one guest instruction,
# so every number below is an instruction count.  Prints one BENCH line
# of key=value pairs per measurement (bench/summarise.awk reads them).
#
#  1. start-up: nsbox --version vs lsns --version, and a program that does
#     nothing linked against libc alone or against nsbox's libraries
#  .  the idle machine's busy time, module unloaded and loaded
#  2. fork+exit and fork+execve with nsbox.ko unloaded vs loaded, the two
#     states alternated (off on, on off, ...), FORK_ROUNDS rounds
#  3. for each population of POPS (NS processes, each in its own UTS and
#     IPC namespaces, with THREADS tasks each), the module reloaded first
#     so that its table holds this population's groups only:
#     - one set of commands timed against each other (bench/abrun.c:
#       one warm-up run of each, then ROUNDS rounds in alternated order):
#       nsbox groups -J with and without ADOPT, with one column (what
#       fetching costs without formatting), lsns's three columns,
#       nsbox export, nsbox adopt alone, lsns (2.38, the VM's `lsns`) and
#       trixie's lsns 2.41 when vm.sh put it in the VM; with the variants
#       `nsbox groups --help` offers (--fresh, --max-age) or BENCH_VARIANTS
#     - the idle machine's busy time (the module's walk every 5 s)
#     - raw GET_GROUP dumps (bench/dump_stats.c): all kinds, and the time
#       namespaces only (one group: the walk of the tasks with almost no
#       lookups and no output); with a module of ABI 9, its other forms
#       (packed and batched, cached, without live values)
#     - nsbox top: one refresh, from `top -n 1` and `top -n 4`
#     - at CGPOP: CG cgroups, `cat` of their cgroupfs files vs nsbox export
#
# Knobs (kernel command line, from bench/run.sh): BENCH_ROUNDS,
# BENCH_POPS (LABEL:THREADS,...), BENCH_NS, BENCH_CGROUPS, BENCH_CGPOP,
# BENCH_FORKS, BENCH_EXECS, BENCH_FORK_ROUNDS, BENCH_IDLE, BENCH_VARIANTS (extra
# `nsbox groups` options to time, comma-separated, '+' for a space:
# BENCH_VARIANTS=--max-age+0,--fresh).
B=/opt/nsbox/bench
R=${BENCH_ROUNDS:-4}
POPS=${BENCH_POPS:-1k:1,10k:10,30k:30}
NS=${BENCH_NS:-1000}
CG=${BENCH_CGROUPS:-1000}
CGPOP=${BENCH_CGPOP:-10k}
FORKS=${BENCH_FORKS:-2000}
EXECS=${BENCH_EXECS:-300}
FROUNDS=${BENCH_FORK_ROUNDS:-8}
VARIANTS=${BENCH_VARIANTS:-}
THREE=kind,id,procs

# Address-space randomisation off: with it, fork+exec varied by +-2% from
# round to round (page tables of a differently laid out process), without
# it by +-0.1% (docs/performance.md).  Both sides of every pair alike.
echo 0 > /proc/sys/kernel/randomize_va_space
# 30,000 tasks: more than the default pid_max (32,768 with one CPU, less
# what the VM runs) and threads-max (from memory) allow.
echo 4194304 > /proc/sys/kernel/pid_max
echo 1000000 > /proc/sys/kernel/threads-max

# trixie's lsns 2.41 (it also lists namespaces kept by a mount or an open
# file, as nsbox's ADOPT does), run by its own loader as vm.sh's
# lsns-persistent wrapper does, without the wrapper's shell.
L241=
[ -x /opt/trixie/lsns ] &&
	L241="/opt/trixie/ld-linux-x86-64.so.2 --library-path /opt/trixie/lib /opt/trixie/lsns"

groups() { nsbox info -J | jq .groups; }
# The background cost of what runs when nothing is asked, such as the
# module's load-average walk of every task every 5 s: busy_ns, the time
# the CPU was not idle while this shell slept (/proc/stat, in USER_HZ
# ticks of 10 ms)
# and kthread_ns, to the ns, the run time of the kernel threads that do
# such work (kworker, ksoftirqd, rcu*: their /proc/PID/schedstat)
busy() { awk '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) * 10000000 }' /proc/stat; }
kthreads() {
	for c in $(grep -l -e '^kworker' -e '^ksoftirqd' -e '^rcu' /proc/[0-9]*/comm 2>/dev/null); do
		cat "${c%comm}schedstat" 2>/dev/null
	done | awk '{ s += $1 } END { printf "%.0f\n", s }'	# busybox awk: %d wraps at 2^31
}
idle() {	# idle SECONDS: the key=value pairs
	k0=$(kthreads)
	b0=$(busy)
	sleep "$1"
	b1=$(busy)
	k1=$(kthreads)
	echo "seconds=$1 busy_ns=$((b1 - b0)) kthread_ns=$((k1 - k0))"
}
module() {	# module on|off
	if [ "$1" = off ]; then
		[ ! -d /sys/module/nsbox ] || rmmod nsbox
	else
		[ -d /sys/module/nsbox ] || insmod "$NSBOX_KO"
	fi
}

echo "BENCH env kernel=$(uname -r) nsbox=$(nsbox --version | awk '{ print $2 }')" \
	"lsns=$(lsns --version | awk '{ print $NF }')" \
	"lsns241=$([ -n "$L241" ] && $L241 --version | awk '{ print $NF }' || echo none)" \
	"mem_mb=$(awk '/^MemTotal/ { print int($2 / 1024) }' /proc/meminfo) rounds=$R"

# ---- what this tool offers: the variants of `nsbox groups` to time -------
# "LABEL OPTIONS" per line; a later tool that serves a cache gets its
# fresh and cached variants timed too.
help=$(nsbox groups --help 2>&1)
VLIST=
if echo "$help" | grep -q -e '--fresh'; then
	VLIST="fresh --fresh"
fi
if echo "$help" | grep -q -e '--max-age'; then
	unit=$(echo "$help" | sed -n 's/.*--max-age[ =]\([A-Za-z_]*\).*/\1/p' | head -n 1)
	case "$unit" in
	*MS*|*ms*) big=60000 ;;
	*) big=60 ;;
	esac
	VLIST="$VLIST
maxage0 --max-age 0
maxage$big --max-age $big"
fi
for v in $(echo "$VARIANTS" | tr ',' ' '); do
	opts=$(echo "$v" | tr '+' ' ')
	VLIST="$VLIST
$(echo "$opts" | tr -c 'A-Za-z0-9\n' '_' | sed 's/^_*//') $opts"
done
netns=$(readlink /proc/self/ns/net | tr -dc 0-9)
echo "BENCH features fresh=$(echo "$help" | grep -c -e '--fresh') max_age=$(echo "$help" | grep -c -e '--max-age')" \
	"json_fields=$(nsbox groups -J --no-adopt "net:$netns" | jq '.groups[0] | length')" \
	"variants=$(echo "$VLIST" | awk 'NF { printf "%s%s", n++ ? "," : "", $1 }')"

# ---- 1. start-up -------------------------------------------------------------
echo "# start-up"
# noop: a program that does nothing, against libc alone and against the
# libraries nsbox loads: exec, the libraries, and nsbox's own part.
echo "BENCH start $($B/abrun -r "$R" @noop $B/noop -- @noop_nsbox_libs $B/noop_nsbox_libs -- \
	@nsbox_version nsbox --version -- \
	@lsns_version lsns --version ${L241:+-- @lsns241_version $L241 --version})"

# ---- the idle machine, module unloaded and loaded ----------------------------
IDLE=${BENCH_IDLE:-30}
module off
echo "BENCH idle pop=base module=off $(idle "$IDLE")"
module on
echo "BENCH idle pop=base module=on $(idle "$IDLE")"

# ---- 2. fork and execve, module unloaded vs loaded -----------------------
echo "# fork+exit x $FORKS and fork+execve x $EXECS, module off/on alternated, $FROUNDS rounds"
r=1
while [ $r -le "$FROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then order="off on"; else order="on off"; fi
	for s in $order; do
		module "$s"
		# shellcheck disable=SC2046
		set -- $($B/fork_bench fork "$FORKS") $($B/fork_bench exec "$EXECS")
		if [ "$s" = off ]; then
			f_off=$1 fc_off=$2 e_off=$3 ec_off=$4
		else
			f_on=$1 fc_on=$2 e_on=$3 ec_on=$4
		fi
	done
	echo "BENCH fork round=$r fork_off=$f_off fork_on=$f_on exec_off=$e_off exec_on=$e_on" \
		"forkcpu_off=$fc_off forkcpu_on=$fc_on execcpu_off=$ec_off execcpu_on=$ec_on"
	r=$((r + 1))
done
module on

# ---- 3. the populations --------------------------------------------------------
for spec in $(echo "$POPS" | tr ',' ' '); do
	p=${spec%%:*}
	t=${spec#*:}
	module off
	module on
	echo "# population $p: $NS processes x $t tasks"
	rm -f /tmp/hold /tmp/ready
	mkfifo /tmp/hold
	$B/spawn_bench "$NS" "$t" < /tmp/hold > /tmp/ready &
	sp=$!
	exec 3> /tmp/hold
	while ! grep -q -e ready -e failed /tmp/ready 2>/dev/null; do sleep 1; done
	if grep -q failed /tmp/ready; then
		echo "BENCH pop pop=$p failed=1 $(tr ' ' '_' < /tmp/ready)"
		exec 3>&-
		wait $sp
		continue
	fi
	echo "BENCH pop pop=$p ns=$NS threads=$t procs=$(ls -d /proc/[0-9]* | wc -l)" \
		"tasks=$(ls -d /proc/[0-9]*/task/[0-9]* | wc -l) groups=$(groups)" \
		"mem_used_mb=$(free -m | awk '/^Mem:/ { print $3 }')"

	set -- @groups_J nsbox groups -J -- \
		@groups_J_noadopt nsbox groups -J --no-adopt -- \
		@groups_J1_noadopt nsbox groups -J -o kind --no-adopt -- \
		@groups_3col nsbox groups -n -o $THREE -- \
		@groups_3col_noadopt nsbox groups -n -o $THREE --no-adopt -- \
		@export nsbox export -- \
		@adopt nsbox adopt
	if nsbox export --help 2>&1 | grep -q -e '--fresh'; then
		set -- "$@" -- @export_fresh nsbox export --fresh
	fi
	while read -r lab opts; do
		[ -n "$lab" ] || continue
		# shellcheck disable=SC2086
		set -- "$@" -- @groups_J_$lab nsbox groups -J $opts -- \
			@groups_3col_noadopt_$lab nsbox groups -n -o $THREE --no-adopt $opts
	done <<EOF
$VLIST
EOF
	set -- "$@" -- @lsns_J lsns -J -- @lsns_3col lsns -n -o TYPE,NS,NPROCS
	[ -z "$L241" ] ||
		set -- "$@" -- @lsns241_J $L241 -J -- @lsns241_3col $L241 -n -o TYPE,NS,NPROCS
	echo "BENCH set pop=$p $($B/abrun -r "$R" -w 1 "$@")"

	echo "BENCH idle pop=$p module=on $(idle "$IDLE")"
	echo "BENCH dump pop=$p kind=all $($B/dump_stats "$R")"
	echo "BENCH dump pop=$p kind=time $($B/dump_stats "$R" 7)"
	# the forms of answer of a module of netlink ABI 9 or later (before,
	# dump_stats refuses -f and -a): packed values in batched messages,
	# walked for this dump (age 0) or from a walk up to a minute old,
	# and without live values (no walk at all)
	for v in packed,batch:0 packed,batch:60000 packed,batch,no_live:0; do
		out=$($B/dump_stats -f "${v%:*}" -a "${v#*:}" "$R" 2>/dev/null) || continue
		echo "BENCH dump pop=$p kind=all form=$(echo "${v%:*}" | tr , _)_age${v#*:} $out"
	done
	# ABI 10: lsns's three columns only (what `nsbox groups -n -o
	# kind,id,procs` asks for)
	out=$($B/dump_stats -f packed,batch -F kind,id,procs -a 0 "$R" 2>/dev/null) &&
		echo "BENCH dump pop=$p kind=all form=packed_batch_fields_kind_id_procs $out"

	# One refresh of nsbox top: (top -n 4) - (top -n 1) is 3 x (wait,
	# sample, render); under -icount sleep=off the wait is exactly the
	# delay of guest time, spent idle (the summary takes it off).
	all=mnt,pid,net,uts,ipc,user,cgroup,time,cgroup2
	for k in default all; do
		ka=
		[ $k = default ] || ka="-k $all"
		# shellcheck disable=SC2086
		echo "BENCH top pop=$p kinds=$k delay_ns=50000000 refreshes=3" \
			"$($B/abrun -r "$R" @top1 nsbox top -b -n 1 -d 0.05 $ka -- \
				@top4 nsbox top -b -n 4 -d 0.05 $ka)"
	done

	if [ "$p" = "$CGPOP" ]; then
		# The same numbers from cgroupfs, as a reader of files (cAdvisor)
		# gets them: CG cgroups with cpu, memory and pids, each with a task
		# that passed through it (so the module knows it): cat their
		# cpu.stat, memory.current, memory.events and pids.current.
		echo "# $CG cgroups"
		echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
		i=0
		while [ $i -lt "$CG" ]; do
			mkdir /sys/fs/cgroup/b$i
			echo $$ > /sys/fs/cgroup/b$i/cgroup.procs
			i=$((i + 1))
		done
		echo $$ > /sys/fs/cgroup/cgroup.procs
		echo "BENCH cgroupfs pop=$p cgroups=$CG groups=$(groups) $($B/abrun -r "$R" \
			@cat sh -c 'cat /sys/fs/cgroup/b*/cpu.stat /sys/fs/cgroup/b*/memory.current /sys/fs/cgroup/b*/memory.events /sys/fs/cgroup/b*/pids.current' -- \
			@export_cgroup2 nsbox export --kind cgroup2 -- @export nsbox export)"
		i=0
		while [ $i -lt "$CG" ]; do
			rmdir /sys/fs/cgroup/b$i
			i=$((i + 1))
		done
	fi
	exec 3>&-
	wait $sp
done
