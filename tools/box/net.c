// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox tool - box networking: bridge nsbox0, veth pairs, addresses, routes.
 *
 * A box has its own network namespace: its own interfaces, addresses,
 * routes and firewall, and at first nothing but a "lo" that is down.  To
 * reach it we use two kinds of virtual devices:
 *
 *   veth pair  two Ethernet interfaces joined by a virtual cable: a frame
 *              sent on one comes out of the other.  One end ("nsb-...")
 *              stays on the host, the other is the box's "eth0".
 *   bridge     a virtual Ethernet switch (nsbox0).  Every host end is
 *              plugged into it ("enslaved": its master is the bridge), so
 *              boxes reach each other, and the bridge's own address
 *              10.88.0.1/16 is the boxes' default gateway into the host.
 *
 * The peer is created directly in the box's namespace (IFLA_NET_NS_PID in
 * the one RTM_NEWLINK request) instead of created on the host and moved:
 * no moment where a stray "eth0" exists on the host, nothing to clean up
 * if the move failed, and no clash with the host's own eth0.
 *
 * Addresses inside the box are set from inside: setns() moves this thread
 * into the box's namespace, but a netlink socket belongs to the namespace
 * it was created in, forever.  So after setns() we open a new one; an old
 * socket would still talk to the host.
 *
 * What a box may put on the bridge is checked (nft.c): its port accepts
 * only frames from the box's own MAC, IPv4 from its own address and ARP
 * for both.  The MAC is chosen here, from the address (0a:58:0a:58:X:Y
 * for 10.88.X.Y), so the rules can be made before the port exists.
 * IPv6 is off on the bridge, the host ends and the boxes' eth0 (boxes are
 * IPv4-only): no router advertisement or neighbour discovery to forge.
 * The host routes for boxes (NAT): what a box sends beyond the bridge
 * leaves with the host's address (masquerade), and a published port
 * (-p 8080:80) of the host reaches a box's port (DNAT); nft.c has the
 * rules.  Routing needs net.ipv4.ip_forward=1: turned on with the first
 * bridged box, its old value kept in STATEROOT/.ip_forward, restored
 * with the last; while it is on for nsbox's sake, table inet nsbox drops
 * whatever else the host would route (it did not route before: a LAN
 * neighbour must not find a router in it).  On nsbox0 itself, rp_filter
 * is loose (2: a packet's source must be reachable by some route, not
 * necessarily through the interface it came in by) and route_localnet is
 * on (1: a packet from 127.0.0.1, DNATed to a box, may leave by nsbox0; it
 * is masqueraded on the way; a box's port drops what a box sends to
 * 127.0.0.0/8, which route_localnet would deliver to the host's loopback
 * services).  Those two go with the bridge.  Nothing from outside reaches a
 * box but a reply or a published port.  When the last bridged box is
 * removed, the tables, the bridge and ip_forward go back
 * (box_net_bridge_release()): the host is as before.
 *
 * Each step prints itself as the iproute2/sysctl command that does the
 * same (box_step()), so it can be repeated by hand.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/addr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "box.h"
#include "dl.h"		/* after the libraries' headers: their calls go through it */
#include "err.h"
#include "io.h"
#include "util.h"

#define BOX_PEER_IF "eth0"

static void sock_freep(struct nl_sock **sk)
{
	if (*sk)
		nl_socket_free(*sk);
}

static void link_putp(struct rtnl_link **link)
{
	if (*link)
		rtnl_link_put(*link);
}

static void nladdr_putp(struct nl_addr **a)
{
	if (*a)
		nl_addr_put(*a);
}

#define _cleanup_sock_ _cleanup_(sock_freep)
#define _cleanup_link_ _cleanup_(link_putp)
#define _cleanup_nladdr_ _cleanup_(nladdr_putp)

