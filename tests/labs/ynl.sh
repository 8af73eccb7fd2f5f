#!/bin/sh
# ynl.sh - lab: talking to nsbox.ko with the kernel's own YNL CLI and the
# family's spec, uapi/nsbox.yaml (docs/labs/ynl.md).  LAB_MODE=show for a
# student; check: its checker.
. "$(dirname "$0")/lab.sh"

SPEC=/opt/nsbox/nsbox.yaml
if ! command -v ynl >/dev/null || [ ! -f "$SPEC" ]; then
	say "no YNL CLI in this VM: scripts/vm.sh adds it when the tests are built (make tests: linux-source 6.3+, python3-yaml)"
	[ "$LAB_MODE" = check ] && echo "ok 1 - ynl lab # SKIP no YNL CLI in the VM" && echo "1..1"
	exit 0
fi
Y="ynl --spec $SPEC --no-schema"

say "1. The family as the kernel registered it: genl-ctrl-list (libnl) asks the genl controller, and knows the commands by number only."
run sh -c "genl-ctrl-list -d | sed -n '/ nsbox version/,/grp /p'"
kops=$(genl-ctrl-list -d | sed -n '/ nsbox version/,/grp /p' | grep -c ' op ')
observe "genl-ctrl-list shows nsbox's $kops commands as 'op unknown (0xN)', and the multicast group events" \
	sh -c 'genl-ctrl-list -d | sed -n "/ nsbox version/,/grp /p" | grep -q "op unknown (0x01)" &&
		genl-ctrl-list -d | sed -n "/ nsbox version/,/grp /p" | grep -q "grp events"'

say "2. The spec names them: ynl --list-ops reads uapi/nsbox.yaml (and finds the family by name)."
run $Y --list-ops
$Y --list-ops > /tmp/lab-ynl-ops 2>&1
yops=$(grep -c '\[' /tmp/lab-ynl-ops)
# (the 6.12 CLI prints an operation's modes in any order: they are a set)
observe "ynl lists as many operations as the kernel has commands ($yops and $kops), get-group with do and dump" \
	sh -c '[ "$1" = "$2" ] && grep -Eq "^get-group  \[ (do, dump|dump, do) \]" /tmp/lab-ynl-ops' _ "$yops" "$kops"

say "3. GET_INFO through the spec, next to nsbox info -J."
run sh -c "$Y --do get-info --output-json > /tmp/lab-ynl-info.json"
run jq -c '{version, "abi-version", "kernel-release", groups, hooks: [.hooks.hook[].name]}' /tmp/lab-ynl-info.json
run sh -c "nsbox info -J | jq -c '{module_version, abi_version, kernel_release, groups, hooks: [.hooks[].name]}'"
same_info() {
	a=$(jq -c '[.version, ."abi-version", ."kernel-release", [.hooks.hook[].name]]' /tmp/lab-ynl-info.json)
	b=$(nsbox info -J | jq -c '[.module_version, .abi_version, .kernel_release, [.hooks[].name]]')
	[ -n "$a" ] && [ "$a" = "$b" ]
}
observe "ynl and nsbox info -J say the same version, ABI ($(jq '."abi-version"' /tmp/lab-ynl-info.json)), kernel and hooks" same_info

say "4. Dump GET_GROUP: every group, one message each; no-live skips the walk of all tasks."
run sh -c "$Y --dump get-group --json '{\"dump-flags\": [\"no-live\"]}' --output-json > /tmp/lab-ynl-groups.json"
run jq -r '.[].group[] | "\(.kind) \(.id) \(.state)"' /tmp/lab-ynl-groups.json
run nsbox groups -o kind,id,state
same_groups() {
	a=$(jq -r '.[].group[] | "\(.kind):\(.id)"' /tmp/lab-ynl-groups.json | sort)
	b=$(nsbox groups -J | jq -r '.groups[] | "\(.kind):\(.id)"' | sort)
	[ -n "$a" ] && [ "$a" = "$b" ]
}
observe "the dump holds the same $(jq '[.[].group[]] | length' /tmp/lab-ynl-groups.json) groups (kind and id) as nsbox groups" same_groups

say "5. The kernel checks every request against its policy: get-group's do needs an id, and the error says which attribute is missing."
run $Y --do get-group --json '{"kind": "uts"}'
# before 6.1 nsbox's GENL_REQ_ATTR_CHECK() can only say so in words
# (kmod/compat.h): the kernel has no miss-type to send
refused() {
	$Y --do get-group --json '{"kind": "uts"}' > /tmp/lab-ynl-err 2>&1
	grep -q "Invalid argument" /tmp/lab-ynl-err || return 1
	case "$(uname -r)" in
	[1-5].*|6.0.*) grep -q "missing required attribute" /tmp/lab-ynl-err ;;
	*) grep -q "miss-type.*'id'" /tmp/lab-ynl-err ;;
	esac
}
observe "ynl reports the kernel's extended ack: EINVAL, the missing attribute named 'id' (before 6.1: 'missing required attribute')" refused

rm -f /tmp/lab-ynl-ops /tmp/lab-ynl-info.json /tmp/lab-ynl-groups.json /tmp/lab-ynl-err
lab_end
