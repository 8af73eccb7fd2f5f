#!/bin/sh
# tap.sh - TAP helpers for the shell tests in tests/vm, sourced by each:
#   . "$(dirname "$0")/tap.sh"
# run-all.sh skips this file.  Each test prints "TAP version 13" and its
# plan itself, and ends with: [ "$fails" = 0 ]
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() {	# check NAME COMMAND...: ok if COMMAND succeeds (returns 1 if not)
	name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; return 1; fi
}
diag() { echo "$1" | sed 's/^/# /'; }
# until_ok CMD...: run CMD until it succeeds, every 0.1 s, for at most
# NSBOX_WAIT_S seconds (default 30): waiting for something the test can
# see happen, with a deadline -- never a sleep standing in for it.  Says
# what it waited for when the deadline passes.
until_ok() {
	end=$(( $(date +%s) + ${NSBOX_WAIT_S:-30} ))
	while :; do
		"$@" && return 0
		if [ "$(date +%s)" -ge "$end" ]; then
			diag "gave up after ${NSBOX_WAIT_S:-30} s waiting for: $*"
			return 1
		fi
		sleep 0.1
	done
}
# exited PID: PID has exited -- gone, or a zombie not reaped yet (a zombie
# has left its namespaces and cgroup: nsbox no longer counts it).  With
# until_ok, before a check that needs a quiet moment (VERIFY): a process
# that was only sent a signal may still be exiting.
exited() {
	st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}
# first_child PID: the first child of PID (pgrep -P is not in every busybox)
first_child() {
	for d in /proc/[0-9]*; do
		[ "$(sed 's/.*) //' "$d/stat" 2>/dev/null | cut -d' ' -f2)" = "$1" ] &&
			{ echo "${d#/proc/}"; return 0; }
	done
	return 1
}
