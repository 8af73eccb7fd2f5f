#!/bin/sh
# verify.sh - VERIFY is known to work.  Every "VERIFY clean" check in the
# suite is only as good as VERIFY itself: one that compared nothing would
# pass them all.  Here the test variant of the module (nsbox-knobs.ko,
# kmod/testknob.c, never in nsbox.ko) makes one count of one group wrong
# at a time, and VERIFY must report exactly that: one mismatch, with the
# group's kind and id, the check and the field, the wrong value and the
# right one -- also while other tasks fork and exit all the time.  Undone,
# VERIFY must be clean again.
. "$(dirname "$0")/tap.sh"
KNOBS=$NSBOX_TESTMODS/nsbox-knobs.ko
SKEW=/sys/module/nsbox/parameters/test_skew
CG=/sys/fs/cgroup/nsbox-verify

echo "TAP version 13"
echo "1..35"

check "the test knob is in the test variant, and not in nsbox.ko" \
	sh -c 'grep -q test_skew "$1" && ! grep -q test_skew "$2"' _ "$KNOBS" "$NSBOX_KO"
until_ok rmmod nsbox
before=$(dmesg | grep -c "nsbox: TEST BUILD")
check "the test variant loads and says it is one" \
	sh -c 'insmod "$1" && [ -w "$2" ] && [ "$(dmesg | grep -c "nsbox: TEST BUILD")" -gt "$3" ]' \
	_ "$KNOBS" "$SKEW" "$before"

mkdir -p "$CG"
sleep 1000 &
sl=$!
echo "$sl" > "$CG/cgroup.procs"
cg=$(stat -c %i "$CG")
unshare -u sleep 1000 &
us=$!
# both sleeping (done with exec), the second in its own uts namespace:
# nothing moves from here on, VERIFY sees a quiet moment
until_ok sh -c '[ "$(readlink /proc/$1/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] &&
	[ "$(cat /proc/$1/comm)" = sleep ] && [ "$(cat /proc/$2/comm)" = sleep ]' _ "$us" "$sl"
uts=$(readlink /proc/$us/ns/uts | tr -dc 0-9)
diag "cgroup2 $cg holds $sl; uts $uts holds $us"

verify_clean() {
	out=$(nsbox verify -J); rc=$?
	[ "$rc" = 0 ] && echo "$out" | jq -e '.mismatches == 0 and .missing == 0' >/dev/null && return 0
	diag "verify: exit $rc: $(echo "$out" | jq -c . 2>&1)"
	return 1
}
check "VERIFY is clean before anything is changed" verify_clean

# Everything below runs on a busy machine: a loop forks and reaps
# children in the host's root groups all the while (groups_test's
# verify_exact_during_a_storm... keeps both CPUs busy for 1,000 VERIFYs).
# VERIFY must still report each planted skew exactly, and nothing else (a
# group whose counts keep changing is unsettled, never a mismatch).
# SIGTERM ends the loop once the helper running has reaped its children:
# after kill and wait, nothing of the storm is left (a quiet moment again)
storm() {
	trap 'exit 0' TERM
	while :; do /opt/nsbox/tests/box_helper forks-exit 20; done
}
storm & st1=$!

# skew_case KIND ID FIELD DELTA CHECK HAVE WANT: VERIFY reports exactly
# {KIND, ID, CHECK, FIELD, HAVE, WANT} and exits 1; then undo, clean again.
# HAVE "neg" stands for any value below 0.  The flow check names the sum.
FLOW=found+forks+moved_in-exits-moved_out
skew_case() {
	want_field=$3
	[ "$5" = flow ] && want_field=$FLOW
	echo "$1 $2 $3 $4" > "$SKEW" || { notok "skew $1 $3 by $4: write refused"; return; }
	out=$(nsbox verify -J); rc=$?
	if [ "$rc" = 1 ] && echo "$out" | jq -e --arg k "$1" --argjson id "$2" \
		--arg c "$5" --arg f "$want_field" --arg h "$6" --argjson w "$7" '
		.mismatches == 1 and (.mismatched | length == 1) and
		(.mismatched[0] | .kind == $k and .id == $id and .check == $c and
		 .field == $f and .want == $w and
		 (if $h == "neg" then .have < 0 else .have == ($h | tonumber) end))' >/dev/null; then
		ok "$1 $3 off by $4: VERIFY says $5, $want_field, have $6, want $7"
	else
		notok "$1 $3 off by $4: VERIFY says $5, $want_field, have $6, want $7"
		diag "verify: exit $rc: $(echo "$out" | jq -c . 2>&1)"
	fi
	echo "$1 $2 $3 $((-$4))" > "$SKEW"
}

