/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - load averages per group.
 *
 * Exports (loadavg.c): nsbox_loadavg_start() and nsbox_loadavg_stop(),
 * the work item that updates every group's load averages every 5 s.
 * Depends on: group.h, walk.h (loadavg.c).
 */
#ifndef _NSBOX_LOADAVG_H
#define _NSBOX_LOADAVG_H

void nsbox_loadavg_start(void);
void nsbox_loadavg_stop(void);

#endif /* _NSBOX_LOADAVG_H */
