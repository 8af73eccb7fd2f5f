#!/bin/sh
# memory.sh - lab: VSS, RSS, PSS and USS of two processes that share a file
# (docs/labs/memory.md).  LAB_MODE=show for a student; check: its checker.
. "$(dirname "$0")/lab.sh"

H=/opt/nsbox/tests/box_helper
D=/tmp/lab-vss
CG=/sys/fs/cgroup/lab-vss
MIB=1024			# kB
# kb KEY FILE: the number of "KEY:   N kB" in FILE (status, smaps_rollup)
kb() { awk -v k="$1:" '$1 == k { print $2; exit }' "$2"; }
uss() { echo $(( $(kb Private_Clean "$1") + $(kb Private_Dirty "$1") )); }
# mapping KEY PID: KEY (kB) of PID's mapping of the shared file, from smaps
mapping() {
	awk -v k="$1:" -v f="$D/shared" '
		/^[0-9a-f]+-[0-9a-f]+ / { in_f = ($NF == f) }
		in_f && $1 == k { print $2; exit }' "/proc/$2/smaps"
}
# within VALUE WANT TOL: |VALUE - WANT| <= TOL
within() { d=$(( $1 - $2 )); [ "${d#-}" -le "$3" ]; }
# the lab's processes are the cgroup's (also those of a run interrupted)
cleanup() {
	if [ -d "$CG" ]; then
		for p in $(cat "$CG/cgroup.procs"); do kill "$p" 2>/dev/null; done
		until_seen sh -c '[ ! -s "$1/cgroup.procs" ]' _ "$CG"
		rmdir "$CG"
	fi
	rm -rf "$D"
}
trap cleanup EXIT
cleanup

say "1. A 32 MiB file in /tmp, and a cgroup to hold the two processes that will map it."
mkdir -p "$D"
run dd if=/dev/zero of="$D/shared" bs=1M count=32
run mkdir -p "$CG"

say "2. Two processes, A and B, each: 256 MiB reserved and never touched, the whole file mapped MAP_SHARED and read, 16 MiB of its own written (box_helper mem-lab FILE 32 16 256)."
start() {	# start NAME: a process of the cgroup, its pid
	sh -c "echo \$\$ > $CG/cgroup.procs; exec $H mem-lab $D/shared 32 16 256" > "$D/$1.out" 2>&1 &
	echo $!
}
say "   \$ sh -c 'echo \$\$ > $CG/cgroup.procs; exec $H mem-lab $D/shared 32 16 256' &    (twice)"
a=$(start a)
b=$(start b)
until_seen grep -q '^ready' "$D/a.out"
until_seen grep -q '^ready' "$D/b.out"
say "   A is $a, B is $b."

say "3. A as the kernel counts it: status has the counters of its mm, smaps_rollup walks its page tables."
run grep -E '^(VmSize|VmRSS|RssAnon|RssFile|RssShmem):' "/proc/$a/status"
run cat "/proc/$a/smaps_rollup"
va=$(kb VmSize "/proc/$a/status"); ra=$(kb Rss "/proc/$a/smaps_rollup")
pa=$(kb Pss "/proc/$a/smaps_rollup"); ua=$(uss "/proc/$a/smaps_rollup")
vb=$(kb VmSize "/proc/$b/status"); rb=$(kb Rss "/proc/$b/smaps_rollup")
pb=$(kb Pss "/proc/$b/smaps_rollup"); ub=$(uss "/proc/$b/smaps_rollup")
say "   A: VSS $va kB, RSS $ra kB, PSS $pa kB, USS $ua kB (Private_Clean + Private_Dirty)"
say "   B: VSS $vb kB, RSS $rb kB, PSS $pb kB, USS $ub kB"
observe "VSS >= RSS >= PSS >= USS, for A ($va $ra $pa $ua) and for B ($vb $rb $pb $ub)" \
	sh -c '[ "$1" -ge "$2" ] && [ "$2" -ge "$3" ] && [ "$3" -ge "$4" ] &&
		[ "$5" -ge "$6" ] && [ "$6" -ge "$7" ] && [ "$7" -ge "$8" ]' _ \
	"$va" "$ra" "$pa" "$ua" "$vb" "$rb" "$pb" "$ub"
ms=$(( $(kb RssAnon "/proc/$a/status") + $(kb RssFile "/proc/$a/status") + $(kb RssShmem "/proc/$a/status") ))
observe "status's VmRSS is the mm's three counters added up: RssAnon + RssFile + RssShmem ($(kb VmRSS "/proc/$a/status") = $ms kB)" \
	test "$(kb VmRSS "/proc/$a/status")" = "$ms"
