#!/bin/sh
# bridge.sh - the bridge nsbox0 as a box user, a LAN neighbour and the admin
# meet it (TAP): a root box (CAP_NET_RAW by default) sends a router
# advertisement, IPv4 with another's source address, a frame with another's
# MAC and gratuitous ARP claiming the host's and another box's address; a
# neighbour with a route to 10.88.0.0/16 through the host tries to reach a
# box; boxes reach an outside network through the host's masquerade, and
# published ports (-p, TCP and UDP) reach a box from there and from the
# host's loopback; a host port taken is refused with nothing left; and the
# host is as it was once the last bridged box is gone (no nsbox table, no
# nsbox0, ip_forward as before), after a failed run and after `rm -f` of a
# box whose monitor died.  Checked against the kernel's own truth:
# /proc/net/ipv6_route, /proc/net/arp, /proc/sys, nft list, and what a raw
# socket in the other box and on the host receives, and the addresses
# each end of a conversation saw.
#
# Every address is inside the lab VM: 10.88.0.0/16 on nsbox0,
# 192.0.2.0/24 (TEST-NET-1) between the host and the neighbour's namespace,
# 198.51.100.0/24 to the neighbour's other network and 203.0.113.0/24
# (TEST-NET-3) to the outside namespace, which has no route to the boxes.
. "$(dirname "$0")/tap.sh"

NH=/opt/nsbox/tests/net_helper
SHIM=/opt/nsbox/tests/failshim.so
R=/tmp/bridge-rootfs
IP2=iproute2-ip			# iproute2's ip (vm.sh): veth pairs, netns
LAN=nsbox-lan
FWD=/proc/sys/net/ipv4/ip_forward

echo "TAP version 13"

fwd0=$(cat $FWD)
# what nsbox leaves on the host: its tables, its bridge, veths, ip_forward
leftovers() {
	nft list ruleset 2>/dev/null | grep -o 'table [a-z]* nsbox' | tr '\n' ' '
	ip -o link 2>/dev/null | grep -o 'nsbox0\|nsb-[0-9-]*' | sort -u | tr '\n' ' '
	[ "$(cat $FWD)" = "$fwd0" ] || echo "ip_forward=$(cat $FWD)"
}
clean() { [ -z "$(leftovers | tr -d ' \n')" ]; }
# default routes in an IPv6 routing table (/proc/net/ipv6_route), but the
# "unreachable" one the kernel keeps on lo
v6_defaults() { awk '$1 == "00000000000000000000000000000000" && $2 == "00" && $10 != "lo"'; }
# the MAC an ARP table (/proc/net/arp) has for IP
arp_mac() { awk -v ip="$1" '$1 == ip { print $4 }'; }
quiet() { "$@" > /dev/null 2>&1; }

out=$(nsbox rootfs create --add "$NH" "$R" 2>&1) || diag "$out"

# ---- a failed run leaves nothing -------------------------------------------------
# failshim.so fails the monitor's setns() into the box's network namespace:
# after the bridge, the rules and the veth pair were made.
err=$(LD_PRELOAD=$SHIM NSBOX_SHIM_SETNS_NET=1 nsbox run --rm --rootfs "$R" --net bridge -- true 2>&1); rc=$?
diag "$err"
failed_clean() {
	[ "$rc" = 125 ] && echo "$err" | grep -q "cannot enter the network namespace of the box" && clean
}
check "a bridged run that fails once its veth is made (exit $rc) leaves no rule, bridge, veth or sysctl changed ($(leftovers))" \
	failed_clean

# ---- two boxes ---------------------------------------------------------------------
nsbox run --rootfs "$R" --name ba --net bridge -p 9090:90 -d -- sleep 1000 >/dev/null
nsbox run --rootfs "$R" --name bb --net bridge -d -- sleep 1000 >/dev/null
ipa=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "ba") | .ip')
ipb=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "bb") | .ip')
vetha=$(sed -n 's/^veth=//p' /run/nsbox/ba/state)
vethb=$(sed -n 's/^veth=//p' /run/nsbox/bb/state)
maca=$(nsbox exec ba cat /sys/class/net/eth0/address)
macb=$(nsbox exec bb cat /sys/class/net/eth0/address)
diag "ba $ipa $maca on $vetha, bb $ipb $macb on $vethb; ip_forward $fwd0 -> $(cat $FWD)"
if [ -z "$ipa" ] || [ -z "$ipb" ] || [ -z "$maca" ] || [ -z "$macb" ]; then
	echo "Bail out! the two bridged boxes did not start"
	exit 1
