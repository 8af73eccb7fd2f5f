// SPDX-License-Identifier: GPL-2.0
/*
 * abrun - time commands against each other, in alternated order.
 *
 *   abrun [-r ROUNDS] [-w WARMUPS] @LABEL CMD [ARGS...] [-- @LABEL CMD [ARGS...]]...
 *
 * Each run forks, execs the command with stdin and stdout on /dev/null
 * and waits for it.  Its time is CLOCK_MONOTONIC around fork..wait: in
 * the lab VM under -icount shift=0 one ns is one guest instruction, so
 * this counts every instruction the machine ran meanwhile, the
 * command's own and any other (a kworker's, an interrupt's).  Its CPU
 * time is what wait4() reports for it (user + system, precise to the
 * microsecond; the split between the two is the kernel's tick sample).
 *
 * First WARMUPS untimed runs of each command (so that all of them find
 * /proc, the dentry cache and the page cache equally warm), then ROUNDS
 * rounds, each running every command once: in the given order in even
 * rounds and in the reverse order in odd ones (A B C, C B A, A B C, ...),
 * so that no command always runs first or after the same one.
 *
 * Prints one line of key=value pairs (bench/summarise.awk reads them):
 *
 *   rounds=R LABEL_mean=.. LABEL_min=.. LABEL_max=.. LABEL_cpu=.. LABEL_sys=.. ...
 *
 * mean, min and max of the wall time, means of the CPU and system time,
 * all in ns.  A command that does not exit 0 is dropped from the rest of
 * the rounds and reported as LABEL_failed=STATUS; the exit status is 1
 * if any failed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define MAX_CMDS 32

struct cmd {
	const char *label;
	char **argv;
	long long sum, min, max, cpu, sys;
	int n, failed;
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long tv_ns(struct timeval tv)
{
	return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

/* One run of @c; its status (0 = exited 0), timed into @c if @timed. */
static int run(struct cmd *c, int timed)
{
	struct rusage ru;
	long long t0, wall;
	pid_t pid;
	int st;

	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return 255;
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		dup2(fd, 0);
		dup2(fd, 1);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid)
		return 255;
	wall = now_ns() - t0;
	if (!WIFEXITED(st))
		return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	if (WEXITSTATUS(st))
		return WEXITSTATUS(st);
	if (timed) {
		if (!c->n || wall < c->min)
			c->min = wall;
		if (!c->n || wall > c->max)
			c->max = wall;
		c->sum += wall;
		c->cpu += tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
		c->sys += tv_ns(ru.ru_stime);
		c->n++;
	}
	return 0;
}

static void step(struct cmd *c, int timed)
{
	int st;

	if (c->failed)
		return;
	st = run(c, timed);
	if (st)
		c->failed = st;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS] = { 0 };
	int rounds = 4, warmups = 1, n = 0, opt, r, i, bad = 0;

	while ((opt = getopt(argc, argv, "+r:w:")) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'w': warmups = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (rounds < 1 || warmups < 0)
		goto usage;
	/* @LABEL CMD ARGS... [-- @LABEL CMD ARGS...]... */
	for (i = optind; i < argc; ) {
		if (n == MAX_CMDS || argv[i][0] != '@' || !argv[i][1] || i + 1 >= argc ||
		    !strcmp(argv[i + 1], "--"))
			goto usage;
		cmds[n].label = argv[i] + 1;
		cmds[n].argv = argv + i + 1;
		for (i++; i < argc && strcmp(argv[i], "--"); i++)
			;
		if (i < argc)
			argv[i++] = NULL;	/* ends this command's argv */
		n++;
	}
	if (!n)
		goto usage;
	for (r = 0; r < warmups; r++)
		for (i = 0; i < n; i++)
			step(&cmds[i], 0);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++)
			step(&cmds[r % 2 ? n - 1 - i : i], 1);
	printf("rounds=%d", rounds);
	for (i = 0; i < n; i++) {
		const struct cmd *c = &cmds[i];

		if (c->failed) {
			printf(" %s_failed=%d", c->label, c->failed);
			bad = 1;
			continue;
		}
		printf(" %s_mean=%lld %s_min=%lld %s_max=%lld %s_cpu=%lld %s_sys=%lld",
		       c->label, c->sum / c->n, c->label, c->min, c->label, c->max,
		       c->label, c->cpu / c->n, c->label, c->sys / c->n);
	}
	printf("\n");
	return bad;
usage:
	fprintf(stderr, "usage: abrun [-r ROUNDS] [-w WARMUPS] @LABEL CMD [ARGS...] [-- @LABEL CMD [ARGS...]]...\n");
	return 2;
}
