// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox info - what the loaded module says about itself: its version, the
 * ABI it speaks, the kernel it runs on, and every kernel hook it knows with
 * its hit and miss counters (GET_INFO).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <libsmartcols/libsmartcols.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include <linux/nsbox.h>
#include "cmds.h"
#include "scols.h"		/* after <libsmartcols/libsmartcols.h>: opened when called */
#include "err.h"
#include "genl.h"
#include "info.h"
#include "kind.h"
#include "units.h"
#include "util.h"

/*
 * One warning per hook that is not attached or missed calls: the user
 * must not read a number it would have counted as exact.  A JSON array of strings, empty
 * when every hook is attached (the caller owns it).
 */
static json_object *hook_warnings(const struct nsbox_info *info)
{
	json_object *warnings = json_object_new_array();

	for (unsigned int i = 0; warnings && i < info->n_hooks; i++) {
		const struct nsbox_hook_info *h = &info->hooks[i];
		char w[320];

		if (h->attached && !h->misses)
			continue;
		if (h->attached)
			/*
			 * A kprobe hit while the kernel handles another on the
			 * same CPU is only counted as missed: ns_free's, from an
			 * RCU callback in an interrupt's softirq (docs/hooks.md)
			 */
			snprintf(w, sizeof(w), "hook %s missed %llu calls (the kernel was "
				 "handling another kprobe on that CPU); %s may not be exact",
				 h->name, h->misses, h->affects);
		else
			snprintf(w, sizeof(w), "hook %s not attached: %s; %s are not exact",
				 h->name, nsbox_hook_status_name(h), h->affects);
		json_object_array_add(warnings, json_object_new_string(w));
	}
	return warnings;
}


/*
 * Does @info carry the figures about the whole machine (the table, hook
 * hits, memory, probes)?  Every caller got them before ABI 9; since, the
 * admin only.
 */
static bool machine_figures(const struct nsbox_info *info)
{
	return !info->has_shares || info->admin;
}

/* "net 224, uts 3" (text) of a share's refusals; "" if none */
static const char *refused_text(const struct nsbox_share_info *sh, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < NSBOX_INFO_KINDS && off < len; k++)
		if (sh->refused[k])
			off += snprintf(buf + off, len - off, "%s%s %" PRIu64, off ? ", " : "",
					nsbox_kind_name(k), sh->refused[k]);
	return buf;
}

/* "1000", "others" (every user past the module's table of users) */
static const char *uid_text(uint32_t uid, char *buf, size_t len)
{
	if (uid == NSBOX_SHARE_OTHERS_UID)
		return "others";
	snprintf(buf, len, "%" PRIu32, uid);
	return buf;
}

static void add_shares_json(json_object *root, const struct nsbox_info *info)
{
	json_object *shares = json_object_new_array();

	json_object_object_add(root, "max_user_groups",
			       json_object_new_uint64(info->max_user_groups));
	json_object_object_add(root, "max_unpriv_groups",
			       json_object_new_uint64(info->max_unpriv_groups));
	if (info->admin) {
		json_object_object_add(root, "unpriv_groups",
				       json_object_new_uint64(info->unpriv_groups));
		json_object_object_add(root, "adopted", json_object_new_boolean(info->adopted));
		json_object_object_add(root, "live_walks", json_object_new_uint64(info->live_walks));
		json_object_object_add(root, "live_time_ns",
				       json_object_new_uint64(info->live_time_ns));
	}
	json_object_object_add(root, "refused", json_object_new_uint64(nsbox_info_refused(info)));
	for (unsigned int i = 0; i < info->n_shares; i++) {
		const struct nsbox_share_info *sh = &info->shares[i];
		json_object *o = json_object_new_object(), *r = json_object_new_object();

		json_object_object_add(o, "uid", json_object_new_uint64(sh->uid));
		json_object_object_add(o, "others", json_object_new_boolean(
			sh->uid == NSBOX_SHARE_OTHERS_UID));
		json_object_object_add(o, "groups", json_object_new_uint64(sh->groups));
		json_object_object_add(o, "limit", json_object_new_uint64(sh->limit));
		for (int k = 0; k < NSBOX_INFO_KINDS; k++)
			json_object_object_add(r, nsbox_kind_name(k),
					       json_object_new_uint64(sh->refused[k]));
		json_object_object_add(o, "refused", json_object_new_uint64(sh->refused_total));
		json_object_object_add(o, "refused_kinds", r);
		json_object_array_add(shares, o);
	}
	json_object_object_add(root, "shares", shares);
	if (info->shares_dropped)
		json_object_object_add(root, "shares_not_shown",
				       json_object_new_uint64(info->shares_dropped));
}

