#!/bin/sh
# demo.sh - the scripted tour `make demo` runs inside the lab VM.
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

echo "=== nsbox lab VM: kernel $(uname -r), module loaded at boot ==="
run /usr/sbin/modinfo "$NSBOX_KO"   # kmod's modinfo (busybox sh prefers its own applets)
run genl-ctrl-list
run nsbox info
run nsbox info -J
say "rmmod nsbox && nsbox info    # what a user sees without the module"
rmmod nsbox
nsbox info
echo "(exit status $?)"
run insmod "$NSBOX_KO"
run nsbox info
echo
echo "=== demo done: 'make vm' gives you a shell in this VM ==="
