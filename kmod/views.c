// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox - views: the files a box reads instead of the machine's.
 *
 * /proc/meminfo, /proc/loadavg, /proc/cpuinfo, /proc/stat, /proc/swaps
 * and /sys/devices/system/cpu/online describe the whole machine.  A box
 * limited to 256 MiB and half a CPU that reads them sizes itself for
 * the machine (a JVM heap, make -j, a database's buffer pool) and is
 * then OOM-killed or throttled.  The kernel keeps the
 * box's numbers (its memory cgroup, its cpu.max), but no file of procfs
 * shows them: a cgroup-aware /proc/meminfo was refused upstream because
 * every program would see different numbers.  nsbox serves the box's
 * numbers in files of its own,
 *
 *	/proc/nsbox/{meminfo,loadavg,cpuinfo,stat,swaps,cpu_online}
 *
 * and `nsbox run` bind-mounts them over the box's /proc/meminfo,
 * /proc/loadavg, /proc/cpuinfo, /proc/stat, /proc/swaps and
 * /sys/devices/system/cpu/online: only a box that asked
 * for views sees them, and nothing polls; each read computes its file.
 *
 * Whose numbers: the reader's box is the root of the reader's cgroup
 * namespace (a box unshares one once it is in its cgroup).  A reader in
 * the machine's cgroup namespace reads the machine's own file, unchanged.
 *
 * Where the numbers come from (docs/views.md gives the policy of each
 * value and compares it with LXCFS):
 *  - limits and usage from the memory cgroup itself (struct mem_cgroup's
 *    page counters, in <linux/memcontrol.h>), up the tree;
 *  - what memory.stat shows (file pages, slab, ...) and cpu.max have no
 *    exported reader on every kernel, so they are read from the box's
 *    cgroup files, below the cgroup2 mount saved when the module loaded:
 *    never by a name resolved in the reader's namespaces;
 *  - the load average from the box's group (loadavg.c).
 *
 * After rmmod the files are gone: a box's bind mounts then fail to open
 * (ENOENT) and an open one fails to read (EIO); procfs waits for reads in
 * progress before the module's code goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/compat.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/kprobes.h>
#include <linux/magic.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/sched/loadavg.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/time_namespace.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "../uapi/linux/nsbox.h"
#include "compat.h"
#include "group.h"
#include "hooks.h"
#include "views.h"

/* a file read whole: the machine's meminfo is ~1.5 KiB, memory.stat ~2 */
#define NSBOX_VIEW_BUF	8192
/* cgroup levels whose cpu.max a box's CPU count honours */
#define NSBOX_VIEW_DEPTH	16

enum { NSBOX_VIEW_MEMINFO, NSBOX_VIEW_LOADAVG, NSBOX_VIEW_CPU_ONLINE, NSBOX_VIEW_CPUINFO,
	NSBOX_VIEW_STAT, NSBOX_VIEW_SWAPS, NSBOX_NR_VIEWS };

static const char *const nsbox_view_host_name[NSBOX_NR_VIEWS] = {
	"/proc/meminfo", "/proc/loadavg", "/sys/devices/system/cpu/online", "/proc/cpuinfo",
	"/proc/stat", "/proc/swaps",
};

/* The machine's files and its cgroup2 mount, as the loader saw them. */
static struct path nsbox_view_host[NSBOX_NR_VIEWS];
static bool nsbox_view_host_ok[NSBOX_NR_VIEWS];
static struct path nsbox_view_cgroot;
static bool nsbox_view_cgroot_ok;
static struct proc_dir_entry *nsbox_view_dir;

/*
 * What a read of a view returns, made in a buffer of its own.  Not a
 * seq_file: a view reads other files of procfs, sysfs and cgroupfs, which
 * are seq_files, and one seq_file's show() reading another would take the
 * same class of lock (struct seq_file's mutex) twice.  The buffer starts
 * at a page and doubles while the view does not fit (a big machine's
 * /proc/stat and /proc/cpuinfo), up to NSBOX_VIEW_OUT_MAX.
 */
#define NSBOX_VIEW_OUT_MIN	PAGE_SIZE
#define NSBOX_VIEW_OUT_MAX	(1024 * 1024)

struct nsbox_vout {
	char *buf;
	size_t len;
	size_t cap;
	bool overflow;
};

static __printf(2, 3) void nsbox_vout_printf(struct nsbox_vout *o, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, args);
	va_end(args);
	if (n >= o->cap - o->len)
		o->overflow = true;
	else
		o->len += n;
}

