// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox top - a live view of groups (cgroups by default, namespaces with
 * --kind), in the manner of systemd-cgtop: CPU%, load, memory, I/O, forks.
 *
 * CPU%: the module keeps cpu_ns per group, a cumulative counter: the CPU
 * time of the tasks that have exited from (or left) the group, plus the
 * sum_exec_runtime of its live tasks at the moment of the query.  A
 * single value says nothing about "now", so top samples every group,
 * waits one interval, samples again and divides the difference by the
 * time between the two samples (CLOCK_MONOTONIC):
 *
 *	CPU% = (cpu_ns(t1) - cpu_ns(t0)) / (t1 - t0 in ns) * 100
 *
 * The CPU time of running tasks comes from a walk of all tasks that the
 * module shares among its readers (ABI 9), no older than half an interval
 * here, and each group says when its walk began: t0 and t1 are those times
 * (NSBOX_GROUP_A_LIVE_TIME), not when top asked, so a sample that waited
 * for a walk or got an older one still divides by the right time.
 *
 * A group running on two CPUs shows 200%.  READ/s, WRITE/s and FORKS/s
 * are deltas of cumulative counters over the same interval.  A group
 * missing from the previous sample, or whose counters went backwards
 * (`nsbox reset`), shows "-" until the next sample.
 *
 * Load: /proc/loadavg is one number for the whole machine, and says
 * nothing about which box makes it.  The module runs the kernel's own
 * calc_load() for every group over that group's runnable and
 * uninterruptible tasks (see kmod/loadavg.c), so LOAD1 of a box is its
 * share of the machine's load.  Values arrive x100 in fixed point.
 *
 * Batch mode (-b, or stdout not a terminal) prints plain blocks; the
 * interactive mode draws on the alternate screen, one write() a frame.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/nsbox.h>
#include "box.h"
#include "cmds.h"
#include "err.h"
#include "table.h"
#include "wbuf.h"
#include "genl.h"
#include "groupfetch.h"
#include "kind.h"
#include "probe.h"
#include "io.h"
#include "units.h"
#include "util.h"

enum sort_key { S_CPU, S_TASKS, S_RSS, S_IO, S_FORKS, S_NAME, S_LOAD, S_COUNT,
		S_PROBE = S_COUNT };	/* -s probe.NAME: calls/s of that probe */
static const char sort_names[S_COUNT][6] = { "cpu", "tasks", "rss", "io", "forks", "name", "load" };
static const char sort_keys[S_COUNT] = { 'c', 't', 'm', 'i', 'f', 'n', 'l' };

/* One line of the table; a rate < 0 is unknown ("-"). */
struct line {
	char name[sizeof(((struct group_row *)0)->path) + 32];
	uint64_t id;
	const struct group_row *g;
	double cpu, rd, wr, forks, probe;
};

struct sample {
	struct group_row *g;
	size_t n;
	uint64_t t;			/* CLOCK_MONOTONIC ns */
	struct nsbox_probe_stat *ps;	/* -s probe.NAME: its groups */
	size_t nps;
};

static enum sort_key sort_by = S_CPU;
static bool sort_rev;
static const char *sort_probe;	/* -s probe.NAME: NAME, and a CALLS/s column */

static volatile sig_atomic_t got_signal, got_winch;
static struct termios saved_tio;
static bool tio_saved, screen_on;
static int saved_stderr = -1;
static FILE *held_stderr;	/* messages while the screen is ours */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void bprintf(struct nsbox_wbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->len + n < b->cap)
			break;
		nsbox_wbuf_grow(b, (size_t)n + 1);
	}
	b->len += n;
}

/*
 * Cut what was added since @start to @width - 1 columns: a character in
 * the last column leaves the cursor in the terminal's pending-wrap state,
 * where the next ESC[K would erase it.
 */
static void cut(struct nsbox_wbuf *b, size_t start, int width)
{
	if (width > 1 && b->len - start > (size_t)width - 1)
		b->len = start + width - 1;
}

static int cmp_group(const void *a, const void *b)
{
	const struct group_row *x = a, *y = b;

	if (x->v[NSBOX_GROUP_A_KIND] != y->v[NSBOX_GROUP_A_KIND])
		return x->v[NSBOX_GROUP_A_KIND] < y->v[NSBOX_GROUP_A_KIND] ? -1 : 1;
	if (x->v[NSBOX_GROUP_A_ID] != y->v[NSBOX_GROUP_A_ID])
		return x->v[NSBOX_GROUP_A_ID] < y->v[NSBOX_GROUP_A_ID] ? -1 : 1;
	return 0;
}