/* A NETLINK_ROUTE socket in the current network namespace, or NULL. */
static struct nl_sock *route_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		nsbox_err("out of memory");
		return NULL;
	}
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err < 0) {
		nsbox_err("cannot open a route netlink socket: %s", nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

static bool not_found(int err)
{
	return err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND;
}

/* Set IFF_UP on @link (already looked up); libnl error or 0. */
static int link_set_up(struct nl_sock *sk, struct rtnl_link *link)
{
	_cleanup_link_ struct rtnl_link *change = rtnl_link_alloc();

	if (!change)
		return -NLE_NOMEM;
	rtnl_link_set_flags(change, IFF_UP);
	return rtnl_link_change(sk, link, change, 0);
}

/*
 * sysctl -w net.ipv6.conf.IFNAME.disable_ipv6=1 in the network namespace
 * this thread is in (/proc/sys/net is the opener's namespace's): the
 * interface drops every IPv6 packet and has no IPv6 address.  Nothing to
 * do on a kernel without IPv6 (ipv6.disable=1).
 */
static int ipv6_off(const char *ifname, pid_t pid)
{
	char path[128];
	int err;

	if (access("/proc/sys/net/ipv6", F_OK) && errno == ENOENT)
		return 0;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	if (pid)
		box_step("nsenter --net=/proc/%d/ns/net sysctl -w net.ipv6.conf.%s.disable_ipv6=1",
			 pid, ifname);
	else
		box_step("sysctl -w net.ipv6.conf.%s.disable_ipv6=1", ifname);
	err = nsbox_write_file(path, "1");
	if (err) {
		nsbox_err("cannot turn IPv6 off on %s%s (%s): %s", ifname,
			  pid ? " in the box" : "", path, strerror(-err));
		return -1;
	}
	return 0;
}

void box_net_mac(const struct in_addr *addr, uint8_t mac[6])
{
	/* locally administered (bit 1 of the first byte), unicast (bit 0 clear) */
	mac[0] = 0x0a;
	mac[1] = 0x58;
	memcpy(mac + 2, &addr->s_addr, 4);
}

/* ip addr add IN/16 dev IFINDEX (the bridge's and the box's eth0); libnl error or 0. */
static int addr_add(struct nl_sock *sk, int ifindex, const struct in_addr *in)
{
	_cleanup_nladdr_ struct nl_addr *local = nl_addr_build(AF_INET, in, sizeof(*in));
	struct rtnl_addr *a = rtnl_addr_alloc();
	int err = -NLE_NOMEM;

	if (local && a) {
		nl_addr_set_prefixlen(local, BOX_NET_PREFIX);
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_family(a, AF_INET);
		err = rtnl_addr_set_local(a, local);
		if (!err)
			err = rtnl_addr_add(sk, a, NLM_F_EXCL);
	}
	if (a)
		rtnl_addr_put(a);
	return err;
}

/* ip link add nsbox0 type bridge; ip addr add; ip link set up.  0 or -1. */
static int bridge_create(struct nl_sock *sk)
{
	_cleanup_link_ struct rtnl_link *br = rtnl_link_bridge_alloc();
	struct in_addr gw;
	int err;

	if (!br) {
		nsbox_err("out of memory");
		return -1;
	}
	rtnl_link_set_name(br, BOX_BRIDGE);
	box_step("ip link add %s type bridge", BOX_BRIDGE);
	err = rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
	if (err < 0) {
		nsbox_err("cannot create bridge %s: %s%s", BOX_BRIDGE, nl_geterror(err),
			  err == -NLE_OPNOTSUPP ?
			  "; load the bridge module (modprobe bridge)" : "");
		return -1;
	}
	/* The request object has no ifindex: look the new bridge up. */
	rtnl_link_put(br);
	br = NULL;
	err = rtnl_link_get_kernel(sk, 0, BOX_BRIDGE, &br);
	if (!err) {
		inet_pton(AF_INET, BOX_BRIDGE_ADDR, &gw);
		box_step("ip addr add %s/%d dev %s", BOX_BRIDGE_ADDR, BOX_NET_PREFIX, BOX_BRIDGE);
		err = addr_add(sk, rtnl_link_get_ifindex(br), &gw);
	}
	/* before it is up: it never gets an IPv6 address */
	if (!err && ipv6_off(BOX_BRIDGE, 0) < 0) {
		box_net_link_delete(BOX_BRIDGE);
		return -1;
	}
	if (!err) {
		box_step("ip link set %s up", BOX_BRIDGE);
		err = link_set_up(sk, br);
	}
	if (err < 0) {
		/* Do not leave a half-made bridge that the next run would trust. */
		nsbox_err("cannot configure bridge %s (%s/%d, up): %s; removing it",
			  BOX_BRIDGE, BOX_BRIDGE_ADDR, BOX_NET_PREFIX, nl_geterror(err));
		box_net_link_delete(BOX_BRIDGE);
		return -1;
	}
	return 0;
}

/* sysctl -w KEY=VALUE, KEY as sysctl(8) spells it; 0 or -1 after nsbox_err() */
static int sysctl_set(const char *key, const char *value)
{
	char path[128];
	int err;

	snprintf(path, sizeof(path), "/proc/sys/%s", key);
	for (char *c = path + strlen("/proc/sys/"); *c; c++)
		if (*c == '.')
			*c = '/';
	box_step("sysctl -w %s=%s", key, value);
	err = nsbox_write_file(path, value);
	if (err)
		nsbox_err("cannot set %s=%s (%s): %s", key, value, path, strerror(-err));
	return err ? -1 : 0;
}

#define IP_FORWARD "/proc/sys/net/ipv4/ip_forward"

static void saved_forward_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/.ip_forward", box_state_root());
}

/* The first character of a small /proc file, or 0. */
static char read_flag(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 0;
		close(fd);
	}
	return c;
}

