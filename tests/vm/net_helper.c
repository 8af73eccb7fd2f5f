// SPDX-License-Identifier: GPL-2.0
/*
 * net_helper - hand-made Ethernet frames for tests/vm/bridge.sh: what a root
 * box (CAP_NET_RAW, an AF_PACKET socket) can put on the bridge, and a
 * receiver that prints what reaches an interface.  Static, like box_helper,
 * so `nsbox rootfs create --add` needs no libraries.
 *
 *   net_helper send IFACE FRAME...   send each FRAME out of IFACE, in order,
 *                                    from one CPU (so they arrive in order)
 *     ra             an IPv6 router advertisement to ff02::1 from the
 *                    interface's link-local address (made from its MAC),
 *                    router lifetime 1800 s: "I am your default router"
 *     ip:SRC         UDP to 10.88.255.255 port 9 from SRC, payload
 *                    "nsbox-spoof-ip" (IPv4 with another's source address)
 *     mac:MAC        UDP from the interface's own address but with MAC as
 *                    the Ethernet source, payload "nsbox-spoof-mac"
 *     garp:IP        a gratuitous ARP request: "IP is at my MAC"
 *     to:MAC:IP:PORT[:SRC]  UDP from the interface's own address (or SRC)
 *                    and MAC to IP:PORT through MAC (the host's, say),
 *                    payload "nsbox-to-IP": IP 127.0.0.1 is the host's
 *                    loopback, which no box may reach
 *     marker         UDP from the interface's own address and MAC, payload
 *                    "nsbox-marker": the receiver stops there
 *   net_helper listen IFACE          print "ready", then one line per frame
 *                                    that arrives on IFACE, until the marker
 *                                    (exit 0) or 60 s (exit 1):
 *     ra SRCMAC                      ICMPv6 router advertisement
 *     udp SRCIP SRCMAC PAYLOAD       UDP to port 9
 *     arp OP SENDERIP SENDERMAC      ARP (OP 1 request, 2 reply)
 *
 * Every frame is broadcast (IPv6: to all nodes), so one send reaches the
 * host and every box on the bridge.
 *
 * And the two ends of a conversation through the host's NAT:
 *
 *   net_helper serve tcp|udp PORT N  print "ready", then answer N
 *                                    connections (TCP) or datagrams (UDP)
 *                                    on PORT, each with "TEXT from ADDR",
 *                                    ADDR the peer's address as seen here;
 *                                    exit 1 after 60 s without
 *   net_helper ask tcp|udp ADDR PORT TEXT [SPORT]
 *                                    send TEXT (from port SPORT), print the
 *                                    answer; exit 1 if none came within 5 s
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/icmp6.h>
#include <netinet/udp.h>
#include <net/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define UDP_PORT 9
#define MARKER "nsbox-marker"

struct iface {
	int index;
	uint8_t mac[ETH_ALEN];
	struct in_addr ip;	/* 0.0.0.0 if it has none */
};

static int die(const char *what)
{
	fprintf(stderr, "net_helper: %s: %s\n", what, strerror(errno));
	return 2;
}

static int iface_get(int fd, const char *name, struct iface *ifc)
{
	struct ifreq ifr;

	memset(ifc, 0, sizeof(*ifc));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		return -1;
	ifc->index = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -1;
	memcpy(ifc->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	ifr.ifr_addr.sa_family = AF_INET;
	if (ioctl(fd, SIOCGIFADDR, &ifr) == 0)
		ifc->ip = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int b[ETH_ALEN];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < ETH_ALEN; i++)
		mac[i] = b[i];
	return 0;
}

