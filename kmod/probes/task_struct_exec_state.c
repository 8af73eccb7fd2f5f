// SPDX-License-Identifier: GPL-2.0
/* 7.x: dumpability and the exec's user namespace moved from the mm to task->exec_state */
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/exec_state.h>

int nsbox_probe(struct task_struct *t);
int nsbox_probe(struct task_struct *t)
{
	struct task_exec_state *es = rcu_dereference(t->exec_state);

	return es->dumpable == TASK_DUMPABLE_OWNER && es->user_ns;
}
