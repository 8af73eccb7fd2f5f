#!/bin/sh
# events.sh - the event stream in the lab VM (TAP): a scripted box
# (start, fork, exec, thread, OOM kill, exit) gives exactly the expected
# events, in order, with the box's ids; and who sees what.
. "$(dirname "$0")/tap.sh"

HELPER=/opt/nsbox/tests/box_helper
R=/tmp/ev-rootfs
echo "TAP version 13"
nsbox rootfs create --add "$HELPER" "$R" >/dev/null

# Wait until a listener is subscribed (GET_INFO counts subscribers).
subscribed() {
	nsbox info -J | jq -e ".event_subscribers >= $1" >/dev/null 2>&1
}
wait_subscribed() {
	i=0
	while ! subscribed "$1" && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
}

# ---- the scripted box ---------------------------------------------------------
# the same stream twice: as JSON and as text lines, to compare them
nsbox events -J > /tmp/ev.json &
evpid=$!
nsbox events > /tmp/ev.txt &
evtpid=$!
wait_subscribed 2
# --no-views: the views add one ns_change, PID 1 joining the time namespace
# it made (5.11+; views.sh checks the clock), which this sequence leaves out
nsbox run --rootfs "$R" --name scen --memory 24M --no-views -- "$HELPER" scenario; rc=$?
cg=$(sed -n 's/^cgroup_id=//p' /run/nsbox/scen/state)
pid1=$(sed -n 's/^pid=//p' /run/nsbox/scen/state)
# the box's last event is PID 1's exit: wait for it to arrive, not a time
i=0
while ! { jq -s -e "any(.[]; .type == \"exit\" and .pid == $pid1)" /tmp/ev.json >/dev/null 2>&1 &&
	  grep -q "^[0-9.]* exit  *pid=$pid1 " /tmp/ev.txt; } && [ $i -lt 200 ]; do
	sleep 0.05; i=$((i + 1))
done
kill $evpid $evtpid
jq -c "select(.cgroup == $cg)" /tmp/ev.json > /tmp/ev.box
seq=$(jq -r '.type + (if .type == "fork" and .thread then "(thread)" else "" end)' /tmp/ev.box | tr '\n' ' ')
diag "exit status $rc; the box's events: $seq"
check "box run ends with 137 (OOM-killed command)" test "$rc" = 137
expect="fork ns_change ns_change fork exec exec fork(thread) exit oom_kill exit exit "
check "scripted box: exactly fork, ns_change x2, fork, exec x2, thread, exit, oom_kill, exit, exit" \
	test "$seq" = "$expect"
check "PID 1's fork: new mnt,pid,net,uts,ipc namespaces (ns_change right after)" \
	sh -c 'jq -s -e ".[1].type == \"ns_change\" and (.[1].changed | index(\"uts\")) and (.[1].changed | index(\"pid\")) and .[1].pid == .[0].pid" /tmp/ev.box >/dev/null'
check "the second ns_change is PID 1's unshare of the cgroup namespace" \
	sh -c 'jq -s -e ".[2].changed == [\"cgroup\"] and .[2].pid == .[0].pid" /tmp/ev.box >/dev/null'
check "the first exec is PID 1's: it becomes nsbox-init, before the command runs" \
	sh -c 'jq -s -e ".[4].pid == $1" /tmp/ev.box >/dev/null' _ "$pid1"
check "exec: the helper's filename, in the command's pid" \
	sh -c 'jq -s -e ".[5].filename == \"$1\" and .[5].pid == .[3].pid" /tmp/ev.box >/dev/null' _ "$HELPER"
check "thread: same pid, its own tid" \
	sh -c 'jq -s -e ".[6].pid == .[5].pid and .[6].tid != .[6].pid" /tmp/ev.box >/dev/null'
check "oom_kill names the command; its exit says signal 9, no core, no exit status" \
	sh -c 'jq -s -e ".[8].pid == .[5].pid and .[9].pid == .[5].pid and .[9].signal == 9 and .[9].core_dumped == false and (.[9] | has(\"exit_status\") | not)" /tmp/ev.box >/dev/null'
