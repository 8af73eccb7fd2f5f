#!/bin/sh
# top.sh - `nsbox top` in the lab VM (TAP): usage errors, batch blocks, a
# busy box rising to the top, and the interactive screen driven through
# tmux as a person would: keys, a resize, q and Ctrl-C, with the terminal
# (stty, alternate screen, cursor) checked after each way out.
. "$(dirname "$0")/tap.sh"
# until COMMAND...: poll COMMAND every 0.1 s for up to NSBOX_WAIT_S
# seconds of wall time (30; check-debug gives 120).  A deadline, not a
# count of tries: on the debug kernel one try (tmux, awk) takes a second
# or more, and 300 tries took 7 minutes.  The deadline only bounds a
# failure: a passing wait ends as soon as COMMAND succeeds.

R=/tmp/toprfs
HDR='^nsbox top - [0-9][0-9]:[0-9][0-9]:[0-9][0-9] - [0-9]* groups'
COLS='^NAME  *TASKS  *CPU%  *LOAD1  *LOAD5  *LOAD15  *RSS  *READ/s  *WRITE/s  *FORKS/s  *OOM$'
# the NAME column of the table's rows, in screen order
names() { awk '/^NAME /{f = 1; next} f && NF {print $1}'; }

echo "TAP version 13"

# ---- usage errors ------------------------------------------------------------
for args in "-s bogus" "-d abc" "-d 0" "-d 1x" "-n 0" "-n x" "--kind bogus" "extra"; do
	err=$(timeout 10 nsbox top $args 2>&1 >/dev/null); rc=$?
	check "top $args: exit 2, usage message ($err)" \
		sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "^nsbox: top: .*; see '\''nsbox top --help'\''$"' _ "$rc" "$err"
done

# ---- batch mode ----------------------------------------------------------------
out=$(nsbox top -n 3 -d 0.5 2>&1); rc=$?
diag "$out"
check "batch -n 3 -d 0.5: exit 0, 3 blocks with a header line" \
	sh -c '[ "$1" = 0 ] && [ "$(echo "$2" | grep -c "$3")" = 3 ]' _ "$rc" "$out" "$HDR\$"
check "batch: every block has the column headings" \
	test "$(echo "$out" | grep -c "$COLS")" = 3
check "batch: plain text, no escape codes" \
	sh -c '! printf "%s" "$1" | grep -q "$(printf "\033")"' _ "$out"
check "batch: the root cgroup has a row with a CPU% and a load" \
	sh -c 'echo "$1" | grep -q "^/  *[0-9][0-9]*  *[0-9][0-9]*\.[0-9]  *[0-9]*\.[0-9][0-9] "' _ "$out"
out=$(nsbox top -n 1 -d 0.2 --kind net --kind uts,pid 2>&1)
r=$(echo "$out" | names)
check "--kind net --kind uts,pid: only net:ID, uts:ID, pid:ID rows" \
	sh -c 'r=$1; [ -n "$r" ] && ! echo "$r" | grep -qv "^\(net\|uts\|pid\):[0-9][0-9]*$" &&
		echo "$r" | grep -q ^net: && echo "$r" | grep -q ^uts: && echo "$r" | grep -q ^pid:' _ "$r"
rmmod nsbox
err=$(nsbox top -n 1 2>&1); rc=$?
check "module unloaded: exit 3 with the usual message" \
	sh -c '[ "$1" = 3 ] && echo "$2" | grep -q "^nsbox: kernel module not loaded"' _ "$rc" "$err"
insmod "$NSBOX_KO"

# ---- a busy box rises to the top -------------------------------------------------
nsbox rootfs create "$R" >/dev/null 2>&1
nsbox run --rootfs "$R" --name busy -d -- sh -c 'while :; do :; done' >/dev/null
nsbox run --rootfs "$R" --name idle -d -- sleep 1000 >/dev/null
out=$(nsbox top -n 2 -d 1 2>&1)
diag "$out"
last=$(echo "$out" | awk '/^NAME /{getline; row = $0} END {print row}')
set -- $last
check "batch -n 2: the last block's first row is busy, CPU% $3 > 20" \
	sh -c '[ "$1" = busy ] && echo "$2" | grep -q "^[0-9.]*$" && awk -v c="$2" "BEGIN { exit !(c > 20) }"' _ "$1" "$3"
idle=$(echo "$out" | awk '/^NAME /{b = ""} $1 == "idle" {b = $0} END {print b}')
set -- $idle
check "the idle box is listed by name, CPU% $3 < 5" \
	sh -c '[ "$1" = idle ] && echo "$2" | grep -q "^[0-9.]*$" && awk -v c="$2" "BEGIN { exit !(c < 5) }"' _ "$1" "$3"

