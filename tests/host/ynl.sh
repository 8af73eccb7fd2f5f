#!/bin/bash
# ynl.sh - uapi/nsbox.yaml, the YNL spec of the nsbox family, on the host
# (TAP): the kernel's own YNL library (tools/net/ynl/lib from Debian's
# linux-source, scripts/linux-source.sh) loads it with schema validation
# on, against the kernel's schema for its protocol
# (Documentation/netlink/genetlink-c.yaml), and the names and values it
# stands for are uapi/linux/nsbox.h's (tests/host/ynl_header.py).  Both
# checks are first shown a broken copy, which they must refuse.
# tests/vm/ynl.sh checks the spec against the loaded module.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LS=$TOP/build/linux-source
YNL=$LS/tools/net/ynl
SPEC=$TOP/uapi/nsbox.yaml
HEADER=$TOP/uapi/linux/nsbox.h
PY=/usr/bin/python3	# Debian's, with python3-yaml and python3-jsonschema
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
diag() { sed 's/^/# /'; }

echo "TAP version 13"
echo "1..5"
"$TOP/scripts/linux-source.sh" >/dev/null || exit 1
if ! "$PY" -c 'import yaml, jsonschema' 2>/dev/null; then
	for i in 1 2 3 4 5; do
		echo "ok $i - ynl spec # SKIP no python3-yaml or python3-jsonschema (scripts/deps.sh --check)"
	done
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# validate SPEC: the YNL library's own loading, schema validation on (the
# schema of the spec's protocol: genetlink, genetlink-c or -legacy)
validate() {
	"$PY" - "$YNL" "$1" "$LS/Documentation/netlink" <<'PYVAL'
import sys
import yaml
ynl, spec, schemas = sys.argv[1:4]
sys.path.insert(0, ynl)
from lib import SpecFamily
proto = yaml.safe_load(open(spec)).get('protocol', 'genetlink')
fam = SpecFamily(spec, f'{schemas}/{proto}.yaml')
print(f'{fam.name}: {proto}, {len(fam.msgs)} messages, {len(fam.attr_sets)} attribute sets, '
      f'{len(fam.consts)} definitions, valid')
PYVAL
}

# 1, 2: the schema
sed 's/^\(        name: nmissed\)$/\1\n        type-of-attr: u64/' "$SPEC" > "$T/bad-schema.yaml"
if ! cmp -s "$SPEC" "$T/bad-schema.yaml" && ! validate "$T/bad-schema.yaml" > "$T/out" 2>&1 &&
	grep -q "ValidationError\|Additional properties" "$T/out"; then
	ok "the schema check refuses a spec with a property genetlink-c has not"
else
	not_ok "the schema check refuses a spec with a property genetlink-c has not"
	diag < "$T/out"
fi
t0=$(date +%s.%N)
if validate "$SPEC" > "$T/out" 2>&1; then
	ok "uapi/nsbox.yaml is valid against the kernel's schema ($(tail -n 1 "$T/out"); $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f s", e - s }'))"
else
	not_ok "uapi/nsbox.yaml is valid against the kernel's schema"
	diag < "$T/out"
fi

# 3, 4: the header
sed 's/^\(        name: \)nmissed$/\1missed-calls/' "$SPEC" > "$T/bad-header.yaml"
if ! "$PY" "$TOP/tests/host/ynl_header.py" "$T/bad-header.yaml" "$HEADER" "$YNL" > "$T/out" 2>&1 &&
	grep -q "NSBOX_PROBE_A_MISSED_CALLS" "$T/out"; then
	ok "the header check sees an attribute the header does not have"
else
	not_ok "the header check sees an attribute the header does not have"
	diag < "$T/out"
fi
if "$PY" "$TOP/tests/host/ynl_header.py" "$SPEC" "$HEADER" "$YNL" > "$T/out" 2>&1; then
	ok "uapi/nsbox.yaml and uapi/linux/nsbox.h: the same enums, entries and values ($(tail -n 1 "$T/out"))"
else
	not_ok "uapi/nsbox.yaml and uapi/linux/nsbox.h: the same enums, entries and values"
	diag < "$T/out"
fi

# 5: the CLI itself reads it (the ops it lists need no kernel: the family
# lookup fails on this machine, where nsbox.ko is not loaded, after the
# spec was parsed)
if "$PY" - "$YNL" "$SPEC" > "$T/out" 2>&1 <<'PYOPS'
import sys
sys.path.insert(0, sys.argv[1])
from lib.nlspec import SpecFamily
fam = SpecFamily(sys.argv[2], '')
ops = {name: [m for m in ('do', 'dump', 'event') if m in op.yaml] for name, op in fam.msgs.items()}
print(' '.join(f'{k}:{"+".join(v)}' for k, v in ops.items()))
want = {'get-info': ['do'], 'get-group': ['do', 'dump'], 'get-task': ['dump'],
        'event': ['event'], 'probe-stats': ['dump']}
sys.exit(any(ops.get(k) != v for k, v in want.items()))
PYOPS
then
	ok "the spec's messages, as the YNL library reads them: $(cat "$T/out")"
else
	not_ok "the spec's messages, as the YNL library reads them"
	diag < "$T/out"
fi
[ "$fails" = 0 ]
