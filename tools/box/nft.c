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
 *       ip saddr ADDR accept      address and MAC; nothing else (IPv6,
 *       arp ... accept            VLAN tags, other protocols)
 *       drop
 *
 *   table inet nsbox              packets the host routes (IPv4 and IPv6)
 *     chain forward               hook forward: nothing is routed into or
 *       iifname nsbox0 oifname != nsbox0 drop   out of nsbox0, whatever
 *       oifname nsbox0 iifname != nsbox0 drop   ip_forward says
 *
 * A table is a namespace for chains, sets and maps; a base chain (one
 * with "hook") is called by the kernel for every packet at that hook.
 * Each table's base chains run on their own: an "accept" here does not
 * accept in another table, a "drop" anywhere is final.  So nsbox only
 * drops, and only nsbox0's traffic: the host's own forwarding policy and
 * other bridges are untouched.  A later masquerade (postrouting) and
 * published ports (prerouting, dnat) go into table inet nsbox as chains of
 * their own, with per-box maps like "ports".
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

int box_nft_bridge_ensure(void)
{
	static const char cmds[] =
		"add table " T_BRIDGE "\n"
		"add map " T_BRIDGE " ports { type ifname : verdict; }\n"
		"add chain " T_BRIDGE " prerouting "
		"{ type filter hook prerouting priority filter; policy accept; }\n"
		"flush chain " T_BRIDGE " prerouting\n"
		"add rule " T_BRIDGE " prerouting iifname vmap @ports\n"
		"add table " T_INET "\n"
		"add chain " T_INET " forward "
		"{ type filter hook forward priority filter; policy accept; }\n"
		"flush chain " T_INET " forward\n"
		"add rule " T_INET " forward iifname \"" BOX_BRIDGE "\" oifname != \""
		BOX_BRIDGE "\" counter drop\n"
		"add rule " T_INET " forward oifname \"" BOX_BRIDGE "\" iifname != \""
		BOX_BRIDGE "\" counter drop\n";

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

int box_nft_remove(void)
{
	static const char cmds[] =
		"add table " T_BRIDGE "\n"
		"delete table " T_BRIDGE "\n"
		"add table " T_INET "\n"
		"delete table " T_INET "\n";

	return nft_run("remove tables " T_BRIDGE " and " T_INET, cmds, true);
}
