/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - boxes: isolated environments built from namespaces,
 * pivot_root, OverlayFS, cgroup v2 and veth networking (`nsbox run`).
 *
 * One file per concern, in the order `nsbox run` uses them:
 *   box_opts.c    sizes, namespace lists, names (parsing only)
 *   box_state.c   /run/nsbox/NAME/: the box's record, locking, stale boxes
 *   box_cgroup.c  /sys/fs/cgroup/nsbox/NAME: controllers, limits
 *   box_net.c     bridge nsbox0, veth pairs, addresses, routes (libnl-route-3)
 *   nft.c         the bridge's firewall: tables bridge/inet nsbox (libnftables)
 *   box_mount.c   the box's root: overlay, /proc, /dev, /sys, pivot_root
 *   box_sec.c     capabilities (libcap-ng), no_new_privs, seccomp (libseccomp)
 *   dl.c          those libraries, opened with dlopen() (only boxes use them)
 *   box_init.c    PID 1 inside the box: reaps zombies, forwards signals
 *   rootfs.c      `nsbox rootfs create`: busybox and the libraries it needs
 *   run.c         `nsbox run`: the steps above, undone on any failure
 *   supervise.c   the monitor's loop: its socket, signals, --restart
 *   log.c         a detached box's log: records, rotation
 *   boxcmds.c     `nsbox ls`, `exec`, `stop`, `rm`
 *
 * Every step that changes the system can print itself as the equivalent
 * shell command (box_step(), shown with --verbose), so a student can
 * repeat it by hand.  docs/boxes.md walks through the same steps.
 */
#ifndef NSBOX_BOX_H
#define NSBOX_BOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#define BOX_NAME_MAX 32			/* [A-Za-z0-9_.-], first alnum */
#define BOX_CGROUP_ROOT "/sys/fs/cgroup"
#define BOX_CGROUP_PARENT "nsbox"	/* boxes live in /sys/fs/cgroup/nsbox/ */
#define BOX_STATE_ROOT "/run/nsbox"	/* root's boxes; others: see box_state_root() */
#define BOX_DEFAULT_PARENT "/var/lib/nsbox"
#define BOX_DEFAULT_ROOTFS BOX_DEFAULT_PARENT "/rootfs"
#define BOX_TMP_SIZE "64m"		/* /tmp of a box without --overlay */
#define BOX_SHM_SIZE "65536k"		/* /dev/shm, as Docker's --shm-size */
#define BOX_DISK_DEFAULT (1ULL << 30)	/* --disk */
#define BOX_BRIDGE "nsbox0"
#define BOX_BRIDGE_ADDR "10.88.0.1"	/* the host's address on the bridge */
#define BOX_NET_PREFIX 16		/* 10.88.0.0/16 */
#define BOX_NET_CIDR "10.88.0.0/16"

/* --verbose: print "+ CMD" for each step (the equivalent shell command). */
extern bool box_verbose;
void box_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* box_step("echo TEXT > PATH"), then write it (lib/io.h); 0 or -errno */
int box_write(const char *path, const char *text);

/* ---- opts.c ---------------------------------------------------------- */
/* "64M", "1G", "512k", "1048576", "max" -> bytes (UINT64_MAX for max). */
int box_parse_size(const char *s, uint64_t *bytes);
/* "0.5", "2", "max" -> cpu.max quota for a 100000 us period (0 = max). */
int box_parse_cpus(const char *s, uint64_t *quota_us);
/* "mnt,pid,net" -> CLONE_NEW* flags; "all"; "none". */
int box_parse_ns(const char *s, int *flags);
bool box_name_valid(const char *name);
/* @one(item, @arg) for each item of a comma-separated @list, until one
 * returns non-zero (that is the result); -ENOMEM if @list cannot be copied. */
int box_each_item(const char *list, int (*one)(const char *item, void *arg), void *arg);
/* ids a root --user box maps: 65536, as podman and LXC give a container */
#define BOX_SUBID_COUNT 65536
int box_subid_range(const char *file, uid_t uid, uint32_t *base, uint32_t *count);
/*
 * A range of @file that is not @uid's and meets [base, base + count):
 * 1 and its line ("NAME:START:COUNT") in @who, 0 if none (or no file),
 * -errno if @file cannot be read.  Ids two users share are one owner's
 * to signal and ptrace.
 */
