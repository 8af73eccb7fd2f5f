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

#include "../kmod/version.h"
#include "../uapi/linux/nsbox.h"
#include "cmds.h"
#include "err.h"
#include "genl.h"
#include "util.h"

#define MAX_HOOKS 64

struct hook_info {
	char name[64];
	char symbol[128];
	int kind;
	int attached;
	int status;		/* enum nsbox_hook_status, -1: not said (ABI < 5) */
	char affects[192];
	unsigned long long hits, misses;
};

struct info {
	char version[32];
	unsigned int abi;
	char kernel[65];
	unsigned int n_hooks;
	struct hook_info hooks[MAX_HOOKS];
	unsigned long long groups, max_groups, evictions, failures, memory;
	unsigned int group_bytes, load_walks, subscribers;
	uint64_t ring_bytes;
	bool has_events;
};

static const char *hook_kind_name(int kind)
{
	switch (kind) {
	case NSBOX_HOOK_KPROBE: return "kprobe";
	case NSBOX_HOOK_KRETPROBE: return "kretprobe";
	case NSBOX_HOOK_TRACEPOINT: return "tracepoint";
	default: return "unknown";
	}
}

/* Why a hook is not attached, as nsbox info says it. */
static const char *hook_status_name(const struct hook_info *h)
{
	switch (h->status) {
	case NSBOX_HOOK_ATTACHED: return "attached";
	case NSBOX_HOOK_NO_SYMBOL: return "no such function or tracepoint";
	case NSBOX_HOOK_REFUSED: return "refused by the kernel";
	case NSBOX_HOOK_SKIPPED: return "skipped (skip_hooks)";
	default: return h->attached ? "attached" : "not attached";
	}
}

static void parse_hook(struct nlattr *nest, struct hook_info *h)
{
	struct nlattr *tb[NSBOX_HOOK_A_MAX + 1];

	memset(h, 0, sizeof(*h));
	h->status = -1;
	snprintf(h->affects, sizeof(h->affects), "what it counts");
	if (nla_parse_nested(tb, NSBOX_HOOK_A_MAX, nest, NULL) < 0)
		return;
	if (tb[NSBOX_HOOK_A_NAME])
		nla_strlcpy(h->name, tb[NSBOX_HOOK_A_NAME], sizeof(h->name));
	if (tb[NSBOX_HOOK_A_SYMBOL])
		nla_strlcpy(h->symbol, tb[NSBOX_HOOK_A_SYMBOL], sizeof(h->symbol));
	if (tb[NSBOX_HOOK_A_KIND])
		h->kind = nla_get_u8(tb[NSBOX_HOOK_A_KIND]);
	if (tb[NSBOX_HOOK_A_ATTACHED])
		h->attached = nla_get_u8(tb[NSBOX_HOOK_A_ATTACHED]);
	if (tb[NSBOX_HOOK_A_HITS])
		h->hits = nla_get_u64(tb[NSBOX_HOOK_A_HITS]);
	if (tb[NSBOX_HOOK_A_MISSES])
		h->misses = nla_get_u64(tb[NSBOX_HOOK_A_MISSES]);
	if (tb[NSBOX_HOOK_A_STATUS])
		h->status = nla_get_u8(tb[NSBOX_HOOK_A_STATUS]);
	if (tb[NSBOX_HOOK_A_AFFECTS])
		nla_strlcpy(h->affects, tb[NSBOX_HOOK_A_AFFECTS], sizeof(h->affects));
}

/*
 * One warning per hook that is not attached: the user must not read a
 * number it would have counted as exact.  A JSON array of strings, empty
 * when every hook is attached (the caller owns it).
 */
static json_object *hook_warnings(const struct info *info)
{
	json_object *warnings = json_object_new_array();

	for (unsigned int i = 0; warnings && i < info->n_hooks; i++) {
		const struct hook_info *h = &info->hooks[i];
		char w[320];

		if (h->attached)
			continue;
		snprintf(w, sizeof(w), "hook %s not attached: %s; %s are not exact",
			 h->name, hook_status_name(h), h->affects);
		json_object_array_add(warnings, json_object_new_string(w));
	}
	return warnings;
}

