// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - the box's root filesystem, built inside its new mount
 * namespace (so none of these mounts is ever visible on the host), in
 * this order:
 *
 *  1. mount --make-rprivate /   A new mount namespace starts as a copy
 *     whose mounts still share propagation with the host's: a mount made
 *     here could appear there.  Private first, always.
 *  2. The new root: with --overlay, an OverlayFS whose read-only lower
 *     layer is the rootfs and whose upper layer (where writes land) is in
 *     the state directory: the rootfs is never modified.  Without it, the
 *     rootfs directory is bind-mounted onto itself (pivot_root needs the
 *     new root to be a mount point) and made read-only, with a tmpfs on
 *     /tmp: the box never writes the rootfs either way.
 *  3. /proc: a fresh procfs belongs to the pid namespace of the process
 *     that mounts it, so it shows only the box's processes.  Its files
 *     that reach the whole machine are made read-only (/proc/sys: root in
 *     the box could otherwise set kernel.core_pattern, a program the host
 *     runs as root; /proc/sysrq-trigger, ...) or masked: /dev/null over a
 *     file (/proc/kcore, /proc/keys, ...), an empty tmpfs over a directory
 *     (/proc/acpi, /proc/scsi, ...).
 *  4. /dev: a small tmpfs with bind mounts of the host's null, zero, full,
 *     random, urandom and tty (no mknod needed, works in a user namespace),
 *     a private devpts instance for /dev/pts and /dev/ptmx, /dev/shm.
 *  5. /sys read-only, /sys/firmware and powercap masked, and the box's
 *     own cgroup tree at /sys/fs/cgroup.
 *  6. pivot_root(".", "."), then detach the old root: after this no path
 *     leads back to the host's files, which is why a chroot() escape
 *     (chroot into a subdirectory, then "cd .." out of it) finds nothing.
 *
 * Until pivot_root, this process sees the host's files, as root: a path
 * inside the rootfs must never be resolved by name, or a rootfs whose
 * "dev" is a symlink to "/etc" (or whose owner swaps one in) would have
 * us mount and create files on the host's paths.  So every directory of
 * the rootfs is opened once, with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS) from a descriptor of the root, and everything is
 * then done through descriptors: mkdirat/fchmod, and mounts onto
 * "/proc/self/fd/N", a path the kernel resolves to exactly the directory
 * fd N is, whatever its name has become.  The root itself comes from a
 * descriptor `nsbox run` opened (run.c), cloned with open_tree() and
 * attached with move_mount(); OverlayFS gets it as "/proc/self/fd/N" too.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inside.h"

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data))
		box_fail("mount %s on %s (%s): %s", src ? src : "none", dst,
			 type ? type : "bind", strerror(errno));
}

/* "/proc/self/fd/N/SUB": what fd N is, not what its name is now. */
static const char *fdpath(char *buf, size_t len, int fd, const char *sub)
{
	snprintf(buf, len, "/proc/self/fd/%d%s%s", fd, sub ? "/" : "", sub ? sub : "");
	return buf;
}

/*
 * Directory @sub of the box's root (@rootfd), opened without following a
 * symlink or leaving the root; made with @mode if missing (fchmod on the
 * descriptor: the umask must not turn 1777 into 1755).  A symlink there
 * fails the box with a message that says so.  @magic: if not 0, the
 * directory must be the root of a filesystem of that type -- the one we
 * just mounted there, not a directory swapped in meanwhile.
 */