int box_subid_overlap(const char *file, uid_t uid, uint32_t base, uint32_t count,
		      char *who, size_t len);
/* The lowest base (BOX_SUBID_MIN or above) of @count ids that no range of
 * @subuid or @subgid but @uid's meets (what to suggest); 0 if none. */
#define BOX_SUBID_MIN 100000	/* useradd's SUB_UID_MIN */
uint32_t box_subid_free(const char *subuid, const char *subgid, uid_t uid, uint32_t count);

/*
 * clone3() arguments: struct clone_args of <linux/sched.h> (size version
 * 2, with the cgroup field), declared here because glibc has no clone3()
 * wrapper.  run.c and boxcmds.c call syscall(SYS_clone3, &args, size).
 */
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct box_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* ---- net.c ----------------------------------------------------------- */
/*
 * All return 0 or -1 after printing one nsbox_err() line that says what
 * failed and what to do.  They use libnl-route-3, never ip(8).
 */
/* Bridge BOX_BRIDGE with BOX_BRIDGE_ADDR/16, IPv6 off, up (made if
 * missing), its tables (box_nft_bridge_ensure()), rp_filter 2 and
 * route_localnet 1 on it, and ip_forward 1 (its old value kept, for
 * box_net_bridge_release() to restore). */
int box_net_bridge_ensure(void);
/* Box @name's port: its rules (box_nft_port_add()), then the veth pair:
 * @host_if on the host, enslaved to the bridge, IPv6 off, up; its peer
 * created directly in the network namespace of @pid, named eth0, with the
 * MAC box_net_mac() makes of @addr. */
int box_net_veth_create(const char *name, const char *host_if, pid_t pid,
			const struct in_addr *addr);
/* 0a:58 and the four bytes of @addr: the MAC of a box's eth0. */
void box_net_mac(const struct in_addr *addr, uint8_t mac[6]);
/* After a bridged box was removed: if no box uses the bridge any more,
 * remove nsbox's tables and the bridge (unless something else is plugged
 * into it).  Call with the state lock held. */
int box_net_bridge_release(void);
/* Inside the network namespace of @pid (setns there and back): lo up and,
 * if @addr is not NULL, eth0 up with @addr/16 and a default route via
 * BOX_BRIDGE_ADDR. */
int box_net_configure(pid_t pid, const struct in_addr *addr);
/* Delete a host-side interface; 0 if it does not exist. */
int box_net_link_delete(const char *ifname);

/*
 * -p [ADDR:]HOSTPORT:BOXPORT[/tcp|/udp]: a port of the host forwarded to
 * the box (tcp if no protocol is given; ADDR: only packets to that
 * address of the host; none: to any of its addresses).  One host port and
 * protocol belongs to one box, whatever the address.
 */
#define BOX_PORTS_MAX 16
struct box_port {
	struct in_addr host;		/* INADDR_ANY: every address of the host */
	uint16_t host_port, box_port;
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
};
/* 0, or -EINVAL with what was wrong in @why (a static string) */
int box_port_parse(const char *spec, struct box_port *p, const char **why);
/* "8080:80/tcp" or "127.0.0.1:8080:80/tcp", items joined by ',' */
void box_ports_format(const struct box_port *p, int n, char *buf, size_t len);
/* the format's list back (a box's state): the count, or -EINVAL */
int box_ports_parse_list(const char *list, struct box_port *p, int max);
const char *box_port_proto(const struct box_port *p);

/* ---- nft.c ----------------------------------------------------------- */
/*
 * nsbox's nftables tables (libnftables, never nft(8)): "bridge nsbox"
 * checks what each box's port puts on the bridge, "inet nsbox" routes for
 * boxes: masquerade out, published ports in, nothing else in.  nft.c
 * shows the layout.  Each call
 * is one transaction, idempotent; 0 or -1 after nsbox_err().
 */
/* @boxes_only: the host routes nothing but the boxes' packets (ip_forward
 * was off before nsbox turned it on) */
int box_nft_bridge_ensure(bool boxes_only);
/* chain box-NAME (the port accepts only @mac, IPv4 from @addr, ARP for
 * both) and the element "@port : jump box-NAME" of map ports */
