#!/bin/bash
# scripts/check-includes.sh [DIR] - the module's files depend on each other
# without a cycle.  "X depends on Y" when X.c or X.h includes Y.h
# (#include "..." lines; <...> headers are the kernel's).  The graph is
# built from DIR (default kmod/), one node per file name without its
# extension; headers outside DIR (the uapi) are not part of it.  TAP: one
# check; on a cycle, the cycle is printed (a -> b -> a).  With
# NSBOX_INCLUDES_GRAPH=1 the edges are printed too.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(cd "${1:-$TOP/kmod}" && pwd)

edges=$(
	for f in "$DIR"/*.c "$DIR"/*.h; do
		[ -e "$f" ] || continue
		from=$(basename "$f")
		from=${from%.*}
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r inc; do
			# only headers that live in DIR itself
			d=$(cd "$(dirname "$f")/$(dirname "$inc")" 2>/dev/null && pwd) || continue
			[ "$d" = "$DIR" ] || continue
			to=$(basename "$inc")
			to=${to%.h}
			[ "$to" = "$from" ] || echo "$from $to"
		done
	done | sort -u
)

echo "TAP version 13"
echo "1..1"
if [ -n "${NSBOX_INCLUDES_GRAPH:-}" ]; then
	echo "$edges" | sed 's/^\(.*\) \(.*\)$/# \1 -> \2/'
fi
# depth-first search; a back edge closes a cycle, printed from its start
cycle=$(echo "$edges" | awk '
	NF == 2 { adj[$1] = adj[$1] " " $2; node[$1] = 1; node[$2] = 1 }
	function visit(n,    i, k, m, nb, c) {
		state[n] = 1
		stack[++depth] = n
		k = split(adj[n], nb, " ")
		for (i = 1; i <= k; i++) {
			m = nb[i]
			if (state[m] == 1) {
				c = m
				for (j = depth; j >= 1 && stack[j] != m; j--)
					;
				c = stack[j]
				for (j++; j <= depth; j++)
					c = c " -> " stack[j]
				print c " -> " m
				return 1
			}
			if (!state[m] && visit(m))
				return 1
		}
		depth--
		state[n] = 2
		return 0
	}
	END {
		# a fixed order, so that the same graph prints the same cycle
		n = 0
		for (x in node)
			names[++n] = x
		for (i = 1; i <= n; i++)
			for (k = i + 1; k <= n; k++)
				if (names[k] < names[i]) {
					t = names[i]; names[i] = names[k]; names[k] = t
				}
		for (i = 1; i <= n; i++)
			if (!state[names[i]] && visit(names[i]))
				exit 0
	}')
if [ -z "$cycle" ]; then
	echo "ok 1 - kmod include graph is acyclic ($(echo "$edges" | grep -c . || true) edges)"
	exit 0
fi
echo "not ok 1 - kmod include graph is acyclic"
echo "# cycle: $cycle"
echo "# (X depends on Y when X.c or X.h includes Y.h; break the cycle by moving what one side needs into a lower header)"
exit 1