static int on_info(struct nl_msg *msg, void *arg)
{
	struct info *info = arg;
	struct nlattr *tb[NSBOX_A_MAX + 1];
	struct nlattr *pos;
	int rem;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSBOX_A_MAX, NULL) < 0)
		return -EINVAL;
	if (tb[NSBOX_A_VERSION])
		nla_strlcpy(info->version, tb[NSBOX_A_VERSION], sizeof(info->version));
	if (tb[NSBOX_A_ABI_VERSION])
		info->abi = nla_get_u32(tb[NSBOX_A_ABI_VERSION]);
	if (tb[NSBOX_A_KERNEL_RELEASE])
		nla_strlcpy(info->kernel, tb[NSBOX_A_KERNEL_RELEASE], sizeof(info->kernel));
	if (tb[NSBOX_A_GROUPS])
		info->groups = nla_get_u64(tb[NSBOX_A_GROUPS]);
	if (tb[NSBOX_A_MAX_GROUPS])
		info->max_groups = nla_get_u64(tb[NSBOX_A_MAX_GROUPS]);
	if (tb[NSBOX_A_EVICTIONS])
		info->evictions = nla_get_u64(tb[NSBOX_A_EVICTIONS]);
	if (tb[NSBOX_A_ALLOC_FAILURES])
		info->failures = nla_get_u64(tb[NSBOX_A_ALLOC_FAILURES]);
	if (tb[NSBOX_A_MEMORY_BYTES])
		info->memory = nla_get_u64(tb[NSBOX_A_MEMORY_BYTES]);
	if (tb[NSBOX_A_GROUP_BYTES])
		info->group_bytes = nla_get_u32(tb[NSBOX_A_GROUP_BYTES]);
	if (tb[NSBOX_A_LOAD_WALKS])
		info->load_walks = nla_get_u32(tb[NSBOX_A_LOAD_WALKS]);
	if (tb[NSBOX_A_EVENT_SUBSCRIBERS]) {
		info->has_events = true;
		info->subscribers = nla_get_u32(tb[NSBOX_A_EVENT_SUBSCRIBERS]);
	}
	if (tb[NSBOX_A_EVENT_RING_BYTES])
		info->ring_bytes = nla_get_u64(tb[NSBOX_A_EVENT_RING_BYTES]);
	if (tb[NSBOX_A_HOOKS]) {
		nla_for_each_nested(pos, tb[NSBOX_A_HOOKS], rem) {
			if (nla_type(pos) != NSBOX_A_HOOK || info->n_hooks >= MAX_HOOKS)
				continue;
			parse_hook(pos, &info->hooks[info->n_hooks++]);
		}
	}
	return 0;
}

static void json_put_free(json_object **obj)
{
	json_object_put(*obj);
}