static void json_put_free(json_object **obj)
{
	json_object_put(*obj);
}

static void print_json(const struct nsbox_info *info, int family)
{
	json_object *root __attribute__((cleanup(json_put_free))) = json_object_new_object();
	json_object *hooks = json_object_new_array();

	json_object_object_add(root, "tool_version", json_object_new_string(NSBOX_VERSION));
	json_object_object_add(root, "module_version", json_object_new_string(info->version));
	json_object_object_add(root, "abi_version", json_object_new_int64(info->abi));
	json_object_object_add(root, "tool_abi_version", json_object_new_int64(NSBOX_ABI_VERSION));
	json_object_object_add(root, "kernel_release", json_object_new_string(info->kernel));
	json_object_object_add(root, "family", json_object_new_string(NSBOX_GENL_NAME));
	json_object_object_add(root, "family_id", json_object_new_int64(family));
	/* since ABI 9 the table's figures are the admin's only */
	json_object_object_add(root, "admin_figures", json_object_new_boolean(machine_figures(info)));
	if (machine_figures(info))
		json_object_object_add(root, "groups", json_object_new_uint64(info->groups));
	json_object_object_add(root, "max_groups", json_object_new_uint64(info->max_groups));
	if (machine_figures(info)) {
		json_object_object_add(root, "evictions", json_object_new_uint64(info->evictions));
		json_object_object_add(root, "alloc_failures",
				       json_object_new_uint64(info->failures));
		json_object_object_add(root, "memory_bytes", json_object_new_uint64(info->memory));
		json_object_object_add(root, "group_bytes",
				       json_object_new_uint64(info->group_bytes));
		json_object_object_add(root, "load_walks", json_object_new_uint64(info->load_walks));
	}
	if (info->has_shares)
		add_shares_json(root, info);
	if (info->has_events) {
		/* to anybody but the admin (ABI 9): its own subscriptions */
		json_object_object_add(root, "event_subscribers",
				       json_object_new_uint64(info->subscribers));
		json_object_object_add(root, "event_ring_bytes",
				       json_object_new_uint64(info->ring_bytes));
	}
	if (info->has_probes) {
		json_object_object_add(root, "probes", json_object_new_uint64(info->probes));
		json_object_object_add(root, "probes_max", json_object_new_uint64(info->probes_max));
		json_object_object_add(root, "probe_groups_max",
				       json_object_new_uint64(info->probe_groups_max));
		json_object_object_add(root, "probe_bytes", json_object_new_uint64(info->probe_bytes));
	}
	for (unsigned int i = 0; i < info->n_hooks; i++) {
		const struct nsbox_hook_info *h = &info->hooks[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(h->name));
		json_object_object_add(o, "symbol", json_object_new_string(h->symbol));
		json_object_object_add(o, "kind", json_object_new_string(nsbox_hook_kind_name(h->kind)));
		json_object_object_add(o, "attached", json_object_new_boolean(h->attached));
		json_object_object_add(o, "status", json_object_new_string(nsbox_hook_status_name(h)));
		json_object_object_add(o, "affects", json_object_new_string(h->affects));
		if (machine_figures(info)) {
			json_object_object_add(o, "hits", json_object_new_uint64(h->hits));
			json_object_object_add(o, "misses", json_object_new_uint64(h->misses));
		}
		json_object_array_add(hooks, o);
	}
	json_object_object_add(root, "hooks", hooks);
	{
		json_object *warnings = hook_warnings(info);

		json_object_object_add(root, "exact", json_object_new_boolean(
			json_object_array_length(warnings) == 0));
		json_object_object_add(root, "warnings", warnings);
	}
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void table_unrefp(struct libscols_table **tb)
{
	scols_unref_table(*tb);
}

static int print_hooks(const struct nsbox_info *info)
{
	struct libscols_table *tb __attribute__((cleanup(table_unrefp))) = scols_new_table();
	static const char *const cols[] = { "NAME", "KIND", "SYMBOL", "ATTACHED", "HITS", "MISSES" };
	size_t ncols = machine_figures(info) ? ARRAY_SIZE(cols) : 4;

	if (!tb)
		return NSBOX_EXIT_FAIL;
	for (size_t c = 0; c < ncols; c++)
		if (!scols_table_new_column(tb, cols[c], 0, c >= 4 ? SCOLS_FL_RIGHT : 0))
			return NSBOX_EXIT_FAIL;
	for (unsigned int i = 0; i < info->n_hooks; i++) {
		const struct nsbox_hook_info *h = &info->hooks[i];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char num[32], state[64];

		if (!ln)
			return NSBOX_EXIT_FAIL;
		scols_line_set_data(ln, 0, h->name);
		scols_line_set_data(ln, 1, nsbox_hook_kind_name(h->kind));
		scols_line_set_data(ln, 2, h->symbol);
		snprintf(state, sizeof(state), "%s%s", h->attached ? "yes" : "no: ",
			 h->attached ? "" : nsbox_hook_status_name(h));
		scols_line_set_data(ln, 3, state);
		if (ncols < 6)
			continue;
		snprintf(num, sizeof(num), "%llu", h->hits);
		scols_line_set_data(ln, 4, num);
		snprintf(num, sizeof(num), "%llu", h->misses);
		scols_line_set_data(ln, 5, num);
	}
	scols_print_table(tb);
	return NSBOX_EXIT_OK;
}

/* The users' shares of the table, a line each (ABI 9). */
static void print_shares_human(const struct nsbox_info *info)
{
	char ubuf[16], rbuf[256];

	printf("shares:   a user up to %u groups, all users but root together up to %u",
	       info->max_user_groups, info->max_unpriv_groups);
	if (info->admin)
		printf(" (%" PRIu64 " held now)", info->unpriv_groups);
	putchar('\n');
	if (info->admin) {
		printf("adopted:  %s\n", info->adopted ?
		       "yes: every namespace without tasks is known (no /proc scan needed)" :
		       "no: nsbox groups (as root) or nsbox adopt will scan /proc for namespaces without tasks");
		printf("live:     %" PRIu64 " walk(s) of all tasks for live values", info->live_walks);
		if (info->live_walks && info->live_time_ns) {
			uint64_t now = nsbox_now_ns();
			char d[32];

			printf(", the last %s ago", nsbox_duration_format(
				now > info->live_time_ns ? now - info->live_time_ns : 0, d, sizeof(d)));
		}
		putchar('\n');
	}
	for (unsigned int i = 0; i < info->n_shares; i++) {
		const struct nsbox_share_info *sh = &info->shares[i];

		printf("%s uid %s: %" PRIu64 " groups", info->admin ? "  share:" : "yours:   ",
		       uid_text(sh->uid, ubuf, sizeof(ubuf)), sh->groups);
		/* root's share is what the others leave of the table */
		if (sh->limit >= UINT32_MAX)
			printf(" (no limit of its own)");
		else
			printf(" of %" PRIu64, sh->limit);
		if (sh->refused_total)
			printf(", %" PRIu64 " refused (%s): their tasks are not counted there",
			       sh->refused_total, refused_text(sh, rbuf, sizeof(rbuf)));
		putchar('\n');
	}
	if (info->shares_dropped)
		printf("  (%u more shares did not fit in the reply)\n", info->shares_dropped);
}

static void print_human(const struct nsbox_info *info, int family)
{
	unsigned int attached = 0;

	for (unsigned int i = 0; i < info->n_hooks; i++)
		attached += info->hooks[i].attached != 0;
	printf("module:   nsbox %s (ABI %u; this tool: %s, ABI %d)\n",
	       info->version, info->abi, NSBOX_VERSION, NSBOX_ABI_VERSION);
	printf("kernel:   %s\n", info->kernel);
	printf("family:   %s (generic netlink id %d)\n", NSBOX_GENL_NAME, family);
	if (machine_figures(info)) {
		printf("groups:   %llu of %llu (%u bytes each, %llu bytes in all), %llu evicted, %llu not created\n",
		       info->groups, info->max_groups, info->group_bytes, info->memory,
		       info->evictions, info->failures);
	}
	if (info->has_shares)
		print_shares_human(info);
	if (machine_figures(info))
		printf("start-up: %u walk(s) of all tasks\n", info->load_walks);
	if (info->has_events && machine_figures(info))
		printf("events:   %u subscriber(s), %" PRIu64 " bytes of per-CPU buffers\n",
		       info->subscribers, info->ring_bytes);
	else if (info->has_events)
		printf("events:   %u subscription(s) of yours\n", info->subscribers);
	if (info->has_probes)
		printf("probes:   %u of %u (nsbox probe ls), each for up to %u groups, %" PRIu64 " bytes\n",
		       info->probes, info->probes_max, info->probe_groups_max, info->probe_bytes);
	printf("hooks:    %u attached of %u\n", attached, info->n_hooks);
	if (info->n_hooks) {
		putchar('\n');
		print_hooks(info);
	}
	{
		json_object *warnings = hook_warnings(info);

		for (size_t i = 0; i < json_object_array_length(warnings); i++)
			printf("\nwarning: %s\n",
			       json_object_get_string(json_object_array_get_idx(warnings, i)));
		json_object_put(warnings);
	}
	if (!machine_figures(info))
		printf("\nnote: the table's totals, evictions and memory, the hooks' hits and misses,\n"
		       "the live walks, the probes and every other user's share are the admin's\n"
		       "to see (run nsbox info as root)\n");
	if (info->abi > NSBOX_ABI_VERSION)
		printf("\nnote: the module is newer (ABI %u) than this tool (ABI %d); some data is not shown\n",
		       info->abi, NSBOX_ABI_VERSION);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: nsbox info [-J]\n"
		"\n"
		"Show what the loaded nsbox.ko reports about itself: module and ABI\n"
		"version, kernel release, and its kernel hooks with hit/miss counts.\n"
		"\n"
		"  -J, --json   print one JSON object\n"
		"  -h, --help   this help\n");
}

