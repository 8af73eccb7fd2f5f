#!/bin/sh
# ynl.sh - the kernel's own YNL CLI (tools/net/ynl/cli.py from Debian's
# linux-source, /usr/bin/ynl in the lab VM: scripts/vm.sh) talks to
# nsbox.ko with the family's spec, uapi/nsbox.yaml (TAP).  What the CLI
# decodes with the spec is what the nsbox tool reads with its own code;
# and the family the kernel registered (the genl controller's answer,
# through the CLI and the kernel's nlctrl spec) is the one the spec
# describes: the same commands with the same do/dump handlers, the same
# multicast group, and per command the same request attributes with the
# same types and limits as the kernel's policies (kmod/netlink.c).
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..8"

# (NSBOX_YNL_SPEC: another spec, and its .json beside it, to see the
# checks fail)
SPEC=${NSBOX_YNL_SPEC:-/opt/nsbox/nsbox.yaml}
NLCTRL=/opt/ynl/specs/nlctrl.yaml
if ! command -v ynl >/dev/null || [ ! -f "$SPEC" ]; then
	for i in $(seq 8); do
		skip "ynl $i" "no YNL CLI in the VM (scripts/linux-source.sh extracts it from linux-source 6.3+, and the VM needs /usr/bin/python3 with yaml)"
	done
	exit 0
fi
T=/tmp/ynl.$$
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
# the guest has no jsonschema: the host validated the spec (tests/host/ynl.sh)
nsynl() { ynl --spec "$SPEC" --no-schema "$@"; }
ctrl() { ynl --spec "$NLCTRL" --no-schema "$@"; }

# 1. get-info through the spec, against nsbox info -J
nsynl --do get-info --output-json > "$T/info.ynl" 2> "$T/err" || cat "$T/err"
nsbox info -J > "$T/info.nsbox"
answers() { jq -e '.version and ."abi-version"' "$T/info.ynl" > /dev/null; }
check "ynl --do get-info answers (the CLI resolves the family and decodes every attribute)" answers
same_info() {
	a=$(jq -c '[.version, ."abi-version", ."kernel-release", ."max-groups", ([.hooks.hook[].name] | sort)]' "$T/info.ynl")
	b=$(jq -c '[.module_version, .abi_version, .kernel_release, .max_groups, ([.hooks[].name] | sort)]' "$T/info.nsbox")
	[ "$a" = "$b" ] && return 0
	diag "ynl:   $a"
	diag "nsbox: $b"
	return 1
}
check "get-info: version, ABI, kernel release, max groups and the hooks are what nsbox info -J says" same_info

# 2. the groups: a dump through the spec, against nsbox groups -J
nsynl --dump get-group --json '{"dump-flags": ["no-live"]}' --output-json > "$T/groups.ynl" 2> "$T/err" || cat "$T/err"
nsbox groups -J > "$T/groups.nsbox"
jq -r '.[].group[] | "\(.kind):\(.id)"' "$T/groups.ynl" | sort > "$T/set.ynl"
jq -r '.groups[] | "\(.kind):\(.id)"' "$T/groups.nsbox" | sort > "$T/set.nsbox"
same_groups() {
	[ -s "$T/set.ynl" ] && cmp -s "$T/set.ynl" "$T/set.nsbox" && return 0
	diag "ynl only: $(grep -vxF -f "$T/set.nsbox" "$T/set.ynl" | tr '\n' ' ')"
	diag "nsbox only: $(grep -vxF -f "$T/set.ynl" "$T/set.nsbox" | tr '\n' ' ')"
	return 1
}
check "ynl --dump get-group: the same $(wc -l < "$T/set.nsbox") groups (kind:id) as nsbox groups -J" same_groups
same_count() {
	a=$(jq '.groups' "$T/info.ynl")
	b=$(wc -l < "$T/set.ynl")
	[ "$a" = "$b" ] || { diag "get-info groups $a, dump $b"; return 1; }
}
check "the dump holds as many groups as get-info's groups count" same_count
# the kinds as the spec's enum names them are lsns's (and nsbox's) names
check "the init mount namespace is kind 'mnt' with /proc/1/ns/mnt's inode" \
	grep -qx "mnt:$(readlink /proc/1/ns/mnt | tr -dc 0-9)" "$T/set.ynl"

# 3. the family the kernel registered, as the genl controller describes it
# the spec as JSON for jq, made by scripts/vm.sh from the same file
cp "${SPEC%.yaml}.json" "$T/spec.json"
ctrl --do getfamily --json '{"family-name": "nsbox"}' --output-json > "$T/family.json" 2> "$T/err" || cat "$T/err"
# "CMD do dump" per command: the spec's (commands numbered from 1 in list
# order, as YNL does; the event is no request), the kernel's (cap flags)
jq -r '.operations.list | to_entries[] | select(.value.event == null) |
	"\(.key + 1) \(if .value.do then "do" else "-" end) \(if .value.dump then "dump" else "-" end)"' \
	"$T/spec.json" > "$T/ops.spec"
