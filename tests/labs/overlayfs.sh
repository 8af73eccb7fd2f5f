#!/bin/sh
# overlayfs.sh - lab: OverlayFS by hand (lower, upper, work, merged; copy-up,
# whiteouts), then nsbox run --overlay (docs/labs/overlayfs.md).
. "$(dirname "$0")/lab.sh"

L=/tmp/lab-ov
R=/tmp/lab-ov-rootfs

say "1. Three directories and a mount point; the lower layer has two files."
run mkdir -p $L/lower $L/upper $L/work $L/merged
echo from-lower > $L/lower/a
echo keep > $L/lower/b
run mount -t overlay overlay -o lowerdir=$L/lower,upperdir=$L/upper,workdir=$L/work $L/merged
run ls -l $L/merged

say "2. Write to a lower file through the merged view: it is copied up first."
run sh -c "echo changed >> $L/merged/a"
run cat $L/merged/a
run cat $L/lower/a
run ls -l $L/upper
observe "the write went to a copy in upper ('from-lower' then 'changed'), lower/a is unchanged" \
	sh -c '[ "$(cat "$1/upper/a")" = "$(printf "from-lower\nchanged")" ] && [ "$(cat "$1/lower/a")" = from-lower ]' _ "$L"

say "3. Delete a lower file: upper gets a whiteout, a character device 0,0."
run rm $L/merged/b
run ls -l $L/upper
run stat -c '%n: %F, device %t,%T' $L/upper/b
observe "b is gone from merged, still in lower, and upper/b is a 0,0 character device" \
	sh -c '[ ! -e "$1/merged/b" ] && [ -e "$1/lower/b" ] && [ -c "$1/upper/b" ] &&
		[ "$(stat -c %t,%T "$1/upper/b")" = 0,0 ]' _ "$L"
run umount $L/merged

say "4. The same in a box: nsbox run --overlay keeps its upper layer in the box's state directory."
nsbox rootfs create "$R" > /dev/null 2>&1
run nsbox run --overlay --rootfs "$R" --name lab-ov -- sh -c 'echo hi > /new; rm /bin/true'
up=/run/nsbox/lab-ov/disk/upper
run ls -l $up $up/bin
observe "the box's new file is in its upper layer, /bin/true is a whiteout there, and the rootfs still has it" \
	sh -c '[ "$(cat "$1/new")" = hi ] && [ -c "$1/bin/true" ] && [ -e "$2/bin/true" ]' _ "$up" "$R"

nsbox rm lab-ov > /dev/null 2>&1
rm -rf "$L"
lab_end
