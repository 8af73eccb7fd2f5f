#!/bin/bash
# scripts/check-layers.sh - the tool's layers (tools/README of each folder):
# a file may include the headers of its own layer and of the layers below,
# never of one above.  tools/Makefile enforces it by include paths; this
# says which file broke it, in TAP, as part of `make check`.
#
#   cmd  ->  nl, box  ->  lib       (box/inside/ belongs to box)
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP/tools" || exit 2

declare -A allowed=(
	[lib]="lib"
	[nl]="nl lib"
	[box]="box lib"
	[cmd]="cmd nl box lib"
)
# the layer that owns header H (by where it lives)
owner() {
	local f
	f=$(find lib nl box cmd -name "$1" -print -quit)
	[ -n "$f" ] && echo "${f%%/*}"
}

bad=0
n=0
echo "TAP version 13"
for layer in lib nl box cmd; do
	msgs=()
	while IFS=: read -r file hdr; do
		o=$(owner "$hdr") || continue
		[ -n "$o" ] || continue
		case " ${allowed[$layer]} " in
		*" $o "*) ;;
		*) msgs+=("$file includes $hdr ($o/ is not below $layer/)") ;;
		esac
	done < <(grep -rHo '^#include "[^"]*"' "$layer" --include='*.[ch]' |
		 sed 's/:#include "\(.*\)"$/:\1/')
	if [ ${#msgs[@]} = 0 ]; then
		echo "ok $((++n)) - tools/$layer/ includes only ${allowed[$layer]// /, }"
	else
		echo "not ok $((++n)) - tools/$layer/ reaches up"
		printf '# %s\n' "${msgs[@]}"
		bad=1
	fi
done
if grep -rn '#include "\.\./' lib nl box cmd --include='*.[ch]'; then
	echo "not ok $((++n)) - no relative includes (they get around the include paths)"
	bad=1
else
	echo "ok $((++n)) - no relative includes (they get around the include paths)"
fi
echo "1..$n"
exit $bad
