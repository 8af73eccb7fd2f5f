#!/bin/sh
# kselftests.sh - the kernel's own selftests for what nsbox hooks (clone3,
# pidfd, nsfs, pid_namespace, timens, cgroup; scripts/kselftests.sh builds
# them from Debian's linux-source) give the same results with nsbox.ko
# loaded as without it, and VERIFY is clean after them (TAP).
#
# A result is the exit status and the status (ok, not ok, skip) of each
# numbered TAP line; names are left out, some carry pids.  A program whose
# results differ is run once more both ways (some cgroup tests race with
# themselves); it fails if they differ again.
. "$(dirname "$0")/tap.sh"

DIR=/opt/nsbox/kselftests
H=$(cd "$(dirname "$0")" && pwd)/box_helper
NSBOX_KO=${NSBOX_KO:-/lib/modules/nsbox/nsbox.ko}
# minutes each under TCG (sleeps, CPU or memory pressure by design):
# NSBOX_KSELFTESTS_ALL=1 runs them too
SLOW="pidfd-pidfd_test cgroup-test_cpu cgroup-test_memcontrol cgroup-test_kmem cgroup-test_zswap"
# args PROG: the arguments a program runs with here.  pidfd_poll_test
# forks, SIGKILLs and polls for the death of 10,000 children by default:
# 20-40 s under TCG, and it runs twice.  1,000 go through the same paths
# (each exit through nsbox's exit hook, each pidfd woken); its one verdict
# is the same at either count.  NSBOX_KSELFTESTS_ALL=1: the default count.
args() {
	[ -n "${NSBOX_KSELFTESTS_ALL:-}" ] && return
	case "$1" in
	pidfd-pidfd_poll_test) echo 1000 ;;
	esac
}

echo "TAP version 13"
if [ ! -d "$DIR" ]; then
	echo "1..1"
	skip "kernel selftests" "not built (scripts/kselftests.sh needs linux-source and the trixie build root)"
	exit 0
fi
has_cgroup_kill() {
	d=/sys/fs/cgroup/nsbox-kselftests-probe
	mkdir "$d" 2>/dev/null || return 1
	[ -e "$d/cgroup.kill" ]
	r=$?
	rmdir "$d"
	return $r
}
progs=
for p in "$DIR"/*; do
	[ -x "$p" ] || continue
	name=$(basename "$p")
	case " $SLOW " in
	*" $name "*) [ -n "${NSBOX_KSELFTESTS_ALL:-}" ] || { diag "not run: $name (minutes under TCG; NSBOX_KSELFTESTS_ALL=1)"; continue; } ;;
	esac
	# a test of a cgroup feature this kernel lacks waits until killed
	if [ "$name" = cgroup-test_kill ] && ! has_cgroup_kill; then
		diag "not run: $name (no cgroup.kill on this kernel: it would hang)"
		continue
	fi
	progs="$progs $name"
done
[ -s "$DIR/NOT-BUILT" ] && diag "not built: $(cat "$DIR/NOT-BUILT")"
echo "1..$(( $(echo $progs | wc -w) + 3 ))"
W=$(mktemp -d)

result() {	# result PROG: its exit status and TAP statuses, one line
	# killed after 60 s (the slowest one here takes 7 s under TCG), and
	# what it leaves running killed too (box_helper reap: a subreaper),
	# or leftovers would pin namespaces and cgroups for the next tests
	t0=$(date +%s)
	# shellcheck disable=SC2046
	(cd /tmp && exec "$H" reap 60 "$DIR/$1" $(args "$1")) > "$W/out" 2>&1
	rc=$?
	echo "rc=$rc $(sed -n -E '
		s/^(not ok|ok) ([0-9]+) .*# *[Ss][Kk][Ii][Pp].*/skip\2/p; t
		s/^ok ([0-9]+).*/ok\1/p; t
		s/^not ok ([0-9]+).*/FAIL\1/p' "$W/out" | tr '\n' ' ')"
	echo "$1 $(( $(date +%s) - t0 )) s" >> "$W/times"
}
summary() {	# summary RESULT: "rc R, N ok, M not ok, K skipped"
	echo "rc ${1%% *}" | sed 's/rc=//'
	echo ", $(echo "$1" | tr ' ' '\n' | grep -c '^ok') ok, $(echo "$1" | tr ' ' '\n' | grep -c '^FAIL') not ok, $(echo "$1" | tr ' ' '\n' | grep -c '^skip') skipped"
}

rmmod nsbox 2>/dev/null
for p in $progs; do
	result "$p" > "$W/$p.without"
done
insmod "$NSBOX_KO"
for p in $progs; do
	a=$(cat "$W/$p.without")
	b=$(result "$p")
	if [ "$a" != "$b" ]; then
		diag "$p differs: without nsbox '$a', with '$b'; once more both ways"
		rmmod nsbox
		a=$(result "$p")
		insmod "$NSBOX_KO"
		b=$(result "$p")
	fi
	[ "$a" = "$b" ] || diag "$p: without nsbox '$a', with '$b'"
	check "$p: the same with nsbox as without ($(summary "$b" | tr -d '\n'))" test "$a" = "$b"
done

check "VERIFY is clean after them" sh -c 'nsbox verify >/dev/null || { nsbox verify | sed "s/^/# /"; false; }'
check "every hook attached" sh -c 'nsbox info -J | jq -e ".hooks | all(.status == \"attached\")" >/dev/null'
check "no group left with a negative or impossible count (nsbox groups)" \
	sh -c 'nsbox groups -J | jq -e "all(.groups[]; .procs <= .threads)" >/dev/null'

diag "seconds per run: $(tr '\n' ',' < "$W/times")"
rm -rf "$W"
[ "$fails" = 0 ]
