// SPDX-License-Identifier: GPL-2.0
/*
 * box_helper - small probes run inside (and outside) boxes by box.sh.
 * Linked statically so `nsbox rootfs create --add` needs no libraries.
 *
 *   box_helper shm-create KEY   make a SysV shared memory segment
 *   box_helper shm-check KEY    exit 0 if segment KEY is visible, else 1
 *   box_helper hog MB           allocate and touch MB MiB, 1 MiB at a time
 *   box_helper hold MB          MemFree and MemAvailable of /proc/meminfo
 *                               (kB) before and while MB MiB are touched
 *   box_helper cpus             get_nprocs() and sysconf(_SC_NPROCESSORS_ONLN)
 *   box_helper cgroupns PID PROG [ARG...]
 *                               run PROG in PID's cgroup namespace
 *   box_helper views-loop       read the views and sysinfo(2) 100 times a
 *                               second for ever (views.sh)
 *   box_helper sysinfo          sysinfo(2): "TOTALRAM FREERAM TOTALSWAP PROCS
 *                               LOAD1 LOAD5 LOAD15 UPTIME" (bytes; loads x 65536)
 *   box_helper forks N          fork N sleeping children; print how many
 *                               succeeded and the first error
 *   box_helper escape MARKER    the classic chroot escape, then tell if
 *                               MARKER (a host-only path) is reachable
 *   box_helper modules          try delete_module/init_module: print errno
 *   box_helper as-user ID CMD.. run CMD with uid = gid = ID, no groups
 *   box_helper sup-request SOCK MSG  send MSG to a box monitor's socket,
 *                               shut down the sending side, print the
 *                               reply ("" MSG: connect, hang up)
 *   box_helper sup-attach SOCK  attach to a -t box's monitor, print its
 *                               reply; on SIGUSR1 send three window sizes,
 *                               print "sent", then read until the exit
 *                               frame: print "exit CODE", or why not
 *   box_helper mem-anon MB      print "ready"; on SIGUSR1 map MB MiB of
 *                               anonymous memory, touch every page, print
 *                               "touched"; then wait (mem.sh)
 *   box_helper mem-file PATH MB the same with MB MiB of the file PATH,
 *                               mapped MAP_SHARED and read: "mapped"
 *   box_helper mem-huge GIB TOUCH  map GIB GiB (MAP_NORESERVE), touch its
 *                               first page if TOUCH is 1, print "huge";
 *                               then wait
 *   box_helper mem-lab PATH FILE_MB ANON_MB RESV_MB
 *                               the memory lab (tests/labs/memory.sh): map
 *                               RESV_MB anonymous and never touch it, FILE_MB
 *                               of the file PATH MAP_SHARED and read every
 *                               page, ANON_MB anonymous and write every
 *                               page; print "ready", then wait
 *   box_helper scenario         start and join a thread, then allocate
 *                               until the OOM killer comes (events.sh)
 *   box_helper forks-exit N     fork N children that exit at once
 *   box_helper forks-print N    the same, printing "PARENT CHILD" pids
 *   box_helper timens-vfork-exec  unshare a time namespace for the
 *                               children, vfork, exec sleep in the child
 *                               (which enters it at exec); print its pid,
 *                               or "refused ERROR" and exit 3 if the
 *                               kernel refuses the vfork (before 6.2)
 *   box_helper nsid FILE        ioctl(NS_GET_ID) on a /proc/PID/ns file:
 *                               the id, or "none" where the kernel has none
 *   box_helper listns           listns(2) (6.19+): the 64-bit id of every
 *                               active namespace, one per line; "none"
 *                               and exit 3 where the kernel has none
 *   box_helper die SIG          die of signal SIG even if it is ignored or
 *                               blocked (the shell ignores SIGQUIT in jobs)
 *   box_helper reap SECS PROG [ARG...]
 *                               run PROG as a child subreaper: SIGKILL it
 *                               after SECS, then SIGKILL whatever it left
 *                               running (orphans come to us); exit with
 *                               its status (128 + signal if killed)
 *   box_helper creds MODE       (as root) become uid 1000 and sleep:
 *                               plain, saved0 (saved uid stays 0, as in a
 *                               setuid program) or nodump (not dumpable);
 *                               prints "ready" once its ids and dumpable
 *                               flag are final
 */
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int forks(int n)
{
	pid_t *kids = calloc(n, sizeof(pid_t));
	int ok = 0, err = 0;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			err = errno;
			break;
		}
		kids[ok++] = p;
	}
	printf("ok=%d err=%s\n", ok, err ? strerror(err) : "none");
	fflush(stdout);
	for (int i = 0; i < ok; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	return 0;
}