fi
check "bridged boxes turn on ip_forward ($fwd0 -> $(cat $FWD)), rp_filter on nsbox0 is loose, route_localnet on" \
	sh -c '[ "$(cat $1)" = 1 ] && [ "$(cat /proc/sys/net/ipv4/conf/nsbox0/rp_filter)" = 2 ] &&
		[ "$(cat /proc/sys/net/ipv4/conf/nsbox0/route_localnet)" = 1 ]' _ $FWD
v6=
for f in /proc/sys/net/ipv6/conf/nsbox0/disable_ipv6 /proc/sys/net/ipv6/conf/$vetha/disable_ipv6; do
	v6="$v6$(cat "$f" 2>/dev/null || echo none) "
done
v6="$v6$(nsbox exec ba cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6 2>/dev/null || echo none)"
check "IPv6 is off on nsbox0, the box's host end and its eth0 (disable_ipv6: $v6)" test "$v6" = "1 1 1"
rules=$(nft list table bridge nsbox 2>&1)
check "the box's port has its own chain in table bridge nsbox, entered from the map of ports" \
	sh -c 'echo "$1" | grep -q "chain box-ba " && echo "$1" | grep -q "\"$2\" : jump box-ba" &&
		echo "$1" | grep -q "ip saddr $3 " && echo "$1" | grep -q "ether saddr != $4 "' _ "$rules" "$vetha" "$ipa" "$maca"
[ "$fails" = 0 ] || diag "$rules"

check "box ba pings box bb" quiet nsbox exec ba ping -c 1 -W 5 "$ipb"
check "box bb pings the host (10.88.0.1)" quiet nsbox exec bb ping -c 1 -W 5 10.88.0.1
check "the host pings box bb" quiet ping -c 1 -W 5 "$ipb"

# ---- spoofing and router advertisements from box ba ------------------------------
# Receivers on bb's eth0 and on the host's nsbox0 print what arrives until
# ba's marker, sent last from the same CPU: what ba sent before it has been
# through the bridge (and the receivers' kernels) by then, or never will.
rm -f /tmp/rx-bb /tmp/rx-host
nsbox exec bb "$NH" listen eth0 > /tmp/rx-bb 2>&1 &
rxb=$!
"$NH" listen nsbox0 > /tmp/rx-host 2>&1 &
rxh=$!
until_ok grep -qx ready /tmp/rx-bb
until_ok grep -qx ready /tmp/rx-host
nsbox exec ba "$NH" send eth0 ra "ip:$ipb" ip:10.88.0.1 "mac:$macb" garp:10.88.0.1 "garp:$ipb" marker
wait "$rxb"; rcb=$?
wait "$rxh"; rch=$?
diag "bb received: $(tr '\n' ';' < /tmp/rx-bb)"
diag "the host received: $(tr '\n' ';' < /tmp/rx-host)"
# the checks below look for what did not arrive: they mean something
# only if what ba sent last did arrive
if check "ba's own frame (its address, its MAC) reaches bb and the host" \
	sh -c '[ "$1" = 0 ] && [ "$2" = 0 ] && grep -qx "udp $3 $4 nsbox-marker" /tmp/rx-bb &&
		grep -qx "udp $3 $4 nsbox-marker" /tmp/rx-host' _ "$rcb" "$rch" "$ipa" "$maca"; then
	got=1
else
	got=
fi
got() { [ -n "$got" ] && "$@"; }
check "IPv4 from ba with bb's or the host's source address reaches neither" \
	got sh -c '! grep -q "nsbox-spoof-ip" /tmp/rx-bb /tmp/rx-host'
check "a frame from ba with bb's MAC as its source reaches neither" \
	got sh -c '! grep -q "nsbox-spoof-mac" /tmp/rx-bb /tmp/rx-host'
check "ba's gratuitous ARP claiming 10.88.0.1 or bb's address reaches neither" \
	got sh -c '! grep -q "^arp 1 \(10\.88\.0\.1\|$1\) $2" /tmp/rx-bb /tmp/rx-host' _ "$ipb" "$maca"
