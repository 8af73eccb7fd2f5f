#!/bin/sh
# escape.sh - attack boxes the way a hostile box user would (TAP).
#
# Three kinds of box: a plain one started by root, a --user one started by
# root, a rootless one started by uid 1000.  In each, escape_helper makes
# one system call per attack and prints OP=RESULT; every attack must fail,
# and fail for the reason docs/security.md gives (its threat-model table
# names these checks): EPERM from the seccomp allowlist or a missing
# capability, EINVAL or EPERM from a locked mount, EROFS from a read-only
# one, ENOSYS from seccomp's default.  Then the same mask attacks with the
# seccomp and capability doors opened on purpose (--cap-add SYS_ADMIN
# --seccomp-allow mount): in a box with a user namespace the kernel's
# mount locking must still hold on its own.
. "$(dirname "$0")/tap.sh"

H=/opt/nsbox/tests/escape_helper
BH=/opt/nsbox/tests/box_helper
R=/tmp/escape-rootfs
echo "TAP version 13"

nsbox rootfs create --add "$H" "$R" >/dev/null 2>&1
chmod 755 "$R"
check "the lab VM gives root subordinate ids (/etc/subuid, /etc/subgid)" \
	sh -c 'grep -qx "root:100000:65536" /etc/subuid && grep -qx "root:100000:65536" /etc/subgid'

# The attacks, as one script run inside each box; "--" ends the list.
ATTACKS='
H=$1
t() { label=$1; shift; echo "$label=$($H "$@" | cut -d= -f2)"; }
for p in /proc/sys /proc/sysrq-trigger /proc/kcore /proc/keys /proc/acpi /proc/timer_list /sys/firmware; do
	[ -e "$p" ] || { echo "umount:$p=absent"; continue; }
	t "umount:$p" umount $p
	t "umount-lazy:$p" umount-lazy $p
	t "remount-rw:$p" remount-rw $p
done
t remount-rw:/ remount-rw /
t mount-proc:/tmp mount-proc /tmp
t write:core_pattern write /proc/sys/kernel/core_pattern "|/tmp/pwn"
[ -e /proc/sysrq-trigger ] && t write:sysrq-trigger write /proc/sysrq-trigger h
[ -e /proc/kcore ] && t read:kcore read /proc/kcore
t read:keys read /proc/keys
echo "firmware-entries=$(ls /sys/firmware | wc -l)"
for op in unshare-user unshare-mnt clone-newuser clone-newns clone3 keyctl add_key bpf \
	perf_event_open userfaultfd io_uring_setup open_by_handle_at kexec_load init_module \
	delete_module fsopen sched-fifo tiocsti; do
	$H $op
done
$H open_tree /proc
$H setns /proc/self/ns/net
$H mknod /tmp/disk
t write:/newfile write /newfile x
$H setuid /bin/planted
$H link-down lo
grep "^CapEff:" /proc/self/status | tr -d "\t"
t overmount:/proc/sys overmount /proc/sys
'

# attack KIND OPTIONS...: run the attacks in a box; output in $OUT_<KIND>
box_attack() {
	kind=$1
	shift
	"$@" -- sh -c "$ATTACKS" sh "$H" > "/tmp/escape-$kind.out" 2> "/tmp/escape-$kind.err"
	# a box that did not even start: say why
	grep -q "^CapEff:" "/tmp/escape-$kind.out" || diag "$kind: $(cat "/tmp/escape-$kind.err")"
}
# expect KIND OP RESULT...: the result of OP in box KIND is one of RESULT
expect() {
	kind=$1 op=$2
	shift 2
	got=$(grep -m1 "^$op=" "/tmp/escape-$kind.out" | cut -d= -f2-)
	for want in "$@"; do
		if [ "$got" = "$want" ]; then
			ok "$kind: $op fails: $got"
			return 0
		fi
	done
	notok "$kind: $op: got '${got:-nothing}', want $*"
	return 1
}

