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
# a mount inside the rootfs: a box's read-only root must cover it too
mkdir -p "$R/sub"
mount -t tmpfs -o size=1m,mode=1777 escsub "$R/sub"
# The box runtime's libraries (tools/box/dl.c) are opened from the host's
# files before a box's namespaces are made or joined: never from the box's
# root, where its owner may put a libseccomp.so.2 of his own, run by the
# set-up before any filter exists.  Such files (the loader rejects these:
# loaded, they fail the box loudly) are in this rootfs for every box here.
SONAMES=$(strings /usr/local/bin/nsbox | grep -o '"soname":\["[^"]*"' | cut -d'"' -f4)
for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 lib usr/lib; do
	mkdir -p "$R/$d"
	for so in $SONAMES; do echo "not a library" > "$R/$d/$so"; done
done
check "the rootfs holds a box owner's libseccomp, libcap-ng, libnl-route-3, libnftables ($(echo $SONAMES))" \
	sh -c 'for n in libseccomp.so libcap-ng.so libnl-route-3.so libnftables.so; do
		echo "$1" | grep -q "$n" || exit 1; done; [ "$(cat "$2/lib/x86_64-linux-gnu/libseccomp.so.2")" = "not a library" ]' \
	_ "$SONAMES" "$R"
err=$(nsbox run --rm --rootfs "$R" --net bridge -- true 2>&1); rc=$?
check "a box on that rootfs starts, bridged (the set-up uses the host's libraries): exit $rc $err" \
	test "$rc" = 0
err=$("$BH" as-user 1000 nsbox run --rm --rootfs "$R" -- true 2>&1); rc=$?
check "and a rootless one: exit $rc $err" test "$rc" = 0
check "the lab VM gives root subordinate ids (/etc/subuid, /etc/subgid)" \
	sh -c 'grep -qx "root:100000:65536" /etc/subuid && grep -qx "root:100000:65536" /etc/subgid'

# The attacks, as one script run inside each box; "--" ends the list.
ATTACKS='
H=$1
t() { label=$1; shift; echo "$label=$($H "$@" | cut -d= -f2)"; }
# opts MOUNTPOINT: its per-mount options, then its superblock options
opts() { while read -r id p dev root mp o rest; do [ "$mp" = "$1" ] && echo "$o ${rest##* }"; done < /proc/self/mountinfo; }
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
for op in socket-vsock socket-alg pidfd_getfd process_madvise kcmp mbind set_mempolicy get_mempolicy; do
	$H $op
done
t write:/sub/x write /sub/x-$(hostname) x
echo "opts:/sub=$(opts /sub)"
echo "opts:/dev=$(opts /dev)"
echo "opts:/dev/shm=$(opts /dev/shm)"
cp "$H" /dev/shm/x && t exec:/dev/shm exec /dev/shm/x
'

# attack KIND OPTIONS...: run the attacks in a box; output in $OUT_<KIND>
box_attack() {
	kind=$1
	shift
	"$@" -- sh -c "$ATTACKS" sh "$H" > "/tmp/escape-$kind.out" 2> "/tmp/escape-$kind.err"
	# a box that did not even start: say why
	grep -q "^CapEff:" "/tmp/escape-$kind.out" || diag "$kind: $(cat "/tmp/escape-$kind.err")"
}
# has_opts KIND MOUNTPOINT OPT...: in box KIND, the mount has every OPT
# among its per-mount options (the first word of "opts:MOUNTPOINT=")
has_opts() {
	kind=$1 mp=$2
	shift 2
	got=$(grep -m1 "^opts:$mp=" "/tmp/escape-$kind.out" | cut -d= -f2-)
	for o in "$@"; do
		case ",${got%% *}," in
		*",$o,"*) ;;
		*) notok "$kind: $mp is $* (got '${got:-nothing}')"; return 1 ;;
		esac
	done
	ok "$kind: $mp is $* ($got)"
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
	# ... nor a mount inside it: read-only is recursive (issue 28)
	expect $k write:/sub/x EROFS
	has_opts $k /sub ro nosuid nodev
	# Docker's profile: no vsock (the hypervisor's sockets) or AF_ALG;
	# other processes' descriptors and memory only with SYS_PTRACE,
	# NUMA memory policy only with SYS_NICE (neither kept by default)
	for op in socket-vsock socket-alg pidfd_getfd process_madvise kcmp mbind \
		set_mempolicy get_mempolicy; do
		expect $k $op EPERM
	done
	# /dev: a node made there is no device; /dev/shm: 64 MiB, no programs
	has_opts $k /dev nosuid nodev noexec
	has_opts $k /dev/shm nosuid nodev noexec
	check "$k: /dev/shm holds 64 MiB" grep -q "^opts:/dev/shm=.*[ ,]size=65536k" "/tmp/escape-$k.out"
	expect $k exec:/dev/shm EACCES
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

