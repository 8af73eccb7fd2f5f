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
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "box.h"

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data))
		box_fail("mount %s on %s (%s): %s", src ? src : "none", dst,
			 type ? type : "bind", strerror(errno));
}

/* mkdir for one level below an existing root; fine if it exists. */
static void ensure_dir(const char *root, const char *sub, mode_t mode)
{
	char path[4400];

	snprintf(path, sizeof(path), "%s/%s", root, sub);
	if (mkdir(path, mode) == 0) {
		box_step("mkdir -m %o %s", mode, path);
		if (chmod(path, mode))	/* the umask must not turn 1777 into 1755 */
			box_fail("chmod %s: %s", path, strerror(errno));
	} else if (errno != EEXIST) {
		box_fail("the rootfs has no /%s and it cannot be created (%s)",
			 sub, strerror(errno));
	}
}

/*
 * What a box must not see or change of the machine, after runc's and
 * Docker's defaults (docs/security.md has the list and why each is
 * there).  Read-only: bound over themselves read-only.  Masked: a file
 * gets /dev/null bound over it, a directory an empty read-only tmpfs.
 * In a box with a user namespace these mounts are locked (box_init.c).
 */
static const char *const readonly_paths[] = {
	"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

static const char *const masked_paths[] = {
	"proc/acpi", "proc/asound", "proc/interrupts", "proc/kcore", "proc/keys",
	"proc/latency_stats", "proc/timer_list", "proc/timer_stats",
	"proc/sched_debug", "proc/scsi", "sys/firmware",
	"sys/devices/virtual/powercap",
};

static void protect_paths(const char *root, bool sys)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char path[4400];
	struct stat st;

	for (size_t i = 0; i < sizeof(readonly_paths) / sizeof(readonly_paths[0]); i++) {
		if (sys != !strncmp(readonly_paths[i], "sys/", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, readonly_paths[i]);
		if (lstat(path, &st))
			continue;
		box_step("mount --bind -o ro %s %s", path, path);
		do_mount(path, path, NULL, MS_BIND | MS_REC, NULL);
		do_mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | ro, NULL);
	}
	for (size_t i = 0; i < sizeof(masked_paths) / sizeof(masked_paths[0]); i++) {
		if (sys != !strncmp(masked_paths[i], "sys/", 4))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, masked_paths[i]);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			box_step("mount -t tmpfs -o ro,size=0 tmpfs %s", path);
			do_mount("tmpfs", path, "tmpfs", ro, "size=0,mode=0555");
		} else {
			box_step("mount --bind -o ro /dev/null %s", path);
			do_mount("/dev/null", path, NULL, MS_BIND, NULL);
			do_mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
				 MS_NOSUID | MS_NOEXEC, NULL);
		}
	}
}

static void bind_dev(const char *root, const char *name)
{
	char src[64], dst[4400];
	int fd;

	snprintf(src, sizeof(src), "/dev/%s", name);
	snprintf(dst, sizeof(dst), "%s/dev/%s", root, name);
	fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		box_fail("create %s: %s", dst, strerror(errno));
	close(fd);
	box_step("mount --bind %s %s", src, dst);
	do_mount(src, dst, NULL, MS_BIND, NULL);
}

static void setup_dev(const char *root)
{
	static const char *const nodes[] = { "null", "zero", "full", "random",
					     "urandom", "tty" };
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	char path[4400];

	snprintf(path, sizeof(path), "%s/dev", root);
	box_step("mount -t tmpfs -o nosuid,noexec,mode=0755,size=64k tmpfs %s", path);
	do_mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		bind_dev(root, nodes[i]);
	ensure_dir(root, "dev/pts", 0755);
	ensure_dir(root, "dev/shm", 01777);
	snprintf(path, sizeof(path), "%s/dev/pts", root);
	box_step("mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts %s", path);
	/* gid= is left out: the tty group may not exist in a user namespace */
	do_mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		 "newinstance,ptmxmode=0666,mode=620");
	snprintf(path, sizeof(path), "%s/dev/shm", root);
	box_step("mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs %s", path);
	do_mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(path, sizeof(path), "%s/dev/%s", root, links[i][1]);
		box_step("ln -s %s %s", links[i][0], path);
		if (symlink(links[i][0], path) && errno != EEXIST)
			box_fail("symlink %s: %s", path, strerror(errno));
	}
}

