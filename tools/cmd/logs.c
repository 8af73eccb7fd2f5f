// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox logs - what a detached box wrote to stdout and stderr.
 *
 * The monitor keeps it in STATEDIR/disk/log and, once that reached
 * --log-size, log.1 (box/log.c has the record format).  This reads the
 * two files in order.  With -f it first asks the monitor, over its
 * socket, for every record it writes from then on (supervise.c), then
 * reads the files, then prints what the monitor sends -- skipping what the
 * files held already, by timestamp -- until the monitor exits: across
 * restarts and rotations of the log, however fast they come.  A follower
 * too slow for the monitor is told how many records it missed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "box.h"
#include "cmds.h"
#include "err.h"
#include "util.h"

struct logs_opts {
	bool follow, timestamps;
	long tail;			/* -1: all */
	bool at_start[2];		/* stdout, stderr: at the start of a line */
	bool tty[2];			/* ... is a terminal: control bytes escaped */
};

/*
 * Record "TS STREAM TAG TEXT" (@len bytes, without its newline): where its
 * STREAM starts (*@stream) and its TAG, 'F' or 'P'; NULL if it is not one.
 */
static const char *record_tag(const char *rec, size_t len, const char **stream)
{
	const char *sp1 = memchr(rec, ' ', len), *sp2;

	if (!sp1 || !(sp2 = memchr(sp1 + 1, ' ', len - (sp1 + 1 - rec))) ||
	    (size_t)(sp2 + 3 - rec) > len || sp2[2] != ' ')
		return NULL;
	if (stream)
		*stream = sp1 + 1;
	return sp2 + 1;
}

