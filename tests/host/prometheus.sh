#!/bin/bash
# tests/host/prometheus.sh [KVER] - nsbox's metrics against a real Prometheus
# (TAP).
#
# The lab VM runs `nsbox serve` on a busy guest: a box burning CPU, a box
# with its own namespaces, a box that was OOM-killed, namespaces kept only
# by a bind mount, a removed cgroup, and a cgroup whose name needs
# escaping.  scripts/vm.sh --forward
# brings the guest's port to the host's loopback, where
#   - promtool (Debian's prometheus package) lints the text format;
#   - a real Prometheus server (same package) scrapes it every second, in
#     OpenMetrics, which it asks for first: its own parser checks that
#     format, and its HTTP API must answer rate() for the box;
#   - the box's CPU seconds in Prometheus must agree with the box cgroup's
#     cpu.stat within 2% once the box is frozen;
#   - two scrapes at once, a malformed request, a scrape with the module
#     unloaded (503), SIGTERM with a request in flight.
# Host and guest take turns: the guest prints "STEP name" on the console
# and waits in `nc -l` on a second forwarded port; the host does its part
# and connects there to let the guest go on.  No sleep decides anything:
# each wait is for a condition, with a deadline.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
KVER=${1:-$(default_kver)}

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $*"; }
check() {	# check DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

for b in promtool prometheus curl; do
	command -v "$b" >/dev/null || skip_all "$b not installed (scripts/deps.sh --check installs it)"
done

TMP=$(mktemp -d /tmp/nsbox-prom.XXXXXX)
VM_PID=
PROM_PID=
cleanup() {
	[ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null
	[ -n "$VM_PID" ] && kill "$VM_PID" 2>/dev/null && wait "$VM_PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

# Three free ports on the host's loopback: metrics, control, Prometheus.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
MPORT=$(free_port)
CPORT=$(free_port)
while [ "$CPORT" = "$MPORT" ]; do CPORT=$(free_port); done
PPORT=$(free_port)
while [ "$PPORT" = "$MPORT" ] || [ "$PPORT" = "$CPORT" ]; do PPORT=$(free_port); done
URL=http://127.0.0.1:$MPORT/metrics

# ---- the guest's part ---------------------------------------------------------
cat > "$TMP/guest.sh" <<'EOF'
#!/bin/sh
# wait for the host: "STEP NAME" on the console, then the host connects
step() { echo "STEP $1 (guest uptime $(cut -d" " -f1 /proc/uptime) s)"; echo ok | nc -l -p 9901 > /dev/null; }
# a box that burns CPU, a box with every namespace, namespaces kept by a
# bind mount only, a removed cgroup, a cgroup with a name to escape
nsbox run -d --name burn -- /bin/sh -c 'while :; do :; done' || echo "GUEST-FAIL run burn"
nsbox run -d --name idle -- /bin/sh -c 'while :; do sleep 1; done' || echo "GUEST-FAIL run idle"
touch /run/netns-kept && unshare --net=/run/netns-kept true
# a probe, for its metric families (timed, with an argument summed)
nsbox probe add --ret --sum-arg 3 --name w vfs_write > /dev/null || echo "GUEST-FAIL probe add"
# a box whose shell outgrows its memory.max: the OOM killer's count
nsbox run --name oom --memory 32M -- sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a)' > /dev/null 2>&1
echo "OOMKILLS $(sed -n 's/^oom_kill //p' /sys/fs/cgroup/nsbox/oom/memory.events)"
mkdir /sys/fs/cgroup/gone && echo $$ > /sys/fs/cgroup/gone/cgroup.procs &&
	echo $$ > /sys/fs/cgroup/cgroup.procs && rmdir /sys/fs/cgroup/gone
mkdir '/sys/fs/cgroup/we"ird\name' && sh -c 'echo $$ > "/sys/fs/cgroup/we\"ird\\name/cgroup.procs"; exec sleep 1000' &
nsbox serve --listen :9847 2> /tmp/serve.log &
SERVE=$!
i=0
until curl -sf -o /dev/null http://127.0.0.1:9847/; do
	i=$((i + 1)); [ $i -lt 300 ] || { echo "GUEST-FAIL serve did not start"; cat /tmp/serve.log; break; }
	sleep 0.1
done
step ready
# freeze the burning box: its cpu.stat stops where nsbox's count must be
CG=/sys/fs/cgroup/nsbox/burn
echo 1 > $CG/cgroup.freeze
until grep -qx 'frozen 1' $CG/cgroup.events; do sleep 0.1; done
echo "CPUSTAT $(tr '\n' ' ' < $CG/cpu.stat)"
step frozen
rmmod nsbox || echo "GUEST-FAIL rmmod"
step unloaded
insmod "$NSBOX_KO" || echo "GUEST-FAIL insmod"
step reloaded
# SIGTERM while the host holds a half-sent request open
kill -TERM $SERVE
t=0
while kill -0 $SERVE 2>/dev/null; do
	t=$((t + 1)); [ $t -lt 100 ] || { echo "GUEST-FAIL serve still running 10 s after SIGTERM"; kill -9 $SERVE; break; }
	sleep 0.1
done
wait $SERVE
echo "SERVE-EXIT $?"
echo "SERVE-LOG $(tr '\n' '|' < /tmp/serve.log)"
nsbox rm -f burn idle oom > /dev/null 2>&1
exit 0
EOF
chmod +x "$TMP/guest.sh"

make -s -C tools >/dev/null && make -s -C tests >/dev/null || { echo "1..0 # build failed"; exit 1; }
scripts/vm.sh --kernel "$KVER" --timeout 1500 --forward "$MPORT:9847" --forward "$CPORT:9901" \
	--run "$TMP/guest.sh" > "$TMP/console" 2>&1 &
VM_PID=$!

# wait_for DEADLINE_S COMMAND...: until COMMAND succeeds (0) or the time
# is up (1); also gives up when the VM has ended.
wait_for() {
	local end=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		kill -0 "$VM_PID" 2>/dev/null || { "$@"; return; }
		sleep 0.2
	done
}
at_step() { grep -q "^STEP $1" "$TMP/console"; }
# let the guest go on: connect until its nc answers "ok"
go_on() {
	local end=$(( $(date +%s) + 30 )) reply
	while [ "$(date +%s)" -lt "$end" ]; do
		if exec 3<>"/dev/tcp/127.0.0.1/$CPORT"; then
			reply=
			read -r -t 5 reply <&3
			exec 3>&-
			[ "$reply" = ok ] && return 0
		fi
		sleep 0.2
	done
	return 1
}

echo "# kernel $KVER; metrics on 127.0.0.1:$MPORT, Prometheus on 127.0.0.1:$PPORT"
# Up to the VM's own time limit: in make check this VM shares the cores
# with the kernel lanes, and a guest that boots, starts three boxes and
# waits for the OOM killer took over 600 s there once.
if ! wait_for 1400 at_step ready; then
	notok "the guest starts nsbox serve (the console follows)"
	cat "$TMP/console"
	echo "1..$n"
	exit 1
fi
ok "the guest starts nsbox serve on a busy VM"

# ---- both formats, linted -------------------------------------------------------
curl -s -D "$TMP/h.prom" -o "$TMP/m.prom" -H 'Accept: text/plain' "$URL"
curl -s -D "$TMP/h.om" -o "$TMP/m.om" \
	-H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' "$URL"
check "text format: 200, Content-Type text/plain; version=0.0.4" \
	grep -qi '^content-type: text/plain; version=0.0.4' "$TMP/h.prom"
check "OpenMetrics: 200, Content-Type application/openmetrics-text, ends with # EOF" \
	bash -c "grep -qi '^content-type: application/openmetrics-text; version=1.0.0' '$TMP/h.om' && [ \"\$(tail -n 1 '$TMP/m.om')\" = '# EOF' ]"
if promtool check metrics < "$TMP/m.prom" > "$TMP/lint" 2>&1; then
	ok "promtool check metrics: the text format is clean ($(wc -l < "$TMP/m.prom") lines)"
else
	notok "promtool check metrics: the text format is clean"
	sed 's/^/# /' "$TMP/lint"
fi
check "the scrape has the box label, a removed cgroup and the namespaces" \
	bash -c "grep -q 'box=\"burn\"' '$TMP/m.prom' && grep -q 'kind=\"net\"' '$TMP/m.prom' && grep -q 'kind=\"cgroup2\"' '$TMP/m.prom'"
check "a cgroup name with a quote and a backslash is escaped in its label" \
	grep -qF 'path="/we\"ird\\name"' "$TMP/m.prom"
check "the probe's families are there: calls, arg sum and seconds per group" \
	bash -c "grep -q '^nsbox_probe_group_calls_total{probe=\"w\",' '$TMP/m.prom' && grep -q '^nsbox_probe_group_arg_sum_total{probe=\"w\",' '$TMP/m.prom' && grep -q '^nsbox_probe_group_seconds_total{probe=\"w\",' '$TMP/m.prom' && grep -q '^# UNIT nsbox_probe_group_seconds seconds' '$TMP/m.om'"
check "nsbox_up 1 and nsbox_module_info name the kernel" \
	bash -c "grep -qx 'nsbox_up 1' '$TMP/m.prom' && grep -q 'nsbox_module_info{.*kernel=\"$KVER\"' '$TMP/m.prom'"

# two scrapes at once: both whole
curl -s -o "$TMP/c1" "$URL" & c1=$!
curl -s -o "$TMP/c2" "$URL" & c2=$!
wait $c1; r1=$?
wait $c2; r2=$?
check "two scrapes at once: both answered in full (promtool clean)" \
	bash -c "[ $r1 = 0 ] && [ $r2 = 0 ] && promtool check metrics < '$TMP/c1' >/dev/null 2>&1 && promtool check metrics < '$TMP/c2' >/dev/null 2>&1"
# malformed requests: libmicrohttpd answers or hangs up; the server goes on
raw() {	# raw REQUEST: the status line of the answer ("" if none)
	local line=
	exec 4<>"/dev/tcp/127.0.0.1/$MPORT" || return 1
	printf '%b' "$1" >&4
	read -r -t 10 line <&4
	exec 4>&-
	echo "${line%$'\r'}"
}
check "a header line without a colon gets 400" \
	test "$(raw 'GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n')" = "HTTP/1.1 400 Bad Request"
check "HTTP/9.9 gets 505" \
	test "$(raw 'GET /metrics HTTP/9.9\r\nHost: x\r\n\r\n')" = "HTTP/1.1 505 HTTP Version Not Supported"
check "a request line that is not HTTP is hung up on" test -z "$(raw 'GARBAGE\r\n\r\n')"
check "... and the next scrape is served" bash -c "curl -sf -o /dev/null '$URL'"
check "an unknown path gets 404, POST gets 405" \
	bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$MPORT/x)\" = 404 ] && [ \"\$(curl -s -o /dev/null -w '%{http_code}' -X POST '$URL')\" = 405 ]"

# ---- a real Prometheus ----------------------------------------------------------
cat > "$TMP/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: nsbox
    static_configs:
      - targets: ['127.0.0.1:$MPORT']
EOF
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" --log.level=warn > "$TMP/prometheus.log" 2>&1 &
PROM_PID=$!
API=http://127.0.0.1:$PPORT/api/v1
# query PROMQL: the first result's value, or nothing
query() {
	curl -sf --data-urlencode "query=$1" "$API/query" |
		jq -r '.data.result[0].value[1] // empty' 2>/dev/null
}
target_up() {
	curl -sf "$API/targets" > "$TMP/targets" 2>/dev/null &&
		[ "$(jq -r '.data.activeTargets[0].health' "$TMP/targets")" = up ]
}
if wait_for 60 target_up; then
	ok "Prometheus scrapes nsbox serve (target up, in $(jq -r '.data.activeTargets[0].scrapeUrl' "$TMP/targets"))"
else
	notok "Prometheus scrapes nsbox serve: $(jq -r '.data.activeTargets[0].lastError' "$TMP/targets" 2>/dev/null)"
	sed 's/^/# /' "$TMP/prometheus.log"
fi
# the format Prometheus used: it asks for OpenMetrics first
check "Prometheus parsed OpenMetrics: no scrape error, samples stored" \
	bash -c "[ -z \"\$(jq -r '.data.activeTargets[0].lastError' '$TMP/targets')\" ] && [ \"\$(curl -sf --data-urlencode 'query=scrape_samples_scraped' '$API/query' | jq -r '.data.result[0].value[1]')\" -gt 100 ]"
RATE='sum(rate(nsbox_group_cpu_seconds_total{box="burn"}[5s]))'
rate_positive() {
	local v
	v=$(query "$RATE")
	[ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v > 0.2) }'
}
if wait_for 60 rate_positive; then
	ok "Prometheus answers $RATE = $(query "$RATE") CPUs while the box burns"
