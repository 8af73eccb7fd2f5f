// SPDX-License-Identifier: GPL-2.0
/*
 * spawn_bench NS THREADS - start NS processes, each in its own UTS and IPC
 * namespaces, each with THREADS-1 extra threads (NS x THREADS tasks),
 * print "ready" and wait until stdin closes.  The population that
 * `nsbox groups` and `lsns` are timed over.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static int release_fd;

static void *idle(void *arg)
{
	char c;

	(void)arg;
	while (read(release_fd, &c, 1) > 0)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	int ns, threads, i, j, ready[2], rel[2];
	char c;

	if (argc != 3)
		return 2;
	ns = atoi(argv[1]);
	threads = atoi(argv[2]);
	if (pipe(ready) || pipe(rel))
		return 1;
	for (i = 0; i < ns; i++) {
		if (fork() == 0) {
			pthread_attr_t a;
			pthread_t t;

			close(rel[1]);
			release_fd = rel[0];
			if (unshare(CLONE_NEWUTS | CLONE_NEWIPC))
				_exit(3);
			pthread_attr_init(&a);
			pthread_attr_setstacksize(&a, 64 * 1024);
			for (j = 1; j < threads; j++)
				if (pthread_create(&t, &a, idle, NULL))
					_exit(4);
			c = 'r';
			if (write(ready[1], &c, 1) != 1)
				_exit(2);
			idle(NULL);
			_exit(0);
		}
	}
	close(rel[0]);
	for (i = 0; i < ns; i++)
		if (read(ready[0], &c, 1) != 1)
			return 1;
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	close(rel[1]);
	while (wait(NULL) > 0)
		;
	return 0;
}
