#!/bin/sh
# mem.sh - nsbox mem (TAP): VSS, RSS, PSS, USS and unique pages per group,
# against what the workload did (64 MiB anonymous; 32 MiB of one file
# mapped by two boxes) and against the kernel's smaps_rollup.
. "$(dirname "$0")/tap.sh"

HELPER=/opt/nsbox/tests/box_helper
R=/tmp/mem-rootfs
field() { nsbox ls -J | jq -r --arg n "$1" ".boxes[] | select(.name == \$n) | .$2"; }
logged() { nsbox logs "$1" 2>/dev/null | grep -q "^$2"; }

echo "TAP version 13"
nsbox rootfs create --add "$HELPER" "$R" >/dev/null 2>&1 ||
	{ echo "Bail out! cannot make a rootfs"; exit 1; }
dd if=/dev/zero of="$R/shared" bs=1M count=32 2>/dev/null

# ---- 64 MiB of anonymous memory, touched ------------------------------------
nsbox run -d --rootfs "$R" --name anon -- "$HELPER" mem-anon 64 >/dev/null
until_ok logged anon ready
before=$(nsbox mem -J anon)
kill -USR1 "$(first_child "$(field anon pid)")"
until_ok logged anon touched
after=$(nsbox mem -J anon)
d() { echo $(( $(echo "$after" | jq ".groups[0].$1") - $(echo "$before" | jq ".groups[0].$1") )); }
diag "64 MiB touched: uss +$(d uss_bytes), unique +$(d unique_bytes), pss +$(d pss_bytes), rss +$(d rss_bytes), vss +$(d vss_bytes)"
check "64 MiB anonymous: USS, unique, PSS, RSS and its anonymous part each grow by 64 MiB +- 2 MiB ($(d uss_bytes) $(d unique_bytes) $(d pss_bytes) $(d rss_bytes) $(d rss_anon_bytes))" \
	sh -c 'for v; do d=$((v - 64 * 1048576)); [ "${d#-}" -le $((2 * 1048576)) ] || exit 1; done' _ \
	"$(d uss_bytes)" "$(d unique_bytes)" "$(d pss_bytes)" "$(d rss_bytes)" "$(d rss_anon_bytes)"

