// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox boxes - option parsing shared by run/exec/ls: sizes, CPU shares,
 * namespace lists, box names; and box_step(), the --verbose trace.
 *
 * Parsing never changes anything on the system, so `nsbox run` checks all
 * of its options before its first step and a typo costs nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <stdbool.h>

#include "box.h"
#include "io.h"
#include "kind.h"
#include "util.h"

bool box_verbose;

void box_step(const char *fmt, ...)
{
	va_list ap;

	if (!box_verbose)
		return;
	fflush(stdout);
	fputs("+ ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int box_write(const char *path, const char *text)
{
	box_step("echo '%s' > %s", text, path);
	return nsbox_write_file(path, text);
}

/*
 * Sizes as cgroup v2 and people write them: a number of bytes with an
 * optional binary suffix k/K, m/M, g/G, t/T (optionally followed by "B" or
 * "iB"), or "max" for no limit.
 */
int box_parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!strcmp(s, "max")) {
		*bytes = UINT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (tolower((unsigned char)*end)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case 't':
		shift = 40;
		break;
	case '\0':
		break;
	default:
		return -EINVAL;
	}
	if (shift) {
		end++;
		if (!strcasecmp(end, "ib"))
			end += 2;
		else if (!strcasecmp(end, "b"))
			end += 1;
	}
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -EINVAL;
	*bytes = (uint64_t)v << shift;
	return 0;
}

/*
 * "--cpus 0.5" means half of one CPU: cpu.max "50000 100000", a quota of
 * 50 ms of CPU time in every 100 ms period, shared by all the box's tasks.
 */
int box_parse_cpus(const char *s, uint64_t *quota_us)
{
	double v;
	char *end;

	if (!strcmp(s, "max")) {
		*quota_us = 0;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.01) || v > 4096)
		return -EINVAL;
	*quota_us = (uint64_t)(v * 100000 + 0.5);
	return 0;
}


int box_each_item(const char *list, int (*one)(const char *item, void *arg), void *arg)
{
	_cleanup_free_ char *copy = strdup(list);
	char *tok, *save = NULL;
	int ret;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		ret = one(tok, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static int ns_item(const char *tok, void *arg)
{
	int *f = arg;
	int k;

	if (!strcmp(tok, "all")) {
		for (k = 0; k < NSBOX_NS_KINDS; k++)
			*f |= nsbox_kind_clone_flag(k);
		return 0;
	}
	k = nsbox_kind_parse(tok);
	if (k < 0 || k >= NSBOX_NS_KINDS)
		return -EINVAL;
	*f |= nsbox_kind_clone_flag(k);
	return 0;
}

int box_parse_ns(const char *s, int *flags)
{
	int f = 0, ret;

	if (!strcmp(s, "none")) {
		*flags = 0;
		return 0;
	}
	ret = box_each_item(s, ns_item, &f);
	if (!ret)
		*flags = f;
	return ret;
}

const char *box_ns_name(int flag)
{
	return nsbox_kind_name(nsbox_kind_of_clone_flag(flag));
}

/* The /proc/PID/ns/ file names, in the order setns() must join them. */
const int box_ns_order[BOX_NS_KINDS] = {
	CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS,
	CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWTIME, CLONE_NEWNS,
};

void box_ns_format(int flags, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int k = 0; k < NSBOX_NS_KINDS; k++) {
		if (!(flags & nsbox_kind_clone_flag(k)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? "," : "", nsbox_kind_name(k));
	}
}

/* Names become directory, cgroup and hostname components: keep them tame. */
bool box_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > BOX_NAME_MAX || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/*
 * One line of /etc/subuid or /etc/subgid: "NAME:START:COUNT" or
 * "UID:START:COUNT", cut in place.  False for a line that is not one (a
 * comment, a count of 0, a range past 2^32).
 */
static bool subid_line(char *line, char **name, uint64_t *b, uint64_t *n)
{
	char *start = strchr(line, ':'), *cnt;
	unsigned long long vb, vn;

	if (!start)
		return false;
	*start++ = '\0';
	cnt = strchr(start, ':');
	if (!cnt)
		return false;
	*cnt++ = '\0';
	errno = 0;
	vb = strtoull(start, NULL, 10);
	vn = strtoull(cnt, NULL, 10);
	if (errno || !vn || vb + vn > UINT32_MAX)
		return false;
	*name = line;
	*b = vb;
	*n = vn;
	return true;
}

/* Is a line's NAME @uid's (its number, or its user's name)? */
static bool subid_owner(const char *name, uid_t uid, const struct passwd *pw)
{
	char id[32];

	snprintf(id, sizeof(id), "%u", (unsigned int)uid);
	return !strcmp(name, id) || (pw && !strcmp(name, pw->pw_name));
}

/*
 * The first range of /etc/subuid or /etc/subgid ("NAME:START:COUNT", or
 * "UID:START:COUNT") that belongs to @uid, at most BOX_SUBID_COUNT ids of
 * it.  0, -ENOENT (no range), or -EINVAL (a range that holds id 0: that
 * would map box root to host root).
 */
int box_subid_range(const char *file, uid_t uid, uint32_t *base, uint32_t *count)
{
	struct passwd *pw = getpwuid(uid);
	char line[512], *name;
	FILE *f = fopen(file, "re");
	int ret = -ENOENT;
	uint64_t b, n;

	if (!f)
		return -ENOENT;
	while (ret == -ENOENT && fgets(line, sizeof(line), f)) {
		if (!subid_line(line, &name, &b, &n) || !subid_owner(name, uid, pw))
			continue;
		if (b == 0) {
			ret = -EINVAL;
			break;
		}
		*base = b;
		*count = n < BOX_SUBID_COUNT ? n : BOX_SUBID_COUNT;
		ret = 0;
	}
	fclose(f);
	return ret;
}

int box_subid_overlap(const char *file, uid_t uid, uint32_t base, uint32_t count,
		      char *who, size_t len)
{
	struct passwd *pw = getpwuid(uid);
	char line[512], *name;
	FILE *f = fopen(file, "re");
	uint64_t b, n;
	int ret = 0;

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		if (!subid_line(line, &name, &b, &n) || subid_owner(name, uid, pw))
			continue;
		if (b < (uint64_t)base + count && base < b + n) {
			snprintf(who, len, "%s:%llu:%llu", name, (unsigned long long)b,
				 (unsigned long long)n);
			ret = 1;
		}
	}
	fclose(f);
	return ret;
}

/* Does [base, base + count) meet a range of @file that is not @uid's? */
static bool subid_taken(const char *file, uid_t uid, uint64_t base, uint32_t count)
{
	char who[8];

	return base + count > UINT32_MAX ||
		box_subid_overlap(file, uid, base, count, who, sizeof(who)) != 0;
}

uint32_t box_subid_free(const char *subuid, const char *subgid, uid_t uid, uint32_t count)
{
	const char *files[] = { subuid, subgid };
	uint64_t best = UINT64_MAX;
	char line[512], *name;
	uint64_t b, n;

	/* the lowest free base is BOX_SUBID_MIN or right after another range */
	if (!subid_taken(subuid, uid, BOX_SUBID_MIN, count) &&
	    !subid_taken(subgid, uid, BOX_SUBID_MIN, count))
		return BOX_SUBID_MIN;
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "re");

		while (f && fgets(line, sizeof(line), f)) {
			if (!subid_line(line, &name, &b, &n) || b + n < BOX_SUBID_MIN ||
			    b + n >= best || subid_taken(subuid, uid, b + n, count) ||
			    subid_taken(subgid, uid, b + n, count))
				continue;
			best = b + n;
		}
		if (f)
			fclose(f);
	}
	return best == UINT64_MAX ? 0 : best;
}

