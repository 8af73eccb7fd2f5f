// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - what root inside a box may not do.
 *
 * Namespaces decide what a box sees; these decide what it may do.
 *  - The capability bounding set loses the capabilities that act on the
 *    whole machine (load modules, reboot, set the clock, raw I/O, create
 *    device nodes, ...).  Once out of the bounding set a capability can
 *    never come back, not even through a setuid-root program.  Without a
 *    user namespace, CAP_SYS_ADMIN goes too: it would allow mounting a
 *    cgroup v1 hierarchy and the "release_agent" escape.  In a user
 *    namespace it only covers what that namespace owns, so it stays.
 *  - no_new_privs: execve() can no longer grant privileges (setuid bits
 *    and file capabilities are ignored); it also lets an unprivileged
 *    process install a seccomp filter.
 *  - A seccomp filter (libseccomp compiles it to BPF) makes the system
 *    calls that have no business in a box fail with EPERM, whatever the
 *    capabilities: module loading and unloading, kexec, reboot, swap,
 *    process accounting, the clock, the kernel keyring, open_by_handle_at
 *    (a classic container escape), and the TIOCSTI ioctl (typing into the
 *    host's terminal).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <cap-ng.h>
#include <seccomp.h>

#include "box.h"
#include "util.h"

static const int dropped_caps[] = {
	CAP_SYS_MODULE, CAP_SYS_BOOT, CAP_SYS_TIME, CAP_SYS_RAWIO, CAP_MKNOD,
	CAP_SYS_PTRACE, CAP_SYSLOG, CAP_MAC_ADMIN, CAP_MAC_OVERRIDE,
	CAP_AUDIT_CONTROL, CAP_AUDIT_READ, CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND,
	CAP_SYS_PACCT, CAP_LINUX_IMMUTABLE, CAP_SYS_TTY_CONFIG, CAP_LEASE,
	CAP_BPF, CAP_PERFMON, CAP_CHECKPOINT_RESTORE,
};

static const char *const denied_syscalls[] = {
	"init_module", "finit_module", "delete_module", "create_module",
	"kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime",
	"iopl", "ioperm", "open_by_handle_at", "add_key", "request_key",
	"keyctl", "lookup_dcookie", "syslog", "bpf", "perf_event_open",
	"quotactl", "nfsservctl", "vm86", "vm86old", "uselib", "userfaultfd",
};

static void drop_caps(bool keep_admin)
{
	capng_get_caps_process();
	for (size_t i = 0; i < ARRAY_SIZE(dropped_caps); i++)
		if (capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 CAPNG_INHERITABLE | CAPNG_BOUNDING_SET,
				 dropped_caps[i]) && dropped_caps[i] <= CAP_LAST_CAP)
			box_fail("capng_update(%d) failed", dropped_caps[i]);
	if (!keep_admin)
		capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
			     CAPNG_INHERITABLE | CAPNG_BOUNDING_SET, CAP_SYS_ADMIN);
	box_step("capsh --drop=cap_sys_module,cap_sys_boot,cap_sys_time,cap_sys_rawio,"
		 "cap_mknod,...%s", keep_admin ? "" : ",cap_sys_admin");
	if (capng_apply(CAPNG_SELECT_BOTH))
		box_fail("cannot drop capabilities (capng_apply): %s", strerror(errno));
}

static void load_seccomp(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int err;

	if (!ctx)
		box_fail("seccomp_init failed");
	for (size_t i = 0; i < ARRAY_SIZE(denied_syscalls); i++) {
		int nr = seccomp_syscall_resolve_name(denied_syscalls[i]);

		if (nr == __NR_SCMP_ERROR)
			continue;	/* not on this architecture */
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
		if (err && err != -EDOM)
			box_fail("seccomp rule for %s: %s", denied_syscalls[i], strerror(-err));
	}
	err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	if (err)
		box_fail("seccomp rule for ioctl(TIOCSTI): %s", strerror(-err));
	box_step("# seccomp: %zu system calls and ioctl(TIOCSTI) fail with EPERM",
		 ARRAY_SIZE(denied_syscalls));
	err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err)
		box_fail("cannot load the seccomp filter: %s", strerror(-err));
}

void box_sec_apply(bool keep_admin)
{
	drop_caps(keep_admin);
	box_step("setpriv --no-new-privs");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		box_fail("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	load_seccomp();
}