int box_nft_port_add(const char *name, const char *port, const struct in_addr *addr,
		     const uint8_t mac[6]);
/* remove both (@port "" : the chain only); nothing if they are not there */
int box_nft_port_del(const char *name, const char *port);
/* chain pub-NAME (each port's DNAT to @addr) and an element of map
 * published per port; a port another box published fails it all */
int box_nft_publish(const char *name, const struct in_addr *addr,
		    const struct box_port *ports, int n);
/* remove them; an element that is another box's is left, and then the
 * rest too (one transaction) */
int box_nft_unpublish(const char *name, const char *ip, const struct box_port *ports, int n);
/* delete both tables, if they are there */
int box_nft_remove(void);

/* ---- sec.c ----------------------------------------------------------- */
/* seccomp groups --seccomp-allow turns on (denied by default) */
#define BOX_ALLOW_MOUNT		0x01	/* mount, umount2, the new mount API */
#define BOX_ALLOW_NS		0x02	/* unshare, setns, clone3/clone with CLONE_NEW* */
#define BOX_ALLOW_KEYRING	0x04	/* add_key, request_key, keyctl */
#define BOX_ALLOW_PERF		0x08	/* perf_event_open */
#define BOX_ALLOW_BPF		0x10	/* bpf */
#define BOX_ALLOW_IO_URING	0x20	/* io_uring_* */
#define BOX_ALLOW_USERFAULTFD	0x40	/* userfaultfd */
/* Docker's default capability set less MKNOD, as a mask (bit N = cap N). */
uint64_t box_caps_default(void);
bool box_cap_dangerous(int cap);
int box_cap_from_name(const char *name);
const char *box_cap_name(int cap);
/* "NET_ADMIN,sys_nice", "ALL" -> mask |= ...; -EINVAL on an unknown name */
int box_parse_caps(const char *list, uint64_t *mask);
/* Keep exactly @caps (bit N = cap N) in every set and the bounding set
 * (CAP_SETPCAP leaves last): 0, or -1 with errno. */
int box_caps_keep(uint64_t caps);
/* "mount,ns" -> mask |= BOX_ALLOW_...; -EINVAL on an unknown group */
int box_parse_allow(const char *list, unsigned int *mask);
const char *box_allow_groups(void);

/* ---- rootfs.c -------------------------------------------------------- */
/*
 * A minimal rootfs in @dir: bin/busybox and a symlink per applet, the
 * directories a box mounts on (proc, sys, dev, tmp, ...), etc/passwd,
 * etc/group, etc/hostname, and every @extra program with the shared
 * libraries it needs (DT_NEEDED, found the way ld.so does, recursively,
 * plus the ELF interpreter).  Returns 0 or -1 after nsbox_err().
 */
int rootfs_create(const char *dir, char *const extra[], int nextra);
/* BOX_DEFAULT_ROOTFS, created on first use. */
const char *rootfs_default(void);

/* ---- opts.c (continued) ---------------------------------------------- */
#define BOX_NS_KINDS 8
/* CLONE_NEW* flags in the order setns() joins them (user first, mnt last). */
extern const int box_ns_order[BOX_NS_KINDS];
/* "mnt", "pid", ... as /proc/PID/ns/ names them. */
const char *box_ns_name(int flag);
/* flags -> "mnt,pid,net" */
void box_ns_format(int flags, char *buf, size_t len);

/* ---- what `nsbox run` was asked for ---------------------------------- */
enum box_net_mode { BOX_NET_NONE, BOX_NET_HOST, BOX_NET_BRIDGE };

