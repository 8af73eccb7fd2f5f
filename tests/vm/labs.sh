#!/bin/sh
# labs.sh - every lab of docs/labs/ run as its checker (LAB_MODE=check): each
# observation its page promises, one TAP check.  make check runs it on the
# newest kernel only (scripts/check.sh); the labs are about the kernel's own
# mechanisms, which the other lanes test already.
status=0
for lab in /opt/nsbox/labs/*.sh; do
	[ "$(basename "$lab")" = lab.sh ] && continue
	echo "# ---- lab $(basename "$lab" .sh)"
	LAB_MODE=check "$lab" || status=1
done
exit "$status"