check "ba's router advertisement reaches neither" got sh -c '! grep -q "^ra " /tmp/rx-bb /tmp/rx-host'
# and it was ba's port that dropped them: its chain's counters
chain=$(nft list chain bridge nsbox box-ba 2>&1)
diag "$chain"
drops() { echo "$chain" | grep "$1" | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'; }
check "... dropped at ba's port: $(drops 'ether saddr') with another MAC, $(drops '^[[:space:]]*counter') of the rest (IPv6, ARP and IPv4 not its own)" \
	got sh -c '[ "${1:-0}" -ge 1 ] && [ "${2:-0}" -ge 5 ]' _ "$(drops 'ether saddr')" "$(drops '^[[:space:]]*counter')"
routes=$(v6_defaults < /proc/net/ipv6_route)
check "the host has no IPv6 default route ($routes)" got test -z "$routes"
routes=$(nsbox exec bb cat /proc/net/ipv6_route | v6_defaults)
check "bb has no IPv6 default route ($routes)" got test -z "$routes"
mac=$(arp_mac "$ipb" < /proc/net/arp)
check "the host's neighbour entry for bb is bb's MAC ($mac)" test "$mac" = "$macb"
mac=$(nsbox exec bb cat /proc/net/arp | arp_mac 10.88.0.1)
check "bb's neighbour entry for the host is nsbox0's MAC ($mac)" test "$mac" = "$(cat /sys/class/net/nsbox0/address)"
check "box ba still pings box bb" quiet nsbox exec ba ping -c 1 -W 5 "$ipb"
check "box bb still pings the host" quiet nsbox exec bb ping -c 1 -W 5 10.88.0.1

# ---- the host's loopback is not the boxes' -------------------------------------
# route_localnet=1 on nsbox0 (so that 127.0.0.1:PORT can be DNATed to a box)
# would also let the host take packets *to* 127.0.0.0/8 that arrive on
# nsbox0 (CVE-2020-8558 was this in Kubernetes): box root, with a raw
# socket, would reach whatever listens on the host's loopback.  ba sends
# UDP to 127.0.0.1:7777 through nsbox0's MAC, then, from the same CPU, to
# 10.88.0.1:7777; the host's server prints the first that arrives.
"$NH" serve udp 7777 1 > /tmp/lo-srv 2>&1 &
srv=$!
until_ok grep -qx ready /tmp/lo-srv
brmac=$(cat /sys/class/net/nsbox0/address)
nsbox exec ba "$NH" send eth0 "to:$brmac:127.0.0.1:7777" "to:$brmac:10.88.0.1:7777"
wait "$srv"
check "box ba's UDP to the host's 127.0.0.1 does not arrive, the next to 10.88.0.1 does ($(sed -n 2p /tmp/lo-srv))" \
	test "$(sed -n 2p /tmp/lo-srv)" = "nsbox-to-10.88.0.1 from $ipa"

# ---- a LAN neighbour with a route to the boxes -----------------------------------
# Two namespaces on veths of their own stand for two networks the host
# routes between; the first has a route to 10.88.0.0/16 through the host.
lan_add() {	# lan_add NAME HOSTADDR ADDR/24 ROUTE
	$IP2 netns add "$1"
	$IP2 link add "$1" type veth peer name eth0 netns "$1"
	$IP2 addr add "$2/24" dev "$1"
	$IP2 link set "$1" up
	$IP2 -n "$1" link set lo up
	$IP2 -n "$1" addr add "$3" dev eth0
	$IP2 -n "$1" link set eth0 up
	$IP2 -n "$1" route add "$4" via "$2"
}
lan_add $LAN 192.0.2.1 192.0.2.2/24 10.88.0.0/16
$IP2 -n $LAN route add 198.51.100.0/24 via 192.0.2.1
lan_add nsbox-lan2 198.51.100.1 198.51.100.2/24 192.0.2.0/24
lan() { nsenter --net=/run/netns/$LAN "$@"; }
# ip_forward was 0 before the first box (fwd0): the host routed nothing,
# and now routes for its boxes only, not between its other networks
if [ "$fwd0" = 0 ]; then
	check "the host does not become a router for its other networks (it was not one before the boxes)" \
		sh -c '! nsenter --net=/run/netns/$1 ping -c 1 -W 2 198.51.100.2 >/dev/null 2>&1 &&
			nft list chain inet nsbox forward | grep "iifname != \"nsbox0\" oifname != \"nsbox0\"" |
			grep -q "counter packets [1-9]"' _ $LAN
else
	check "the host routes between its other networks as before (ip_forward was 1)" \
		quiet lan ping -c 1 -W 5 198.51.100.2
fi
check "the neighbour, with a route to 10.88.0.0/16 through the host, does not reach box bb" \
	sh -c '! nsenter --net=/run/netns/$1 ping -c 1 -W 2 "$2" >/dev/null 2>&1' _ $LAN "$ipb"
fwdrules=$(nft list chain inet nsbox forward 2>&1)
diag "$fwdrules"
check "... dropped by table inet nsbox's forward chain (its counter)" \
	sh -c 'echo "$1" | grep "oifname \"nsbox0\" iifname" | grep -q "counter packets [1-9]"' _ "$fwdrules"
$IP2 netns del $LAN
$IP2 netns del nsbox-lan2

# ---- NAT: out through the host's address, in through published ports ------------
# The outside: a namespace on a veth of its own, 203.0.113.2, with no route
# to 10.88.0.0/16: only the masquerade can bring an answer back to a box.
OUT=nsbox-out
$IP2 netns add $OUT
$IP2 link add $OUT type veth peer name eth0 netns $OUT
$IP2 addr add 203.0.113.1/24 dev $OUT
$IP2 link set $OUT up
$IP2 -n $OUT link set lo up
$IP2 -n $OUT addr add 203.0.113.2/24 dev eth0
$IP2 -n $OUT link set eth0 up
out() { nsenter --net=/run/netns/$OUT "$@"; }
out "$NH" serve tcp 9000 1 > /tmp/out-srv 2>&1 &
srv=$!
until_ok grep -qx ready /tmp/out-srv
ans=$(nsbox exec ba "$NH" ask tcp 203.0.113.2 9000 hello 2>&1)
wait "$srv"
check "box ba reaches the outside, which has no route back: the outside saw the host's address ($ans)" \
	test "$ans" = "hello from 203.0.113.1"
post=$(nft list chain inet nsbox postrouting 2>&1)
check "... masqueraded by table inet nsbox's postrouting chain (its counter)" \
	sh -c 'echo "$1" | grep "ip saddr 10.88.0.0/16 oifname != \"nsbox0\"" | grep -q "counter packets [1-9].* masquerade"' _ "$post"
[ "$fails" = 0 ] || diag "$post"

# a box serving TCP 80 (twice: from outside, from the host) and UDP 53
nsbox run --rootfs "$R" --name web --net bridge -p 8080:80 -p 5353:53/udp -p 127.0.0.1:5354:53/udp -d -- \
	sh -c "$NH serve tcp 80 2 & $NH serve udp 53 3 & wait" >/dev/null
until_ok sh -c '[ "$(nsbox logs web 2>/dev/null | grep -c "^ready$")" = 2 ]'
ipw=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "web") | .ip')
check "ls shows the published ports ($(nsbox ls -n -o name,ports | grep '^web '))" \
	sh -c 'p=8080:80/tcp,5353:53/udp,127.0.0.1:5354:53/udp; nsbox ls -n -o name,ports | grep -qx "web *$p" &&
		[ "$(nsbox ls -J | jq -r ".boxes[] | select(.name == \"web\") | .ports")" = "$p" ]'
ans=$(out "$NH" ask tcp 203.0.113.1 8080 outside 2>&1)
check "-p 8080:80: the outside reaches the box's port 80 at the host's 8080; the box saw the outside's address ($ans)" \
	test "$ans" = "outside from 203.0.113.2"
ans=$("$NH" ask tcp 127.0.0.1 8080 loopback 2>&1)
check "... and from the host's loopback, 127.0.0.1:8080 (the box saw 10.88.0.1: $ans)" \
	test "$ans" = "loopback from 10.88.0.1"
# From outside, what must not reach the box: UDP to 127.0.0.1:5354 (the host
# routes nothing to its loopback from outside, and that port is published on
# the loopback only) and UDP with a box's address as its source (it would
# be let in, and masqueraded to 10.88.0.1); then, from the same CPU, a
# datagram that may.  The box's server logs what arrives, first first.
hmac=$(cat /sys/class/net/$OUT/address)
out "$NH" send eth0 "to:$hmac:127.0.0.1:5354" "to:$hmac:203.0.113.1:5353:10.88.0.3" "to:$hmac:203.0.113.1:5353"
until_ok sh -c 'nsbox logs web | grep -q "^nsbox-to-"'
first=$(nsbox logs web | grep "^nsbox-to-" | head -1)
check "from outside, neither 127.0.0.1:5354 (published on the host's loopback) nor a box's address as source reaches the box; the next datagram does ($first)" \
	test "$first" = "nsbox-to-203.0.113.1 from 203.0.113.2"
ans=$(out "$NH" ask udp 203.0.113.1 5353 datagram 2>&1)
check "-p 5353:53/udp: a datagram from the outside and its answer ($ans)" \
	test "$ans" = "datagram from 203.0.113.2"
ans=$("$NH" ask udp 127.0.0.1 5354 lo-only 2>&1)
check "-p 127.0.0.1:5354:53/udp: the host's loopback reaches it ($ans)" \
	test "$ans" = "lo-only from 10.88.0.1"
# the same host port again: refused, and nothing of the second box stays
err=$(nsbox run --rootfs "$R" --name web2 --net bridge -p 8080:81 -d -- sleep 1000 2>&1); rc=$?
check "a second box on host port 8080/tcp is refused, by name (exit $rc: $err)" \
	sh -c '[ "$1" != 0 ] && echo "$2" | grep -q "host port 8080/tcp is published by box .web."' _ "$rc" "$err"
check "... and leaves nothing: no box, no chain, the port still web's" \
	sh -c '! nsbox ls -n -o name | grep -qx web2 && ! nft list table inet nsbox | grep -q "pub-web2" &&
		nft list map inet nsbox published | grep -q "\\(tcp\\|6\\) \\. 8080 : jump pub-web"'
[ "$fails" = 0 ] || diag "$(nft list map inet nsbox published 2>&1)"
nsbox rm -f web
pub=$(nft list table inet nsbox 2>&1)
check "rm web: its chain and map elements are gone, ba's stay" \
	sh -c '! echo "$1" | grep -q "pub-web\|8080\|5353" && echo "$1" | grep -q "\\(tcp\\|6\\) \\. 9090 : jump pub-ba"' _ "$pub"
[ "$fails" = 0 ] || diag "$pub"
# A connection conntrack remembers must not outlive the box: the outside's
# flow to 5353 (source port 9, the frames above) is still there when the
# next box gets web's address and serves the same port, unpublished.
nsbox run --rootfs "$R" --name next --net bridge -d -- "$NH" serve udp 53 1 >/dev/null
until_ok sh -c 'nsbox logs next 2>/dev/null | grep -q "^ready$"'
ipn=$(nsbox ls -J | jq -r '.boxes[] | select(.name == "next") | .ip')
out "$NH" send eth0 "to:$hmac:203.0.113.1:5353"
"$NH" ask udp "$ipn" 53 marker > /dev/null 2>&1
first=$(nsbox logs next | grep -v '^ready$' | head -1)
check "the next box at web's address ($ipn, web's $ipw) gets nothing of web's remembered flow; the host's datagram comes first ($first)" \
	sh -c '[ "$1" = "$2" ] && [ "$3" = "marker from 10.88.0.1" ]' _ "$ipn" "$ipw" "$first"
nsbox rm -f next
$IP2 netns del $OUT

# ---- rm, also after a crash --------------------------------------------------------
# ba's monitor and PID 1 die: ba is stale, its veth went with its namespace
mon=$(sed -n 's/^monitor=//p' /run/nsbox/ba/state)
p1=$(sed -n 's/^pid=//p' /run/nsbox/ba/state)
kill -9 "$mon" "$p1"
until_ok sh -c 'nsbox ls -r -n -o name,status | grep -qx "ba stale"'
nsbox rm -f bb
rules=$(nft list table bridge nsbox 2>&1)
check "rm bb removes bb's chain and port, leaves ba's" \
	sh -c '! echo "$1" | grep -q "box-bb\|$2" && echo "$1" | grep -q "chain box-ba "' _ "$rules" "$vethb"
nsbox rm -f ba
check "rm -f of the crashed box (a published port), the last bridged one: no nsbox table, no nsbox0, no veth, ip_forward back to $fwd0 ($(leftovers))" clean

[ "$fails" = 0 ]
