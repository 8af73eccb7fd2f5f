// SPDX-License-Identifier: GPL-2.0
/* 5.14+: task_struct.state was renamed __state (and made unsigned int) */
#include <linux/sched.h>

unsigned int nsbox_probe(struct task_struct *t);
unsigned int nsbox_probe(struct task_struct *t)
{
	return READ_ONCE(t->__state);
}
