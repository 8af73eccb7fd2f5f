// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox logs - what a detached box wrote to stdout and stderr.
 *
 * The monitor keeps it in STATEDIR/disk/log and, once that reached
 * --log-size, log.1 (box/log.c has the record format).  This reads the
 * two files in order; with -f it then follows "log" -- inotify on the
 * directory says when it grew or was rotated -- until the monitor exits
 * (a pidfd says when), across restarts of the box.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"
#include "cmds.h"
#include "err.h"
#include "util.h"

struct logs_opts {
	bool follow, timestamps;
	long tail;			/* -1: all */
	bool at_start[2];		/* stdout, stderr: at the start of a line */
};

/* One record "TS STREAM TAG TEXT" (without its newline) to stdout/stderr. */
static void print_record(struct logs_opts *o, const char *rec, size_t len)
{
	const char *sp1 = memchr(rec, ' ', len), *sp2, *text;
	int stream;
	char tag;
	FILE *out;

	if (!sp1 || !(sp2 = memchr(sp1 + 1, ' ', len - (sp1 + 1 - rec))) ||
	    (size_t)(sp2 + 3 - rec) > len || sp2[2] != ' ')
		return;		/* not a record of ours: skipped */
	stream = !strncmp(sp1 + 1, "stderr ", 7);
	tag = sp2[1];
	text = sp2 + 3;
	out = stream ? stderr : stdout;
	if (o->timestamps && o->at_start[stream])
		fprintf(out, "%.*s ", (int)(sp1 - rec), rec);
	fwrite(text, 1, len - (text - rec), out);
	o->at_start[stream] = tag == 'F';
	if (tag == 'F')
		fputc('\n', out);
}

/* Whole records of @buf (@len bytes); returns how many bytes they took. */
static size_t print_records(struct logs_opts *o, const char *buf, size_t len, long skip_lines)
{
	size_t off = 0;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n;

		if (!nl)
			break;
		n = nl - (buf + off);
		if (skip_lines > 0) {
			/* a line ends with its "F" record */
			const char *sp = memchr(buf + off, ' ', n);

			if (sp && (sp = memchr(sp + 1, ' ', n - (sp + 1 - (buf + off)))) &&
			    sp[1] == 'F')
				skip_lines--;
		} else {
			print_record(o, buf + off, n);
		}
		off += n + 1;
	}
	fflush(stdout);
	fflush(stderr);
	return off;
}

static long count_lines(const char *buf, size_t len)
{
	long lines = 0;

	for (const char *p = buf, *nl; (nl = memchr(p, '\n', len - (p - buf))); p = nl + 1) {
		const char *sp = memchr(p, ' ', nl - p);

		if (sp && (sp = memchr(sp + 1, ' ', nl - (sp + 1))) && sp + 1 < nl && sp[1] == 'F')
			lines++;
	}
	return lines;
}