/* How old the live values may be: half the refresh interval (ms). */
static int max_age_ms;

/* Keep what to show (the module filtered already, unless it is older). */
static size_t keep_kinds(struct group_row *rows, size_t n, unsigned int kinds)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t k = rows[i].v[NSBOX_GROUP_A_KIND];

		if (k >= NSBOX_KIND_COUNT || !(kinds & (1u << k)))
			continue;
		if (kept != i)	/* a row is some 900 bytes: no copy onto itself */
			rows[kept] = rows[i];
		kept++;
	}
	return kept;
}

/*
 * Every group of the kinds in @kinds (a bit mask), sorted by (kind, id):
 * one dump, which the module filters by kind (ABI 9; an older module
 * one kind, else we do), values packed, the live ones from a walk of all
 * tasks no older than half an interval, shared with every other reader.
 */
static int take_sample(struct nsbox_nl *nl, unsigned int kinds, struct sample *s)
{
	struct group_query q = GROUP_QUERY_ALL;
	struct group_row *rows;
	size_t n;
	int ret;

	q.kinds = kinds;
	q.max_age_ms = max_age_ms;
	q.flags = NSBOX_DUMP_PACKED;
	ret = fetch_groups_q(nl, &q, &rows, &n);
	if (ret)
		return ret;
	free(s->ps);
	s->ps = NULL;
	s->nps = 0;
	if (sort_probe) {
		struct nsbox_nl_error e;

		if (nsbox_probe_stats(nl, sort_probe, &s->ps, &s->nps, &e)) {
			free(rows);
			return nsbox_nl_report("top: -s probe", &e);
		}
	}
	free(s->g);
	s->g = rows;
	s->n = keep_kinds(rows, n, kinds);
	s->t = now_ns();
	/*
	 * The module sends a dump in (kind, id) order; sorting 2,000 rows of
	 * 900 bytes anyway cost more than the rest of a refresh (the merge
	 * sort copies each row a dozen times).  Sorted only if it is not.
	 */
	for (size_t i = 1; i < s->n; i++) {
		if (cmp_group(&s->g[i - 1], &s->g[i]) > 0) {
			qsort(s->g, s->n, sizeof(*s->g), cmp_group);
			break;
		}
	}
	return 0;
}

/* Calls probe sort_probe counted in group @g in sample @s. */
static int probe_calls(const struct sample *s, const struct group_row *g, uint64_t *calls)
{
	const struct nsbox_probe_stat *st = nsbox_probe_stat_find(s->ps, s->nps,
		(int)g->v[NSBOX_GROUP_A_KIND], g->v[NSBOX_GROUP_A_ID]);

	*calls = st ? st->calls : 0;
	return st ? 0 : -1;
}

/* Per-second rate of attribute @a between two samples, or -1. */
static double rate(const struct group_row *cur, const struct group_row *prev,
		   int a, double secs)
{
	if (!prev || !cur->has[a] || !prev->has[a] || cur->v[a] < prev->v[a] ||
	    secs <= 0)
		return -1;
	return (cur->v[a] - prev->v[a]) / secs;
}

/*
 * The seconds between the live values of two samples of a group: the
 * difference of the times their walks began (ABI 9: NSBOX_GROUP_A_LIVE_TIME),
 * not of when this tool asked -- two samples may share a walk, or wait for
 * one.  0 (no rate) when both come from the same walk; @wall for a module
 * before ABI 9, whose values are as of the query.
 */
static double live_secs(const struct group_row *g, const struct group_row *p, double wall)
{
	if (!p || !g->has[NSBOX_GROUP_A_LIVE_TIME] || !p->has[NSBOX_GROUP_A_LIVE_TIME])
		return wall;
	if (g->v[NSBOX_GROUP_A_LIVE_TIME] <= p->v[NSBOX_GROUP_A_LIVE_TIME])
		return 0;
	return (g->v[NSBOX_GROUP_A_LIVE_TIME] - p->v[NSBOX_GROUP_A_LIVE_TIME]) / 1e9;
}