static void setup_sys(const struct box_config *c, const char *root)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char path[4400];

	snprintf(path, sizeof(path), "%s/sys", root);
	box_step("mount -t sysfs -o ro,nosuid,nodev,noexec sysfs %s", path);
	if (mount("sysfs", path, "sysfs", ro, NULL)) {
		/*
		 * sysfs belongs to a network namespace: a user namespace
		 * that does not own one (--net host) may not mount it.
		 * Fall back to a read-only bind of the host's /sys.
		 */
		if (errno != EPERM)
			box_fail("mount sysfs on %s: %s", path, strerror(errno));
		box_step("mount --rbind /sys %s && mount -o remount,bind,ro %s", path, path);
		do_mount("/sys", path, NULL, MS_BIND | MS_REC, NULL);
		do_mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | ro, NULL);
		protect_paths(root, true);
		return;
	}
	protect_paths(root, true);
	/*
	 * A cgroup2 mount shows the tree from the mounter's cgroup namespace
	 * root: in a box with its own cgroup namespace, just the box.
	 */
	if (!(c->ns & CLONE_NEWCGROUP))
		return;
	snprintf(path, sizeof(path), "%s/sys/fs/cgroup", root);
	box_step("mount -t cgroup2 -o ro,nosuid,nodev,noexec cgroup2 %s", path);
	if (access(path, F_OK) == 0 &&
	    mount("cgroup2", path, "cgroup2", ro, NULL) && errno != ENODEV)
		box_fail("mount cgroup2 on %s: %s", path, strerror(errno));
}

void box_mount_setup(const struct box_config *c)
{
	char root[4160], path[4400];

	box_step("mount --make-rprivate /");
	do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);

	if (c->overlay) {
		char opts[12800];

		snprintf(root, sizeof(root), "%s/merged", c->statedir);
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s/upper,workdir=%s/work",
			 c->rootfs, c->statedir, c->statedir);
		box_step("mount -t overlay -o %s overlay %s", opts, root);
		if (mount("overlay", root, "overlay", MS_NODEV, opts)) {
			if (errno == ENODEV)
				box_fail("OverlayFS is not available: load it (modprobe overlay)");
			box_fail("mount overlay on %s: %s", root, strerror(errno));
		}
	} else {
		snprintf(root, sizeof(root), "%s", c->rootfs);
		box_step("mount --rbind %s %s", root, root);
		do_mount(root, root, NULL, MS_BIND | MS_REC, NULL);
	}

	ensure_dir(root, "proc", 0555);
	ensure_dir(root, "dev", 0755);
	ensure_dir(root, "sys", 0555);
	ensure_dir(root, "tmp", 01777);
	if (!c->overlay) {
		/*
		 * The rootfs is shared by every box that uses it and lives on
		 * the host: a box must not change it (or leave a setuid
		 * program there for host users).  Read-only, nosuid, nodev;
		 * /tmp is a tmpfs of the box's own.
		 */
		box_step("mount -o remount,bind,ro,nosuid,nodev %s", root);
		do_mount(NULL, root, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID |
			 MS_NODEV, NULL);
		snprintf(path, sizeof(path), "%s/tmp", root);
		box_step("mount -t tmpfs -o nosuid,nodev,mode=1777,size=%s tmpfs %s",
			 BOX_TMP_SIZE, path);
		do_mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
			 "mode=1777,size=" BOX_TMP_SIZE);
	}

	snprintf(path, sizeof(path), "%s/proc", root);
	box_step("mount -t proc -o nosuid,nodev,noexec proc %s", path);
	do_mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	protect_paths(root, false);
	setup_dev(root);
	setup_sys(c, root);

	/*
	 * pivot_root(".", "."): the new root goes to "/", the old one is
	 * stacked on top of it at the same place and can be unmounted right
	 * away; no directory for the old root is needed in the rootfs.
	 */
	box_step("cd %s && pivot_root . . && umount -l .", root);
	if (chdir(root))
		box_fail("chdir %s: %s", root, strerror(errno));
	if (syscall(SYS_pivot_root, ".", "."))
		box_fail("pivot_root into %s: %s", root, strerror(errno));
	if (umount2(".", MNT_DETACH))
		box_fail("detach the old root: %s", strerror(errno));
	if (chdir("/"))
		box_fail("chdir /: %s", strerror(errno));
}
