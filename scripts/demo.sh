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

say "a new UTS + network namespace, and a cgroup with a busy process in it"
unshare -u -n sh -c 'hostname demo-box; sleep 30' &
box=$!
mkdir -p /sys/fs/cgroup/demo
sh -c 'echo $$ > /sys/fs/cgroup/demo/cgroup.procs; i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; sleep 30' &
busy=$!
while [ "$(readlink /proc/$box/ns/uts)" = "$(readlink /proc/self/ns/uts)" ]; do sleep 0.1; done
run lsns -t uts -t net
run nsbox groups --kind uts
run nsbox groups -o kind,id,path,procs,threads,forks,execs,cpu_ns --kind cgroup2
run nsbox ps -o pid,comm,utsns,netns,cgroup_path "uts:$(readlink /proc/$box/ns/uts | tr -dc 0-9)"
run nsbox verify
kill $box $busy

say "boxes: nsbox run builds a container from namespaces, pivot_root, cgroup v2 and veth"
run nsbox rootfs create /tmp/rootfs
run nsbox run --rootfs /tmp/rootfs --name web --net bridge --memory 64M --cpus 0.5 -d -- \
	sh -c 'while :; do echo hi | md5sum >/dev/null; done'
run nsbox run --rm -v --rootfs /tmp/rootfs --name peek --net bridge -- \
	sh -c 'hostname; ip -o -4 addr show eth0; ps; ping -c 1 10.88.0.2'
run nsbox exec web cat /proc/self/cgroup /sys/fs/cgroup/cpu.max
run nsbox ls
run nsbox groups -o kind,id,path,procs,cpu_ns,rss_bytes --kind cgroup2
run nsbox stop --timeout 1 web
run nsbox rm web
echo
echo "=== demo done: 'make vm' gives you a shell in this VM ==="