static void make_line(struct line *l, const struct group_row *g, const struct sample *cur,
		      const struct sample *prev, double secs)
{
	uint64_t now_calls, then_calls;
	double lsecs;

	const struct group_row *p = prev->n ? bsearch(g, prev->g, prev->n,
						      sizeof(*g), cmp_group) : NULL;
	static const char box[] = "/" BOX_CGROUP_PARENT "/";
	const char *under = g->path + sizeof(box) - 1;
	int kind = (int)g->v[NSBOX_GROUP_A_KIND];

	l->g = g;
	l->id = g->v[NSBOX_GROUP_A_ID];
	/* a box is the cgroup /nsbox/NAME: show NAME */
	if (kind == NSBOX_KIND_CGROUP2 && g->has[NSBOX_GROUP_A_PATH])
		/* a cgroup is a directory anybody with a delegated tree names */
		nsbox_escape(!strncmp(g->path, box, sizeof(box) - 1) && *under &&
			     !strchr(under, '/') ? under : g->path, l->name, sizeof(l->name));
	else
		snprintf(l->name, sizeof(l->name), "%s:%" PRIu64,
			 nsbox_kind_name(kind), l->id);
	/* CPU and I/O: over the time between the walks that gave them */
	lsecs = live_secs(g, p, secs);
	l->cpu = rate(g, p, NSBOX_GROUP_A_CPU_NS, lsecs);
	if (l->cpu >= 0)
		l->cpu /= 1e7;		/* ns per s -> percent of one CPU */
	l->rd = rate(g, p, NSBOX_GROUP_A_READ_BYTES, lsecs);
	l->wr = rate(g, p, NSBOX_GROUP_A_WRITE_BYTES, lsecs);
	/* forks: a counter the hooks keep, as of each query */
	l->forks = rate(g, p, NSBOX_GROUP_A_FORKS, secs);
	l->probe = -1;
	if (sort_probe && secs > 0) {
		/* a group the probe never counted has made no call */
		probe_calls(cur, g, &now_calls);
		if (!p || probe_calls(prev, p, &then_calls))
			then_calls = 0;
		if (now_calls >= then_calls)
			l->probe = (now_calls - then_calls) / secs;
	}
}

static double sort_value(const struct line *l)
{
	switch (sort_by) {
	case S_CPU: return l->cpu;
	case S_TASKS: return l->g->v[NSBOX_GROUP_A_THREADS];
	case S_RSS: return l->g->v[NSBOX_GROUP_A_RSS_BYTES];
	case S_IO: return l->rd < 0 ? -1 : l->rd + l->wr;
	case S_FORKS: return l->forks;
	case S_LOAD: return l->g->v[NSBOX_GROUP_A_LOAD1];
	case S_PROBE: return l->probe;
	default: return 0;
	}
}

/* Biggest first (names A-Z); 'r' flips that; ties always by name. */
static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = 0;

	if (sort_by == S_NAME) {
		c = strcmp(x->name, y->name);
	} else {
		double vx = sort_value(x), vy = sort_value(y);

		c = vx > vy ? -1 : vx < vy;
	}
	if (sort_rev)
		c = -c;
	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = x->id < y->id ? -1 : x->id > y->id;
	return c;
}

