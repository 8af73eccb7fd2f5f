#!/bin/sh
# probe.sh - `nsbox probe` on this kernel, in the lab VM (TAP): a kprobe
# counts exactly the calls a box makes, in the box's cgroup and in its
# namespaces, and not in the host's; a kretprobe times sleeps into the
# right histogram bucket; --sum-arg adds an argument exactly; groups that
# are freed give their entries back; refusals say why (not root, no such
# function, the kprobe blacklist, a full table, a taken name); rmmod and
# probe removal during a fork storm with probes firing.
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
NSBOX_KO=${NSBOX_KO:-/lib/modules/nsbox/nsbox.ko}
T=/tmp/probe-test
mkdir -p $T
N=1000

# calls NAME KIND:ID: the calls probe NAME counted in one group (0 if none)
calls() {
	nsbox probe show -J "$1" "$2" | jq -r '.probe.groups[0].calls // 0'
}

# ---- a kprobe: exact counts per group ------------------------------------------
out=$(nsbox probe add vfs_write 2>&1)
rc=$?
diag "$out"
check "probe add vfs_write: exit 0, says kprobe and how it is planted" \
	sh -c '[ "$1" = 0 ] && echo "$2" | grep -q "^probe vfs_write: kprobe on vfs_write (\(ftrace call site\|int3 breakpoint\))$"' _ "$rc" "$out"
check "probe ls -J lists it: name, symbol, ret false" \
	sh -c 'nsbox probe ls -J | jq -e ".probes[] | select(.name == \"vfs_write\") | .symbol == \"vfs_write\" and .ret == 0" >/dev/null'

root_before=$(calls vfs_write cgroup2:1)
# the box writes "x\n" to /dev/null N times, then sleeps for the ret probe
nsbox run -d --name pbox -- sh -c "i=0; while [ \$i -lt $N ]; do echo x > /dev/null; i=\$((i+1)); done; sleep 1000" > /dev/null
cgid=$(nsbox ls -J -o name,cgroup_id | jq -r '.boxes[] | select(.name == "pbox") | .cgroup_id')
pidns=$(nsbox ls -J -o name,pid_ns | jq -r '.boxes[] | select(.name == "pbox") | .pid_ns')
box_done() { [ "$(calls vfs_write cgroup2:$cgid)" -ge $N ]; }
until_ok box_done
c=$(calls vfs_write "cgroup2:$cgid")
p=$(calls vfs_write "pid:$pidns")
root_after=$(calls vfs_write cgroup2:1)
diag "box cgroup $cgid: $c calls; its pid namespace $pidns: $p; host root cgroup: $root_before -> $root_after"
check "the box's cgroup counts its $N writes: $c in [$N, $((N + 5))]" \
	sh -c '[ "$1" -ge "$2" ] && [ "$1" -le $(($2 + 5)) ]' _ "$c" "$N"
check "the box's pid namespace counts the same calls ($p)" test "$p" = "$c"
g=$(nsbox groups --no-adopt -J -o kind,id,probe.vfs_write "cgroup2:$cgid" | jq -r '.groups[0]["probe.vfs_write"]')
check "nsbox groups -o probe.vfs_write shows the same count ($g)" test "$g" = "$c"
e=$(nsbox export | grep "^nsbox_probe_group_calls_total{probe=\"vfs_write\",kind=\"cgroup2\",id=\"$cgid\"," | sed 's/.* //')
check "nsbox export has it as nsbox_probe_group_calls_total{probe=\"vfs_write\",...,box=\"pbox\"} ($e)" \
	sh -c '[ "$1" = "$2" ] && nsbox export | grep -q "^nsbox_probe_group_calls_total{probe=\"vfs_write\",.*box=\"pbox\"}"' _ "$e" "$c"
check "the host's root cgroup does not absorb them (+$((root_after - root_before)) < $N)" \
	test $((root_after - root_before)) -lt $N

# nsbox top sorts by a probe's calls per second: a box that writes without
# end comes first, with its rate in CALLS/s
nsbox run -d --name pw -- sh -c 'while :; do echo x > /dev/null; done' > /dev/null
nsbox top -b -n 2 -d 1 -s probe.vfs_write > $T/top 2>&1
sed 's/^/# /' $T/top | tail -n 4
first=$(awk '/^NAME/ { h = NR } h && NR == h + 1 { f = $1 } END { print f }' $T/top)
check "top -s probe.vfs_write: the writing box is first ($first), with a CALLS/s column" \
	sh -c '[ "$1" = pw ] && grep -q "CALLS/s" "$2"' _ "$first" $T/top
nsbox rm -f pw > /dev/null

