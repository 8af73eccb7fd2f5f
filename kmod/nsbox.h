/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the module as a whole: its map of files, and its release.
 *
 * Exports: NSBOX_VERSION (the release, for MODULE_VERSION and GET_INFO:
 * kmod/Kbuild defines it from the top-level file VERSION, which the tool
 * reads too) and the uapi.  Depends on: nothing else in kmod/.
 *
 * One file per concern, each with a header of its own that says at the
 * top what it exports and what it depends on.  "X depends on Y" when X.c
 * or X.h includes Y.h; the graph has no cycle (scripts/check-includes.sh
 * checks it).  From the bottom up:
 *
 *   compat.h     every difference between the kernels we build for
 *   task.c/h     reading a task: its nine groups, its cumulative values
 *   quota.c/h    what one unprivileged user may make the module hold
 *   hooks.c/h    attaching kprobes and tracepoints; their hit/miss counters
 *   group.c/h    the group table: RCU hash, counters, eviction, snapshots
 *   walk.c/h     walks of all tasks: start-up count, live sums, visibility
 *   events.c/h   the event stream: per-CPU rings, subscribers, delivery
 *   track.c/h    the hook handlers: which task joins or leaves which group
 *   loadavg.c/h  per-group load averages, every 5 seconds
 *   testknob.c/h the test build's knobs (nsbox-knobs.ko only)
 *   netlink.c/h  the generic-netlink family: policies and command handlers
 *   nsbox.h      this map, and the release (from ../VERSION)
 *   main.c       module init/exit, modinfo
 */
#ifndef _NSBOX_H
#define _NSBOX_H

#include "../uapi/linux/nsbox.h"

#ifndef NSBOX_VERSION
#error "NSBOX_VERSION comes from the top-level VERSION file (kmod/Kbuild)"
#endif

#endif /* _NSBOX_H */