static void nsbox_vout_write(struct nsbox_vout *o, const char *p, size_t n)
{
	if (n > o->cap - o->len) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

/* The reader's box: its cgroup namespace's root; NULL for the machine. */
static struct cgroup *nsbox_view_box(void)
{
	struct cgroup *cg = current->nsproxy->cgroup_ns->root_cset->dfl_cgrp;

	return cgroup_parent(cg) ? cg : NULL;
}

/* Up to NSBOX_VIEW_BUF - 1 bytes of @f, NUL-terminated; length or -errno. */
static ssize_t nsbox_view_slurp(struct file *f, char *buf)
{
	ssize_t got = 0, n = 0;
	loff_t pos = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	while (got < NSBOX_VIEW_BUF - 1) {
		n = kernel_read(f, buf + got, NSBOX_VIEW_BUF - 1 - got, &pos);
		if (n <= 0)
			break;
		got += n;
	}
	fput(f);
	buf[got] = '\0';
	return n < 0 && !got ? n : got;
}

static ssize_t nsbox_view_read_host(int view, char *buf)
{
	if (!nsbox_view_host_ok[view])
		return -ENOENT;
	return nsbox_view_slurp(dentry_open(&nsbox_view_host[view], O_RDONLY,
					    current_cred()), buf);
}

/* @file of the cgroup whose path below the cgroup2 mount is @dir. */
static ssize_t nsbox_view_read_cg(const char *dir, const char *file, char *buf)
{
	char *name;
	ssize_t n;

	if (!nsbox_view_cgroot_ok)
		return -ENOENT;
	name = kasprintf(GFP_KERNEL_ACCOUNT, "%s%s%s", dir, *dir ? "/" : "", file);
	if (!name)
		return -ENOMEM;
	n = nsbox_view_slurp(nsbox_file_open_root(&nsbox_view_cgroot, name), buf);
	kfree(name);
	return n;
}

/* @cg's path below the cgroup2 root, without the leading '/' ("" root). */
static int nsbox_view_cg_path(struct cgroup *cg, char *buf, size_t len)
{
	int n = kernfs_path(cg->kn, buf, len);

	if (n < 0)
		return n;
	if (n >= len)
		return -ENAMETOOLONG;
	if (buf[0] == '/')
		memmove(buf, buf + 1, n);
	return 0;
}

/* The machine's file, as it is. */
static int nsbox_view_passthrough(struct nsbox_vout *m, int view)
{
	char *buf = kmalloc(NSBOX_VIEW_BUF, GFP_KERNEL_ACCOUNT);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = nsbox_view_read_host(view, buf);
	if (n >= 0)
		nsbox_vout_write(m, buf, n);
	kfree(buf);
	return n < 0 ? n : 0;
}

/*
 * The machine's file @view, line by line, for files that may be longer
 * than one buffer: @fn gets each line with its '\n'.  A line longer than
 * NSBOX_VIEW_BUF comes in pieces; @first is true for the piece that
 * begins a line, which holds all of it or its first NSBOX_VIEW_BUF bytes.
 */
typedef void (*nsbox_line_fn)(void *ctx, const char *p, size_t n, bool first);

/*
 * kernel_read() refuses a file without ->read_iter, which /proc/swaps is
 * (its proc_ops have .proc_read = seq_read): it is a seq_file, which
 * seq_read_iter() reads into a kernel buffer all the same.  Only for
 * files known to be seq_files, opened by their own ->open.
 */
static ssize_t nsbox_view_kread(struct file *f, char *buf, size_t len, loff_t *pos)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	struct kiocb kiocb;
	ssize_t n;

	if (f->f_op->read_iter)
		return kernel_read(f, buf, len, pos);
	init_sync_kiocb(&kiocb, f);
	kiocb.ki_pos = *pos;
	iov_iter_kvec(&iter, READ, &kv, 1, len);
	n = seq_read_iter(&kiocb, &iter);
	if (n > 0)
		*pos = kiocb.ki_pos;
	return n;
}