struct box_config {
	char name[BOX_NAME_MAX + 1];
	char rootfs[4096];
	int rootfs_fd;			/* O_PATH, opened without symlinks (run.c) */
	bool overlay;
	int ns;				/* CLONE_NEW* flags */
	const char *hostname;		/* default: the name */
	enum box_net_mode net;
	const char **env;		/* --env KEY=VALUE, in order */
	int nenv;
	const char *workdir;		/* default "/" */
	char **argv;			/* the command; default /bin/sh */
	uint64_t memory;		/* bytes; 0 = no limit set */
	uint64_t cpu_quota;		/* us per 100 ms; 0 = no limit set */
	uint64_t pids;			/* 0 = no limit set */
	unsigned int io_weight;		/* 1..10000; 0 = not set */
	const char *cpuset;		/* cpuset.cpus, e.g. "0-1,3"; NULL = not set */
	/*
	 * Views (docs/views.md): nsbox.ko's /proc/nsbox files bind-mounted
	 * over the box's /proc/meminfo, /proc/loadavg and
	 * /sys/devices/system/cpu/online, and a time namespace whose clock
	 * since boot starts with the box.  run.c decides; the box obeys.
	 */
	bool views;
	bool views_time;
	bool detach;
	bool rm;			/* remove the box when it exits */
	uint64_t disk;			/* root: size of the state dir's tmpfs */
	uint64_t caps;			/* capabilities the command keeps */
	unsigned int allow;		/* BOX_ALLOW_* seccomp groups */
	/*
	 * A box with a user namespace runs its command one user namespace
	 * deeper than its PID 1 (see box_init.c): these map that inner one.
	 * Root's --user box: a subordinate range of /etc/subuid and
	 * /etc/subgid; anybody else's: 0 -> the caller's ids, one each.
	 */
	uint32_t uid_base, gid_base, id_count;
	/* filled in by run.c */
	char statedir[4096];
	char cgroup[4096];		/* "" = no cgroup of its own */
	char veth[IF_NAMESIZE];
	struct in_addr addr;
	struct box_port ports[BOX_PORTS_MAX];	/* -p, in order */
	int nports;
	bool published;			/* their rules are in (run.c) */
	int logfd;			/* detached: the write end of the stdout pipe */
	int errlogfd;			/* ... and of the stderr pipe (log.c) */
	bool tty;			/* -t: the command on a pty the monitor holds */
	bool attach;			/* -t without -d: `nsbox run` attaches itself */
	int attach_fd;			/* ... through this, the monitor's end; or -1 */
	int ttysock;			/* -t: the box sends the pty's master here */
	/* --restart (supervise.c): when the monitor starts the box again */
	enum box_restart { BOX_RESTART_NO, BOX_RESTART_ON_FAILURE, BOX_RESTART_ALWAYS } restart;
	unsigned int restart_max;	/* on-failure:N; 0 = no limit */
	uint64_t log_size;		/* --log-size: rotate the log at this size */
};

/* ---- views.c --------------------------------------------------------- */
/* Does a time namespace's boottime offset shift /proc/PID/stat's start
 * times too (5.11+)?  Only then may a box's clock start at 0. */
bool box_clock_view_works(void);

/* ---- state.c --------------------------------------------------------- */
/*
 * /run/nsbox/NAME/state holds one "key=value" per line, rewritten
 * atomically (write a temporary file, rename it over).  A box whose state
 * says running but whose PID 1 is gone (or is another process now: the
 * start time in /proc/PID/stat differs) is "stale": its monitor crashed or
 * the machine rebooted; `nsbox rm` and `nsbox run --name` clean it up.
 */
struct box_state {
	char name[BOX_NAME_MAX + 1];
	pid_t pid;			/* the box's PID 1, as the host sees it */
	unsigned long long pid_start;	/* its start time, clock ticks after boot */
	pid_t monitor;			/* the nsbox process waiting for it */
	char status[16];		/* starting, running, exited */
	int exit_code;
	long long created;		/* Unix time */
	char rootfs[4096];
	bool overlay;
	char net[8];			/* none, host, bridge */
	char ip[INET_ADDRSTRLEN];
	char veth[IF_NAMESIZE];
	char ports[BOX_PORTS_MAX * 32];	/* published: box_ports_format() */
	char cgroup[4096];
	uint64_t cgroup_id;
	int ns;
	uint64_t caps;			/* what exec applies: as run did */
	unsigned int allow;
	char views[64];			/* the views in place, e.g. "meminfo,uptime" */
	char restart[24];		/* the policy: "no", "on-failure:3", "always" */
	int restarts;			/* how often the monitor started it again */
	long long started;		/* Unix time its PID 1 last started */
	bool detached;			/* its output is in the log (nsbox logs) */
	uint64_t log_lost;		/* log records disk/ had no room for */
	char command[1024];
};

