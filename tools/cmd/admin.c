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
#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "groupfetch.h"
#include "kind.h"
#include "util.h"

struct verify_result {
	uint64_t tasks, groups, mismatches, missing;
	json_object *list;
	int json;
};

static uint64_t get_u64(struct nlattr *a)
{
	return a && nla_len(a) == 8 ? nla_get_u64(a) : 0;
}

static const char *const verify_checks[] = {
	[NSBOX_VERIFY_PROCS] = "procs",
	[NSBOX_VERIFY_THREADS] = "threads",
	[NSBOX_VERIFY_FLOW] = "flow",
	[NSBOX_VERIFY_NEGATIVE] = "negative",
};

static int on_verify(struct nl_msg *msg, void *arg)
{
	struct verify_result *r = arg;
	struct nlattr *tb[NSBOX_A_MAX + 1], *pos;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0)
		return -EINVAL;
	r->tasks = get_u64(tb[NSBOX_A_VERIFY_TASKS]);
	r->groups = get_u64(tb[NSBOX_A_VERIFY_GROUPS]);
	r->mismatches = get_u64(tb[NSBOX_A_VERIFY_MISMATCHES]);
	r->missing = get_u64(tb[NSBOX_A_VERIFY_MISSING]);
	nla_for_each_attr(pos, genlmsg_attrdata(nlmsg_data(nlmsg_hdr(msg)), 0),
			  genlmsg_attrlen(nlmsg_data(nlmsg_hdr(msg)), 0), rem) {
		struct nlattr *g[NSBOX_GROUP_A_MAX + 1];
		unsigned int check;
		json_object *o;

		if (nla_type(pos) != NSBOX_A_MISMATCH ||
		    nla_parse_nested(g, NSBOX_GROUP_A_MAX, pos, NULL) < 0)
			continue;
		/* a module older than ABI 4 compares procs and threads only */
		check = g[NSBOX_GROUP_A_VERIFY_CHECK] ? nla_get_u8(g[NSBOX_GROUP_A_VERIFY_CHECK])
						      : NSBOX_VERIFY_THREADS;
		o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(
			nsbox_kind_name(g[NSBOX_GROUP_A_KIND] ? nla_get_u8(g[NSBOX_GROUP_A_KIND]) : -1)));
		json_object_object_add(o, "id", json_object_new_uint64(get_u64(g[NSBOX_GROUP_A_ID])));
		json_object_object_add(o, "check", json_object_new_string(
			check < ARRAY_SIZE(verify_checks) ? verify_checks[check] : "?"));
		json_object_object_add(o, "field", json_object_new_string(
			g[NSBOX_GROUP_A_VERIFY_FIELD]
				? nsbox_group_attr_name(nla_get_u16(g[NSBOX_GROUP_A_VERIFY_FIELD]))
				: check == NSBOX_VERIFY_FLOW ? "found+forks+moved_in-exits-moved_out"
				: "threads"));
		json_object_object_add(o, "have", json_object_new_int64(
			g[NSBOX_GROUP_A_VERIFY_HAVE] ? (int64_t)nla_get_u64(g[NSBOX_GROUP_A_VERIFY_HAVE])
						     : (int64_t)get_u64(g[NSBOX_GROUP_A_THREADS])));
		json_object_object_add(o, "want", json_object_new_int64(
			g[NSBOX_GROUP_A_VERIFY_WANT] ? (int64_t)nla_get_u64(g[NSBOX_GROUP_A_VERIFY_WANT])
						     : (int64_t)get_u64(g[NSBOX_GROUP_A_WALK_THREADS])));
		json_object_object_add(o, "procs", json_object_new_uint64(get_u64(g[NSBOX_GROUP_A_PROCS])));
		json_object_object_add(o, "threads", json_object_new_uint64(get_u64(g[NSBOX_GROUP_A_THREADS])));
		json_object_object_add(o, "walk_procs", json_object_new_uint64(get_u64(g[NSBOX_GROUP_A_WALK_PROCS])));
		json_object_object_add(o, "walk_threads", json_object_new_uint64(get_u64(g[NSBOX_GROUP_A_WALK_THREADS])));
		json_object_array_add(r->list, o);
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct verify_result r = { 0 };
	struct nsbox_nl_error e;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-J") || !strcmp(argv[i], "--json")) {
			r.json = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: nsbox verify [-J]\n\n"
			       "Ask the module to recount procs and threads of every group by\n"
			       "walking all tasks, and check its incremental counters against\n"
			       "them:\n"
			       "  procs, threads  the live counts equal what the walk found\n"
			       "  flow            tasks found at load (or at the last reset)\n"
			       "                  + forks + moved_in - exits - moved_out\n"
			       "                  equals the tasks the walk found\n"
			       "  negative        no cumulative total (cpu_ns ... syscw) is\n"
			       "                  below 0\n"
			       "Needs root.  Exit status 1 if any check fails; a task that\n"
			       "changes during the walk can make one fail once.\n");
			return NSBOX_EXIT_OK;
		} else {
			return nsbox_usage_err("verify", "unexpected argument '%s'", argv[i]);
		}
	}
	ret = nsbox_nl_open(&nl);
	if (ret)
		return ret;
	msg = nsbox_nl_msg(&nl, NSBOX_CMD_VERIFY, 0);
	r.list = json_object_new_array();
	if (!msg || !r.list)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (nsbox_nl_request(&nl, msg, on_verify, &r, &e) < 0) {
		json_object_put(r.list);
		return nsbox_nl_report("VERIFY", &e);
	}
	if (r.json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "tasks", json_object_new_uint64(r.tasks));
		json_object_object_add(o, "groups", json_object_new_uint64(r.groups));
		json_object_object_add(o, "mismatches", json_object_new_uint64(r.mismatches));
		json_object_object_add(o, "missing", json_object_new_uint64(r.missing));
		json_object_object_add(o, "mismatched", r.list);
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else {
		printf("walked %" PRIu64 " tasks, checked %" PRIu64 " groups: %" PRIu64
		       " mismatches, %" PRIu64 " tasks in groups not in the table\n",
		       r.tasks, r.groups, r.mismatches, r.missing);
		for (size_t i = 0; i < json_object_array_length(r.list); i++) {
			json_object *o = json_object_array_get_idx(r.list, i), *v;
			const char *keys[] = { "kind", "id", "check", "field", "have", "want" };

			for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
				json_object_object_get_ex(o, keys[k], &v);
				printf("%s%s=%s", k ? " " : "  ", keys[k], json_object_get_string(v));
			}
			putchar('\n');
		}
		if (r.mismatches > json_object_array_length(r.list))
			printf("  (%zu of %" PRIu64 " listed: the rest did not fit in one reply)\n",
			       json_object_array_length(r.list), r.mismatches);
		json_object_put(r.list);
	}
	return r.mismatches || r.missing ? NSBOX_EXIT_FAIL : NSBOX_EXIT_OK;
}

