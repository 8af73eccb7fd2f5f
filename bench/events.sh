#!/bin/bash
# bench/events.sh [KVER] - the event stream under a fork storm, next to the
# kernel's proc connector as forkstat(8) reads it (a benchmark, not a test).
#
# In one VM run: a child forks and reaps BENCH_FORKS (default 20,000)
# children as fast as it can, once with `nsbox events -k fork` listening
# and once with `forkstat -e fork` listening.  For each: fork events
# delivered, lost (nsbox: the sum of its LOST records; forkstat: the forks
# it did not report), and events/s delivered over the storm.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"
KVER=${1:-$(default_kver)}
make -s -C "$TOP" tool tests >/dev/null
GUEST=$(mktemp /tmp/nsbox-events-bench.XXXXXX.sh)
trap 'rm -f "$GUEST"' EXIT
cat > "$GUEST" <<EOS
#!/bin/sh
N=${BENCH_FORKS:-20000}
H=/opt/nsbox/tests/box_helper
now() { cut -d' ' -f1 /proc/uptime; }
quiet() {	# wait until file \$1 grows by under 20 lines a second
	# (this loop's own forks are events too: it never stops growing)
	a=-100; b=\$(wc -l < "\$1")
	while [ \$((b - a)) -ge 20 ]; do a=\$b; sleep 1; b=\$(wc -l < "\$1"); done
}
nsbox events -k fork > /tmp/nsbox.out &
p=\$!
while ! nsbox info -J | jq -e '.event_subscribers >= 1' >/dev/null; do sleep 0.1; done
t0=\$(now); \$H forks-exit \$N; t1=\$(now)
quiet /tmp/nsbox.out
kill \$p
d=\$(grep -c ' fork ' /tmp/nsbox.out)
l=\$(sed -n 's/.* lost=\([0-9]*\).*/\1/p' /tmp/nsbox.out | awk '{ s += \$1 } END { print s + 0 }')
echo "BENCH nsbox forks=\$N delivered=\$d lost=\$l seconds=\$(awk -v a=\$t0 -v b=\$t1 'BEGIN { print b - a }')"
forkstat -e fork -l > /tmp/forkstat.out 2>&1 &
p=\$!
sleep 2	# forkstat prints nothing until the first event: give it time to bind
t0=\$(now); \$H forks-exit \$N; t1=\$(now)
quiet /tmp/forkstat.out
kill -INT \$p; wait \$p
d=\$(awk '\$2 == "fork" && \$4 == "child"' /tmp/forkstat.out | wc -l)	# a parent and a child line per fork
echo "BENCH forkstat forks=\$N delivered=\$d lost=\$((N > d ? N - d : 0)) seconds=\$(awk -v a=\$t0 -v b=\$t1 'BEGIN { print b - a }')"
EOS
chmod +x "$GUEST"
echo "== $KVER, TCG -smp 2, fork storm of ${BENCH_FORKS:-20000}"
"$TOP/scripts/vm.sh" --kernel "$KVER" --mem 1024 --timeout 1800 --run "$GUEST" 2>&1 |
	grep '^BENCH' | awk '{
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "  %-9s delivered %6d of %6d forks, lost %6d, %7.0f events/s delivered\n",
			$2, v["delivered"], v["forks"], v["lost"], v["delivered"] / v["seconds"]
	}'
