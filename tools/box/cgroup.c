// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - cgroup v2: one cgroup per box, /sys/fs/cgroup/nsbox/NAME.
 *
 * cgroup v2 is one tree.  A controller (memory, cpu, pids, io) works in a
 * cgroup only if its parent lists it in cgroup.subtree_control, and a
 * parent may list it only if its own parent does: so controllers are
 * enabled top-down, root first.  The "no internal processes" rule says a
 * cgroup that hands controllers to children holds no processes itself:
 * nsbox/ is only a directory of boxes, processes live in the leaves.
 *
 * Limits are plain files: memory.max (bytes; over it the kernel reclaims,
 * then OOM-kills inside the cgroup and counts it in memory.events),
 * cpu.max ("QUOTA PERIOD": at most QUOTA us of CPU per PERIOD us),
 * pids.max (fork() fails with EAGAIN beyond it), io.weight (1..10000,
 * the share of disk time under contention).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "box.h"
#include "err.h"

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return box_write(path, val);
}

static int read_file(const char *dir, const char *file, char *buf, size_t len)
{
	char path[4200];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

int box_cgroup_read_key(const char *path, const char *file, const char *key,
			uint64_t *val)
{
	char buf[4096], *p;
	size_t n = strlen(key);

	if (read_file(path, file, buf, sizeof(buf)))
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, key, n) && p[n] == ' ') {
			*val = strtoull(p + n + 1, NULL, 10);
			return 0;
		}
	}
	return -1;
}

uint64_t box_cgroup_id(const char *path)
{
	struct stat st;

	/* A cgroup's id is the inode number of its directory in cgroupfs. */
	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

/* @path's own cpuset.cpus in @buf, or NULL if it has none (all CPUs). */
const char *box_cgroup_cpuset(const char *path, char *buf, size_t len)
{
	if (read_file(path, "cpuset.cpus", buf, len))
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? buf : NULL;
}

/*
 * Enable @want (space separated) in @dir's subtree_control, skipping the
 * ones @dir does not have; fail only for those in @need.
 */
static int enable_controllers(const char *dir, const char *want, const char *need)
{
	char have[512], ctl[512], buf[64];
	char *copy = strdup(want), *tok, *save = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	if (read_file(dir, "cgroup.controllers", have, sizeof(have)) ||
	    read_file(dir, "cgroup.subtree_control", ctl, sizeof(ctl)))
		have[0] = ctl[0] = '\0';
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		int err;

		if (has_word(ctl, tok))
			continue;
		if (!has_word(have, tok)) {
			if (has_word(need, tok)) {
				nsbox_err("the cgroup v2 controller '%s' is not available in %s "
					  "(cgroup.controllers: %.*s); it may be bound to cgroup v1 "
					  "or disabled on the kernel command line",
					  tok, dir, (int)strcspn(have, "\n"), have);
				ret = -1;
				break;
			}
			continue;
		}
		snprintf(buf, sizeof(buf), "+%s", tok);
		err = write_file(dir, "cgroup.subtree_control", buf);
		if (err && has_word(need, tok)) {
			nsbox_err("cannot enable the '%s' controller in %s: %s%s", tok, dir,
				  strerror(-err), err == -EBUSY ?
				  " (the cgroup holds processes: controllers go to leaves only)" : "");
			ret = -1;
			break;
		}
	}
	free(copy);
	return ret;
}

