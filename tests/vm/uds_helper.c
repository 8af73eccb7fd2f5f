// SPDX-License-Identifier: GPL-2.0
/*
 * uds_helper - a UNIX domain socket server and client for the
 * unix-sockets lab (docs/labs/unix-sockets.md, tests/labs/unix-sockets.sh).
 *
 *   uds_helper serve PATH N     bind PATH (SOCK_STREAM), listen, print
 *                               "listening on PATH"; then N times: accept,
 *                               print what SO_PEERCRED says of the peer
 *                               ("peer pid=P uid=U gid=G"), read one line
 *                               from it and answer it; then exit
 *   uds_helper connect PATH MSG print "me pid=P uid=U gid=G", connect to
 *                               PATH, send MSG, print the answer
 *
 * A PATH starting with '@' is an abstract address: the '@' becomes the
 * leading NUL byte of sun_path, and no file is made.  Exit status 1: a
 * system call failed (its error is printed).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static socklen_t address(const char *path, struct sockaddr_un *a)
{
	size_t len = strlen(path);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (len >= sizeof(a->sun_path)) {
		fprintf(stderr, "%s: too long for sun_path\n", path);
		exit(2);
	}
	memcpy(a->sun_path, path, len);
	if (path[0] == '@')
		a->sun_path[0] = '\0';	/* abstract: the length says where it ends */
	return offsetof(struct sockaddr_un, sun_path) + len + (path[0] != '@');
}

static int serve(const char *path, int n)
{
	struct sockaddr_un a;
	socklen_t alen = address(path, &a);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, alen) || listen(lfd, 4)) {
		printf("serve %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("listening on %s\n", path);
	for (int i = 0; i < n; i++) {
		struct ucred cr;
		socklen_t len = sizeof(cr);
		char buf[256];
		ssize_t got;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			printf("accept: %s\n", strerror(errno));
			return 1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len)) {
			printf("SO_PEERCRED: %s\n", strerror(errno));
			return 1;
		}
		printf("peer pid=%d uid=%u gid=%u\n", (int)cr.pid, (unsigned int)cr.uid,
		       (unsigned int)cr.gid);
		got = read(fd, buf, sizeof(buf) - 1);
		buf[got > 0 ? got : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		printf("got: %s\n", buf);
		len = snprintf(buf, sizeof(buf), "hello uid %u, you are pid %d\n",
			       (unsigned int)cr.uid, (int)cr.pid);
		if (write(fd, buf, len) < 0)
			printf("write: %s\n", strerror(errno));
		close(fd);
	}
	close(lfd);
	return 0;
}

static int connect_to(const char *path, const char *msg)
{
	struct sockaddr_un a;
	socklen_t alen = address(path, &a);
	char buf[256];
	ssize_t got;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	printf("me pid=%d uid=%u gid=%u\n", (int)getpid(), (unsigned int)getuid(),
	       (unsigned int)getgid());
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, alen)) {
		printf("connect %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (write(fd, msg, strlen(msg)) < 0 || shutdown(fd, SHUT_WR)) {
		printf("send: %s\n", strerror(errno));
		return 1;
	}
	got = read(fd, buf, sizeof(buf) - 1);
	if (got < 0) {
		printf("read: %s\n", strerror(errno));
		return 1;
	}
	buf[got] = '\0';
	printf("answer: %s", buf);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return connect_to(argv[2], argv[3]);
	fprintf(stderr, "usage: uds_helper serve PATH N | connect PATH MSG\n");
	return 2;
}
