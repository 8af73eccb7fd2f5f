// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox tool - the bridge's firewall: nftables rules through libnftables.
 *
 * Two tables of nsbox's own, nothing in anybody else's:
 *
 *   table bridge nsbox            frames crossing nsbox0 (the bridge family
 *     map ports                   sees Ethernet frames between its ports)
 *       "nsb-0-2" : jump box-b1   one element per box: its host-side port
 *     chain prerouting            hook prerouting: every frame that enters
 *       iifname vmap @ports       the bridge, before it is forwarded to a
 *                                 port or passed up to the host
 *     chain box-b1                what box b1's port accepts: its MAC, its
 *       ether saddr != MAC drop   IPv4 source address, ARP for its own
 *       ip daddr 127.0.0.0/8 drop address and MAC; nothing else (IPv6,
 *       ip saddr ADDR accept      VLAN tags, other protocols), and never
 *       arp ... accept            IPv4 to 127.0.0.0/8: nsbox0's
 *       drop                      route_localnet would deliver it to the
 *                                 host's loopback services
 *
 *   table inet nsbox              packets the host routes (IPv4 and IPv6)
 *     chain raw                   hook prerouting, before conntrack: a
 *       iifname != { lo, nsbox0 } source in 10.88.0.0/16 comes from nsbox0
 *         ip saddr 10.88.0.0/16   or from the host itself, never from
 *         drop                    outside (a spoofed box would be let in,
 *       iifname nsbox0            and masqueraded to 10.88.0.1); nothing
 *         ip daddr 127.0.0.0/8    on nsbox0 reaches the host's loopback
 *         drop                    (route_localnet is on there, below)
 *     map published               one element per published host port:
 *       tcp . 8080 : jump pub-b1  its protocol and number -> the box's chain
 *     set targets                 what published ports lead to, now:
 *       10.88.0.2 . tcp . 80      the box's address, protocol and port
 *     chain prerouting            hook prerouting, nat (dstnat): a packet
 *       fib daddr type local      to one of the host's addresses (fib: the
 *       ip daddr != 127.0.0.0/8   routing table says "local"), not its
 *       meta l4proto . th dport   loopback (from outside, 127.0.0.1 must
 *         vmap @published         not reach a port published on it), on a
 *                                 published port goes to its box's chain
 *     chain output                the same for what the host itself sends
 *                                 (hook output): 127.0.0.1:8080 works too
 *     chain pub-b1                -p 8080:80: the destination rewritten
 *       tcp dport 8080            (DNAT) to the box's address and port;
 *         dnat ip to 10.88.0.2:80 conntrack rewrites the replies back
 *     chain forward               hook forward, filter: a box's packets
 *       iifname nsbox0 oifname != nsbox0 accept   go out; what comes in
 *       oifname nsbox0 ct direction reply accept  is a reply, an ICMP
 *       oifname nsbox0 ct state related accept    error about one, or
 *       oifname nsbox0 ct status dnat             for a published port
 *         ip daddr . meta l4proto . th dport      that is still published
 *         @targets accept                         (a connection conntrack
 *       oifname nsbox0 iifname != nsbox0 drop     remembers from a box
 *                                 since removed must not reach the next
 *                                 box given its address); nothing else.
 *       meta nfproto ipv4         And if ip_forward was off before the
 *       iifname != nsbox0         first box (net.c), the host routes
 *       oifname != nsbox0 drop    IPv4 for its boxes only, as it did not
 *                                 route at all before
 *     chain postrouting           hook postrouting, nat (srcnat): what a
 *       ip saddr 10.88.0.0/16     box sends out leaves with the address of
 *         oifname != nsbox0       the interface it leaves by (masquerade),
 *         masquerade              so replies find their way back to the
 *       oifname nsbox0            host; and what goes to a box from the
 *         ip saddr 127.0.0.0/8    host's loopback or, through a published
 *         masquerade              port, from another box comes from
 *       oifname nsbox0 ip saddr   10.88.0.1, the address the box answers
 *         10.88.0.0/16 ct status  through the host
 *         dnat masquerade
 *
 * A table is a namespace for chains, sets and maps; a base chain (one
 * with "hook") is called by the kernel for every packet at that hook.
 * Each table's base chains run on their own: an "accept" here does not
 * accept in another table, a "drop" anywhere is final.  So nsbox only
 * drops, and only nsbox0's traffic: the host's own forwarding policy and
 * other bridges are untouched (a "drop" policy in another table, such as
 * iptables' FORWARD chain under Docker, still drops the boxes' packets).
 * Routing for boxes needs ip_forward, which net.c turns on while bridged
 * boxes exist and restores after.
 *
 * Each change is one nft script run as a single transaction: the kernel
 * applies all of it or none.  "add" of an existing table, chain or map
 * does nothing, and "flush chain" then "add rule" rewrites a chain, so
 * every script can run again; deleting goes "add, delete" for the same
 * reason (nft 1.0.6 has no "destroy").  docs/boxes.md walks through it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <nftables/libnftables.h>

