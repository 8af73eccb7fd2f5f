// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox_kprobe_test - a minimal kprobe module: no-op kprobes on the
 * functions nsbox.ko hooks, registered one by one like nsbox does.  Used to
 * tell whether a crash seen while reloading nsbox.ko during a fork storm
 * comes from nsbox or from the kernel's kprobe/ftrace machinery.
 */
#include <linux/kprobes.h>
#include <linux/module.h>

static int nsbox_kprobe_test_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe nsbox_kps[] = {
	{ .symbol_name = "wake_up_new_task", .pre_handler = nsbox_kprobe_test_pre },
	{ .symbol_name = "exit_task_namespaces", .pre_handler = nsbox_kprobe_test_pre },
	{ .symbol_name = "switch_task_namespaces", .pre_handler = nsbox_kprobe_test_pre },
	{ .symbol_name = "commit_creds", .pre_handler = nsbox_kprobe_test_pre },
	{ .symbol_name = "cgroup_freezer_migrate_task", .pre_handler = nsbox_kprobe_test_pre },
	{ .symbol_name = "__oom_kill_process", .pre_handler = nsbox_kprobe_test_pre },
	{ .symbol_name = "proc_free_inum", .pre_handler = nsbox_kprobe_test_pre },
};

static int __init nsbox_kprobe_test_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(nsbox_kps); i++) {
		ret = register_kprobe(&nsbox_kps[i]);
		if (ret) {
			while (i--)
				unregister_kprobe(&nsbox_kps[i]);
			return ret;
		}
	}
	return 0;
}

static void __exit nsbox_kprobe_test_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nsbox_kps); i++)
		unregister_kprobe(&nsbox_kps[i]);
}

module_init(nsbox_kprobe_test_init);
module_exit(nsbox_kprobe_test_exit);
MODULE_DESCRIPTION("nsbox test helper: minimal kprobe module for reload stress");
MODULE_LICENSE("GPL");
