#!/bin/sh
# chroot.sh - lab: a chroot jail built with ldd, the classic escape from
# it, and a box made with pivot_root that the same program cannot leave
# (docs/labs/chroot.md).  LAB_MODE=show for a student; check: its checker.
. "$(dirname "$0")/lab.sh"

J=/tmp/lab-jail
R=/tmp/lab-chroot-rootfs
ESC=/opt/nsbox/tests/chroot_escape
LS=/opt/nsbox/labs/bin/ls	# GNU ls, dynamic (the VM's own ls is busybox's, static)
MARK=/lab-host-marker
token="host root $$-$(date +%s)"
echo "$token" > $MARK
rm -rf "$J"

say "1. A jail: a directory with a shell, ls, and every library ldd lists for them."
run mkdir -p $J/bin $J/tmp
run cp /bin/bash $LS $J/bin/
run ldd /bin/bash $LS
libs=$(ldd /bin/bash $LS | grep -o '/lib[^ ]*' | sort -u)
say "(the seed uses GNU cp --parents; busybox cp has no such option: mkdir -p, then cp)"
for lib in $libs; do
	mkdir -p "$J$(dirname "$lib")"
	cp "$lib" "$J$lib"
done
run find $J -type f
observe "every library ldd names, the loader too, is in the jail ($(echo $libs))" \
	sh -c 'for l in $2; do [ -f "$1$l" ] || exit 1; done; echo "$2" | grep -q ld-linux' _ "$J" "$libs"

say "2. chroot into it: / is the jail, the rest of the machine is gone from view."
run chroot $J /bin/bash -c 'echo "in the jail, / holds:"; ls /; ls /opt'
inside=$(chroot $J /bin/bash -c 'ls /' | tr '\n' ' ')
outside=$(ls $J | tr '\n' ' ')
observe "ls / inside is exactly $J's listing ($inside), and no $MARK" \
	sh -c '[ "$1" = "$2" ] && ! chroot "$3" /bin/bash -c "[ -e $4 ]"' _ "$inside" "$outside" "$J" "$MARK"

say "3. A chroot is not a container: root in the jail gets out.  The host's root has a marker the jail does not: $MARK"
run cat $MARK
cp $ESC $J/bin/
run_out chroot $J /bin/chroot_escape /tmp/esc $MARK
observe "chroot_escape, started in the jail, read the host's marker (exit $rc)" \
	sh -c '[ "$1" = 0 ] && echo "$2" | grep -qxF "read $3: $4"' _ "$rc" "$out" "$MARK" "$token"

say "4. The same program in a box: nsbox run makes a mount namespace and pivot_roots into the rootfs."
nsbox rootfs create --add $ESC $R > /dev/null 2>&1
run_out nsbox run --rm --rootfs $R -- $ESC /tmp/esc $MARK
observe "in the box both chroot() calls succeed (root there keeps CAP_SYS_CHROOT), and the marker stays out of reach (exit $rc)" \
	sh -c '[ "$1" = 1 ] && echo "$2" | grep -q "^chroot(\"\.\"): ok" &&
		echo "$2" | grep -q "^open $3: No such file" && ! echo "$2" | grep -qF "$4"' _ "$rc" "$out" "$MARK" "$token"
run nsbox run --rm --rootfs $R -- grep -E '^Cap(Eff|Bnd)' /proc/self/status

rm -rf "$J" "$R" $MARK
lab_end
