// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox_warn_test - a module whose only job is to print a kernel WARNING
 * when loaded.  The harness self-test loads it to prove that a run whose
 * kernel log shows a WARNING fails, even when the test script exits 0.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init nsbox_warn_test_init(void)
{
	WARN(1, "nsbox_warn_test: deliberate warning for the harness self-test\n");
	return 0;
}

static void __exit nsbox_warn_test_exit(void)
{
}

module_init(nsbox_warn_test_init);
module_exit(nsbox_warn_test_exit);
MODULE_DESCRIPTION("nsbox test helper: triggers a WARN on load");
MODULE_LICENSE("GPL");
