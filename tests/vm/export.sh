#!/bin/sh
# export.sh - `nsbox export` and `nsbox serve` on this kernel, in the lab VM
# (TAP): the metrics say what `nsbox groups` says, the options restrict
# what they should, -o replaces a file atomically, a scrape without the
# module says nsbox_up 0, serve listens on loopback unless told.  The
# Prometheus server and promtool side is tests/host/prometheus.sh.
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
NSBOX_KO=${NSBOX_KO:-/lib/modules/nsbox/nsbox.ko}
T=/tmp/export-test
mkdir -p $T

# a quiet group to compare: a box whose command only sleeps
nsbox run -d --name exp -- /bin/sh -c 'sleep 1000' > /dev/null
CG=/sys/fs/cgroup/nsbox/exp
cgid=$(nsbox ls -J -o name,cgroup_id | jq -r '.boxes[] | select(.name == "exp") | .cgroup_id')
# sample NAME LABELS FILE: the value of the sample NAME{LABELS...}
sample() {
	grep "^$1{.*$2" "$3" | head -n 1 | sed 's/.* //'
}

nsbox export > $T/m 2> $T/err
rc=$?
check "export exits 0, nothing on stderr" sh -c '[ "$1" = 0 ] && [ ! -s "$2" ]' _ "$rc" $T/err
check "nsbox_up 1, then nsbox_module_info with this kernel's release" \
	sh -c 'grep -qx "nsbox_up 1" "$1" && grep -q "^nsbox_module_info{.*kernel=\"$(uname -r)\"} 1$" "$1"' _ $T/m
nsbox groups --no-adopt -J "cgroup2:$cgid" > $T/g
procs=$(jq -r '.groups[0].procs' $T/g)
forks=$(jq -r '.groups[0].forks' $T/g)
diag "box exp: cgroup $cgid, groups says procs $procs forks $forks; export says $(grep "id=\"$cgid\"" $T/m | grep -e _processes -e _forks | tr '\n' ' ')"
check "the box's cgroup carries box=\"exp\" and its path" \
	grep -q "^nsbox_group_processes{kind=\"cgroup2\",id=\"$cgid\",path=\"/nsbox/exp\",box=\"exp\"}" $T/m
check "its processes and forks are what nsbox groups and cgroup.procs say" \
	sh -c '[ "$1" = "$2" ] && [ "$1" = "$(wc -l < "$4/cgroup.procs")" ] && [ "$3" = "$5" ]' \
	_ "$(sample nsbox_group_processes "id=\"$cgid\"" $T/m)" "$procs" \
	"$(sample nsbox_group_forks_total "id=\"$cgid\"" $T/m)" "$CG" "$forks"
# one series per group and family: as many nsbox_group_threads samples as
# groups (counted before and after, the set must not have moved)
n1=$(nsbox groups --no-adopt -J | jq '.groups | length')
nsbox export > $T/m2
n2=$(nsbox groups --no-adopt -J | jq '.groups | length')
ns=$(grep -c '^nsbox_group_threads{' $T/m2)
diag "groups: $n1, $n2; nsbox_group_threads samples: $ns"
check "one nsbox_group_threads sample per group nsbox groups lists" \
	sh -c '[ "$1" = "$2" ] && [ "$1" = "$3" ]' _ "$n1" "$n2" "$ns"

nsbox export --kind cgroup2 > $T/k
check "--kind cgroup2: only cgroup2 groups" \
	sh -c 'grep -q "kind=\"cgroup2\"" "$1" && ! grep "^nsbox_group_" "$1" | grep -qv "kind=\"cgroup2\""' _ $T/k
nsbox export --kind net --kind pid > $T/k
check "--kind net --kind pid: both, nothing else" \
	sh -c 'grep -q "kind=\"net\"" "$1" && grep -q "kind=\"pid\"" "$1" &&
		! grep "^nsbox_group_" "$1" | grep -v "kind=\"net\"" | grep -qv "kind=\"pid\""' _ $T/k
# an empty cgroup (a task passed through it, so the module knows it):
# listed without --skip-empty, left out with it
mkdir -p /sys/fs/cgroup/export-empty
sh -c 'echo $$ > /sys/fs/cgroup/export-empty/cgroup.procs && echo $$ > /sys/fs/cgroup/cgroup.procs'
eid=$(stat -c %i /sys/fs/cgroup/export-empty)
nsbox export > $T/all
nsbox export --skip-empty > $T/skip
diag "empty cgroup: $(grep "^nsbox_group_threads{.*id=\"$eid\"" $T/all) | with --skip-empty: $(grep -c "id=\"$eid\"" $T/skip) samples; zero-thread samples: $(grep -c '^nsbox_group_threads{.*} 0$' $T/skip)"
check "--skip-empty leaves out an empty cgroup (id $eid) that is listed otherwise" \
	sh -c 'grep -q "^nsbox_group_threads{.*id=\"$1\"" "$2" && ! grep -q "id=\"$1\"" "$3" &&
		! grep -q "^nsbox_group_threads{.*} 0$" "$3"' _ "$eid" $T/all $T/skip