static int nsbox_view_lines(int view, nsbox_line_fn fn, void *ctx)
{
	size_t have = 0, off, len;
	bool first = true;
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	char *buf, *nl;
	int ret = 0;

	if (!nsbox_view_host_ok[view])
		return -ENOENT;
	buf = kmalloc(NSBOX_VIEW_BUF, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	f = dentry_open(&nsbox_view_host[view], O_RDONLY, current_cred());
	if (IS_ERR(f)) {
		kfree(buf);
		return PTR_ERR(f);
	}
	do {
		n = nsbox_view_kread(f, buf + have, NSBOX_VIEW_BUF - have, &pos);
		if (n < 0) {
			ret = n;
			break;
		}
		have += n;
		for (off = 0; off < have; off += len) {
			nl = memchr(buf + off, '\n', have - off);
			if (nl)
				len = nl + 1 - (buf + off);
			else if (!n || (!off && have == NSBOX_VIEW_BUF))
				len = have - off;	/* the end, or a long line */
			else
				break;			/* the rest of it is to come */
			fn(ctx, buf + off, len, first);
			first = nl;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	} while (n > 0);
	fput(f);
	kfree(buf);
	return ret;
}

/* A line of the machine's file as it is (@ctx: the struct nsbox_vout). */
static void nsbox_view_copy_line(void *ctx, const char *p, size_t n, bool first)
{
	nsbox_vout_write(ctx, p, n);
}

/* The decimal number after the first @sep of the line at @p (@n bytes). */
static bool nsbox_view_field(const char *p, size_t n, char sep, unsigned int *v)
{
	const char *end = p + n, *q = memchr(p, sep, n);

	if (!q)
		return false;
	for (q++; q < end && (*q == ' ' || *q == '\t'); q++)
		;
	if (q == end || *q < '0' || *q > '9')
		return false;
	for (*v = 0; q < end && *q >= '0' && *q <= '9' && *v < UINT_MAX / 10; q++)
		*v = *v * 10 + (*q - '0');
	return true;
}

/* The memory.stat keys meminfo's lines are made of (bytes). */
enum { SK_FILE, SK_SWAPCACHED, SK_ACTIVE_ANON, SK_INACTIVE_ANON, SK_ACTIVE_FILE,
	SK_INACTIVE_FILE, SK_UNEVICTABLE, SK_FILE_DIRTY, SK_FILE_WRITEBACK, SK_ANON,
	SK_FILE_MAPPED, SK_SHMEM, SK_SLAB_RECLAIMABLE, SK_SLAB_UNRECLAIMABLE,
	SK_KERNEL_STACK, SK_PAGETABLES, SK_ANON_THP, SK_SHMEM_THP, SK_FILE_THP,
	NSBOX_NR_SK, SK_NONE = -1 };

static const char *const nsbox_stat_key[NSBOX_NR_SK] = {
	"file", "swapcached", "active_anon", "inactive_anon", "active_file",
	"inactive_file", "unevictable", "file_dirty", "file_writeback", "anon",
	"file_mapped", "shmem", "slab_reclaimable", "slab_unreclaimable",
	"kernel_stack", "pagetables", "anon_thp", "shmem_thp", "file_thp",
};

/* the lines computed from the page counters (kB) */
enum { MI_TOTAL, MI_FREE, MI_AVAIL, MI_SWAPTOTAL, MI_SWAPFREE, NSBOX_NR_MI, MI_STAT = -1 };

/*
 * The meminfo lines a box has its own value for: computed (@mi), or the
 * sum of up to two memory.stat keys (@mi MI_STAT); SK_NONE alone: 0
 * (Buffers: a cgroup's file pages are all "Cached").  Every other line
 * is the machine's.
 */
static const struct {
	const char *line;
	s8 mi;
	s8 sk[2];
} nsbox_mi[] = {
	{ "MemTotal",		MI_TOTAL,	{ SK_NONE, SK_NONE } },
	{ "MemFree",		MI_FREE,	{ SK_NONE, SK_NONE } },
	{ "MemAvailable",	MI_AVAIL,	{ SK_NONE, SK_NONE } },
	{ "Buffers",		MI_STAT,	{ SK_NONE, SK_NONE } },
	{ "Cached",		MI_STAT,	{ SK_FILE, SK_NONE } },
	{ "SwapCached",		MI_STAT,	{ SK_SWAPCACHED, SK_NONE } },
	{ "Active",		MI_STAT,	{ SK_ACTIVE_ANON, SK_ACTIVE_FILE } },
	{ "Inactive",		MI_STAT,	{ SK_INACTIVE_ANON, SK_INACTIVE_FILE } },
	{ "Active(anon)",	MI_STAT,	{ SK_ACTIVE_ANON, SK_NONE } },
	{ "Inactive(anon)",	MI_STAT,	{ SK_INACTIVE_ANON, SK_NONE } },
	{ "Active(file)",	MI_STAT,	{ SK_ACTIVE_FILE, SK_NONE } },
	{ "Inactive(file)",	MI_STAT,	{ SK_INACTIVE_FILE, SK_NONE } },
	{ "Unevictable",	MI_STAT,	{ SK_UNEVICTABLE, SK_NONE } },
	{ "SwapTotal",		MI_SWAPTOTAL,	{ SK_NONE, SK_NONE } },
	{ "SwapFree",		MI_SWAPFREE,	{ SK_NONE, SK_NONE } },
	{ "Dirty",		MI_STAT,	{ SK_FILE_DIRTY, SK_NONE } },
	{ "Writeback",		MI_STAT,	{ SK_FILE_WRITEBACK, SK_NONE } },
	{ "AnonPages",		MI_STAT,	{ SK_ANON, SK_NONE } },
	{ "Mapped",		MI_STAT,	{ SK_FILE_MAPPED, SK_NONE } },
	{ "Shmem",		MI_STAT,	{ SK_SHMEM, SK_NONE } },
	{ "KReclaimable",	MI_STAT,	{ SK_SLAB_RECLAIMABLE, SK_NONE } },
	{ "Slab",		MI_STAT,	{ SK_SLAB_RECLAIMABLE, SK_SLAB_UNRECLAIMABLE } },
	{ "SReclaimable",	MI_STAT,	{ SK_SLAB_RECLAIMABLE, SK_NONE } },
	{ "SUnreclaim",		MI_STAT,	{ SK_SLAB_UNRECLAIMABLE, SK_NONE } },
	{ "KernelStack",	MI_STAT,	{ SK_KERNEL_STACK, SK_NONE } },
	{ "PageTables",		MI_STAT,	{ SK_PAGETABLES, SK_NONE } },
	{ "AnonHugePages",	MI_STAT,	{ SK_ANON_THP, SK_NONE } },
	{ "ShmemHugePages",	MI_STAT,	{ SK_SHMEM_THP, SK_NONE } },
	{ "FileHugePages",	MI_STAT,	{ SK_FILE_THP, SK_NONE } },
};

/* The decimal number at @p (digits only; 0 if none). */
static u64 nsbox_view_num(const char *p)
{
	u64 v = 0;

	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return v;
}

/* @p's line: its key's length (up to @sep) and the start of the next. */
static size_t nsbox_view_key(const char *p, char sep, const char **next)
{
	const char *eol = strchrnul(p, '\n');
	const char *k = memchr(p, sep, eol - p);

	*next = *eol ? eol + 1 : eol;
	return k ? k - p : SIZE_MAX;
}

/* memory.stat's text, one pass: the values of nsbox_stat_key[] (0 if absent). */
static void nsbox_view_stat(const char *stat, u64 *sv)
{
	const char *p, *next;
	size_t klen;
	int i;

	memset(sv, 0, NSBOX_NR_SK * sizeof(*sv));
	for (p = stat; *p; p = next) {
		klen = nsbox_view_key(p, ' ', &next);
		for (i = 0; i < NSBOX_NR_SK; i++) {
			if (!strncmp(p, nsbox_stat_key[i], klen) && !nsbox_stat_key[i][klen]) {
				sv[i] = nsbox_view_num(p + klen + 1);
				break;
			}
		}
	}
}

/* The box's memory in pages, from its memory cgroup and those above it. */
struct nsbox_view_mem {
	unsigned long max;
	unsigned long usage;
	unsigned long swap_max;
	unsigned long swap_usage;
};

/*
 * The memory cgroup that limits @box (its own, or the nearest above it
 * that has the controller): its usage, and the smallest limits up the
 * tree.  Writes its path below the cgroup2 root to @path, unless NULL.
 * Any context (RCU only): the sysinfo(2) probe calls it too.
 */
static int nsbox_view_memcg(struct cgroup *box, struct nsbox_view_mem *v,
			    char *path, size_t len)
{
	struct mem_cgroup *memcg, *m;
	int ret;

	v->max = PAGE_COUNTER_MAX;
	v->swap_max = PAGE_COUNTER_MAX;
	rcu_read_lock();
	memcg = mem_cgroup_from_css(task_css(current, memory_cgrp_id));
	while (memcg && !cgroup_is_descendant(box, memcg->css.cgroup))
		memcg = parent_mem_cgroup(memcg);
	if (!memcg) {
		rcu_read_unlock();
		return -ENOENT;
	}
	v->usage = page_counter_read(&memcg->memory);
	v->swap_usage = page_counter_read(&memcg->swap);
	for (m = memcg; m; m = parent_mem_cgroup(m)) {
		v->max = min(v->max, READ_ONCE(m->memory.max));
		v->swap_max = min(v->swap_max, READ_ONCE(m->swap.max));
	}
	ret = path ? nsbox_view_cg_path(memcg->css.cgroup, path, len) : 0;
	rcu_read_unlock();
	return ret;
}

/* "Key:" in the kernel's layout: the name padded to 16, then 8 digits */
static void nsbox_meminfo_line(struct nsbox_vout *m, const char *key, size_t klen,
			       u64 kb)
{
	nsbox_vout_printf(m, "%.*s:%*s%8llu kB\n", (int)klen, key,
			  klen < 15 ? (int)(15 - klen) : 1, "", kb);
}

/* The box's value of the meminfo line @i of nsbox_mi[], kB. */
static u64 nsbox_meminfo_val(int i, const u64 *val, const u64 *sv)
{
	u64 b = 0;
	int k;

	if (nsbox_mi[i].mi != MI_STAT)
		return val[(int)nsbox_mi[i].mi];
	for (k = 0; k < 2; k++)
		if (nsbox_mi[i].sk[k] != SK_NONE)
			b += sv[(int)nsbox_mi[i].sk[k]];
	return b >> 10;
}

/* The machine's SwapTotal (kB) in its meminfo text @host; 0 if none. */
static u64 nsbox_meminfo_swap(const char *host)
{
	const char *p, *next;
	size_t klen;

	for (p = host; *p; p = next) {
		klen = nsbox_view_key(p, ':', &next);
		if (klen == 9 && !strncmp(p, "SwapTotal", 9))
			return nsbox_view_num(p + 10);
	}
	return 0;
}

/* The box's swap, kB: the smallest swap limit up the tree, and its use. */
static int nsbox_view_swap(struct cgroup *box, const char *host, u64 *total, u64 *used)
{
	struct nsbox_view_mem v;
	int ret = nsbox_view_memcg(box, &v, NULL, 0);

	if (ret)
		return ret;
	*total = min_t(u64, (u64)v.swap_max << (PAGE_SHIFT - 10), nsbox_meminfo_swap(host));
	*used = min_t(u64, (u64)v.swap_usage << (PAGE_SHIFT - 10), *total);
	return 0;
}

/*
 * The machine's meminfo, line by line, with the box's numbers where the
 * box has its own (nsbox_mi[]); every other line as the machine has it.
 */
static int nsbox_meminfo_show(struct nsbox_vout *m)
{
	struct cgroup *box = nsbox_view_box();
	u64 val[NSBOX_NR_MI], sv[NSBOX_NR_SK], ram, host_swap;
	const char *p, *next;
	struct nsbox_view_mem v;
	char *host, *stat, *path;
	size_t klen;
	ssize_t n;
	int ret, i;

	if (!box)
		return nsbox_view_passthrough(m, NSBOX_VIEW_MEMINFO);
	host = kmalloc(2 * NSBOX_VIEW_BUF + PATH_MAX, GFP_KERNEL_ACCOUNT);
	if (!host)
		return -ENOMEM;
	stat = host + NSBOX_VIEW_BUF;
	path = stat + NSBOX_VIEW_BUF;
	ret = nsbox_view_memcg(box, &v, path, PATH_MAX);
	if (ret)
		goto out;
	n = nsbox_view_read_host(NSBOX_VIEW_MEMINFO, host);
	if (n < 0) {
		ret = n;
		goto out;
	}
	/* a box without memory.stat (no memory controller) has no such lines */
	if (nsbox_view_read_cg(path, "memory.stat", stat) < 0)
		stat[0] = '\0';
	nsbox_view_stat(stat, sv);
	host_swap = nsbox_meminfo_swap(host);

	ram = totalram_pages();
	val[MI_TOTAL] = min_t(u64, v.max, ram) << (PAGE_SHIFT - 10);
	val[MI_FREE] = val[MI_TOTAL] - min_t(u64, (u64)v.usage << (PAGE_SHIFT - 10),
					     val[MI_TOTAL]);
	val[MI_AVAIL] = min(val[MI_TOTAL], val[MI_FREE] + ((sv[SK_ACTIVE_FILE] +
		sv[SK_INACTIVE_FILE] + sv[SK_SLAB_RECLAIMABLE]) >> 10));
	val[MI_SWAPTOTAL] = min_t(u64, (u64)v.swap_max << (PAGE_SHIFT - 10), host_swap);
	val[MI_SWAPFREE] = val[MI_SWAPTOTAL] -
		min_t(u64, (u64)v.swap_usage << (PAGE_SHIFT - 10), val[MI_SWAPTOTAL]);
	/* (nsbox_view_swap() says the same for /proc/swaps) */

	/* both lists in the kernel's order: look from where the last hit was */
	i = 0;
	for (p = host; *p; p = next) {
		int j, k;

		klen = nsbox_view_key(p, ':', &next);
		for (j = 0; klen != SIZE_MAX && j < ARRAY_SIZE(nsbox_mi); j++) {
			k = (i + j) % ARRAY_SIZE(nsbox_mi);
			if (!strncmp(p, nsbox_mi[k].line, klen) && !nsbox_mi[k].line[klen])
				break;
		}
		if (klen == SIZE_MAX || j == ARRAY_SIZE(nsbox_mi)) {
			nsbox_vout_write(m, p, next - p);
			continue;
		}
		nsbox_meminfo_line(m, p, klen, nsbox_meminfo_val(k, val, sv));
		i = k + 1;
	}
	ret = 0;
out:
	kfree(host);
	return ret;
}

/*
 * The box's load average (its group's, loadavg.c), its runnable and
 * total tasks, and the last pid of the reader's pid namespace, in the
 * kernel's format.
 */
static struct nsbox_group *nsbox_view_group(struct cgroup *box)
{
	return box ? nsbox_group_find(NSBOX_KIND_CGROUP2, cgroup_id(box)) : NULL;
}

/* The box's load average (rounded as the kernel's), runnable and total tasks. */
static void nsbox_view_tasks(struct cgroup *box, unsigned long *load,
			     unsigned int *running, unsigned int *total)
{
	struct nsbox_group *g;
	int i;

	*running = 0;
	*total = 0;
	rcu_read_lock();
	g = nsbox_view_group(box);
	for (i = 0; i < 3; i++)
		load[i] = g ? READ_ONCE(g->load[i]) + FIXED_1 / 200 : 0;
	if (g) {
		*total = max(atomic_read(&g->threads), 0);
		/* as of the last walk (5 s at most); the reader runs now */
		*running = clamp_t(unsigned int, READ_ONCE(g->live.active), 1, max(*total, 1U));
	}
	rcu_read_unlock();
}

static int nsbox_loadavg_show(struct nsbox_vout *m)
{
	struct cgroup *box = nsbox_view_box();
	unsigned int running, total;
	unsigned long load[3];

	if (!box)
		return nsbox_view_passthrough(m, NSBOX_VIEW_LOADAVG);
	nsbox_view_tasks(box, load, &running, &total);
	nsbox_vout_printf(m, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%u %d\n",
			  LOAD_INT(load[0]), LOAD_FRAC(load[0]), LOAD_INT(load[1]),
			  LOAD_FRAC(load[1]), LOAD_INT(load[2]), LOAD_FRAC(load[2]),
			  running, total,
			  idr_get_cursor(&task_active_pid_ns(current)->idr) - 1);
	return 0;
}

/* ceil(QUOTA / PERIOD) of a cpu.max text, or UINT_MAX for "max". */
static unsigned int nsbox_view_cpu_max(const char *text)
{
	u64 quota, period;

	if (sscanf(text, "%llu %llu", &quota, &period) != 2 || !period)
		return UINT_MAX;
	return max_t(u64, 1, min_t(u64, UINT_MAX - 1, DIV_ROUND_UP_ULL(quota, period)));
}

/*
 * How many CPUs a box may use: its cpuset, and the smallest cpu.max up
 * the tree rounded up (1.5 CPUs of bandwidth run on 2 CPUs at once).
 * @which, unless NULL, gets the first that many CPUs of its cpuset.
 */
static int nsbox_view_cpus(struct cgroup *box, unsigned int *cpus, struct cpumask *which)
{
	char *buf = kmalloc(NSBOX_VIEW_BUF + PATH_MAX, GFP_KERNEL_ACCOUNT);
	char *path, *slash;
	cpumask_var_t mask;
	unsigned int n, cpu;
	int ret, depth;

	if (!buf)
		return -ENOMEM;
	path = buf + NSBOX_VIEW_BUF;
	rcu_read_lock();
	ret = nsbox_view_cg_path(box, path, PATH_MAX);
	rcu_read_unlock();
	if (ret)
		goto out;
	if (!zalloc_cpumask_var(&mask, GFP_KERNEL_ACCOUNT)) {
		ret = -ENOMEM;
		goto out;
	}
	if (nsbox_view_read_cg(path, "cpuset.cpus.effective", buf) <= 0 ||
	    cpulist_parse(strim(buf), mask))
		cpumask_clear(mask);
	cpumask_and(mask, mask, cpu_online_mask);
	if (cpumask_empty(mask))
		cpumask_copy(mask, cpu_online_mask);
	n = cpumask_weight(mask);
	for (depth = 0; *path && depth < NSBOX_VIEW_DEPTH; depth++) {
		if (nsbox_view_read_cg(path, "cpu.max", buf) > 0)
			n = min(n, nsbox_view_cpu_max(buf));
		slash = strrchr(path, '/');
		if (slash)
			*slash = '\0';
		else
			path[0] = '\0';
	}
	*cpus = max(n, 1U);
	if (which) {
		cpumask_clear(which);
		for_each_cpu(cpu, mask) {
			if (cpumask_weight(which) >= *cpus)
				break;
			cpumask_set_cpu(cpu, which);
		}
	}
	free_cpumask_var(mask);
out:
	kfree(buf);
	return ret;
}

/* /sys/devices/system/cpu/online: as many CPUs as the box may use. */
static int nsbox_cpu_online_show(struct nsbox_vout *m)
{
	struct cgroup *box = nsbox_view_box();
	unsigned int n;
	int ret;

	if (!box)
		return nsbox_view_passthrough(m, NSBOX_VIEW_CPU_ONLINE);
	ret = nsbox_view_cpus(box, &n, NULL);
	if (ret)
		return ret;
	if (n == 1)
		nsbox_vout_write(m, "0\n", 2);
	else
		nsbox_vout_printf(m, "0-%u\n", n - 1);
	return 0;
}

/*
 * /proc/cpuinfo: the blocks of the box's CPUs (nsbox_view_cpus()), the
 * machine's text, numbered from 0 as the box's cpu_online says.
 */
struct nsbox_cpuinfo {
	struct nsbox_vout *m;
	struct cpumask *cpus;
	unsigned int next;
	bool keep;
};

static void nsbox_cpuinfo_line(void *ctx, const char *p, size_t n, bool first)
{
	struct nsbox_cpuinfo *c = ctx;
	unsigned int cpu;

	if (first && n > 9 && !strncmp(p, "processor", 9) &&
	    nsbox_view_field(p, n, ':', &cpu)) {
		c->keep = cpu < nr_cpu_ids && cpumask_test_cpu(cpu, c->cpus);
		if (c->keep)
			nsbox_vout_printf(c->m, "%.*s %u\n",
					  (int)((char *)memchr(p, ':', n) + 1 - p), p, c->next++);
		return;
	}
	if (c->keep)
		nsbox_vout_write(c->m, p, n);
}

static int nsbox_cpuinfo_show(struct nsbox_vout *m)
{
	struct nsbox_cpuinfo c = { .m = m, .keep = true };
	struct cgroup *box = nsbox_view_box();
	cpumask_var_t cpus;
	unsigned int n;
	int ret;

	if (!box)
		return nsbox_view_lines(NSBOX_VIEW_CPUINFO, nsbox_view_copy_line, m);
	if (!zalloc_cpumask_var(&cpus, GFP_KERNEL_ACCOUNT))
		return -ENOMEM;
	ret = nsbox_view_cpus(box, &n, cpus);
	if (!ret) {
		c.cpus = cpus;
		ret = nsbox_view_lines(NSBOX_VIEW_CPUINFO, nsbox_cpuinfo_line, &c);
	}
	free_cpumask_var(cpus);
	return ret;
}

/*
 * /proc/stat: the box's CPU lines, from its cpu.stat (user_usec and
 * system_usec, which the kernel keeps from going back), shared out evenly
 * over the box's CPUs; idle is what the box's uptime leaves on them, kept
 * from going back too (the box may run ahead of its share for a moment).
 * procs_running is the box's (as in its loadavg); every other line is the
 * machine's.
 */
struct nsbox_stat {
	struct nsbox_vout *m;
	u64 user, system, idle;	/* USER_HZ ticks, all the box's CPUs */
	unsigned int cpus, running;
	bool skip;
};

/* CPU @i's part of @total over @n CPUs: never goes back as @total grows */
static u64 nsbox_stat_share(u64 total, unsigned int n, unsigned int i)
{
	return div_u64(total + n - 1 - i, n);
}

static void nsbox_stat_cpu(struct nsbox_stat *c, const char *name, unsigned int n,
			   unsigned int i)
{
	nsbox_vout_printf(c->m, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", name,
			  nsbox_stat_share(c->user, n, i), nsbox_stat_share(c->system, n, i),
			  nsbox_stat_share(c->idle, n, i));
}

static void nsbox_stat_line(void *ctx, const char *p, size_t n, bool first)
{
	struct nsbox_stat *c = ctx;
	char name[16];
	unsigned int i;

	if (!first) {
		if (!c->skip)
			nsbox_vout_write(c->m, p, n);
		return;
	}
	c->skip = n > 3 && !strncmp(p, "cpu", 3);
	if (c->skip && p[3] == ' ') {
		/* "cpu  ": the sum, then each of the box's CPUs */
		nsbox_stat_cpu(c, "cpu ", 1, 0);
		for (i = 0; i < c->cpus; i++) {
			snprintf(name, sizeof(name), "cpu%u", i);
			nsbox_stat_cpu(c, name, c->cpus, i);
		}
	} else if (n > 14 && !strncmp(p, "procs_running ", 14)) {
		nsbox_vout_printf(c->m, "procs_running %u\n", c->running);
		c->skip = true;
	} else if (!c->skip) {
		nsbox_vout_write(c->m, p, n);
	}
}

/* user_usec and system_usec of the box's cpu.stat, as USER_HZ ticks */
static int nsbox_stat_times(struct cgroup *box, struct nsbox_stat *c)
{
	char *buf = kmalloc(NSBOX_VIEW_BUF + PATH_MAX, GFP_KERNEL_ACCOUNT);
	const char *p, *next;
	char *path;
	size_t klen;
	ssize_t n;
	int ret;

	if (!buf)
		return -ENOMEM;
	path = buf + NSBOX_VIEW_BUF;
	rcu_read_lock();
	ret = nsbox_view_cg_path(box, path, PATH_MAX);
	rcu_read_unlock();
	if (ret)
		goto out;
	n = nsbox_view_read_cg(path, "cpu.stat", buf);
	if (n < 0) {
		ret = n;
		goto out;
	}
	for (p = buf; *p; p = next) {
		klen = nsbox_view_key(p, ' ', &next);
		if (klen == 9 && !strncmp(p, "user_usec", 9))
			c->user = div_u64(nsbox_view_num(p + 10), USEC_PER_SEC / USER_HZ);
		else if (klen == 11 && !strncmp(p, "system_usec", 11))
			c->system = div_u64(nsbox_view_num(p + 12), USEC_PER_SEC / USER_HZ);
	}
out:
	kfree(buf);
	return ret;
}

static int nsbox_stat_show(struct nsbox_vout *m)
{
	struct nsbox_stat c = { .m = m };
	struct cgroup *box = nsbox_view_box();
	unsigned long load[3];
	struct nsbox_group *g;
	struct timespec64 up;
	unsigned int total;
	u64 busy, idle, old;
	int ret;

	if (!box)
		return nsbox_view_lines(NSBOX_VIEW_STAT, nsbox_view_copy_line, m);
	ret = nsbox_view_cpus(box, &c.cpus, NULL);
	if (!ret)
		ret = nsbox_stat_times(box, &c);
	if (ret)
		return ret;
	nsbox_view_tasks(box, load, &c.running, &total);
	/* the reader's uptime: the box's, in its time namespace */
	ktime_get_boottime_ts64(&up);
	timens_add_boottime(&up);
	idle = (u64)up.tv_sec * USER_HZ + div_u64(up.tv_nsec, NSEC_PER_SEC / USER_HZ);
	idle *= c.cpus;
	busy = c.user + c.system;
	idle = idle > busy ? idle - busy : 0;
	rcu_read_lock();
	g = nsbox_view_group(box);
	if (g) {
		old = atomic64_read(&g->view_idle);
		while (idle > old && !atomic64_try_cmpxchg(&g->view_idle, &old, idle))
			;
		idle = max(idle, old);
	}
	rcu_read_unlock();
	c.idle = idle;
	return nsbox_view_lines(NSBOX_VIEW_STAT, nsbox_stat_line, &c);
}

/*
 * /proc/swaps: the machine's header, then, if the box may swap, one line
 * "none virtual SIZE USED 0" of its swap limit and use (kB), laid out as
 * the kernel lays out a swap device's line.  No line: no swap.
 */
struct nsbox_swaps {
	struct nsbox_vout *m;
	unsigned int lines;
	bool skip;
};

static void nsbox_swaps_line(void *ctx, const char *p, size_t n, bool first)
{
	struct nsbox_swaps *c = ctx;

	if (first)
		c->skip = c->lines++;	/* the header only */
	if (!c->skip)
		nsbox_vout_write(c->m, p, n);
}

static int nsbox_swaps_show(struct nsbox_vout *m)
{
	struct nsbox_swaps c = { .m = m };
	struct cgroup *box = nsbox_view_box();
	u64 total, used;
	char *host;
	ssize_t n;
	int ret;

	if (!box)
		return nsbox_view_lines(NSBOX_VIEW_SWAPS, nsbox_view_copy_line, m);
	host = kmalloc(NSBOX_VIEW_BUF, GFP_KERNEL_ACCOUNT);
	if (!host)
		return -ENOMEM;
	n = nsbox_view_read_host(NSBOX_VIEW_MEMINFO, host);
	ret = n < 0 ? n : nsbox_view_swap(box, host, &total, &used);
	kfree(host);
	if (!ret)
		ret = nsbox_view_lines(NSBOX_VIEW_SWAPS, nsbox_swaps_line, &c);
	if (!ret && total)
		nsbox_vout_printf(m, "none%36s%s\t%llu\t%s%llu\t%s%d\n", " ", "virtual",
				  total, total < 10000000 ? "\t" : "", used,
				  used < 10000000 ? "\t" : "", 0);
	return ret;
}

/*
 * /proc/nsbox/views: a box asks for the views that are not files.  Its
 * first process does NSBOX_IOC_VIEWS_ON on it once it is in its cgroup
 * namespace (`nsbox run`, inside/child.c); from then on sysinfo(2) in the
 * box shows the box.  A process may ask only for the box it is in (the
 * root of its own cgroup namespace): nothing it does changes what another
 * box sees.  The flag lives in the box's cgroup group and goes with it.
 * Reading the file says whether the reader's box has asked.
 */
static long nsbox_views_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct nsbox_group *g;

	if (cmd != NSBOX_IOC_VIEWS_ON)
		return -ENOTTY;
	rcu_read_lock();
	g = nsbox_view_group(nsbox_view_box());
	if (g)
		WRITE_ONCE(g->views, true);
	rcu_read_unlock();
	return g ? 0 : -ENOENT;	/* the machine, or a box nsbox does not know */
}

static int nsbox_views_show(struct nsbox_vout *m)
{
	struct nsbox_group *g;
	bool on;

	rcu_read_lock();
	g = nsbox_view_group(nsbox_view_box());
	on = g && READ_ONCE(g->views);
	rcu_read_unlock();
	nsbox_vout_printf(m, "%d\n", on);
	return 0;
}

/*
 * sysinfo(2), in a box that asked for views: the box's memory, swap,
 * tasks and load.  do_sysinfo() is static and inlined into the system
 * call, so nsbox hooks the last function it calls before it scales the
 * numbers and copies them out: si_swapinfo(), with a kretprobe.  On
 * return the struct sysinfo in the kernel's memory holds the machine's
 * numbers in pages (mem_unit = PAGE_SIZE, from si_meminfo()); nsbox puts
 * the box's in their place.  Both the 64-bit and the 32-bit system call
 * (compat_sys_sysinfo) go through do_sysinfo(); si_swapinfo() is also
 * called by /proc/meminfo, which the system call number tells apart.
 * The handlers run with preemption off: RCU lookups and atomic reads,
 * nothing that sleeps, no lock.  Uptime needs nothing here: the box's
 * time namespace shifts it.
 */
#define NSBOX_IA32_NR_SYSINFO	116	/* arch/x86/entry/syscalls/syscall_32.tbl */

struct nsbox_si_call {
	struct sysinfo *info;
};

static struct nsbox_hook nsbox_si_hook;	/* below, with its kretprobe */

/* The box of a sysinfo(2) caller that asked for views, or NULL. */
static struct cgroup *nsbox_si_box(void)
{
	struct cgroup *box;
	struct nsbox_group *g;
	long nr;

	if (!in_task() || (current->flags & PF_KTHREAD) || !current->nsproxy)
		return NULL;
	nr = syscall_get_nr(current, task_pt_regs(current));
	if (in_compat_syscall() ? nr != NSBOX_IA32_NR_SYSINFO : nr != __NR_sysinfo)
		return NULL;
	box = nsbox_view_box();
	g = nsbox_view_group(box);
	return g && READ_ONCE(g->views) ? box : NULL;
}

static int nsbox_si_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct nsbox_si_call *call = (struct nsbox_si_call *)ri->data;

	rcu_read_lock();
	call->info = nsbox_si_box() ? (struct sysinfo *)regs_get_kernel_argument(regs, 0) : NULL;
	rcu_read_unlock();
	return call->info ? 0 : 1;	/* 1: no return handler for this call */
}

