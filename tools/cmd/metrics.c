// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox metrics - the module's accounting as Prometheus metrics.
 *
 * One table describes every per-group metric family (name, type, unit,
 * help, and the GET_GROUP attribute of each sample); the writer walks it
 * once per family, so the text format and OpenMetrics come from the same
 * description.  The two formats differ in three places only:
 *   - OpenMetrics names a counter family without its "_total" suffix in
 *     "# TYPE" and has an info type; the text format 0.0.4 has neither;
 *   - OpenMetrics says "# UNIT" for families with a unit;
 *   - OpenMetrics ends with "# EOF".
 * Names follow Prometheus conventions: base units (seconds, bytes),
 * "_total" on counters, labels kind, id, path (cgroups) and box.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include <linux/nsbox.h>
#include "box.h"
#include "err.h"
#include "genl.h"
#include "groupfetch.h"
#include "info.h"
#include "io.h"
#include "kind.h"
#include "probe.h"
#include "metrics.h"
#include "units.h"
#include "util.h"
#include "wbuf.h"

enum mtype { M_COUNTER, M_GAUGE };

struct msample {
	int attr;		/* NSBOX_GROUP_A_* */
	const char *label;	/* an extra label "name=\"value\"", or NULL */
};

struct mfamily {
	const char *name;	/* without "_total" */
	enum mtype type;
	const char *unit;	/* OpenMetrics # UNIT, or NULL */
	int decimals;		/* sample = attribute / 10^decimals, exactly */
	const char *help;
	struct msample s[2];
};

#define NS 9
#define ONE(attr) { { attr, NULL }, { 0, NULL } }
static const struct mfamily group_families[] = {
	{ "nsbox_group_cpu_seconds", M_COUNTER, "seconds", NS,
	  "CPU time of the group's tasks while in the group (user + system)",
	  ONE(NSBOX_GROUP_A_CPU_NS) },
	{ "nsbox_group_cpu_user_seconds", M_COUNTER, "seconds", NS,
	  "user CPU time of the group's tasks while in the group",
	  ONE(NSBOX_GROUP_A_UTIME_NS) },
	{ "nsbox_group_cpu_system_seconds", M_COUNTER, "seconds", NS,
	  "system CPU time of the group's tasks while in the group",
	  ONE(NSBOX_GROUP_A_STIME_NS) },
	{ "nsbox_group_processes", M_GAUGE, NULL, 0, "live processes in the group",
	  ONE(NSBOX_GROUP_A_PROCS) },
	{ "nsbox_group_threads", M_GAUGE, NULL, 0, "live tasks (threads) in the group",
	  ONE(NSBOX_GROUP_A_THREADS) },
	{ "nsbox_group_forks", M_COUNTER, NULL, 0, "tasks created in the group",
	  ONE(NSBOX_GROUP_A_FORKS) },
	{ "nsbox_group_execs", M_COUNTER, NULL, 0, "execve() calls in the group",
	  ONE(NSBOX_GROUP_A_EXECS) },
	{ "nsbox_group_exits", M_COUNTER, NULL, 0, "tasks that exited in the group",
	  ONE(NSBOX_GROUP_A_EXITS) },
	{ "nsbox_group_moves", M_COUNTER, NULL, 0,
	  "tasks that joined (in) or left (out) the group: unshare, setns, cgroup moves",
	  { { NSBOX_GROUP_A_MOVED_IN, "direction=\"in\"" },
	    { NSBOX_GROUP_A_MOVED_OUT, "direction=\"out\"" } } },
	{ "nsbox_group_oom_kills", M_COUNTER, NULL, 0, "tasks of the group killed by the OOM killer",
	  ONE(NSBOX_GROUP_A_OOM_KILLS) },
	{ "nsbox_group_context_switches", M_COUNTER, NULL, 0, "context switches of the group's tasks",
	  { { NSBOX_GROUP_A_NVCSW, "type=\"voluntary\"" },
	    { NSBOX_GROUP_A_NIVCSW, "type=\"involuntary\"" } } },
	{ "nsbox_group_page_faults", M_COUNTER, NULL, 0, "page faults of the group's tasks",
	  { { NSBOX_GROUP_A_MINFLT, "type=\"minor\"" },
	    { NSBOX_GROUP_A_MAJFLT, "type=\"major\"" } } },
	{ "nsbox_group_syscall_read_bytes", M_COUNTER, "bytes", 0,
	  "bytes read through read-like system calls (rchar)",
	  ONE(NSBOX_GROUP_A_RCHAR) },
	{ "nsbox_group_syscall_write_bytes", M_COUNTER, "bytes", 0,
	  "bytes written through write-like system calls (wchar)",
	  ONE(NSBOX_GROUP_A_WCHAR) },
	{ "nsbox_group_fs_read_bytes", M_COUNTER, "bytes", 0, "bytes read from storage",
	  ONE(NSBOX_GROUP_A_READ_BYTES) },
	{ "nsbox_group_fs_write_bytes", M_COUNTER, "bytes", 0, "bytes written to storage",
	  ONE(NSBOX_GROUP_A_WRITE_BYTES) },
	{ "nsbox_group_read_syscalls", M_COUNTER, NULL, 0, "read system calls",
	  ONE(NSBOX_GROUP_A_SYSCR) },
	{ "nsbox_group_write_syscalls", M_COUNTER, NULL, 0, "write system calls",
	  ONE(NSBOX_GROUP_A_SYSCW) },
	{ "nsbox_group_rss_bytes", M_GAUGE, "bytes", 0,
	  "resident memory of the group's processes, each address space once",
	  ONE(NSBOX_GROUP_A_RSS_BYTES) },
	{ "nsbox_group_virtual_memory_bytes", M_GAUGE, "bytes", 0,
	  "virtual memory of the group's processes, each address space once",
	  ONE(NSBOX_GROUP_A_VM_BYTES) },
	{ "nsbox_group_load1", M_GAUGE, NULL, 2,
	  "load average of the group over 1 minute (runnable + uninterruptible tasks)",
	  ONE(NSBOX_GROUP_A_LOAD1) },
	{ "nsbox_group_load5", M_GAUGE, NULL, 2, "load average of the group over 5 minutes",
	  ONE(NSBOX_GROUP_A_LOAD5) },
	{ "nsbox_group_load15", M_GAUGE, NULL, 2, "load average of the group over 15 minutes",
	  ONE(NSBOX_GROUP_A_LOAD15) },
};

