// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox_kasan_test - a module whose only job is a use-after-free, for the
 * debug kernel's harness self-test: KASAN must report it, kasan.fault=panic
 * must end the run, and scripts/vm.sh must say so (exit 123).  On a
 * kernel without KASAN it loads and does nothing visible.
 */
#include <linux/module.h>
#include <linux/slab.h>

static int __init nsbox_kasan_test_init(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	/* READ_ONCE so the compiler keeps the load */
	pr_info("nsbox_kasan_test: read after free: %d\n", READ_ONCE(p[8]));
	return 0;
}

static void __exit nsbox_kasan_test_exit(void)
{
}

module_init(nsbox_kasan_test_init);
module_exit(nsbox_kasan_test_exit);
MODULE_DESCRIPTION("nsbox test helper: a deliberate use-after-free for the KASAN self-test");
MODULE_LICENSE("GPL");
