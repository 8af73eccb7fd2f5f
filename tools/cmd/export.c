// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox export - one scrape of the module's accounting in the Prometheus
 * text format (or OpenMetrics), to stdout or atomically to a file for
 * node_exporter's textfile collector.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "err.h"
#include "io.h"
#include "kind.h"
#include "metrics.h"
#include "units.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox export [-o FILE] [--format FORMAT] [--kind KIND]... [--skip-empty]\n"
		"                    [--max-age MS | --fresh]\n"
		"\n"
		"Print one scrape of nsbox.ko's accounting as Prometheus metrics: every\n"
		"group's CPU, tasks, forks, exits, OOM kills, memory, I/O and load, and\n"
		"the module's own hooks and table (docs/prometheus.md).  With -o, the\n"
		"file is replaced atomically (a temporary file renamed over it), as\n"
		"node_exporter's textfile collector wants.  If the module does not\n"
		"answer, the scrape says nsbox_up 0 and the exit status is not 0.\n"
		"\n"
		"  -o, --output FILE  write FILE (e.g. /var/lib/prometheus/node-exporter/nsbox.prom)\n"
		"  -f, --format F     prometheus (text format 0.0.4, the default) or openmetrics\n"
		"  -k, --kind KIND    only groups of this kind (repeatable): %s\n"
		"      --skip-empty   leave out groups with no task in them\n"
		"      --max-age MS   live values (CPU, I/O, memory) up to MS ms old (default\n"
		"                     1000; nsbox_live_age_seconds says how old they are)\n"
		"      --fresh        live values from a walk begun after the request\n"
		"  -h, --help         this help\n", nsbox_kind_list());
}

/*
 * The scrape into @path through a temporary file in the same directory,
 * renamed over it; the scrape's exit code, or NSBOX_EXIT_FAIL when the
 * file could not be written (said here).
 */
static int export_atomic(const struct nsbox_metrics_opts *o, const char *path, bool *up,
			 char *why, size_t why_len)
{
	_cleanup_free_ char *tmp = NULL;
	_cleanup_close_ int fd = -1;
	int ret = NSBOX_EXIT_FAIL, werr;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		nsbox_err("out of memory");
		return NSBOX_EXIT_FAIL;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		nsbox_err("export: cannot create a file next to %s: %s", path, strerror(errno));
		return NSBOX_EXIT_FAIL;
	}
	/* readable by node_exporter, as a file it made itself would be */
	if (fchmod(fd, 0644)) {
		werr = errno;
	} else {
		ret = nsbox_metrics_write(o, fd, &werr, up, why, why_len);
		if (!werr && (fsync(fd) || rename(tmp, path)))
			werr = errno;
	}
	if (werr) {
		nsbox_err("export: cannot write %s: %s", path, strerror(werr));
		unlink(tmp);
		return NSBOX_EXIT_FAIL;
	}
	return ret;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "kind", required_argument, NULL, 'k' },
		{ "skip-empty", no_argument, NULL, 'E' },
		{ "max-age", required_argument, NULL, 'M' },
		{ "fresh", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_metrics_opts o = { .format = NSBOX_METRICS_PROMETHEUS,
					.max_age_ms = NSBOX_DEFAULT_MAX_AGE_MS };
	const char *out = NULL;
	char why[512] = "";
	int c, ret, werr;
	bool up = false;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:f:k:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f':
			if (nsbox_metrics_format_opt("export", optarg, &o))
				return NSBOX_EXIT_USAGE;
			break;
		case 'k':
			if (nsbox_metrics_kind_opt("export", optarg, &o))
				return NSBOX_EXIT_USAGE;
			break;
		case 'E': o.skip_empty = true; break;
		case 'M':
			o.max_age_ms = nsbox_max_age_parse(optarg);
			if (o.max_age_ms < 0)
				return nsbox_usage_err("export", "bad --max-age '%s' (milliseconds, 0 to %d)",
						       optarg, NSBOX_MAX_AGE_MS_MAX);
			break;
		case 'F': o.max_age_ms = 0; break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default:
			return nsbox_usage_err("export", "unknown option or missing value '%s'",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return nsbox_usage_err("export", "unexpected argument '%s'", argv[optind]);

	/* nsbox_up 0 is written too: a stale file would be wrong in silence */
	if (out) {
		ret = export_atomic(&o, out, &up, why, sizeof(why));
		if (ret && !why[0])
			return ret;	/* the file could not be written: said */
	} else {
		ret = nsbox_metrics_write(&o, STDOUT_FILENO, &werr, &up, why, sizeof(why));
		if (werr) {
			nsbox_err("export: cannot write the scrape: %s", strerror(werr));
			return NSBOX_EXIT_FAIL;
		}
	}
	if (ret && up)
		nsbox_err("export: %s", why);
	else if (ret)
		nsbox_err("export: %s (the scrape says nsbox_up 0)", why);
	return ret;
}