/* The directory holding all boxes of this user (created on demand). */
const char *box_state_root(void);
/* For unit tests only: keep boxes in @dir instead (never /run/nsbox). */
void box_state_set_root(const char *dir);
int box_state_path(const char *name, char *buf, size_t len);
/* The state root, if it exists, is a directory of ours alone (mode 0700,
 * not a symlink): 0, or -1 after nsbox_err(). */
int box_state_root_check(void);
/* flock() on the state root: one `nsbox run/rm` changes boxes at a time. */
int box_lock(void);
int box_state_write(const struct box_state *s);
/* 0, -ENOENT (no such box), or another -errno. */
int box_state_read(const char *name, struct box_state *s);
/* "running", "exited", "stale", "starting", "restarting" */
const char *box_status(const struct box_state *s);
/* The signal N of an exit status 128+N, else 0 */
int box_exit_signal(int code);
/* An exit status in words: "exit 3", "killed by signal 9" */
void box_exit_format(int code, char *buf, size_t len);
bool box_running(const struct box_state *s);
const char *box_proc_stat(pid_t pid, char *buf, size_t size);
unsigned long long box_proc_start(pid_t pid);
/* Names of all boxes, sorted; returns the count or -1. */
int box_list(char ***names);
void box_list_free(char **names, int n);
/* Remove everything a box owns: cgroup, veth, overlay dirs, state dir. */
int box_destroy(const struct box_state *s);
int box_rm_rf(const char *path);
/* Lowest free address in 10.88.0.0/16 (host is .0.1). */
int box_alloc_addr(struct in_addr *addr);

/* ---- cgroup.c -------------------------------------------------------- */
/* Create BOX_CGROUP_ROOT/nsbox/NAME with the config's limits; the path
 * goes to c->cgroup ("" if the box runs without a cgroup of its own). */
int box_cgroup_create(struct box_config *c);
int box_cgroup_remove(const char *path);
uint64_t box_cgroup_id(const char *path);
const char *box_cgroup_cpuset(const char *path, char *buf, size_t len);
/* Read one "key value" from a flat-keyed file such as cpu.stat. */
int box_cgroup_read_key(const char *path, const char *file, const char *key,
			uint64_t *val);

/* ---- dl.c ------------------------------------------------------------ */
/*
 * The libraries only boxes use are opened with dlopen() when first called
 * (dl.c, dl.h), each on its own: these name them.
 */
#define BOX_LIB_CAPNG	0x1	/* libcap-ng: capabilities (sec.c) */
#define BOX_LIB_SECCOMP	0x2	/* libseccomp: the seccomp filter (sec.c) */
#define BOX_LIB_ROUTE	0x4	/* libnl-route-3: links, addresses, routes (net.c) */
#define BOX_LIB_NFT	0x8	/* libnftables: the bridge's firewall (nft.c) */
/* Open each of @libs not open yet: 0, or -1 after nsbox_err() naming what
 * to install.  For code that must know before it changes anything. */
int box_dl_need(unsigned int libs);
/*
 * This process is about to see the box's files as its own (its mount
 * namespace): a library opened from now on would be the box's.  So none
 * is: one not opened yet is a bug, reported with box_fail().  Whatever
 * the box's set-up calls must have been opened by box_dl_need() before.
 */
void box_dl_seal(void);

/* ---- run.c, exec.c, ctl.c: the runtime -------------------------------- */
/* Exit status of `nsbox run`/`exec` when the box could not be set up or
 * joined: not one the command would usually exit with (126, 127 are). */
#define BOX_EXIT_SETUP 125
/* Start the box @c describes and wait for it (the monitor); returns the
 * exit status.  @notify_fd >= 0 (detached): one byte there once it runs. */
int box_run(struct box_config *c, int notify_fd);
/* Run @c->argv in the running box @s; returns its exit status. */
int box_exec(struct box_config *c, const struct box_state *s);
/*
 * exec and the caller's terminal (relay.c).  A box must never hold a
 * descriptor of the caller's terminal: a process it leaves behind could
 * read what is typed after exec has returned (or make itself the
 * terminal's foreground group), and through /proc/PID/fd a descriptor
 * reopens the terminal however it was opened.  So the command runs in a
 * session of its own, and:
 *  - stdin and stdout terminals: on a pty of the box's own (its devpts),
 *    opened by the child in the box and passed back; exec puts the
 *    caller's terminal in raw mode and copies both ways, window size too;
 *  - otherwise: each of 0-2 that is a terminal becomes a pipe exec copies
 *    to or from; the others are passed as they are.
 * When the command exits, exec copies what is left and closes its ends:
 * the pty is hung up, the pipes broken, for whatever stayed behind.
 */
