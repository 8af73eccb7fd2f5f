#!/bin/sh
# supervise.sh - the monitor as a supervisor (TAP): --restart with its
# counts and the last exit, nsbox logs (follow, tail, timestamps,
# rotation), the monitor's UNIX socket and who may use it, and clean-up
# when the monitor itself was killed.
. "$(dirname "$0")/tap.sh"

HELPER=/opt/nsbox/tests/box_helper
R=/tmp/sup-rootfs
field() { nsbox ls -J | jq -r --arg n "$1" ".boxes[] | select(.name == \$n) | .$2"; }
status_is() { case $(field "$1" status) in "$2"*) return 0 ;; esac; return 1; }

echo "TAP version 13"
nsbox rootfs create --add "$HELPER" "$R" >/dev/null 2>&1 ||
	{ echo "Bail out! cannot make a rootfs"; exit 1; }

# ---- --restart on-failure:N ----------------------------------------------------
# A run of 10 s or more is healthy: the back-off starts again, the count
# does not (1 restart, then down; checked at the end, it takes two runs)
nsbox run -d --rootfs "$R" --name slow1 --restart on-failure:1 -- sh -c 'echo slow; sleep 10; exit 2' >/dev/null
nsbox run -d --rootfs "$R" --name fail3 --restart on-failure:3 -- sh -c 'echo run; exit 3' >/dev/null
until_ok status_is fail3 exited
out=$(nsbox ls -J | jq -c '.boxes[] | select(.name == "fail3") | [(.restarts | tostring), .last_exit, .restart, .status]')
check "on-failure:3: started again 3 times, then down; ls -J shows it ($out)" \
	test "$out" = '["3","exit 3","on-failure:3","exited(3)"]'
out=$(nsbox logs fail3 | grep -c '^run$')
check "the log is kept across restarts: 4 runs, 4 lines ($out)" test "$out" = 4

# ---- --restart always: survives kill -9 of the command; stop ends it -----------
nsbox run -d --rootfs "$R" --name always --restart always -- sh -c 'echo up; echo oops >&2; exec sleep 1000' >/dev/null
p1=$(field always pid)
nsbox logs -f always > /tmp/sup-follow.out 2>/tmp/sup-follow.err &
follow=$!
until_ok grep -q '^up$' /tmp/sup-follow.out
nsbox events -J -k restart -b always -n 1 > /tmp/sup-ev.json 2>&1 &
evpid=$!
# its watches are in (the state root's and the box's): the restart cannot slip by
until_ok sh -c '[ "$(cat /proc/$1/fdinfo/* 2>/dev/null | grep -c "^inotify wd:")" -ge 2 ]' _ "$evpid"
cmd=$(first_child "$p1")
kill -9 "$cmd"
until_ok sh -c '[ "$(nsbox ls -J | jq -r ".boxes[] | select(.name == \"always\") | .restarts")" = 1 ] && nsbox ls -r -n -o name,status | grep -qx "always running"'
check "always: back after kill -9 of its command (a new PID 1: $p1 -> $(field always pid); $(field always last_exit))" \
	sh -c '[ "$1" != "$2" ] && [ "$3" = "killed by signal 9" ]' _ "$p1" "$(field always pid)" "$(field always last_exit)"
until_ok exited "$evpid"
out=$(cat /tmp/sup-ev.json)
check "nsbox events: the restart is an event with the box's name ($out)" \
	sh -c 'echo "$1" | jq -e "select(.type == \"restart\" and .box == \"always\" and .restarts == 1 and .signal == 9)" >/dev/null' _ "$out"
until_ok sh -c '[ "$(grep -c "^up$" /tmp/sup-follow.out)" = 2 ]'
check "logs -f follows across the restart (stdout: $(grep -c '^up$' /tmp/sup-follow.out) ups, stderr: $(grep -c '^oops$' /tmp/sup-follow.err) oops)" \
	sh -c '[ "$(grep -c "^up$" /tmp/sup-follow.out)" = 2 ] && [ "$(grep -c "^oops$" /tmp/sup-follow.err)" = 2 ]'
out=$(nsbox logs -t --tail 2 always 2>/dev/null)
check "logs -t --tail 2: the last line of stdout (the other is stderr's), with an RFC 3339 time ($out)" \
	sh -c 'echo "$1" | grep -qE "^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-9:]{8}\.[0-9]{9}Z up$"' _ "$out"

