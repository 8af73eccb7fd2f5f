/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - views: the files a box reads instead of the machine's.
 *
 * Exports (views.c): nsbox_views_init() and nsbox_views_exit(), which
 * make and remove /proc/nsbox/{meminfo,loadavg,cpuinfo,stat,swaps,cpu_online,views} and the
 * sysinfo(2) probe.
 * Depends on: group.h (the box's load average), compat.h (views.c).
 */
#ifndef _NSBOX_VIEWS_H
#define _NSBOX_VIEWS_H

int nsbox_views_init(void);
void nsbox_views_exit(void);

#endif /* _NSBOX_VIEWS_H */
