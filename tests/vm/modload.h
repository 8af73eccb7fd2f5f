/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modload.h - load and unload nsbox.ko from a VM test, with the syscalls
 * insmod and rmmod use: finit_module(2) on the file in $NSBOX_KO (set by
 * the VM's init), delete_module(2) with O_NONBLOCK (fail with EWOULDBLOCK
 * instead of waiting while something still holds the module).
 */
#ifndef NSBOX_MODLOAD_H
#define NSBOX_MODLOAD_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static inline const char *ko_path(void)
{
	const char *p = getenv("NSBOX_KO");

	return p ? p : "/lib/modules/nsbox/nsbox.ko";
}

static inline int is_loaded(void)
{
	struct stat st;

	return stat("/sys/module/nsbox", &st) == 0;
}

/* insmod nsbox.ko PARAMS: 0 or -errno. */
static inline int load_with(const char *params)
{
	int fd = open(ko_path(), O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

static inline int load(void)
{
	return load_with("");
}

/* insmod FILE: another build of the module (nsbox-knobs.ko); 0 or -errno. */
static inline int load_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

/* One rmmod attempt: 0, or -EWOULDBLOCK while a reference is held. */
static inline int unload(void)
{
	return syscall(SYS_delete_module, "nsbox", O_NONBLOCK) ? -errno : 0;
}

/* rmmod, retrying for up to @ms milliseconds while the module is busy. */
static inline int unload_wait(unsigned int ms)
{
	unsigned int i;
	int ret = -EBUSY;

	for (i = 0; i < ms / 2 && ret; i++) {
		ret = unload();
		if (ret == -EWOULDBLOCK || ret == -EBUSY)
			usleep(2000);	/* polling the refcount, not synchronising */
	}
	return ret;
}

/*
 * rmmod during a stress: retry while something holds the module (a dump in
 * flight), polling every 0.5 ms for up to 10 s; *@busy counts the refusals.
 */
static inline int unload_retry(int *busy)
{
	int ret, tries = 0;

	while ((ret = unload()) == -EWOULDBLOCK || ret == -EBUSY) {
		(*busy)++;
		if (++tries > 20000)
			break;
		usleep(500);	/* polling the refcount, not synchronising */
	}
	return ret;
}

#endif