/* @n bytes of @s in a cell of @width: padded with spaces, on the left if @right */
static void put_cell(struct nsbox_wbuf *b, const char *s, size_t n, size_t width, bool right)
{
	size_t pad = width > n ? width - n : 0;

	nsbox_wbuf_reserve(b, n + pad + 1);
	if (right) {
		memset(b->p + b->len, ' ', pad);
		b->len += pad;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	if (!right) {
		memset(b->p + b->len, ' ', pad);
		b->len += pad;
	}
	b->p[b->len] = '\0';
}

/*
 * One row (@l NULL: the heading), made by hand: no printf, whose parsing
 * of the format was most of a batch refresh of 2,000 groups.
 */
static void put_row(struct nsbox_wbuf *b, const struct line *l, int name_w, int width,
		    bool tty)
{
	static const int cw[10] = { 6, 6, 6, 6, 6, 6, 7, 7, 7, 4 };
	char c[10][24];
	const char *cell[10];
	size_t start = b->len;

	if (!l) {
		static const char *const heads[10] = { "TASKS", "CPU%", "LOAD1",
			"LOAD5", "LOAD15", "RSS", "READ/s", "WRITE/s", "FORKS/s", "OOM" };

		memcpy(cell, heads, sizeof(cell));
		put_cell(b, "NAME", 4, (size_t)name_w, false);
	} else {
		const struct group_row *g = l->g;
		static const int loads[3] = { NSBOX_GROUP_A_LOAD1, NSBOX_GROUP_A_LOAD5,
					      NSBOX_GROUP_A_LOAD15 };
		double rates[3] = { l->rd, l->wr };
		size_t nl = strnlen(l->name, (size_t)name_w);

		for (int i = 0; i < 10; i++)
			cell[i] = strcpy(c[i], "-");
		nsbox_u64_to_dec(g->v[NSBOX_GROUP_A_THREADS], c[0]);
		if (l->cpu >= 0)
			nsbox_fixed_format(l->cpu, 1, c[1], sizeof(c[0]));
		for (int i = 0; i < 3; i++)
			if (g->has[loads[i]])
				nsbox_load_format(g->v[loads[i]], c[2 + i], sizeof(c[0]));
		if (g->has[NSBOX_GROUP_A_RSS_BYTES])
			nsbox_human(g->v[NSBOX_GROUP_A_RSS_BYTES], c[5], sizeof(c[0]));
		for (int i = 0; i < 2; i++)
			if (rates[i] >= 0)
				nsbox_human(rates[i], c[6 + i], sizeof(c[0]));
		if (l->forks >= 0)
			nsbox_fixed_format(l->forks, 1, c[8], sizeof(c[0]));
		if (g->has[NSBOX_GROUP_A_OOM_KILLS])
			nsbox_u64_to_dec(g->v[NSBOX_GROUP_A_OOM_KILLS], c[9]);
		put_cell(b, l->name, nl, (size_t)name_w, false);
	}
	for (int i = 0; i < 10; i++) {
		put_cell(b, " ", 1, 1, false);
		put_cell(b, cell[i], strlen(cell[i]), (size_t)cw[i], true);
	}
	if (sort_probe) {
		char pc[24] = "-";

		if (l && l->probe >= 0)
			nsbox_fixed_format(l->probe, 1, pc, sizeof(pc));
		put_cell(b, " ", 1, 1, false);
		put_cell(b, l ? pc : "CALLS/s", strlen(l ? pc : "CALLS/s"), 8, true);
	}
	cut(b, start, width);
	bprintf(b, tty ? "\033[K\n" : "\n");
}

#define FIXED_W 72	/* the width of everything after NAME */

/* One screen: header, heading, rows; @rows, @cols = 0: no limit. */
static void render(struct nsbox_wbuf *b, struct line *lines, size_t n, double delay,
		   int rows, int cols, bool tty)
{
	char when[16];
	time_t t = time(NULL);
	int name_w = 4;
	size_t shown = n;

	qsort(lines, n, sizeof(*lines), cmp_line);
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&t));
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(lines[i].name) > name_w)
			name_w = strlen(lines[i].name);
	int fixed_w = FIXED_W + (sort_probe ? 9 : 0);

	if (cols > 0 && name_w > cols - fixed_w)
		name_w = cols - fixed_w < 8 ? 8 : cols - fixed_w;
	b->len = 0;
	if (tty) {
		size_t start;

		bprintf(b, "\033[H");
		start = b->len;
		bprintf(b, "nsbox top - %s - %zu groups - sort: %s%s - every %gs",
			when, n, sort_by == S_PROBE ? "probe" : sort_names[sort_by],
			sort_rev ? " (reversed)" : "", delay);
		cut(b, start, cols);
		bprintf(b, "\033[K\n");
		start = b->len;
		bprintf(b, "keys: c cpu  t tasks  m rss  i io  f forks  n name  l load  r reverse  q quit");
		cut(b, start, cols);
		bprintf(b, "\033[K\n");
		if (rows > 3 && shown > (size_t)rows - 3)
			shown = rows - 3;
	} else {
		bprintf(b, "nsbox top - %s - %zu groups\n", when, n);
	}
	put_row(b, NULL, name_w, cols, tty);
	for (size_t i = 0; i < shown; i++)
		put_row(b, &lines[i], name_w, cols, tty);
	if (tty) {
		/* the last line must not scroll the screen: no newline */
		if (b->len && b->p[b->len - 1] == '\n')
			b->len--;
		bprintf(b, "\033[J");
	} else {
		bprintf(b, "\n");
	}
}

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_signal = sig;
}

