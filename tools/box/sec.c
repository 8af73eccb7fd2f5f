// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - what root inside a box may not do.
 *
 * Namespaces decide what a box sees; these decide what it may do.
 *
 *  - Capabilities.  The box keeps Docker's default set and nothing else
 *    (docs/security.md lists it): CHOWN, DAC_OVERRIDE, FOWNER, FSETID,
 *    KILL, SETGID, SETUID, SETPCAP, SETFCAP, NET_BIND_SERVICE, NET_RAW,
 *    SYS_CHROOT, AUDIT_WRITE -- less MKNOD, which Docker keeps only
 *    because its device cgroup stops the nodes from being opened; nsbox
 *    has no device filter, so a disk's node made in the box would be a
 *    disk.  --cap-add and --cap-drop change the set.  The set is applied
 *    to the bounding, permitted, effective and inheritable sets: once
 *    out of the bounding set a capability never comes back, not even
 *    through a setuid-root program.
 *  - no_new_privs: execve() can no longer grant privileges (setuid bits
 *    and file capabilities are ignored).
 *  - seccomp, an allowlist (libseccomp compiles it to BPF): the system
 *    calls a program needs are allowed; the ones that reach the whole
 *    machine or let a box rebuild its own view fail with EPERM (module
 *    loading, kexec, the keyring, bpf, perf, mount, namespaces, ...); any
 *    other one -- one this table has never heard of, added by a newer
 *    kernel -- fails with ENOSYS, as on an older kernel, so a C library
 *    falls back to what it used before (clone3 -> clone, whose namespace
 *    flags are then filtered).  --seccomp-allow GROUP turns a named group
 *    of denied calls back on.  As in Docker's default profile, a few calls
 *    are allowed only to a box that keeps the capability they belong to
 *    (--cap-add SYS_PTRACE, SYS_NICE), and socket() only for the address
 *    families it does not deny (AF_VSOCK, AF_ALG).  A 32-bit (int 0x80) or x32 system call is
 *    not in the table's architecture and kills the process.
 */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <cap-ng.h>
#include <seccomp.h>

#include "box.h"
#include "dl.h"		/* after the libraries' headers: their calls go through it */
#include "inside.h"
#include "util.h"

/* ---- capabilities -------------------------------------------------------- */

static const int default_caps[] = {
	CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL,
	CAP_SETGID, CAP_SETUID, CAP_SETPCAP, CAP_SETFCAP, CAP_NET_BIND_SERVICE,
	CAP_NET_RAW, CAP_SYS_CHROOT, CAP_AUDIT_WRITE,
};

/* Added with --cap-add, these give a box root's power over the machine. */
static const int dangerous_caps[] = {
	CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_PTRACE,
	CAP_SYS_BOOT, CAP_MKNOD, CAP_DAC_READ_SEARCH, CAP_NET_ADMIN, CAP_BPF,
	CAP_PERFMON, CAP_SYS_TIME, CAP_MAC_ADMIN, CAP_MAC_OVERRIDE,
	CAP_SYSLOG, CAP_SYS_RESOURCE, CAP_LINUX_IMMUTABLE,
};

uint64_t box_caps_default(void)
{
	uint64_t m = 0;

	for (size_t i = 0; i < ARRAY_SIZE(default_caps); i++)
		m |= 1ULL << default_caps[i];
	return m;
}

bool box_cap_dangerous(int cap)
{
	for (size_t i = 0; i < ARRAY_SIZE(dangerous_caps); i++)
		if (dangerous_caps[i] == cap)
			return true;
	return false;
}

/* "NET_ADMIN", "cap_net_admin", "net_admin" -> CAP_NET_ADMIN; -1 if unknown. */
int box_cap_from_name(const char *name)
{
	char low[64];
	size_t i;

	if (!strncasecmp(name, "cap_", 4))
		name += 4;
	for (i = 0; name[i] && i < sizeof(low) - 1; i++)
		low[i] = tolower((unsigned char)name[i]);
	low[i] = '\0';
	if (name[i])
		return -1;
	return capng_name_to_capability(low);
}

static int cap_item(const char *t, void *arg)
{
	uint64_t *mask = arg;
	int cap;

	if (!strcasecmp(t, "all")) {
		*mask |= ~0ULL;
		return 0;
	}
	cap = box_cap_from_name(t);
	if (cap < 0 || cap > 63)
		return -EINVAL;
	*mask |= 1ULL << cap;
	return 0;
}

int box_parse_caps(const char *list, uint64_t *mask)
{
	if (strlen(list) >= 1024)
		return -EINVAL;
	return box_each_item(list, cap_item, mask);
}

const char *box_cap_name(int cap)
{
	const char *n = capng_capability_to_name(cap);

	return n ? n : "?";
}