/* A box's cgroup id and name, to label its cgroup. */
struct box_label {
	uint64_t cgroup_id;
	char name[BOX_NAME_MAX + 1];
};

struct scrape {
	FILE *f;
	const struct nsbox_metrics_opts *o;
	struct group_row *rows;
	size_t n;
	/*
	 * rows[i]'s labels, '{' to the last label's '"', made once
	 * (row_labels()) at lab.p + lab_off[i] (NUL-terminated), lab_len[i]
	 * bytes; lab_len[i] 0: not made yet
	 */
	struct nsbox_wbuf lab;
	size_t *lab_off, *lab_len;
	/*
	 * The scrape's text: what goes through @f (fopencookie(), below),
	 * and the group samples written straight in after an fflush()
	 */
	struct nsbox_wbuf text;
	int fd;			/* >= 0: the text goes there, 64 KiB at a time */
	int werr;		/* the first write to @fd that failed: its errno */
	struct box_label *boxes;
	size_t nboxes;
	uint64_t now;		/* CLOCK_MONOTONIC ns when the groups were read */
};

#define SINK_CHUNK 65536

/* The text made so far to sc->fd, once it holds SINK_CHUNK bytes (@all: any). */
static void sink(struct scrape *sc, bool all)
{
	if (sc->fd < 0 || (!all && sc->text.len < SINK_CHUNK))
		return;
	if (!sc->werr && nsbox_write_all(sc->fd, sc->text.p, sc->text.len))
		sc->werr = errno ? errno : EIO;
	sc->text.len = 0;
}

const char *nsbox_metrics_content_type(enum nsbox_metrics_format f)
{
	return f == NSBOX_METRICS_OPENMETRICS ?
		"application/openmetrics-text; version=1.0.0; charset=utf-8" :
		"text/plain; version=0.0.4; charset=utf-8";
}

