/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code that runs only inside a box, between clone3() and execve(): the
 * first process (child.c), the mounts (mount.c), PID 1 (init.c) until it
 * execs its own program (image.c, from box/pid1/).  A
 * failure here cannot be printed (stderr may be the box's log): it goes
 * to the monitor through the error pipe with box_fail().
 */
#ifndef NSBOX_BOX_INSIDE_H
#define NSBOX_BOX_INSIDE_H

#include <stdint.h>

#include "box.h"

/* Report a setup failure to the waiting `nsbox run` and exit. */
extern int box_errfd;
extern int box_fail_status;
__attribute__((noreturn, format(printf, 1, 2))) void box_fail(const char *fmt, ...);
/* The box's first process: read "go", set up, become PID 1 (box_init). */
__attribute__((noreturn)) void box_child(struct box_config *c, int go_fd, int err_fd, int null_fd);
/* The child of `nsbox exec`, already in the box's namespaces. */
__attribute__((noreturn)) void box_exec_child(struct box_config *c, const struct box_state *s,
					     int cgns_fd, struct box_io *io);
/* mounts + pivot_root; on return the process's root is the box's root */
void box_mount_setup(const struct box_config *c);
/* capabilities (exactly @caps), no_new_privs, seccomp (+ @allow groups);
 * sec.c, next to the tables --cap-add and --seccomp-allow are checked against */
void box_sec_apply(uint64_t caps, unsigned int allow);
/* Start the command in @c as a child and be PID 1 until it exits. */
__attribute__((noreturn)) void box_init(const struct box_config *c);
/* The command's environment: defaults, then --env. */
char **box_environ(const struct box_config *c);
/* PID 1's program once the box is set up (image.c: box/pid1/nsbox-init) */
extern const unsigned char box_pid1_image[], box_pid1_image_end[];

#endif
