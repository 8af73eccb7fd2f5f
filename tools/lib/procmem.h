/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - what a process costs in memory, from the kernel's own
 * files: VSS and RSS by kind (/proc/PID/status), PSS, USS and swap
 * (/proc/PID/smaps_rollup), and the physical pages it maps
 * (/proc/PID/pagemap) for the pages a set of processes alone holds
 * (/proc/kpagecount).  docs/memory.md is the lesson.
 */
#ifndef NSBOX_PROCMEM_H
#define NSBOX_PROCMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Bytes, summed over processes by procmem_add(). */
struct procmem {
	uint64_t vss;			/* VmSize: every mapping, touched or not */
	uint64_t rss, rss_anon, rss_file, rss_shmem;
	uint64_t pss, pss_anon, pss_file, pss_shmem;
	uint64_t uss;			/* Private_Clean + Private_Dirty */
	uint64_t swap, swap_pss;
};

/*
 * One process (@pid as this pid namespace sees it): 0, or -errno (-EACCES:
 * the ptrace rule says no; -ENOENT: it is gone; -ENODATA: a kernel thread,
 * which has no memory of its own).
 */
int procmem_read(pid_t pid, struct procmem *m);
void procmem_add(struct procmem *sum, const struct procmem *m);

/*
 * The physical pages some processes map: frame numbers, one per mapping;
 * and how many more pagemap entries (virtual pages) may be read for them.
 */
struct pfnlist {
	uint64_t *pfn;
	size_t n, cap;
	uint64_t budget;
};

/*
 * pagemap has one entry per virtual page, present or not: a process can
 * map a terabyte and touch one page of it.  Mappings with nothing
 * resident are skipped (smaps says so); the rest may cost this many
 * entries per group at most -- 64 GiB mapped, 128 MiB of pagemap.
 */
#define PROCMEM_PAGEMAP_BUDGET (1ULL << 24)

/*
 * Append the frame of every page @pid maps and has in memory (swapped
 * pages have none).  0, or -errno: -EPERM when the kernel hides frame
 * numbers from us (pagemap shows them to CAP_SYS_ADMIN only); -E2BIG when
 * its mappings with pages in memory are larger than l->budget left.
 */
int procmem_pages(pid_t pid, struct pfnlist *l);
/*
 * Of the pages in @l, those no process outside the list maps: the
 * kernel's map count of the page (/proc/kpagecount) is no more than the
 * list's own.  Pages the kernel counts no mapping of (the zero page) are
 * left out.  Sorts @l.  Bytes into *@bytes; 0 or -errno.
 */
int procmem_unique(struct pfnlist *l, uint64_t *bytes);
void pfnlist_free(struct pfnlist *l);

#endif