int cmd_reset(int argc, char **argv)
{
	struct nsbox_nl nl _cleanup_(nsbox_nl_closep) = { 0 };
	struct nl_msg *msg _cleanup_(nsbox_nl_msg_freep) = NULL;
	struct nsbox_nl_error e;
	int kind = -1, ret;
	uint64_t id = 0;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: nsbox reset [KIND:ID]\n\n"
		       "Zero the cumulative counters (forks, execs, exits, moves, CPU,\n"
		       "faults, I/O, OOM kills) of every group, or of one.  Live counts\n"
		       "are kept.  Needs root.\n");
		return NSBOX_EXIT_OK;
	}
	if (argc > 2)
		return nsbox_usage_err("reset", "unexpected argument '%s'", argv[2]);
	if (argc == 2 && nsbox_group_ref_parse(argv[1], &kind, &id))
		return nsbox_usage_err("reset", "'%s' is not KIND:ID (kinds: %s)",
				       argv[1], nsbox_kind_list());
	ret = nsbox_nl_open(&nl);
	if (ret)
		return ret;
	msg = nsbox_nl_msg(&nl, NSBOX_CMD_RESET, 0);
	if (!msg || (kind >= 0 && (nla_put_u8(msg, NSBOX_A_KIND, kind) < 0 ||
				   nla_put_u64(msg, NSBOX_A_ID, id) < 0)))
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (nsbox_nl_request(&nl, msg, NULL, NULL, &e) < 0)
		return nsbox_nl_report("RESET", &e);
	return NSBOX_EXIT_OK;
}
