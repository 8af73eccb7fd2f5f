/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - one scrape of the module's accounting in the Prometheus
 * text format 0.0.4 or in OpenMetrics 1.0, shared by `nsbox export` and
 * `nsbox serve` (docs/prometheus.md lists every metric).
 */
#ifndef NSBOX_METRICS_H
#define NSBOX_METRICS_H

#include <stdbool.h>
#include <stddef.h>

enum nsbox_metrics_format {
	NSBOX_METRICS_PROMETHEUS,	/* text/plain; version=0.0.4 */
	NSBOX_METRICS_OPENMETRICS,	/* application/openmetrics-text; 1.0.0 */
};

struct nsbox_metrics_opts {
	enum nsbox_metrics_format format;
	unsigned int kinds;	/* bit per enum nsbox_kind; 0 = every kind */
	bool skip_empty;	/* leave out groups with no task in them */
	int max_age_ms;		/* how old the live values may be; < 0: fresh */
};

/* The Content-Type header for @f. */
const char *nsbox_metrics_content_type(enum nsbox_metrics_format f);

/*
 * One scrape into a malloc'd text (*@text, *@len; the caller frees it).
 * The module's info, hooks and table, then every group it tracks.
 * Returns an enum nsbox_exit code.  When the module cannot be asked
 * (not loaded, a kernel error), the text still holds a valid scrape with
 * nsbox_up 0 and the cause in @why, and the code says what failed.
 */
int nsbox_metrics_scrape(const struct nsbox_metrics_opts *o, char **text,
			 size_t *len, char *why, size_t why_len);

/*
 * The same scrape written to @fd as it is made (64 KiB at a time), never
 * whole in memory: `nsbox export`.  *@werr: the errno of a failed write,
 * else 0; *@up: the scrape says nsbox_up 1.  Out of memory part-way, the
 * text written so far is cut short (and NSBOX_EXIT_FAIL returned).
 */
int nsbox_metrics_write(const struct nsbox_metrics_opts *o, int fd, int *werr,
			bool *up, char *why, size_t why_len);

/* "--kind" parsing shared by export and serve: add KIND to @o. */
int nsbox_metrics_kind_opt(const char *cmd, const char *arg, struct nsbox_metrics_opts *o);
/* "--format" parsing: "prometheus" or "openmetrics". */
int nsbox_metrics_format_opt(const char *cmd, const char *arg, struct nsbox_metrics_opts *o);

#endif
