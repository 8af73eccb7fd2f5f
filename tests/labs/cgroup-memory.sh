#!/bin/sh
# cgroup-memory.sh - lab: a memory limit and the OOM killer
# (docs/labs/cgroup-memory.md).  LAB_MODE=show for a student; check: its checker.
. "$(dirname "$0")/lab.sh"

CG=/sys/fs/cgroup/lab-mem
event() { sed -n "s/^$1 //p" "$CG/memory.events"; }

say "1. A cgroup whose memory may not grow past 512 MiB (memory.max), no swap to escape to."
run mkdir -p "$CG"
run sh -c "echo +memory > /sys/fs/cgroup/cgroup.subtree_control"
run sh -c "echo 512M > $CG/memory.max"
[ -e "$CG/memory.swap.max" ] && run sh -c "echo 0 > $CG/memory.swap.max"
run cat "$CG/memory.max" "$CG/memory.events"

say "2. The lab VM has 1 GiB of RAM and no swap: by default the kernel refuses a 1 GiB malloc() outright (overcommit heuristic).  Let it promise more than it has, as it does on most machines with swap."
oc=$(cat /proc/sys/vm/overcommit_memory)
run sysctl -w vm.overcommit_memory=1
say "   stress asks for 1 GiB and touches it: one worker, --vm-bytes 1G, --vm-hang 0 (keep it)."
before=$(nsbox groups -J -o path,oom_kills --kind cgroup2 | jq -r '.groups[] | select(.path == "/lab-mem") | .oom_kills')
sh -c "echo \$\$ > $CG/cgroup.procs; exec stress --vm 1 --vm-bytes 1G --vm-hang 0 --timeout 60" > /tmp/lab-mem.out 2>&1 &
hog=$!
until_seen sh -c '[ "$(sed -n "s/^oom_kill //p" "$1/memory.events")" -ge 1 ]' _ "$CG"
wait "$hog"
rc=$?
run cat /tmp/lab-mem.out
run cat "$CG/memory.events" "$CG/memory.peak"
run nsbox groups -o path,procs,rss_bytes,oom_kills --kind cgroup2
after=$(nsbox groups -J -o path,oom_kills --kind cgroup2 | jq -r '.groups[] | select(.path == "/lab-mem") | .oom_kills')
kills=$(event oom_kill)

observe "the kernel killed the worker once: memory.events oom_kill 1 ($kills)" test "$kills" = 1
observe "nsbox counted that one OOM kill for the cgroup (${before:-none} -> ${after:-none})" \
	test "${after:-x}" = $(( ${before:-0} + 1 ))
observe "stress saw its worker die by signal 9 and failed (exit $rc)" \
	sh -c '[ "$1" != 0 ] && grep -q "signal 9" /tmp/lab-mem.out' _ "$rc"
observe "memory.peak stayed at the limit, 512 MiB at most" \
	sh -c '[ ! -e "$1/memory.peak" ] || [ "$(cat "$1/memory.peak")" -le $((512 * 1048576)) ]' _ "$CG"

sysctl -q -w vm.overcommit_memory="$oc" 2>/dev/null || echo "$oc" > /proc/sys/vm/overcommit_memory
until_seen sh -c '! grep -q . "$1/cgroup.procs"' _ "$CG"
rmdir "$CG"
lab_end
