#!/bin/sh
# lsns.sh - the namespaces nsbox reports are the ones lsns lists, in the
# lab VM (TAP): those with tasks and those no task is in (kept by a bind
# mount or an open file), made before the module was loaded or after,
# and after some are freed.  lsns-persistent is trixie's lsns (util-linux
# 2.41, see scripts/vm.sh): bookworm's does not list namespaces without
# tasks.  Also: on kernels with 64-bit namespace ids (6.18+), a recycled
# inode number never merges two namespaces' groups.
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..16"

NSBOX_KO=${NSBOX_KO:-/lib/modules/nsbox/nsbox.ko}
LSNS=lsns-persistent
H=$(dirname "$0")/box_helper

if ! command -v "$LSNS" >/dev/null; then
	for i in $(seq 16); do
		skip "lsns comparison $i" "no lsns that lists namespaces without tasks (the trixie build root: scripts/buildroot.sh 7)"
	done
	exit 0
fi

# "KIND:ID" of every namespace lsns lists; with NPROCS for those that are
# not PID 1's (the init namespaces' counts move with every process the
# comparison itself starts).
init_ns=$(for k in mnt pid net uts ipc user cgroup time; do readlink /proc/1/ns/$k; done | tr -dc '0-9\n')
lsns_set() {
	"$LSNS" -J -o NS,TYPE,NPROCS | jq -r --arg init "$init_ns" '
		($init | split("\n")) as $i | .namespaces[] |
		if ((.ns | tostring) as $n | $i | index($n)) then "\(.type):\(.ns)"
		else "\(.type):\(.ns):\(.nprocs)" end' | sort
}
# the same from nsbox: namespace groups that are not gone
nsbox_set() {
	nsbox groups -J "$@" | jq -r --arg init "$init_ns" '
		($init | split("\n")) as $i | .groups[] |
		select(.kind != "cgroup2" and .state != "gone") |
		if ((.id | tostring) as $n | $i | index($n)) then "\(.kind):\(.id)"
		else "\(.kind):\(.id):\(.procs)" end' | sort
}
same_sets() {	# same_sets [groups options]: nsbox's set = lsns's set
	lsns_set > /tmp/lsns.set
	nsbox_set "$@" > /tmp/nsbox.set
	cmp -s /tmp/lsns.set /tmp/nsbox.set && return 0
	diag "lsns only: $(grep -vxF -f /tmp/nsbox.set /tmp/lsns.set | tr '\n' ' ')"
	diag "nsbox only: $(grep -vxF -f /tmp/lsns.set /tmp/nsbox.set | tr '\n' ' ')"
	return 1
}
# same_sets, or: the kernel did not hand ns_free some frees (a kprobe hit
# while another is handled on that CPU: a pid namespace's last put_pid()
# runs in an RCU callback), nsbox groups says so, and each difference is a
# namespace nsbox still shows without tasks
same_or_said() {
	same_sets "$@" && return 0
	m=$(nsbox info -J | jq '.hooks[] | select(.name == "ns_free") | .misses')
	[ "${m:-0}" -gt 0 ] && [ -z "$(grep -vxF -f /tmp/nsbox.set /tmp/lsns.set)" ] || return 1
	for g in $(grep -vxF -f /tmp/lsns.set /tmp/nsbox.set); do
		case $g in *:0) ;; *) return 1 ;; esac
	done
	nsbox groups "$@" 2>&1 >/dev/null | grep -q "hook ns_free missed $m calls" || return 1
	diag "ns_free missed $m frees, and nsbox groups says so"
}
ns_of() { stat -L -c %i "$1"; }	# a /proc/PID/ns link or a bind mount
# until_ok evaluates its arguments once: these look again at each try
ns_moved() { [ "$(ns_of /proc/$1/ns/$2 2>/dev/null)" != "$(ns_of /proc/self/ns/$2)" ]; }
fd_is() { [ "$(readlink /proc/$1/fd/$2 2>/dev/null)" = "$3" ]; }