int box_cgroup_create(struct box_config *c)
{
	char parent[256], need[64] = "", val[64];
	struct statfs sfs;
	bool limits = c->memory || c->cpu_quota || c->pids || c->io_weight || c->cpuset;
	const char *want = c->cpuset ? "cpu memory pids io cpuset" : "cpu memory pids io";
	int err;

	c->cgroup[0] = '\0';
	if (statfs(BOX_CGROUP_ROOT, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		if (!limits)
			return 0;
		nsbox_err("no cgroup v2 hierarchy at %s, so limits cannot be set; mount it "
			  "(mount -t cgroup2 none %s) or boot with "
			  "systemd.unified_cgroup_hierarchy=1", BOX_CGROUP_ROOT, BOX_CGROUP_ROOT);
		return -1;
	}
	if (c->memory)
		strcat(need, " memory");
	if (c->cpu_quota)
		strcat(need, " cpu");
	if (c->pids)
		strcat(need, " pids");
	if (c->io_weight)
		strcat(need, " io");
	if (c->cpuset)
		strcat(need, " cpuset");

	snprintf(parent, sizeof(parent), "%s/%s", BOX_CGROUP_ROOT, BOX_CGROUP_PARENT);
	if (access(parent, F_OK)) {
		box_step("mkdir %s", parent);
		if (mkdir(parent, 0755) && errno != EEXIST) {
			if (!limits && (errno == EACCES || errno == EPERM || errno == EROFS))
				return 0;	/* rootless without delegation: no cgroup */
			nsbox_err("cannot create %s: %s%s", parent, strerror(errno),
				  geteuid() ? " (cgroup limits need root)" : "");
			return -1;
		}
	}
	if (access(parent, W_OK)) {
		if (!limits)
			return 0;
		nsbox_err("cannot create a cgroup in %s: %s; run as root to set limits",
			  parent, strerror(errno));
		return -1;
	}
	/* Top-down: the root hands controllers to nsbox/, nsbox/ to the boxes. */
	if (enable_controllers(BOX_CGROUP_ROOT, want, need) ||
	    enable_controllers(parent, want, need))
		return -1;

	snprintf(c->cgroup, sizeof(c->cgroup), "%s/%s", parent, c->name);
	box_step("mkdir %s", c->cgroup);
	if (mkdir(c->cgroup, 0755)) {
		nsbox_err("cannot create the cgroup %s: %s%s", c->cgroup, strerror(errno),
			  errno == EEXIST ? " (left over from an earlier box? rmdir it)" : "");
		c->cgroup[0] = '\0';
		return -1;
	}
	if (c->memory) {
		snprintf(val, sizeof(val), "%" PRIu64, c->memory);
		err = write_file(c->cgroup, "memory.max", val);
		/* no swap either, or a hog would page out instead of being killed */
		if (!err && access("/proc/swaps", F_OK) == 0)
			write_file(c->cgroup, "memory.swap.max", "0");
		if (err)
			goto fail_write;
	}
	if (c->cpu_quota) {
		snprintf(val, sizeof(val), "%" PRIu64 " 100000", c->cpu_quota);
		err = write_file(c->cgroup, "cpu.max", val);
		if (err == -ENOENT) {
			nsbox_err("--cpus: %s/cpu.max does not exist: this kernel has no CPU "
				  "bandwidth control (CONFIG_CFS_BANDWIDTH)", c->cgroup);
			goto fail;
		}
		if (err)
			goto fail_write;
	}
	if (c->cpuset) {
		err = write_file(c->cgroup, "cpuset.cpus", c->cpuset);
		if (err == -EINVAL || err == -ERANGE) {
			char online[256] = "";

			read_file("/sys/devices/system/cpu", "online", online, sizeof(online));
			nsbox_err("--cpuset-cpus: the kernel refused '%s': not CPUs of this "
				  "machine (online: %.*s)", c->cpuset,
				  (int)strcspn(online, "\n"), online);
			goto fail;
		}
		if (err)
			goto fail_write;
	}
	if (c->pids) {
		snprintf(val, sizeof(val), "%" PRIu64, c->pids);
		err = write_file(c->cgroup, "pids.max", val);
		if (err)
			goto fail_write;
	}
	if (c->io_weight) {
		snprintf(val, sizeof(val), "default %u", c->io_weight);
		err = write_file(c->cgroup, "io.weight", val);
		if (err == -ENOENT) {
			nsbox_err("--io-weight: %s/io.weight does not exist: this kernel's io "
				  "controller has no weight-based policy (it needs the BFQ "
				  "scheduler or blk-iocost)", c->cgroup);
			goto fail;
		}
		if (err)
			goto fail_write;
	}
	return 0;

fail_write:
	nsbox_err("cannot set a limit in %s: %s", c->cgroup, strerror(-err));
fail:
	box_cgroup_remove(c->cgroup);
	c->cgroup[0] = '\0';
	return -1;
}

/* Wait until cgroup.events says "populated 0" (an event, not a sleep). */
static int wait_unpopulated(const char *path, int timeout_ms)
{
	char file[4200], buf[256];
	struct timespec t0, t;
	int fd;

	snprintf(file, sizeof(file), "%s/cgroup.events", path);
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		int left;

		if (n < 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, "populated 0")) {
			close(fd);
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout_ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
					  (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&p, 1, left) < 0)
			break;
	}
	close(fd);
	return -ETIMEDOUT;
}

int box_cgroup_remove(const char *path)
{
	if (access(path, F_OK) && errno == ENOENT)
		return 0;
	if (rmdir(path) == 0) {
		box_step("rmdir %s", path);
		return 0;
	}
	if (errno == EBUSY) {
		/* Processes left (a box that escaped its PID 1?): kill them all. */
		if (write_file(path, "cgroup.kill", "1") == 0)
			wait_unpopulated(path, 5000);
		box_step("rmdir %s", path);
		if (rmdir(path) == 0)
			return 0;
	}
	nsbox_err("cannot remove the cgroup %s: %s", path, strerror(errno));
	return -1;
}
