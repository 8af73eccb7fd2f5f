/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox - knobs of the test build (NSBOX_TEST_KNOBS, nsbox-knobs.ko).
 *
 * Exports (testknob.c, only in the test build): nsbox_knob_get_group(),
 * called by GET_GROUP between finding a group and building the reply
 * (test_evict_in_get evicts it there).  In nsbox.ko it is an empty inline.
 * Depends on: group.h (testknob.c).
 */
#ifndef _NSBOX_TESTKNOB_H
#define _NSBOX_TESTKNOB_H

#include <linux/types.h>

#ifdef NSBOX_TEST_KNOBS
void nsbox_knob_get_group(u8 kind, u64 id);
#else
static inline void nsbox_knob_get_group(u8 kind, u64 id)
{
}
#endif

#endif /* _NSBOX_TESTKNOB_H */