/*
 * Does nsbox turn routing on for its boxes (or has it, for earlier ones)?
 * Then the host routes nothing else: it did not before.
 */
static bool forward_ours(void)
{
	char path[4200];

	saved_forward_path(path, sizeof(path));
	return read_flag(IP_FORWARD) != '1' || read_flag(path) == '0';
}

/*
 * ip_forward=1, the value it had kept first (once: a second box finds the
 * file there and leaves it).
 */
static int forward_on(void)
{
	char path[4200], was = read_flag(IP_FORWARD), text[3] = { was, '\n', 0 };

	if (was == '1')
		return 0;
	if (!was) {
		nsbox_err("cannot read %s: %s", IP_FORWARD, strerror(errno));
		return -1;
	}
	saved_forward_path(path, sizeof(path));
	if (access(path, F_OK)) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

		if (fd < 0 || nsbox_write_all(fd, text, 2)) {
			nsbox_err("cannot keep ip_forward's value in %s: %s", path, strerror(errno));
			if (fd >= 0) {
				close(fd);
				unlink(path);
			}
			return -1;
		}
		close(fd);
	}
	return sysctl_set("net.ipv4.ip_forward", "1");
}

/* ip_forward back to what forward_on() found, if it changed it */
static int forward_restore(void)
{
	char path[4200], was;

	saved_forward_path(path, sizeof(path));
	was = read_flag(path);
	if (!was)
		return 0;
	if (sysctl_set("net.ipv4.ip_forward", (char[]){ was, 0 }) < 0)
		return -1;
	unlink(path);
	return 0;
}

int box_net_bridge_ensure(void)
{
	_cleanup_sock_ struct nl_sock *sk = route_open();
	_cleanup_link_ struct rtnl_link *br = NULL;
	int err;

	if (!sk)
		return -1;
	err = rtnl_link_get_kernel(sk, 0, BOX_BRIDGE, &br);
	if (not_found(err)) {
		if (bridge_create(sk) < 0)
			return -1;
	} else if (err < 0) {
		nsbox_err("cannot look up bridge %s: %s", BOX_BRIDGE, nl_geterror(err));
		return -1;
	} else if (!(rtnl_link_get_flags(br) & IFF_UP)) {
		box_step("ip link set %s up", BOX_BRIDGE);
		err = link_set_up(sk, br);
		if (err < 0) {
			nsbox_err("cannot bring up bridge %s: %s", BOX_BRIDGE, nl_geterror(err));
			return -1;
		}
	}

	/*
	 * Boxes reach each other through the bridge (layer 2), the host at
	 * its address on it, and beyond it through the host's routing and
	 * the masquerade.  An existing bridge (from an older nsbox) gets IPv6
	 * off too.  The rules first: nothing is routed before they are there.
	 */
	if (ipv6_off(BOX_BRIDGE, 0) < 0 || box_nft_bridge_ensure(forward_ours()) < 0)
		return -1;
	if (sysctl_set("net.ipv4.conf." BOX_BRIDGE ".rp_filter", "2") < 0 ||
	    sysctl_set("net.ipv4.conf." BOX_BRIDGE ".route_localnet", "1") < 0)
		return -1;
	return forward_on();
}

/* Does any box of this user (root's: all bridged boxes) still use the bridge? */
static bool bridge_in_use(void)
{
	char **names;
	int n = box_list(&names);
	bool used = n < 0;	/* when in doubt, keep it */

	for (int i = 0; i < n && !used; i++) {
		struct box_state s;

		used = box_state_read(names[i], &s) == 0 && !strcmp(s.net, "bridge");
	}
	if (n > 0)
		box_list_free(names, n);
	return used;
}

