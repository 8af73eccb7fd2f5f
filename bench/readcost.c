// SPDX-License-Identifier: GPL-2.0
/*
 * readcost N FILE... - open, read whole and close each FILE N times; print
 * "FILE NS" per file, the mean wall time of one read in nanoseconds (under
 * -icount shift=0 with sleep=off: guest instructions).  One warm-up read
 * of each first.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int slurp(const char *path)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -1;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		;
	close(fd);
	return r < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	int n, i, f;

	if (argc < 3)
		return 2;
	n = atoi(argv[1]);
	for (f = 2; f < argc; f++) {
		if (slurp(argv[f])) {
			printf("%s failed\n", argv[f]);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < n; i++)
			slurp(argv[f]);
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%s %lld\n", argv[f],
		       ((b.tv_sec - a.tv_sec) * 1000000000LL + b.tv_nsec - a.tv_nsec) / n);
	}
	return 0;
}