HOSTCORE=$(cat /proc/sys/kernel/core_pattern)
box_attack root nsbox run --rm --rootfs "$R"
box_attack user nsbox run --rm --user --rootfs "$R"
box_attack rootless "$BH" as-user 1000 nsbox run --rm --rootfs "$R"
box_attack roothost nsbox run --rm --rootfs "$R" --net host
for k in root user rootless roothost; do diag "$k: $(tr '\n' ' ' < /tmp/escape-$k.out)"; done

for k in root user rootless; do
	# masks: seccomp says no to every mount call; and without it, no
	# CAP_SYS_ADMIN (root box) or a locked mount (user namespace)
	for p in /proc/sys /proc/sysrq-trigger /proc/kcore /proc/keys /proc/acpi /proc/timer_list /sys/firmware; do
		if grep -q "^umount:$p=absent" "/tmp/escape-$k.out"; then
			skip "$k: attacks on $p" "this kernel has no $p"
			continue
		fi
		expect $k "umount:$p" EPERM
		expect $k "umount-lazy:$p" EPERM
		expect $k "remount-rw:$p" EPERM
	done
	expect $k "overmount:/proc/sys" EPERM
	expect $k "remount-rw:/" EPERM
	expect $k "mount-proc:/tmp" EPERM
	expect $k fsopen EPERM
	expect $k open_tree EPERM
	# host-wide files: read-only, or masked (/dev/null: nothing to read)
	expect $k write:core_pattern EROFS EACCES
	grep -q "^write:sysrq-trigger=" "/tmp/escape-$k.out" && expect $k write:sysrq-trigger EROFS EACCES
	grep -q "^read:kcore=" "/tmp/escape-$k.out" && expect $k read:kcore ENODATA
	expect $k read:keys ENODATA
	expect $k write:/newfile EROFS
	check "$k: /sys/firmware is an empty mask" grep -qx "firmware-entries=0" "/tmp/escape-$k.out"
	# namespaces: none new, none joined
	expect $k unshare-user EPERM
	expect $k unshare-mnt EPERM
	expect $k clone-newuser EPERM
	expect $k clone-newns EPERM
	expect $k clone3 ENOSYS
	expect $k setns EPERM
	# the calls Docker's profile denies
	for op in keyctl add_key bpf perf_event_open userfaultfd io_uring_setup \
		open_by_handle_at kexec_load init_module delete_module tiocsti; do
		expect $k $op EPERM
	done
	# no real-time priority to starve the host past cpu.max; no devices
	expect $k sched-fifo EPERM
	expect $k mknod EPERM
	# the rootfs is shared and on the host: never written by a box
	expect $k setuid EROFS
done
check "root box: the host's core_pattern is unchanged" test "$(cat /proc/sys/kernel/core_pattern)" = "$HOSTCORE"
check "root box: Docker's capability set less MKNOD, nothing more (CapEff 00000000a00425fb)" \
	grep -qx "CapEff:00000000a00425fb" /tmp/escape-root.out
check "--user box: the same set, in its own user namespace" \
	grep -qx "CapEff:00000000a00425fb" /tmp/escape-user.out
expect roothost link-down EPERM
check "--net host: the host's lo is still up" sh -c 'ip -o link show lo | grep -q "UP"'

# ---- the kernel's lock alone: seccomp and capabilities opened on purpose ----
OPEN="--cap-add SYS_ADMIN --seccomp-allow mount"
box_attack user-open nsbox run --rm --user $OPEN --rootfs "$R"
box_attack rootless-open "$BH" as-user 1000 nsbox run --rm $OPEN --rootfs "$R"
for k in user-open rootless-open; do
	diag "$k: $(tr '\n' ' ' < /tmp/escape-$k.out)"
	for p in /proc/sys /proc/sysrq-trigger /proc/kcore /proc/keys /sys/firmware; do
		grep -q "^umount:$p=absent" "/tmp/escape-$k.out" && continue
		expect $k "umount:$p" EINVAL	# MNT_LOCKED
		expect $k "umount-lazy:$p" EINVAL
		expect $k "remount-rw:$p" EPERM	# MNT_LOCK_READONLY
	done
	expect $k "remount-rw:/" EPERM
	expect $k "mount-proc:/tmp" EPERM	# mount_too_revealing: /proc has locked masks
	expect $k write:core_pattern EROFS EACCES
