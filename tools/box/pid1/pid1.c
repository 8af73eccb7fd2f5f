// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox-init - the box's PID 1 once the box is set up.
 *
 * Until the command runs, PID 1 is a fork of `nsbox run`: it holds the
 * host tool's memory (its command line, environment and heap, --env
 * values included) and its libraries.  /proc/1/cmdline is readable by
 * every process of the box, and box root with CAP_SYS_PTRACE could read
 * the rest.  So once it has started the command, PID 1 execve()s this
 * program instead (inside/init.c), from a sealed memfd: a fresh image
 * with nothing of the host's in it, no file of the host's behind
 * /proc/1/exe, no library mapped.
 *
 * It is built on its own (tools/Makefile), static, without a C library:
 * what it does is six system calls, and a box's rootfs need not hold a
 * loader or a libc for it.  x86-64 only, as the project's kernels are; a
 * port needs another syscall() and _start below.
 *
 *   nsbox-init PID
 *
 * PID is the command, its child.  Everything else it inherits from the
 * process that exec'd it: every signal blocked, no capability, no_new_privs,
 * the seccomp filter, descriptors 0-2 (the box's /dev/null) and 3, the
 * write end of a pipe the command waits on: closed once this program has
 * named itself, so the command starts after PID 1 is nsbox-init for good.
 *
 * Then the job of a namespace's init: reap every child that exits (orphans
 * are re-parented to PID 1), forward every signal it gets to the command,
 * and exit with the command's status (128+N if signal N killed it).
 */
#if !defined(__x86_64__)
#error "nsbox-init: only x86-64 is supported; add this architecture's syscall() and _start"
#endif

#define NR_close		3
#define NR_rt_sigprocmask	14
#define NR_rt_sigtimedwait	128
#define NR_kill			62
#define NR_wait4		61
#define NR_prctl		157
#define NR_exit_group		231

#define SIG_BLOCK		0
#define PR_SET_DUMPABLE		4
#define PR_SET_NAME		15
#define PR_SET_CHILD_SUBREAPER	36
#define SIGCHLD			17
#define WNOHANG			1
#define EINTR			4

static long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys(n, a, b, c) syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)

static __attribute__((noreturn)) void exit_group(int code)
{
	for (;;)
		sys(NR_exit_group, code, 0, 0);
}

/* The command's status as a shell reports it: 128+N for signal N. */
static int exit_code(int status)
{
	int sig = status & 0x7f;

	if (sig == 0)
		return (status >> 8) & 0xff;
	return 128 + sig;	/* (wait4 without WUNTRACED: never "stopped") */
}

__attribute__((noreturn, used)) void nsbox_init_main(long *sp)
{
	char **argv = (char **)(sp + 1);
	unsigned long all = ~0UL;	/* the kernel's 64-bit sigset */
	long child = 0;
	char info[128];			/* siginfo_t: not looked at */

	if (sp[0] < 2)
		exit_group(1);
	for (const char *p = argv[1]; *p; p++) {
		if (*p < '0' || *p > '9')
			exit_group(1);
		child = child * 10 + (*p - '0');
	}
	/* (already blocked before the exec, but for glibc's own two) */
	syscall6(NR_rt_sigprocmask, SIG_BLOCK, (long)&all, 0, sizeof(all), 0, 0);
	sys(NR_prctl, PR_SET_NAME, "nsbox-init", 0);
	sys(NR_prctl, PR_SET_DUMPABLE, 0, 0);
	sys(NR_prctl, PR_SET_CHILD_SUBREAPER, 1, 0);	/* when not a namespace's init */
	sys(NR_close, 3, 0, 0);				/* the command may go */

	for (;;) {
		long p, sig;
		int status;

		while ((p = syscall6(NR_wait4, -1, (long)&status, WNOHANG, 0, 0, 0)) > 0)
			if (p == child)
				exit_group(exit_code(status));
		sig = syscall6(NR_rt_sigtimedwait, (long)&all, (long)info, 0, sizeof(all), 0, 0);
		if (sig > 0 && sig != SIGCHLD)
			sys(NR_kill, child, sig, 0);
	}
}

/* The kernel starts here: argc, argv... on the stack; no C library. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call nsbox_init_main\n"
	"	hlt\n");