# the sums are the kernel's: smaps_rollup over the group's processes, the
# workload stopped (its PID 1 waits, its command is stopped)
cg=$(sed -n 's/^cgroup=//p' /run/nsbox/anon/state)
kill -STOP "$(first_child "$(field anon pid)")"
want=$(for p in $(cat "$cg/cgroup.procs"); do cat "/proc/$p/smaps_rollup"; done |
	awk '$1 == "Pss:" { pss += $2 } $1 == "Rss:" { rss += $2 }
	     $1 == "Private_Clean:" || $1 == "Private_Dirty:" { uss += $2 }
	     END { printf "%d %d %d", rss * 1024, pss * 1024, uss * 1024 }')
have=$(nsbox mem -J anon | jq -r '.groups[0] | "\(.rss_bytes) \(.pss_bytes) \(.uss_bytes)"')
check "RSS, PSS and USS are the sums of smaps_rollup over the cgroup's processes ($have; smaps_rollup: $want)" \
	test "$have" = "$want"
lspss=$(nsbox ls -J -o name,pss_bytes | jq -r '.boxes[] | select(.name == "anon") | .pss_bytes')
check "ls -o name,pss_bytes: the box's PSS, as nsbox mem has it ($lspss)" \
	test "$lspss" = "$(echo "$have" | cut -d' ' -f2)"
check "ls -J alone does not walk page tables: pss_bytes is null" \
	test "$(nsbox ls -J | jq -r '.boxes[] | select(.name == "anon") | .pss_bytes')" = null
procs=$(nsbox mem -J anon | jq -r '.groups[0].procs')
check "every process of the box read: $procs, as in cgroup.procs" test "$procs" = "$(wc -l < "$cg/cgroup.procs")"
kill -CONT "$(first_child "$(field anon pid)")"

# ---- one 32 MiB file, mapped MAP_SHARED by two boxes ---------------------------
for b in f1 f2; do
	nsbox run -d --rootfs "$R" --name $b -- "$HELPER" mem-file /shared 32 >/dev/null
	until_ok logged $b ready
done
b1=$(nsbox mem -J f1)
b2=$(nsbox mem -J f2)
for b in f1 f2; do kill -USR1 "$(first_child "$(field $b pid)")"; done
until_ok logged f1 mapped
until_ok logged f2 mapped
g() { echo "$1" | jq ".groups[0].$2"; }
a1=$(nsbox mem -J f1)
a2=$(nsbox mem -J f2)
diag "f1: pss +$(( $(g "$a1" pss_bytes) - $(g "$b1" pss_bytes) )), rss +$(( $(g "$a1" rss_bytes) - $(g "$b1" rss_bytes) )), unique +$(( $(g "$a1" unique_bytes) - $(g "$b1" unique_bytes) )); f2: pss +$(( $(g "$a2" pss_bytes) - $(g "$b2" pss_bytes) ))"
check "both mapping it: each box's PSS grows by 16 MiB +- 1 MiB, its RSS (shmem: /tmp is tmpfs) by 32 MiB, its unique by 0" \
	sh -c 'within() { d=$(( $1 - $2 )); [ "${d#-}" -le "$3" ]; }
		within $1 $((16 * 1048576)) 1048576 && within $2 $((16 * 1048576)) 1048576 &&
		within $3 $((32 * 1048576)) 1048576 && within $4 0 1048576 && within $5 $((32 * 1048576)) 1048576' _ \
	$(( $(g "$a1" pss_bytes) - $(g "$b1" pss_bytes) )) $(( $(g "$a2" pss_bytes) - $(g "$b2" pss_bytes) )) \
	$(( $(g "$a1" rss_bytes) - $(g "$b1" rss_bytes) )) $(( $(g "$a1" unique_bytes) - $(g "$b1" unique_bytes) )) \
	$(( $(g "$a1" rss_shmem_bytes) - $(g "$b1" rss_shmem_bytes) ))
nsbox rm -f f2
c1=$(nsbox mem -J f1)
check "f2 removed: f1's PSS and unique for the file become 32 MiB +- 1 MiB ($(( $(g "$c1" pss_bytes) - $(g "$b1" pss_bytes) )) $(( $(g "$c1" unique_bytes) - $(g "$b1" unique_bytes) )))" \
	sh -c 'within() { d=$(( $1 - $2 )); [ "${d#-}" -le "$3" ]; }
		within $1 $((32 * 1048576)) 1048576 && within $2 $((32 * 1048576)) 1048576' _ \
	$(( $(g "$c1" pss_bytes) - $(g "$b1" pss_bytes) )) $(( $(g "$c1" unique_bytes) - $(g "$b1" unique_bytes) ))

# ---- what a box maps cannot make nsbox mem read without end ----------------------
# pagemap has an entry per virtual page: 128 GiB with one page touched
# would be 256 MiB to read; a 1 TiB reservation never touched, 2 GiB
nsbox run -d --rootfs "$R" --name huge -- "$HELPER" mem-huge 128 1 >/dev/null
nsbox run -d --rootfs "$R" --name resv -- "$HELPER" mem-huge 1024 0 >/dev/null
until_ok logged huge huge
until_ok logged resv huge
out=$(nsbox mem -J huge 2>/tmp/mem-huge.err)
check "128 GiB mapped, one page touched: no unique, said; the rest given ($(cat /tmp/mem-huge.err))" \
	sh -c 'echo "$1" | jq -e ".groups[0] | .unique_bytes == null and .rss_bytes > 0 and .vss_bytes > 128 * 1073741824" >/dev/null &&
		grep -q "maps more than 64 GiB with pages in memory: its unique pages are not counted" /tmp/mem-huge.err' _ "$out"
out=$(nsbox mem -J resv 2>&1)
check "1 TiB reserved, nothing touched: skipped, unique given ($(echo "$out" | jq -c '.groups[0] | [.vss_bytes, .unique_bytes]' 2>&1))" \
	sh -c 'echo "$1" | jq -e ".groups[0] | .unique_bytes > 0 and .vss_bytes > 1024 * 1073741824" >/dev/null' _ "$out"
nsbox rm -f huge resv

# ---- another user: the ptrace rule, said --------------------------------------
id=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "anon") | .cgroup_id')
out=$($HELPER as-user 1000 nsbox mem -J "cgroup2:$id" 2>/tmp/mem-user.err); rc=$?
check "uid 1000 on root's box: exit 4, told it may see none of its processes, no row of zeros ($rc: $(cat /tmp/mem-user.err))" \
	sh -c '[ "$1" = 4 ] && echo "$2" | jq -e ".groups == []" >/dev/null &&
		grep -q "none of its processes is one this user may see" /tmp/mem-user.err' _ "$rc" "$out"
out=$(nsbox mem -k cgroup2 2>&1)
check "nsbox mem without arguments: a table with the box's cgroup named by its box" \
	sh -c 'echo "$1" | head -1 | grep -q "GROUP *BOX *PROCS" && echo "$1" | grep -q "^cgroup2:[0-9]* *anon "' _ "$out"
err=$(nsbox mem nosuchbox 2>&1); rc=$?
check "an unknown box: a usage error that says what it takes ($rc)" \
	sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "neither KIND:ID"' _ "$rc" "$err"

nsbox rm -f anon f1
echo "1..$n"
[ "$fails" = 0 ]