int box_caps_keep(uint64_t caps)
{
	capng_clear(CAPNG_SELECT_BOTH);
	for (int cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++) {
		if (!(caps & (1ULL << cap)))
			continue;
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				 CAPNG_INHERITABLE | CAPNG_BOUNDING_SET, cap)) {
			errno = EINVAL;
			return -1;
		}
	}
	return capng_apply(CAPNG_SELECT_BOTH) ? -1 : 0;
}

static void apply_caps(uint64_t caps)
{
	if (box_verbose) {
		char list[1024] = "";
		size_t off = 0;

		for (int cap = 0; cap <= CAP_LAST_CAP && cap < 64; cap++)
			if (caps & (1ULL << cap))
				off += snprintf(list + off, sizeof(list) - off, "%scap_%s",
						off ? "," : "", box_cap_name(cap));
		box_step("capsh --caps='%s=eip' --bounding-set: only these", list);
	}
	if (box_caps_keep(caps))
		box_fail("cannot set the capabilities (capng_apply): %s", strerror(errno));
}

/* ---- seccomp ------------------------------------------------------------- */

/*
 * Allowed whatever the options: what programs use to compute, do I/O,
 * manage their own processes, memory, files, sockets, signals, timers and
 * IPC.  Names this architecture does not have are skipped.
 */
static const char *const allowed_syscalls[] = {
	"accept", "accept4", "access", "alarm", "arch_prctl", "bind", "brk",
	"cachestat", "capget", "capset", "chdir", "chmod", "chown", "chroot",
	"clock_getres", "clock_gettime", "clock_nanosleep", "close",
	"close_range", "connect", "copy_file_range", "creat", "dup", "dup2",
	"dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait",
	"epoll_pwait2", "epoll_wait", "eventfd", "eventfd2", "execve",
	"execveat", "exit", "exit_group", "faccessat", "faccessat2",
	"fadvise64", "fallocate", "fanotify_mark", "fchdir", "fchmod",
	"fchmodat", "fchmodat2", "fchown", "fchownat", "fcntl", "fdatasync",
	"fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
	"fsetxattr", "fstat", "fstatfs", "fsync", "ftruncate", "futex",
	"futex_requeue", "futex_wait", "futex_waitv", "futex_wake",
	"futimesat", "get_robust_list", "get_thread_area",
	"getcpu", "getcwd", "getdents", "getdents64", "getegid", "geteuid",
	"getgid", "getgroups", "getitimer", "getpeername", "getpgid",
	"getpgrp", "getpid", "getppid", "getpriority", "getrandom",
	"getresgid", "getresuid", "getrlimit", "getrusage", "getsid",
	"getsockname", "getsockopt", "gettid", "gettimeofday", "getuid",
	"getxattr", "inotify_add_watch", "inotify_init", "inotify_init1",
	"inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents",
	"io_pgetevents", "io_setup", "io_submit", "ioprio_get", "ioprio_set",
	"kill", "landlock_add_rule", "landlock_create_ruleset",
	"landlock_restrict_self", "lchown", "lgetxattr", "link", "linkat",
	"listen", "listxattr", "llistxattr", "lremovexattr", "lseek",
	"lsetxattr", "lstat", "madvise", "map_shadow_stack", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir",
	"mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap",
	"mprotect", "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive",
	"mq_timedsend", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
	"msgsnd", "msync", "munlock", "munlockall", "munmap",
	"name_to_handle_at", "nanosleep", "newfstatat", "open", "openat",
	"openat2", "pause", "pidfd_open", "pidfd_send_signal",
	"pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll",
	"ppoll", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
	"process_mrelease", "process_vm_readv",
	"process_vm_writev", "pselect6", "ptrace", "pwrite64", "pwritev",
	"pwritev2", "read", "readahead", "readlink", "readlinkat", "readv",
	"recvfrom", "recvmmsg", "recvmsg", "remap_file_pages", "removexattr",
	"rename", "renameat", "renameat2", "restart_syscall", "rmdir", "rseq",
	"rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo",
	"rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
	"rt_tgsigqueueinfo", "sched_get_priority_max",
	"sched_get_priority_min", "sched_getaffinity", "sched_getattr",
	"sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
	"sched_setaffinity", "sched_setattr", "sched_setparam",
	"sched_setscheduler", "sched_yield", "seccomp", "select", "semctl",
	"semget", "semop", "semtimedop", "sendfile", "sendmmsg", "sendmsg",
	"sendto", "set_robust_list", "set_thread_area",
	"set_tid_address", "setdomainname", "setfsgid", "setfsuid", "setgid",
	"setgroups", "sethostname", "setitimer", "setpgid", "setpriority",
	"setregid", "setresgid", "setresuid", "setreuid", "setrlimit",
	"setsid", "setsockopt", "setuid", "setxattr", "shmat", "shmctl",
	"shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4",
	"socketpair", "splice", "stat", "statfs", "statx", "symlink",
	"symlinkat", "sync", "sync_file_range", "syncfs", "sysinfo", "tee",
	"tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun",
	"timer_gettime", "timer_settime", "timerfd_create", "timerfd_gettime",
	"timerfd_settime", "times", "tkill", "truncate", "umask", "uname",
	"unlink", "unlinkat", "ustat", "utime", "utimensat", "utimes", "vfork",
	"vmsplice", "wait4", "waitid", "write", "writev",
};