skew_case cgroup2 "$cg" threads 1 threads 2 1
skew_case cgroup2 "$cg" procs 1 procs 2 1
skew_case cgroup2 "$cg" forks 1 flow 2 1
skew_case cgroup2 "$cg" exits 1 flow 0 1
skew_case cgroup2 "$cg" moved_in 3 flow 4 1
skew_case cgroup2 "$cg" moved_out 1 flow 0 1
skew_case cgroup2 "$cg" found -1 flow 0 1
skew_case uts "$uts" threads -1 threads 0 1
skew_case uts "$uts" forks 1 flow 2 1
for f in cpu_ns utime_ns stime_ns nvcsw nivcsw minflt majflt rchar wchar \
	read_bytes write_bytes syscr syscw; do
	skew_case cgroup2 "$cg" "$f" -1000000000000000 negative neg 0
done
check "undone, VERIFY is clean again" verify_clean
kill $st1
wait $st1 2>/dev/null

out=$(echo "cgroup2 $cg threads 5" > "$SKEW"; nsbox verify); rc=$?
echo "cgroup2 $cg threads -5" > "$SKEW"
check "the table names the group, check and field; exit 1" \
	sh -c '[ "$1" = 1 ] && echo "$2" | grep -qx "  kind=cgroup2 id=$3 check=threads field=threads have=6 want=1"' \
	_ "$rc" "$out" "$cg"

# the flow's base: tasks found at load, then whatever is here at a RESET
echo "$sl" > /sys/fs/cgroup/cgroup.procs
echo "$sl" > "$CG/cgroup.procs"
check "a task moved out and back: the flow balances" verify_clean
nsbox reset "cgroup2:$cg"
check "after a RESET the flow starts from the tasks there" verify_clean
sh -c 'echo $$ > "$1/cgroup.procs"; exit 0' _ "$CG"
check "a task that joined and exited after the RESET: clean" verify_clean

# Tasks the RESET's walk counted, that exit before it changes the group:
# taken away twice (from the walk's sum and from what they left), the
# group stayed below 0 for good.  RESET now sees that they exited and
# walks again.  The knob holds the RESET between its walk and its change.
HOLD=/sys/module/nsbox/parameters/test_reset_hold
for i in 1 2 3; do
	sh -c 'echo $$ > "$1/cgroup.procs"; exec sleep 1000' _ "$CG" &
done
until_ok sh -c '[ "$(wc -l < "$1/cgroup.procs")" = 4 ] &&
	for p in $(cat "$1/cgroup.procs"); do [ "$(cat /proc/$p/comm)" = sleep ] || exit 1; done' _ "$CG"
exiting=$(grep -vx "$sl" "$CG/cgroup.procs" | tr '\n' ' ')
echo 1 > "$HOLD"
nsbox reset "cgroup2:$cg" & rs=$!
until_ok grep -qx held "$HOLD"
# shellcheck disable=SC2086 # a list of pids
kill $exiting
# shellcheck disable=SC2086
wait $exiting 2>/dev/null
echo 0 > "$HOLD"
wait $rs; rc=$?
check "a RESET whose walk's tasks exit before it changes the group succeeds" [ "$rc" = 0 ]
check "... and leaves no group below 0 (VERIFY clean)" verify_clean

# A hook the kernel did not hand some calls (a kprobe hit while another
# is handled on that CPU: ns_free's, now and then) is not exact: nsbox
# groups warns, and nsbox info says exact false, with the same words
echo "ns_free 3" > /sys/module/nsbox/parameters/test_hook_miss
err=$(nsbox groups 2>&1 >/dev/null)
check "a hook that missed 3 calls: nsbox groups warns ($(echo "$err" | grep missed))" \
	sh -c 'echo "$1" | grep -q "warning: hook ns_free missed 3 calls .*namespace group state"' _ "$err"
check "... and nsbox info -J says exact false, with the warning" \
	sh -c 'nsbox info -J | jq -e ".exact == false and any(.warnings[]; test(\"hook ns_free missed 3 calls\"))" >/dev/null'

kill "$sl" "$us"
wait "$sl" "$us" 2>/dev/null
rmdir "$CG"
until_ok rmmod nsbox
check "nsbox.ko is back, without the knob" \
	sh -c 'insmod "$1" && [ ! -e "$2" ]' _ "$NSBOX_KO" "$SKEW"
[ "$fails" = 0 ]