#include "box.h"
#include "dl.h"		/* after the libraries' headers: their calls go through it */
#include "err.h"
#include "util.h"

#define T_BRIDGE "bridge nsbox"
#define T_INET "inet nsbox"

static void nft_freep(struct nft_ctx **nft)
{
	if (*nft)
		nft_ctx_free(*nft);
}

/*
 * libnftables exit()s the whole process when it cannot open its netlink
 * socket (a kernel without netfilter's netlink): try one first.
 */
static bool netfilter_available(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * Run the nft script @cmds as one transaction; 0, or -1 after nsbox_err().
 * @removing: the script only takes rules away, and a kernel without
 * netfilter has none to take.
 */
static int nft_run(const char *what, const char *cmds, bool removing)
{
	_cleanup_(nft_freep) struct nft_ctx *nft = NULL;
	const char *e, *cmd;
	bool missing;
	int n, m;

	box_step("nft -f - <<'EOF'\n%sEOF", cmds);
	if (!netfilter_available()) {
		if (removing)
			return 0;
		nsbox_err("cannot %s: no netfilter netlink in this kernel (%s); "
			  "load nf_tables (modprobe nf_tables)", what, strerror(errno));
		return -1;
	}
	nft = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!nft || nft_ctx_buffer_output(nft) || nft_ctx_buffer_error(nft)) {
		nsbox_err("cannot %s: out of memory", what);
		return -1;
	}
	if (nft_run_cmd_from_buffer(nft, cmds) == 0)
		return 0;
	/* "Error: Could not process rule: REASON\nTHE COMMAND\n   ^^^^^\n" */
	e = nft_ctx_get_error_buffer(nft);
	if (!e)
		e = "";
	if (!strncmp(e, "Error: ", 7))
		e += 7;
	n = strcspn(e, "\n");
	cmd = e[n] ? e + n + 1 : "";
	m = strcspn(cmd, "\n");
	/* ENOENT for an expression or chain type: a module the kernel could not load */
	missing = strstr(e, "No such file or directory") || strstr(e, "not supported");
	nsbox_err("cannot %s: nftables: %.*s%s%.*s%s%s", what, n, e, m ? " in '" : "", m, cmd,
		  m ? "'" : "", missing && !removing ? "; load the kernel's nf_tables and its "
		  "bridge family (modprobe nf_tables nft_meta_bridge)" : "");
	return -1;
}

/* A script built with printf-like pieces; NULL after nsbox_err(). */
__attribute__((format(printf, 1, 2)))
static char *script(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		nsbox_err("out of memory");
		return NULL;
	}
	return s;
}

