// SPDX-License-Identifier: GPL-2.0
/*
 * write_bench N - N x write(2) of one byte to /dev/null: the cost of one
 * call of vfs_write(), for `nsbox probe` on it (bench/probe_guest.sh).
 * Prints the mean nanoseconds per call (CLOCK_MONOTONIC: guest
 * instructions under -icount shift=0).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	int fd, n, i;

	if (argc != 2 || (n = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: write_bench N\n");
		return 2;
	}
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		if (write(fd, "x", 1) != 1)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%lld\n", ((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}