/* Ports of the bridge that nsbox did not make and remove: keep it then. */
static bool bridge_has_ports(void)
{
	DIR *d = opendir("/sys/class/net/" BOX_BRIDGE "/brif");
	struct dirent *de;
	bool ports = false;

	while (d && !ports && (de = readdir(d)))
		ports = de->d_name[0] != '.';
	if (d)
		closedir(d);
	return ports;
}

int box_net_bridge_release(void)
{
	int ret = 0;

	if (bridge_in_use())
		return 0;
	/* routing off before the rules go: never routing without them */
	if (forward_restore() < 0)
		return -1;
	if (box_nft_remove() < 0)
		ret = -1;
	if (!bridge_has_ports() && box_net_link_delete(BOX_BRIDGE) < 0)
		ret = -1;
	return ret;
}

int box_net_veth_create(const char *name, const char *host_if, pid_t pid,
			const struct in_addr *addr)
{
	_cleanup_sock_ struct nl_sock *sk = route_open();
	_cleanup_link_ struct rtnl_link *br = NULL, *veth = NULL, *made = NULL;
	_cleanup_nladdr_ struct nl_addr *lladdr = NULL;
	struct rtnl_link *peer;
	const char *hint = "";
	char macs[18];
	uint8_t mac[6];
	int err;

	if (!sk)
		return -1;
	err = rtnl_link_get_kernel(sk, 0, BOX_BRIDGE, &br);
	if (err < 0) {
		nsbox_err("cannot find bridge %s: %s; it is created by 'nsbox run'",
			  BOX_BRIDGE, nl_geterror(err));
		return -1;
	}
	/* The port's rules first: its first frame already meets them. */
	box_net_mac(addr, mac);
	if (box_nft_port_add(name, host_if, addr, mac) < 0)
		return -1;
	veth = rtnl_link_veth_alloc();
	lladdr = nl_addr_build(AF_LLC, mac, sizeof(mac));
	if (!veth || !lladdr) {
		nsbox_err("out of memory");
		return -1;
	}
	/* Host end: name and master in the same request; up once IPv6 is off. */
	rtnl_link_set_name(veth, host_if);
	rtnl_link_set_master(veth, rtnl_link_get_ifindex(br));
	/* The peer is owned by @veth; get_peer() takes a reference. */
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(peer, BOX_PEER_IF);
	rtnl_link_set_addr(peer, lladdr);
	rtnl_link_set_ns_pid(peer, pid);
	rtnl_link_put(peer);

	nl_addr2str(lladdr, macs, sizeof(macs));
	box_step("ip link add %s type veth peer name %s address %s netns %d", host_if,
		 BOX_PEER_IF, macs, pid);
	box_step("ip link set %s master %s", host_if, BOX_BRIDGE);
	err = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	if (err >= 0) {
		if (ipv6_off(host_if, 0) < 0)
			return -1;
		box_step("ip link set %s up", host_if);
		err = rtnl_link_get_kernel(sk, 0, host_if, &made);
		if (!err)
			err = link_set_up(sk, made);
		if (err >= 0)
			return 0;
		nsbox_err("cannot bring up %s: %s", host_if, nl_geterror(err));
		return -1;
	}
	if (err == -NLE_EXIST)
		hint = "; run 'nsbox rm' on the stale box or delete the link";
	else if (err == -NLE_OPNOTSUPP)
		hint = "; load the veth module (modprobe veth)";
	else if (err == -NLE_OBJ_NOTFOUND)
		hint = "; the box's process has exited";
	nsbox_err("cannot create veth pair %s <-> %s in the box (pid %d): %s%s",
		  host_if, BOX_PEER_IF, pid, nl_geterror(err), hint);
	return -1;
}

/* Bring up @ifname in the namespace @sk talks to; libnl error or 0. */
static int ns_link_up(struct nl_sock *sk, pid_t pid, const char *ifname,
		      struct rtnl_link **out)
{
	_cleanup_link_ struct rtnl_link *link = NULL;
	int err;

	box_step("nsenter --net=/proc/%d/ns/net ip link set %s up", pid, ifname);
	err = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (!err)
		err = link_set_up(sk, link);
	if (err < 0) {
		nsbox_err("cannot bring up %s in the box (pid %d): %s", ifname, pid,
			  nl_geterror(err));
		return -1;
	}
	if (out) {
		*out = link;
		link = NULL;
	}
	return 0;
}