/*
 * For the commands that show counts (groups): a warning on stderr per hook
 * that is not attached, and one for the groups the module could not make
 * (refused to a user's share, a full table): the numbers shown may miss
 * those tasks, and nobody should read them as exact in silence.  Returns
 * how many warnings.
 */
int nsbox_count_warnings(const struct nsbox_info *info)
{
	json_object *warnings = hook_warnings(info);
	int n = (int)json_object_array_length(warnings);
	uint64_t refused = nsbox_info_refused(info);

	for (int i = 0; i < n; i++)
		nsbox_err("warning: %s",
			  json_object_get_string(json_object_array_get_idx(warnings, i)));
	json_object_put(warnings);
	if (refused) {
		char line[1024], ubuf[16], rbuf[256];
		size_t off = 0;

		for (unsigned int i = 0; i < info->n_shares && off < sizeof(line); i++) {
			const struct nsbox_share_info *sh = &info->shares[i];

			if (!sh->refused_total)
				continue;
			off += snprintf(line + off, sizeof(line) - off, "%suid %s: %s", off ? "; " : "",
					uid_text(sh->uid, ubuf, sizeof(ubuf)),
					refused_text(sh, rbuf, sizeof(rbuf)));
		}
		nsbox_err("warning: %" PRIu64 " groups were refused since the module was loaded (%s); "
			  "tasks in them are not counted there (see nsbox info)", refused, line);
		n++;
	} else if (!info->has_shares && info->failures) {
		nsbox_err("warning: %llu groups could not be created (table full or no memory); "
			  "tasks in them are not counted there (see nsbox info)", info->failures);
		n++;
	}
	return n;
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct nsbox_nl nl __attribute__((cleanup(nsbox_nl_closep))) = { 0 };
	struct nsbox_nl_error e;
	_cleanup_free_ struct nsbox_info *info = NULL;
	int json = 0, c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'J': json = 1; break;
		case 'h': usage(stdout); return NSBOX_EXIT_OK;
		default: return nsbox_usage_err("info", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return nsbox_usage_err("info", "unexpected argument '%s'", argv[optind]);

	ret = nsbox_nl_open(&nl);
	if (ret)
		return ret;
	info = calloc(1, sizeof(*info));
	if (!info)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (nsbox_fetch_info(&nl, info, &e) < 0)
		return nsbox_nl_report("GET_INFO", &e);

	if (json)
		print_json(info, nl.family);
	else
		print_human(info, nl.family);
	return NSBOX_EXIT_OK;
}
