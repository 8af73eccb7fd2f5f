#!/bin/sh
# namespaces.sh - lab: UTS, PID, mount and user namespaces with unshare
# (docs/labs/namespaces.md).  LAB_MODE=show for a student; check: its checker.
. "$(dirname "$0")/lab.sh"

AS_USER="/opt/nsbox/tests/box_helper as-user 1000"
ns_id() { readlink "/proc/$1/ns/$2" | tr -dc 0-9; }
in_nsbox() {	# in_nsbox KIND ID: nsbox groups lists that namespace
	nsbox groups -J --kind "$1" | jq -e --arg id "$2" '.groups[] | select((.id | tostring) == $id)' >/dev/null
}
in_lsns() { lsns -n -o NS -t "$1" | tr -d ' ' | grep -qx "$2"; }

say "1. UTS: a hostname of its own.  unshare -u starts a shell in a new UTS namespace."
unshare -u sh -c 'hostname lab-uts; exec sleep 60' &
uts_pid=$!
until_seen sh -c '[ "$(readlink /proc/$1/ns/uts)" != "$(readlink /proc/self/ns/uts)" ]' _ "$uts_pid"
uts=$(ns_id "$uts_pid" uts)
run readlink /proc/self/ns/uts "/proc/$uts_pid/ns/uts"
run nsenter -t "$uts_pid" -u hostname
run hostname
run lsns -t uts
run nsbox groups --kind uts
both() { in_nsbox "$1" "$2" && in_lsns "$1" "$2"; }
observe "the new UTS namespace ($uts) is in nsbox groups and in lsns" both uts "$uts"
observe "its hostname is its own: lab-uts inside, $(hostname) outside" \
	sh -c '[ "$(nsenter -t "$1" -u hostname)" = lab-uts ] && [ "$(hostname)" != lab-uts ]' _ "$uts_pid"

say "2. PID: the first process of a new PID namespace is its PID 1."
run unshare -p -f sh -c 'echo "my pid: $$"'
inner=$(unshare -p -f sh -c 'echo $$')
observe "a shell forked into a new PID namespace sees itself as PID $inner" test "$inner" = 1

say "3. Mount: a mount made in a new mount namespace is not seen outside."
run unshare -m sh -c 'mount -t tmpfs lab-tmpfs /mnt && grep lab-tmpfs /proc/self/mountinfo'
observe "the host's mount table has no lab-tmpfs" sh -c '! grep -q lab-tmpfs /proc/self/mountinfo'

say "4. User: an unprivileged user (uid 1000) is root in a user namespace of its own."
run $AS_USER unshare -U -r sh -c 'id -u; cat /proc/self/uid_map'
map=$($AS_USER unshare -U -r sh -c 'cat /proc/self/uid_map' | tr -s ' ' | sed 's/^ //')
observe "uid_map maps 0 inside to 1000 outside, one id ($map)" test "$map" = "0 1000 1"

kill "$uts_pid"
lab_end