done

# ---- who box root is on the host ---------------------------------------------
nsbox run --rootfs "$R" --user --name esc-user -d -- sleep 1000 >/dev/null
p1=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "esc-user") | .pid')
cmd=$(first_child "$p1")
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$cmd/status" 2>/dev/null)
diag "--user box: PID 1 $p1, command $cmd, host uid $uid, uid_map $(cat /proc/$cmd/uid_map 2>/dev/null)"
check "--user box started by root: box root is host uid 100000, not 0" test "${uid:-0}" = 100000
check "--user box: PID 1 holds no capability" \
	sh -c 'grep -q "^CapEff:[[:space:]]*0000000000000000" /proc/$1/status' _ "$p1"
secret=/root/escape-secret
echo top-secret > $secret
chmod 600 $secret
out=$(exec 7<$secret; nsbox exec esc-user sh -c 'ls /proc/self/fd | tr "\n" " "; cat /proc/[0-9]*/fd/7 2>/dev/null' 2>&1)
diag "exec with fd 7 open on the host: $out"
check "exec: the caller's descriptors do not reach the box" \
	sh -c '! echo "$1" | grep -q top-secret && echo "$1" | grep -qx "0 1 2 3 *"' _ "$out"
nsbox exec esc-user sh -c 'exit 3'
check "exec: the command's exit status (3)" test $? = 3
nsbox exec no-such-box true 2>/dev/null
check "exec: its own failure is 125, not a command's status" test $? = 125
nsbox rm -f esc-user

mv /etc/subuid /etc/subuid.escape
err=$(nsbox run --rm --user --rootfs "$R" -- true 2>&1); rc=$?
mv /etc/subuid.escape /etc/subuid
check "--user by root without /etc/subuid: says how to add a range ($rc)" \
	sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "usermod --add-subuids"' _ "$rc" "$err"

# ---- overlay: what a box writes stays in root's state directory --------------
nsbox run --rm --overlay --rootfs "$R" --name esc-ov -- "$H" setuid /planted >/dev/null
nsbox run --overlay --rootfs "$R" --name esc-ov2 -- "$H" setuid /planted > /tmp/escape-ov.out
check "--overlay: a setuid file lands in the upper layer ($(cat /tmp/escape-ov.out))" \
	test -u /run/nsbox/esc-ov2/disk/upper/planted
check "--overlay: host users cannot reach it" \
	sh -c '! "$1" as-user 1000 test -e /run/nsbox/esc-ov2/disk/upper/planted' _ "$BH"
check "--overlay: the rootfs is untouched" test ! -e "$R/planted"
nsbox rm esc-ov2

# ---- a hostile rootfs: mount points that are symlinks to host paths ---------------
# Until pivot_root, nsbox works as root with the host's files in view: a
# rootfs whose dev, proc, sys or tmp points outside must not make it mount
# or create anything there.  It must refuse, and say why.
mkdir -p /tmp/esc-target
for d in dev proc sys tmp; do
	rm -rf /tmp/esc-sym
	cp -a "$R" /tmp/esc-sym
	rm -rf "/tmp/esc-sym/$d"
	ln -s /tmp/esc-target "/tmp/esc-sym/$d"
	for ov in "" --overlay; do
		err=$(nsbox run --rm $ov --rootfs /tmp/esc-sym -- true 2>&1); rc=$?
		check "rootfs with $d -> a host directory${ov:+ ($ov)}: refused ($rc), nothing made there" \
			sh -c '[ "$1" = 125 ] && echo "$2" | grep -q "is a symlink or not a directory" &&
				[ -z "$(ls -A /tmp/esc-target)" ]' _ "$rc" "$err"
	done
done
rm -rf /tmp/esc-sym /tmp/esc-target