# ---- PID 1, exec and the terminal (issue 28) ----------------------------------
# One box with the capabilities that open doors on purpose -- SYS_PTRACE
# (box root may read PID 1's descriptors, environment and memory: not an
# escape in Docker), SYS_NICE and MKNOD -- and a secret on its command line.
# Nothing PID 1 holds may lead to the host's files or tell the host's.
MARK=nsbox-escape-marker-$$
touch "/$MARK"
SECRET=hunter2-$$
nsbox run -d --rootfs "$R" --name esc-pt --cap-add SYS_PTRACE,SYS_NICE,MKNOD \
	-e "NSBOX_SECRET=$SECRET" -- sleep 1000 >/dev/null 2>/tmp/escape-pt.err ||
	diag "esc-pt: $(cat /tmp/escape-pt.err)"
ptpid=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "esc-pt") | .pid')
err=$(nsbox exec esc-pt true 2>&1); rc=$?
check "exec joins a box whose root holds libraries of its owner's (it opens the host's first): exit $rc $err" \
	test "$rc" = 0
out=$(nsbox exec esc-pt sh -c 'echo "fds=$(ls /proc/1/fd | tr "\n" " ")"
	for f in /proc/1/fd/* /proc/1/cwd /proc/1/root; do ls -a "$f/../.." 2>/dev/null; done' 2>&1)
diag "esc-pt, PID 1's descriptors: $(echo $out)"
check "PID 1 holds no host descriptor: /proc/1/fd is 0 1 2 and no path from it, its cwd or root reaches the host's /" \
	sh -c '! echo "$1" | grep -q "$2" && echo "$1" | grep -qx "fds=0 1 2 "' _ "$out" "$MARK"
cmdline=$(nsbox exec esc-pt "$H" nobody-cat /proc/1/cmdline 2>&1)
diag "esc-pt, /proc/1/cmdline as nobody: $cmdline"
check "as nobody in the box, /proc/1/cmdline holds no host command line and no --env value" \
	sh -c 'case "$1" in "nsbox-init "*) ;; *) exit 1 ;; esac
		! echo "$1" | grep -q -e "$2" -e "cap-add" -e "esc-pt" -e "rootfs"' _ "$cmdline" "$SECRET"
out=$(nsbox exec esc-pt sh -c 'echo "environ=$(tr "\0" " " < /proc/1/environ)"
	echo "exe=$(readlink /proc/1/exe)"; cat /proc/1/maps' 2>&1)
diag "esc-pt, PID 1 seen by box root with SYS_PTRACE: $(echo "$out" | head -n 3 | tr '\n' ' ')"
check "box root with SYS_PTRACE: /proc/1/environ is empty (no host variable, no secret)" \
	sh -c 'echo "$1" | grep -qx "environ=" && ! echo "$1" | grep -q "$2"' _ "$out" "$SECRET"
check "PID 1 runs an image from a sealed memfd: /proc/1/exe is no host file, no host file is mapped" \
	sh -c 'echo "$1" | grep -q "^exe=/memfd:nsbox-init" &&
		[ -z "$(echo "$1" | grep -v "^e" | awk "\$6 ~ /^\// && \$6 !~ /^\/memfd:/")" ]' _ "$out"
check "PID 1 keeps no capability, no_new_privs and seccomp after its exec" \
	sh -c 'grep -q "^CapEff:[[:space:]]*0000000000000000" /proc/$1/status &&
		grep -q "^NoNewPrivs:[[:space:]]*1" /proc/$1/status && grep -q "^Seccomp:[[:space:]]*2" /proc/$1/status' _ "$ptpid"

# seccomp's capability-conditional calls: with the capability, allowed
nsbox exec esc-pt sh -c 'for op in pidfd_getfd process_madvise kcmp mbind set_mempolicy get_mempolicy socket-vsock socket-alg; do "$0" $op; done' "$H" > /tmp/escape-pt.out 2>&1
diag "esc-pt: $(tr '\n' ' ' < /tmp/escape-pt.out)"
for op in pidfd_getfd process_madvise kcmp; do
	check "--cap-add SYS_PTRACE: $op is allowed, as in Docker's profile" grep -qx "$op=ok" /tmp/escape-pt.out
done
for op in mbind set_mempolicy get_mempolicy; do
	check "--cap-add SYS_NICE: $op is allowed, as in Docker's profile" grep -qx "$op=ok" /tmp/escape-pt.out
done
for op in socket-vsock socket-alg; do
	check "whatever the capabilities: $op is denied (EPERM)" grep -qx "$op=EPERM" /tmp/escape-pt.out
done
# /dev is nodev: with MKNOD a node can be made, not opened; the real ones work
out=$(nsbox exec esc-pt "$H" mknod-open /dev/esc-null 2>&1)
check "--cap-add MKNOD: a node made in /dev cannot be opened ($out)" test "$out" = "mknod-open=EACCES"
out=$(nsbox exec esc-pt sh -c 'echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c' 2>&1)
check "the box's /dev/null, zero and urandom still work ($(echo $out))" test "$(echo $out)" = "4 4"

# exec: a session of its own, never the caller's terminal.  Without a
# terminal on both stdin and stdout (here: stdout is a pipe), setsid().
out=$(nsbox exec esc-pt sh -c 'echo "$$ $(cut -d" " -f6 /proc/$$/stat)"' 2>&1)
check "exec without a terminal: the command leads a session of its own ($out: pid = sid)" \
	sh -c 'set -- $1; [ -n "$1" ] && [ "$1" = "$2" ]' _ "$out"
# With a terminal (tmux): a pty of the box's, relayed; a process left behind
# that makes itself the foreground group and reads gets nothing typed after
# exec has returned.
export TMUX_TMPDIR=/tmp
T="tmux -L nsboxesc"
cat > /tmp/esc-tty.sh <<END_OF_PANE_SCRIPT
stty -g > /tmp/esc-stty.before
nsbox exec esc-pt sh -c 'echo "size=\$(stty size)"; read x; echo "size=\$(stty size) tty=\$(tty) sid=\$(cut -d" " -f6 /proc/\$\$/stat) pid=\$\$"'
nsbox exec esc-pt $H tty-thief /tmp/thief
echo "exec-returned"
stty -g > /tmp/esc-stty.after
read line
echo "\$line" > /tmp/esc-shellgot
END_OF_PANE_SCRIPT
rm -f /tmp/esc-shellgot /tmp/esc-stty.*
pane() { $T capture-pane -p -t esc; }
if ! $T new-session -d -s esc -x 100 -y 20 "sh /tmp/esc-tty.sh" 2>/tmp/tmux.err; then
	diag "$(cat /tmp/tmux.err)"
	notok "tmux starts a session"
else
	$T set-option -t esc remain-on-exit on >/dev/null
	until_ok sh -c "$T capture-pane -p -t esc | grep -q '^size='"
	$T resize-window -t esc -x 90 -y 15
	want="$($T display-message -p -t esc '#{pane_height} #{pane_width}')"
	$T send-keys -t esc go Enter
	until_ok sh -c "$T capture-pane -p -t esc | grep -q '^size=.* tty='"
	line=$(pane | grep '^size=.* tty=')
	diag "exec in a terminal: $line (the pane is $want)"
	check "exec in a terminal: the command's terminal is a pty of the box's, it leads its session" \
		sh -c 'echo "$1" | grep -q " tty=/dev/pts/[0-9]* sid=\([0-9]*\) pid=\1$"' _ "$line"
	check "exec in a terminal: the window size follows the caller's (SIGWINCH)" \
		sh -c 'echo "$1" | grep -q "^size=$2 tty="' _ "$line" "$want"
	thief() { cat /proc/$ptpid/root/tmp/thief 2>/dev/null; }
	until_ok sh -c "$T capture-pane -p -t esc | grep -q '^exec-returned'"
	until_ok sh -c 'grep -q "^tcsetpgrp=" /proc/$1/root/tmp/thief' _ "$ptpid"
	$T send-keys -t esc "typed-by-the-admin-$$" Enter
	got() { [ -s /tmp/esc-shellgot ] || grep -q "^read=" /proc/$ptpid/root/tmp/thief; }
	until_ok got
	diag "the process left behind: $(thief | tr '\n' ' ')"
	diag "$(pane)"
	check "a process left behind by exec reads nothing the admin types afterwards" \
		sh -c '! grep -q "typed-by-the-admin" /proc/$1/root/tmp/thief' _ "$ptpid"
	check "the admin's shell gets it" grep -q "typed-by-the-admin-$$" /tmp/esc-shellgot
	check "the process left behind is not in the caller's session" \
		sh -c '! grep -qx "sid=0" /proc/$1/root/tmp/thief' _ "$ptpid"
	check "the caller's terminal settings are restored after exec" cmp -s /tmp/esc-stty.before /tmp/esc-stty.after
	$T kill-server
fi
nsbox rm -f esc-pt
rm -f "/$MARK"

# exec racing start-up: a box whose set-up is held (failshim: its first
# process waits in setns(), before its mounts and pivot_root) must not be
# joined until it is set up.
SHIM=/opt/nsbox/tests/failshim.so
fifo=/tmp/esc-hold
rm -f "$fifo"
mkfifo "$fifo"
touch "/$MARK"
LD_PRELOAD=$SHIM NSBOX_SHIM_HOLD=$fifo nsbox run -d --rootfs "$R" --name esc-start --net none \
	-- sleep 1000 >/dev/null 2>/tmp/escape-start.err &
runpid=$!
exec 8>"$fifo"		# returns once the box's first process waits in setns()
st=$(sed -n 's/^status=//p' /run/nsbox/esc-start/state)
nsbox exec esc-start sh -c 'ls -a /' > /tmp/escape-start.out 2>&1 &
execpid=$!
# until exec has done what it does with a box being set up: joined and
# listed (it has exited), or waits in poll() for the box to be set up
exec_went() {
	! kill -0 "$execpid" 2>/dev/null || grep -qE '^(7|271) ' "/proc/$execpid/syscall"
}
until_ok exec_went
starting() { nsbox ls -r -n -o name,status | grep -qx "esc-start starting"; }
check "a box being set up is listed as starting (state says '$st')" starting
echo >&8		# let the set-up go on
exec 8>&-
wait "$runpid"
wait "$execpid"
rc=$?
diag "exec during start-up (exit $rc): $(tr '\n' ' ' < /tmp/escape-start.out) $(cat /tmp/escape-start.err)"
check "exec during start-up waits for the box, never sees the host's files (exit $rc)" \
	sh -c '[ "$1" = 0 ] && ! grep -q "$2" /tmp/escape-start.out && grep -qx bin /tmp/escape-start.out' _ "$rc" "$MARK"
nsbox rm -f esc-start
rm -f "$fifo" "/$MARK"

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
# Root's range must be nobody else's: box root would be that user's uids,
# and that user could signal and ptrace the box's processes.
cp /etc/subuid /etc/subuid.escape
cp /etc/subgid /etc/subgid.escape
echo "1000:150000:65536" >> /etc/subuid
err=$(nsbox run --rm --user --rootfs "$R" -- true 2>&1); rc=$?
cp /etc/subuid.escape /etc/subuid
diag "$err"
check "--user: root's range overlapping uid 1000's in /etc/subuid is refused ($rc)" \
	sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "/etc/subuid.*overlaps.*1000:150000:65536"' _ "$rc" "$err"
echo "bob:165000:10" >> /etc/subgid
err=$(nsbox run --rm --user --rootfs "$R" -- true 2>&1); rc=$?
cp /etc/subgid.escape /etc/subgid
check "--user: ... and in /etc/subgid ($rc)" \
	sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "/etc/subgid.*overlaps.*bob:165000:10"' _ "$rc" "$err"
# the advice names a range nobody has: lab has 100000-165535 here (subuid)
# and 165536-231071 (subgid)
echo "lab:100000:65536" > /etc/subuid
err=$(nsbox run --rm --user --rootfs "$R" -- true 2>&1); rc=$?
cp /etc/subuid.escape /etc/subuid
diag "$err"
check "--user without a range for root: the usermod line it suggests is free (231072-296607) ($rc)" \
	sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "usermod --add-subuids 231072-296607 --add-subgids 231072-296607 root"' _ "$rc" "$err"
rm -f /etc/subuid.escape /etc/subgid.escape

# ---- a rootless user's state in /tmp/nsbox-UID: its own private directory ----
# Without XDG_RUNTIME_DIR uid 1000's boxes live in /tmp/nsbox-1000, a name
# anybody can take first: a symlink, or a directory others may write.
rm -rf /tmp/nsbox-1000 /tmp/esc-victim
mkdir -m 0700 /tmp/esc-victim
chown 1000:1000 /tmp/esc-victim
ln -s /tmp/esc-victim /tmp/nsbox-1000
err=$("$BH" as-user 1000 nsbox run --rm --rootfs "$R" -- true 2>&1); rc=$?
check "rootless: /tmp/nsbox-1000 planted as a symlink is refused, nothing made where it points ($rc: $err)" \
	sh -c '[ "$1" = 125 ] && echo "$2" | grep -q "/tmp/nsbox-1000" && [ -z "$(ls -A /tmp/esc-victim)" ]' _ "$rc" "$err"
rm -f /tmp/nsbox-1000
mkdir /tmp/nsbox-1000
chown 1000:1000 /tmp/nsbox-1000
chmod 0777 /tmp/nsbox-1000
err=$("$BH" as-user 1000 nsbox run --rm --rootfs "$R" -- true 2>&1); rc=$?
check "rootless: /tmp/nsbox-1000 with mode 0777 is refused ($rc: $err)" \
	sh -c '[ "$1" = 125 ] && echo "$2" | grep -q "/tmp/nsbox-1000.*0700"' _ "$rc" "$err"
rm -rf /tmp/nsbox-1000 /tmp/esc-victim

# ---- /sys bound from the host (rootless --net host): read-only all the way down --
# (rootless: PID 1's user namespace does not own the host's network
# namespace, so it may not mount a sysfs: it binds the host's /sys)
out=$("$BH" as-user 1000 nsbox run --rm --net host --rootfs "$R" -- cat /proc/self/mountinfo 2>&1)
bad=$(echo "$out" | awk '$5 ~ /^\/sys(\/|$)/ && ("," $6 ",") !~ /,ro,/ { print $5 " " $6 }' | tr '\n' ' ')
diag "rootless --net host, mounts under /sys: $(echo "$out" | awk '$5 ~ /^\/sys/ { print $5 " " $6 }' | tr '\n' ' ')"
check "rootless --net host: the host's /sys is bound read-only with every mount under it ($bad)" \
	sh -c '[ -n "$1" ] && [ -z "$2" ] && echo "$1" | grep -q " /sys/fs/cgroup "' _ "$out" "$bad"

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
	sh -c 'echo "$1" | jq -e --arg p "/e$2]0;pwn" "[.groups[] | select(.path == \$p)] | length == 1" >/dev/null' _ "$out" "$ESC" ||
	diag "groups -J (once flaky on 5.10): $(echo "$out" | jq -c '[.groups[] | select(.path | test("pwn"))]' 2>&1 | head -c 600)"
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
nsbox run -d --disk 4M --log-size 1M --rootfs "$R" --name esc-log -- yes >/dev/null
# the monitor rotates the log at 1 MiB: a box writing for ever keeps two
# files of at most 1 MiB each, and goes on running
until_ok test -e /run/nsbox/esc-log/disk/log.1
until_ok sh -c '[ "$(stat -c %s /run/nsbox/esc-log/disk/log)" -gt 500000 ]'
# (both sizes in one read: mid-rotation, between its two steps, "log" is
# not there for a moment)
until_ok sh -c 'set -- $(stat -c %s "$1/log" "$1/log.1" 2>/dev/null); [ $# = 2 ] && echo "$*" >/tmp/esc-logsize' _ /run/nsbox/esc-log/disk
size=$(cat /tmp/esc-logsize)
used=$(df -k /run/nsbox/esc-log/disk | awk 'NR == 2 { print $3 }')
diag "log of a detached 'yes' with --disk 4M --log-size 1M: $size bytes, $used KiB used"
check "-d --log-size 1M: a box writing for ever keeps log and log.1 of at most 1 MiB each ($size) and runs on" \
	sh -c 'set -- $1; [ "$1" -le 1048576 ] && [ "$2" -le 1048576 ] && [ "$2" -gt 1000000 ] && nsbox ls -r -n -o name,status | grep -qx "esc-log running"' _ "$size"
nsbox rm -f esc-log
check "rm unmounts the state tmpfs: no /run/nsbox mount left" sh -c '! grep -q " /run/nsbox/" /proc/self/mountinfo'
mkdir -p "/tmp/esc,upperdir=x"
err=$(nsbox run --rm --overlay --rootfs "/tmp/esc,upperdir=x" -- true 2>&1); rc=$?
check "--overlay with a ',' in the rootfs path: refused, no option injection ($rc)" \
	sh -c '[ "$1" = 2 ] && echo "$2" | grep -q "OverlayFS would read as option syntax"' _ "$rc" "$err"

umount "$R/sub"
echo "1..$n"
[ "$fails" = 0 ]