struct box_io {
	bool pty;
	bool pty_stderr;	/* pty: stderr was a terminal too: the pty's */
	int sock[2];		/* pty: the child sends the master (or an error) */
	int null_fd;		/* pty: the child's stdio until the pty is there */
	int pipe[3][2];		/* no pty: for each terminal of 0-2; -1 if none */
	struct winsize ws;	/* pty: the caller's window size */
};
/* Before the clone: choose, make the socket or pipes.  0, or -1 after nsbox_err(). */
int box_io_prepare(struct box_io *io);
/* Copy until the command (@pid, @pidfd) exits; its wait status, or -1. */
int box_io_relay(struct box_io *io, pid_t pid, int pidfd);
void box_io_close(struct box_io *io);

/* ---- log.c: a detached box's log ------------------------------------ */
#define BOX_LOG_LINE 16384		/* longer lines are split ("P" records) */
#define BOX_LOG_SIZE_DEFAULT (1ULL << 20)	/* --log-size */
struct box_log {
	int dirfd, fd;			/* disk/ and disk/log */
	uint64_t size, max;		/* of "log"; rotate past @max */
	uint64_t lost;			/* records a full disk/ did not take */
	/* each record also goes here (the monitor's followers), newline included */
	void (*tap)(void *arg, const struct iovec *iov, int n);
	void *tap_arg;
	struct box_log_part {
		char buf[BOX_LOG_LINE];
		size_t len;
	} part[2];			/* stdout, stderr: the unfinished line */
	char stamp[64];			/* when the bytes logged now were read */
	char out[65536];		/* records not written yet */
	size_t outlen;
};
/* 0 or -errno */
int box_log_open(struct box_log *l, const char *dir, uint64_t max);
/* Read what pipe @fd of @stream (0 stdout, 1 stderr) holds, log its whole
 * lines.  1 if it read something, 0 if there was nothing to read, -1 at
 * EOF or on an error (stop polling it). */
int box_log_pump(struct box_log *l, int stream, int fd);
/* Log @n bytes of @stream's output (the pty's, for a -t box). */
void box_log_data(struct box_log *l, int stream, const char *buf, size_t n);
/* The unfinished lines, as "P" records (at the end of a run). */
void box_log_flush(struct box_log *l);
void box_log_close(struct box_log *l);

/* ---- supervise.c: the monitor between and around runs ---------------- */
/*
 * The monitor listens on a UNIX socket, STATEDIR/sock (SOCK_SEQPACKET,
 * mode 0600 in a 0700 directory), and checks each peer's credentials
 * (SO_PEERCRED): the box's owner or root.  One request per message, one
 * reply; docs/boxes.md has the protocol.
 */
#define BOX_SUP_PROTO "nsbox/1"
/* --restart: wait 100 ms before the first restart, twice as long before
 * each next one, at most 10 s; after a run of 10 s or more, the wait (not
 * the count of on-failure:N) starts afresh */
#define BOX_RESTART_BACKOFF_MS 100
#define BOX_RESTART_BACKOFF_MAX_MS 10000
#define BOX_RESTART_HEALTHY_S 10
#define BOX_SUP_CLIENTS 16
#define BOX_SUP_DRAIN 256		/* reads of each pipe after PID 1 ended */
struct box_sup {
	const char *name;
	int sigfd;			/* signalfd: SIGCHLD and those forwarded */
	int lsock;			/* listening socket; -1: none */
	dev_t sock_dev;			/* its file: removed at the end if still ours */
	ino_t sock_ino;
	int pipe[2];			/* log pipes' read ends; -1: not detached */
	struct box_log log;
	pid_t pid;			/* the box's PID 1 now; 0 between runs */
	bool stopping;			/* stop asked for: no restart */
	long long kill_at;		/* monotonic ms: SIGKILL then (0: none) */
	bool tty_mode;			/* a -t box: its terminal can be attached */
	int tty;			/* this run's pty master; -1: none (now) */
	struct box_sup_client {
		int fd;
		bool waits;		/* for the end of the run (stop) */
		bool attached;		/* framed messages: the box's terminal */
		bool eof;		/* sent all it will (shut down): not polled */
		bool follows;		/* gets every log record (nsbox logs -f) */
		uint64_t missed;	/* records it was too slow to take */
	} cl[BOX_SUP_CLIENTS];
};
/*
 * After "attach" is answered "ok", the connection carries the terminal,
 * each message one of these bytes and its payload: to the monitor
 * BOX_ATTACH_DATA (keys) and BOX_ATTACH_WINSZ ("ROWS COLS"); from it
 * BOX_ATTACH_DATA (output) and, when the box stopped for good,
 * BOX_ATTACH_EXIT ("CODE").
 */