/* All of @fd from where it is, appended to *@buf. */
static int slurp(int fd, char **buf, size_t *len, size_t *cap)
{
	for (;;) {
		ssize_t n;

		if (*cap - *len < 65536) {
			char *nb = realloc(*buf, *cap * 2 + 65536);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*cap = *cap * 2 + 65536;
		}
		n = read(fd, *buf + *len, *cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*len += n;
	}
}

/* Is @fd no longer the file named "log" in @dirfd (it was rotated)? */
static bool rotated(int dirfd, int fd)
{
	struct stat a, b;

	if (fstat(fd, &a) || fstatat(dirfd, "log", &b, AT_SYMLINK_NOFOLLOW))
		return false;
	return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

/* never wrong in silence: say what the log does not hold */
static int lost_warning(const char *name)
{
	struct box_state s;

	if (box_state_read(name, &s) == 0 && s.log_lost)
		nsbox_err("logs: warning: box '%s' wrote %llu line(s) the log has no room for (its "
			  "state dir's disk/ was full; see --disk and --log-size): they are lost",
			  name, (unsigned long long)s.log_lost);
	return NSBOX_EXIT_OK;
}

static int logs_one(struct logs_opts *o, const char *name)
{
	_cleanup_close_ int dirfd = -1, fd = -1, in = -1, mon = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0, used;
	struct box_state s;
	char dir[4200];
	int ret;

	ret = box_find("logs", name, &s);
	if (ret)
		return ret;
	if (!s.detached) {
		nsbox_err("logs: box '%s' was started in the foreground: its output went to the "
			  "terminal that ran it; start it with -d to keep a log", name);
		return NSBOX_EXIT_FAIL;
	}
	if (box_state_path(name, dir, sizeof(dir) - 8))
		return NSBOX_EXIT_FAIL;
	strcat(dir, "/disk");
	/* the monitor first: when it exits, all it wrote is in the files */
	if (o->follow && s.monitor > 0 && strcmp(box_status(&s), "exited"))
		mon = syscall(SYS_pidfd_open, s.monitor, 0);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0 && o->follow) {
		in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
		if (in < 0 || inotify_add_watch(in, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
			nsbox_err("logs: cannot watch %s: %s", dir, strerror(errno));
			return NSBOX_EXIT_FAIL;
		}
	}
	if (dirfd >= 0) {
		_cleanup_close_ int old = openat(dirfd, "log.1", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		fd = openat(dirfd, "log", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if ((old >= 0 && (ret = slurp(old, &buf, &len, &cap))) ||
		    (fd >= 0 && (ret = slurp(fd, &buf, &len, &cap)))) {
			nsbox_err("logs: cannot read the log of box '%s': %s", name, strerror(-ret));
			return NSBOX_EXIT_FAIL;
		}
	}
	if (fd < 0) {
		nsbox_err("logs: cannot open the log of box '%s' in %s: %s", name, dir,
			  strerror(errno));
		return NSBOX_EXIT_FAIL;
	}
	o->at_start[0] = o->at_start[1] = true;
	{
		long lines = o->tail >= 0 ? count_lines(buf, len) : 0;

		used = print_records(o, buf, len, o->tail >= 0 && lines > o->tail ?
				     lines - o->tail : 0);
	}
	if (mon < 0)
		return lost_warning(name);

	/* follow: what is left of a record read half is read again */
	memmove(buf, buf + used, len - used);
	len -= used;
	for (;;) {
		struct pollfd p[2] = { { .fd = in, .events = POLLIN }, { .fd = mon, .events = POLLIN } };
		char ev[4096];
		bool last;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		last = p[1].revents != 0;
		while (read(in, ev, sizeof(ev)) > 0)
			;
		for (;;) {
			if (fd >= 0 && (ret = slurp(fd, &buf, &len, &cap)))
				break;
			used = print_records(o, buf, len, 0);
			memmove(buf, buf + used, len - used);
			len -= used;
			/* rotated: the old file is complete; go on with the new one */
			if (fd >= 0 && !rotated(dirfd, fd))
				break;
			if (fd >= 0)
				close(fd);
			len = 0;
			fd = openat(dirfd, "log", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
			if (fd < 0)
				break;
		}
		if (last)
			break;
	}
	return lost_warning(name);
}

int cmd_logs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "timestamps", no_argument, NULL, 't' },
		{ "tail", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct logs_opts o = { .tail = -1 };
	char *end;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "ftn:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.follow = true;
			break;
		case 't':
			o.timestamps = true;
			break;
		case 'n':
			errno = 0;
			o.tail = strtol(optarg, &end, 10);
			if (!strcmp(optarg, "all"))
				o.tail = -1;
			else if (errno || *end || end == optarg || o.tail < 0)
				return nsbox_usage_err("logs", "invalid --tail '%s': a number of "
						       "lines, or all", optarg);
			break;
		case 'h':
			printf("usage: nsbox logs [-f] [-t] [-n N] NAME\n"
			       "\n"
			       "What a detached box (nsbox run -d) wrote to stdout and stderr,\n"
			       "kept by its monitor across restarts and after it exits, until\n"
			       "'nsbox rm'.  stdout goes to stdout, stderr to stderr.  The log\n"
			       "is rotated at --log-size (nsbox run): the last two files are kept.\n"
			       "\n"
			       "  -f, --follow      keep printing what the box writes, until it\n"
			       "                    stops for good (not at a restart)\n"
			       "  -t, --timestamps  start each line with when the monitor read it\n"
			       "                    (RFC 3339, UTC, nanoseconds)\n"
			       "  -n, --tail N      only the last N lines (all: every line)\n"
			       "  -h, --help        this help\n");
			return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("logs", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return nsbox_usage_err("logs", "which box? give its NAME");
	if (optind + 1 < argc)
		return nsbox_usage_err("logs", "one box at a time: '%s' is one too many",
				       argv[optind + 1]);
	return logs_one(&o, argv[optind]);
}