observe "A's VSS is its RSS and then some: at least the 256 MiB it never touched ($va - $ra kB)" \
	test $((va - ra)) -ge $((256 * MIB))
observe "A's USS is the 16 MiB it wrote, + at most 1 MiB of stack and data ($ua kB)" \
	within "$ua" $((16 * MIB + 512)) 512

say "4. The file's mapping in A's smaps: every page in memory (Rss), each shared with B."
run grep -A 10 "$D/shared" "/proc/$a/smaps"
fr=$(mapping Rss "$a"); fp=$(mapping Pss "$a")
fs=$(( $(mapping Shared_Clean "$a") + $(mapping Shared_Dirty "$a") )); shm=$(kb RssShmem "/proc/$a/status")
observe "the whole file is resident in A (Rss $fr kB), all of it shared (Shared_Clean + Shared_Dirty $fs kB), shared memory as /tmp is tmpfs (RssShmem $shm kB), and A's PSS for it is half: two processes map each page (Pss $fp kB, to 4 kB)" \
	sh -c '[ "$1" = 32768 ] && [ "$3" = 32768 ] && [ "$4" -ge 32768 ] && d=$(( 2 * $2 - $1 )) && [ "${d#-}" -le 8 ]' _ "$fr" "$fp" "$fs" "$shm"

say "5. The same through nsbox: nsbox mem sums the group's processes (the cgroup's: nsbox.ko names them)."
run cat "$CG/cgroup.procs"
id=$(nsbox groups -J -o id,path --kind cgroup2 | jq -r '.groups[] | select(.path == "/lab-vss") | .id')
run nsbox mem -o group,procs,vss_bytes,rss_bytes,pss_bytes,uss_bytes,unique_bytes "cgroup2:$id"
have=$(nsbox mem -J "cgroup2:$id" | jq -r '.groups[0] | "\(.procs) \(.rss_bytes / 1024) \(.pss_bytes / 1024) \(.uss_bytes / 1024) \(.unique_bytes / 1024)"')
want=$(for p in $(cat "$CG/cgroup.procs"); do cat "/proc/$p/smaps_rollup"; done |
	awk '$1 == "Rss:" { rss += $2 } $1 == "Pss:" { pss += $2 } $1 ~ /^Private_(Clean|Dirty):$/ { uss += $2 }
	     END { printf "%d %d %d", rss, pss, uss }')
set -- $have
nprocs=$1; grss=$2; gpss=$3; guss=$4; guniq=$5
say "   nsbox mem (kB): procs $nprocs, RSS $grss, PSS $gpss, USS $guss, unique $guniq; smaps_rollup summed: $want"
agree() {	# RSS PSS USS PROCS against the rollups' RSS PSS USS, 16 kB each
	within "$1" "$5" 16 && within "$2" "$6" 16 && within "$3" "$7" 16 && [ "$4" = 2 ]
}
observe "nsbox mem's RSS, PSS and USS are smaps_rollup summed over the cgroup's 2 processes (within 16 kB each; it read $nprocs)" \
	agree "$grss" "$gpss" "$guss" "$nprocs" $want
observe "summed over the group, RSS counts the file twice and PSS once: RSS - PSS is 32 MiB, + at most 1 MiB ($((grss - gpss)) kB)" \
	within $((grss - gpss)) $((32 * MIB + 512)) 512
observe "unique (no process outside the group maps it) is the group's USS and the file, which no USS holds: unique - USS is 32 MiB, + at most 1 MiB ($((guniq - guss)) kB)" \
	within $((guniq - guss)) $((32 * MIB + 512)) 512

say "6. B exits: A is the file's only mapper now."
kill "$b"
wait "$b" 2>/dev/null
b=
run grep -A 10 "$D/shared" "/proc/$a/smaps"
fp2=$(mapping Pss "$a"); ua2=$(uss "/proc/$a/smaps_rollup")
observe "A's PSS for the file is all of it ($fp2 kB), and its USS grew by the file's 32 MiB, + at most 1 MiB of the program's pages B shared too ($ua -> $ua2 kB)" \
	sh -c '[ "$1" = 32768 ] && [ "$(( $3 - $2 ))" -ge 32768 ] && [ "$(( $3 - $2 ))" -le $((32768 + 1024)) ]' _ "$fp2" "$ua" "$ua2"
run nsbox mem -o group,procs,rss_bytes,pss_bytes,uss_bytes,unique_bytes "cgroup2:$id"

lab_end