/* A label value into @b: backslash, double quote and newline escaped. */
static void wbuf_label_value(struct nsbox_wbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			nsbox_wbuf_putc(b, '\\');
		if (*v == '\n')
			NSBOX_WBUF_PUTS(b, "\\n");
		else
			nsbox_wbuf_putc(b, *v);
	}
}

/* A label value to @f, escaped as wbuf_label_value() does. */
static void put_label_value(FILE *f, const char *v)
{
	struct nsbox_wbuf b = { 0 };

	wbuf_label_value(&b, v);
	fwrite_unlocked(b.p, 1, b.len, f);
	free(b.p);
}

/* HELP text: backslash and newline escaped (both formats). */
static void put_help(FILE *f, const char *name, const char *suffix, const char *help)
{
	fprintf(f, "# HELP %s%s ", name, suffix);
	for (; *help; help++) {
		if (*help == '\\')
			fputs("\\\\", f);
		else if (*help == '\n')
			fputs("\\n", f);
		else
			fputc(*help, f);
	}
	fputc('\n', f);
}

/*
 * The family header.  @info: an info metric (OpenMetrics type info, a
 * gauge named *_info in the text format).
 */
static void put_header(struct scrape *sc, const char *name, enum mtype type,
		       const char *unit, const char *help, bool info)
{
	bool om = sc->o->format == NSBOX_METRICS_OPENMETRICS;
	/* the text format names the family as its samples are named */
	const char *suffix = om ? "" : type == M_COUNTER ? "_total" : info ? "_info" : "";
	const char *tname = info ? (om ? "info" : "gauge") :
			    type == M_COUNTER ? "counter" : "gauge";

	put_help(sc->f, name, suffix, help);
	fprintf(sc->f, "# TYPE %s%s %s\n", name, suffix, tname);
	if (om && unit)
		fprintf(sc->f, "# UNIT %s %s\n", name, unit);
}

static void put_value(FILE *f, double v)
{
	if (v == (double)(uint64_t)v && v < 9007199254740992.0)
		fprintf(f, " %" PRIu64 "\n", (uint64_t)v);
	else
		fprintf(f, " %.9g\n", v);
}

/*
 * " @v / 10^@decimals\n" in decimal, exactly (no binary floating point on
 * the way): 1500000000 ns -> "1.5", 150 (load x100) -> "1.5", 7 -> "7".
 * The group samples are written by nsbox_wbuf_fixed() straight into
 * the text; this is for the few others.
 */
static void put_fixed(FILE *f, uint64_t v, int decimals)
{
	struct nsbox_wbuf b = { 0 };

	nsbox_wbuf_putc(&b, ' ');
	nsbox_wbuf_fixed(&b, v, decimals);
	nsbox_wbuf_putc(&b, '\n');
	fwrite_unlocked(b.p, 1, b.len, f);
	free(b.p);
}

static const char *box_of(const struct scrape *sc, const struct group_row *r)
{
	if (r->v[NSBOX_GROUP_A_KIND] != NSBOX_KIND_CGROUP2)
		return NULL;
	for (size_t i = 0; i < sc->nboxes; i++)
		if (sc->boxes[i].cgroup_id == r->v[NSBOX_GROUP_A_ID])
			return sc->boxes[i].name;
	return NULL;
}

/*
 * The labels of group @r, without the closing brace
 * ({kind="net",id="4026531840"...), at the end of @b: made once per
 * group, used by every family.
 */
static void group_labels(const struct scrape *sc, const struct group_row *r,
			 struct nsbox_wbuf *b)
{
	const char *box = box_of(sc, r);
	const char *kind = nsbox_kind_name((int)r->v[NSBOX_GROUP_A_KIND]);

	NSBOX_WBUF_PUTS(b, "{kind=\"");
	nsbox_wbuf_put(b, kind, strlen(kind));
	NSBOX_WBUF_PUTS(b, "\",id=\"");
	nsbox_wbuf_u64(b, r->v[NSBOX_GROUP_A_ID]);
	nsbox_wbuf_putc(b, '"');
	if (r->has[NSBOX_GROUP_A_PATH]) {
		NSBOX_WBUF_PUTS(b, ",path=\"");
		wbuf_label_value(b, r->path);
		nsbox_wbuf_putc(b, '"');
	}
	if (box) {
		NSBOX_WBUF_PUTS(b, ",box=\"");
		wbuf_label_value(b, box);
		nsbox_wbuf_putc(b, '"');
	}
}