jq -r '.ops[] | .[] | "\(.id) \(if (.flags | index("cmd-cap-do")) then "do" else "-" end) \(if (.flags | index("cmd-cap-dump")) then "dump" else "-" end)"' \
	"$T/family.json" | sort -n > "$T/ops.kernel"
same_ops() {
	[ -s "$T/ops.kernel" ] && cmp -s "$T/ops.spec" "$T/ops.kernel" && return 0
	diag "spec:   $(tr '\n' ',' < "$T/ops.spec")"
	diag "kernel: $(tr '\n' ',' < "$T/ops.kernel")"
	return 1
}
check "nlctrl getfamily: the kernel's commands and their do/dump handlers are the spec's" same_ops
same_family() {
	a=$(jq -c '[.name, (.version // 1), [.["mcast-groups"].list[].name]]' "$T/spec.json")
	b=$(jq -c '[."family-name", .version, [."mcast-groups"[] | .[].name]]' "$T/family.json")
	[ "$a" = "$b" ] || { diag "spec $a, kernel $b"; return 1; }
}
check "nlctrl getfamily: the family's name, version and multicast groups are the spec's" same_family

# 4. the kernel's request policies, per command
# (--process-unknown: the 6.12 CLI cannot decode the pad attributes
# before the u64 limits, which nlctrl.yaml declares; it passes them on raw)
ctrl --process-unknown --dump getpolicy --json '{"family-name": "nsbox"}' --output-json > "$T/policy.json" 2> "$T/err" || cat "$T/err"
# "CMD MODE ATTR TYPE LIMITS" per request attribute: LIMITS is min/max
# for integers, the mask for flags, max-length for strings
jq -r --slurpfile s "$T/spec.json" '
	($s[0]) as $spec |
	($spec["attribute-sets"] | map({key: .name, value: .attributes}) | from_entries) as $sets |
	($sets.nsbox | to_entries | map({key: (.key + 1 | tostring), value: .value.name}) | from_entries) as $names |
	([.[] | .policy // empty] | group_by(."policy-id") |
	 map({key: (.[0]."policy-id" | tostring), value: .}) | from_entries) as $pol |
	.[] | .["op-policy"] // empty | . as $op |
	("do", "dump") as $mode | select($op[$mode] != null) |
	$pol[$op[$mode] | tostring][] |
	"\($op."op-id") \($mode) \($names[.["attr-id"] | tostring]) \(.type) \(.["min-value-u"] // "") \(.["max-value-u"] // "") \(.mask // "") \(.["max-length"] // "")"' \
	"$T/policy.json" | sort > "$T/pol.kernel"
# the same from the spec: the types as nlctrl names them, the limits its
# checks give (a u8 enum without checks: 0..255 as the kernel reports
# an unchecked u8; flags: the mask of all the flags)
jq -r '
	(.definitions | map({key: .name, value: .}) | from_entries) as $defs |
	(.["attribute-sets"][] | select(.name == "nsbox") | .attributes |
	 map({key: .name, value: .}) | from_entries) as $a |
	def umax: {"u8": 255, "u16": 65535, "u32": 4294967295, "u64": 18446744073709551615}[.];
	.operations.list | to_entries[] | select(.value.event == null) | (.key + 1) as $id | .value as $op |
	("do", "dump") as $mode | select($op[$mode] != null) |
	$op[$mode].request.attributes[] | $a[.] as $at |
	($at.type | if . == "string" then "nul-string" elif . == "nest" then "nested" else . end) as $t |
	if ($at.checks."flags-mask") then
		"\($id) \($mode) \($at.name) \($t)   \(pow(2; $defs[$at.checks."flags-mask"].entries | length) - 1) "
	elif ($at["enum-as-flags"]) then
		"\($id) \($mode) \($at.name) \($t)   \(pow(2; $defs[$at.enum].entries | length) - 1) "
	elif ($t | test("^u")) then
		"\($id) \($mode) \($at.name) \($t) \($at.checks.min // 0) \($at.checks.max // ($t | umax))  "
	elif $t == "nul-string" then
		"\($id) \($mode) \($at.name) \($t)    \($at.checks."max-len" // "")"
	else
		"\($id) \($mode) \($at.name) \($t)    "
	end' "$T/spec.json" | sort > "$T/pol.spec"
same_policy() {
	[ -s "$T/pol.kernel" ] && cmp -s "$T/pol.spec" "$T/pol.kernel" && return 0
	diff "$T/pol.spec" "$T/pol.kernel" | sed 's/^</spec:  /; s/^>/kernel:/' | grep -v '^---\|^[0-9]' | while read -r l; do diag "$l"; done
	return 1
}
check "nlctrl getpolicy: each command's request attributes, types and limits are the spec's ($(wc -l < "$T/pol.kernel") of them)" same_policy

[ "$fails" = 0 ]