/*
 * Denied with EPERM unless --seccomp-allow names the group.  clone() is
 * in "ns" only with namespace flags: without them it is always allowed.
 */
static const struct {
	const char *group;
	unsigned int bit;
	const char *const calls[16];
} groups[] = {
	{ "mount", BOX_ALLOW_MOUNT,
	  { "mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree",
	    "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr" } },
	{ "ns", BOX_ALLOW_NS, { "unshare", "setns", "clone3" } },
	{ "keyring", BOX_ALLOW_KEYRING, { "add_key", "request_key", "keyctl" } },
	{ "perf", BOX_ALLOW_PERF, { "perf_event_open" } },
	{ "bpf", BOX_ALLOW_BPF, { "bpf" } },
	{ "io_uring", BOX_ALLOW_IO_URING,
	  { "io_uring_setup", "io_uring_enter", "io_uring_register" } },
	{ "userfaultfd", BOX_ALLOW_USERFAULTFD, { "userfaultfd" } },
};

/* Never, whatever the options: they act on the whole machine. */
static const char *const denied_syscalls[] = {
	"init_module", "finit_module", "delete_module", "create_module",
	"kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct",
	"settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "stime",
	"iopl", "ioperm", "open_by_handle_at", "lookup_dcookie", "syslog",
	"quotactl", "quotactl_fd", "nfsservctl", "vm86", "vm86old", "uselib",
	"_sysctl", "get_kernel_syms", "query_module", "vhangup",
	"fanotify_init", "personality", "modify_ldt",
};

/*
 * Allowed only to a box that keeps the capability (--cap-add), as in
 * Docker's profile; EPERM otherwise.  SYS_PTRACE: another process's
 * descriptors (pidfd_getfd), memory advice (process_madvise) and kernel
 * object identities (kcmp).  SYS_NICE: where memory comes from on a NUMA
 * machine.  (ptrace and process_vm_readv/writev stay allowed, as in
 * Docker: the kernel's ptrace access check guards them.)
 */
static const struct {
	int cap;
	const char *const calls[8];
} cap_calls[] = {
	{ CAP_SYS_PTRACE, { "kcmp", "pidfd_getfd", "process_madvise" } },
	{ CAP_SYS_NICE, { "get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node" } },
};

/*
 * socket(): every address family but these two, as in Docker's profile:
 * AF_VSOCK reaches the hypervisor and the other VMs' services, AF_ALG the
 * kernel's crypto code (a history of bugs).
 */
static const int denied_families[] = { AF_ALG, AF_VSOCK };

static int allow_item(const char *t, void *arg)
{
	unsigned int *mask = arg;

	for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
		if (!strcmp(t, groups[i].group)) {
			*mask |= groups[i].bit;
			return 0;
		}
	}
	return -EINVAL;
}

int box_parse_allow(const char *list, unsigned int *mask)
{
	if (strlen(list) >= 256)
		return -EINVAL;
	return box_each_item(list, allow_item, mask);
}

const char *box_allow_groups(void)
{
	return "mount, ns, keyring, perf, bpf, io_uring, userfaultfd";
}

static void rule(scmp_filter_ctx ctx, uint32_t action, const char *name)
{
	int nr = seccomp_syscall_resolve_name(name), err;

	if (nr == __NR_SCMP_ERROR)
		return;		/* not on this architecture */
	err = seccomp_rule_add(ctx, action, nr, 0);
	/* -EACCES: the same action as the default one, nothing to add */
	if (err && err != -EDOM && err != -EEXIST && err != -EACCES)
		box_fail("seccomp rule for %s: %s", name, strerror(-err));
}

/* The clone() flags that make namespaces (CLONE_NEWTIME is clone3-only). */
#define BOX_CLONE_NS_FLAGS (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
			    CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

