#!/bin/sh
# fork-exec.sh - lab: fork, exec and exit as the kernel reports them, in
# nsbox events (docs/labs/fork-exec.md).
. "$(dirname "$0")/lab.sh"

CG=/sys/fs/cgroup/lab-fe
say "1. A cgroup to watch, and nsbox events on it (its cgroup id is the directory's inode number)."
run mkdir -p $CG
id=$(stat -c %i $CG)
nsbox events -J -g "cgroup2:$id" -k fork,exec,exit -n 4 > /tmp/lab-fe.json 2>&1 &
ev=$!
# its subscription is in: the module counts subscribers (nsbox info)
until_seen sh -c 'nsbox info -J | jq -e ".event_subscribers >= 1" >/dev/null 2>&1'

say "2. A shell moves itself into the cgroup, forks a child that execs jq, and exits with 3."
sh -c "echo \$\$ > $CG/cgroup.procs; /usr/bin/jq -n 1 > /dev/null; exit 3"
until_seen sh -c '! kill -0 "$1" 2>/dev/null' _ "$ev"
run cat /tmp/lab-fe.json
types=$(jq -r .type /tmp/lab-fe.json | paste -sd' ')
say "   the events, in order: $types"
observe "fork, exec and exit of the child, then the shell's exit ($types)" \
	test "$types" = "fork exec exit exit"
observe "the shell's exit carries its status, 3" \
	sh -c 'jq -s -e "[.[] | select(.type == \"exit\")] | last | .exit_status == 3" /tmp/lab-fe.json >/dev/null'
observe "the exec is the child's (the fork's pid), and its comm is now jq" \
	sh -c 'jq -s -e ".[0].pid == .[1].pid and .[1].comm == \"jq\"" /tmp/lab-fe.json >/dev/null'
rmdir $CG
lab_end
