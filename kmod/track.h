/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - following tasks from group to group: the hook handlers.
 *
 * Exports (track.c): nsbox_track_init() (attach the hooks, count the tasks
 * that exist), nsbox_track_exit(), and what the handlers saw for GET_INFO
 * and the task dump: nsbox_load_walks(), nsbox_task_events().
 * Depends on: hooks.h, group.h, task.h, walk.h, events.h; compat.h
 * (track.c).
 */
#ifndef _NSBOX_TRACK_H
#define _NSBOX_TRACK_H

#include <linux/types.h>

int nsbox_track_init(void);
void nsbox_track_exit(void);
unsigned int nsbox_load_walks(void);
u64 nsbox_task_events(void);

#endif /* _NSBOX_TRACK_H */