else
	notok "Prometheus answers $RATE > 0.2 (got '$(query "$RATE")')"
fi
ooms=$(sed -n 's/^OOMKILLS //p' "$TMP/console")
v=$(query 'nsbox_group_oom_kills_total{box="oom"}')
check "Prometheus: box oom's OOM kills ($v) are memory.events oom_kill (${ooms:-?}), at least 1" \
	sh -c '[ -n "$1" ] && [ "$1" = "$2" ] && [ "$1" -ge 1 ]' _ "$v" "$ooms"
for q in 'nsbox_group_load1{box="burn"}' 'nsbox_group_rss_bytes{box="idle"}' \
	'nsbox_group_processes{box="idle"}'; do
	v=$(query "$q")
	check "Prometheus has $q (= ${v:-nothing})" test -n "$v"
done

# ---- freeze the box: Prometheus's CPU seconds == cpu.stat within 2% ------------
check "the guest lets the box burn and freezes it" go_on
if wait_for 120 at_step frozen; then
	usage=$(sed -n 's/^CPUSTAT.*usage_usec \([0-9]*\).*/\1/p' "$TMP/console")
	t_frozen=$(date +%s)
	CPU='nsbox_group_cpu_seconds_total{box="burn"}'
	scraped_after_freeze() {
		local ts
		ts=$(query "timestamp($CPU)")
		[ -n "$ts" ] && awk -v t="$ts" -v f="$t_frozen" 'BEGIN { exit !(t > f + 1) }'
	}
	wait_for 30 scraped_after_freeze
	load=$(query 'nsbox_group_load1{box="burn"}')
	check "Prometheus: the burning box's load1 is above 0 ($load)" \
		awk -v l="${load:-0}" 'BEGIN { exit !(l > 0) }'
	v=$(query "$CPU")
	if [ -n "$usage" ] && [ -n "$v" ] &&
		awk -v p="$v" -v u="$usage" 'BEGIN { d = p - u / 1e6; if (d < 0) d = -d; exit !(u > 0 && d <= 0.02 * u / 1e6) }'; then
		ok "box burn: Prometheus says $v CPU seconds, cpu.stat usage_usec $usage (within 2%)"
	else
		notok "box burn: Prometheus says '${v}' CPU seconds, cpu.stat usage_usec '$usage' (want within 2%)"
	fi
