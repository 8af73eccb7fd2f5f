#!/bin/sh
# network.sh - lab: network namespaces, veth, a bridge, a router's
# ip_forward and rp_filter, then NAT and a published port as nsbox does them
# (docs/labs/network.md).  LAB_MODE=show for a student; check: its checker.
#
# Every address is inside the lab VM, between namespaces the lab makes:
# 192.168.50.0/24 on the bridge lab-br0 (a .1, b .2, the host .253, the
# router .254), 10.50.0.0/24 behind the router (the router .1, c .2), and
# nsbox's own 10.88.0.0/16 behind nsbox0.
. "$(dirname "$0")/lab.sh"

# iproute2's ip: the lab VM's `ip` is busybox's (scripts/vm.sh)
ip() { iproute2-ip "$@"; }
NH=/opt/nsbox/tests/net_helper
R=/tmp/lab-net-rootfs
FWD=/proc/sys/net/ipv4/ip_forward
in_ns() { ns=$1; shift; ip netns exec "$ns" "$@"; }
quiet() { "$@" > /dev/null 2>&1; }
# counter NS FILE PROTO FIELD: a counter of /proc/net/snmp or netstat, as
# the namespace NS counts it (a header line, then a line of values)
counter() {
	in_ns "$1" cat "/proc/net/$2" | awk -v p="$3:" -v f="$4" '
		$1 == p && !c { for (i = 2; i <= NF; i++) if ($i == f) c = i; next }
		$1 == p && c { print $c; exit }'
}
cleanup() {
	nsbox rm -f lab-web > /dev/null 2>&1
	for ns in lab-a lab-b lab-r lab-c; do ip netns del $ns 2>/dev/null; done
	ip link del lab-br0 2>/dev/null
	rm -rf "$R"
}
trap cleanup EXIT
cleanup

say "1. Two network namespaces, a and b, each with one end of a veth pair; the other ends are ports of a bridge on the host."
run ip netns add lab-a
run ip netns add lab-b
run ip link add lab-br0 type bridge
run ip link set lab-br0 up
for x in a b; do
	run ip link add veth-$x type veth peer name eth0 netns lab-$x
	run ip link set veth-$x master lab-br0 up
	run ip -n lab-$x link set lo up
	run ip -n lab-$x link set eth0 up
done
run ip -n lab-a addr add 192.168.50.1/24 dev eth0
run ip -n lab-b addr add 192.168.50.2/24 dev eth0
run ip -n lab-a addr
run ip link show master lab-br0
run_out ip netns exec lab-a ping -c 1 -W 5 192.168.50.2
observe "a pings b across the bridge (ping's exit status $rc)" test "$rc" = 0
macb=$(ip -n lab-b -br link show eth0 | awk '{ print $3 }')
run ip -n lab-a neigh
observe "a's neighbour table has b's own MAC for 192.168.50.2 ($macb): the bridge switched the frames, nothing routed them" \
	sh -c 'iproute2-ip -n lab-a neigh show 192.168.50.2 | grep -q "lladdr $1 "' _ "$macb"

say "2. A router: namespace r has one leg on the bridge (192.168.50.254) and one to namespace c (10.50.0.0/24)."
run ip netns add lab-r
run ip netns add lab-c
run ip link add veth-r type veth peer name eth0 netns lab-r
run ip link set veth-r master lab-br0 up
run ip -n lab-r link add eth1 type veth peer name eth0 netns lab-c
for ns in lab-r lab-c; do
	run ip -n $ns link set lo up
	run ip -n $ns link set eth0 up
done
run ip -n lab-r link set eth1 up
run ip -n lab-r addr add 192.168.50.254/24 dev eth0
run ip -n lab-r addr add 10.50.0.1/24 dev eth1
run ip -n lab-c addr add 10.50.0.2/24 dev eth0
run ip -n lab-a route add default via 192.168.50.254
run ip -n lab-c route add default via 10.50.0.1
run ip -n lab-r route

say "3. ip_forward off: r takes packets for its own addresses only."
run ip netns exec lab-r sysctl -w net.ipv4.ip_forward=0
e0=$(counter lab-r snmp Ip InAddrErrors)
run_out ip netns exec lab-a ping -c 1 -W 1 10.50.0.2
e1=$(counter lab-r snmp Ip InAddrErrors)
observe "with ip_forward=0, a's ping to c gets no answer (exit status $rc), and r counted it as not its own (Ip InAddrErrors $e0 -> $e1)" \
	sh -c '[ "$1" != 0 ] && [ "$3" -gt "$2" ]' _ "$rc" "$e0" "$e1"

say "   ip_forward on: r routes between its two networks."
run ip netns exec lab-r sysctl -w net.ipv4.ip_forward=1
f0=$(counter lab-r snmp Ip ForwDatagrams)
run_out ip netns exec lab-a ping -c 1 -W 5 10.50.0.2
f1=$(counter lab-r snmp Ip ForwDatagrams)
observe "with ip_forward=1, a pings c through r (exit status $rc), the reply one hop older (ttl=63), and r counted the request and the reply forwarded (Ip ForwDatagrams $f0 -> $f1)" \
	sh -c '[ "$1" = 0 ] && echo "$4" | grep -q "ttl=63" && [ "$3" -ge $(($2 + 2)) ]' _ "$rc" "$f0" "$f1" "$out"

