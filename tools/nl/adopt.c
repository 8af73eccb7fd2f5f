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
#include <sys/syscall.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "err.h"
#include "genl.h"
#include "kind.h"
#include "adopt.h"
#include "groupfetch.h"
#include "info.h"
#include "u64set.h"
#include "util.h"


/* What a scan did, for nsbox adopt -v (and tests: a second pass makes none). */
struct adopt_stats {
	size_t procs, links, mounts, opens, listed;
};

struct adopt_state {
	struct nsbox_nl *nl;
	struct u64set seen;	/* namespaces met in this run, by nsfs inode number */
	struct u64set mntns;	/* mount namespaces whose mountinfo was read */
	struct adopt_stats st;
	size_t adopted, refused;
	int verbose;
	int best_effort;	/* no CAP_SYS_ADMIN: stop quietly */
	int denied;
	int err;		/* first kernel error, as an exit code */
};

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

/* ADOPT the namespace open at @fd (not closed here). */
static void adopt_fd(struct adopt_state *s, int fd)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct nsbox_nl_error e;

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
	 * refused (the owner's share, or the table, is full): counted by the
	 * module per user and kind, and nsbox groups warns about it
	 */
	if (e.err == -ENOSPC) {
		s->refused++;
		return;
	}
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

/*
 * Open @path, a namespace file whose inode number its name already said
 * (@ino, from "net:[4026532175]"), and ADOPT it -- unless this run met
 * that namespace already: then nothing is opened.
 */
static void adopt_path(struct adopt_state *s, const char *path, uint64_t ino)
{
	int fd _cleanup_(closep) = -1;
	struct stat st;

	if (s->err || s->denied || !u64set_add(&s->seen, ino))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	s->st.opens++;
	/* gone meanwhile, or not ours to open: lsns skips those too */
	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	/* replaced meanwhile (a mount point reused): its own inode counts */
	if ((uint64_t)st.st_ino != ino && !u64set_add(&s->seen, st.st_ino))
		return;
	adopt_fd(s, fd);
}

/*
 * "net:[4026532175]" (an nsfs link or mount root): the namespace's inode
 * number if it is one of the kinds nsbox tracks, else 0.
 */
static uint64_t ns_name_ino(const char *name)
{
	const char *colon = strchr(name, ':');
	char kind[16], *end;
	uint64_t ino;

	if (!colon || colon - name >= (long)sizeof(kind) || colon[1] != '[')
		return 0;
	memcpy(kind, name, colon - name);
	kind[colon - name] = '\0';
	if (nsbox_kind_parse(kind) < 0 || !strcmp(kind, "cgroup2"))
		return 0;
	ino = strtoull(colon + 2, &end, 10);
	return *end == ']' ? ino : 0;
}

/* Every nsfs file descriptor of process @pid. */
static void scan_fds(struct adopt_state *s, const char *pid)
{
	char dir[64], path[96], link[64];
	struct dirent *d;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%.20s/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		uint64_t ino;
		ssize_t n;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%.20s", dir, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		s->st.links++;
		if (n <= 0)
			continue;
		link[n] = '\0';
		/* known by its name: no open() for one met already */
		ino = ns_name_ino(link);
		if (ino)
			adopt_path(s, path, ino);
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
static void scan_mounts(struct adopt_state *s, const char *pid)
{
	_cleanup_free_ char *line = NULL;
	char path[4200];
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%.20s/mountinfo", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	s->st.mounts++;
	while (getline(&line, &len, f) > 0) {
		char root[256], mnt[4096], *sep = strstr(line, " - ");
		uint64_t ino;

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - FSTYPE SOURCE ... */
		if (!sep || strncmp(sep, " - nsfs ", 8) ||
		    sscanf(line, "%*s %*s %*s %255s %4095s", root, mnt) != 2 ||
		    !(ino = ns_name_ino(root)))
			continue;
		unescape(mnt);
		snprintf(path, sizeof(path), "/proc/%.20s/root%s", pid, mnt);
		adopt_path(s, path, ino);
	}
	fclose(f);
}

/* The scan of /proc, as lsns does it: every process's fds and mounts. */
static int scan_proc(struct adopt_state *s)
{
	struct dirent *d;
	DIR *proc = opendir("/proc");

	if (!proc) {
		nsbox_err("cannot read /proc: %s", strerror(errno));
		return NSBOX_EXIT_FAIL;
	}
	while ((d = readdir(proc)) && !s->err && !s->denied) {
		char path[64], link[64];
		uint64_t mnt;
		ssize_t n;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		s->st.procs++;
		scan_fds(s, d->d_name);
		/* one mountinfo per mount namespace, known by its link's name */
		snprintf(path, sizeof(path), "/proc/%.20s/ns/mnt", d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		mnt = ns_name_ino(link);
		if (mnt && u64set_add(&s->mntns, mnt))
			scan_mounts(s, d->d_name);
	}
	closedir(proc);
	return 0;
}

/*
 * listns(2), 6.19+: the id of every active namespace, from the kernel's
 * own list; -1 with errno ENOSYS where there is none.  struct ns_id_req
 * (VER0, 32 bytes) as linux/nsfs.h has it, spelt out: the build host's
 * headers may be older.
 */
#if defined(__x86_64__) || defined(__aarch64__)
#define NSBOX_SYS_listns 470
#endif

static long list_ns(uint64_t **ids, size_t *n)
{
#ifdef NSBOX_SYS_listns
	struct {
		uint32_t size, spare;
		uint64_t ns_id;
		uint32_t ns_type, spare2;
		uint64_t user_ns_id;
	} req = { .size = 32 };
	size_t cap = 0;
	long got;

	*ids = NULL;
	*n = 0;
	do {
		if (nsbox_grow(ids, &cap, *n + 255, sizeof(**ids), 512))
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		got = syscall(NSBOX_SYS_listns, &req, *ids + *n, 256, 0);
		if (got < 0)
			return -1;
		*n += (size_t)got;
		if (got)
			req.ns_id = (*ids)[*n - 1];
	} while (got == 256);
	return 0;
#else
	(void)ids;
	(void)n;
	errno = ENOSYS;
	return -1;
#endif
}

/* The namespace ids (NSID, 6.18+) of the groups that have tasks now. */
static int add_live_nsid(const struct group_row *row, void *arg)
{
	if (row->has[NSBOX_GROUP_A_NSID] && row->v[NSBOX_GROUP_A_STATE] == NSBOX_GROUP_LIVE)
		u64set_add(arg, row->v[NSBOX_GROUP_A_NSID]);
	return 0;
}

/*
 * Ask the kernel instead of scanning /proc: listns() for every active
 * namespace, the module for those it has with tasks in them (a dump with
 * no live value: no walk), and each of the others opened by its nsfs
 * file handle (open_by_handle_at() on FD_NSFS_ROOT, 6.18+) and handed
 * over.  Returns 1 if done so, 0 where the kernel has no listns() or no
 * nsfs handles (then the caller scans), or an exit code.
 */
static int adopt_listed(struct adopt_state *s)
{
	struct group_query q = GROUP_QUERY_ALL;
	struct u64set live = { 0 };
	uint64_t *ids = NULL;
	size_t n;
	int ret = 1;

	if (list_ns(&ids, &n) < 0) {
		free(ids);
		return 0;
	}
	q.kinds = (1u << NSBOX_KIND_CGROUP2) - 1;	/* the namespace kinds */
	q.flags = NSBOX_DUMP_PACKED | NSBOX_DUMP_NO_LIVE;
	if (nsbox_groups_each(s->nl, &q, add_live_nsid, NULL, &live)) {
		ret = NSBOX_EXIT_FAIL;
		goto out;
	}
	/* groups without namespace ids (before 6.18): cannot be matched */
	if (!live.n) {
		ret = 0;
		goto out;
	}
	s->st.listed = n;
	for (size_t i = 0; i < n && !s->err && !s->denied; i++) {
		struct {
			struct file_handle fh;
			uint64_t ns_id;
			uint32_t ns_type, ns_inum;
		} h = { .fh = { .handle_bytes = 16, .handle_type = 0xf1 /* FILEID_NSFS */ },
			.ns_id = ids[i] };
		int fd _cleanup_(closep) = -1;
		struct stat st;

		if (u64set_has(&live, ids[i]))
			continue;
		fd = open_by_handle_at(-10003 /* FD_NSFS_ROOT */, &h.fh, O_RDONLY | O_CLOEXEC);
		s->st.opens++;
		if (fd < 0 && (errno == ENOENT || errno == ESTALE))
			continue;	/* gone meanwhile */
		if (fd < 0) {
			/* no nsfs handles here: the scan it is, from the start */
			ret = s->adopted ? 1 : 0;
			break;
		}
		if (fstat(fd, &st) == 0 && u64set_add(&s->seen, st.st_ino))
			adopt_fd(s, fd);
	}
out:
	u64set_free(&live);
	free(ids);
	return ret;
}

/* The module was given every namespace without tasks (ABI 9). */
static void adopt_done(struct adopt_state *s)
{
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct nsbox_nl_error e;

	if (nsbox_nl_abi(s->nl) < 9)
		return;
	msg = nsbox_nl_msg(s->nl, NSBOX_CMD_ADOPT, 0);
	if (!msg || nla_put_flag(msg, NSBOX_A_ADOPT_DONE) < 0)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (nsbox_nl_request(s->nl, msg, NULL, NULL, &e) == 0)
		return;
	/* root in a user namespace (a box) that found nothing to hand over */
	if (e.err == -EPERM && s->best_effort)
		return;
	s->err = nsbox_nl_report("ADOPT", &e);
}

/**
 * nsbox_adopt_all() - ADOPT every namespace held by a mount or an fd
 * @nl: connected to the module
 * @verbose: print KIND:ID of each namespace handed over, and on stderr
 *	what the search did
 * @best_effort: without CAP_SYS_ADMIN, stop quietly (for `nsbox groups`)
 * @adopted: how many were handed over (new or already known)
 *
 * With listns() and nsfs file handles the kernel's list of namespaces,
 * else a scan of /proc.  A search that went through is followed by
 * ADOPT_DONE (ABI 9), so that later ones can be skipped while the module
 * says it knows them all (GET_INFO's ADOPTED).  Returns an enum
 * nsbox_exit code; the error is printed.
 */
int nsbox_adopt_all(struct nsbox_nl *nl, int verbose, int best_effort, size_t *adopted)
{
	struct adopt_state s = { .nl = nl, .verbose = verbose, .best_effort = best_effort };
	int ret = adopt_listed(&s);

	if (ret == 0)
		ret = scan_proc(&s);
	else if (ret == 1)
		ret = 0;
	if (!ret && !s.err && !s.denied && !s.refused)
		adopt_done(&s);
	if (verbose)
		fprintf(stderr, "nsbox: adopt: %s: %zu processes, %zu fd links, %zu mount tables, "
			"%zu namespaces listed, %zu files opened, %zu namespaces handed over, "
			"%zu refused\n", s.st.listed ? "listns()" : "scan of /proc", s.st.procs,
			s.st.links, s.st.mounts, s.st.listed, s.st.opens, s.adopted, s.refused);
	u64set_free(&s.seen);
	u64set_free(&s.mntns);
	*adopted = s.adopted;
	return ret ? ret : s.err;
}
