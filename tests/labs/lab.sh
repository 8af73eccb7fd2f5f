#!/bin/sh
# lab.sh - sourced by every lab script.  One script is both the lab a
# student watches, step by step (LAB_MODE=show: `make lab NAME`), and its
# checker (LAB_MODE=check: TAP, tests/vm/labs.sh): the observations the
# page promises are the checks.
#
#   say TEXT            a line of the lab's story
#   run CMD...          shown as typed ("$ CMD"), then its output
#   run_out CMD...      the same, run to its end first: its output is
#                       kept in $out, its exit status in $rc
#   observe WHAT CMD... what the student should see; CMD says whether it
#                       is there.  show: "[seen] WHAT"; check: ok / not ok
#   until_seen CMD...   wait (0.1 s steps, NSBOX_WAIT_S, default 30) until
#                       CMD succeeds: for something the lab makes happen
LAB_MODE=${LAB_MODE:-show}
n=0
fails=0
say() {
	if [ "$LAB_MODE" = show ]; then printf '\n%s\n' "$*"; else echo "# $*"; fi
}
# the "$ CMD" line of run and run_out: bold for a student, a TAP comment
# for the checker
shown_cmd() {
	if [ "$LAB_MODE" = show ]; then printf '\033[1m$ %s\033[0m\n' "$*"; else echo "# \$ $*"; fi
}
run() {
	shown_cmd "$@"
	if [ "$LAB_MODE" = show ]; then
		"$@" 2>&1	# straight to the terminal, as typed
	else
		"$@" 2>&1 | sed 's/^/#   /'
	fi
}
# run_out CMD...: shown as run shows it, run once; its output is kept in
# $out and its exit status in $rc, for the observation that follows
run_out() {
	out=$("$@" 2>&1); rc=$?
	shown_cmd "$@"
	if [ "$LAB_MODE" = show ]; then
		printf '%s\n' "$out"
	else
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}
observe() {
	what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		[ "$LAB_MODE" = show ] && echo "  [seen] $what" || echo "ok $n - $what"
	else
		fails=$((fails + 1))
		[ "$LAB_MODE" = show ] && echo "  [NOT seen] $what" || echo "not ok $n - $what"
	fi
}
until_seen() {
	end=$(( $(date +%s) + ${NSBOX_WAIT_S:-30} ))
	until "$@"; do
		[ "$(date +%s)" -ge "$end" ] && { say "gave up waiting for: $*"; return 1; }
		sleep 0.1
	done
}
# lab_end: the plan (check) or a summary (show); the exit status
lab_end() {
	if [ "$LAB_MODE" = show ]; then
		echo
		echo "$((n - fails)) of $n observations seen"
	else
		echo "1..$n"
	fi
	[ "$fails" = 0 ]
}
[ "$LAB_MODE" = check ] && echo "TAP version 13"
