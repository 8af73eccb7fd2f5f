#!/bin/sh
# lockdown.sh - under kernel lockdown, nsbox reads no kernel memory for
# root (TAP).  Lockdown cannot be lifted once raised, and it then refuses
# unsigned modules, so run-all.sh runs this file last in a lane.
#
# --sum-arg adds up a raw argument of the probed function; asked for from
# a fresh group, the sum of a pointer argument is the pointer: a kernel
# address.  Under lockdown (confidentiality) the kernel refuses kprobes
# through tracefs for that reason (LOCKDOWN_KPROBES), and nsbox refuses
# --sum-arg likewise; a probe that only counts calls reads nothing.
. "$(dirname "$0")/tap.sh"
echo "TAP version 13"
L=/sys/kernel/security/lockdown
T=$(mktemp -d)
[ -e $L ] || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if [ ! -e $L ]; then
	skip "--sum-arg under lockdown" "no $L (the lockdown LSM is not in this kernel)"
else
	echo confidentiality > $L 2> $T/err
	check "lockdown raised to confidentiality ($(cat $L))" grep -q '\[confidentiality\]' $L
	nsbox probe add --sum-arg 3 --name ld vfs_write > /dev/null 2> $T/err
	rc=$?
	check "--sum-arg refused under lockdown, says why (exit $rc: $(cat $T/err))" \
		sh -c '[ "$1" != 0 ] && grep -q "locked down" "$2"' _ "$rc" $T/err
	nsbox probe rm ld > /dev/null 2>&1
	nsbox probe add --name ld vfs_write > /dev/null 2> $T/err
	check "a probe that only counts calls is planted ($(cat $T/err))" \
		sh -c 'nsbox probe ls -J | jq -e ".probes[] | select(.name == \"ld\")" > /dev/null'
	nsbox probe rm ld > /dev/null 2>&1
fi
rm -rf $T
echo "1..$n"
[ "$fails" = 0 ]