/* One record (without its newline) to stdout or stderr. */
static void print_record(struct logs_opts *o, const char *rec, size_t len)
{
	const char *streamp, *tagp = record_tag(rec, len, &streamp), *text;
	int stream;
	char tag;
	FILE *out;

	if (!tagp)
		return;		/* not a record of ours: skipped */
	stream = !strncmp(streamp, "stderr ", 7);
	tag = *tagp;
	text = tagp + 2;
	out = stream ? stderr : stdout;
	if (o->timestamps && o->at_start[stream])	/* TS, up to the space before STREAM */
		fprintf(out, "%.*s ", (int)(streamp - 1 - rec), rec);
	if (!o->tty[stream]) {
		fwrite(text, 1, len - (text - rec), out);
	} else {
		/* the box's bytes are no commands to this terminal: escapes shown */
		for (const char *c = text; c < rec + len; c++) {
			if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
				fprintf(out, "\\x%02x", (unsigned char)*c);
			else
				fputc(*c, out);
		}
	}
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
			const char *tag = record_tag(buf + off, n, NULL);

			if (tag && *tag == 'F')
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
		const char *tag = record_tag(p, nl - p, NULL);

		if (tag && *tag == 'F')
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

/* The monitor's answer to "logs": the socket, following; -1 if none. */
static int follow_open(const struct box_state *s)
{
	char rep[256];
	int fd;

	if (s->monitor <= 0 || !strcmp(box_status(s), "exited") || !strcmp(box_status(s), "stale"))
		return -1;
	fd = box_sup_open(s, "logs", rep, sizeof(rep), -1);
	if (fd == -EPROTO)
		nsbox_err("logs: %s", rep);
	return fd < 0 ? -1 : fd;
}

/*
 * The timestamp of the last whole record of @buf (@len bytes), into @ts,
 * and how many records at the end carry it: the monitor stamps all it
 * read at once with one time, and the files may show only the first of
 * such records when read while they are written.
 */
static size_t last_stamp(const char *buf, size_t len, char *ts, size_t tslen)
{
	const char *end = buf + len;
	size_t same = 0;

	ts[0] = '\0';
	while (end > buf) {
		const char *start = end - 1, *sp;

		while (start > buf && start[-1] != '\n')
			start--;
		sp = memchr(start, ' ', end - start);
		if (!sp || (size_t)(sp - start) >= tslen)
			break;
		if (!ts[0])
			snprintf(ts, tslen, "%.*s", (int)(sp - start), start);
		else if (strlen(ts) != (size_t)(sp - start) || memcmp(ts, start, sp - start))
			break;
		same++;
		end = start;
	}
	return same;
}

/* never wrong in silence: say what the log does not hold */
static int lost_warning(const char *name)
{
	struct box_state s;

	if (box_state_read(name, &s) == 0 && s.log_lost)
		nsbox_err("logs: warning: box '%s' wrote %llu line(s) the log has no room for "
			  "(its state dir's disk/ was full; see --disk and --log-size): they are "
			  "lost", name, (unsigned long long)s.log_lost);
	return NSBOX_EXIT_OK;
}

/*
 * "log.1" and "log" as one pair: the monitor rotates between any two steps
 * of ours ("log" -> "log.1", then a new "log").  Mid-rotation "log" is not
 * there; a rotation between the two opens would pair the log.1 before it
 * with the log after it, and what was "log" then would be missed.  Either
 * way: again, until log.1 is still the file we opened (or still none).
 */
static int open_log_pair(int dirfd, int *old, int *cur)
{
	const int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW;

	for (int i = 0; i < 200; i++) {
		struct stat a, b;
		bool moved;
		int err;

		*old = openat(dirfd, "log.1", flags);
		*cur = openat(dirfd, "log", flags);
		err = *cur < 0 ? errno : 0;
		if (fstatat(dirfd, "log.1", &b, AT_SYMLINK_NOFOLLOW))
			moved = *old >= 0;
		else
			moved = *old < 0 || fstat(*old, &a) || a.st_ino != b.st_ino;
		if (!err && !moved)
			return 0;
		if (*old >= 0)
			close(*old);
		if (*cur >= 0)
			close(*cur);
		*old = *cur = -1;
		if (err && err != ENOENT)
			return -err;
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
	return -ENOENT;
}

static int logs_one(struct logs_opts *o, const char *name)
{
	_cleanup_close_ int dirfd = -1, fd = -1, sock = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	struct box_state s;
	char dir[4200], last[64] = "";
	size_t skip = 0;
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
	/*
	 * -f: follow first, then read the files -- nothing written in between
	 * is missed; what both hold is printed once (by its timestamp).
	 */
	if (o->follow)
		sock = follow_open(&s);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ret = dirfd < 0 ? -errno : 0;
	if (!ret) {
		_cleanup_close_ int old = -1;

		ret = open_log_pair(dirfd, &old, &fd);
		if (!ret && ((old >= 0 && (ret = slurp(old, &buf, &len, &cap))) ||
			     (ret = slurp(fd, &buf, &len, &cap)))) {
			nsbox_err("logs: cannot read the log of box '%s': %s", name, strerror(-ret));
			return NSBOX_EXIT_FAIL;
		}
	}
	if (ret) {
		nsbox_err("logs: cannot open the log of box '%s' in %s: %s", name, dir,
			  strerror(-ret));
		return NSBOX_EXIT_FAIL;
	}
	o->at_start[0] = o->at_start[1] = true;
	o->tty[0] = isatty(1);
	o->tty[1] = isatty(2);
	{
		long lines = o->tail >= 0 ? count_lines(buf, len) : 0;
		size_t used = print_records(o, buf, len, o->tail >= 0 && lines > o->tail ?
					    lines - o->tail : 0);

		skip = last_stamp(buf, used, last, sizeof(last));
	}
	/* then every record as the monitor writes it, until it exits */
	while (sock >= 0) {
		char rec[BOX_LOG_LINE + 256];
		ssize_t n = recv(sock, rec, sizeof(rec) - 1, 0);
		const char *sp;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (rec[0] == '!') {
			nsbox_err("logs: warning: %s lines were written faster than this follower "
				  "read them and are not shown here (the log has them)",
				  rec + strlen("!lost "));
			continue;
		}
		sp = memchr(rec, ' ', n);
		/* already printed from the files: older, or the first @skip of the last time */
		if (last[0] && sp && (size_t)(sp - rec) == strlen(last)) {
			int cmp = memcmp(rec, last, sp - rec);

			if (cmp < 0 || (cmp == 0 && skip)) {
				skip -= cmp == 0;
				continue;
			}
		}
		last[0] = '\0';
		print_records(o, rec, n, 0);
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