static int beneath(int rootfd, const char *shown, const char *sub, mode_t mode, long magic)
{
	struct open_how how = {
		.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	bool made = false;
	struct statfs sf;
	int fd;

	if (mode && mkdirat(rootfd, sub, mode) == 0) {
		made = true;
		box_step("mkdir -m %o %s/%s", mode, shown, sub);
	} else if (mode && errno != EEXIST) {
		box_fail("the rootfs has no /%s and it cannot be created (%s)", sub,
			 strerror(errno));
	}
	fd = syscall(SYS_openat2, rootfd, sub, &how, sizeof(how));
	if (fd < 0 && (errno == ELOOP || errno == EXDEV || errno == ENOTDIR))
		box_fail("%s/%s is a symlink or not a directory (%s): the box mounts there, "
			 "so it must be a plain directory inside the rootfs", shown, sub,
			 strerror(errno));
	if (fd < 0)
		box_fail("open %s/%s: %s", shown, sub, strerror(errno));
	if (made && fchmod(fd, mode))
		box_fail("chmod %s/%s: %s", shown, sub, strerror(errno));
	if (magic && (fstatfs(fd, &sf) || sf.f_type != magic))
		box_fail("%s/%s changed while the box was being set up", shown, sub);
	return fd;
}

#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

/* The id the kernel gives the mount @fd is on (mountinfo's first field). */
static uint64_t mount_id(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) ||
	    !(stx.stx_mask & STATX_MNT_ID))
		box_fail("statx(STATX_MNT_ID): %s", strerror(errno ? errno : ENOSYS));
	return stx.stx_mnt_id;
}

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo: undo it in place */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

/*
 * Add @flags to one mount, given by a descriptor of its root, keeping the
 * per-mount flags it has (statfs tells them): a remount sets them all, and
 * in a user namespace clearing a locked one is refused.
 */
static void remount_one(int fd, const char *shown, unsigned long flags)
{
	static const struct { unsigned long st, ms; } keep[] = {
		{ ST_RDONLY, MS_RDONLY }, { ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV },
		{ ST_NOEXEC, MS_NOEXEC }, { ST_NOSYMFOLLOW, MS_NOSYMFOLLOW },
	};
	struct statfs sf;
	char path[64];

	if (fstatfs(fd, &sf))
		box_fail("statfs %s: %s", shown, strerror(errno));
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		if (sf.f_flags & keep[i].st)
			flags |= keep[i].ms;
	do_mount(NULL, fdpath(path, sizeof(path), fd, NULL), NULL, MS_BIND | MS_REMOUNT | flags,
		 NULL);
}

/*
 * Before Linux 5.12 (no mount_setattr()): every mount at or below @fd's,
 * found in /proc/self/mountinfo by its parent's id, remounted one by one.
 * Each is opened by its path, without symlinks, and must be that mount:
 * a path changed meanwhile fails the box.  A mount stacked under another
 * one at the same place is hidden by it; it is skipped.
 */
static void remount_tree(int fd, const char *shown, unsigned long flags)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	struct mnt { uint64_t id, parent; char *path; bool in; } *m = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t len = 0;
	bool grew = true;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		box_fail("open /proc/self/mountinfo: %s", strerror(errno));
	while (getline(&line, &len, f) > 0) {
		unsigned long long id, parent;
		char path[4096];

		if (sscanf(line, "%llu %llu %*s %*s %4095s", &id, &parent, path) != 3)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			m = realloc(m, cap * sizeof(*m));
			if (!m)
				box_fail("out of memory");
		}
		unescape(path);
		m[n] = (struct mnt){ id, parent, strdup(path), false };
		if (!m[n].path)
			box_fail("out of memory");
		n++;
	}
	free(line);
	fclose(f);
	/* the subtree: @fd's mount, then whatever hangs below it */
	for (size_t i = 0; i < n; i++)
		m[i].in = m[i].id == mount_id(fd);
	while (grew) {
		grew = false;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; !m[i].in && j < n; j++)
				if (m[j].in && m[i].parent == m[j].id && m[i].id != m[j].id)
					grew = m[i].in = true;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t found;
		int sub;

		if (!m[i].in)
			continue;
		if (m[i].id == mount_id(fd)) {
			remount_one(fd, shown, flags);
			continue;
		}
		sub = syscall(SYS_openat2, AT_FDCWD, m[i].path, &how, sizeof(how));
		if (sub < 0)
			box_fail("open %s (a mount under %s): %s", m[i].path, shown, strerror(errno));
		found = mount_id(sub);
		if (found != m[i].id) {
			bool over = false;

			for (size_t j = 0; j < n; j++)
				over |= m[j].in && m[j].id == found && !strcmp(m[j].path, m[i].path);
			if (!over)
				box_fail("%s changed while the box was being set up", m[i].path);
		} else {
			box_step("mount -o remount,bind,ro,nosuid,nodev %s", m[i].path);
			remount_one(sub, m[i].path, flags);
		}
		close(sub);
	}
	for (size_t i = 0; i < n; i++)
		free(m[i].path);
	free(m);
}

