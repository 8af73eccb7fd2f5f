#!/bin/sh
# loadavg.sh - lab: the load average, the kernel's and nsbox's per group
# (docs/labs/loadavg.md).  LAB_MODE=show for a student; check: its checker.
# No waiting for minutes: the kernel and nsbox.ko each take a sample every
# 5 s, and the checks are on what one or two samples must do.
. "$(dirname "$0")/lab.sh"

CG=/sys/fs/cgroup/lab-load
IDLE=/sys/fs/cgroup/lab-idle
pids=

cleanup() {
	[ -n "$pids" ] && kill $pids 2>/dev/null
	for c in $CG $IDLE; do
		[ -d $c ] || continue
		for p in $(cat $c/cgroup.procs); do kill "$p" 2>/dev/null; done
	done
	for c in $CG $IDLE; do
		[ -d $c ] && until_seen sh -c '! grep -q . "$1/cgroup.procs"' _ $c && rmdir $c
	done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# hundredths: 0.31 -> 31 (what /proc/loadavg and nsbox print, x100)
x100() { awk -v v="$1" 'BEGIN { if (v == "") exit 1; printf "%d\n", v * 100 + 0.5 }'; }
load1() { x100 "$(cut -d' ' -f1 /proc/loadavg)"; }
# the least "running" of 10 reads of /proc/loadavg by the shell itself
# over half a second (read is a builtin: no other process of the lab runs
# at a read; other tasks of the VM come and go, the loops stay)
min_running() {
	m=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		read -r a b c rt rest < /proc/loadavg
		r=${rt%/*}
		[ -z "$m" ] || [ "$r" -lt "$m" ] && m=$r
		sleep 0.05
	done
	echo "$m"
}
# the load1 nsbox.ko keeps for /lab-load and /lab-idle, x100, from one
# reply: "LOAD IDLE" (raw text and awk: jq takes seconds to start in a
# busy VM under TCG)
gloads() {
	nsbox groups -r -n --no-adopt -o path,load1 --kind cgroup2 |
		awk '$1 == "/lab-load" { l = $2 } $1 == "/lab-idle" { i = $2 }
			END { if (l == "" || i == "") exit 1; printf "%d %d\n", l * 100 + 0.5, i * 100 + 0.5 }'
}

say "1. /proc/loadavg: load averages over 1, 5 and 15 minutes, runnable/all tasks now, the last pid handed out."
run cat /proc/loadavg
l0=$(load1)
r0=$(min_running)

say "2. Two busy loops in a cgroup of their own (at nice 19: the lab's commands go first, the load is the same);"
say "   and a cgroup whose one task sleeps, for comparison."
run mkdir -p $CG $IDLE
sh -c "echo \$\$ > $IDLE/cgroup.procs; exec sleep 1000" &
pids=$!
for i in 1 2; do
	sh -c "echo \$\$ > $CG/cgroup.procs; while :; do :; done" &
	loops="${loops:-} $!"
done
pids="$pids $loops"
run renice -n 19 -p $loops
# only the two loops in the cgroup (not the shells before they moved in)
only_loops() {
	[ "$(sort -n $CG/cgroup.procs | paste -sd' ')" = "$(printf '%s\n' $loops | sort -n | paste -sd' ')" ] &&
		grep -q . $IDLE/cgroup.procs
}
until_seen only_loops
run cat $CG/cgroup.procs $IDLE/cgroup.procs
run cat /proc/loadavg
r1=$(min_running)
observe "the running field counts the two loops and the reader: the least of 10 reads is $r1 >= 3 (before the loops: $r0)" \
	test "$r1" -ge 3

say "3. nsbox.ko applies calc_load() to each group every 5 s.  Wait for its next sample of /lab-load."
run nsbox groups -o path,procs,load1,load5,load15 --kind cgroup2
# Two reads of /lab-load's load1 less than 4 s apart, the second different:
# one sample (they are 5 s apart at least) fell between them.
now_cs() { tr -d . < /proc/uptime | cut -d' ' -f1; }
v0=
one_step() {
	t=$(now_cs)
	vv=$(gloads) || return 1
	v=${vv% *}
	if [ -n "$v0" ] && [ "$v" != "$v0" ] && [ $(($(now_cs) - t0)) -lt 400 ]; then
		v1=$v
		vi1=${vv#* }
		return 0
	fi
	v0=$v
	vi0=${vv#* }
	t0=$t
	return 1
}
until_seen one_step
run nsbox groups -o path,procs,load1,load5,load15 --kind cgroup2
# one sample with 2 active tasks: load1 = v0 * e + 2 * (1 - e), e = EXP_1 / FIXED_1 = 1884/2048
pred=$(awk -v v="${v0:-0}" 'BEGIN { printf "%d\n", v * 1884 / 2048 + 200 * 164 / 2048 + 0.5 }')
say "   /lab-load: load1 ${v0:-?} -> ${v1:-?} hundredths; one sample of 2 tasks predicts $pred"
observe "/lab-load's load1 took one calc_load() step with 2 active tasks: $((${v0:-0})) -> ${v1:-?} (predicted $pred +- 2, in hundredths)" \
	sh -c '[ -n "$1" ] && d=$(( $1 - $2 )) && [ "${d#-}" -le 2 ] && [ "$1" -gt 0 ]' _ "${v1:-}" "$pred"
# its task sleeps: not active at that sample, so its load1 cannot rise
# (0.00, or falling if an earlier sample caught its shell starting up)
observe "/lab-idle's load1 did not rise at the same sample: its task sleeps (${vi0:-?} -> ${vi1:-?} hundredths)" \
	sh -c '[ -n "$1" ] && [ -n "$2" ] && [ "$2" -le "$1" ]' _ "${vi0:-}" "${vi1:-}"

say "4. The kernel's own load1 takes the same step with all the machine's active tasks, the two loops among them."
# As in 3, two reads less than 4 s apart, the second different: one sample
# fell between them.  The machine's active count is at least the two
# loops, so load1 must reach at least m0 * e + 2 * (1 - e), whatever
# earlier work left in it (a load above the active count falls: "rises"
# would not hold on a machine that was busy before the lab)
m0=
m_step() {
	t=$(now_cs)
	v=$(load1)
	if [ -n "$m0" ] && [ "$v" != "$m0" ] && [ $(($(now_cs) - mt0)) -lt 400 ]; then
		m1=$v
		return 0
	fi
	m0=$v
	mt0=$t
	return 1
}
until_seen m_step
run cat /proc/loadavg
mpred=$(awk -v v="${m0:-0}" 'BEGIN { printf "%d\n", v * 1884 / 2048 + 200 * 164 / 2048 }')
observe "/proc/loadavg's load1 took one step with at least the 2 loops active: ${m0:-?} -> ${m1:-?} hundredths (at least $mpred - 1; ${l0} before the loops)" \
	sh -c '[ -n "$1" ] && [ "$1" -ge $(($2 - 1)) ]' _ "${m1:-}" "$mpred"

say "5. A box reads /proc/loadavg: nsbox.ko's view of its own group, not the machine's."
run sh -c 'nsbox run --name lab-load-box -- cat /proc/loadavg | tee /tmp/lab-load-box'
run nsbox rm lab-load-box
box=$(cat /tmp/lab-load-box)
rm -f /tmp/lab-load-box
say "   in the box: $box; the machine: $(cat /proc/loadavg)"
# its load: 0.00, unless one of nsbox's samples fell in its short life
# (two tasks, one sample: 0.16 at most); its tasks and pids: 2 at most
observe "the box sees its own numbers: its load (0.16 at most), its 2 tasks (its init and cat), its own pids ($box)" \
	sh -c 'set -- $1; for l in $1 $2 $3; do [ "$(echo $l | tr -d .)" -le 16 ] || exit 1; done;
		[ "${4#*/}" -le 2 ] && [ "$5" -le 2 ]' _ "$box"

lab_end