/* The one way back to the user's terminal: after q, a signal or exit(). */
static void restore_term(void)
{
	if (screen_on) {
		static const char seq[] = "\033[?25h\033[?1049l";

		(void)nsbox_write_all(STDOUT_FILENO, seq, sizeof(seq) - 1);
		screen_on = false;
	}
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
		tio_saved = false;
	}
	if (saved_stderr >= 0) {
		char msg[4096];
		size_t n;

		fflush(stderr);
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
		rewind(held_stderr);
		while ((n = fread(msg, 1, sizeof(msg), held_stderr)) > 0)
			fwrite(msg, 1, n, stderr);
		fclose(held_stderr);
	}
}

static void setup_term(sigset_t *oldmask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH };
	static const char seq[] = "\033[?1049h\033[?25l\033[H\033[J";
	sigset_t block;
	struct termios tio;

	/* Blocked except inside ppoll(): no signal is lost between checks. */
	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, oldmask);
	atexit(restore_term);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0) {
		tio = saved_tio;
		tio.c_lflag &= ~(ICANON | ECHO);
		tio.c_cc[VMIN] = 1;
		tio.c_cc[VTIME] = 0;
		tio_saved = true;
		tcsetattr(STDIN_FILENO, TCSADRAIN, &tio);
	}
	/* An error or warning would scribble on the screen: show it after. */
	held_stderr = tmpfile();
	if (held_stderr) {
		fflush(stderr);
		saved_stderr = dup(STDERR_FILENO);
		if (saved_stderr < 0 || dup2(fileno(held_stderr), STDERR_FILENO) < 0) {
			fclose(held_stderr);
			saved_stderr = -1;
		}
	}
	(void)nsbox_write_all(STDOUT_FILENO, seq, sizeof(seq) - 1);
	screen_on = true;
}

static void term_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

/* A key pressed in interactive mode; false: quit. */
static bool handle_keys(void)
{
	char keys[32];
	ssize_t n = read(STDIN_FILENO, keys, sizeof(keys));

	for (ssize_t i = 0; i < n; i++) {
		if (keys[i] == '\033')		/* arrows and the like: ignore */
			break;
		if (keys[i] == 'q')
			return false;
		if (keys[i] == 'r')
			sort_rev = !sort_rev;
		for (int k = 0; k < S_COUNT; k++)
			if (keys[i] == sort_keys[k]) {
				sort_by = k;
				sort_rev = false;
			}
	}
	return true;
}