/*
 * Make the mount at @fd and every mount below it read-only (and @flags):
 * a bind of a directory brings the mounts inside it along, and a remount
 * of the bind alone leaves them writable, setuid, with devices.
 */
static void readonly_tree(int fd, const char *shown, unsigned long flags)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };

	if (flags & MS_NOSUID)
		attr.attr_set |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		attr.attr_set |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		attr.attr_set |= MOUNT_ATTR_NOEXEC;
	if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) == 0)
		return;
	if (errno != ENOSYS)
		box_fail("mount_setattr %s (read-only, recursive): %s", shown, strerror(errno));
	remount_tree(fd, shown, flags | MS_RDONLY);
}

/*
 * What a box must not see or change of the machine, after runc's and
 * Docker's defaults (docs/security.md has the list and why each is
 * there).  Read-only: bound over themselves read-only.  Masked: a file
 * gets /dev/null bound over it, a directory an empty read-only tmpfs.
 * In a box with a user namespace these mounts are locked (box_init.c).
 * Relative to /proc or /sys; a path the kernel does not have is skipped.
 */
static const char *const proc_readonly[] = { "bus", "fs", "irq", "sys", "sysrq-trigger" };
static const char *const proc_masked[] = {
	"acpi", "asound", "interrupts", "kcore", "keys", "latency_stats", "timer_list",
	"timer_stats", "sched_debug", "scsi",
};
static const char *const sys_masked[] = { "firmware", "devices/virtual/powercap" };

static void protect(int fsfd, const char *shown, const char *const *readonly, size_t nro,
		    const char *const *masked, size_t nmasked)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char path[128], name[4300];
	struct stat st;

	for (size_t i = 0; i < nro; i++) {
		int fd;

		if (fstatat(fsfd, readonly[i], &st, AT_SYMLINK_NOFOLLOW))
			continue;
		box_step("mount --rbind %s/%s %s/%s && mount -o remount,bind,ro,nosuid,nodev,noexec "
			 "(recursively) %s/%s", shown, readonly[i], shown, readonly[i], shown,
			 readonly[i]);
		fdpath(path, sizeof(path), fsfd, readonly[i]);
		do_mount(path, path, NULL, MS_BIND | MS_REC, NULL);
		/* the bind, now on top of the name */
		fd = openat(fsfd, readonly[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			box_fail("open %s/%s: %s", shown, readonly[i], strerror(errno));
		snprintf(name, sizeof(name), "%s/%s", shown, readonly[i]);
		readonly_tree(fd, name, ro);
		close(fd);
	}
	for (size_t i = 0; i < nmasked; i++) {
		if (fstatat(fsfd, masked[i], &st, AT_SYMLINK_NOFOLLOW))
			continue;
		fdpath(path, sizeof(path), fsfd, masked[i]);
		if (S_ISDIR(st.st_mode)) {
			box_step("mount -t tmpfs -o ro,size=0 tmpfs %s/%s", shown, masked[i]);
			do_mount("tmpfs", path, "tmpfs", ro, "size=0,mode=0555");
		} else {
			box_step("mount --bind -o ro /dev/null %s/%s", shown, masked[i]);
			do_mount("/dev/null", path, NULL, MS_BIND, NULL);
			do_mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
				 MS_NOSUID | MS_NOEXEC, NULL);
		}
	}
}

/*
 * A view (docs/views.md): nsbox.ko's file bound over the box's own, in
 * the box's new procfs (its /proc/nsbox is the module's, like any procfs).
 */
