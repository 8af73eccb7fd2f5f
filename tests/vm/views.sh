#!/bin/sh
# views.sh - a box sees itself (TAP): /proc/meminfo, /proc/loadavg,
# /proc/cpuinfo, /proc/stat, /sys/devices/system/cpu/online and
# /proc/uptime inside a box with
# --memory 256M --cpus 0.5 show the box, as nsbox.ko and the box's time
# namespace compute them (docs/views.md); --no-views and the host see the
# machine's.  Each check compares with the kernel's own files or with
# what the machine shows, so that it fails if the view is not there.
. "$(dirname "$0")/tap.sh"

HELPER=/opt/nsbox/tests/box_helper
NSBOX_KO=${NSBOX_KO:-/lib/modules/nsbox/nsbox.ko}
R=/tmp/views-rootfs
CG=/sys/fs/cgroup/nsbox

echo "TAP version 13"
grep -q '^nsbox ' /proc/modules || insmod "$NSBOX_KO"
SI32=/opt/nsbox/tests/sysinfo32
nsbox rootfs create --add "$HELPER" "$R" >/dev/null 2>&1
inbox() { nsbox run --rm --rootfs "$R" --memory 256M --cpus 0.5 "$@"; }
kb() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB$/\1/p" "${2:-/proc/meminfo}"; }