# ---- terminal safety: names with control characters are printed escaped ----------
# A comm, an exec'd file name and a cgroup directory are anybody's to name;
# ESC sequences in them must not reach the reader's terminal, and JSON
# must still carry them exactly.
ESC=$(printf '\033')
evil="x${ESC}[2Jy"
cp /bin/busybox "/tmp/$evil"
cg="/sys/fs/cgroup/e${ESC}]0;pwn"
mkdir -p "$cg"
nsbox events -k exec -g "cgroup2:$(stat -c %i "$cg")" -n 1 > /tmp/escape-ev.txt 2>&1 & ev=$!
i=0
until nsbox info -J | grep -q '"event_subscribers": *[1-9]' || [ $i -ge 300 ]; do
	i=$((i + 1)); sleep 0.1	# until the subscription is in, with a deadline
done
sh -c 'echo $$ > "$1/cgroup.procs"; exec "$2" true' _ "$cg" "/tmp/$evil"
i=0
while kill -0 $ev 2>/dev/null && [ $i -lt 300 ]; do
	i=$((i + 1)); sleep 0.1	# until events -n 1 has printed it and ended
done
kill $ev 2>/dev/null
diag "events: $(cat /tmp/escape-ev.txt)"
check "events: an ESC in a comm and a file name is printed as \\x1b" \
	sh -c '! grep -q "$1" /tmp/escape-ev.txt && grep -qF "comm=x\\x1b[2Jy" /tmp/escape-ev.txt &&
		grep -qF "filename=/tmp/x\\x1b[2Jy" /tmp/escape-ev.txt' _ "$ESC"
out=$(nsbox groups --kind cgroup2 -o path 2>&1)
check "groups: a cgroup named with ESC is printed escaped" \
	sh -c '! echo "$1" | grep -q "$2" && echo "$1" | grep -qF "/e\\x1b]0;pwn"' _ "$out" "$ESC"
out=$(nsbox groups --kind cgroup2 -J 2>&1)
check "groups -J: the same name exactly (JSON escapes it as \\u001b)" \
	sh -c 'echo "$1" | jq -e --arg p "/e$2]0;pwn" "[.groups[] | select(.path == \$p)] | length == 1" >/dev/null' _ "$out" "$ESC"
out=$(nsbox top -b -n 1 2>&1)
check "top: the same cgroup escaped" \
	sh -c '! echo "$1" | grep -q "$2" && echo "$1" | grep -qF "e\\x1b]0;pwn"' _ "$out" "$ESC"
rmdir "$cg"
rm -f "/tmp/$evil"

# ---- visibility: the module shows a caller what /proc's ptrace rule would ---------
# each helper says "ready" once its ids and its dumpable flag are final
mkfifo /tmp/escape-creds
creds() {	# creds MODE: start box_helper creds MODE, wait for its "ready"
	"$BH" creds "$1" > /tmp/escape-creds &
	cpid=$!
	read -r ready < /tmp/escape-creds
	[ "$ready" = ready ] || diag "box_helper creds $1: no ready line ('$ready')"
}
creds plain; vplain=$cpid
creds saved0; vsaved=$cpid
creds nodump; vnodump=$cpid
rm -f /tmp/escape-creds
pids=$("$BH" as-user 1000 nsbox ps -J | jq -r '.tasks[].pid' | tr '\n' ' ')
diag "uid 1000 sees: $pids (plain $vplain, saved uid 0 $vsaved, not dumpable $vnodump)"
check "uid 1000 sees its own plain process" sh -c 'echo " $1" | grep -q " $2 "' _ "$pids" "$vplain"
check "uid 1000 does not see a process whose saved uid is 0 (setuid)" \
	sh -c '! echo " $1" | grep -q " $2 "' _ "$pids" "$vsaved"
check "uid 1000 does not see its own process that is not dumpable" \
	sh -c '! echo " $1" | grep -q " $2 "' _ "$pids" "$vnodump"
# events: the same rule (the drain checks it with the subscriber's creds)
"$BH" as-user 1000 nsbox events -J -k exit > /tmp/escape-ev1000.json 2>&1 & evu=$!
i=0
until [ "$(nsbox info -J | jq '.event_subscribers')" -ge 1 ] 2>/dev/null || [ $i -ge 300 ]; do
	i=$((i + 1)); sleep 0.05	# until uid 1000's subscription is in