static int nsbox_si_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sysinfo *info = ((struct nsbox_si_call *)ri->data)->info;
	struct nsbox_view_mem v;
	struct nsbox_group *g;
	struct cgroup *box;
	int i;

	rcu_read_lock();
	box = nsbox_si_box();
	if (!box)
		goto out;
	if (nsbox_view_memcg(box, &v, NULL, 0)) {
		nsbox_hook_miss(&nsbox_si_hook);	/* the machine's numbers */
		goto out;
	}
	info->totalram = min(info->totalram, v.max);
	info->freeram = info->totalram - min(info->totalram, v.usage);
	/*
	 * a cgroup's page cache is all "cached"; its shmem is in memory.stat,
	 * which a probe handler cannot read (docs/views.md)
	 */
	info->sharedram = 0;
	info->bufferram = 0;
	info->totalswap = min(info->totalswap, v.swap_max);
	info->freeswap = info->totalswap - min(info->totalswap, v.swap_usage);
	nsbox_hook_hit(&nsbox_si_hook);
	g = nsbox_view_group(box);
	if (g) {
		info->procs = min_t(int, max(atomic_read(&g->threads), 0), U16_MAX);
		for (i = 0; i < 3; i++)
			info->loads[i] = READ_ONCE(g->load[i]) << (SI_LOAD_SHIFT - FSHIFT);
	}