int box_nft_bridge_ensure(bool boxes_only)
{
	_cleanup_free_ char *cmds = NULL;
	static const char common[] =
		"add table " T_BRIDGE "\n"
		"add map " T_BRIDGE " ports { type ifname : verdict; }\n"
		"add chain " T_BRIDGE " prerouting "
		"{ type filter hook prerouting priority filter; policy accept; }\n"
		"flush chain " T_BRIDGE " prerouting\n"
		"add rule " T_BRIDGE " prerouting iifname vmap @ports\n"
		"add table " T_INET "\n"
		"add map " T_INET " published { type inet_proto . inet_service : verdict; }\n"
		"add set " T_INET " targets { type ipv4_addr . inet_proto . inet_service; }\n"
		"add chain " T_INET " raw "
		"{ type filter hook prerouting priority raw; policy accept; }\n"
		"flush chain " T_INET " raw\n"
		"add rule " T_INET " raw iifname != { \"lo\", \"" BOX_BRIDGE "\" } ip saddr "
		BOX_NET_CIDR " counter drop\n"
		"add rule " T_INET " raw iifname \"" BOX_BRIDGE "\" ip daddr 127.0.0.0/8 counter drop\n"
		"add chain " T_INET " prerouting "
		"{ type nat hook prerouting priority dstnat; policy accept; }\n"
		"flush chain " T_INET " prerouting\n"
		"add rule " T_INET " prerouting fib daddr type local ip daddr != 127.0.0.0/8 "
		"meta l4proto . th dport vmap @published\n"
		"add chain " T_INET " output "
		"{ type nat hook output priority -100; policy accept; }\n"
		"flush chain " T_INET " output\n"
		"add rule " T_INET " output fib daddr type local "
		"meta l4proto . th dport vmap @published\n"
		"add chain " T_INET " forward "
		"{ type filter hook forward priority filter; policy accept; }\n"
		"flush chain " T_INET " forward\n"
		"add rule " T_INET " forward iifname \"" BOX_BRIDGE "\" oifname != \""
		BOX_BRIDGE "\" counter accept\n"
		"add rule " T_INET " forward oifname \"" BOX_BRIDGE "\" ct direction reply counter accept\n"
		"add rule " T_INET " forward oifname \"" BOX_BRIDGE "\" ct state related counter accept\n"
		"add rule " T_INET " forward oifname \"" BOX_BRIDGE "\" ct status dnat "
		"ip daddr . meta l4proto . th dport @targets counter accept\n"
		"add rule " T_INET " forward oifname \"" BOX_BRIDGE "\" iifname != \""
		BOX_BRIDGE "\" counter drop\n"
		"add chain " T_INET " postrouting "
		"{ type nat hook postrouting priority srcnat; policy accept; }\n"
		"flush chain " T_INET " postrouting\n"
		"add rule " T_INET " postrouting ip saddr " BOX_NET_CIDR " oifname != \""
		BOX_BRIDGE "\" counter masquerade\n"
		"add rule " T_INET " postrouting oifname \"" BOX_BRIDGE "\" ip saddr 127.0.0.0/8 "
		"counter masquerade\n"
		"add rule " T_INET " postrouting oifname \"" BOX_BRIDGE "\" ip saddr " BOX_NET_CIDR
		" ct status dnat counter masquerade\n";

	/* a host that did not route before routes for its boxes only */
	cmds = script("%s%s", common, boxes_only ? "add rule " T_INET " forward meta nfproto ipv4 "
		      "iifname != \"" BOX_BRIDGE "\" oifname != \"" BOX_BRIDGE "\" counter drop\n" : "");
	if (!cmds)
		return -1;
	return nft_run("set up tables " T_BRIDGE " and " T_INET, cmds, false);
}

int box_nft_port_add(const char *name, const char *port, const struct in_addr *addr,
		     const uint8_t mac[6])
{
	_cleanup_free_ char *cmds = NULL;
	char ip[INET_ADDRSTRLEN], what[128], m[18];

	inet_ntop(AF_INET, addr, ip, sizeof(ip));
	snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	cmds = script("add chain " T_BRIDGE " box-%1$s\n"
		      "flush chain " T_BRIDGE " box-%1$s\n"
		      "add rule " T_BRIDGE " box-%1$s ether saddr != %2$s counter drop\n"
		      "add rule " T_BRIDGE " box-%1$s ip daddr 127.0.0.0/8 counter drop\n"
		      "add rule " T_BRIDGE " box-%1$s ip saddr %3$s accept\n"
		      "add rule " T_BRIDGE " box-%1$s arp htype 1 arp ptype ip arp hlen 6 "
		      "arp plen 4 arp saddr ether %2$s arp saddr ip %3$s accept\n"
		      "add rule " T_BRIDGE " box-%1$s counter drop\n"
		      "add element " T_BRIDGE " ports { \"%4$s\" : jump box-%1$s }\n",
		      name, m, ip, port);
	if (!cmds)
		return -1;
	snprintf(what, sizeof(what), "add the rules of box %s's port %s", name, port);
	return nft_run(what, cmds, false);
}

int box_nft_port_del(const char *name, const char *port)
{
	_cleanup_free_ char *cmds = NULL;
	char what[128];

	/* add first, so that the deletes find something even if a run
	 * failed before it made them */
	if (port[0])
		cmds = script("add table " T_BRIDGE "\n"
			      "add map " T_BRIDGE " ports { type ifname : verdict; }\n"
			      "add chain " T_BRIDGE " box-%1$s\n"
			      "add element " T_BRIDGE " ports { \"%2$s\" : jump box-%1$s }\n"
			      "delete element " T_BRIDGE " ports { \"%2$s\" }\n"
			      "flush chain " T_BRIDGE " box-%1$s\n"
			      "delete chain " T_BRIDGE " box-%1$s\n", name, port);
	else
		cmds = script("add table " T_BRIDGE "\n"
			      "add chain " T_BRIDGE " box-%1$s\n"
			      "flush chain " T_BRIDGE " box-%1$s\n"
			      "delete chain " T_BRIDGE " box-%1$s\n", name);
	if (!cmds)
		return -1;
	snprintf(what, sizeof(what), "remove the rules of box %s", name);
	return nft_run(what, cmds, true);
}