/* Runs inside the box's network namespace. */
static int configure_inside(pid_t pid, const struct in_addr *addr)
{
	_cleanup_sock_ struct nl_sock *sk = route_open();	/* after setns() */
	_cleanup_link_ struct rtnl_link *eth = NULL;
	_cleanup_nladdr_ struct nl_addr *dst = NULL, *gw = NULL;
	struct rtnl_route *route = NULL;
	struct rtnl_nexthop *nh = NULL;
	struct in_addr gw_in;
	char ip[INET_ADDRSTRLEN];
	int err;

	if (!sk)
		return -1;
	if (ns_link_up(sk, pid, "lo", NULL) < 0)
		return -1;
	if (!addr)
		return 0;
	if (ipv6_off(BOX_PEER_IF, pid) < 0 || ns_link_up(sk, pid, BOX_PEER_IF, &eth) < 0)
		return -1;

	inet_ntop(AF_INET, addr, ip, sizeof(ip));
	box_step("nsenter --net=/proc/%d/ns/net ip addr add %s/%d dev %s", pid, ip,
		 BOX_NET_PREFIX, BOX_PEER_IF);
	err = addr_add(sk, rtnl_link_get_ifindex(eth), addr);
	if (err < 0) {
		nsbox_err("cannot add address %s/%d to %s in the box (pid %d): %s", ip,
			  BOX_NET_PREFIX, BOX_PEER_IF, pid, nl_geterror(err));
		return -1;
	}

	box_step("nsenter --net=/proc/%d/ns/net ip route add default via %s dev %s", pid,
		 BOX_BRIDGE_ADDR, BOX_PEER_IF);
	inet_pton(AF_INET, BOX_BRIDGE_ADDR, &gw_in);
	err = -NLE_NOMEM;
	route = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	gw = nl_addr_build(AF_INET, &gw_in, sizeof(gw_in));
	if (route && nh && gw && nl_addr_parse("default", AF_INET, &dst) == 0) {
		rtnl_route_set_family(route, AF_INET);
		rtnl_route_set_table(route, RT_TABLE_MAIN);
		rtnl_route_set_dst(route, dst);
		rtnl_route_nh_set_gateway(nh, gw);
		rtnl_route_nh_set_ifindex(nh, rtnl_link_get_ifindex(eth));
		rtnl_route_add_nexthop(route, nh);	/* @route owns @nh now */
		nh = NULL;
		err = rtnl_route_add(sk, route, NLM_F_EXCL);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	if (route)
		rtnl_route_put(route);
	if (err < 0) {
		nsbox_err("cannot add default route via %s on %s in the box (pid %d): %s",
			  BOX_BRIDGE_ADDR, BOX_PEER_IF, pid, nl_geterror(err));
		return -1;
	}
	return 0;
}

int box_net_configure(pid_t pid, const struct in_addr *addr)
{
	_cleanup_close_ int self = -1, box = -1;
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	box = open(path, O_RDONLY | O_CLOEXEC);
	if (box < 0) {
		nsbox_err("cannot open %s: %s; has the box's process exited?", path,
			  strerror(errno));
		return -1;
	}
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		nsbox_err("cannot open /proc/self/ns/net: %s", strerror(errno));
		return -1;
	}
	if (setns(box, CLONE_NEWNET) < 0) {
		nsbox_err("cannot enter the network namespace of the box (pid %d): %s; run as root",
			  pid, strerror(errno));
		return -1;
	}
	ret = configure_inside(pid, addr);
	/* Everything after this must happen on the host again: no way on if not. */
	if (setns(self, CLONE_NEWNET) < 0)
		nsbox_die(NSBOX_EXIT_FAIL, "cannot return to the host's network namespace: %s",
			  strerror(errno));
	return ret;
}

int box_net_link_delete(const char *ifname)
{
	_cleanup_sock_ struct nl_sock *sk = route_open();
	_cleanup_link_ struct rtnl_link *link = NULL;
	int err;

	if (!sk)
		return -1;
	err = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (!err) {
		box_step("ip link del %s", ifname);
		err = rtnl_link_delete(sk, link);
	}
	if (err < 0 && !not_found(err)) {
		nsbox_err("cannot delete interface %s: %s", ifname, nl_geterror(err));
		return -1;
	}
	return 0;
}