static void print_json(const struct info *info, int family)
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
	json_object_object_add(root, "groups", json_object_new_uint64(info->groups));
	json_object_object_add(root, "max_groups", json_object_new_uint64(info->max_groups));
	json_object_object_add(root, "evictions", json_object_new_uint64(info->evictions));
	json_object_object_add(root, "alloc_failures", json_object_new_uint64(info->failures));
	json_object_object_add(root, "memory_bytes", json_object_new_uint64(info->memory));
	json_object_object_add(root, "group_bytes", json_object_new_uint64(info->group_bytes));
	json_object_object_add(root, "load_walks", json_object_new_uint64(info->load_walks));
	if (info->has_events) {
		json_object_object_add(root, "event_subscribers",
				       json_object_new_uint64(info->subscribers));
		json_object_object_add(root, "event_ring_bytes",
				       json_object_new_uint64(info->ring_bytes));
	}
	for (unsigned int i = 0; i < info->n_hooks; i++) {
		const struct hook_info *h = &info->hooks[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(h->name));
		json_object_object_add(o, "symbol", json_object_new_string(h->symbol));
		json_object_object_add(o, "kind", json_object_new_string(hook_kind_name(h->kind)));
		json_object_object_add(o, "attached", json_object_new_boolean(h->attached));
		json_object_object_add(o, "status", json_object_new_string(hook_status_name(h)));
		json_object_object_add(o, "affects", json_object_new_string(h->affects));
		json_object_object_add(o, "hits", json_object_new_uint64(h->hits));
		json_object_object_add(o, "misses", json_object_new_uint64(h->misses));
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

static int print_hooks(const struct info *info)
{
	struct libscols_table *tb __attribute__((cleanup(table_unrefp))) = scols_new_table();
	static const char *const cols[] = { "NAME", "KIND", "SYMBOL", "ATTACHED", "HITS", "MISSES" };

	if (!tb)
		return NSBOX_EXIT_FAIL;
	for (size_t c = 0; c < ARRAY_SIZE(cols); c++)
		if (!scols_table_new_column(tb, cols[c], 0, c >= 4 ? SCOLS_FL_RIGHT : 0))
			return NSBOX_EXIT_FAIL;
	for (unsigned int i = 0; i < info->n_hooks; i++) {
		const struct hook_info *h = &info->hooks[i];
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		char num[32], state[64];

		if (!ln)
			return NSBOX_EXIT_FAIL;
		scols_line_set_data(ln, 0, h->name);
		scols_line_set_data(ln, 1, hook_kind_name(h->kind));
		scols_line_set_data(ln, 2, h->symbol);
		snprintf(state, sizeof(state), "%s%s", h->attached ? "yes" : "no: ",
			 h->attached ? "" : hook_status_name(h));
		scols_line_set_data(ln, 3, state);
		snprintf(num, sizeof(num), "%llu", h->hits);
		scols_line_set_data(ln, 4, num);
		snprintf(num, sizeof(num), "%llu", h->misses);
		scols_line_set_data(ln, 5, num);
	}
	scols_print_table(tb);
	return NSBOX_EXIT_OK;
}

static void print_human(const struct info *info, int family)
{
	unsigned int attached = 0;

	for (unsigned int i = 0; i < info->n_hooks; i++)
		attached += info->hooks[i].attached != 0;
	printf("module:   nsbox %s (ABI %u; this tool: %s, ABI %d)\n",
	       info->version, info->abi, NSBOX_VERSION, NSBOX_ABI_VERSION);
	printf("kernel:   %s\n", info->kernel);
	printf("family:   %s (generic netlink id %d)\n", NSBOX_GENL_NAME, family);
	printf("groups:   %llu of %llu (%u bytes each, %llu bytes in all), %llu evicted, %llu not created\n",
	       info->groups, info->max_groups, info->group_bytes, info->memory,
	       info->evictions, info->failures);
	printf("start-up: %u walk(s) of all tasks\n", info->load_walks);
	if (info->has_events)
		printf("events:   %u subscriber(s), %" PRIu64 " bytes of per-CPU buffers\n",
		       info->subscribers, info->ring_bytes);
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
 * that is not attached.  Returns how many; 0 also when GET_INFO fails (the
 * command reports its own errors).
 */
int nsbox_hook_warnings(struct nsbox_nl *nl)
{
	struct nl_msg *msg __attribute__((cleanup(nsbox_nl_msg_freep))) = NULL;
	_cleanup_free_ struct info *info = calloc(1, sizeof(*info));
	json_object *warnings;
	struct nsbox_nl_error e;
	int n;

	msg = nsbox_nl_msg(nl, NSBOX_CMD_GET_INFO, 0);
	if (!info || !msg || nsbox_nl_request(nl, msg, on_info, info, &e) < 0)
		return 0;
	warnings = hook_warnings(info);
	n = json_object_array_length(warnings);
	for (int i = 0; i < n; i++)
		nsbox_err("warning: %s",
			  json_object_get_string(json_object_array_get_idx(warnings, i)));
	json_object_put(warnings);
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
	struct nl_msg *msg __attribute__((cleanup(nsbox_nl_msg_freep))) = NULL;
	struct nsbox_nl_error e;
	_cleanup_free_ struct info *info = NULL;
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
	msg = nsbox_nl_msg(&nl, NSBOX_CMD_GET_INFO, 0);
	if (!info || !msg || nla_put_u32(msg, NSBOX_A_ABI_VERSION, NSBOX_ABI_VERSION) < 0)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	if (nsbox_nl_request(&nl, msg, on_info, info, &e) < 0)
		return nsbox_nl_report("GET_INFO", &e);

	if (json)
		print_json(info, nl.family);
	else
		print_human(info, nl.family);
	return NSBOX_EXIT_OK;
}
