// SPDX-License-Identifier: GPL-2.0
/*
 * dump_stats - one GET_GROUP dump the way a tool reads it (32 KiB
 * buffer): prints "entries BYTES RECVMSG_CALLS NS" for the bench.
 */
#include <time.h>

#include "../tests/vm/nltest.h"

static int entries;

static void count(const struct nlmsghdr *nlh, void *arg)
{
	long long *bytes = arg;

	entries++;
	*bytes += nlh->nlmsg_len;
}

int main(void)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct timespec a, b;
	long long bytes = 0;
	int fd = nlt_socket(), family, calls, intr, err;

	family = nlt_family(fd, NSBOX_GENL_NAME);
	if (family < 0)
		return 1;
	close(fd);
	fd = nlt_socket();
	nlt_init(msg, family, NSBOX_CMD_GET_GROUP, NLM_F_DUMP);
	clock_gettime(CLOCK_MONOTONIC, &a);
	calls = nlt_dump(fd, msg, 32768, count, &bytes, &intr, &err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("entries=%d bytes=%lld recvmsg=%d ns=%lld\n", entries, bytes, calls,
	       (b.tv_sec - a.tv_sec) * 1000000000LL + b.tv_nsec - a.tv_nsec);
	return calls < 0 || err;
}
