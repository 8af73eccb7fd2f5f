#!/bin/sh
# bench/probe_guest.sh - runs inside the lab VM (bench/run.sh): the cost of
# one probed call.  write_bench makes N one-byte writes to /dev/null, each
# one call of vfs_write(); rounds with no probe, a plain kprobe, a kprobe
# with --sum-arg and a kretprobe (--ret) on vfs_write, interleaved; then
# the same with the module unloaded, for the fixed hooks' share.
B=/opt/nsbox/bench
N=${BENCH_WRITES:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
r=1
while [ $r -le "$ROUNDS" ]; do
	rmmod nsbox
	off=$($B/write_bench "$N")
	insmod "$NSBOX_KO"
	none=$($B/write_bench "$N")
	nsbox probe add --name w vfs_write > /dev/null
	plain=$($B/write_bench "$N")
	nsbox probe rm w
	nsbox probe add --name w --sum-arg 3 vfs_write > /dev/null
	sum=$($B/write_bench "$N")
	nsbox probe rm w
	nsbox probe add --name w --ret vfs_write > /dev/null
	ret=$($B/write_bench "$N")
	
	nsbox probe rm w
	echo "BENCH probe round=$r write_off=$off write_none=$none write_plain=$plain write_sum=$sum write_ret=$ret"
	r=$((r + 1))
done
nsbox probe add --name w vfs_write > /dev/null
echo "BENCH probe_via $(nsbox probe ls -J -o name,via | jq -c '.probes[0]')"
