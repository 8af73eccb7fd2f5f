// SPDX-License-Identifier: GPL-2.0
/*
 * setuid_relay - a setuid-root program that handles somebody else's
 * netlink socket, as a careless one would (opener_test.c installs it
 * setuid root).  The socket is whatever the caller opened and passed in.
 *
 *   setuid_relay recv   read datagrams from fd 0 until NLMSG_DONE or an
 *                       error message, and write each to fd 1 as a
 *                       native-endian u32 length and the bytes
 *   setuid_relay send   read a request from fd 0 (a file, at most 64 KiB)
 *                       and send it to the kernel through fd 1
 *
 * Exit status: 0; 3 if it is not running as root (not installed setuid,
 * or the file system is nosuid); 1 on a failed system call.
 */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int relay_recv(void)
{
	static char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = recv(0, buf, sizeof(buf), 0);
		int left = (int)n, end = 0;
		uint32_t len = n;
		struct nlmsghdr *nlh;

		if (n <= 0)
			return n < 0;
		if (write(1, &len, sizeof(len)) != sizeof(len) || write(1, buf, n) != n)
			return 1;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, left); nlh = NLMSG_NEXT(nlh, left))
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
				end = 1;
		if (end)
			return 0;
	}
}

static int relay_send(void)
{
	static char buf[65536];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) && (n = read(0, buf + len, sizeof(buf) - len)) > 0)
		len += n;
	return sendto(1, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0;
}

int main(int argc, char **argv)
{
	if (geteuid() != 0) {
		fprintf(stderr, "setuid_relay: not running as root (setuid bit, nosuid?)\n");
		return 3;
	}
	if (argc == 2 && !strcmp(argv[1], "recv"))
		return relay_recv();
	if (argc == 2 && !strcmp(argv[1], "send"))
		return relay_send();
	fprintf(stderr, "usage: setuid_relay recv|send\n");
	return 2;
}
