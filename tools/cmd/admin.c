// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox verify / nsbox reset - the module's admin commands (root only).
 *
 * verify: the module walks every task, recounts procs and threads per
 * group and checks the counters its hooks keep against them (procs,
 * threads, the flow of forks, exits and moves, no negative total).  At
 * a quiet moment every check holds; a failed one is a bug (or a task
 * that changed during the walk).  Exit status 1 if any check fails.
 * reset: zero the cumulative counters, of every group or of one.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <stdlib.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "groupfetch.h"
#include "kind.h"
#include "record.h"
#include "verify.h"
#include "util.h"

/* One failed check, as VERIFY names it. */
struct mismatch {
	const char *kind, *check, *field;
	uint64_t id;
	int64_t have, want;
	uint64_t procs, threads, walk_procs, walk_threads;
};

struct verify_result {
	uint64_t tasks, groups, mismatches, missing, unsettled, rounds;
	struct nsbox_rec_list mismatched;	/* of struct mismatch */
};

#define MF(k, t, m, ...) { .key = k, .type = NSBOX_REC_##t, \
			   .off = offsetof(struct mismatch, m), __VA_ARGS__ }
/* A mismatch: "  kind=K id=N check=C field=F have=N want=N"; JSON all. */
static const struct nsbox_rec_field mismatch_fields[] = {
	MF("kind", STR, kind),
	MF("id", U64, id),
	MF("check", STR, check),
	MF("field", STR, field),
	MF("have", S64, have),
	MF("want", S64, want),
	MF("procs", U64, procs, .text = ""),
	MF("threads", U64, threads, .text = ""),
	MF("walk_procs", U64, walk_procs, .text = ""),
	MF("walk_threads", U64, walk_threads, .text = ""),
};

static const struct nsbox_record mismatch_record = {
	.fields = mismatch_fields,
	.nfields = ARRAY_SIZE(mismatch_fields),
	.indent = "  ",
};

#define VF(k, t, m, ...) { .key = k, .type = NSBOX_REC_##t, \
			   .off = offsetof(struct verify_result, m), __VA_ARGS__ }
/* The summary, then a line per mismatch; JSON one object. */
static const struct nsbox_rec_field verify_fields[] = {
	VF("tasks", U64, tasks, .text = "walked %s tasks,"),
	VF("groups", U64, groups, .text = "checked %s groups:"),
	VF("mismatches", U64, mismatches, .text = "%s mismatches,"),
	VF("missing", U64, missing, .text = "%s tasks in groups not in the table"),
	/* ABI 9 (variant 1); text: a line of its own (cmd_verify) */
	VF("unsettled", U64, unsettled, .when = 2, .text = ""),
	VF("rounds", U64, rounds, .when = 2, .text = ""),
	VF("mismatched", RECORDS, mismatched, .sub = &mismatch_record),
};

static const struct nsbox_record verify_record = {
	.fields = verify_fields,
	.nfields = ARRAY_SIZE(verify_fields),
	.json_flags = JSON_C_TO_STRING_PRETTY,
};

static const char *const verify_checks[] = {
	[NSBOX_VERIFY_PROCS] = "procs",
	[NSBOX_VERIFY_THREADS] = "threads",
	[NSBOX_VERIFY_FLOW] = "flow",
	[NSBOX_VERIFY_NEGATIVE] = "negative",
};

static void name_mismatch(const struct nsbox_verify_mismatch *v, struct mismatch *m)
{
	unsigned int check = (unsigned int)v->check;

	m->kind = nsbox_kind_name(v->kind);
	m->id = v->id;
	m->check = check < ARRAY_SIZE(verify_checks) ? verify_checks[check] : "?";
	m->field = v->field >= 0 ? nsbox_group_attr_name(v->field)
		 : check == NSBOX_VERIFY_FLOW ? "found+forks+moved_in-exits-moved_out" : "threads";
	m->have = v->have;
	m->want = v->want;
	m->procs = v->procs;
	m->threads = v->threads;
	m->walk_procs = v->walk_procs;
	m->walk_threads = v->walk_threads;
}

static int on_verify(struct nl_msg *msg, void *arg)
{
	return nsbox_verify_parse(msg, arg);
}