static int escape(const char *marker)
{
	/* chroot into a subdirectory while keeping the cwd outside it,
	 * then walk up with "..": escapes a plain chroot(), not pivot_root. */
	mkdir("/tmp/esc", 0755);
	if (chroot("/tmp/esc")) {
		printf("chroot: %s\n", strerror(errno));
		return 2;
	}
	for (int i = 0; i < 64; i++)
		if (chdir(".."))
			break;
	if (chroot(".")) {
		printf("chroot .: %s\n", strerror(errno));
		return 2;
	}
	printf("%s\n", access(marker, F_OK) == 0 ? "escaped" : "contained");
	return 0;
}

static void *thread_fn(void *arg)
{
	return arg;
}

/* Kill and reap every child until none is left (we are a subreaper). */
static void reap_all(void)
{
	for (;;) {
		char path[64], buf[512];
		int found = 0;
		DIR *d = opendir("/proc");
		struct dirent *e;

		if (!d)
			return;
		while ((e = readdir(d))) {
			FILE *f;
			char *p;
			int ppid;

			if (e->d_name[0] < '1' || e->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%.20s/stat", e->d_name);
			f = fopen(path, "r");
			if (!f)
				continue;
			p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
			fclose(f);
			if (p && sscanf(p, ") %*c %d", &ppid) == 1 && ppid == getpid()) {
				kill(atoi(e->d_name), SIGKILL);
				found = 1;
			}
		}
		closedir(d);
		while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
			found = 1;
		if (!found)
			return;
		/* killed ones are reaped on the next round */
		waitpid(-1, NULL, __WALL);
	}
}

static int reap_run(int secs, char **argv)
{
	int status;
	pid_t c;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return 2;
	c = fork();
	if (c < 0)
		return 2;
	if (c == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	for (int t = 0; t < secs * 10; t++) {
		if (waitpid(c, &status, WNOHANG) == c)
			goto done;
		usleep(100000);
	}
	kill(c, SIGKILL);
	waitpid(c, &status, 0);
done:
	reap_all();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* MemFree and MemAvailable of /proc/meminfo, in kB, to @kb[0..1]. */
static int memfree(unsigned long long kb[2])
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");
	int got = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		got += sscanf(line, "MemFree: %llu kB", &kb[0]) == 1;
		got += sscanf(line, "MemAvailable: %llu kB", &kb[1]) == 1;
	}
	fclose(f);
	return got == 2 ? 0 : -1;
}

/*
 * "hold MB": MemFree and MemAvailable before and while MB MiB are held
 * (touched, so resident): "FREE AVAIL FREE' AVAIL'" in kB.
 */
static int hold(int mb)
{
	unsigned long long a[2], b[2];
	char *p;

	if (memfree(a))
		return 2;
	p = malloc((size_t)mb << 20);
	if (!p)
		return 3;
	memset(p, 1, (size_t)mb << 20);
	if (memfree(b))
		return 2;
	printf("%llu %llu %llu %llu\n", a[0], a[1], b[0], b[1]);
	free(p);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "die")) {
		/* killed by signal N whatever the caller ignored or blocked */
		int sig = atoi(argv[2]);
		sigset_t set;

		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		return 1;
	}
	if (argc >= 4 && !strcmp(argv[1], "reap"))
		return reap_run(atoi(argv[2]), argv + 3);
	if (argc == 3 && !strcmp(argv[1], "shm-create")) {
		int id = shmget(atoi(argv[2]), 4096, IPC_CREAT | 0600);

		if (id < 0) {
			perror("shmget");
			return 1;
		}
		printf("%d\n", id);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "shm-check"))
		return shmget(atoi(argv[2]), 0, 0) < 0 ? 1 : 0;
	if (argc == 3 && !strcmp(argv[1], "hog")) {
		int mb = atoi(argv[2]);

		for (int i = 0; i < mb; i++) {
			char *p = malloc(1 << 20);

			if (!p)
				return 3;
			memset(p, 1, 1 << 20);
		}
		printf("survived %d MiB\n", mb);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "forks"))
		return forks(atoi(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return hold(atoi(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "cgroupns")) {
		/* busybox nsenter has no -C */
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%s/ns/cgroup", argv[2]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWCGROUP)) {
			perror(path);
			return 2;
		}
		execv(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	if (argc == 2 && !strcmp(argv[1], "views-loop")) {
		/*
		 * A box reading its views for ever, 100 times a second (not a
		 * spin: 50 of them must leave the machine room to start the
		 * next box): each file opened and read whole, sysinfo(2), and
		 * a read at 0 of a descriptor opened once (as top does); says
		 * "fd-read-failed" once that read fails (the module unloaded).
		 */
		static const char *const files[] = { "/proc/meminfo", "/proc/loadavg",
						     "/sys/devices/system/cpu/online" };
		const struct timespec pace = { 0, 10000000 };
		int held = open("/proc/meminfo", O_RDONLY | O_CLOEXEC), said = 0;
		char buf[8192];
		struct sysinfo si;

		for (;;) {
			for (unsigned int i = 0; i < 3; i++) {
				int fd = open(files[i], O_RDONLY | O_CLOEXEC);

				if (fd >= 0) {
					while (read(fd, buf, sizeof(buf)) > 0)
						;
					close(fd);
				}
			}
			sysinfo(&si);
			if (pread(held, buf, sizeof(buf), 0) < 0 && !said++) {
				printf("fd-read-failed\n");
				fflush(stdout);
			}
			nanosleep(&pace, NULL);
		}
	}
	if (argc == 2 && !strcmp(argv[1], "sysinfo")) {
		struct sysinfo si;

		if (sysinfo(&si))
			return 2;
		/* what busybox free and htop read: bytes, tasks, loads x 65536 */
		printf("%llu %llu %llu %u %lu %lu %lu %ld\n",
		       (unsigned long long)si.totalram * si.mem_unit,
		       (unsigned long long)si.freeram * si.mem_unit,
		       (unsigned long long)si.totalswap * si.mem_unit, si.procs,
		       si.loads[0], si.loads[1], si.loads[2], si.uptime);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "cpus")) {
		/* what glibc tells a program: /sys/devices/system/cpu/online */
		printf("%d %ld\n", get_nprocs(), sysconf(_SC_NPROCESSORS_ONLN));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "escape"))
		return escape(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "modules")) {
		long r1 = syscall(SYS_delete_module, "nsbox", O_NONBLOCK);
		int e1 = errno;
		long r2 = syscall(SYS_init_module, "", 0, "");
		int e2 = errno;

		printf("delete_module=%s init_module=%s\n", r1 ? strerror(e1) : "ok",
		       r2 ? strerror(e2) : "ok");
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "as-user")) {
		int id = atoi(argv[2]);

		if (setgroups(0, NULL) || setgid(id) || setuid(id)) {
			perror("as-user");
			return 2;
		}
		unsetenv("XDG_RUNTIME_DIR");
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	if (argc == 4 && !strcmp(argv[1], "sup-request")) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		char buf[512];
		ssize_t n;
		int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

		snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[2]);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
			perror("sup-request: connect");
			return 1;
		}
		if (!argv[3][0])
			return 0;
		/* refused at once: the reply may be there, unsent request or not */
		if (send(fd, argv[3], strlen(argv[3]), MSG_NOSIGNAL) < 0)
			perror("sup-request: send");
		/* all sent: as socat does, which a monitor must still answer */
		shutdown(fd, SHUT_WR);
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			perror("sup-request: recv");
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", buf);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "sup-attach")) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		const char *req = "nsbox/1 attach";
		char buf[4200];
		sigset_t usr1;
		ssize_t n;
		int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0), sig;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		snprintf(a.sun_path, sizeof(a.sun_path), "%s", argv[2]);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
		    (n = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0) {
			perror("sup-attach");
			return 1;
		}
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
		sigwait(&usr1, &sig);
		for (int i = 0; i < 3; i++)
			send(fd, "w24 80", 6, MSG_NOSIGNAL);
		printf("sent\n");
		fflush(stdout);
		for (;;) {
			n = recv(fd, buf, sizeof(buf) - 1, 0);
			if (n <= 0) {
				printf("recv: %s\n", n ? strerror(errno) : "end of file");
				return 1;
			}
			buf[n] = '\0';
			if (buf[0] == 'x') {
				printf("exit %s\n", buf + 1);
				return 0;
			}
		}
	}
	if (argc == 4 && !strcmp(argv[1], "mem-huge")) {
		size_t len = (size_t)atoi(argv[2]) << 30;
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		if (atoi(argv[3]))
			p[0] = 1;
		printf("huge\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc == 6 && !strcmp(argv[1], "mem-lab")) {
		size_t file = (size_t)atoi(argv[3]) << 20, anon = (size_t)atoi(argv[4]) << 20;
		size_t resv = (size_t)atoi(argv[5]) << 20;
		volatile unsigned char *f, *a;
		unsigned long sum = 0;
		int fd = open(argv[2], O_RDONLY);

		if (fd < 0) {
			perror("mem-lab: open");
			return 1;
		}
		/* VSS only: a reservation no page of which is ever touched */
		if (mmap(NULL, resv, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED) {
			perror("mem-lab: mmap");
			return 1;
		}
		f = mmap(NULL, file, PROT_READ, MAP_SHARED, fd, 0);
		a = mmap(NULL, anon, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (f == MAP_FAILED || a == MAP_FAILED) {
			perror("mem-lab: mmap");
			return 1;
		}
		/* the file's pages: the page cache's, shared with whoever maps them */
		for (size_t off = 0; off < file; off += 4096)
			sum += f[off];
		/* written: each page a private copy of this process's own */
		for (size_t off = 0; off < anon; off += 4096)
			a[off] = 1;
		printf("ready %lu\n", sum);
		fflush(stdout);
		for (;;)
			pause();
	}
	if ((argc == 3 && !strcmp(argv[1], "mem-anon")) ||
	    (argc == 4 && !strcmp(argv[1], "mem-file"))) {
		bool anon = argc == 3;
		size_t len = (size_t)atoi(argv[argc - 1]) << 20;
		volatile unsigned char *p;
		unsigned long sum = 0;
		sigset_t usr1;
		int fd = -1, sig;

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		printf("ready\n");
		fflush(stdout);
		sigwait(&usr1, &sig);
		if (!anon && (fd = open(argv[2], O_RDONLY)) < 0) {
			perror("mem-file: open");
			return 1;
		}
		p = mmap(NULL, len, anon ? PROT_READ | PROT_WRITE : PROT_READ,
			 anon ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (size_t off = 0; off < len; off += 4096) {
			if (anon)
				p[off] = 1;
			else
				sum += p[off];
		}
		printf("%s %lu\n", anon ? "touched" : "mapped", sum);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc == 2 && !strcmp(argv[1], "scenario")) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_fn, NULL) || pthread_join(t, NULL))
			return 2;
		for (;;) {
			char *p = malloc(1 << 20);

			if (!p)
				return 3;
			memset(p, 1, 1 << 20);
		}
	}
	if (argc == 2 && !strcmp(argv[1], "timens-vfork-exec")) {
		pid_t c;

		if (unshare(0x00000080 /* CLONE_NEWTIME */))
			return 2;
		c = vfork();
		if (c == 0) {
			/* not the caller's stdout: $(...) would wait for sleep */
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0)
				dup2(fd, 1);
			execl("/bin/sleep", "sleep", "1000", (char *)NULL);
			_exit(127);
		}
		if (c < 0) {
			/* before 6.2 the kernel refuses a vfork into another time ns */
			printf("refused %s\n", strerror(errno));
			return 3;
		}
		printf("%d\n", (int)c);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "nsid")) {
		/* NS_GET_ID, _IOR(NSIO, 13, __u64), 6.18+; not in every libc's headers */
		unsigned long long id = 0;
		int fd = open(argv[2], O_RDONLY);

		if (fd < 0)
			return 2;
		if (ioctl(fd, _IOR(0xb7, 13, unsigned long long), &id) < 0) {
			if (errno != ENOTTY && errno != EINVAL)
				return 2;
			puts("none");
		} else {
			printf("%llu\n", id);
		}
		close(fd);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "listns")) {
		/*
		 * listns(2), syscall 470 on x86-64 since 6.19; struct ns_id_req
		 * as linux/nsfs.h has it (VER0, 32 bytes), spelt out because
		 * this machine's headers are older.  Pages by the last id.
		 */
		struct {
			uint32_t size, spare;
			uint64_t ns_id;
			uint32_t ns_type, spare2;
			uint64_t user_ns_id;
		} req = { .size = 32 };
		uint64_t ids[64];
		long n;

		do {
			n = syscall(470, &req, ids, 64, 0);
			if (n < 0) {
				if (errno != ENOSYS)
					return 2;
				puts("none");
				return 3;
			}
			for (long i = 0; i < n; i++)
				printf("%llu\n", (unsigned long long)ids[i]);
			if (n)
				req.ns_id = ids[n - 1];
		} while (n == 64);
		return 0;
	}
	if (argc == 3 && (!strcmp(argv[1], "forks-exit") || !strcmp(argv[1], "forks-print"))) {
		int n = atoi(argv[2]), print = !strcmp(argv[1], "forks-print");

		for (int i = 0; i < n; i++) {
			pid_t c = fork();

			if (c == 0)
				_exit(0);
			if (c > 0) {
				if (print)
					printf("%d %d\n", (int)getpid(), (int)c);
				waitpid(c, NULL, 0);
			}
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "creds")) {
		int saved = !strcmp(argv[2], "saved0") ? 0 : 1000;

		if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) ||
		    setresuid(1000, 1000, saved)) {
			perror("creds");
			return 2;
		}
		/* changing ids made us not dumpable; plain and saved0 undo that */
		prctl(PR_SET_DUMPABLE, strcmp(argv[2], "nodump") ? 1 : 0);
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	fprintf(stderr, "usage: see the comment in box_helper.c\n");
	return 2;
}
