// SPDX-License-Identifier: GPL-2.0
/*
 * dump_stats [ROUNDS [KIND]] - GET_GROUP dumps read the way a tool reads
 * them (32 KiB buffer), timed in this process (no process start-up, no
 * parsing, no output): one untimed dump first, then ROUNDS (default 1)
 * timed ones, each on a socket of its own (opened before the clock starts).  KIND (a number, enum nsbox_kind)
 * asks for one kind only.  Prints key=value for the bench:
 *
 *   entries=N bytes=B recvmsg=C intr=I rounds=R ns=MEAN ns_min=.. ns_max=.. per_entry=..
 *
 * entries, bytes and recvmsg calls are of the last dump; intr counts the
 * dumps flagged NLM_F_DUMP_INTR (the set changed during the dump).
 */
#include <stdlib.h>
#include <time.h>

#include "../tests/vm/nltest.h"

static long entries;

static void count(const struct nlmsghdr *nlh, void *arg)
{
	long long *bytes = arg;

	entries++;
	*bytes += nlh->nlmsg_len;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	char msg[64] __attribute__((aligned(NLMSG_ALIGNTO)));
	long long bytes = 0, sum = 0, min = 0, max = 0;
	int fd = nlt_socket(), family, calls = 0, intr, intrs = 0, err = 0;
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	int kind = argc > 2 ? atoi(argv[2]) : -1;

	if (rounds < 1 || argc > 3) {
		fprintf(stderr, "usage: dump_stats [ROUNDS [KIND]]\n");
		return 2;
	}
	family = nlt_family(fd, NSBOX_GENL_NAME);
	if (family < 0)
		return 1;
	close(fd);
	nlt_init(msg, family, NSBOX_CMD_GET_GROUP, NLM_F_DUMP);
	if (kind >= 0) {
		uint8_t k = kind;

		nlt_put(msg, NSBOX_A_KIND, &k, sizeof(k));
	}
	for (int r = 0; r <= rounds; r++) {
		long long t0, t;

		entries = 0;
		bytes = 0;
		fd = nlt_socket();
		t0 = now_ns();
		calls = nlt_dump(fd, msg, 32768, count, &bytes, &intr, &err);
		t = now_ns() - t0;
		close(fd);
		if (calls < 0 || err) {
			fprintf(stderr, "dump_stats: dump failed (%d)\n", err);
			return 1;
		}
		if (r == 0)
			continue;	/* the untimed first dump */
		intrs += intr;
		sum += t;
		if (r == 1 || t < min)
			min = t;
		if (r == 1 || t > max)
			max = t;
	}
	printf("entries=%ld bytes=%lld recvmsg=%d intr=%d rounds=%d ns=%lld ns_min=%lld ns_max=%lld per_entry=%lld\n",
	       entries, bytes, calls, intrs, rounds, sum / rounds, min, max,
	       entries ? sum / rounds / entries : 0);
	return 0;
}