# ---- namespaces no task is in, made before the module is loaded ----------
rmmod nsbox
P=/run/nsp
mkdir -p $P
mount -t tmpfs nsp $P
mount --make-private $P
for k in net uts ipc mnt uts2; do : > $P/$k; done
# the mount namespace first: made later, it would hold copies of the
# other bind mounts, and they would live on after we unmount ours
unshare --mount=$P/mnt true
unshare --net=$P/net --uts=$P/uts --ipc=$P/ipc true
# a user and a pid namespace kept only by open files: their tasks exit
# (busybox's unshare --pid=FILE binds its own pid namespace, not the new)
unshare -U sleep 1000 &
a=$!
until_ok ns_moved $a user
unshare --pid --fork sleep 1000 &
u2=$!
until_ok first_child $u2 >/dev/null
a2=$(first_child $u2)
until_ok ns_moved $a2 pid
userns=$(ns_of /proc/$a/ns/user)
pidns=$(ns_of /proc/$a2/ns/pid)
sleep 1000 7</proc/$a/ns/user 8</proc/$a2/ns/pid &
holder=$!
until_ok fd_is $holder 7 "user:[$userns]"
until_ok fd_is $holder 8 "pid:[$pidns]"
# $a2 is its pid namespace's init: from outside only SIGKILL reaches it
kill $a
kill -9 $a2
wait $a $u2 2>/dev/null
made_before="net:$(ns_of $P/net) uts:$(ns_of $P/uts) ipc:$(ns_of $P/ipc) mnt:$(ns_of $P/mnt) user:$userns pid:$pidns"
diag "made before load, no task in them: $made_before"
insmod "$NSBOX_KO"

missing=0
for g in $made_before; do
	if nsbox groups --no-adopt -J "$g" >/dev/null 2>&1; then
		diag "known without adopt: $(nsbox groups --no-adopt -r -n -o kind,id,state,procs "$g")"
	else
		missing=$((missing + 1))
	fi
done
check "the module alone does not know the 6 namespaces made before it with no task in them ($missing unknown)" \
	test "$missing" = 6
# the first nsbox groups searches (scan of /proc, or listns() and nsfs
# handles), tells the module it is done, and the next one searches nothing:
# failshim.so counts what the tool opens under /proc and by handle
SHIM=$(dirname "$0")/failshim.so
first=$(NSBOX_SHIM_COUNT=/tmp/opens LD_PRELOAD=$SHIM nsbox groups >/dev/null 2>&1; cat /tmp/opens)
check "nsbox groups (adopting them first) lists what lsns lists" until_ok same_sets
check "then the module knows every namespace without tasks (nsbox info: adopted)" \
	sh -c 'nsbox info -J | jq -e ".adopted == true" >/dev/null'
second=$(NSBOX_SHIM_COUNT=/tmp/opens LD_PRELOAD=$SHIM nsbox groups >/dev/null 2>&1; cat /tmp/opens)
check "the first nsbox groups searched ($first opens), a second one searches nothing ($second)" \
	sh -c '[ "$1" -gt 0 ] && [ "$2" = 0 ]' _ "$first" "$second"
good=0
for g in $made_before; do
	if nsbox groups --no-adopt -J "$g" 2>/dev/null |
		jq -e '.groups[0] | .state == "empty" and .procs == 0 and .threads == 0' >/dev/null; then
		good=$((good + 1))
	else
		diag "not empty: $(nsbox groups --no-adopt -r -n -o kind,id,state,procs,threads "$g" 2>&1)"
	fi
done
check "each of the 6 is a group: state empty, 0 procs, 0 threads ($good of 6)" test "$good" = 6
check "nsbox adopt -v names the 6 (and nothing else: no other namespace is without tasks)" \
	sh -c 'nsbox adopt -v | sort > /tmp/adopted; echo "$1" | tr " " "\n" | sort | cmp -s - /tmp/adopted' _ "$made_before"

# ---- made after load: the module knows them without adopt ----------------
unshare --uts=$P/uts2 true
unshare --net sh -c "exec sleep 1000 8</proc/self/ns/net" &
b=$!
until_ok ns_moved $b net
netns_b=$(ns_of /proc/$b/ns/net)
# keep $b's netns open from outside, then end $b: kept by an fd only
sleep 1000 9</proc/$b/ns/net &
holder2=$!
until_ok fd_is $holder2 9 "net:[$netns_b]"
kill $b
wait $b 2>/dev/null
check "made after load (bind mount, fd): the module knows them without adopt" \
	until_ok same_sets --no-adopt
check "uts:$(ns_of $P/uts2) (bind mount, made after load) is empty, 0 procs" \
	sh -c 'nsbox groups --no-adopt -J "uts:$1" | jq -e ".groups[0] | .state == \"empty\" and .procs == 0" >/dev/null' _ "$(ns_of $P/uts2)"