static const char *fmt_mac(const uint8_t *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

/* The Internet checksum over @len bytes, continuing from @sum. */
static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (p[0] << 8) | p[1];
	if (len)
		sum += p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static void eth_hdr(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = type >> 8;
	f[13] = type & 0xff;
}

static const uint8_t bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Ethernet to @dmac + IPv4 to @dst + UDP to @dport with @payload; the frame's length. */
static size_t frame_udp_to(uint8_t *f, const uint8_t *dmac, const uint8_t *smac,
			   struct in_addr src, struct in_addr dst, uint16_t dport,
			   const char *payload)
{
	struct iphdr *ip = (struct iphdr *)(f + ETH_HLEN);
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	size_t plen = strlen(payload);

	eth_hdr(f, dmac, smac, ETH_P_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + plen);
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	ip->check = csum_fold(csum_add(0, ip, sizeof(*ip)));
	udp->source = htons(UDP_PORT);
	udp->dest = htons(dport);
	udp->len = htons(sizeof(*udp) + plen);
	udp->check = 0;				/* optional in IPv4 */
	memcpy(udp + 1, payload, plen);
	return ETH_HLEN + sizeof(*ip) + sizeof(*udp) + plen;
}

/* ... broadcast, to 10.88.255.255:9 */
static size_t frame_udp(uint8_t *f, const uint8_t *smac, struct in_addr src, const char *payload)
{
	struct in_addr dst = { .s_addr = htonl(0x0a58ffff) };

	return frame_udp_to(f, bcast, smac, src, dst, UDP_PORT, payload);
}

/* A gratuitous ARP request: sender and target IP are both @ip. */
static size_t frame_garp(uint8_t *f, const uint8_t *smac, struct in_addr ip)
{
	struct arphdr *a = (struct arphdr *)(f + ETH_HLEN);
	uint8_t *p = (uint8_t *)(a + 1);

	eth_hdr(f, bcast, smac, ETH_P_ARP);
	a->ar_hrd = htons(ARPHRD_ETHER);
	a->ar_pro = htons(ETH_P_IP);
	a->ar_hln = ETH_ALEN;
	a->ar_pln = 4;
	a->ar_op = htons(ARPOP_REQUEST);
	memcpy(p, smac, ETH_ALEN);
	memcpy(p + 6, &ip, 4);
	memset(p + 10, 0, ETH_ALEN);
	memcpy(p + 16, &ip, 4);
	return ETH_HLEN + sizeof(*a) + 20;
}

/*
 * A router advertisement as a router sends it (RFC 4861 4.2): from a
 * link-local address, hop limit 255, to all nodes, with the source
 * link-layer option.  A host that accepts it adds "default via fe80::..."
 */
static size_t frame_ra(uint8_t *f, const uint8_t *smac)
{
	static const uint8_t allnodes_mac[ETH_ALEN] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct ip6_hdr *ip6 = (struct ip6_hdr *)(f + ETH_HLEN);
	struct nd_router_advert *ra = (struct nd_router_advert *)(ip6 + 1);
	uint8_t *opt = (uint8_t *)(ra + 1);
	size_t len = sizeof(*ra) + 8;
	uint8_t pseudo[40];
	uint8_t *s;

	eth_hdr(f, allnodes_mac, smac, ETH_P_IPV6);
	memset(ip6, 0, sizeof(*ip6));
	ip6->ip6_flow = htonl(6u << 28);
	ip6->ip6_plen = htons(len);
	ip6->ip6_nxt = IPPROTO_ICMPV6;
	ip6->ip6_hlim = 255;
	/* fe80::/64 with the modified EUI-64 of the MAC */
	s = ip6->ip6_src.s6_addr;
	s[0] = 0xfe;
	s[1] = 0x80;
	s[8] = smac[0] ^ 0x02;
	s[9] = smac[1];
	s[10] = smac[2];
	s[11] = 0xff;
	s[12] = 0xfe;
	s[13] = smac[3];
	s[14] = smac[4];
	s[15] = smac[5];
	inet_pton(AF_INET6, "ff02::1", &ip6->ip6_dst);

	memset(ra, 0, sizeof(*ra));
	ra->nd_ra_type = ND_ROUTER_ADVERT;
	ra->nd_ra_curhoplimit = 64;
	ra->nd_ra_router_lifetime = htons(1800);
	opt[0] = ND_OPT_SOURCE_LINKADDR;
	opt[1] = 1;				/* in units of 8 bytes */
	memcpy(opt + 2, smac, ETH_ALEN);

	/* checksum over the pseudo-header: source, destination, length, 58 */
	memcpy(pseudo, &ip6->ip6_src, 16);
	memcpy(pseudo + 16, &ip6->ip6_dst, 16);
	pseudo[32] = pseudo[33] = 0;
	pseudo[34] = len >> 8;
	pseudo[35] = len & 0xff;
	pseudo[36] = pseudo[37] = pseudo[38] = 0;
	pseudo[39] = IPPROTO_ICMPV6;
	ra->nd_ra_cksum = csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)), ra, len));
	return ETH_HLEN + sizeof(*ip6) + len;
}

