#!/bin/sh
# cli.sh - the nsbox tool against the real module, in the lab VM (TAP).
# Also checks the family with genl-ctrl-list, a client we did not write.
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() {	# check NAME COMMAND...: ok if COMMAND succeeds
	name=$1
	shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

echo "TAP version 13"
echo "1..10"

out=$(genl-ctrl-list 2>&1)
check "genl-ctrl-list lists the nsbox family" \
	sh -c 'echo "$1" | grep -q "^0x[0-9a-f]* nsbox version 1"' _ "$out"

out=$(nsbox info 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
check "nsbox info exits 0" test "$rc" = 0
check "nsbox info shows module version and kernel" \
	sh -c 'echo "$1" | grep -q "^module: *nsbox 0\." && echo "$1" | grep -q "^kernel: *$(uname -r)\$"' _ "$out"

json=$(nsbox info -J 2>&1); rc=$?
check "nsbox info -J is valid JSON with the right fields" \
	sh -c '[ "$1" = 0 ] && echo "$2" | jq -e ".kernel_release == \"$(uname -r)\" and .abi_version >= 1 and (.hooks | type == \"array\") and (.module_version | length > 0)" >/dev/null' _ "$rc" "$json"

id_tool=$(echo "$json" | jq -r .family_id)
id_ctrl=$(printf '%d' "$(genl-ctrl-list | sed -n 's/^\(0x[0-9a-f]*\) nsbox .*/\1/p')")
check "family id agrees with genl-ctrl-list ($id_tool = $id_ctrl)" test "$id_tool" = "$id_ctrl"

check "nsbox info works in a new network namespace" \
	sh -c 'unshare -n nsbox info >/dev/null'

check "nsbox --version" sh -c 'nsbox --version | grep -q "^nsbox 0\."'

rmmod nsbox
out=$(nsbox info 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
check "module unloaded: exit status 3" test "$rc" = 3
check "module unloaded: message says how to load it" \
	sh -c 'echo "$1" | grep -qF "nsbox: kernel module not loaded (generic netlink family \"nsbox\" not found); load it with: sudo insmod kmod/nsbox.ko"' _ "$out"
insmod "$NSBOX_KO"
check "nsbox info answers again after insmod" sh -c 'nsbox info >/dev/null'

[ "$fails" = 0 ]