static bool group_wanted(const struct scrape *sc, const struct group_row *r)
{
	uint64_t kind = r->v[NSBOX_GROUP_A_KIND];

	if (sc->o->kinds && (kind >= 32 || !(sc->o->kinds & (1u << kind))))
		return false;
	if (sc->o->skip_empty && !r->v[NSBOX_GROUP_A_THREADS])
		return false;
	return true;
}

/*
 * The labels of rows[@i], escaped once per scrape however many families
 * and probes print them; valid until the next row's are made.
 */
static const char *row_labels(struct scrape *sc, size_t i)
{
	if (!sc->lab_len[i]) {
		sc->lab_off[i] = sc->lab.len;
		group_labels(sc, &sc->rows[i], &sc->lab);
		sc->lab_len[i] = sc->lab.len - sc->lab_off[i];
		nsbox_wbuf_putc(&sc->lab, '\0');
	}
	return sc->lab.p + sc->lab_off[i];
}

/*
 * The per-group families: each sample's name, labels and value copied and
 * formatted straight into the text (no stdio: some 50,000 lines a scrape).
 */
static void put_groups(struct scrape *sc)
{
	struct nsbox_wbuf *b = &sc->text;
	char name[96];

	for (size_t i = 0; i < sc->n; i++)
		if (group_wanted(sc, &sc->rows[i]))
			row_labels(sc, i);
	for (size_t fi = 0; fi < ARRAY_SIZE(group_families); fi++) {
		const struct mfamily *m = &group_families[fi];
		int nlen = snprintf(name, sizeof(name), "%s%s", m->name,
				    m->type == M_COUNTER ? "_total" : "");

		put_header(sc, m->name, m->type, m->unit, m->help, false);
		fflush(sc->f);	/* the header first */
		for (size_t i = 0; i < sc->n; i++) {
			const struct group_row *r = &sc->rows[i];

			if (!group_wanted(sc, r))
				continue;
			for (size_t k = 0; k < ARRAY_SIZE(m->s) && m->s[k].attr; k++) {
				const char *extra = m->s[k].label;

				/* an attribute this module does not send: no sample */
				if (!r->has[m->s[k].attr])
					continue;
				nsbox_wbuf_put(b, name, (size_t)nlen);
				nsbox_wbuf_put(b, sc->lab.p + sc->lab_off[i], sc->lab_len[i]);
				if (extra) {
					nsbox_wbuf_putc(b, ',');
					nsbox_wbuf_put(b, extra, strlen(extra));
				}
				NSBOX_WBUF_PUTS(b, "} ");
				nsbox_wbuf_fixed(b, r->v[m->s[k].attr], m->decimals);
				nsbox_wbuf_putc(b, '\n');
			}
			sink(sc, false);
		}
	}
}

/* ---- probes (nsbox probe), when there are any and root asks ---------------- */

/* {probe="NAME",kind=...,id=...,path=...,box=...} of one probe's group */
static void put_probe_group_labels(struct scrape *sc, const char *probe,
				   const struct nsbox_probe_stat *st)
{
	const struct group_row *r = nsbox_group_row_find(sc->rows, sc->n, st->kind, st->id);
	const char *labels = r ? row_labels(sc, (size_t)(r - sc->rows)) : NULL;

	fputs("{probe=\"", sc->f);
	put_label_value(sc->f, probe);
	if (labels)
		fprintf(sc->f, "\",%s}", labels + 1);
	else
		fprintf(sc->f, "\",kind=\"%s\",id=\"%" PRIu64 "\"}", nsbox_kind_name(st->kind), st->id);
}

struct probe_data {
	struct nsbox_probe_info *p;
	size_t n;
	struct nsbox_probe_stat **st;
	size_t *nst;
};

