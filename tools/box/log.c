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
/* (the records of one read go out in one write: a box writing short
 * lines costs the monitor a syscall per read, not per line) */

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

static void flush_out(struct box_log *l);

void box_log_close(struct box_log *l)
{
	if (l->fd >= 0)
		flush_out(l);
	if (l->fd >= 0)
		close(l->fd);
	if (l->dirfd >= 0)
		close(l->dirfd);
	l->fd = l->dirfd = -1;
}

/*
 * "log" -> "log.1", a new "log".  A rename that fails leaves things as
 * they were; a "log" that could not be made after the rename is made at
 * the next rotation (the rename then finds no "log": ENOENT).
 */
static void rotate(struct box_log *l)
{
	int fd;

	if (renameat(l->dirfd, "log", l->dirfd, "log.1") && errno != ENOENT)
		return;
	fd = openat(l->dirfd, "log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	close(l->fd);
	l->fd = fd;
	l->size = 0;
}

/* The records gathered in l->out, in one write (O_APPEND). */
static void flush_out(struct box_log *l)
{
	ssize_t w;

	if (!l->outlen)
		return;
	w = write(l->fd, l->out, l->outlen);
	if (w > 0)
		l->size += w;
	/* disk/ full: what did not go in is counted, the box not held up */
	for (size_t i = w > 0 ? (size_t)w : 0; i < l->outlen; i++)
		if (l->out[i] == '\n')
			l->lost++;
	l->outlen = 0;
}

/* When the monitor read what it logs now: one time for all it read at once. */
static void stamp_now(struct box_log *l)
{
	struct timespec now;
	struct tm utc;
	char tm[32];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &utc);
	strftime(tm, sizeof(tm), "%Y-%m-%dT%H:%M:%S", &utc);
	snprintf(l->stamp, sizeof(l->stamp), "%s.%09ldZ", tm, now.tv_nsec % 1000000000);
}

static void record(struct box_log *l, int stream, char tag, const char *text, size_t len)
{
	size_t need;
	char *rec;
	int n;

	/* a terminal's line ends "\r\n": the record is the line */
	if (tag == 'F' && len && text[len - 1] == '\r')
		len--;
	need = strlen(l->stamp) + 10 + len + 1;
	if (l->max && l->size + l->outlen && l->size + l->outlen + need > l->max) {
		flush_out(l);
		rotate(l);
	}
	if (l->outlen + need > sizeof(l->out))
		flush_out(l);
	rec = l->out + l->outlen;
	n = snprintf(rec, sizeof(l->out) - l->outlen, "%s %s %c ", l->stamp,
		     stream_name[stream], tag);
	memcpy(rec + n, text, len);
	rec[n + len] = '\n';
	l->outlen += n + len + 1;
	if (l->tap) {
		struct iovec iov = { rec, n + len + 1 };

		l->tap(l->tap_arg, &iov, 1);
	}
}

void box_log_data(struct box_log *l, int stream, const char *buf, size_t n)
{
	struct box_log_part *p = &l->part[stream];

	stamp_now(l);
	while (n) {
		const char *nl = memchr(buf, '\n', n);
		size_t take = nl ? (size_t)(nl - buf) : n;

		if (p->len + take > sizeof(p->buf)) {
			/* a line longer than the buffer: what fits, as a part */
			size_t fit = sizeof(p->buf) - p->len;

			memcpy(p->buf + p->len, buf, fit);
			record(l, stream, 'P', p->buf, sizeof(p->buf));
			p->len = 0;
			buf += fit;
			n -= fit;
			continue;
		}
		if (!nl) {
			memcpy(p->buf + p->len, buf, n);
			p->len += n;
			break;
		}
		if (p->len) {
			memcpy(p->buf + p->len, buf, take);
			record(l, stream, 'F', p->buf, p->len + take);
			p->len = 0;
		} else {
			record(l, stream, 'F', buf, take);	/* no copy on the way */
		}
		buf += take + 1;
		n -= take + 1;
	}
	flush_out(l);
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
	stamp_now(l);
	for (int i = 0; i < 2; i++) {
		if (l->part[i].len)
			record(l, i, 'P', l->part[i].buf, l->part[i].len);
		l->part[i].len = 0;
	}
	flush_out(l);
}
