#!/bin/sh
# unix-sockets.sh - lab: a UNIX domain socket server and client,
# SO_PEERCRED, the socket file's mode as access control, and a box
# monitor's socket as the real example (docs/labs/unix-sockets.md).
# LAB_MODE=show for a student; check: its checker.
. "$(dirname "$0")/lab.sh"

UDS=/opt/nsbox/tests/uds_helper
BH=/opt/nsbox/tests/box_helper
AS_USER="$BH as-user 1000"
D=/tmp/lab-uds
S=$D/sock
R=/tmp/lab-uds-rootfs
rm -rf $D
mkdir -p $D

say "1. A server: bind() makes the socket file, listen() waits for clients (three, then it exits)."
$UDS serve $S 3 > $D/server.log 2>&1 &
server=$!
until_seen grep -q '^listening' $D/server.log
run ls -l $S
run ss -xl src $S
observe "the socket is a file of type socket (s in ls -l), and ss lists it listening" \
	sh -c '[ -S "$1" ] && ss -Hxl src "$1" | grep -q "^u_str *LISTEN"' _ "$S"

say "2. Two clients, root and uid 1000: the server asks the kernel who each one is (SO_PEERCRED)."
run chmod 0666 $S
me_said() { echo "$1" | sed -n 's/^me \(.*\)/\1/p'; }
run_out $UDS connect $S "hi from root"
root_me=$(me_said "$out")
run_out $AS_USER $UDS connect $S "hi from uid 1000"
user_me=$(me_said "$out")
run cat $D/server.log
observe "the server's SO_PEERCRED pid, uid and gid are the root client's own ($root_me)" \
	sh -c '[ -n "$1" ] && grep -qx "peer $1" "$2" && echo "$1" | grep -q "uid=0 "' _ "$root_me" $D/server.log
observe "and uid 1000's: its pid, uid=1000 gid=1000 ($user_me)" \
	sh -c '[ -n "$1" ] && grep -qx "peer $1" "$2" && echo "$1" | grep -q "uid=1000 gid=1000$"' _ "$user_me" $D/server.log

say "3. The file's mode is the access control: connect() needs write permission on it."
run chmod 0600 $S
run ls -l $S
run_out $AS_USER $UDS connect $S "let me in"
observe "mode 0600, owned by root: uid 1000's connect() fails with EACCES (Permission denied)" \
	sh -c '[ "$1" = 1 ] && echo "$2" | grep -q "^connect .*: Permission denied$"' _ "$rc" "$out"
run chown 1000:1000 $S
run $AS_USER $UDS connect $S "let me in"
# the third client's line is in the log: the server is done (or never will be)
until_seen grep -qx "got: let me in" $D/server.log || kill "$server"
wait "$server"
observe "chowned to uid 1000, the same connect() gets through: the server's third peer is uid 1000" \
	sh -c '[ "$(grep -c "^peer pid=[0-9]* uid=1000 gid=1000$" "$1")" = 2 ] && grep -qx "got: let me in" "$1"' _ $D/server.log

say "4. The real example: every box's monitor listens on a socket in the box's state directory."
nsbox rootfs create $R > /dev/null 2>&1
nsbox run -d --rootfs $R --name lab-uds -- sleep 1000 > /dev/null
B=/run/nsbox/lab-uds
until_seen test -S $B/sock
run ls -ld $B
run ls -l $B/sock
run ss -xlp src $B/sock
observe "the monitor's socket $B/sock is root's, mode 0600 (srw-------), in a 0700 directory" \
	sh -c '[ "$(stat -c "%A %U" "$1/sock")" = "srw------- root" ] && [ "$(stat -c "%a %U" "$1")" = "700 root" ]' _ "$B"
run_out $BH sup-request $B/sock "nsbox/1 ping"
observe "root asks the monitor 'nsbox/1 ping' and it answers ($out)" \
	sh -c 'echo "$1" | grep -q "^ok nsbox/1 lab-uds pid [0-9]"' _ "$out"
run_out $AS_USER $BH sup-request $B/sock "nsbox/1 stop 1"
observe "uid 1000 cannot even connect: the 0700 directory stops it (Permission denied)" \
	sh -c '[ "$1" = 1 ] && echo "$2" | grep -q "Permission denied"' _ "$rc" "$out"

say "5. Open the file modes on purpose: the monitor's own SO_PEERCRED check still says no."
run chmod 0711 /run/nsbox $B
run chmod 0666 $B/sock
run_out $AS_USER $BH sup-request $B/sock "nsbox/1 stop 1"
chmod 0700 /run/nsbox $B
chmod 0600 $B/sock
observe "uid 1000 connects now, and the monitor refuses it by uid; the box still runs" \
	sh -c 'echo "$1" | grep -q "^error permission denied: box .lab-uds. belongs to uid 0" &&
		nsbox ls -r -n -o name,status | grep -qx "lab-uds running"' _ "$out"

nsbox rm -f lab-uds > /dev/null 2>&1
rm -rf $D $R
lab_end