static void put_probe_family(struct scrape *sc, const struct probe_data *pd, const char *name,
			     const char *unit, const char *help, int what)
{
	bool any = false;

	for (size_t i = 0; i < pd->n && !any; i++)
		any = what == 0 || (what == 1 && pd->p[i].sum_arg) || (what == 2 && pd->p[i].ret);
	if (!any)
		return;
	put_header(sc, name, M_COUNTER, unit, help, false);
	for (size_t i = 0; i < pd->n; i++) {
		if ((what == 1 && !pd->p[i].sum_arg) || (what == 2 && !pd->p[i].ret))
			continue;
		for (size_t k = 0; k < pd->nst[i]; k++) {
			const struct nsbox_probe_stat *st = &pd->st[i][k];

			if (sc->o->kinds && (st->kind >= 32 || !(sc->o->kinds & (1u << st->kind))))
				continue;
			fprintf(sc->f, "%s_total", name);
			put_probe_group_labels(sc, pd->p[i].name, st);
			put_fixed(sc->f, what == 0 ? st->calls : what == 1 ? st->sum : st->ns_total,
				  what == 2 ? NS : 0);
		}
	}
}

static void put_probe_totals(struct scrape *sc, const struct probe_data *pd, const char *name,
			     const char *help, int what)
{
	put_header(sc, name, M_COUNTER, NULL, help, false);
	for (size_t i = 0; i < pd->n; i++) {
		const struct nsbox_probe_info *p = &pd->p[i];

		fprintf(sc->f, "%s_total{probe=\"", name);
		put_label_value(sc->f, p->name);
		fputs("\",symbol=\"", sc->f);
		put_label_value(sc->f, p->symbol);
		fputs("\"}", sc->f);
		put_fixed(sc->f, what == 0 ? p->hits : what == 1 ? p->misses : p->nmissed, 0);
	}
}

/*
 * The probes' numbers: only root may read them (the module says EPERM to
 * others), so for anybody else, and when there are no probes, there are
 * no probe families.
 */
static void put_probes(struct scrape *sc, struct nsbox_nl *nl)
{
	struct probe_data pd = { 0 };
	struct nsbox_nl_error e;

	if (nsbox_probe_list(nl, &pd.p, &pd.n, &e) || !pd.n)
		goto out;
	pd.st = calloc(pd.n, sizeof(*pd.st));
	pd.nst = calloc(pd.n, sizeof(*pd.nst));
	if (!pd.st || !pd.nst)
		goto out;
	for (size_t i = 0; i < pd.n; i++)
		nsbox_probe_stats(nl, pd.p[i].name, &pd.st[i], &pd.nst[i], &e);
	put_probe_totals(sc, &pd, "nsbox_probe_calls", "calls the probe counted (nsbox probe)", 0);
	put_probe_totals(sc, &pd, "nsbox_probe_misses",
			 "calls the probe saw but could not count (no free entry, NMI)", 1);
	put_probe_totals(sc, &pd, "nsbox_probe_missed",
			 "calls the kernel did not hand to the probe (reentry, kretprobe maxactive)", 2);
	put_probe_family(sc, &pd, "nsbox_probe_group_calls", NULL,
			 "calls of the probed function by the group's tasks", 0);
	put_probe_family(sc, &pd, "nsbox_probe_group_arg_sum", NULL,
			 "sum of the probe's --sum-arg argument over those calls", 1);
	put_probe_family(sc, &pd, "nsbox_probe_group_seconds", "seconds",
			 "time spent in the probed function by the group's tasks (--ret probes)", 2);
out:
	for (size_t i = 0; pd.st && i < pd.n; i++)
		free(pd.st[i]);
	free(pd.st);
	free(pd.nst);
	free(pd.p);
}

static void put_gauge(struct scrape *sc, const char *name, const char *unit,
		      const char *help, double v)
{
	put_header(sc, name, M_GAUGE, unit, help, false);
	fputs(name, sc->f);
	put_value(sc->f, v);
}

static void put_counter(struct scrape *sc, const char *name, const char *help, double v)
{
	put_header(sc, name, M_COUNTER, NULL, help, false);
	fprintf(sc->f, "%s_total", name);
	put_value(sc->f, v);
}