out:
	rcu_read_unlock();
	return 0;
}

static struct kretprobe nsbox_si_probe = {
	.entry_handler = nsbox_si_entry,
	.handler = nsbox_si_ret,
	.data_size = sizeof(struct nsbox_si_call),
};

/* in nsbox info's hooks, with a hit for each call it gave a box's numbers */
static struct nsbox_hook nsbox_si_hook = {
	.name = "sysinfo",
	.symbol = "si_swapinfo",
	.affects = "the numbers sysinfo(2) gives a box with views (the machine's)",
	.kind = NSBOX_HOOK_KRETPROBE,
	.rp = &nsbox_si_probe,
};

/*
 * An open view: made again by every read at offset 0 (top keeps
 * /proc/loadavg open, seeks to 0 and reads again), read on from there.
 */
struct nsbox_view_file {
	struct mutex lock;	/* one read makes @text at a time */
	int (*show)(struct nsbox_vout *o);
	char *text;
	size_t len;
	size_t cap;
};

static int nsbox_view_open(struct file *file, int (*show)(struct nsbox_vout *o))
{
	struct nsbox_view_file *f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	f->show = show;
	file->private_data = f;
	return 0;
}

static ssize_t nsbox_view_read(struct file *file, char __user *ubuf, size_t count,
			       loff_t *ppos)
{
	struct nsbox_view_file *f = file->private_data;
	struct nsbox_vout o = { };
	ssize_t ret;

	mutex_lock(&f->lock);
	if (!*ppos || !f->text) {
		f->len = 0;
		for (;;) {
			if (!f->text) {
				f->cap = f->cap ?: NSBOX_VIEW_OUT_MIN;
				f->text = kvmalloc(f->cap, GFP_KERNEL_ACCOUNT);
			}
			ret = -ENOMEM;
			if (!f->text)
				goto out;
			o = (struct nsbox_vout){ .buf = f->text, .cap = f->cap };
			ret = f->show(&o);
			if (ret || !o.overflow)
				break;
			ret = -EFBIG;
			if (f->cap >= NSBOX_VIEW_OUT_MAX)
				break;
			/* too small: twice the size, and make it again */
			kvfree(f->text);
			f->text = NULL;
			f->cap *= 2;
		}
		if (ret)
			goto out;
		f->len = o.len;
	}
	ret = simple_read_from_buffer(ubuf, count, ppos, f->text, f->len);
out:
	mutex_unlock(&f->lock);
	return ret;
}