static void view(int srcfd, const char *srcshown, const char *src, int dstfd,
		 const char *dstshown, const char *dst)
{
	char from[128], to[128];

	box_step("mount --bind -o ro,nosuid,nodev,noexec %s/%s %s/%s", srcshown, src,
		 dstshown, dst);
	fdpath(from, sizeof(from), srcfd, src);
	fdpath(to, sizeof(to), dstfd, dst);
	do_mount(from, to, NULL, MS_BIND, NULL);
	/* a bind takes the flags of the mount it comes from: read-only is a
	 * remount of the bind (like every other mount of the box's /sys) */
	do_mount(NULL, to, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
		 MS_NOEXEC, NULL);
}

static void bind_dev(int devfd, const char *shown, const char *name)
{
	char src[64], dst[128];
	int fd;

	snprintf(src, sizeof(src), "/dev/%s", name);
	fd = openat(devfd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		box_fail("create %s/%s: %s", shown, name, strerror(errno));
	close(fd);
	box_step("mount --bind %s %s/%s", src, shown, name);
	do_mount(src, fdpath(dst, sizeof(dst), devfd, name), NULL, MS_BIND, NULL);
}

static void setup_dev(int rootfd, const char *root)
{
	static const char *const nodes[] = { "null", "zero", "full", "random",
					     "urandom", "tty" };
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	char shown[4200], path[128];
	int fd = beneath(rootfd, root, "dev", 0755, 0), devfd, sub;

	snprintf(shown, sizeof(shown), "%s/dev", root);
	/*
	 * nodev: a node made here (mknod with --cap-add MKNOD) is no device.
	 * The real ones are bind mounts, which keep their own flags.
	 */
	box_step("mount -t tmpfs -o nosuid,nodev,noexec,mode=0755,size=64k tmpfs %s", shown);
	do_mount("tmpfs", fdpath(path, sizeof(path), fd, NULL), "tmpfs",
		 MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755,size=64k");
	close(fd);
	devfd = beneath(rootfd, root, "dev", 0, TMPFS_MAGIC);
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		bind_dev(devfd, shown, nodes[i]);
	sub = beneath(devfd, shown, "pts", 0755, 0);
	box_step("mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts %s/pts", shown);
	/* gid= is left out: the tty group may not exist in a user namespace */
	do_mount("devpts", fdpath(path, sizeof(path), sub, NULL), "devpts", MS_NOSUID | MS_NOEXEC,
		 "newinstance,ptmxmode=0666,mode=620");
	close(sub);
	sub = beneath(devfd, shown, "shm", 01777, 0);
	/* Docker's: 64 MiB, and no programs run from it */
	box_step("mount -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=%s tmpfs %s/shm",
		 BOX_SHM_SIZE, shown);
	do_mount("tmpfs", fdpath(path, sizeof(path), sub, NULL), "tmpfs",
		 MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=" BOX_SHM_SIZE);
	close(sub);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		box_step("ln -s %s %s/%s", links[i][0], shown, links[i][1]);
		if (symlinkat(links[i][0], devfd, links[i][1]) && errno != EEXIST)
			box_fail("symlink %s/%s: %s", shown, links[i][1], strerror(errno));
	}
	close(devfd);
}

/* The CPU count glibc reads (get_nprocs(), sysconf(_SC_NPROCESSORS_ONLN)). */
static void sys_views(const struct box_config *c, int rootfd, const char *root, int sysfd,
		      const char *shown)
{
	char procshown[4200];
	int procfd;

	if (!c->views)
		return;
	procfd = beneath(rootfd, root, "proc", 0, PROC_SUPER_MAGIC);
	snprintf(procshown, sizeof(procshown), "%s/proc", root);
	view(procfd, procshown, "nsbox/cpu_online", sysfd, shown, "devices/system/cpu/online");
	close(procfd);
}

static void setup_sys(const struct box_config *c, int rootfd, const char *root)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	int fd = beneath(rootfd, root, "sys", 0555, 0), sysfd;
	char shown[4200], path[128];

	snprintf(shown, sizeof(shown), "%s/sys", root);
	box_step("mount -t sysfs -o ro,nosuid,nodev,noexec sysfs %s", shown);
	fdpath(path, sizeof(path), fd, NULL);
	if (mount("sysfs", path, "sysfs", ro, NULL)) {
		/*
		 * sysfs belongs to a network namespace: a user namespace
		 * that does not own one (--net host) may not mount it.
		 * Fall back to a read-only bind of the host's /sys.
		 */
		if (errno != EPERM)
			box_fail("mount sysfs on %s: %s", shown, strerror(errno));
		box_step("mount --rbind /sys %s && mount -o remount,bind,ro,nosuid,nodev,noexec "
			 "(recursively) %s", shown, shown);
		do_mount("/sys", path, NULL, MS_BIND | MS_REC, NULL);
		close(fd);
		sysfd = beneath(rootfd, root, "sys", 0, SYSFS_MAGIC);
		readonly_tree(sysfd, shown, ro);
		protect(sysfd, shown, NULL, 0, sys_masked, sizeof(sys_masked) / sizeof(sys_masked[0]));
		sys_views(c, rootfd, root, sysfd, shown);
		close(sysfd);
		return;
	}
	close(fd);
	sysfd = beneath(rootfd, root, "sys", 0, SYSFS_MAGIC);
	protect(sysfd, shown, NULL, 0, sys_masked, sizeof(sys_masked) / sizeof(sys_masked[0]));
	sys_views(c, rootfd, root, sysfd, shown);
	/*
	 * A cgroup2 mount shows the tree from the mounter's cgroup namespace
	 * root: in a box with its own cgroup namespace, just the box.
	 */
	if (c->ns & CLONE_NEWCGROUP) {
		box_step("mount -t cgroup2 -o ro,nosuid,nodev,noexec cgroup2 %s/fs/cgroup", shown);
		fdpath(path, sizeof(path), sysfd, "fs/cgroup");
		if (access(path, F_OK) == 0 &&
		    mount("cgroup2", path, "cgroup2", ro, NULL) && errno != ENODEV)
			box_fail("mount cgroup2 on %s/fs/cgroup: %s", shown, strerror(errno));
	}
	close(sysfd);
}

/*
 * The rootfs again, in this mount namespace (a descriptor from before the
 * clone names a mount of the host's namespace, which open_tree() and
 * move_mount() refuse): by name without symlinks, and it must be the
 * directory `nsbox run` opened and checked.
 */
static int reopen_rootfs(const struct box_config *c)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_SYMLINKS };
	struct stat a, b;
	int fd = syscall(SYS_openat2, AT_FDCWD, c->rootfs, &how, sizeof(how));

	if (fd < 0)
		box_fail("open %s: %s", c->rootfs, strerror(errno));
	if (fstat(fd, &a) || fstat(c->rootfs_fd, &b) || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino)
		box_fail("%s changed while the box was being set up", c->rootfs);
	return fd;
}

