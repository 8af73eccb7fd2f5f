// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - the state directory, /run/nsbox/NAME/ (see box.h).
 *
 * It holds the box's record ("state"), the OverlayFS upper and work
 * directories when --overlay is used, and the log of a detached box.
 * Root's boxes live in /run/nsbox (a tmpfs: a reboot forgets them, as it
 * forgets the processes); other users' in $XDG_RUNTIME_DIR/nsbox or
 * /tmp/nsbox-UID.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "box.h"
#include "err.h"
#include "util.h"

/* Chosen once, by box_state_root() on first use or box_state_set_root(). */
static char root[4096];

void box_state_set_root(const char *dir)
{
	snprintf(root, sizeof(root), "%s", dir);
}

const char *box_state_root(void)
{
	const char *xdg;

	if (root[0])
		return root;
	if (geteuid() == 0)
		snprintf(root, sizeof(root), "%s", BOX_STATE_ROOT);
	else if ((xdg = getenv("XDG_RUNTIME_DIR")) && xdg[0] == '/')
		snprintf(root, sizeof(root), "%s/nsbox", xdg);
	else
		snprintf(root, sizeof(root), "/tmp/nsbox-%u", (unsigned int)geteuid());
	return root;
}

int box_state_path(const char *name, char *buf, size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s", box_state_root(), name) >= len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * The state root must be this user's alone: /tmp/nsbox-UID is a name any
 * user can take first -- as a symlink to a directory of ours, or as a
 * directory others may write -- and then plant, swap or remove our boxes
 * (a planted record names the pid `nsbox exec` joins).  So: a directory,
 * not a symlink, owned by us, mode 0700.  @fd: a descriptor of it, or -1.
 */
static int root_ours(const char *root, int fd)
{
	struct stat st;

	if (fd >= 0 ? fstat(fd, &st) : lstat(root, &st)) {
		if (errno == ENOENT && fd < 0)
			return 0;	/* nothing there yet: nothing to trust */
		nsbox_err("cannot look at the state directory %s: %s", root, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		nsbox_err("%s is %s, not a directory of yours: another user may have put it "
			  "there; remove it or set XDG_RUNTIME_DIR", root,
			  S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
		return -1;
	}
	if (st.st_uid != geteuid()) {
		nsbox_err("%s is not owned by you; remove it or set XDG_RUNTIME_DIR", root);
		return -1;
	}
	if ((st.st_mode & 07777) != 0700) {
		nsbox_err("%s has mode %04o: other users could change your boxes there; it must "
			  "be 0700 ('chmod 0700 %s', if you made it)", root,
			  (unsigned int)(st.st_mode & 07777), root);
		return -1;
	}
	return 0;
}

int box_state_root_check(void)
{
	return root_ours(box_state_root(), -1);
}

int box_lock(void)
{
	const char *root = box_state_root();
	int dfd, fd;

	if (mkdir(root, 0700) && errno != EEXIST) {
		nsbox_err("cannot create the state directory %s: %s", root, strerror(errno));
		return -1;
	}
	dfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		int err = errno;

		/* a symlink or no directory: root_ours() says which */
		if ((err == ELOOP || err == ENOTDIR) && root_ours(root, -1))
			return -1;
		nsbox_err("cannot open the state directory %s: %s", root, strerror(err));
		return -1;
	}
	if (root_ours(root, dfd)) {
		close(dfd);
		return -1;
	}
	fd = openat(dfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(dfd);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		nsbox_err("cannot lock %s/.lock: %s", root, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * The record, one "key=value" line per field, described once: the writer
 * and the reader both walk this table, so they cannot drift apart.
 */
/* F_HEX: a uint64_t in hex; F_U64: in decimal; the C types must match */
enum field_type { F_STR, F_INT, F_UINT, F_LL, F_ULL, F_U64, F_HEX, F_BOOL };

#define FIELD(key, member, type) \
	{ key, type, offsetof(struct box_state, member), \
	  sizeof(((struct box_state *)0)->member) }

static const struct field {
	const char *key;
	enum field_type type;
	size_t off, size;
} fields[] = {
	FIELD("name", name, F_STR),
	FIELD("pid", pid, F_INT),
	FIELD("pid_start", pid_start, F_ULL),
	FIELD("monitor", monitor, F_INT),
	FIELD("status", status, F_STR),
	FIELD("exit", exit_code, F_INT),
	FIELD("created", created, F_LL),
	FIELD("rootfs", rootfs, F_STR),
	FIELD("overlay", overlay, F_BOOL),
	FIELD("net", net, F_STR),
	FIELD("ip", ip, F_STR),
	FIELD("veth", veth, F_STR),
	FIELD("ports", ports, F_STR),
	FIELD("cgroup", cgroup, F_STR),
	FIELD("cgroup_id", cgroup_id, F_U64),
	FIELD("ns", ns, F_INT),
	FIELD("caps", caps, F_HEX),
	FIELD("allow", allow, F_UINT),
	FIELD("views", views, F_STR),
	FIELD("restart", restart, F_STR),
	FIELD("restarts", restarts, F_INT),
	FIELD("started", started, F_LL),
	FIELD("detached", detached, F_BOOL),
	FIELD("log_lost", log_lost, F_U64),
	FIELD("command", command, F_STR),
};

static void put_field(FILE *f, const struct field *d, const struct box_state *s)
{
	const void *p = (const char *)s + d->off;

	switch (d->type) {
	case F_STR:  fprintf(f, "%s=%s\n", d->key, (const char *)p); break;
	case F_INT:  fprintf(f, "%s=%d\n", d->key, *(const int *)p); break;
	case F_UINT: fprintf(f, "%s=%u\n", d->key, *(const unsigned int *)p); break;
	case F_LL:   fprintf(f, "%s=%lld\n", d->key, *(const long long *)p); break;
	case F_ULL:  fprintf(f, "%s=%llu\n", d->key, *(const unsigned long long *)p); break;
	case F_U64:  fprintf(f, "%s=%" PRIu64 "\n", d->key, *(const uint64_t *)p); break;
	case F_HEX:  fprintf(f, "%s=%" PRIx64 "\n", d->key, *(const uint64_t *)p); break;
	case F_BOOL: fprintf(f, "%s=%d\n", d->key, *(const bool *)p); break;
	}
}

static void get_field(const struct field *d, struct box_state *s, const char *v)
{
	void *p = (char *)s + d->off;

	switch (d->type) {
	case F_STR:  snprintf(p, d->size, "%s", v); break;
	case F_INT:  *(int *)p = atoi(v); break;
	case F_UINT: *(unsigned int *)p = strtoul(v, NULL, 10); break;
	case F_LL:   *(long long *)p = strtoll(v, NULL, 10); break;
	case F_ULL:  *(unsigned long long *)p = strtoull(v, NULL, 10); break;
	case F_U64:  *(uint64_t *)p = strtoull(v, NULL, 10); break;
	case F_HEX:  *(uint64_t *)p = strtoull(v, NULL, 16); break;
	case F_BOOL: *(bool *)p = atoi(v) != 0; break;
	}
}

/* One line per field: a value with a newline would add keys. */
static bool one_line(const struct box_state *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].type == F_STR &&
		    strpbrk((const char *)s + fields[i].off, "\n\r"))
			return false;
	return true;
}

int box_state_write(const struct box_state *s)
{
	char dir[4096], tmp[4200], path[4200];
	FILE *f;

	if (!one_line(s))
		return -EINVAL;
	if (box_state_path(s->name, dir, sizeof(dir)))
		return -ENAMETOOLONG;
	snprintf(tmp, sizeof(tmp), "%s/state.tmp", dir);
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		put_field(f, &fields[i], s);
	if (fflush(f) || ferror(f)) {
		fclose(f);
		unlink(tmp);
		return -EIO;
	}
	fclose(f);
	if (rename(tmp, path))
		return -errno;
	return 0;
}

int box_state_read(const char *name, struct box_state *s)
{
	char dir[4096], path[4200], line[8192];
	FILE *f;

	memset(s, 0, sizeof(*s));
	if (!box_name_valid(name) || box_state_path(name, dir, sizeof(dir)))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/state", dir);
	f = fopen(path, "re");
	if (!f) {
		/* A directory without a record: a run that died mid-way. */
		if (errno == ENOENT && access(dir, F_OK) == 0) {
			snprintf(s->name, sizeof(s->name), "%s", name);
			snprintf(s->status, sizeof(s->status), "starting");
			return 0;
		}
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = '\0';
		v[strcspn(v, "\n")] = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
			if (!strcmp(line, fields[i].key))
				get_field(&fields[i], s, v);
	}
	fclose(f);
	if (!s->name[0])
		snprintf(s->name, sizeof(s->name), "%s", name);
	return 0;
}

/*
 * Read /proc/PID/stat into @buf and return where its fields go on after
 * comm, at field 3 (the state letter); NULL if PID is gone.  comm may
 * contain spaces and ')', so the fields restart after the last ')'.
 */
const char *box_proc_stat(pid_t pid, char *buf, size_t size)
{
	char path[64], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p + 2 : NULL;
}

/* Field 22 of /proc/PID/stat: when the process started.  0 if gone. */
unsigned long long box_proc_start(pid_t pid)
{
	unsigned long long start = 0;
	const char *p;
	char buf[1024];

	p = box_proc_stat(pid, buf, sizeof(buf));
	if (!p || sscanf(p, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			 "%*d %*d %*d %*d %*d %*d %llu", &start) != 1)
		return 0;
	/* a zombie (dead, not yet reaped by its new parent) counts as gone */
	if (p[0] == 'Z' || p[0] == 'X')
		return 0;
	return start;
}

bool box_running(const struct box_state *s)
{
	return s->pid > 0 && s->pid_start && box_proc_start(s->pid) == s->pid_start;
}

const char *box_status(const struct box_state *s)
{
	if (!strcmp(s->status, "exited"))
		return "exited";
	/*
	 * "starting" with a live monitor is a run in progress (its PID 1 may
	 * be alive already, its set-up not done: not running yet)
	 */
	if (!strcmp(s->status, "starting"))
		return s->monitor > 0 && kill(s->monitor, 0) == 0 ? "starting" : "stale";
	/* between two runs, the monitor waiting out its back-off (supervise.c) */
	if (!strcmp(s->status, "restarting"))
		return s->monitor > 0 && kill(s->monitor, 0) == 0 ? "restarting" : "stale";
	if (box_running(s))
		return "running";
	return "stale";
}

int box_exit_signal(int code)
{
	/* 128+N: what nsbox-init and the monitor make of "killed by N" */
	return code > 128 && code < 128 + 65 ? code - 128 : 0;
}

void box_exit_format(int code, char *buf, size_t len)
{
	if (box_exit_signal(code))
		snprintf(buf, len, "killed by signal %d", box_exit_signal(code));
	else
		snprintf(buf, len, "exit %d", code);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int box_list(char ***names)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	int n = 0;

	*names = NULL;
	d = opendir(box_state_root());
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		char **nv;

		if (!box_name_valid(de->d_name) || de->d_type != DT_DIR)
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv || !(nv[n] = strdup(de->d_name))) {
			v = nv ? nv : v;
			box_list_free(v, n);
			closedir(d);
			return -1;
		}
		v = nv;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	return n;
}

void box_list_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP || type == FTW_D || type == FTW_DNR) {
		/* OverlayFS leaves work/work with mode 000 */
		chmod(path, 0700);
		return rmdir(path) && errno != ENOENT ? -1 : 0;
	}
	return unlink(path) && errno != ENOENT ? -1 : 0;
}