done
kill $vsaved
wait $vsaved 2>/dev/null
kill $vplain
i=0
until grep -q "\"pid\": *$vplain[,}]" /tmp/escape-ev1000.json || [ $i -ge 300 ]; do
	i=$((i + 1)); sleep 0.05	# until the plain process's exit has come (it follows)
done
kill $evu $vnodump
diag "uid 1000's events: $(jq -c '[.type, .pid]' /tmp/escape-ev1000.json 2>/dev/null | tr '\n' ' ')"
check "events: uid 1000 gets its plain process's exit, not the one with saved uid 0" \
	sh -c 'grep -q "\"pid\": *$1[,}]" /tmp/escape-ev1000.json && ! grep -q "\"pid\": *$2[,}]" /tmp/escape-ev1000.json' _ "$vplain" "$vsaved"
# fields naming another group: never one the caller cannot see
nsbox rootfs create --add /usr/local/bin/nsbox "$R" >/dev/null 2>&1
out=$(nsbox run --rm --user --rootfs "$R" -- nsbox groups -J 2>&1)
hostpid=$(stat -L -c %i /proc/1/ns/pid)
hostuser=$(stat -L -c %i /proc/1/ns/user)
diag "in a --user box: $(echo "$out" | jq -c '[.groups[] | select(.kind == "pid" or .kind == "user") | [.kind, .id, .parent, .owner]]' 2>&1)"
check "--user box: no parent or owner field names a group it cannot see (the host's pid $hostpid, user $hostuser)" \
	sh -c 'echo "$1" | jq -e "[.groups[].id] as \$ids | all(.groups[]; ((.parent // null) as \$p | \$p == null or (\$ids | index(\$p) != null)) and ((.owner // null) as \$o | \$o == null or (\$ids | index(\$o) != null)))" >/dev/null &&
		! echo "$1" | grep -Eq "\"(parent|owner)\": *($2|$3)[,}]"' _ "$out" "$hostpid" "$hostuser"

# ---- bounded state: what a box writes on the host has a size ---------------------
out=$(nsbox run --rm --overlay --disk 8M --rootfs "$R" -- sh -c 'dd if=/dev/zero of=/big bs=1M count=32 2>&1; echo rc=$?' 2>&1)
diag "$out"
check "--overlay --disk 8M: the 9th MiB written to the upper layer fails (No space left)" \
	sh -c 'echo "$1" | grep -q "No space left on device" && ! echo "$1" | grep -qx "rc=0"' _ "$out"
nsbox run -d --disk 4M --rootfs "$R" --name esc-log -- yes >/dev/null
# yes ends when a write fails: the log is full
i=0
until nsbox ls -r -n -o name,status | grep -q "^esc-log exited" || [ $i -ge 600 ]; do
	i=$((i + 1)); sleep 0.1	# polling for the end, with a deadline
done
size=$(stat -c %s /run/nsbox/esc-log/disk/log 2>/dev/null)
diag "log of a detached 'yes' with --disk 4M: $size bytes, $(nsbox ls -r -n -o name,status | grep esc-log)"
check "-d --disk 4M: the detached log stops at 4 MiB ($size bytes) and the box ends" \
	sh -c '[ "${1:-0}" -gt 3000000 ] && [ "$1" -le 4194304 ] && nsbox ls -r -n -o name,status | grep -q "^esc-log exited"' _ "$size"
nsbox rm -f esc-log
check "rm unmounts the state tmpfs: no /run/nsbox mount left" sh -c '! grep -q " /run/nsbox/" /proc/self/mountinfo'
mkdir -p "/tmp/esc,upperdir=x"
err=$(nsbox run --rm --overlay --rootfs "/tmp/esc,upperdir=x" -- true 2>&1); rc=$?
check "--overlay with a ',' in the rootfs path: refused, no option injection ($rc)" \
	sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "OverlayFS would read as option syntax"' _ "$rc" "$err"

echo "1..$n"
[ "$fails" = 0 ]
