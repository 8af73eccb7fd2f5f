// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox tool - a process's memory from /proc (procmem.h).
 *
 * smaps_rollup is the kernel's sum over every mapping of the process,
 * made by walking its page tables when the file is read: RSS, PSS (each
 * page divided by the number of processes mapping it), the private pages
 * (USS) and swap.  The RSS breakdown by kind is the mm's own counters
 * (status: RssAnon, RssFile, RssShmem), which the kernel keeps per CPU:
 * it may lag the page tables by a few pages.
 *
 * "Unique" needs the frames themselves: pagemap holds one 64-bit entry
 * per virtual page (bit 63: in memory, bits 0-54: the frame number),
 * read for the mappings smaps shows pages in memory of, within a budget,
 * kpagecount one per physical frame (how many page-table entries map
 * it).  A frame a group maps as often as the kernel counts is mapped by
 * nobody else: removing the group frees it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/param.h>
#include <unistd.h>

#include "procmem.h"
#include "util.h"

#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_CHUNK	8192		/* entries read at once: 32 MiB mapped */

static uint64_t page_size(void)
{
	static uint64_t ps;

	if (!ps)
		ps = (uint64_t)sysconf(_SC_PAGESIZE);
	return ps;
}

/* "Key:   N kB" lines of @path into the fields @keys name; 0 or -errno. */
struct kb_field {
	const char *key;
	uint64_t *to;
};

static int read_kb(pid_t pid, const char *file, const struct kb_field *f, size_t nf,
		   size_t *found)
{
	char path[64], line[256];
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	*found = 0;
	while (fgets(line, sizeof(line), fp)) {
		char *colon = strchr(line, ':');
		unsigned long long kb;

		if (!colon)
			continue;
		*colon = '\0';
		for (size_t i = 0; i < nf; i++) {
			if (strcmp(line, f[i].key) || sscanf(colon + 1, "%llu", &kb) != 1)
				continue;
			*f[i].to = kb * 1024;
			(*found)++;
		}
	}
	/* a read that fails at once: EACCES (ptrace rule), ESRCH (gone) */
	if (ferror(fp)) {
		int err = errno ? -errno : -EIO;

		fclose(fp);
		return err;
	}
	fclose(fp);
	return 0;
}

int procmem_read(pid_t pid, struct procmem *m)
{
	uint64_t priv_clean = 0, priv_dirty = 0;
	const struct kb_field rollup[] = {
		{ "Rss", &m->rss }, { "Pss", &m->pss }, { "Pss_Anon", &m->pss_anon },
		{ "Pss_File", &m->pss_file }, { "Pss_Shmem", &m->pss_shmem },
		{ "Private_Clean", &priv_clean }, { "Private_Dirty", &priv_dirty },
		{ "Swap", &m->swap }, { "SwapPss", &m->swap_pss },
	};
	const struct kb_field status[] = {
		{ "VmSize", &m->vss }, { "RssAnon", &m->rss_anon },
		{ "RssFile", &m->rss_file }, { "RssShmem", &m->rss_shmem },
	};
	size_t found;
	int ret;

	memset(m, 0, sizeof(*m));
	ret = read_kb(pid, "smaps_rollup", rollup, ARRAY_SIZE(rollup), &found);
	if (ret)
		return ret == -ESRCH ? -ENOENT : ret;
	/* a kernel thread's rollup is empty */
	if (!found)
		return -ENODATA;
	m->uss = priv_clean + priv_dirty;
	ret = read_kb(pid, "status", status, ARRAY_SIZE(status), &found);
	if (ret)
		return ret == -ESRCH ? -ENOENT : ret;
	return 0;
}

void procmem_add(struct procmem *sum, const struct procmem *m)
{
	sum->vss += m->vss;
	sum->rss += m->rss;
	sum->rss_anon += m->rss_anon;
	sum->rss_file += m->rss_file;
	sum->rss_shmem += m->rss_shmem;
	sum->pss += m->pss;
	sum->pss_anon += m->pss_anon;
	sum->pss_file += m->pss_file;
	sum->pss_shmem += m->pss_shmem;
	sum->uss += m->uss;
	sum->swap += m->swap;
	sum->swap_pss += m->swap_pss;
}