/*
 * socket(): allowed when the family is a non-negative int other than the
 * denied ones, EPERM for those.  The kernel reads the family as a 32-bit
 * int, but seccomp sees the whole 64-bit register: "family > AF_VSOCK"
 * would let 0x100000028 through, which the kernel reads as AF_VSOCK.  So
 * each allowed range [lo, hi] is cut into aligned power-of-two blocks,
 * each one masked compare on all 64 bits (the upper half must be 0), and
 * the denied families are matched on the lower 32 bits only.  Anything
 * else (a family with garbage above bit 31) fails as unknown: ENOSYS.
 */
static int allow_range(scmp_filter_ctx ctx, int nr, uint64_t lo, uint64_t hi)
{
	int err = 0;

	while (!err && lo <= hi) {
		uint64_t size = 1;

		while (!(lo & size) && lo + 2 * size - 1 <= hi && size < (1ULL << 32))
			size *= 2;
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, ~(size - 1), lo));
		lo += size;
	}
	return err;
}

static void socket_rules(scmp_filter_ctx ctx)
{
	int nr = SCMP_SYS(socket), err = 0;
	uint64_t lo = 0;

	for (size_t i = 0; !err && i <= ARRAY_SIZE(denied_families); i++) {
		uint64_t hi = i < ARRAY_SIZE(denied_families) ? (uint64_t)denied_families[i] - 1 :
			INT32_MAX;

		if (lo <= hi && hi != UINT64_MAX)
			err = allow_range(ctx, nr, lo, hi);
		if (!err && i < ARRAY_SIZE(denied_families)) {
			err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1,
					       SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffu,
						       denied_families[i]));
			lo = denied_families[i] + 1;
		}
	}
	if (err)
		box_fail("seccomp rule for socket: %s", strerror(-err));
}

static void load_seccomp(uint64_t caps, unsigned int allow)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(ENOSYS));
	size_t nrules = ARRAY_SIZE(allowed_syscalls);
	int err;

	if (!ctx)
		box_fail("seccomp_init failed");
	for (size_t i = 0; i < ARRAY_SIZE(allowed_syscalls); i++)
		rule(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i]);
	for (size_t i = 0; i < ARRAY_SIZE(denied_syscalls); i++)
		rule(ctx, SCMP_ACT_ERRNO(EPERM), denied_syscalls[i]);
	for (size_t g = 0; g < ARRAY_SIZE(cap_calls); g++)
		for (size_t i = 0; cap_calls[g].calls[i]; i++)
			rule(ctx, (caps & (1ULL << cap_calls[g].cap)) ? SCMP_ACT_ALLOW :
			     SCMP_ACT_ERRNO(EPERM), cap_calls[g].calls[i]);
	socket_rules(ctx);
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		for (size_t i = 0; groups[g].calls[i]; i++) {
			uint32_t act = SCMP_ACT_ERRNO(EPERM);

			if (allow & groups[g].bit)
				act = SCMP_ACT_ALLOW;
			else if (!strcmp(groups[g].calls[i], "clone3"))
				act = SCMP_ACT_ERRNO(ENOSYS);	/* libc falls back to clone */
			rule(ctx, act, groups[g].calls[i]);
			nrules++;
		}
	}
	if (allow & BOX_ALLOW_NS) {
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0);
	} else {
		/* allowed without namespace flags, EPERM with any of them */
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, BOX_CLONE_NS_FLAGS, 0));
		for (int bit = 0; !err && bit < 64; bit++) {
			uint64_t f = 1ULL << bit;

			if (BOX_CLONE_NS_FLAGS & f)
				err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone),
						       1, SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
		}
	}
	if (err && err != -EEXIST)
		box_fail("seccomp rule for clone: %s", strerror(-err));
	/*
	 * TIOCSTI types into the terminal: into the host's shell, if it is
	 * one.  The kernel reads the command as 32 bits, so the upper half
	 * of the argument must not hide it: compare the lower half only.
	 */
	err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
			       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI));
	/*
	 * Every other command is allowed.  libseccomp has no masked "not
	 * equal", and an unconditional rule would override the one above:
	 * so one rule per bit, "this bit differs from TIOCSTI's", OR-ed.
	 */
	for (int bit = 0; !err && bit < 32; bit++) {
		uint64_t m = 1ULL << bit;

		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, m, ~(uint64_t)TIOCSTI & m));
	}
	if (err && err != -EEXIST)
		box_fail("seccomp rule for ioctl: %s", strerror(-err));
	box_step("# seccomp: a table of %zu system calls; allowed, or EPERM for the machine-wide "
		 "ones; any other fails with ENOSYS", nrules);
	err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err)
		box_fail("cannot load the seccomp filter: %s", strerror(-err));
}

void box_sec_apply(uint64_t caps, unsigned int allow)
{
	apply_caps(caps);
	box_step("setpriv --no-new-privs");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		box_fail("prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
	load_seccomp(caps, allow);
}