# ---- rootless: the same supervisor, in the user's own runtime directory --------------
U="$HELPER as-user 1000"
$U nsbox run -d --rootfs "$R" --name rlr --restart on-failure:1 -- sh -c 'echo rootless; exit 1' >/dev/null
until_ok sh -c '$1 nsbox ls -r -n -o name,status | grep -qx "rlr exited(1)"' _ "$U"
out="$($U nsbox ls -J | jq -r '.boxes[] | select(.name == "rlr") | "\(.restarts) \(.last_exit)"') / $($U nsbox logs rlr | grep -c '^rootless$')"
check "rootless: restarted once by its own monitor, both runs in its log ($out)" test "$out" = "1 exit 1 / 2"
$U nsbox rm rlr

# ---- the socket: SO_PEERCRED, the protocol, what a box can reach ---------------------
sock=/run/nsbox/always/sock
check "the monitor's socket is 0600, in a 0700 directory" \
	sh -c '[ "$(stat -c %a "$1")" = 600 ] && [ "$(stat -c %a /run/nsbox/always)" = 700 ]' _ "$sock"
fail=
for c in "stop always" "rm -f always" "logs always" "exec always true"; do
	err=$("$HELPER" as-user 1000 nsbox $c 2>&1); rc=$?
	# (exec: 125, its status for "could not join the box")
	echo "$err" | grep -q "permission denied" && { [ "$rc" = 4 ] || [ "$rc" = 125 ]; } ||
		fail="$fail [$c: $rc $err]"
done
check "uid 1000 is refused stop, rm, logs and exec of root's box${fail:+:$fail}" \
	sh -c '[ -z "$1" ] && nsbox ls -r -n -o name,status | grep -qx "always running"' _ "$fail"
# with the file modes opened up, the monitor's own check still says no
chmod 0711 /run/nsbox /run/nsbox/always
chmod 0666 "$sock"
out=$("$HELPER" as-user 1000 "$HELPER" sup-request "$sock" "nsbox/1 stop 1" 2>&1)
chmod 0700 /run/nsbox /run/nsbox/always
chmod 0600 "$sock"
check "SO_PEERCRED: uid 1000 reaching the socket is refused by the monitor ($out)" \
	sh -c 'echo "$1" | grep -q "^error permission denied" && nsbox ls -r -n -o name,status | grep -qx "always running"' _ "$out"
"$HELPER" sup-request "$sock" "" 2>/dev/null
out=$("$HELPER" sup-request "$sock" "nsbox/9 ping"; "$HELPER" sup-request "$sock" "nsbox/1 ping")
check "a client that hangs up does not hurt; another version is refused; ping ($(echo $out))" \
	sh -c 'echo "$1" | head -1 | grep -q "^error unsupported protocol" && echo "$1" | tail -1 | grep -q "^ok nsbox/1 always pid [1-9]"' _ "$out"
mon=$(sed -n 's/^monitor=//p' /run/nsbox/always/state)
out=$(nsbox exec always sh -c "ls /run/nsbox 2>&1; kill -0 $mon 2>&1; echo end")
check "box root sees neither the socket's directory nor the monitor's pid ($(echo $out))" \
	sh -c 'echo "$1" | grep -q "No such file" && ! echo "$1" | grep -qx "always" && echo "$1" | grep -q "end"' _ "$out"
nsbox stop -t 5 always
wait "$follow"
check "stop ends restarting: exited, 1 restart, and logs -f ended with it" \
	sh -c 'nsbox ls -r -n -o name,status,restarts | grep -qx "always exited(143) 1"'

# ---- rotation ----------------------------------------------------------------------
# the box writes once a follower is there (it waits for /tmp/go, its own tmpfs)
nsbox run -d --rootfs "$R" --name rot --log-size 4k -- sh -c 'echo start; until [ -e /tmp/go ]; do sleep 0.1; done; i=0; while [ $i -lt 300 ]; do echo "line $i"; i=$((i+1)); done' >/dev/null
nsbox logs -f rot > /tmp/sup-rot.out &
rotf=$!
# "start" printed: the follower asked the monitor for what comes next
until_ok grep -q '^start$' /tmp/sup-rot.out
nsbox exec rot touch /tmp/go
until_ok status_is rot exited
until_ok exited "$rotf"
check "logs -f across rotations: all 300 lines, in order ($(wc -l < /tmp/sup-rot.out) lines)" \
	sh -c 'i=-1; while read -r l; do [ $i = -1 ] && [ "$l" = start ] || [ "$l" = "line $i" ] || exit 1; i=$((i+1)); done < /tmp/sup-rot.out; [ $i = 300 ]'