# ---- freed: gone from lsns, state gone in nsbox --------------------------
freed="net:$(ns_of $P/net) uts:$(ns_of $P/uts2) user:$userns pid:$pidns net:$netns_b"
umount $P/net $P/uts2
kill $holder $holder2
wait $holder $holder2 2>/dev/null
gone() {
	for g in $freed; do
		nsbox groups --no-adopt -J "$g" 2>/dev/null | jq -e '.groups[0].state == "gone"' >/dev/null ||
			{ last_not_gone=$g; return 1; }
	done
}
# a network namespace is freed by a work item (cleanup_net), later
check "the 5 freed ones are state gone ($freed)" until_ok gone ||
	diag "not gone: $(nsbox groups --no-adopt -r -n -o kind,id,state,procs "$last_not_gone" 2>&1)"
check "and the sets are equal again (or nsbox says which frees it missed)" until_ok same_or_said

# ---- churn, then the same sets and a clean VERIFY --------------------------
for i in $(seq 30); do
	unshare --net --uts --ipc --pid --fork sh -c 'true | true'
done
check "after 30 unshare runs: the sets are equal (or nsbox says which frees it missed)" until_ok same_or_said
# listns(2) (6.19+): the kernel's own list of active namespaces, by id
if "$H" listns > /tmp/listns.ids; then
	listns_same() {
		"$H" listns | sort > /tmp/listns.ids
		nsbox groups -J | jq -r '.groups[] | select(.kind != "cgroup2" and .state != "gone") | .nsid' |
			sort > /tmp/nsbox.ids
		cmp -s /tmp/listns.ids /tmp/nsbox.ids && return 0
		diag "listns only: $(grep -vxF -f /tmp/nsbox.ids /tmp/listns.ids | tr '\n' ' ')"
		diag "nsbox only: $(grep -vxF -f /tmp/listns.ids /tmp/nsbox.ids | tr '\n' ' ')"
		return 1
	}
	check "the namespace ids nsbox shows are the ones listns() returns ($(wc -l < /tmp/listns.ids))" \
		until_ok listns_same
else
	# before 6.19: lsns's view (above) is the only one to compare with
	check "no listns() on this kernel (ENOSYS): compared with lsns only" \
		sh -c '"$1" listns; [ $? = 3 ]' _ "$H"
fi
check "VERIFY is clean" sh -c 'nsbox verify >/dev/null'
check "every hook attached" sh -c 'nsbox info -J | jq -e ".hooks | all(.status == \"attached\")" >/dev/null'
umount $P/uts $P/ipc $P/mnt
umount $P

# ---- recycled inode numbers (kernels with namespace ids) -----------------
# Without the ns_free hook nothing tells the module that a namespace was
# freed; the next one often gets the same inode number (the lowest free).
# Keyed by the 64-bit id as well, it still gets a group of its own.
rmmod nsbox
insmod "$NSBOX_KO" skip_hooks=ns_free
probe() { unshare --uts sh -c "readlink /proc/self/ns/uts | tr -dc 0-9; echo -n ' '; $H nsid /proc/self/ns/uts"; }
first=$(probe)
second=$(probe)
diag "two new uts namespaces, inode and id: '$first', '$second'"
if ! nsbox groups --no-adopt -J "uts:${second% *}" | jq -e '.groups[0].nsid != null' >/dev/null; then
	# no 64-bit ids (before 6.18): the documented limit, and its warning
	check "no namespace ids here: the recycled inode number reuses the group (moved_in 2), as docs/hooks.md says" \
		sh -c 'nsbox groups --no-adopt -J "uts:$1" 2>/dev/null | jq -e ".groups[0].moved_in == 2" >/dev/null' _ "${second% *}"
	check "and nsbox groups warns that ns_free is not attached and what that affects" \
		sh -c 'nsbox groups --no-adopt -J "uts:$1" 2>&1 >/dev/null | grep -q "hook ns_free not attached.*namespace group state"' _ "${second% *}"
elif [ "${first% *}" != "${second% *}" ]; then
	skip "a recycled inode number starts a new group" "the inode number was not reused this time ($first, $second)"
	skip "the new group counts only the new namespace" "the inode number was not reused this time"
else
	check "a recycled inode number starts a new group (its nsid is the second namespace's)" \
		sh -c 'nsbox groups --no-adopt -J "uts:$1" | jq -e ".groups[0].nsid == $2" >/dev/null' _ "${second% *}" "${second#* }"
	check "the new group counts only the new namespace (moved_in 1)" \
		sh -c 'nsbox groups --no-adopt -J "uts:$1" | jq -e ".groups[0].moved_in == 1" >/dev/null' _ "${second% *}"
fi
rmmod nsbox
insmod "$NSBOX_KO"

[ "$fails" = 0 ]