static int pfn_push(struct pfnlist *l, uint64_t pfn)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		uint64_t *p = realloc(l->pfn, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		l->pfn = p;
		l->cap = cap;
	}
	l->pfn[l->n++] = pfn;
	return 0;
}

/* The frames of the pages [@start, @end) has in memory, into @l. */
static int range_pages(int pm, uint64_t start, uint64_t end, struct pfnlist *l,
		       uint64_t *buf, bool *hidden)
{
	const uint64_t ps = page_size();

	for (uint64_t va = start; va < end;) {
		size_t want = MIN((end - va) / ps, (uint64_t)PM_CHUNK);
		ssize_t n = pread(pm, buf, want * 8, (off_t)(va / ps * 8));

		if (n < 0)
			return -errno;
		if (n == 0)
			break;		/* past what pagemap covers ([vsyscall]) */
		for (size_t i = 0; i < (size_t)n / 8; i++) {
			if (!(buf[i] & PM_PRESENT))
				continue;
			if (!(buf[i] & PM_PFN_MASK)) {
				*hidden = true;	/* present, frame not shown to us */
				continue;
			}
			if (pfn_push(l, buf[i] & PM_PFN_MASK))
				return -ENOMEM;
		}
		va += (uint64_t)n / 8 * ps;
	}
	return 0;
}

int procmem_pages(pid_t pid, struct pfnlist *l)
{
	_cleanup_close_ int pm = -1;
	_cleanup_free_ uint64_t *buf = NULL;
	char path[64], line[512];
	uint64_t start = 0, end = 0;
	bool hidden = false;
	FILE *maps;
	int ret = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	pm = open(path, O_RDONLY | O_CLOEXEC);
	if (pm < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	/* smaps: each mapping's "start-end ..." line, then its "Rss:" */
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	maps = fopen(path, "re");
	if (!maps)
		return errno == ESRCH ? -ENOENT : -errno;
	buf = malloc(PM_CHUNK * 8);
	if (!buf) {
		fclose(maps);
		return -ENOMEM;
	}
	while (!ret && fgets(line, sizeof(line), maps)) {
		unsigned long long a, b, kb;
		bool whole = strchr(line, '\n');

		/* ("AnonHugePages:" starts with a hex digit, never "X-Y") */
		if (sscanf(line, "%llx-%llx", &a, &b) == 2) {
			start = a;
			end = b;
		} else if (sscanf(line, "Rss: %llu kB", &kb) == 1 && kb && start < end) {
			uint64_t pages = (end - start) / page_size();

			if (pages > l->budget) {
				ret = -E2BIG;
				break;
			}
			l->budget -= pages;
			ret = range_pages(pm, start, end, l, buf, &hidden);
		}
		/* a long path: the rest of its line is not another mapping */
		while (!whole && fgets(line, sizeof(line), maps))
			whole = strchr(line, '\n');
	}
	fclose(maps);
	if (!ret && hidden)
		ret = -EPERM;
	return ret;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int procmem_unique(struct pfnlist *l, uint64_t *bytes)
{
	_cleanup_close_ int kpc = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	/* the counts of KPC_WINDOW frames from @base: one read for a run */
	enum { KPC_WINDOW = 512 };
	uint64_t pages = 0, base = 0, have = 0, count[KPC_WINDOW];

	*bytes = 0;
	if (kpc < 0)
		return -errno;
	if (l->n)
		qsort(l->pfn, l->n, sizeof(*l->pfn), cmp_u64);
	for (size_t i = 0; i < l->n;) {
		uint64_t pfn = l->pfn[i];
		size_t ours = 0;

		while (i < l->n && l->pfn[i] == pfn) {
			ours++;
			i++;
		}
		if (pfn < base || pfn >= base + have) {
			ssize_t n = pread(kpc, count, sizeof(count), (off_t)(pfn * 8));

			if (n < 8)
				return n < 0 ? -errno : -EIO;
			base = pfn;
			have = (uint64_t)n / 8;
		}
		if (count[pfn - base] && count[pfn - base] <= ours)
			pages++;
	}
	*bytes = pages * page_size();
	return 0;
}

void pfnlist_free(struct pfnlist *l)
{
	free(l->pfn);
	l->pfn = NULL;
	l->n = l->cap = 0;
}