d=/run/nsbox/rot/disk
lines=$(nsbox logs rot | wc -l)
first=$(nsbox logs rot | head -1 | cut -d' ' -f2)
check "--log-size 4k: log and log.1 each at most 4k ($(stat -c %s $d/log $d/log.1 | tr '\n' ' ')), the newest $lines lines in order" \
	sh -c '[ "$(stat -c %s "$1/log")" -le 4096 ] && [ "$(stat -c %s "$1/log.1")" -le 4096 ] && [ "$2" -lt 300 ] && [ "$(nsbox logs rot | tail -1)" = "line 299" ] && [ "$3" = $((300 - $2)) ]' _ "$d" "$lines" "$first"

# logs while the monitor rotates as fast as it can: every read succeeds
# and is one run of lines, none missing (log.1 and log read as one pair)
nsbox run -d --rootfs "$R" --name spin --log-size 4k -- sh -c 'i=0; while :; do echo $i; i=$((i+1)); done' >/dev/null
until_ok test -e /run/nsbox/spin/disk/log.1
bad=0
for i in $(seq 20); do
	nsbox logs spin >/tmp/sup-spin.out 2>&1 &&
		awk 'NR > 1 && $1 != prev + 1 { exit 1 } { prev = $1 } END { exit NR < 2 }' /tmp/sup-spin.out ||
		{ bad=$((bad + 1)); diag "$(grep -v '^[0-9]*$' /tmp/sup-spin.out | head -2)"; }
done
nsbox rm -f spin
check "20 reads of a log rotated every few ms: each whole and in order ($bad not)" test "$bad" = 0

# ---- attach: a -t box's terminal, through its monitor -----------------------------
T="tmux -L nsboxsup"
pane() { $T capture-pane -p -t "$1"; }
nsbox run -d -t --rootfs "$R" --name tty -- sh >/dev/null
if ! $T new-session -d -s a1 -x 80 -y 24 "nsbox attach tty; echo attach-exit=\$?; sleep 600" 2>/tmp/tmux.err; then
	diag "$(cat /tmp/tmux.err)"
	notok "tmux starts a session"
else
	$T new-session -d -s a2 -x 80 -y 24 "nsbox attach tty; echo attach-exit=\$?; sleep 600"
	$T send-keys -t a1 'echo hi-$((40+2)) $(tty)' Enter
	until_ok sh -c "$T capture-pane -p -t a1 | grep -q '^hi-42 /dev/pts/'"
	check "attach: typed into the box, its output back ($(pane a1 | grep '^hi-42'))" \
		sh -c "$T capture-pane -p -t a1 | grep -q '^hi-42 /dev/pts/0'"
	until_ok sh -c "$T capture-pane -p -t a2 | grep -q '^hi-42'"
	check "a second client attached sees the same output" sh -c "$T capture-pane -p -t a2 | grep -q '^hi-42'"
	$T resize-window -t a1 -x 70 -y 20 2>/dev/null
	$T send-keys -t a1 'echo size=$(stty size)' Enter
	until_ok sh -c "$T capture-pane -p -t a1 | grep -q '^size=20 70'"
	check "the window size passes through ($(pane a1 | grep '^size='))" \
		sh -c "$T capture-pane -p -t a1 | grep -q '^size=20 70'"
	$T send-keys -t a1 C-p C-q
	until_ok sh -c "$T capture-pane -p -t a1 | grep -q '^attach-exit=0'"
	check "ctrl-p ctrl-q detaches (attach exits 0); the box runs on" \
		sh -c "$T capture-pane -p -t a1 | grep -q '^attach-exit=0' && nsbox ls -r -n -o name,status | grep -qx 'tty running'"
	$T send-keys -t a2 'exit 7' Enter
	until_ok sh -c "$T capture-pane -p -t a2 | grep -q '^attach-exit=7'"
	check "when the box ends, attach exits with its status ($(pane a2 | grep attach-exit)); the log holds the session" \
		sh -c "$T capture-pane -p -t a2 | grep -q '^attach-exit=7' && nsbox logs tty | grep -q '^hi-42 /dev/pts/0\$'"
	# run -t in the foreground: attached before the command starts, so its
	# first output and its status are not missed however fast it ends
	$T new-session -d -s a3 -x 80 -y 24 "nsbox run -t --rm --rootfs $R -- sh -c 'echo early-\$((6*7)); exit 5'; echo run-exit=\$?; sleep 600"
	until_ok sh -c "$T capture-pane -p -t a3 | grep -q '^run-exit='"
	check "run -t: the first output and the status of a command that ends at once ($(pane a3 | grep -E '^(early|run-exit)' | tr '\n' ' '))" \
		sh -c "$T capture-pane -p -t a3 | grep -q '^early-42' && $T capture-pane -p -t a3 | grep -q '^run-exit=5'"
	$T kill-server 2>/dev/null