/* The new root as a mount of its own; returns a descriptor of it. */
static int mount_root(const struct box_config *c, char *root, size_t len)
{
	int fd, rfd = reopen_rootfs(c);
	char path[128];

	if (c->overlay) {
		char opts[8400];

		snprintf(root, len, "%s/merged", c->statedir);
		/* the lower layer by descriptor: no name to swap, no ',' to parse */
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/disk/upper,workdir=%s/disk/work",
			 fdpath(path, sizeof(path), rfd, NULL), c->statedir, c->statedir);
		box_step("mount -t overlay -o lowerdir=%s,upperdir=%s/disk/upper,workdir=%s/disk/work "
			 "overlay %s", c->rootfs, c->statedir, c->statedir, root);
		if (mount("overlay", root, "overlay", MS_NODEV, opts)) {
			if (errno == ENODEV)
				box_fail("OverlayFS is not available: load it (modprobe overlay)");
			box_fail("mount overlay on %s: %s", root, strerror(errno));
		}
		close(rfd);
		fd = open(root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			box_fail("open %s: %s", root, strerror(errno));
		return fd;
	}
	snprintf(root, len, "%s", c->rootfs);
	box_step("mount --rbind %s %s", root, root);
	fd = syscall(SYS_open_tree, rfd, "",
		     OPEN_TREE_CLONE | AT_RECURSIVE | AT_EMPTY_PATH | O_CLOEXEC);
	if (fd < 0)
		box_fail("open_tree %s: %s", root, strerror(errno));
	if (syscall(SYS_move_mount, fd, "", rfd, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH))
		box_fail("move_mount onto %s: %s", root, strerror(errno));
	close(rfd);
	return fd;
}