static int cmd_send(const char *ifname, char **frames, int n)
{
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = ETH_ALEN };
	struct iface ifc;
	cpu_set_t one;

	if (fd < 0)
		return die("socket(AF_PACKET)");
	if (iface_get(fd, ifname, &ifc) < 0)
		return die(ifname);
	/*
	 * Frames a process sends go through the receiving side's backlog of
	 * the CPU it runs on: from one CPU, they arrive in the order sent.
	 */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	to.sll_ifindex = ifc.index;
	for (int i = 0; i < n; i++) {
		uint8_t f[256], mac[ETH_ALEN];
		const char *a = frames[i];
		struct in_addr ip;
		size_t len;

		memset(f, 0, sizeof(f));
		if (!strcmp(a, "ra")) {
			len = frame_ra(f, ifc.mac);
		} else if (!strcmp(a, "marker")) {
			len = frame_udp(f, ifc.mac, ifc.ip, MARKER);
		} else if (!strncmp(a, "ip:", 3) && inet_pton(AF_INET, a + 3, &ip) == 1) {
			len = frame_udp(f, ifc.mac, ip, "nsbox-spoof-ip");
		} else if (!strncmp(a, "mac:", 4) && parse_mac(a + 4, mac) == 0) {
			len = frame_udp(f, mac, ifc.ip, "nsbox-spoof-mac");
		} else if (!strncmp(a, "garp:", 5) && inet_pton(AF_INET, a + 5, &ip) == 1) {
			len = frame_garp(f, ifc.mac, ip);
		} else if (!strncmp(a, "to:", 3) && strlen(a) > 21 && a[20] == ':' &&
			   parse_mac(a + 3, mac) == 0) {
			/* to:MAC:IP:PORT[:SRC] */
			char dst[2 * INET_ADDRSTRLEN + 8], text[64];
			struct in_addr src = ifc.ip;
			char *colon, *from;

			snprintf(dst, sizeof(dst), "%s", a + 21);
			colon = strchr(dst, ':');
			from = colon ? strchr(colon + 1, ':') : NULL;
			if (from && (*from++ = 0, inet_pton(AF_INET, from, &src) != 1))
				colon = NULL;
			if (!colon || (*colon = 0, inet_pton(AF_INET, dst, &ip) != 1)) {
				fprintf(stderr, "net_helper: bad frame '%s'\n", a);
				return 2;
			}
			snprintf(text, sizeof(text), "nsbox-to-%s", dst);
			len = frame_udp_to(f, mac, ifc.mac, src, ip, atoi(colon + 1), text);
		} else {
			fprintf(stderr, "net_helper: unknown frame '%s'\n", a);
			return 2;
		}
		/* the Ethernet header is in the frame: sll_addr is not used */
		if (sendto(fd, f, len < 60 ? 60 : len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
			return die(a);
	}
	close(fd);
	return 0;
}

/* One line for a frame worth reporting; 1 if it was the marker. */
static int report(const uint8_t *f, ssize_t n)
{
	uint16_t type = (f[12] << 8) | f[13];
	char mac[18], ip[INET_ADDRSTRLEN];

	fmt_mac(f + ETH_ALEN, mac);
	if (type == ETH_P_IPV6 && n >= ETH_HLEN + 41) {
		const struct ip6_hdr *ip6 = (const void *)(f + ETH_HLEN);
		const uint8_t *icmp = (const uint8_t *)(ip6 + 1);

		if (ip6->ip6_nxt == IPPROTO_ICMPV6 && icmp[0] == ND_ROUTER_ADVERT)
			printf("ra %s\n", mac);
	} else if (type == ETH_P_IP && n >= ETH_HLEN + 28) {
		const struct iphdr *iph = (const void *)(f + ETH_HLEN);
		const struct udphdr *udp = (const void *)(f + ETH_HLEN + iph->ihl * 4);
		const char *data = (const char *)(udp + 1);
		ssize_t dlen = n - (data - (const char *)f);

		if (iph->protocol != IPPROTO_UDP || ntohs(udp->dest) != UDP_PORT || dlen <= 0)
			return 0;
		dlen = strnlen(data, dlen);
		inet_ntop(AF_INET, &iph->saddr, ip, sizeof(ip));
		printf("udp %s %s %.*s\n", ip, mac, (int)dlen, data);
		return dlen == (ssize_t)strlen(MARKER) && !memcmp(data, MARKER, dlen);
	} else if (type == ETH_P_ARP && n >= ETH_HLEN + 28) {
		const struct arphdr *a = (const void *)(f + ETH_HLEN);
		const uint8_t *p = (const uint8_t *)(a + 1);

		inet_ntop(AF_INET, p + 6, ip, sizeof(ip));
		printf("arp %u %s %s\n", ntohs(a->ar_op), ip, fmt_mac(p, mac));
	}
	return 0;
}

static int cmd_listen(const char *ifname)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	struct sockaddr_ll at = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct timeval tv = { .tv_sec = 60 };
	struct iface ifc;

	if (fd < 0)
		return die("socket(AF_PACKET)");
	if (iface_get(fd, ifname, &ifc) < 0)
		return die(ifname);
	at.sll_ifindex = ifc.index;
	if (bind(fd, (struct sockaddr *)&at, sizeof(at)) < 0)
		return die("bind");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_ll from;
		socklen_t flen = sizeof(from);
		uint8_t f[2048];
		ssize_t n = recvfrom(fd, f, sizeof(f), 0, (struct sockaddr *)&from, &flen);

		if (n < 0) {
			printf("no marker within 60 s\n");
			return 1;
		}
		/* what arrives, not what this side sends */
		if (from.sll_pkttype == PACKET_OUTGOING || n < ETH_HLEN)
			continue;
		if (report(f, n))
			break;
		fflush(stdout);
	}
	fflush(stdout);
	return 0;
}