fi
# A client's messages the monitor has not read when the box ends: closing
# a socket with unread messages resets the peer, whose recv() then fails
# before it reads the exit status queued for it (run -t lost "exit 5" so).
# The monitor is stopped while the client sends and PID 1 is killed; the
# client while the monitor ends.
nsbox run -d -t --rootfs "$R" --name unread -- sleep 1000 >/dev/null
mon=$(sed -n 's/^monitor=//p' /run/nsbox/unread/state)
p1=$(field unread pid)
$HELPER sup-attach /run/nsbox/unread/sock >/tmp/sup-att.out 2>&1 &
att=$!
until_ok grep -q '^ok attached' /tmp/sup-att.out
kill -STOP "$mon"
kill -USR1 "$att"
until_ok grep -qx sent /tmp/sup-att.out
# the client stopped too: it reads only after the monitor is gone
kill -STOP "$att"
until_ok sh -c '[ "$(cut -d" " -f3 /proc/$1/stat)" = T ]' _ "$att"
kill -9 "$p1"
# a zombie: its SIGCHLD is the stopped monitor's, waiting with the messages
until_ok sh -c '[ "$(cut -d" " -f3 /proc/$1/stat)" = Z ]' _ "$p1"
kill -CONT "$mon"
until_ok exited "$mon"
kill -CONT "$att"
until_ok exited "$att"
check "unread messages in the monitor's queue do not cost an attached client the exit status ($(tail -1 /tmp/sup-att.out))" \
	grep -qx 'exit 137' /tmp/sup-att.out
nsbox run -d --rootfs "$R" --name notty -- sleep 1000 >/dev/null
nsbox run -d --rm --rootfs "$R" --name rmcaps -- sleep 1000 >/dev/null
caps() { grep -E "^Cap(Eff|Bnd):" "/proc/$(sed -n 's/^monitor=//p' "/run/nsbox/$1/state")/status" | tr -d '\t' | tr '\n' ' '; }
out="$(caps notty)/ $(caps rmcaps)"
check "the monitor keeps no capability once the box runs; with --rm, sys_admin and net_admin to undo it ($out)" \
	test "$out" = "CapEff:0000000000000000 CapBnd:0000000000000000 / CapEff:0000000000201000 CapBnd:0000000000201000 "
nsbox stop rmcaps
check "... and with them --rm removes the box" test ! -e /run/nsbox/rmcaps
err=$(nsbox attach notty 2>&1); rc=$?
check "attach to a box without -t: a clear error ($err)" \
	sh -c '[ "$1" = 1 ] && echo "$2" | grep -q "has no terminal to attach to: start it with nsbox run -t"' _ "$rc" "$err"
out=$("$HELPER" sup-request /run/nsbox/notty/sock "nsbox/1 stop 5")
check "stop over the socket from a client that shut down its sending side: answered ($out)" \
	sh -c '[ "$1" = "ok exited 143" ] && nsbox ls -r -n -o name,status | grep -qx "notty exited(143)"' _ "$out"

# ---- a full disk/: what the log lost is said, not hidden ---------------------------
nsbox run -d --overlay --disk 3M --log-size 1M --rootfs "$R" --name full -- sh -c 'dd if=/dev/zero of=/fill bs=64k count=100 2>/dev/null; echo after-full' >/dev/null
until_ok status_is full exited
out=$(nsbox logs full 2>&1)
check "disk/ full: the lost line is missing and logs says so ($out)" \
	sh -c '! echo "$1" | grep -q after-full && echo "$1" | grep -q "wrote 1 line(s) the log has no room for"' _ "$out"

until_ok status_is slow1 exited
out=$(nsbox ls -J | jq -c '.boxes[] | select(.name == "slow1") | [(.restarts | tostring), .status]')
check "on-failure:1 with runs of 10 s: started again once, then down; a long run resets the wait, not the count ($out)" \
	test "$out" = '["1","exited(2)"]'

# ---- the monitor killed: rm -f still cleans up --------------------------------------
nsbox run -d --rootfs "$R" --name orphan --restart always -- sleep 1000 >/dev/null
mon=$(sed -n 's/^monitor=//p' /run/nsbox/orphan/state)
kill -9 "$mon"
until_ok exited "$mon"
nsbox rm -f orphan fail3 slow1 rot always full tty notty unread
check "with its monitor killed, rm -f leaves nothing (no cgroup, state dir or mount)" \
	sh -c '[ -z "$(ls /run/nsbox)" ] && [ -z "$(find /sys/fs/cgroup/nsbox -mindepth 1 -maxdepth 1 -type d)" ] && ! grep -q /run/nsbox /proc/self/mountinfo'

echo "1..$n"
[ "$fails" = 0 ]