check "PID 1 exits last with status 137 (128+9), no signal" \
	sh -c 'jq -s -e ".[10].pid == $1 and .[10].exit_status == 137 and (.[10] | has(\"signal\") | not)" /tmp/ev.box >/dev/null' _ "$pid1"
# Text and JSON come from one description of the fields: each JSON event,
# written out by hand as the documented text line, is exactly a line of
# the text stream, and there are as many of them.
JQ_LINE='def z6: tostring | ("000000" + .)[-6:];
	def pad(w): . + ((w - length) as $k | if $k > 0 then " " * $k else "" end);
	. as $e | "\(.time_ns / 1000000000 | floor).\(.time_ns % 1000000000 / 1000 | floor | z6) \(.type | pad(11))" +
	if .type == "lost" then " lost=\(.lost)" + (if .cpu then " cpu=\(.cpu)" else "" end)
	else " pid=\(.pid) tid=\(.tid) comm=\(.comm) cgroup=\(.cgroup)" +
		if .type == "fork" then " ppid=\(.ppid)" + (if .thread then " thread" else "" end)
		elif .type == "exec" then " filename=\(.filename)"
		elif .type == "exit" then
			(if .signal then " killed by signal \(.signal)" + (if .core_dumped then " (core dumped)" else "" end)
			 else " exit \(.exit_status)" end)
		elif .type == "ns_change" or .type == "cgroup_move" then
			" changed=\(.changed | join(","))" + ([.changed[] | " \(.)=\($e.old[.])->\(if . == "cgroup2" then $e.cgroup else $e.ns[.] end)"] | join(""))
		else "" end
	end'
jq -r "$JQ_LINE" /tmp/ev.box | sort > /tmp/ev.box.want
grep -E " cgroup=$cg( |\$)" /tmp/ev.txt | sort > /tmp/ev.box.txt
d=$(diff /tmp/ev.box.want /tmp/ev.box.txt)
diag "text: $(head -n 3 /tmp/ev.box.txt)${d:+
JSON as text (<) and text (>) differ:
$d}"
check "events: the text lines carry the JSON objects' values, field for field ($(wc -l < /tmp/ev.box.want) events)" \
	sh -c '[ "$(wc -l < /tmp/ev.box.want)" -ge 10 ] && [ -z "$1" ]' _ "$d"
nsnet=$(jq -s -r '.[4].ns.net' /tmp/ev.box)
check "events carry the box's namespace ids (net $nsnet is not the host's)" \
	test "$nsnet" != "$(stat -L -c %i /proc/self/ns/net)"
nsbox rm scen

# ---- the wait status, decoded -------------------------------------------------
# exit 3, and a SIGQUIT that dumps core (core files to /tmp for this)
nsbox events -k exit > /tmp/ev.exit.txt &
evtpid=$!
nsbox events -J -k exit > /tmp/ev.exit &
evpid=$!
wait_subscribed 2
pat=$(cat /proc/sys/kernel/core_pattern)
echo /tmp/core.%p > /proc/sys/kernel/core_pattern
sh -c 'echo $$ > /tmp/ev.p3; exit 3'
(cd /tmp && ulimit -c unlimited && exec sh -c 'echo $$ > /tmp/ev.pq; exec "$1" die 3' _ "$HELPER")
echo "$pat" > /proc/sys/kernel/core_pattern
p3=$(cat /tmp/ev.p3); pq=$(cat /tmp/ev.pq)
# (jq -s: jq 1.6's -e judges by the last input alone, whatever select kept)
until_ok sh -c 'grep -q " pid=$1 .*killed by" /tmp/ev.exit.txt && jq -s -e "any(.[]; .pid == $1)" /tmp/ev.exit >/dev/null' _ "$pq"
kill $evpid $evtpid
diag "$(grep -E " pid=($p3|$pq) " /tmp/ev.exit.txt | cat -A)"
diag "$(grep -E "\"pid\":($p3|$pq)," /tmp/ev.exit)"
check "exit 3: text 'exit 3', JSON exit_status 3 and no signal" \
	sh -c 'grep -q " pid=$1 .* exit 3\$" /tmp/ev.exit.txt && jq -s -e "map(select(.pid == $1)) | length == 1 and .[0].exit_status == 3 and (.[0] | has(\"signal\") | not)" /tmp/ev.exit >/dev/null' _ "$p3"