static int nsbox_view_release(struct inode *inode, struct file *file)
{
	struct nsbox_view_file *f = file->private_data;

	kvfree(f->text);
	kfree(f);
	return 0;
}

#define NSBOX_VIEW_OPS(name, show, ...)						\
static int name##_open(struct inode *inode, struct file *file)			\
{										\
	return nsbox_view_open(file, show);					\
}										\
static const struct proc_ops name##_ops = {					\
	.proc_open = name##_open,						\
	.proc_read = nsbox_view_read,						\
	.proc_lseek = default_llseek,						\
	.proc_release = nsbox_view_release,					\
	__VA_ARGS__								\
}

NSBOX_VIEW_OPS(nsbox_meminfo, nsbox_meminfo_show);
NSBOX_VIEW_OPS(nsbox_loadavg, nsbox_loadavg_show);
NSBOX_VIEW_OPS(nsbox_cpu_online, nsbox_cpu_online_show);
NSBOX_VIEW_OPS(nsbox_cpuinfo, nsbox_cpuinfo_show);
NSBOX_VIEW_OPS(nsbox_stat, nsbox_stat_show);
NSBOX_VIEW_OPS(nsbox_swaps, nsbox_swaps_show);
NSBOX_VIEW_OPS(nsbox_views, nsbox_views_show, .proc_ioctl = nsbox_views_ioctl);