# ---- interactive, in tmux ------------------------------------------------------
export TMUX_TMPDIR=/tmp
T="tmux -L nsboxtop"
pane() { $T capture-pane -p -t top; }
flag() { $T display-message -p -t top "#{$1}"; }
# first_is NAME: NAME is the first box row.  The root cgroup "/" is left
# out: it holds tmux, this script and nsbox top itself, and on a slow
# kernel (the debug lane) their CPU can pass the busy loop's.
first_is() { [ "$(pane | names | grep -vx / | head -n 1)" = "$1" ]; }
in_order() {	# in_order [-r]: the rows are sorted by name (-r: reversed)
	r=$(pane | names)
	[ "$(echo "$r" | wc -l)" -ge 3 ] && [ "$r" = "$(echo "$r" | sort $1)" ]
}
# After a resize to 70x5 nothing may wrap: a wrapped line would push
# its tail onto a screen line of its own, breaking this layout.
narrow() {
	pane | awk 'NR == 1 && !/^nsbox top - / { bad = 1 }
		NR == 2 && !/^keys: / { bad = 1 }
		NR == 3 && !/^NAME +TASKS +CPU% / { bad = 1 }
		NR > 3 && NF && !/^[a-z\/][^ ]* +[0-9]+ +[0-9.-]+ / { bad = 1 }
		END { exit bad || NR < 4 }'
}
# the shell in the pane saves `stty -a` to $1 (atomically: a rename)
stty_to() {
	rm -f "$1"
	$T send-keys -t top "stty -a > $1.tmp && mv $1.tmp $1" Enter
	until_ok test -f "$1"
}
exited() { [ "$(flag alternate_on)" = 0 ] && [ "$(flag pane_current_command)" != nsbox ]; }
# why nsbox top is still there: where it sleeps, which signals are
# pending and blocked, and whether it is the terminal's foreground group
why() {
	for p in $(pidof nsbox); do
		diag "nsbox top pid $p: wchan $(cat /proc/$p/wchan 2>/dev/null), syscall $(cat /proc/$p/syscall 2>/dev/null | cut -d' ' -f1)"
		diag "$(grep -E '^(State|SigPnd|ShdPnd|SigBlk|SigCgt)' /proc/$p/status 2>/dev/null)"
		diag "$(awk '{ print "pgrp " $5 ", tty foreground pgrp " $8 }' /proc/$p/stat 2>/dev/null)"
		diag "$(cat /proc/$p/stack 2>/dev/null)"
	done
}

if ! $T new-session -d -s top -x 120 -y 30 sh 2>/tmp/tmux.err; then
	diag "$(cat /tmp/tmux.err)"
	notok "tmux starts a session"
else
	stty_to /tmp/stty.before
	$T send-keys -t top 'nsbox top -d 0.5' Enter
	check "interactive: the header appears" until_ok sh -c "$T capture-pane -p -t top | grep -q '$HDR - sort: cpu'"
	check "interactive: busy is the first row" until_ok first_is busy
	check "interactive: alternate screen on, cursor hidden" \
		sh -c '[ "$1" = 1 ] && [ "$2" = 0 ]' _ "$(flag alternate_on)" "$(flag cursor_flag)"
	diag "$(pane)"
	$T send-keys -t top n
	check "key n: rows in name order" until_ok in_order
	$T send-keys -t top r
	check "key r: reversed name order" until_ok in_order -r
	$T send-keys -t top c
	check "key c: busy on top again" until_ok first_is busy
	$T resize-window -t top -x 70 -y 5
	check "resized to 70x5: lines cut to fit, nothing wraps" until_ok narrow
	check "resized to 70x5: 2 rows fit, the header did not scroll away" \
		test "$(pane | awk NF | wc -l)" = 5
	diag "$(pane)"
	$T resize-window -t top -x 120 -y 30
	$T send-keys -t top q
	check "key q: nsbox top exits, alternate screen off" until_ok exited
	check "key q: the cursor is visible again" test "$(flag cursor_flag)" = 1
	check "key q: no frame left on the normal screen" sh -c "! $T capture-pane -p -t top | grep -q '$HDR'"
	stty_to /tmp/stty.q
	check "key q: stty settings restored" cmp -s /tmp/stty.before /tmp/stty.q
	diff /tmp/stty.before /tmp/stty.q | sed 's/^/# /'

	$T send-keys -t top clear Enter 'nsbox top -d 0.5' Enter
	check "again: the header appears" until_ok sh -c "$T capture-pane -p -t top | grep -q '$HDR'"
	$T send-keys -t top C-c
	check "Ctrl-C: nsbox top exits, alternate screen off" until_ok exited || why
	check "Ctrl-C: the cursor is visible again" test "$(flag cursor_flag)" = 1
	$T send-keys -t top 'echo "rc=$?"' Enter
	check "Ctrl-C: nsbox top died of SIGINT (rc=130)" \
		until_ok sh -c "$T capture-pane -p -t top | grep -q '^rc=130'"
	stty_to /tmp/stty.int
	check "Ctrl-C: stty settings restored" cmp -s /tmp/stty.before /tmp/stty.int
	diff /tmp/stty.before /tmp/stty.int | sed 's/^/# /'
	diag "$(pane)"

	$T send-keys -t top clear Enter 'nsbox top -d 0.5' Enter
	check "once more: the header appears" until_ok sh -c "$T capture-pane -p -t top | grep -q '$HDR'"
	# A dump in progress holds a reference on the module (the kernel's
	# netlink_dump_start() takes it for the family's owner), so rmmod can
	# meet nsbox top mid-dump and fail with "in use": a user would try
	# again, and so does this (seen once in CI on 7.3, 4 checks failed).
	check "rmmod succeeds while nsbox top runs (retried while a dump holds the module)" \
		until_ok rmmod nsbox
	check "module removed under it: nsbox top exits, alternate screen off" until_ok exited
	check "module removed under it: the error is shown after the screen is restored" \
		sh -c "$T capture-pane -p -t top | grep -q '^nsbox: '"
	$T send-keys -t top 'echo "rc=$?"' Enter
	check "module removed under it: exit status not 0" \
		until_ok sh -c "$T capture-pane -p -t top | grep -q '^rc=[1-9]'"
	stty_to /tmp/stty.rmmod
	check "module removed under it: stty settings restored" cmp -s /tmp/stty.before /tmp/stty.rmmod
	diag "$(pane)"
	insmod "$NSBOX_KO"
	$T kill-server
fi

nsbox rm -f busy idle >/dev/null 2>&1
check "boxes removed" sh -c 'l=$(nsbox ls -n -o name) && ! echo "$l" | grep -q "busy\|idle"'

echo "1..$n"
[ "$fails" = 0 ]