check "SIGQUIT with a core: 'killed by signal 3 (core dumped)', JSON signal 3, core_dumped" \
	sh -c 'grep -q " pid=$1 .* killed by signal 3 (core dumped)\$" /tmp/ev.exit.txt && jq -s -e "map(select(.pid == $1)) | length == 1 and .[0].signal == 3 and .[0].core_dumped == true and (.[0] | has(\"exit_status\") | not)" /tmp/ev.exit >/dev/null && [ -s /tmp/core.$1 ]' _ "$pq"
rm -f /tmp/core.*

# ---- who sees what ----------------------------------------------------------------
# An unprivileged user sees its own tasks only.  (The forks of the shell
# that starts a uid-1000 process are root's: they happen before setuid.)
"$HELPER" as-user 1000 nsbox events -J -k fork > /tmp/ev.user &
upid=$!
wait_subscribed 1
"$HELPER" forks-exit 5			# root's forks: not for uid 1000
"$HELPER" as-user 1000 "$HELPER" forks-exit 3
# a last fork of uid 1000 as a barrier: events come out in time order, so
# once it is in, a root fork wrongly delivered would be in too
"$HELPER" as-user 1000 "$HELPER" forks-exit 1
until_ok sh -c '[ "$(wc -l < /tmp/ev.user)" -ge 4 ]'
kill $upid
diag "uid 1000 saw: $(jq -c '[.pid, .ppid, .comm]' /tmp/ev.user | tr '\n' ' ')"
check "an unprivileged user sees its own forks (3 and the barrier) and nothing of root's" \
	test "$(jq -s 'length' /tmp/ev.user)" = 4