#define BOX_ATTACH_DATA 'd'
#define BOX_ATTACH_WINSZ 'w'
#define BOX_ATTACH_EXIT 'x'
/* Listen on @statedir/sock; 0 or -1 after nsbox_err(). */
int box_sup_listen(struct box_sup *sup, const char *statedir);
/*
 * Serve requests, copy the log, forward signals, until PID 1 exits (its
 * exit code, >= 0) or @ms pass (-1; @ms < 0: no end).  Between runs
 * (sup->pid 0) a stop request ends the wait at once (-1).
 */
int box_sup_loop(struct box_sup *sup, int ms);
/* The run is over: answer those waiting for it (stop) with @code. */
void box_sup_ended(struct box_sup *sup, int code);
void box_sup_close(struct box_sup *sup, const char *statedir);
/*
 * Client side: send "nsbox/1 @req" to box @s's monitor and read its reply
 * into @reply (waiting up to @ms; -1: no limit).  The connection, open,
 * when the reply is "ok ..."; -EPROTO when it is "error ..." (in @reply
 * without its "error "); -ENOENT or -ECONNREFUSED when the box has no
 * monitor listening; another -errno.
 */
int box_sup_open(const struct box_state *s, const char *req, char *reply, size_t len, int ms);
/* The descriptor sent over @sock (SCM_RIGHTS), or -1 after nsbox_err()
 * (naming @cmd) with the text sent instead, if any. */
int box_recv_fd(int sock, const char *cmd);
/* ---- watch.c: boxes restarting, for nsbox events ---------------------- */
struct box_watch {
	int fd, root_wd;		/* inotify; the state root's watch */
	struct box_watch_entry *e;	/* a box directory's watch, its restarts */
	size_t n, cap;
};
/* Watch this user's boxes (those there now, and those made later): 0 or -errno. */
int box_watch_open(struct box_watch *w);
/* What the inotify descriptor w->fd says (it was readable): @restarted()
 * for each box started again since it was last seen. */
void box_watch_read(struct box_watch *w,
		    void (*restarted)(const struct box_state *s, void *arg), void *arg);
void box_watch_close(struct box_watch *w);

/* ---- attach.c ---------------------------------------------------------- */
/* The detach keys of `nsbox attach`: ctrl-p, ctrl-q (as Docker's) */
#define BOX_DETACH_KEY1 0x10
#define BOX_DETACH_KEY2 0x11
/* Attach this terminal to box @s's (-t); returns the box's exit status
 * when it stopped for good, 0 when detached, 1 (after nsbox_err()) when
 * it could not attach.  @detached: set when the keys detached. */
int box_attach(const struct box_state *s, bool *detached);
/* The same on @sock, a connection the monitor counts as attached already. */
int box_attach_fd(int sock, const char *name, bool *detached);

/* Read box NAME's state; an error (naming @cmd) if there is none. */
int box_find(const char *cmd, const char *name, struct box_state *s);
/* A box is "starting" until it is set up: wait (at most @timeout_s) until
 * its state says otherwise; *@s re-read.  0, or -1 after nsbox_err() naming
 * @cmd (still starting, or gone). */
#define BOX_START_WAIT_S 60
int box_wait_started(const char *cmd, const char *name, struct box_state *s, int timeout_s);
/* Whose /proc/PID/ns/ are the box's (its command's, else PID 1's). */
pid_t box_ns_pid(const struct box_state *s);
/* SIGTERM, then SIGKILL after @timeout_s; waits for the monitor too. */
int box_stop(const struct box_state *s, int timeout_s);

#endif