rmdir /sys/fs/cgroup/export-empty

nsbox export --format openmetrics > $T/om
check "openmetrics: ends with # EOF, info type, counter families named without _total" \
	sh -c '[ "$(tail -n 1 "$1")" = "# EOF" ] && grep -qx "# TYPE nsbox_module info" "$1" &&
		grep -qx "# TYPE nsbox_group_forks counter" "$1" && grep -q "^nsbox_group_forks_total{" "$1" &&
		grep -qx "# UNIT nsbox_group_cpu_seconds seconds" "$1"' _ $T/om
check "prometheus format: counter families named with _total, no # EOF" \
	sh -c 'grep -qx "# TYPE nsbox_group_forks_total counter" "$1" && ! grep -q "^# EOF" "$1" && ! grep -q "^# UNIT" "$1"' _ $T/m

# -o: a new file (0644), and replacing one: a reader of the old file keeps
# its text (rename, not rewrite), no temporary file left
mkdir -p $T/tf
echo "old" > $T/tf/nsbox.prom
ino1=$(stat -c %i $T/tf/nsbox.prom)
exec 7< $T/tf/nsbox.prom
nsbox export -o $T/tf/nsbox.prom
rc=$?
ino2=$(stat -c %i $T/tf/nsbox.prom)
check "-o FILE: exit 0, FILE replaced by rename (inode $ino1 -> $ino2), mode 644, no temporary file left" \
	sh -c '[ "$1" = 0 ] && [ "$2" != "$3" ] && [ "$(stat -c %a "$4/nsbox.prom")" = 644 ] &&
		[ "$(ls "$4" | wc -l)" = 1 ] && grep -qx "nsbox_up 1" "$4/nsbox.prom"' _ "$rc" "$ino1" "$ino2" $T/tf
check "... and a reader of the old file still reads the old text" sh -c 'read -r l <&7; [ "$l" = old ]'
exec 7<&-
nsbox export -o /nonexistent/dir/nsbox.prom 2> $T/err
rc=$?
check "-o into a missing directory: exit 1, the message names the file" \
	sh -c '[ "$1" = 1 ] && grep -q "/nonexistent/dir/nsbox.prom" "$2"' _ "$rc" $T/err

# usage errors: exit 2, the message says what was wrong
for a in "--format json" "--kind bogus" "extra" "--bogus"; do
	# shellcheck disable=SC2086
	nsbox export $a > /dev/null 2> $T/err
	rc=$?
	check "export $a: exit 2 with a message ($(head -n 1 $T/err))" \
		sh -c '[ "$1" = 2 ] && grep -q "^nsbox: export: " "$2"' _ "$rc" $T/err
done
nsbox serve --listen nonsense > /dev/null 2> $T/err
rc=$?
check "serve --listen nonsense: exit 2 ($(head -n 1 $T/err))" test "$rc" = 2

# serve: loopback by default (/proc/net/tcp: 0100007F = 127.0.0.1, 2677 = 9847)
nsbox serve 2> $T/serve.log &
SP=$!
listening() { grep -q ' 0100007F:2677 00000000:0000 0A ' /proc/net/tcp; }
check "serve listens on 127.0.0.1:9847 by default" until_ok listening
check "... and on no other address" sh -c '! grep " 0A " /proc/net/tcp | grep ":2677 " | grep -qv " 0100007F:2677 "'
code=$(curl -s -o $T/s -w '%{http_code}' http://127.0.0.1:9847/metrics)
check "GET /metrics: 200 and a whole scrape" sh -c '[ "$1" = 200 ] && grep -qx "nsbox_up 1" "$2"' _ "$code" $T/s
nsbox serve --listen 127.0.0.1:9847 > /dev/null 2> $T/err
rc=$?
check "a second serve on the same port: exit 1, says the port may be in use ($(head -n 1 $T/err))" \
	sh -c '[ "$1" = 1 ] && grep -q "in use" "$2"' _ "$rc" $T/err

rmmod nsbox
code=$(curl -s -o $T/s -w '%{http_code}' http://127.0.0.1:9847/metrics)
check "module unloaded: serve answers 503 with the reason" \
	sh -c '[ "$1" = 503 ] && grep -q "not loaded" "$2"' _ "$code" $T/s
nsbox export -o $T/tf/nsbox.prom 2> $T/err
rc=$?
check "module unloaded: export -o exits 3, writes nsbox_up 0, says why" \
	sh -c '[ "$1" = 3 ] && grep -qx "nsbox_up 0" "$2" && ! grep -q "^nsbox_group_" "$2" && grep -q "not loaded" "$3"' \
	_ "$rc" $T/tf/nsbox.prom $T/err
insmod "$NSBOX_KO"
code=$(curl -s -o $T/s -w '%{http_code}' http://127.0.0.1:9847/metrics)
check "module reloaded: the same serve answers 200 again" test "$code" = 200
kill -TERM $SP
wait $SP
rc=$?
check "serve exits 0 on SIGTERM" test "$rc" = 0

nsbox rm -f exp > /dev/null 2>&1
rm -rf $T
echo "1..$n"
[ "$fails" = 0 ]