/* "1000", or "others" for every user past the module's table of users */
static void put_uid(FILE *f, uint32_t uid)
{
	if (uid == NSBOX_SHARE_OTHERS_UID)
		fputs("others", f);
	else
		fprintf(f, "%" PRIu32, uid);
}

/*
 * The fair shares of the table (ABI 9): the limits, each user's groups,
 * and what was refused to whom, per kind -- a refusal means tasks that are
 * not counted in a group, which nobody should learn only by chance.  The
 * admin gets every user that holds groups or was refused some; anybody
 * else its own share.
 */
static void put_shares(struct scrape *sc, const struct nsbox_info *in)
{
	FILE *f = sc->f;

	put_gauge(sc, "nsbox_groups_max_user", NULL,
		  "groups one user other than root may hold (module parameter max_user_groups)",
		  (double)in->max_user_groups);
	put_gauge(sc, "nsbox_groups_max_unpriv", NULL,
		  "groups all users other than root may hold together (max_unpriv_groups)",
		  (double)in->max_unpriv_groups);
	if (in->admin) {
		put_gauge(sc, "nsbox_groups_unpriv", NULL,
			  "groups charged to users other than root now", (double)in->unpriv_groups);
		put_gauge(sc, "nsbox_adopted", NULL,
			  "1 if the module knows every namespace without tasks (no /proc scan needed)",
			  in->adopted ? 1 : 0);
		put_counter(sc, "nsbox_live_walks", "walks of all tasks made for the live values",
			    (double)in->live_walks);
	}
	put_header(sc, "nsbox_user_groups", M_GAUGE, NULL,
		   "groups charged to the user now (uid others: every user past the module's table)",
		   false);
	for (unsigned int i = 0; i < in->n_shares; i++) {
		fputs("nsbox_user_groups{uid=\"", f);
		put_uid(f, in->shares[i].uid);
		fprintf(f, "\"} %" PRIu64 "\n", in->shares[i].groups);
	}
	put_header(sc, "nsbox_user_groups_limit", M_GAUGE, NULL,
		   "the most groups the user may hold", false);
	for (unsigned int i = 0; i < in->n_shares; i++) {
		fputs("nsbox_user_groups_limit{uid=\"", f);
		put_uid(f, in->shares[i].uid);
		fprintf(f, "\"} %" PRIu64 "\n", in->shares[i].limit);
	}
	put_header(sc, "nsbox_groups_refused", M_COUNTER, NULL,
		   "groups the user's tasks would have made but the module refused (share or table full, no memory): their tasks are not counted there",
		   false);
	for (unsigned int i = 0; i < in->n_shares; i++) {
		for (int k = 0; k < NSBOX_INFO_KINDS; k++) {
			fputs("nsbox_groups_refused_total{uid=\"", f);
			put_uid(f, in->shares[i].uid);
			fprintf(f, "\",kind=\"%s\"} %" PRIu64 "\n", nsbox_kind_name(k),
				in->shares[i].refused[k]);
		}
	}
}

