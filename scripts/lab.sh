#!/bin/bash
# scripts/lab.sh [NAME] - `make lab`: without NAME, the labs there are
# (docs/labs/); with NAME, boot the lab VM and run tests/labs/NAME.sh in
# it, each command printed with its output as a student would see them.
# `make vm` then gives the same VM to do it by hand.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/scripts/lib.sh"

if [ $# = 0 ] || [ -z "$1" ]; then
	echo "Labs (docs/labs/; run one with: make lab NAME):"
	for f in "$TOP"/tests/labs/*.sh; do
		name=$(basename "$f" .sh)
		[ "$name" = lab ] && continue
		title=$(sed -n 's/^# Lab: //p' "$TOP/docs/labs/$name.md" 2>/dev/null | head -1 || true)
		printf '  %-16s %s\n' "$name" "${title:-(no page)}"
	done
	exit 0
fi
name=$1
[ -f "$TOP/tests/labs/$name.sh" ] || die 2 "no lab '$name': make lab lists them"
wrap=$(mktemp -p "$TOP/build" "lab-$name.XXXX.sh")
trap 'rm -f "$wrap"' EXIT
printf '#!/bin/sh\ncd /opt/nsbox/labs && LAB_MODE=show ./%s.sh\n' "$name" > "$wrap"
chmod +x "$wrap"
"$TOP/scripts/vm.sh" --kernel "${KVER:-$(default_kver)}" --run "$wrap"
