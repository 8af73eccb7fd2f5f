/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - the differences between the kernels nsbox builds for.
 *
 * nsbox targets Debian 12's two kernels, 6.1 and 6.12.  Everything that
 * differs between them lives here, so the rest of the module reads as
 * plain kernel code with no version tests.
 *
 * Generic netlink: 6.2 added struct genl_split_ops (separate do/dump
 * entries, each with its own policy).  6.1 only has struct genl_ops, which
 * 6.12 still accepts and converts internally, so nsbox uses genl_ops with
 * a per-op .policy and .maxattr on both.  A family registered with
 * .resv_start_op left at 0 gets strict validation (unknown attributes,
 * reserved header bits, trailing bytes) for every command on both kernels.
 */
#ifndef _NSBOX_COMPAT_H
#define _NSBOX_COMPAT_H

#include <linux/version.h>

/*
 * Nothing else differs yet for the skeleton.  Known differences to come
 * (kprobes, tracepoints, cgroup and namespace internals) are added here,
 * each as a small inline helper or macro with one #if, named nsbox_*.
 */

#endif /* _NSBOX_COMPAT_H */