static int cmd_serve(const char *proto, const char *port, int n)
{
	bool udp = !strcmp(proto, "udp");
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	struct timeval tv = { .tv_sec = 60 };
	int fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || (!udp && listen(fd, 8)))
		return die("bind");
	printf("ready\n");
	fflush(stdout);
	while (n-- > 0) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		char buf[256], out[320];
		ssize_t got;
		int c = fd;

		if (udp) {
			got = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&peer, &len);
		} else {
			c = accept4(fd, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
			if (c < 0)
				return die("accept");
			setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			got = recv(c, buf, sizeof(buf) - 1, 0);
		}
		if (got < 0)
			return die("recv");
		buf[got] = 0;
		snprintf(out, sizeof(out), "%s from %s", buf, inet_ntoa(peer.sin_addr));
		printf("%s\n", out);
		fflush(stdout);
		if (udp)
			sendto(fd, out, strlen(out), 0, (struct sockaddr *)&peer, len);
		else
			send(c, out, strlen(out), MSG_NOSIGNAL);
		if (c != fd)
			close(c);
	}
	return 0;
}

static int cmd_ask(const char *proto, const char *addr, const char *port, const char *text,
		   const char *sport)
{
	bool udp = !strcmp(proto, "udp");
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(port)) };
	struct timeval tv = { .tv_sec = 5 };
	char buf[320];
	ssize_t got;
	int fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &a.sin_addr) != 1)
		return die("socket or address");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (sport) {
		struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(atoi(sport)) };
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&me, sizeof(me)))
			return die("bind");
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    send(fd, text, strlen(text), MSG_NOSIGNAL) < 0)
		return die("connect or send");
	got = recv(fd, buf, sizeof(buf) - 1, 0);
	if (got <= 0)
		return die("no answer");
	buf[got] = 0;
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "serve"))
		return cmd_serve(argv[2], argv[3], atoi(argv[4]));
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "ask"))
		return cmd_ask(argv[2], argv[3], argv[4], argv[5], argc == 7 ? argv[6] : NULL);
	if (argc >= 4 && !strcmp(argv[1], "send"))
		return cmd_send(argv[2], argv + 3, argc - 3);
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return cmd_listen(argv[2]);
	fprintf(stderr, "usage: net_helper send IFACE FRAME... | listen IFACE | "
		"serve tcp|udp PORT N | ask tcp|udp ADDR PORT TEXT [SPORT]\n");
	return 2;
}
