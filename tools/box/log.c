// SPDX-License-Identifier: GPL-2.0
/*
 * The log of a detached box: what its processes write to stdout and
 * stderr, kept by the monitor (supervise.c) in the state dir's disk/.
 *
 * The box writes into two pipes; the monitor reads them and writes one
 * record per line, in the format the Kubernetes CRI gives container logs
 * (what `crictl logs` and log shippers read):
 *
 *   2026-12-06T22:44:18.123456789Z stdout F the line, without its newline
 *
 * "F" ends a line; "P" is part of one: a line longer than BOX_LOG_LINE, or
 * what was left unfinished when the box's PID 1 exited.  A timestamp is
 * the moment the monitor read the bytes.  When a record would take "log"
 * past the size limit, "log" becomes "log.1" (replacing the older one) and
 * a new "log" starts: at most twice the limit on disk, never a record
 * split between two files.  `nsbox logs` reads both (cmd/logs.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "err.h"

static const char *const stream_name[2] = { "stdout", "stderr" };

int box_log_open(struct box_log *l, const char *dir, uint64_t max)
{
	struct stat st;

	void (*tap)(void *, const struct iovec *, int) = l->tap;
	void *tap_arg = l->tap_arg;

	memset(l, 0, sizeof(*l));
	l->tap = tap;
	l->tap_arg = tap_arg;
	l->fd = -1;
	l->max = max;
	l->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->dirfd < 0)
		return -errno;
	/* a restart of the monitor's loop keeps appending to the same log */
	l->fd = openat(l->dirfd, "log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		       0600);
	if (l->fd < 0 || fstat(l->fd, &st)) {
		int err = -errno;

		box_log_close(l);
		return err;
	}
	l->size = st.st_size;
	return 0;
}

void box_log_close(struct box_log *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->fd = l->dirfd = -1;
}

/* "log" -> "log.1", a new "log"; on failure keep writing where we were */
static void rotate(struct box_log *l)
{
	int fd;

	if (renameat(l->dirfd, "log", l->dirfd, "log.1"))
		return;
	fd = openat(l->dirfd, "log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	close(l->fd);
	l->fd = fd;
	l->size = 0;
}

static void record(struct box_log *l, int stream, char tag, const char *text, size_t len)
{
	char head[64], tm[32];
	struct timespec now;
	struct tm utc;
	struct iovec iov[3];
	size_t n;
	ssize_t w;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &utc);
	strftime(tm, sizeof(tm), "%Y-%m-%dT%H:%M:%S", &utc);
	n = snprintf(head, sizeof(head), "%s.%09ldZ %s %c ", tm, now.tv_nsec,
		     stream_name[stream], tag);
	if (l->max && l->size && l->size + n + len + 1 > l->max)
		rotate(l);
	iov[0] = (struct iovec){ head, n };
	iov[1] = (struct iovec){ (void *)text, len };
	iov[2] = (struct iovec){ "\n", 1 };
	/* one write: a reader sees whole records or none (O_APPEND) */
	w = writev(l->fd, iov, 3);
	if (w > 0)
		l->size += w;
	else
		l->lost++;	/* disk/ full: counted, the box not held up */
	if (l->tap)
		l->tap(l->tap_arg, iov, 3);
}

void box_log_data(struct box_log *l, int stream, const char *buf, size_t n)
{
	struct box_log_part *p = &l->part[stream];
	char *nl;

	while (n) {
		size_t take = MIN(n, sizeof(p->buf) - p->len);

		memcpy(p->buf + p->len, buf, take);
		p->len += take;
		buf += take;
		n -= take;
		while ((nl = memchr(p->buf, '\n', p->len))) {
			size_t line = nl - p->buf;

			/* a terminal's line ends "\r\n": the record is the line */
			record(l, stream, 'F', p->buf, line && p->buf[line - 1] == '\r' ?
			       line - 1 : line);
			memmove(p->buf, nl + 1, p->len - line - 1);
			p->len -= line + 1;
		}
		/* a line longer than the buffer: what there is, as a part */
		if (p->len == sizeof(p->buf)) {
			record(l, stream, 'P', p->buf, p->len);
			p->len = 0;
		}
	}
}

int box_log_pump(struct box_log *l, int stream, int fd)
{
	char buf[4096];
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1;
	box_log_data(l, stream, buf, n);
	return 1;
}

void box_log_flush(struct box_log *l)
{
	for (int i = 0; i < 2; i++) {
		if (l->part[i].len)
			record(l, i, 'P', l->part[i].buf, l->part[i].len);
		l->part[i].len = 0;
	}
}