/* The cgroup2 mount at /sys/fs/cgroup, if it shows the whole tree. */
static bool nsbox_view_save_cgroot(void)
{
	struct path *p = &nsbox_view_cgroot;

	if (kern_path("/sys/fs/cgroup", LOOKUP_FOLLOW, p))
		return false;
	if (p->mnt->mnt_sb->s_magic == CGROUP2_SUPER_MAGIC &&
	    p->dentry == p->mnt->mnt_root &&
	    d_inode(p->dentry)->i_private == cgrp_dfl_root.cgrp.kn)
		return true;
	path_put(p);
	return false;
}

int nsbox_views_init(void)
{
	int i;

	for (i = 0; i < NSBOX_NR_VIEWS; i++)
		nsbox_view_host_ok[i] = !kern_path(nsbox_view_host_name[i], LOOKUP_FOLLOW,
						   &nsbox_view_host[i]);
	nsbox_view_cgroot_ok = nsbox_view_save_cgroot();
	if (!nsbox_view_cgroot_ok)
		pr_warn("views: no cgroup2 mount of the whole tree at /sys/fs/cgroup: a box's meminfo has no memory.stat lines and its CPU count ignores cpu.max\n");
	nsbox_view_dir = proc_mkdir("nsbox", NULL);
	if (!nsbox_view_dir ||
	    !proc_create("meminfo", 0444, nsbox_view_dir, &nsbox_meminfo_ops) ||
	    !proc_create("loadavg", 0444, nsbox_view_dir, &nsbox_loadavg_ops) ||
	    !proc_create("cpu_online", 0444, nsbox_view_dir, &nsbox_cpu_online_ops) ||
	    !proc_create("cpuinfo", 0444, nsbox_view_dir, &nsbox_cpuinfo_ops) ||
	    !proc_create("stat", 0444, nsbox_view_dir, &nsbox_stat_ops) ||
	    !proc_create("swaps", 0444, nsbox_view_dir, &nsbox_swaps_ops) ||
	    !proc_create("views", 0444, nsbox_view_dir, &nsbox_views_ops)) {
		nsbox_views_exit();
		return -ENOMEM;
	}
	/* a hook not attached says so itself, in dmesg and nsbox info */
	if (nsbox_hook_attach(&nsbox_si_hook) == -ENOMEM)
		pr_warn("views: no memory for the sysinfo hook: sysinfo(2) in a box shows the machine\n");
	return 0;
}

/* Any moment: proc_remove() waits for reads in progress. */
void nsbox_views_exit(void)
{
	int i;

	/* no handler runs once it returns: then the groups may go */
	nsbox_hook_detach(&nsbox_si_hook);
	proc_remove(nsbox_view_dir);
	nsbox_view_dir = NULL;
	for (i = 0; i < NSBOX_NR_VIEWS; i++) {
		if (nsbox_view_host_ok[i])
			path_put(&nsbox_view_host[i]);
		nsbox_view_host_ok[i] = false;
	}
	if (nsbox_view_cgroot_ok)
		path_put(&nsbox_view_cgroot);
	nsbox_view_cgroot_ok = false;
}
