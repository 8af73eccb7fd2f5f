/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - knobs of the test build (NSBOX_TEST_KNOBS, nsbox-knobs.ko).
 *
 * Exports (testknob.c, only in the test build): nsbox_knob_get_group(),
 * called by GET_GROUP between finding a group and building the reply
 * (test_evict_in_get evicts it there); nsbox_knob_drain(), called by the
 * event drain with the subscribers' lock held (test_drain_hold_ms holds
 * it that long, so that a socket's release meets a drain in progress);
 * nsbox_knob_reset(), called by RESET between its first walk and its
 * change of the groups (test_reset_hold holds it there until released).
 * test_hook_miss counts misses for a hook, as the kernel's would be.
 * In nsbox.ko they are empty inlines.
 * Depends on: group.h (testknob.c).
 */
#ifndef _NSBOX_TESTKNOB_H
#define _NSBOX_TESTKNOB_H

#include <linux/types.h>

#ifdef NSBOX_TEST_KNOBS
void nsbox_knob_get_group(u8 kind, u64 id);
void nsbox_knob_drain(void);
void nsbox_knob_reset(void);
#else
static inline void nsbox_knob_get_group(u8 kind, u64 id)
{
}

static inline void nsbox_knob_drain(void)
{
}

static inline void nsbox_knob_reset(void)
{
}
#endif

#endif /* _NSBOX_TESTKNOB_H */