static void put_module(struct scrape *sc, const struct nsbox_info *in)
{
	FILE *f = sc->f;

	put_header(sc, "nsbox_module", M_GAUGE, NULL,
		   "the loaded nsbox.ko: version, netlink ABI and kernel release", true);
	fputs("nsbox_module_info{version=\"", f);
	put_label_value(f, in->version);
	fprintf(f, "\",abi=\"%u\",kernel=\"", in->abi);
	put_label_value(f, in->kernel);
	fputs("\"} 1\n", f);

	put_header(sc, "nsbox_hook_attached", M_GAUGE, NULL,
		   "1 if the hook is attached; 0: its numbers are missing from every group", false);
	for (unsigned int i = 0; i < in->n_hooks; i++) {
		const struct nsbox_hook_info *h = &in->hooks[i];

		fputs("nsbox_hook_attached{hook=\"", f);
		put_label_value(f, h->name);
		fputs("\",symbol=\"", f);
		put_label_value(f, h->symbol);
		fprintf(f, "\",type=\"%s\",status=\"", nsbox_hook_kind_name(h->kind));
		put_label_value(f, nsbox_hook_status_name(h));
		fprintf(f, "\"} %d\n", h->attached ? 1 : 0);
	}
	/* since ABI 9 the hooks' traffic and the table are the admin's to see */
	if (!in->has_shares || in->admin) {
		put_header(sc, "nsbox_hook_hits", M_COUNTER, NULL, "times the hook's handler ran", false);
		for (unsigned int i = 0; i < in->n_hooks; i++) {
			fputs("nsbox_hook_hits_total{hook=\"", f);
			put_label_value(f, in->hooks[i].name);
			fprintf(f, "\"} %llu\n", in->hooks[i].hits);
		}
		put_header(sc, "nsbox_hook_misses", M_COUNTER, NULL,
			   "times the hook fired but could not count (kretprobe maxactive, no memory)", false);
		for (unsigned int i = 0; i < in->n_hooks; i++) {
			fputs("nsbox_hook_misses_total{hook=\"", f);
			put_label_value(f, in->hooks[i].name);
			fprintf(f, "\"} %llu\n", in->hooks[i].misses);
		}
		put_gauge(sc, "nsbox_groups", NULL, "groups the module tracks now", (double)in->groups);
	}
	put_gauge(sc, "nsbox_groups_max", NULL, "the table's limit (module parameter max_groups)",
		  (double)in->max_groups);
	if (!in->has_shares || in->admin) {
		put_counter(sc, "nsbox_groups_evicted", "groups evicted to make room (their counts are lost)",
			    (double)in->evictions);
		put_counter(sc, "nsbox_alloc_failures",
			    "groups that could not be created: those tasks are not counted", (double)in->failures);
		put_gauge(sc, "nsbox_memory_bytes", "bytes", "memory the module's table uses", (double)in->memory);
		put_gauge(sc, "nsbox_event_subscribers", NULL, "listeners of the events multicast group",
			  (double)in->subscribers);
	}
	if (in->has_shares)
		put_shares(sc, in);
}

/*
 * How old the live values of this scrape are (ABI 9): the oldest walk
 * that gave a group's CPU time, I/O and memory.  A module before ABI 9
 * counts at the moment of the query: no sample.
 */
static void put_live_age(struct scrape *sc)
{
	int64_t oldest = -1;

	for (size_t i = 0; i < sc->n; i++) {
		int64_t age = nsbox_group_live_age(&sc->rows[i], sc->now);

		if (age > oldest && group_wanted(sc, &sc->rows[i]))
			oldest = age;
	}
	if (oldest >= 0)
		put_gauge(sc, "nsbox_live_age_seconds", "seconds",
			  "age of the oldest live values (CPU, I/O, memory) in this scrape: since the walk of all tasks that gave them began",
			  (double)oldest * 1e-9);
}

static int load_boxes(struct scrape *sc)
{
	char **names = NULL;
	int n = box_list(&names);

	if (n <= 0)
		return 0;	/* no box, or no state dir: no box labels */
	sc->boxes = calloc((size_t)n, sizeof(*sc->boxes));
	for (int i = 0; sc->boxes && i < n; i++) {
		struct box_state s;

		if (box_state_read(names[i], &s) || !s.cgroup_id)
			continue;
		sc->boxes[sc->nboxes].cgroup_id = s.cgroup_id;
		snprintf(sc->boxes[sc->nboxes].name, sizeof(sc->boxes[0].name), "%s", s.name);
		sc->nboxes++;
	}
	box_list_free(names, n);
	return 0;
}

/*
 * The stream's writes go to the end of the text: a buffer that grows by
 * realloc() (mremap(), no copy, once it is large), where open_memstream()
 * copied the whole text each time it doubled.
 */
static ssize_t text_write(void *cookie, const char *buf, size_t size)
{
	struct scrape *sc = cookie;

	nsbox_wbuf_put(&sc->text, buf, size);
	sink(sc, false);
	return (ssize_t)size;
}

/*
 * One scrape: into sc->text, or through it to @fd (@fd >= 0).  *@up: the
 * scrape says nsbox_up 1.
 */