static void verify_usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox verify [-J]\n\n"
		"Ask the module to recount procs and threads of every group by\n"
		"walking all tasks, and check its incremental counters against\n"
		"them:\n"
		"  procs, threads  the live counts equal what the walk found\n"
		"  flow            tasks found at load (or at the last reset)\n"
		"                  + forks + moved_in - exits - moved_out\n"
		"                  equals the tasks the walk found\n"
		"  negative        no cumulative total (cpu_ns ... syscw) is\n"
		"                  below 0\n"
		"A group whose counts change while it is walked (a task forks,\n"
		"exits or moves) is walked again; one that never held still is\n"
		"'unsettled': not checked, which is not a mismatch.  A mismatch is\n"
		"reported only when two walks of a still group fail alike.  Needs\n"
		"root.  Exit status 1 if any check fails.\n"
		"\n"
		"  -J, --json   one JSON object: {\"tasks\", \"groups\", \"mismatches\",\n"
		"               \"missing\", \"unsettled\", \"rounds\", \"mismatched\":\n"
		"               [{\"kind\", \"id\", \"check\", \"field\", \"have\",\n"
		"               \"want\", \"procs\", ...}]}\n"
		"  -h, --help   this help\n");
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct nsbox_verify v = { 0 };
	struct verify_result r = { 0 };
	_cleanup_free_ struct mismatch *rows = NULL;
	struct nsbox_nl_error e;
	bool json = false;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'J': json = true; break;
		case 'h': verify_usage(stdout); return NSBOX_EXIT_OK;
		default: return nsbox_usage_err("verify", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return nsbox_usage_err("verify", "unexpected argument '%s'", argv[optind]);
	ret = nsbox_nl_open(&nl);
	if (ret)
		return ret;
	msg = nsbox_nl_msg(&nl, NSBOX_CMD_VERIFY, 0);
	if (!msg)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (nsbox_nl_request(&nl, msg, on_verify, &v, &e) < 0) {
		free(v.m);
		return nsbox_nl_report("VERIFY", &e);
	}
	rows = calloc(v.n ? v.n : 1, sizeof(*rows));
	if (!rows)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < v.n; i++)
		name_mismatch(&v.m[i], &rows[i]);
	free(v.m);
	r.tasks = v.tasks;
	r.groups = v.groups;
	r.mismatches = v.mismatches;
	r.missing = v.missing;
	r.unsettled = v.unsettled;
	r.rounds = v.rounds;
	r.mismatched.items = rows;
	r.mismatched.n = v.n;
	r.mismatched.size = sizeof(*rows);
	ret = nsbox_record_print(&verify_record, &r, v.has_rounds ? 1 : 0, json);
	if (!json && r.mismatches > r.mismatched.n)
		printf("  (%zu of %" PRIu64 " listed: the rest did not fit in one reply)\n",
		       r.mismatched.n, r.mismatches);
	/* a module of ABI 9 re-walks groups that change; say what it could not */
	if (!json && v.has_rounds)
		printf("%" PRIu64 " groups unsettled after %" PRIu64 " walks%s\n", r.unsettled,
		       r.rounds, r.unsettled ? " (they kept changing, so they were not checked:"
			       " that is not a mismatch; run verify again to check them)" : "");
	if (ret)
		return ret;
	return r.mismatches || r.missing ? NSBOX_EXIT_FAIL : NSBOX_EXIT_OK;
}

static void reset_usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox reset [KIND:ID]\n\n"
		"Zero the cumulative counters (forks, execs, exits, moves, CPU,\n"
		"faults, I/O, OOM kills) of every group, or of one, e.g.\n"
		"net:4026531840.  Live counts are kept.  Needs root.  Exit\n"
		"status 1 if the module refuses, e.g. for a group it does not\n"
		"have, or for groups whose tasks kept exiting all through the\n"
		"reset (those are left as they were: run it again).\n"
		"\n"
		"  KIND         %s\n"
		"\n"
		"  -h, --help   this help\n", nsbox_kind_list());
}

int cmd_reset(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct nsbox_nl_error e;
	int kind = -1, c, ret;
	uint64_t id = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h': reset_usage(stdout); return NSBOX_EXIT_OK;
		default: return nsbox_usage_err("reset", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc && nsbox_group_ref_parse(argv[optind], &kind, &id))
		return nsbox_usage_err("reset", "'%s' is not KIND:ID (e.g. net:4026531840; kinds: %s)",
				       argv[optind], nsbox_kind_list());
	if (optind + 1 < argc)
		return nsbox_usage_err("reset", "unexpected argument '%s'", argv[optind + 1]);
	ret = nsbox_nl_open(&nl);
	if (ret)
		return ret;
	msg = nsbox_nl_msg(&nl, NSBOX_CMD_RESET, 0);
	if (!msg || (kind >= 0 && (nla_put_u8(msg, NSBOX_A_KIND, kind) < 0 ||
				   nla_put_u64(msg, NSBOX_A_ID, id) < 0)))
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	/* the module's own words, e.g. "no such group", and exit status 1 */
	if (nsbox_nl_request(&nl, msg, NULL, NULL, &e) < 0)
		return nsbox_nl_report("RESET", &e);
	return NSBOX_EXIT_OK;
}