static int parse_kinds(char *arg, unsigned int *kinds)
{
	for (char *save = NULL, *k = strtok_r(arg, ",", &save); k;
	     k = strtok_r(NULL, ",", &save)) {
		int kind = nsbox_kind_parse(k);

		if (kind < 0)
			return nsbox_usage_err("top", "unknown kind '%s' (kinds: %s)",
					       k, nsbox_kind_list());
		*kinds |= 1u << kind;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox top [-d SECONDS] [-n N] [-s KEY] [-b] [--kind KIND[,KIND...]]\n"
		"\n"
		"A live view of the groups nsbox.ko tracks, busiest first: cgroup v2\n"
		"cgroups (boxes by name) by default, namespaces with --kind.  CPU%%,\n"
		"READ/s, WRITE/s and FORKS/s are deltas between two samples; LOAD is\n"
		"the group's own load average; RSS and TASKS are live.\n"
		"\n"
		"  -d, --delay SECONDS  refresh interval (default 1; e.g. 0.2)\n"
		"  -n, --iterations N   stop after N screens\n"
		"  -s, --sort KEY       cpu (default), tasks, rss, io, forks, name, load,\n"
		"                       or probe.NAME: calls/s of that probe (nsbox probe;\n"
		"                       root), shown as CALLS/s\n"
		"  -b, --batch          plain text blocks, no terminal control (the\n"
		"                       default when stdout is not a terminal)\n"
		"  -k, --kind KIND      show these kinds instead (repeatable, or a\n"
		"                       comma list):\n"
		"                       %s\n"
		"  -h, --help           this help\n"
		"\n"
		"Keys: c cpu, t tasks, m rss, i io, f forks, n name, l load (sort by),\n"
		"r reverse, q quit.\n", nsbox_kind_list());
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "batch", no_argument, NULL, 'b' },
		{ "kind", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct sample prev = { 0 }, cur = { 0 };
	_cleanup_free_ struct line *lines = NULL;
	struct nsbox_wbuf b = { 0 };
	unsigned int kinds = 0;
	long iters = 0, frames = 0;
	double delay = 1;
	bool batch = false, tty, keys, have_frame = false;
	int rows = 0, cols = 0, c, ret;
	size_t nlines = 0;
	sigset_t oldmask;
	uint64_t next;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "d:n:s:bk:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			errno = 0;
			delay = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(delay >= 0.05 && delay <= 86400))
				return nsbox_usage_err("top", "bad interval '%s' (seconds, 0.05 to 86400, e.g. 0.5)", optarg);
			break;
		case 'n':
			errno = 0;
			iters = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || iters < 1)
				return nsbox_usage_err("top", "bad iteration count '%s' (a number >= 1)", optarg);
			break;
		case 's':
			if (!strncmp(optarg, "probe.", 6) && optarg[6]) {
				sort_by = S_PROBE;
				sort_probe = optarg + 6;
				break;
			}
			for (sort_by = 0; sort_by < S_COUNT; sort_by++)
				if (!strcmp(optarg, sort_names[sort_by]))
					break;
			if (sort_by == S_COUNT)
				return nsbox_usage_err("top", "unknown sort key '%s' (cpu, tasks, rss, io, forks, name, load, probe.NAME)", optarg);
			break;
		case 'b': batch = true; break;
		case 'k':
			ret = parse_kinds(optarg, &kinds);
			if (ret)
				return ret;
			break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("top", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return nsbox_usage_err("top", "unexpected argument '%s'", argv[optind]);
	tty = !batch && isatty(STDOUT_FILENO);
	if (!kinds)
		kinds = 1u << NSBOX_KIND_CGROUP2;
	max_age_ms = (int)(delay * 500);

	ret = nsbox_nl_open(&nl);
	if (!ret)
		ret = take_sample(&nl, kinds, &prev);
	if (ret)
		return ret;
	if (tty) {
		setup_term(&oldmask);
		term_size(&rows, &cols);
		bprintf(&b, "nsbox top - sampling for %gs...\033[K", delay);
		(void)nsbox_write_all(STDOUT_FILENO, b.p, b.len);
	}
	keys = tio_saved;
	next = prev.t + (uint64_t)(delay * 1e9);
	while (!got_signal) {
		uint64_t now = now_ns();
		bool redraw = false;

		if (now < next && !tty) {
			struct timespec ts = { (next - now) / 1000000000u,
					       (next - now) % 1000000000u };

			nanosleep(&ts, NULL);
			continue;
		} else if (now < next) {
			struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
			struct timespec ts = { (next - now) / 1000000000u,
					       (next - now) % 1000000000u };
			int r = ppoll(&pfd, keys, &ts, &oldmask);

			if (r > 0 && (pfd.revents & POLLIN)) {
				if (!handle_keys())
					break;
				redraw = have_frame;
			} else if (r > 0) {
				keys = false;		/* stdin hung up */
			}
			if (got_winch) {
				got_winch = 0;
				term_size(&rows, &cols);
				redraw = have_frame;
			}
		} else {
			double secs;

			ret = take_sample(&nl, kinds, &cur);
			if (ret)
				break;
			secs = (cur.t - prev.t) / 1e9;
			free(lines);
			lines = calloc(cur.n + 1, sizeof(*lines));
			if (!lines)
				nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
			nlines = cur.n;
			for (size_t i = 0; i < cur.n; i++)
				make_line(&lines[i], &cur.g[i], &cur, &prev, secs);
			/* @lines point into cur, which becomes prev */
			free(prev.g);
			free(prev.ps);
			prev = cur;
			cur = (struct sample){ 0 };
			next = prev.t + (uint64_t)(delay * 1e9);
			if (next <= now_ns())
				next = now_ns() + (uint64_t)(delay * 1e9);
			frames++;
			have_frame = redraw = true;
		}
		if (redraw) {
			render(&b, lines, nlines, delay, rows, cols, tty);
			(void)nsbox_write_all(STDOUT_FILENO, b.p, b.len);
			if (iters && frames >= iters)
				break;
		}
	}
	free(prev.g);
	free(cur.g);
	free(prev.ps);
	free(cur.ps);
	free(b.p);
	if (tty) {
		restore_term();
		if (got_signal) {
			/* die of the signal, as the shell expects */
			signal(got_signal, SIG_DFL);
			raise(got_signal);
			sigprocmask(SIG_SETMASK, &oldmask, NULL);
		}
	}
	return ret;
}