else
	notok "the guest froze the box"
fi

# ---- module unloaded: 503 with the reason ------------------------------------------
check "the guest unloads the module" go_on
if wait_for 60 at_step unloaded; then
	code=$(curl -s -o "$TMP/503" -w '%{http_code}' "$URL")
	check "a scrape with the module unloaded: 503 that says why (got $code: $(head -c 100 "$TMP/503"))" \
		bash -c "[ '$code' = 503 ] && grep -q 'not loaded' '$TMP/503'"
	prom_sees_down() { [ "$(query 'up{job="nsbox"}')" = 0 ]; }
	check "Prometheus marks the target down (up 0)" wait_for 30 prom_sees_down
else
	notok "the guest unloaded the module"
fi
check "the guest reloads the module" go_on
if wait_for 60 at_step reloaded; then
	check "after the reload the scrape is whole again" \
		bash -c "curl -sf '$URL' | grep -qx 'nsbox_up 1'"
else
	notok "the guest reloaded the module"
fi

# ---- SIGTERM with a request in flight ---------------------------------------------
exec 5<>"/dev/tcp/127.0.0.1/$MPORT"
printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&5	# not finished: no empty line
check "the guest sends SIGTERM to nsbox serve" go_on
wait "$VM_PID"
vmrc=$?
VM_PID=
exec 5>&-
check "nsbox serve exits 0 on SIGTERM with a request in flight" \
	grep -qx 'SERVE-EXIT 0' "$TMP/console"
check "the guest reports no failure of its own" bash -c "! grep -q '^GUEST-FAIL' '$TMP/console'"
check "the VM run ends cleanly (vm.sh exit $vmrc: no kernel warning)" test "$vmrc" = 0
if [ "$fails" != 0 ]; then
	echo "# console:"
	sed 's/^/#   /' "$TMP/console"
fi
echo "1..$n"
[ "$fails" = 0 ]
