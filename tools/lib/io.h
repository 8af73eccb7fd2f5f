/* SPDX-License-Identifier: GPL-2.0 */
/* nsbox tool - writing whole buffers and small files (lib/io.c). */
#ifndef NSBOX_IO_H
#define NSBOX_IO_H

#include <stddef.h>

/* All of @len bytes to @fd (a short write or EINTR goes on); 0 or -errno. */
int nsbox_write_all(int fd, const void *buf, size_t len);
/*
 * @text into the existing file @path, in one write(2), as the kernel's
 * files under /proc and /sys want it (cgroup.procs, uid_map, ...).  0, or
 * -errno of open() or write().
 */
int nsbox_write_file(const char *path, const char *text);

#endif