/* Is ports[i] the first with its protocol and box port (one target each)? */
static bool first_target(const struct box_port *ports, int i)
{
	for (int j = 0; j < i; j++)
		if (ports[j].proto == ports[i].proto && ports[j].box_port == ports[i].box_port)
			return false;
	return true;
}

/* tcp . 8080 */
static const char *port_key(const struct box_port *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s . %u", box_port_proto(p), p->host_port);
	return buf;
}

int box_nft_publish(const char *name, const struct in_addr *addr,
		    const struct box_port *ports, int n)
{
	_cleanup_free_ char *cmds = NULL;
	char ip[INET_ADDRSTRLEN], what[128], key[32];
	size_t len = 0;
	FILE *f;

	if (!n)
		return 0;
	inet_ntop(AF_INET, addr, ip, sizeof(ip));
	f = open_memstream(&cmds, &len);
	if (!f) {
		nsbox_err("out of memory");
		return -1;
	}
	fprintf(f, "add chain " T_INET " pub-%1$s\nflush chain " T_INET " pub-%1$s\n", name);
	for (int i = 0; i < n; i++) {
		char daddr[INET_ADDRSTRLEN + 16] = "";

		if (ports[i].host.s_addr != htonl(INADDR_ANY)) {
			strcpy(daddr, "ip daddr ");
			inet_ntop(AF_INET, &ports[i].host, daddr + strlen(daddr), INET_ADDRSTRLEN);
			strcat(daddr, " ");
		}
		fprintf(f, "add rule " T_INET " pub-%s %s%s dport %u counter dnat ip to %s:%u\n",
			name, daddr, box_port_proto(&ports[i]), ports[i].host_port, ip,
			ports[i].box_port);
	}
	/* "create": an element that is there already fails the whole script */
	for (int i = 0; i < n; i++)
		fprintf(f, "create element " T_INET " published { %s : jump pub-%s }\n",
			port_key(&ports[i], key, sizeof(key)), name);
	for (int i = 0; i < n; i++)
		if (first_target(ports, i))
			fprintf(f, "add element " T_INET " targets { %s . %s . %u }\n", ip,
				box_port_proto(&ports[i]), ports[i].box_port);
	if (fclose(f)) {
		nsbox_err("out of memory");
		return -1;
	}
	snprintf(what, sizeof(what), "publish box %s's ports", name);
	return nft_run(what, cmds, false);
}

int box_nft_unpublish(const char *name, const char *ip, const struct box_port *ports, int n)
{
	_cleanup_free_ char *cmds = NULL;
	char what[128], key[32];
	size_t len = 0;
	FILE *f = open_memstream(&cmds, &len);

	if (!f) {
		nsbox_err("out of memory");
		return -1;
	}
	/*
	 * add first, so that the deletes find something; an element that is
	 * another box's ("add" with another verdict) fails the script, and
	 * deletes nothing of that box
	 */
	fprintf(f, "add table " T_INET "\n"
		"add map " T_INET " published { type inet_proto . inet_service : verdict; }\n"
		"add set " T_INET " targets { type ipv4_addr . inet_proto . inet_service; }\n"
		"add chain " T_INET " pub-%s\n", name);
	for (int i = 0; i < n; i++) {
		port_key(&ports[i], key, sizeof(key));
		fprintf(f, "add element " T_INET " published { %1$s : jump pub-%2$s }\n"
			"delete element " T_INET " published { %1$s }\n", key, name);
		/* the box's own address and port: nobody else's */
		if (ip[0] && first_target(ports, i))
			fprintf(f, "add element " T_INET " targets { %1$s . %2$s . %3$u }\n"
				"delete element " T_INET " targets { %1$s . %2$s . %3$u }\n", ip,
				box_port_proto(&ports[i]), ports[i].box_port);
	}
	fprintf(f, "flush chain " T_INET " pub-%1$s\ndelete chain " T_INET " pub-%1$s\n", name);
	if (fclose(f)) {
		nsbox_err("out of memory");
		return -1;
	}
	snprintf(what, sizeof(what), "remove box %s's published ports", name);
	return nft_run(what, cmds, true);
}

int box_nft_remove(void)
{
	static const char cmds[] =
		"add table " T_BRIDGE "\n"
		"delete table " T_BRIDGE "\n"
		"add table " T_INET "\n"
		"delete table " T_INET "\n";

	return nft_run("remove tables " T_BRIDGE " and " T_INET, cmds, true);
}