static int scrape(const struct nsbox_metrics_opts *o, struct scrape *out, int fd,
		  bool *up, char *why, size_t why_len)
{
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	_cleanup_free_ struct nsbox_info *info = calloc(1, sizeof(*info));
	struct scrape sc = { .o = o, .fd = fd };
	struct nsbox_nl_error e = { 0 };
	struct timespec t0, t1;
	bool oom = false;
	int ret;

	*up = false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sc.f = fopencookie(&sc, "w", (cookie_io_functions_t){ .write = text_write });
	if (!sc.f || !info) {
		if (sc.f)
			fclose(sc.f);
		snprintf(why, why_len, "out of memory");
		return NSBOX_EXIT_FAIL;
	}
	/* the cause, not on stderr: the caller says it (serve: per scrape) */
	nsbox_err_capture(why, why_len);
	ret = nsbox_nl_open(&nl);
	if (!ret) {
		ret = nsbox_fetch_info(&nl, info, &e);
		if (ret)
			ret = nsbox_nl_report("GET_INFO", &e);
	}
	if (!ret) {
		struct group_query q = GROUP_QUERY_ALL;

		q.kinds = o->kinds;	/* the module filters (ABI 9) */
		q.max_age_ms = o->max_age_ms;
		q.flags = NSBOX_DUMP_PACKED;
		ret = fetch_groups_q(&nl, &q, &sc.rows, &sc.n);
		sc.now = nsbox_now_ns();
	}
	nsbox_err_capture(NULL, 0);

	put_gauge(&sc, "nsbox_up", NULL, "1 if nsbox.ko answered this scrape, 0 if not (see the exporter's log)",
		  ret ? 0 : 1);
	*up = !ret;
	if (!ret) {
		why[0] = '\0';
		load_boxes(&sc);
		put_module(&sc, info);
		put_live_age(&sc);
		sc.lab_off = calloc(sc.n ? sc.n : 1, sizeof(*sc.lab_off));
		sc.lab_len = calloc(sc.n ? sc.n : 1, sizeof(*sc.lab_len));
		oom = !sc.lab_off || !sc.lab_len;
		if (!oom) {
			put_groups(&sc);
			put_probes(&sc, &nl);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	put_gauge(&sc, "nsbox_scrape_duration_seconds", "seconds",
		  "time this scrape took: the module's dumps and the formatting",
		  (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
	if (o->format == NSBOX_METRICS_OPENMETRICS)
		fputs("# EOF\n", sc.f);
	free(sc.lab.p);
	free(sc.lab_off);
	free(sc.lab_len);
	free(sc.rows);
	free(sc.boxes);
	if (fclose(sc.f) || oom) {
		free(sc.text.p);
		snprintf(why, why_len, "out of memory");
		return NSBOX_EXIT_FAIL;
	}
	sink(&sc, true);
	*out = sc;
	return ret;
}

int nsbox_metrics_scrape(const struct nsbox_metrics_opts *o, char **text,
			 size_t *len, char *why, size_t why_len)
{
	struct scrape sc = { 0 };
	bool up;
	int ret = scrape(o, &sc, -1, &up, why, why_len);

	*text = sc.text.p;	/* NULL: out of memory */
	*len = sc.text.len;
	return ret;
}

int nsbox_metrics_write(const struct nsbox_metrics_opts *o, int fd, int *werr,
			bool *up, char *why, size_t why_len)
{
	struct scrape sc = { 0 };
	int ret = scrape(o, &sc, fd, up, why, why_len);

	free(sc.text.p);
	*werr = sc.werr;
	return ret;
}

int nsbox_metrics_kind_opt(const char *cmd, const char *arg, struct nsbox_metrics_opts *o)
{
	int k = nsbox_kind_parse(arg);

	if (k < 0)
		return nsbox_usage_err(cmd, "unknown kind '%s' (kinds: %s)", arg, nsbox_kind_list());
	o->kinds |= 1u << k;
	return 0;
}

int nsbox_metrics_format_opt(const char *cmd, const char *arg, struct nsbox_metrics_opts *o)
{
	if (!strcmp(arg, "prometheus"))
		o->format = NSBOX_METRICS_PROMETHEUS;
	else if (!strcmp(arg, "openmetrics"))
		o->format = NSBOX_METRICS_OPENMETRICS;
	else
		return nsbox_usage_err(cmd, "unknown format '%s' (formats: prometheus, openmetrics)", arg);
	return 0;
}