# Root in a box (own user, pid, cgroup namespaces) sees only the box, with
# the box's pid numbers, and may not reset or verify.
nsbox rootfs create --add /usr/local/bin/nsbox --add "$HELPER" "$R" >/dev/null
# the host keeps forking meanwhile (gently: the debug kernel is slow);
# SIGTERM ends the loop between two helpers, so after kill and wait no
# fork of it is left to show up in the subscriptions below
sh -c 'trap "exit 0" TERM; while :; do "$1" forks-exit 10; sleep 0.1; done' _ "$HELPER" &
storm=$!
out=$(nsbox run --rm --rootfs "$R" --user -- sh -c '
	nsbox events -J -k fork > /tmp/ev.box & e=$!
	i=0; while ! nsbox info -J | grep -q "\"event_subscribers\": *[1-9]" && [ $i -lt 200 ]; do i=$((i+1)); sleep 0.05; done
	/opt/nsbox/tests/box_helper forks-print 4 > /tmp/kids
	/opt/nsbox/tests/box_helper forks-print 1 >> /tmp/kids	# the barrier: events come in time order
	i=0; while [ "$(grep -c box_helper /tmp/ev.box)" -lt 5 ] && [ $i -lt 600 ]; do i=$((i+1)); sleep 0.05; done
	kill $e
	cat /tmp/ev.box
	sed "s/^/kid /" /tmp/kids
	nsbox reset >/dev/null 2>&1; echo "reset=$?"
	nsbox verify >/dev/null 2>&1; echo "verify=$?"' 2>&1)
kill $storm; wait $storm 2>/dev/null
diag "$out"
# box pids: exactly the (parent, child) pairs the helper saw from inside
kids=$(echo "$out" | sed -n 's/^kid \([0-9]*\) \([0-9]*\)$/[\1,\2]/p' | jq -s -c 'sort')
check "root in a box sees the box's forks only (the helper's 4 and the barrier), with the pids the box sees ($kids)" \
	sh -c 'echo "$1" | grep "^{" | jq -s -e --argjson k "$2" ".[0].ns.pid as \$b | all(.[]; .ns.pid == \$b) and ([.[] | select(.comm == \"box_helper\") | [.ppid, .pid]] | sort) == \$k and (\$k | length) == 5" >/dev/null' _ "$out" "$kids"
check "root in a box may not RESET or VERIFY (exit 4)" \
	sh -c 'echo "$1" | grep -qx "reset=4" && echo "$1" | grep -qx "verify=4"' _ "$out"

# ---- who sees what: groups and tasks ------------------------------------------------
nsbox run --rootfs "$R" --name vis -d -- sleep 1000 >/dev/null
viscg=$(sed -n 's/^cgroup_id=//p' /run/nsbox/vis/state)
out=$("$HELPER" as-user 1000 nsbox ps -J 2>&1)
bad=$(echo "$out" | jq -r '.tasks[].pid' | while read -r p; do
	u=$(sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$p/status 2>/dev/null)
	[ -n "$u" ] && [ "$u" != 1000 ] && echo "$p"; done)
check "an unprivileged user's ps lists its own tasks only (others: ${bad:-none})" \
	sh -c '[ -z "$1" ] && [ "$(echo "$2" | jq ".tasks | length")" -ge 1 ]' _ "$bad" "$out"
check "an unprivileged user does not see root's box cgroup; root does" \
	sh -c 'u=$("$1" as-user 1000 nsbox groups -J --kind cgroup2) && echo "$u" | jq -e ".groups | length > 0" >/dev/null &&
		! echo "$u" | jq -e ".groups[] | select(.id == $2)" >/dev/null &&
		nsbox groups -J --kind cgroup2 | jq -e ".groups[] | select(.id == $2)" >/dev/null' _ "$HELPER" "$viscg"
check "nor can it ask for it by id (no such group)" \
	sh -c '! "$1" as-user 1000 nsbox groups "cgroup2:$2" >/dev/null 2>&1' _ "$HELPER" "$viscg"
nsbox rm -f vis >/dev/null
# one box, three questions: the box's groups, tasks, and net namespace id
out=$(nsbox run --rm --rootfs "$R" --user -- sh -c 'nsbox groups -J > /tmp/g; nsbox ps -J > /tmp/t
	for d in /proc/[0-9]*; do echo "proc ${d#/proc/} $(cat $d/comm)"; done
	readlink /proc/self/ns/net; cat /tmp/g; echo =====; cat /tmp/t' 2>&1)
procs=$(echo "$out" | sed -n 's/^proc \([0-9]*\) \(.*\)$/{"pid":\1,"comm":"\2"}/p' | jq -s -c .)
out=$(echo "$out" | grep -v '^proc ')
boxnet=$(echo "$out" | head -n 1 | tr -dc 0-9)
groups=$(echo "$out" | sed '1d; /^=====$/,$d')
tasks=$(echo "$out" | sed '1,/^=====$/d')
diag "in the box: $(echo "$groups" | jq -c '[.groups[] | [.kind, .id, .path]]')"
check "root in a box sees only the box's groups (its net namespace, its cgroup as /)" \
	sh -c 'echo "$1" | jq -e "([.groups[] | select(.kind == \"net\")] | map(.id) == [$2]) and ([.groups[] | select(.kind == \"cgroup2\")] | map(.path) == [\"/\"])" >/dev/null' _ "$groups" "$boxnet"
diag "box /proc: $procs"
# every task but the ps itself (gone by then) is in the box's /proc under
# the same pid and name: host pid numbers would not be
check "root in a box lists only the box's tasks, with the box's pids" \
	sh -c 'echo "$1" | jq -e --argjson p "$2" "([.tasks[] | select(.comm != \"nsbox\")] | length) >= 1 and all(.tasks[] | select(.comm != \"nsbox\"); {pid, comm} as \$t | \$p | index([\$t]) != null)" >/dev/null' _ "$tasks" "$procs"

echo "1..$n"
[ "$fails" = 0 ]