int box_rm_rf(const char *path)
{
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	box_step("rm -rf %s", path);
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT)) {
		nsbox_err("cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int box_destroy(const struct box_state *s)
{
	bool bridged = !strcmp(s->net, "bridge");
	char dir[4096];
	int ret = 0;

	/* a library missing: nothing removed, rather than half of it */
	if (box_dl_need((s->veth[0] ? BOX_LIB_ROUTE : 0) |
			(bridged ? BOX_LIB_ROUTE | BOX_LIB_NFT : 0)))
		return -1;
	if (s->cgroup[0] && box_cgroup_remove(s->cgroup))
		ret = -1;
	if (s->veth[0] && box_net_link_delete(s->veth))
		ret = -1;
	/* the port first, then its rules: never a moment without them */
	if (bridged && box_nft_port_del(s->name, s->veth))
		ret = -1;
	if (bridged && s->ports[0]) {
		struct box_port ports[BOX_PORTS_MAX];
		int n = box_ports_parse_list(s->ports, ports, BOX_PORTS_MAX);

		if (n < 0) {
			nsbox_err("box %s: its state's ports '%s' make no sense: remove chain "
				  "pub-%s of table inet nsbox by hand", s->name, s->ports, s->name);
			ret = -1;
		} else if (box_nft_unpublish(s->name, s->ip, ports, n)) {
			ret = -1;
		}
	}
	if (box_state_path(s->name, dir, sizeof(dir))) {
		ret = -1;
	} else {
		char disk[4200];

		/* root's boxes: disk/ is a tmpfs of its own (run.c) */
		snprintf(disk, sizeof(disk), "%s/disk", dir);
		if (umount2(disk, MNT_DETACH) == 0)
			box_step("umount -l %s", disk);
		if (box_rm_rf(dir))
			ret = -1;
	}
	/* the last bridged box: the host as it was before the first */
	if (bridged && box_net_bridge_release())
		ret = -1;
	return ret;
}

int box_alloc_addr(struct in_addr *addr)
{
	char **names;
	int n = box_list(&names);
	/* .0.0 is the network, .0.1 the host, .255.255 broadcast */
	static unsigned char used[65536 / 8];

	if (n < 0)
		return -1;
	memset(used, 0, sizeof(used));
	used[0] = 0x03;
	used[sizeof(used) - 1] |= 0x80;
	for (int i = 0; i < n; i++) {
		struct box_state s;
		struct in_addr a;

		if (box_state_read(names[i], &s) == 0 && s.ip[0] &&
		    inet_pton(AF_INET, s.ip, &a) == 1) {
			uint32_t h = ntohl(a.s_addr) & 0xffff;

			used[h / 8] |= 1 << (h % 8);
		}
	}
	box_list_free(names, n);
	for (uint32_t h = 2; h < 65535; h++) {
		if (!(used[h / 8] & (1 << (h % 8)))) {
			addr->s_addr = htonl((10u << 24) | (88u << 16) | h);
			return 0;
		}
	}
	nsbox_err("no free address left in 10.88.0.0/16; remove some boxes (nsbox rm)");
	return -1;
}