/* ---- -p [ADDR:]HOSTPORT:BOXPORT[/tcp|/udp] --------------------------------- */

static int port_number(const char *s, size_t len, uint16_t *port)
{
	unsigned long v = 0;

	if (!len || len > 5 || strspn(s, "0123456789") < len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (!v || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

int box_port_parse(const char *spec, struct box_port *p, const char **why)
{
	const char *slash = strchr(spec, '/'), *last, *end;
	char addr[INET_ADDRSTRLEN];

	memset(p, 0, sizeof(*p));
	p->proto = IPPROTO_TCP;
	end = slash ? slash : spec + strlen(spec);
	if (slash && !strcmp(slash, "/udp"))
		p->proto = IPPROTO_UDP;
	else if (slash && strcmp(slash, "/tcp")) {
		*why = "the protocol is tcp or udp";
		return -EINVAL;
	}
	/* BOXPORT after the last ':' before the protocol */
	last = NULL;
	for (const char *c = spec; c < end; c++)
		if (*c == ':')
			last = c;
	if (!last) {
		*why = "HOSTPORT:BOXPORT: both ports are needed";
		return -EINVAL;
	}
	if (port_number(last + 1, end - last - 1, &p->box_port)) {
		*why = "the box's port is a number from 1 to 65535";
		return -EINVAL;
	}
	end = last;
	last = NULL;
	for (const char *c = spec; c < end; c++)
		if (*c == ':')
			last = c;
	if (port_number(last ? last + 1 : spec, end - (last ? last + 1 : spec), &p->host_port)) {
		*why = "the host's port is a number from 1 to 65535";
		return -EINVAL;
	}
	if (last) {
		size_t n = last - spec;

		if (n < sizeof(addr)) {
			memcpy(addr, spec, n);
			addr[n] = 0;
		}
		if (n >= sizeof(addr) || inet_pton(AF_INET, addr, &p->host) != 1) {
			*why = "ADDR is an IPv4 address of the host, e.g. 127.0.0.1";
			return -EINVAL;
		}
	}
	return 0;
}

const char *box_port_proto(const struct box_port *p)
{
	return p->proto == IPPROTO_UDP ? "udp" : "tcp";
}

void box_ports_format(const struct box_port *p, int n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < n && off < len; i++) {
		char a[INET_ADDRSTRLEN + 1] = "";

		if (p[i].host.s_addr != htonl(INADDR_ANY)) {
			inet_ntop(AF_INET, &p[i].host, a, INET_ADDRSTRLEN);
			strcat(a, ":");
		}
		off += snprintf(buf + off, len - off, "%s%s%u:%u/%s", i ? "," : "", a,
				p[i].host_port, p[i].box_port, box_port_proto(&p[i]));
	}
}

int box_ports_parse_list(const char *list, struct box_port *p, int max)
{
	char item[64];
	const char *why;
	int n = 0;

	while (*list) {
		size_t len = strcspn(list, ",");

		if (n == max || len >= sizeof(item))
			return -EINVAL;
		memcpy(item, list, len);
		item[len] = 0;
		if (box_port_parse(item, &p[n++], &why))
			return -EINVAL;
		list += len + (list[len] == ',');
	}
	return n;
}
