// SPDX-License-Identifier: GPL-2.0
/*
 * ADOPT: hand the module the namespaces that no task is in.
 *
 * nsbox.ko learns of a namespace when it sees a task in it.  A namespace
 * can outlive its tasks: `ip netns add` bind-mounts one on a file under
 * /run/netns, and any process can keep one open (a file descriptor on
 * /proc/PID/ns/KIND).  Those made while the module is loaded keep their
 * group (state "empty").  Those made before it was loaded the module
 * cannot find by itself, so this finds them the way lsns does -- nsfs
 * mounts in every mount namespace's mountinfo, nsfs file descriptors of
 * every process -- opens each one and sends its file descriptor with
 * NSBOX_CMD_ADOPT.  `nsbox groups` does this first when run as root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "err.h"
#include "genl.h"
#include "kind.h"
#include "adopt.h"
#include "util.h"


/* Namespaces already handed over in this run, by nsfs inode number. */
struct adopt_state {
	struct nsbox_nl *nl;
	ino_t *seen;
	size_t n, cap;
	size_t adopted;
	int verbose;
	int best_effort;	/* no CAP_SYS_ADMIN: stop quietly */
	int denied;
	int err;		/* first kernel error, as an exit code */
};

static int seen_before(struct adopt_state *s, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->seen[i] == ino)
			return 1;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		ino_t *seen = realloc(s->seen, cap * sizeof(*seen));

		if (!seen)
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		s->seen = seen;
		s->cap = cap;
	}
	s->seen[s->n++] = ino;
	return 0;
}

static int on_adopted(struct nl_msg *msg, void *arg)
{
	struct adopt_state *s = arg;
	struct nlattr *tb[NSBOX_A_MAX + 1], *g[NSBOX_GROUP_A_MAX + 1];

	if (!s->verbose || genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0 ||
	    !tb[NSBOX_A_GROUP] || nla_parse_nested(g, NSBOX_GROUP_A_MAX, tb[NSBOX_A_GROUP], NULL) < 0 ||
	    !g[NSBOX_GROUP_A_KIND] || !g[NSBOX_GROUP_A_ID])
		return 0;
	printf("%s:%" PRIu64 "\n", nsbox_kind_name(nla_get_u8(g[NSBOX_GROUP_A_KIND])),
	       (uint64_t)nla_get_u64(g[NSBOX_GROUP_A_ID]));
	return 0;
}

/* Open @path; if it is a namespace file not seen yet, ADOPT it. */
static void adopt_path(struct adopt_state *s, const char *path)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	int fd _cleanup_(closep) = open(path, O_RDONLY | O_CLOEXEC);
	struct nsbox_nl_error e;
	struct stat st;

	/* gone meanwhile, or not ours to open: lsns skips those too */
	if (fd < 0 || s->err || s->denied || fstat(fd, &st) < 0 || seen_before(s, st.st_ino))
		return;
	msg = nsbox_nl_msg(s->nl, NSBOX_CMD_ADOPT, 0);
	if (!msg || nla_put_u32(msg, NSBOX_A_NS_FD, (uint32_t)fd) < 0)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (nsbox_nl_request(s->nl, msg, on_adopted, s, &e) == 0) {
		s->adopted++;
		return;
	}
	/* a namespace the module cannot track here (mnt on some kernels) */
	if (e.err == -EOPNOTSUPP && e.msg[0])
		return;
	/*
	 * root in a user namespace (a box): it sees only the groups of
	 * tasks it could ptrace, never an empty one, so nothing is lost
	 */
	if (e.err == -EPERM && s->best_effort) {
		s->denied = 1;
		return;
	}
	s->err = nsbox_nl_report("ADOPT", &e);
}

/* "net:[4026532175]" (an nsfs link or mount root): is it a namespace? */
static int is_ns_name(const char *name)
{
	const char *colon = strchr(name, ':');
	char kind[16];

	if (!colon || colon - name >= (long)sizeof(kind) || colon[1] != '[')
		return 0;
	memcpy(kind, name, colon - name);
	kind[colon - name] = '\0';
	return nsbox_kind_parse(kind) >= 0 && strcmp(kind, "cgroup2");
}

/* Every nsfs file descriptor of process @pid. */
static void scan_fds(struct adopt_state *s, long pid)
{
	char dir[64], path[96], link[64];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		ssize_t n;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%ld", dir, strtol(d->d_name, NULL, 10));
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (is_ns_name(link))
			adopt_path(s, path);
	}
	closedir(dp);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *p)
{
	char *w = p;

	for (; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 | (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

/* Every nsfs bind mount in the mount namespace of process @pid. */
static void scan_mounts(struct adopt_state *s, long pid)
{
	_cleanup_free_ char *line = NULL;
	char path[4200];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/mountinfo", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (getline(&line, &len, f) > 0) {
		char root[256], mnt[4096], *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE ... */
		if (!sep || strncmp(sep, " - nsfs ", 8) ||
		    sscanf(line, "%*s %*s %*s %255s %4095s", root, mnt) != 2 ||
		    !is_ns_name(root))
			continue;
		unescape(mnt);
		snprintf(path, sizeof(path), "/proc/%ld/root%s", pid, mnt);
		adopt_path(s, path);
	}
	fclose(f);
}

/**
 * nsbox_adopt_all() - ADOPT every namespace held by a mount or an fd
 * @nl: connected to the module
 * @verbose: print KIND:ID of each namespace handed over
 * @best_effort: without CAP_SYS_ADMIN, stop quietly (for `nsbox groups`)
 * @adopted: how many were handed over (new or already known)
 *
 * Returns an enum nsbox_exit code; the error is printed.
 */
int nsbox_adopt_all(struct nsbox_nl *nl, int verbose, int best_effort, size_t *adopted)
{
	struct adopt_state s = { .nl = nl, .verbose = verbose, .best_effort = best_effort };
	ino_t mntns_seen[256];
	size_t nmnt = 0;
	struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc) {
		nsbox_err("cannot read /proc: %s", strerror(errno));
		return NSBOX_EXIT_FAIL;
	}
	while ((d = readdir(proc)) && !s.err && !s.denied) {
		char path[64];
		struct stat st;
		size_t i;
		long pid;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		pid = strtol(d->d_name, NULL, 10);
		scan_fds(&s, pid);
		/* one mountinfo per mount namespace */
		snprintf(path, sizeof(path), "/proc/%ld/ns/mnt", pid);
		if (stat(path, &st) < 0)
			continue;
		for (i = 0; i < nmnt && mntns_seen[i] != st.st_ino; i++)
			;
		if (i < nmnt)
			continue;
		if (nmnt < ARRAY_SIZE(mntns_seen))
			mntns_seen[nmnt++] = st.st_ino;
		scan_mounts(&s, pid);
	}
	closedir(proc);
	free(s.seen);
	*adopted = s.adopted;
	return s.err;
}