say "4. rp_filter: a sends r a ping with a source address of c's network, 10.50.0.99, as a spoofer would."
run ip -n lab-a addr add 10.50.0.99/32 dev eth0
run ip netns exec lab-r sysctl -w net.ipv4.conf.all.rp_filter=0
run ip netns exec lab-r sysctl -w net.ipv4.conf.eth0.rp_filter=1
run ip -n lab-r route get 10.50.0.99
back=$(ip -n lab-r route get 10.50.0.99 | grep -o 'dev [a-z0-9]*')
rp0=$(counter lab-r netstat TcpExt IPReversePathFilter); i0=$(counter lab-r snmp Icmp InEchos)
run_out ip netns exec lab-a ping -c 1 -W 1 -I 10.50.0.99 192.168.50.254
rp1=$(counter lab-r netstat TcpExt IPReversePathFilter); i1=$(counter lab-r snmp Icmp InEchos)
observe "strict (rp_filter=1 on eth0): the way back to 10.50.0.99 is eth1 ($back), not eth0, so r drops it: no answer (exit status $rc), counted (TcpExt IPReversePathFilter $rp0 -> $rp1), never seen by ICMP (InEchos $i0 -> $i1)" \
	sh -c '[ "$6" = "dev eth1" ] && [ "$5" != 0 ] && [ "$2" -gt "$1" ] && [ "$4" = "$3" ]' _ "$rp0" "$rp1" "$i0" "$i1" "$rc" "$back"
run ip netns exec lab-r sysctl -w net.ipv4.conf.eth0.rp_filter=2
run_out ip netns exec lab-a ping -c 1 -W 1 -I 10.50.0.99 192.168.50.254
rp2=$(counter lab-r netstat TcpExt IPReversePathFilter); i2=$(counter lab-r snmp Icmp InEchos)
run ip -n lab-r neigh show to 10.50.0.99
observe "loose (rp_filter=2): some route leads to 10.50.0.99, so r takes the ping (InEchos $i1 -> $i2, IPReversePathFilter stays $rp2)" \
	sh -c '[ "$2" -gt "$1" ] && [ "$4" = "$3" ]' _ "$i1" "$i2" "$rp1" "$rp2"
observe "... and answers it out of eth1, towards c's network, not back to a (exit status $rc): r asks there who has 10.50.0.99 (ip neigh)" \
	sh -c '[ "$1" != 0 ] && iproute2-ip -n lab-r neigh show to 10.50.0.99 | grep -q "dev eth1"' _ "$rc"

say "5. NAT as nsbox does it: a box on nsbox0, its port 80 published as the host's 8080, reached from namespace a at the host's address on lab-br0 and from the host's loopback."
run ip addr add 192.168.50.253/24 dev lab-br0
fwd0=$(cat $FWD)
run nsbox rootfs create --add "$NH" "$R"
run nsbox run -d --rootfs "$R" --name lab-web --net bridge -p 8080:80 -- "$NH" serve tcp 80 2
until_seen sh -c 'nsbox logs lab-web 2>/dev/null | grep -qx ready'
run nsbox ls -o name,ip,ports
fwd1=$(cat $FWD)
observe "the host routes for its box: nsbox turned ip_forward on ($fwd0 -> $fwd1)" test "$fwd1" = 1
ipw=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "lab-web") | .ip')
run ip netns exec lab-a "$NH" ask tcp 192.168.50.253 8080 hello
run "$NH" ask tcp 127.0.0.1 8080 hello
run nsbox logs lab-web
observe "a reached the box's port 80 at the host's 192.168.50.253:8080, and the box saw a's own address (DNAT rewrote the destination only)" \
	sh -c 'nsbox logs lab-web | grep -qx "hello from 192.168.50.1"'
observe "the host's 127.0.0.1:8080 reached it too, and the box saw 10.88.0.1 (the source masqueraded: the box cannot answer 127.0.0.1)" \
	sh -c 'nsbox logs lab-web | grep -qx "hello from 10.88.0.1"'
run nft list table inet nsbox
rules=$(nft list table inet nsbox 2>&1)
observe "the box's DNAT rule (tcp dport 8080 ... dnat ip to $ipw:80) counted 2 packets: the first of each connection, all a nat chain sees" \
	sh -c 'echo "$1" | grep "tcp dport 8080 " | grep -q "counter packets 2 .*dnat ip to $2:80"' _ "$rules" "$ipw"
fwdin=$(echo "$rules" | grep 'oifname "nsbox0" ct status dnat' | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
observe "the forward chain (type filter) counted every packet of a's connection into the box, not just its first ($fwdin)" \
	test "${fwdin:-0}" -ge 3
observe "the masquerade of what leaves by nsbox0 from 127.0.0.0/8 counted the host's connection" \
	sh -c 'echo "$1" | grep "oifname \"nsbox0\" ip saddr 127.0.0.0/8" | grep -q "counter packets [1-9].* masquerade"' _ "$rules"

say "6. The box goes, and its rules with it."
run nsbox rm -f lab-web
observe "nothing of lab-web is left in the ruleset, and ip_forward is back to $fwd0 ($(cat $FWD))" \
	sh -c '! nft list ruleset 2>/dev/null | grep -q "lab-web\|8080" && [ "$(cat $2)" = "$1" ]' _ "$fwd0" "$FWD"

lab_end
