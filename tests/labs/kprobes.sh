#!/bin/sh
# kprobes.sh - lab: kprobes and kretprobes, by hand through tracefs, then
# nsbox.ko's own (docs/labs/kprobes.md).  LAB_MODE=show for a student;
# check: its checker.  The probes it makes are removed at the end, even
# when a step fails (the trap).
. "$(dirname "$0")/lab.sh"

T=/sys/kernel/tracing
CG=/sys/fs/cgroup/lab-kprobes
N=20
FORKER=/tmp/lab-kprobes/forker

cleanup() {
	[ -d $T/events/lab ] && echo 0 > $T/events/lab/enable 2>/dev/null
	for e in forks openret; do
		grep -q "^[pr][0-9]*:lab/$e " $T/kprobe_events 2>/dev/null &&
			echo "-:lab/$e" >> $T/kprobe_events
	done
	nsbox probe rm labforks >/dev/null 2>&1
	[ -d $CG ] && rmdir $CG 2>/dev/null
	rm -rf /tmp/lab-kprobes
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say "1. tracefs: the kernel's tracing filesystem.  Is it mounted, and does this kernel have kprobe events?"
run sh -c "grep -E 'tracefs|debugfs' /proc/mounts"
run ls $T/kprobe_events $T/kprobe_profile

say "2. A program that forks $N times, under a name of its own: a script's comm is its file name."
mkdir -p /tmp/lab-kprobes
printf '#!/bin/sh\ni=0\nwhile [ $i -lt "$1" ]; do /bin/true; i=$((i + 1)); done\n' > $FORKER
chmod +x $FORKER
run cat $FORKER

say "3. A kprobe on wake_up_new_task(), where every new task is first put on a run queue, recording only calls made by 'forker'."
run sh -c "echo 'p:lab/forks wake_up_new_task' >> $T/kprobe_events"
run sh -c "echo 'comm == \"forker\"' > $T/events/lab/forks/filter"

say "4. A kretprobe on the open path, recording what it returns (an int: s32), only for 'cat'."
# do_sys_openat2 (5.6+) where it exists, else do_sys_open: both take every
# open() and openat() of the VM's busybox cat, and return the fd or -errno
OPEN=do_sys_openat2
grep -q ' do_sys_openat2$' /proc/kallsyms || OPEN=do_sys_open
run sh -c "echo 'r:lab/openret $OPEN ret=\$retval:s32' >> $T/kprobe_events"
run sh -c "echo 'comm == \"cat\"' > $T/events/lab/openret/filter"
run cat $T/kprobe_events

say "5. nsbox.ko's hooks are kprobes too: which are attached, and how often task_new (on the same function) ran so far."
run nsbox info
hits() { nsbox info -J | jq '.hooks[] | select(.name == "task_new") | .hits'; }
h0=$(hits)
observe "nsbox reports every one of its hooks attached" \
	sh -c 'nsbox info -J | jq -e "(.hooks | length) > 0 and all(.hooks[]; .attached)" >/dev/null'
run nsbox probe add --name labforks wake_up_new_task

say "6. Run it: enable the events, fork $N times in a cgroup of its own, open a file that is there and one that is not."
run mkdir -p $CG
run sh -c "echo > $T/trace"
p0=$(awk '$1 == "forks" { print $2 }' $T/kprobe_profile)
run sh -c "echo 1 > $T/events/lab/enable"
run grep wake_up_new_task /sys/kernel/debug/kprobes/list
nk=$(grep -c ' wake_up_new_task+.*\[FTRACE\]' /sys/kernel/debug/kprobes/list)
run sh -c "echo \$\$ > $CG/cgroup.procs; exec $FORKER $N"
run cat /proc/version /lab-no-such-file
run sh -c "echo 0 > $T/events/lab/enable"
p1=$(awk '$1 == "forks" { print $2 }' $T/kprobe_profile)

say "7. What the kprobe recorded, and what it counted."
run sh -c "grep -c ' forks: ' $T/trace"
run sh -c "grep ' forks: ' $T/trace | head -3"
run cat $T/kprobe_profile
nt=$(grep -c ' forks: ' $T/trace)
observe "the kernel's kprobe list has wake_up_new_task 3 times, on its ftrace call site: ours, nsbox's task_new hook and labforks ($nk)" \
	test "$nk" -ge 3
observe "the trace has exactly $N forks by 'forker' ($nt)" test "$nt" = "$N"
observe "kprobe_profile counted at least $N hits, the filter applies after the hit (${p0:-?} -> ${p1:-?})" \
	sh -c '[ -n "$1" ] && [ -n "$2" ] && [ $(( $2 - $1 )) -ge "$3" ]' _ "${p0:-}" "${p1:-}" "$N"

say "8. What the kretprobe saw return to cat: the fd of /proc/version, then -ENOENT."
run sh -c "grep ' openret: ' $T/trace"
rets=$(grep ' openret: ' $T/trace | sed -n 's/.* ret=//p' | paste -sd' ')
observe "cat's two opens returned 3 (the first free fd) and -2 (-ENOENT): $rets" test "$rets" = "3 -2"

say "9. The same $N forks through nsbox: its hook's hits, the cgroup's forks, and nsbox's own probe per cgroup."
h1=$(hits)
run nsbox groups -o path,procs,forks,execs,exits --kind cgroup2
forks=$(nsbox groups -J -o path,forks --kind cgroup2 | jq '.groups[] | select(.path == "/lab-kprobes") | .forks')
run nsbox probe show labforks --kind cgroup2
calls=$(nsbox probe show labforks -J --kind cgroup2 | jq '.probe.groups[] | select(.path == "/lab-kprobes") | .calls')
say "   task_new hits $h0 -> $h1; forks in /lab-kprobes: $forks; labforks calls there: $calls"
observe "nsbox's task_new hook ran at least $N more times (machine-wide: $h0 -> $h1)" \
	sh -c '[ -n "$1" ] && [ -n "$2" ] && [ $(( $2 - $1 )) -ge "$3" ]' _ "${h0:-}" "${h1:-}" "$N"
observe "the group of cgroup /lab-kprobes counts exactly $N forks (${forks:-none})" test "${forks:-}" = "$N"
observe "nsbox probe counts exactly $N calls of wake_up_new_task in /lab-kprobes (${calls:-none})" \
	test "${calls:-}" = "$N"

say "10. Clean up: disable and remove the kprobe events (done by a trap as well), nsbox's probe, the cgroup."
run sh -c "echo '-:lab/forks' >> $T/kprobe_events"
run sh -c "echo '-:lab/openret' >> $T/kprobe_events"
run nsbox probe rm labforks
run rmdir $CG
observe "no lab kprobe event is left in kprobe_events" sh -c "! grep -q ':lab/' $T/kprobe_events"
lab_end