void box_mount_setup(const struct box_config *c)
{
	char root[4160], shown[4200], path[128];
	int rootfd, fd;

	box_step("mount --make-rprivate /");
	do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	rootfd = mount_root(c, root, sizeof(root));

	if (!c->overlay) {
		/*
		 * The rootfs is shared by every box that uses it and lives on
		 * the host: a box must not change it (or leave a setuid
		 * program there for host users).  Read-only, nosuid, nodev;
		 * /tmp is a tmpfs of the box's own.
		 */
		fd = beneath(rootfd, root, "tmp", 01777, 0);
		box_step("mount -o remount,bind,ro,nosuid,nodev %s (and every mount under it)", root);
		readonly_tree(rootfd, root, MS_RDONLY | MS_NOSUID | MS_NODEV);
		box_step("mount -t tmpfs -o nosuid,nodev,mode=1777,size=%s tmpfs %s/tmp",
			 BOX_TMP_SIZE, root);
		do_mount("tmpfs", fdpath(path, sizeof(path), fd, NULL), "tmpfs",
			 MS_NOSUID | MS_NODEV, "mode=1777,size=" BOX_TMP_SIZE);
		close(fd);
	} else {
		close(beneath(rootfd, root, "tmp", 01777, 0));
	}

	fd = beneath(rootfd, root, "proc", 0555, 0);
	box_step("mount -t proc -o nosuid,nodev,noexec proc %s/proc", root);
	do_mount("proc", fdpath(path, sizeof(path), fd, NULL), "proc",
		 MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	close(fd);
	fd = beneath(rootfd, root, "proc", 0, PROC_SUPER_MAGIC);
	snprintf(shown, sizeof(shown), "%s/proc", root);
	protect(fd, shown, proc_readonly, sizeof(proc_readonly) / sizeof(proc_readonly[0]),
		proc_masked, sizeof(proc_masked) / sizeof(proc_masked[0]));
	if (c->views) {
		view(fd, shown, "nsbox/meminfo", fd, shown, "meminfo");
		view(fd, shown, "nsbox/loadavg", fd, shown, "loadavg");
		view(fd, shown, "nsbox/cpuinfo", fd, shown, "cpuinfo");
		view(fd, shown, "nsbox/stat", fd, shown, "stat");
		view(fd, shown, "nsbox/swaps", fd, shown, "swaps");
	}
	close(fd);
	setup_dev(rootfd, root);
	setup_sys(c, rootfd, root);

	/*
	 * pivot_root(".", "."): the new root goes to "/", the old one is
	 * stacked on top of it at the same place and can be unmounted right
	 * away; no directory for the old root is needed in the rootfs.
	 */
	box_step("cd %s && pivot_root . . && umount -l .", root);
	if (fchdir(rootfd))
		box_fail("chdir %s: %s", root, strerror(errno));
	close(rootfd);
	if (syscall(SYS_pivot_root, ".", "."))
		box_fail("pivot_root into %s: %s", root, strerror(errno));
	if (umount2(".", MNT_DETACH))
		box_fail("detach the old root: %s", strerror(errno));
	if (chdir("/"))
		box_fail("chdir /: %s", strerror(errno));
}