# One box with views and one without, each printing what every check below
# reads (a box costs seconds to start under TCG, more on the debug kernel):
# "== NAME" then that part's output.
ALL=$(inbox -- sh -c '
	echo "== meminfo"; cat /proc/meminfo
	echo "== hold"; '"$HELPER"' hold 100
	echo "== shm"; dd if=/dev/zero of=/tmp/f bs=1M count=20 2>/dev/null
	grep -E "^(Shmem|Cached):" /proc/meminfo | tr -s " " | cut -d" " -f2 | tr "\n" " "; echo
	echo "== sysinfo"; '"$HELPER"' sysinfo
	echo "== asked"; cat /proc/nsbox/views
	echo "== cpus"; cat /sys/devices/system/cpu/online; '"$HELPER"' cpus
	echo "== cpuinfo"; cat /proc/cpuinfo
	echo "== stat"; cat /proc/stat
	echo "== stat20"; for i in $(seq 20); do grep "^cpu" /proc/stat | tr "\n" " "; echo; done
	echo "== end"' 2>&1)
NOV=$(nsbox run --rm --rootfs "$R" --memory 256M --cpus 0.5 --no-views -- sh -c '
	echo "== meminfo"; cat /proc/meminfo
	echo "== sysinfo"; '"$HELPER"' sysinfo
	echo "== cpus"; cat /sys/devices/system/cpu/online
	echo "== cpuinfo"; grep -c ^processor /proc/cpuinfo
	echo "== stat"; grep -c ^cpu /proc/stat
	echo "== end"' 2>&1)
part() { echo "$1" | sed -n "/^== $2\$/,/^== /p" | sed '1d;$d'; }

# ---- meminfo -----------------------------------------------------------------
part "$ALL" meminfo > /tmp/views-meminfo
diag "$(grep -E '^(MemTotal|MemFree|MemAvailable|Cached|Shmem|SwapTotal):' /tmp/views-meminfo)"
check "meminfo: MemTotal is --memory 256M, 262144 kB (the machine has $(kb MemTotal) kB)" \
	test "$(kb MemTotal /tmp/views-meminfo)" = 262144
check "meminfo: 0 < MemFree <= MemAvailable <= MemTotal" \
	sh -c 'f=$1 a=$2 t=$3; [ "$f" -gt 0 ] && [ "$f" -le "$a" ] && [ "$a" -le "$t" ]' _ \
	"$(kb MemFree /tmp/views-meminfo)" "$(kb MemAvailable /tmp/views-meminfo)" \
	"$(kb MemTotal /tmp/views-meminfo)"
check "meminfo: the machine's lines, in the machine's order" \
	sh -c '[ "$(cut -d: -f1 /proc/meminfo)" = "$(cut -d: -f1 /tmp/views-meminfo)" ]'
check "meminfo: every line in the kernel's layout (name, padding, value, kB)" \
	sh -c '! grep -vE "^[A-Za-z0-9_()]+:[[:space:]]+[0-9]+( kB)?$" /tmp/views-meminfo'

# 100 MiB touched in the box: MemFree falls by about as much (the box's
# memory cgroup, not the machine, where a 2nd VM process may move it too)
out=$(part "$ALL" hold)
diag "MemFree MemAvailable before, while 100 MiB are held: $out"
check "meminfo: MemFree drops by ~100 MiB while the box holds 100 MiB" \
	sh -c 'set -- $1; d=$(( $1 - $3 )); [ "$d" -ge 95000 ] && [ "$d" -le 115000 ] && [ "$4" -le "$2" ]' _ "$out"

# 20 MiB written to the box's /tmp (a tmpfs: shared memory, file pages):
# Shmem and Cached come from the box's memory.stat
out=$(part "$ALL" shm)
check "meminfo: Shmem and Cached count the 20 MiB the box wrote to its tmpfs ($(echo $out) kB)" \
	sh -c 'set -- $1; [ "$1" -ge 19456 ] && [ "$2" -ge 19456 ] && [ "$1" -le 40000 ]' _ "$out"

out=$(part "$NOV" meminfo | sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB$/\1/p')
check "--no-views: MemTotal is the machine's ($out)" test "$out" = "$(kb MemTotal)"
check "the machine reads /proc/nsbox/meminfo as its own /proc/meminfo" \
	sh -c '[ "$(cut -d: -f1 /proc/nsbox/meminfo)" = "$(cut -d: -f1 /proc/meminfo)" ] &&
	       [ "$(grep ^MemTotal: /proc/nsbox/meminfo)" = "$(grep ^MemTotal: /proc/meminfo)" ]'

# ---- sysinfo(2) ------------------------------------------------------------------
# busybox free, htop and the JVM ask sysinfo(2), not /proc/meminfo
hostram=$(( $(kb MemTotal) * 1024 ))
out=$(part "$ALL" sysinfo)
diag "sysinfo in the box (totalram freeram totalswap procs load1 load5 load15 uptime): $out"
check "sysinfo(2): totalram is 256 MiB, freeram below it, procs the box's" \
	sh -c 'set -- $1; [ "$1" = 268435456 ] && [ "$2" -gt 0 ] && [ "$2" -le "$1" ] && [ "$4" -ge 2 ] && [ "$4" -le 6 ]' \
	_ "$out"
out=$(part "$NOV" sysinfo)
check "--no-views: sysinfo(2) shows the machine ($out)" \
	sh -c 'set -- $1; [ "$1" = "$2" ] && [ "$4" -gt 20 ]' _ "$(echo $out | cut -d' ' -f1) $hostram x $(echo $out | cut -d' ' -f4)"
out=$("$HELPER" sysinfo)
check "the machine's sysinfo(2) is untouched ($out)" \
	sh -c 'set -- $1; [ "$1" = "$2" ]' _ "$(echo $out | cut -d' ' -f1) $hostram"
out=$(part "$ALL" asked)
check "a box with views has asked for them ($out); the machine has not ($(cat /proc/nsbox/views))" \
	sh -c '[ "$1" = 1 ] && [ "$(cat /proc/nsbox/views)" = 0 ]' _ "$out"
# the kretprobe is one of nsbox info's hooks: attached, and a hit for
# each sysinfo(2) it gave a box's numbers (the box above called it once)
out=$(nsbox info -J | jq -c '.hooks[] | select(.name == "sysinfo") | [.symbol, .kind, .status, .hits, .misses]')
check "nsbox info lists the sysinfo hook: a kretprobe on si_swapinfo, attached, hits for the box's calls ($out)" \
	sh -c 'echo "$1" | jq -e ".[0] == \"si_swapinfo\" and .[1] == \"kretprobe\" and .[2] == \"attached\" and .[3] >= 1 and .[4] == 0" >/dev/null' _ "$out"

# ---- CPUs ----------------------------------------------------------------------
out=$(part "$ALL" cpus)
check "--cpus 0.5: cpu/online is \"0\", get_nprocs() and _NPROCESSORS_ONLN say 1 ($(echo $out); the VM has $(cat /sys/devices/system/cpu/online))" \
	test "$(echo $out)" = "0 1 1"
out=$(part "$NOV" cpus)
check "--no-views: cpu/online is the machine's ($out)" test "$out" = "$(cat /sys/devices/system/cpu/online)"

# /proc/cpuinfo: the box's 1 CPU, numbered 0, in the machine's words
out=$(part "$ALL" cpuinfo)
check "cpuinfo: one processor, 0 (the machine has $(grep -c ^processor /proc/cpuinfo)), with the machine's model name" \
	sh -c '[ "$(echo "$1" | grep ^processor | tr -d " \t")" = processor:0 ] &&
	       [ "$(echo "$1" | grep -m1 "^model name")" = "$(grep -m1 "^model name" /proc/cpuinfo)" ]' _ "$out"
out=$(part "$NOV" cpuinfo)
check "--no-views: cpuinfo has the machine's processors ($out)" test "$out" = "$(grep -c ^processor /proc/cpuinfo)"

# /proc/stat: the cpu line and cpu0 only, never decreasing across 20
# reads; the machine's other lines
out=$(part "$ALL" stat)
check "stat: only the box's cpu and cpu0 lines; intr, ctxt, btime, processes, procs_running there" \
	sh -c '[ "$(echo "$1" | grep ^cpu | cut -d" " -f1 | tr "\n" " ")" = "cpu cpu0 " ] &&
	       for k in intr ctxt btime processes procs_running; do
		       echo "$1" | grep -q "^$k " || exit 1; done' _ "$out"
out=$(part "$ALL" stat20)
check "stat: 20 reads, no counter of cpu or cpu0 ever goes back, and cpu0 is the cpu line" \
	sh -c 'echo "$1" | awk "NF != 22 { exit 1 }
		{ for (i = 2; i <= 11; i++) if (\$i != \$(i + 11)) exit 1
		  for (i = 2; i <= 22; i++) { if (NR > 1 && \$i < p[i]) exit 1; p[i] = \$i } }"' _ "$out"
out=$(part "$NOV" stat)
check "--no-views: stat has the machine's cpu lines ($out)" test "$out" = "$(grep -c ^cpu /proc/stat)"

# --cpuset-cpus: CPUs the box has, not time: nproc (sched_getaffinity)
# counts them, in the box's PID 1 and in what nsbox exec starts (clone3
# into the cgroup did not set it before 6.2), and the views show the
# cpuset's CPUs, renumbered
if [ "$(nproc)" -ge 2 ]; then
	nsbox run -d --rootfs "$R" --name cs --cpuset-cpus 1 -- sleep 1000 >/dev/null 2>&1
	pid=$(nsbox ls -r -n -o name,pid | sed -n 's/^cs //p')
	out=$(nsbox exec cs sh -c 'nproc; cat /sys/devices/system/cpu/online
		grep -c ^processor /proc/cpuinfo; grep ^apicid /proc/cpuinfo' 2>&1 | tr '\n' '|')
	apic=$(awk '/^processor/ { p = $3 } p == 1 && /^apicid/ { print; exit }' /proc/cpuinfo)
	check "--cpuset-cpus 1: PID 1 runs on CPU 1 only; in nsbox exec nproc 1, cpu/online 0, one processor: the machine's CPU 1 ($(grep Cpus_allowed_list "/proc/$pid/status" | tr -d '\t'); $out)" \
		sh -c '[ "$1" = "1|0|1|$2|" ] && grep -q "^Cpus_allowed_list:[[:space:]]*1$" "/proc/$3/status"' \
		_ "$out" "$apic" "$pid"
	nsbox rm -f cs >/dev/null 2>&1
else
	skip "--cpuset-cpus 1" "the VM has one CPU"
fi
out=$(nsbox run --rm --rootfs "$R" --name badset --cpuset-cpus 64 -- true 2>&1); rc=$?
check "--cpuset-cpus 64 on a VM of $(nproc): exit 125, says why, leaves no cgroup ($out)" \
	sh -c '[ "$1" = 125 ] && echo "$2" | grep -q "not CPUs of this machine" && [ ! -e "$3/badset" ]' \
	_ "$rc" "$out" "$CG"

# ---- a box that runs: load, uptime, limits changed at run time --------------
nsbox run --rootfs "$R" --memory 256M --cpus 0.5 --name views -d -- \
	sh -c 'while :; do :; done' >/dev/null 2>&1
id=$(nsbox ls -r -n -o name,cgroup_id | sed -n 's/^views //p')
load_both() {	# the box's load1 in its /proc/loadavg and in nsbox groups, x100
	l=$(nsbox exec views cat /proc/loadavg) || return 1
	g=$(nsbox groups -J --no-adopt -o load1 "cgroup2:$id" | jq '.groups[0].load1')
	echo "$l $g"
}
loaded() {
	out=$(load_both) || return 1
	set -- $out
	[ "$1" != 0.00 ] && [ "$1" = "$6" ]
}
check "loadavg: a spinning box's load1 rises above 0 and is nsbox groups' load1" until_ok loaded
out=$(load_both)
diag "the box's /proc/loadavg and nsbox groups' load1: $out; the machine's: $(cat /proc/loadavg)"
# A box's seccomp filter kills 32-bit system calls (docs/security.md), so
# the 32-bit sysinfo(2) (compat_sys_sysinfo) is called from the box's
# cgroup and cgroup namespace by a process outside its filter: what the
# module serves to any 32-bit caller in a box that asked for views.
pid1=$(nsbox ls -r -n -o name,pid | sed -n 's/^views //p')
si32() {
	sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" cgroupns "$3" "$4"' _ "$CG/views" "$HELPER" "$pid1" "$SI32"
}
# the load average moves every 5 s: the box's, read before and after
out=$(nsbox exec views sh -c "cat /proc/loadavg; $HELPER sysinfo" 2>&1; si32 2>&1
	nsbox exec views cat /proc/loadavg 2>&1)
diag "the box's loadavg, sysinfo 64 and 32-bit: $(echo "$out" | tr '\n' '|')"
check "sysinfo(2), 32-bit: totalram is 256 MiB, procs the box's ($(echo "$out" | sed -n 3p))" \
	sh -c 'set -- $1; [ "$1" = 268435456 ] && [ "$2" -le "$1" ] && [ "$4" -ge 2 ] && [ "$4" -le 6 ]' \
	_ "$(echo "$out" | sed -n 3p)"
# (on a slow kernel the load may move more than once in between: it only
# rises while the box spins, so sysinfo's lies between the two reads)
check "sysinfo(2)'s loads are the box's load average, 64-bit and 32-bit" \
	sh -c 'echo "$1" | awk "NR == 1 { a = \$1 } NR == 2 || NR == 3 { v[NR] = \$5 / 65536 } NR == 4 { b = \$1 }
		END { if (NR != 4) exit 1
		      lo = (a < b ? a : b) - 0.011; hi = (a < b ? b : a) + 0.011
		      for (i = 2; i <= 3; i++)
			      if (v[i] == 0 || v[i] < lo || v[i] > hi) exit 1 }"' _ "$out"
out=$(load_both)
check "loadavg: the box's tasks (not the machine's $(cut -d' ' -f4 /proc/loadavg)) and last pid of its pid namespace" \
	sh -c 'set -- $1; t=${4#*/}; [ "$t" -ge 2 ] && [ "$t" -le 6 ] && [ "$5" -lt "$7" ]' _ \
	"$out $(cut -d' ' -f5 /proc/loadavg)"

# PID 1's start time (/proc/1/stat, ticks since boot) in the box's clock:
# at most 1 s after its boot, and before its uptime (what ps computes from).
# Kernels before 5.11 shift uptime but not start times: no clock view there.
# the box's user time in its /proc/stat is its cpu.stat's, in ticks:
# between the kernel's value just before and just after
u0=$(sed -n 's/^user_usec //p' "$CG/views/cpu.stat")
su=$(nsbox exec views sh -c 'grep "^cpu " /proc/stat' | tr -s ' ' | cut -d' ' -f2)
u1=$(sed -n 's/^user_usec //p' "$CG/views/cpu.stat")
check "stat: the spinning box's user ticks ($su) are its cpu.stat user_usec / 10000 ($((u0 / 10000)) .. $((u1 / 10000)))" \
	test "$((u0 / 10000))" -le "$su" -a "$su" -le "$((u1 / 10000))"
views=$(nsbox ls -r -n -o name,views | sed -n 's/^views //p')
out=$(nsbox exec views sh -c 'cut -d" " -f1 /proc/uptime; cut -d" " -f22 /proc/1/stat' 2>&1)
diag "views in place: $views; the box's uptime and PID 1's start (ticks): $(echo $out); the machine's uptime: $(cat /proc/uptime)"
case ",$views," in
*,uptime,*)
	check "uptime: starts with the box (PID 1 started within 1 s of its boot), not the machine's" \
		sh -c 'set -- $1; up=${1%%.*}; [ "$2" -lt 100 ] && [ "$up" -ge $(( $2 / 100 )) ] &&
		       [ "$up" -lt "${3%%.*}" ] && [ "$up" -lt 300 ]' \
		_ "$(echo $out) $(cut -d' ' -f1 /proc/uptime)"
	clockview=1 ;;
*)
	check "uptime: no clock view where start times do not follow the offset, so ps stays right" \
		sh -c 'set -- $1; [ "$2" -ge 100 ] && [ "${1%%.*}" -ge $(( $2 / 100 )) ]' _ "$out"
	clockview=0 ;;
esac

echo 512M > "$CG/views/memory.max"
out=$(nsbox exec views cat /proc/meminfo | sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB$/\1/p')
check "memory.max raised to 512M at run time: the next read says 524288 kB ($out)" test "$out" = 524288

# /proc/swaps: the machine's swap devices are not the box's.  A box with
# --memory has memory.swap.max 0: the header only; 32M allowed at run
# time: one line of 32768 kB, as meminfo's SwapTotal says
if [ -e /sys/block/zram0 ] && echo 64M > /sys/block/zram0/disksize &&
	mkswap /dev/zram0 >/dev/null 2>&1 && swapon /dev/zram0; then
	out=$(nsbox exec views cat /proc/swaps)
	check "swaps: memory.swap.max 0, only the header (the machine has $(($(wc -l < /proc/swaps) - 1)) device)" \
		sh -c '[ "$1" = "$(head -1 /proc/swaps)" ] && [ "$(wc -l < /proc/swaps)" -ge 2 ]' _ "$out"
	check "the machine reads /proc/nsbox/swaps and cpuinfo as its own /proc/swaps and cpuinfo" \
		sh -c 'cmp -s /proc/nsbox/swaps /proc/swaps && cmp -s /proc/nsbox/cpuinfo /proc/cpuinfo'
	echo 32M > "$CG/views/memory.swap.max"
	out=$(nsbox exec views sh -c 'tail -n +2 /proc/swaps; grep ^SwapTotal /proc/meminfo' | tr -s ' \t' ' ')
	check "swaps: memory.swap.max 32M at run time: one line, none virtual 32768 kB; SwapTotal 32768 kB ($out)" \
		test "$out" = "none virtual 32768 0 0
SwapTotal: 32768 kB"
	swapoff /dev/zram0
	echo 1 > /sys/block/zram0/reset
else
	# no swap device to hide (the debug kernel has no zram): the box's
	# /proc/swaps is still the view, bound over it, and has no swap line
	out=$(nsbox exec views sh -c 'grep -c " /proc/swaps " /proc/self/mountinfo; cat /proc/swaps')
	check "swaps: no swap device here; the box's /proc/swaps is the view, the header only ($(echo "$out" | head -1) mount)" \
		test "$out" = "1
$(head -1 /proc/swaps)"
fi
echo "25000 100000" > "$CG/views/cpu.max"
check "cpu.max 0.25 CPU at run time: still 1 CPU" test "$(nsbox exec views cat /sys/devices/system/cpu/online)" = 0
echo "150000 100000" > "$CG/views/cpu.max"
host=$(nproc)
check "cpu.max 1.5 CPUs at run time: the next read says $(( host < 2 ? host : 2 )) CPUs" \
	test "$(nsbox exec views "$HELPER" cpus)" = "$(( host < 2 ? host : 2 )) $(( host < 2 ? host : 2 ))"
out=$(nsbox exec views sh -c 'grep -c ^processor /proc/cpuinfo; grep ^cpu /proc/stat | cut -d" " -f1' | tr '\n' ' ')
check "... and cpuinfo and stat follow: $(( host < 2 ? host : 2 )) processors, as many cpuN lines ($out)" \
	test "$out" = "$([ "$host" -lt 2 ] && echo "1 cpu cpu0 " || echo "2 cpu cpu0 cpu1 ")"

# ---- rootless -------------------------------------------------------------------
# no cgroup of its own (cgroup delegation is not set up in the lab VM):
# the box's cgroup namespace root is the caller's cgroup, whose numbers
# it sees; its clock starts with it as root's does
out=$("$HELPER" as-user 1000 nsbox run --rm --rootfs "$R" -- sh -c \
	'cut -d" " -f22 /proc/1/stat; cat /sys/devices/system/cpu/online' 2>&1)
check "rootless: the box's clock starts with it where the kernel allows; cpu/online is there ($(echo $out))" \
	sh -c 'set -- $1; { [ "$1" -lt 100 ] || [ "$3" = 0 ]; } && [ -n "$2" ]' _ "$out $clockview"

# ---- many boxes reading, nsbox top, then rmmod with them alive --------------
# NSBOX_VIEWS_BOXES boxes (20 in the full-size lane) read their views and
# sysinfo(2) in a loop while the host runs nsbox top; then the module is
# unloaded under them: no report in dmesg (the debug lane: KASAN, lockdep),
# and their reads fail as docs/views.md says (ENOENT on open, EIO on a
# descriptor opened before).
NB=${NSBOX_VIEWS_BOXES:-10}
i=0
while [ "$i" -lt "$NB" ]; do
	i=$((i + 1))
	nsbox run --rootfs "$R" --memory 64M --name "vr$i" -d -- "$HELPER" views-loop \
		>/dev/null 2>&1 || diag "box vr$i did not start"
done
running=$(nsbox ls -r -n -o name,status | grep -c '^vr[0-9]* running$')
top=$(nsbox top -b -n 3 -d 0.2 2>&1 | grep -c 'vr[0-9]')
check "$running of $NB boxes read their views in a loop; nsbox top shows them meanwhile ($top rows)" \
	sh -c '[ "$1" = "$2" ] && [ "$3" -gt 0 ]' _ "$running" "$NB" "$top"
rmmod nsbox
rc=$?
out=$(nsbox exec views cat /proc/meminfo 2>&1); rc2=$?
check "rmmod with $NB boxes reading their views: unloads; a box's /proc/meminfo then fails to open ($(echo "$out" | head -1))" \
	sh -c '[ "$1" = 0 ] && [ "$2" != 0 ] && echo "$3" | grep -q "No such file"' _ "$rc" "$rc2" "$out"
check "... and a descriptor opened before fails to read" \
	until_ok grep -qs fd-read-failed /run/nsbox/vr1/disk/log
i=0
while [ "$i" -lt "$NB" ]; do i=$((i + 1)); nsbox rm -f "vr$i" >/dev/null 2>&1; done
insmod "$NSBOX_KO"
nsbox rm -f views >/dev/null 2>&1
out=$(inbox -- sh -c 'sed -n "s/^MemTotal:[[:space:]]*\([0-9]*\) kB$/\1/p" /proc/meminfo' 2>&1)
check "after insmod again, a new box has its views ($out)" test "$out" = 262144

rm -rf "$R" /tmp/views-meminfo
echo "1..$n"
[ "$fails" = 0 ]