# ---- --sum-arg: vfs_write's count, summed exactly ----------------------------------
nsbox probe add --sum-arg 3 --name wsum vfs_write > /dev/null
mkdir -p /sys/fs/cgroup/psum
psid=$(stat -c %i /sys/fs/cgroup/psum)
# in psum: head's writes of 12345 bytes, then the write that moves the
# shell out ("PID\n" to cgroup.procs) -- made while it is still in psum
sh -c 'echo $$ > /sys/fs/cgroup/psum/cgroup.procs; head -c 12345 /dev/zero > /dev/null; echo $$ > /sys/fs/cgroup/cgroup.procs; echo $$ > '$T/pid
pid=$(cat $T/pid)
want=$((12345 + ${#pid} + 1))
sum=$(nsbox probe show -J wsum "cgroup2:$psid" | jq -r '.probe.groups[0].sum // 0')
check "--sum-arg 3: writes of 12345 bytes and '$pid\\n' sum to $want in their cgroup (got $sum)" \
	test "$sum" = "$want"
rmdir /sys/fs/cgroup/psum

# ---- a kretprobe: durations ---------------------------------------------------------
out=$(nsbox probe add --ret --name sleep hrtimer_nanosleep 2>&1)
check "probe add --ret hrtimer_nanosleep: a kretprobe ($out)" \
	sh -c 'echo "$1" | grep -q "^probe sleep: kretprobe on hrtimer_nanosleep"' _ "$out"
nsbox run --name psleep -- sh -c 'i=0; while [ $i -lt 10 ]; do usleep 20000; i=$((i+1)); done' > /dev/null
scg=$(nsbox ls -J -o name,cgroup_id | jq -r '.boxes[] | select(.name == "psleep") | .cgroup_id')
nsbox probe show -J sleep "cgroup2:$scg" > $T/sleep.json
nsbox probe show sleep "cgroup2:$scg" | sed 's/^/# /'
# bucket [16.8 ms, 33.6 ms) is the one whose le_ns is 2^25 - 1
inb=$(jq -r '[.probe.groups[0].hist[] | select(.le_ns == 33554431) | .count] | add // 0' $T/sleep.json)
check "10 sleeps of 20 ms: $inb >= 8 calls in the bucket that holds 20 ms" test "$inb" -ge 8
check "calls 10, min >= 20 ms, max >= min, min < 33.6 ms" \
	jq -e '.probe.groups[0] | .calls == 10 and .ns_min >= 20000000 and .ns_max >= .ns_min and .ns_min < 33554432 and .ns_total >= 200000000' $T/sleep.json
nsbox rm psleep > /dev/null

# ---- an int3 probe counts too: its handler runs as in an NMI on x86 --------------
# __schedule() is notrace (no ftrace call site), so the kernel plants a
# breakpoint; with the optimizer off every hit goes through the int3 trap
opt=$(cat /proc/sys/debug/kprobes-optimization 2>/dev/null)
[ -n "$opt" ] && echo 0 > /proc/sys/debug/kprobes-optimization
nsbox probe add --name s3 __schedule > /dev/null
via=$(nsbox probe ls -J -o name,via | jq -r '.probes[] | select(.name == "s3") | .via')
i=0
while [ $i -lt 5 ]; do usleep 10000; i=$((i + 1)); done
hits=$(nsbox probe ls -J | jq '.probes[] | select(.name == "s3") | .calls')
misses=$(nsbox probe ls -J | jq '.probes[] | select(.name == "s3") | .misses')
check "a probe on __schedule via $via (optimizer off) counts: $hits calls, $misses not counted" \
	sh -c '[ "$1" = int3 ] && [ "$2" -gt 0 ] && [ "$2" -gt "$3" ]' _ "$via" "$hits" "$misses"
nsbox probe rm s3
[ -n "$opt" ] && echo "$opt" > /proc/sys/debug/kprobes-optimization

# ---- freed groups give their entries back -------------------------------------------
pgroups() { nsbox probe ls -J | jq '.probes[] | select(.name == "vfs_write") | .groups'; }
g0=$(pgroups)
pids=
i=0
while [ $i -lt 20 ]; do
	unshare -u sh -c 'echo x > /dev/null; exec sleep 1000' &
	pids="$pids $!"
	i=$((i + 1))
done
took() { [ "$(pgroups)" -ge $((g0 + 20)) ]; }
back() { [ "$(pgroups)" -le "$g0" ]; }
check "20 live UTS namespaces that wrote took an entry each ($g0 -> 20 more)" until_ok took
# shellcheck disable=SC2086
kill $pids
wait $pids 2>/dev/null
check "... and gave them back once their namespaces were freed ($(pgroups) now)" until_ok back

# ---- refusals ---------------------------------------------------------------------
su -s /bin/sh nobody -c 'nsbox probe add vfs_read' > /dev/null 2> $T/err
rc=$?
check "a normal user: exit 4, the kernel's reason ($(cat $T/err))" \
	sh -c '[ "$1" = 4 ] && grep -q "needs CAP_SYS_ADMIN" "$2"' _ "$rc" $T/err
# root of a user namespace of its own (a box's root) is not root enough:
# the module checks CAP_SYS_ADMIN in the initial user namespace
su -s /bin/sh nobody -c 'unshare -Ur nsbox probe add vfs_read' > /dev/null 2> $T/err
rc=$?
check "root of its own user namespace: exit 4 too ($(cat $T/err))" \
	sh -c '[ "$1" = 4 ] && grep -q "needs CAP_SYS_ADMIN" "$2"' _ "$rc" $T/err
su -s /bin/sh nobody -c 'nsbox probe rm vfs_write' > /dev/null 2>&1
check "... nor remove one (exit $?)" sh -c 'nsbox probe ls -J | jq -e "[.probes[].name] | index(\"vfs_write\")" >/dev/null'
nsbox probe add nsbox_no_such_function > /dev/null 2> $T/err
rc=$?
check "an unknown function: exit 1, 'no such function' ($(cat $T/err))" \
	sh -c '[ "$1" = 1 ] && grep -q "no such function" "$2"' _ "$rc" $T/err
bl=$(awk 'NR == 1 { print $2 }' /sys/kernel/debug/kprobes/blacklist 2>/dev/null)
if [ -n "$bl" ]; then
	nsbox probe add "$bl" > /dev/null 2> $T/err
	rc=$?
	check "a function on the kprobe blacklist ($bl): exit 1, says so ($(cat $T/err))" \
		sh -c '[ "$1" = 1 ] && grep -q "kprobe blacklist" "$2"' _ "$rc" $T/err
else
	skip "a function on the kprobe blacklist" "no /sys/kernel/debug/kprobes/blacklist"
fi
nsbox probe add vfs_write > /dev/null 2> $T/err
check "a taken name: refused, says so ($(cat $T/err))" grep -q "exists" $T/err
# a function the compiler left only as a clone (f.isra.0, no f): its
# parameters may differ, so an argument is never read from it.  The first
# candidate the kernel lets us probe (init code is gone after boot).
candidates=$(awk '{ n = $3 }
	n ~ /^[a-z_0-9]+\.(isra|constprop)\.0$/ { b = n; sub(/\..*/, "", b); if (!(b in c)) { c[b] = 1; order[++k] = b } next }
	{ plain[n] = 1 }
	END { for (i = 1; i <= k && m < 30; i++) if (!(order[i] in plain)) { print order[i]; m++ } }' /proc/kallsyms)
clone=
for c in $candidates; do
	nsbox probe add --name cl "$c" > /dev/null 2>&1 && { clone=$c; break; }
done
if [ -n "$clone" ]; then
	sym=$(nsbox probe ls -J | jq -r '.probes[] | select(.name == "cl") | .symbol')
	check "only a clone of $clone: without --sum-arg the clone is probed ($sym)" \
		test "$sym" = "$clone.isra.0" -o "$sym" = "$clone.constprop.0"
	nsbox probe rm cl > /dev/null 2>&1
	nsbox probe add --sum-arg 1 --name cl "$clone" > /dev/null 2> $T/err
	rc=$?
	check "... with --sum-arg refused, says why (exit $rc: $(cat $T/err))" \
		sh -c '[ "$1" = 1 ] && grep -q "only a compiler clone" "$2"' _ "$rc" $T/err
	nsbox probe rm cl > /dev/null 2>&1
else
	skip "a function only a compiler clone is left of" "none in /proc/kallsyms that can be probed"
fi

nsbox probe rm --all
i=1
while [ $i -le 16 ]; do nsbox probe add --name p$i vfs_read > /dev/null || break; i=$((i + 1)); done
check "16 probes planted (info says probes 16 of 16)" \
	sh -c 'nsbox info -J | jq -e ".probes == 16 and .probes_max == 16" >/dev/null'
nsbox probe add --name p17 vfs_read > /dev/null 2> $T/err
check "the 17th is refused: the table is full ($(cat $T/err))" grep -q "probe table is full" $T/err
nsbox probe rm --all
check "rm --all: none left" sh -c 'nsbox info -J | jq -e ".probes == 0 and .probe_bytes == 0" >/dev/null'

# ---- removal and rmmod while probes fire in a fork storm ---------------------------------
storm() { while :; do /bin/true; done; }
storm & s1=$!
storm & s2=$!
ok_all=1
r=0
while [ $r -lt 5 ]; do
	nsbox probe add --name w vfs_write > /dev/null &&
	nsbox probe add --ret --name t --sum-arg 1 wake_up_new_task > /dev/null &&
	nsbox probe add --name f kernel_clone > /dev/null 2>&1 || nsbox probe add --name f _do_fork > /dev/null || ok_all=0
	nsbox probe rm t > /dev/null || ok_all=0
	rmmod nsbox || ok_all=0
	insmod "$NSBOX_KO" || ok_all=0
	r=$((r + 1))
done
kill $s1 $s2
wait $s1 $s2 2>/dev/null
check "5 rounds: 3 probes planted, one removed, rmmod with two firing, insmod, during a fork storm" test "$ok_all" = 1
check "the reloaded module has no probe and answers" \
	sh -c 'nsbox info -J | jq -e ".probes == 0" >/dev/null && nsbox probe ls -J | jq -e ".probes == []" >/dev/null'

nsbox rm -f pbox > /dev/null 2>&1
rm -rf $T
echo "1..$n"
[ "$fails" = 0 ]
