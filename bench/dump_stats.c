// SPDX-License-Identifier: GPL-2.0
/*
 * dump_stats [-f FLAGS] [-a MAX_AGE_MS] [-F FIELDS] [ROUNDS [KIND]] - GET_GROUP dumps
 * read the way a tool reads them (32 KiB buffer), timed in this process
 * (no process start-up, no parsing, no output): one untimed dump first,
 * then ROUNDS (default 1) timed ones, each on a socket of its own (opened
 * before the clock starts).  KIND (a number, enum nsbox_kind) asks for
 * one kind only.  Prints key=value for the bench:
 *
 *   entries=N bytes=B recvmsg=C intr=I rounds=R ns=MEAN ns_min=.. ns_max=.. per_entry=..
 *
 * entries (groups: NSBOX_A_GROUP attributes), bytes and recvmsg calls are
 * of the last dump; intr counts the dumps flagged NLM_F_DUMP_INTR (the
 * set changed during the dump).
 *
 * With a module of netlink ABI 9 or later: -f asks for a form of answer
 * (NSBOX_A_DUMP_FLAGS: a comma list of packed, no_live, batch) and -a
 * accepts live values up to MAX_AGE_MS old (NSBOX_A_LIVE_MAX_AGE_MS; the
 * default, 0, walks the tasks for every dump).  Built against an older
 * uapi header, -f and -a exit 2 ("dump_stats: -f: not in ABI N").  With
 * ABI 10, -F asks for some fields only (NSBOX_A_DUMP_FIELDS: a comma list
 * of kind, id, state, path, procs, threads, forks, cpu).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../tests/vm/nltest.h"

static long entries;

/* every NSBOX_A_GROUP of one message: one, or many with a batch */
static void count(const struct nlmsghdr *nlh, void *arg)
{
	long long *bytes = arg;
	int hdr = NLMSG_HDRLEN + GENL_HDRLEN;
	const struct nlattr *a = (const struct nlattr *)((const char *)nlh + hdr);
	int left = (int)nlh->nlmsg_len - hdr;

	*bytes += nlh->nlmsg_len;
	while (left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= left) {
		if ((a->nla_type & NLA_TYPE_MASK) == NSBOX_A_GROUP)
			entries++;
		left -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* -f FLAGS, -a MS: the request attributes of ABI 9, or exit 2 */
static void put_abi9(char *msg, const char *flags, long age)
{
#if NSBOX_ABI_VERSION >= 9
	uint32_t f = 0, a = (uint32_t)age;
	char *list, *w, *save = NULL;

	if (flags) {
		list = strdup(flags);
		for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
			if (!strcmp(w, "packed"))
				f |= NSBOX_DUMP_PACKED;
			else if (!strcmp(w, "no_live"))
				f |= NSBOX_DUMP_NO_LIVE;
			else if (!strcmp(w, "batch"))
				f |= NSBOX_DUMP_BATCH;
			else {
				fprintf(stderr, "dump_stats: -f: unknown flag '%s' (packed, no_live, batch)\n", w);
				exit(2);
			}
		}
		free(list);
		nlt_put(msg, NSBOX_A_DUMP_FLAGS, &f, sizeof(f));
	}
	if (age >= 0)
		nlt_put(msg, NSBOX_A_LIVE_MAX_AGE_MS, &a, sizeof(a));
#else
	(void)msg;
	(void)flags;
	(void)age;
#endif
}

/* -F LIST: NSBOX_A_DUMP_FIELDS (ABI 10), or exit 2 */
static void put_fields(char *msg, const char *fields)
{
#if NSBOX_ABI_VERSION >= 10
	static const struct { const char *name; int attr; } names[] = {
		{ "kind", NSBOX_GROUP_A_KIND }, { "id", NSBOX_GROUP_A_ID },
		{ "state", NSBOX_GROUP_A_STATE }, { "path", NSBOX_GROUP_A_PATH },
		{ "procs", NSBOX_GROUP_A_PROCS }, { "threads", NSBOX_GROUP_A_THREADS },
		{ "forks", NSBOX_GROUP_A_FORKS }, { "cpu", NSBOX_GROUP_A_CPU_NS },
	};
	char *list = strdup(fields), *w, *save = NULL;
	uint64_t f = 0;

	for (w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(w, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			fprintf(stderr, "dump_stats: -F: unknown field '%s'\n", w);
			exit(2);
		}
		f |= 1ULL << names[i].attr;
	}
	free(list);
	nlt_put(msg, NSBOX_A_DUMP_FIELDS, &f, sizeof(f));
#else
	(void)msg;
	fprintf(stderr, "dump_stats: -F %s: not in ABI %d\n", fields, NSBOX_ABI_VERSION);
	exit(2);
#endif
}

int main(int argc, char **argv)
{
	char msg[128] __attribute__((aligned(NLMSG_ALIGNTO)));
	long long bytes = 0, sum = 0, min = 0, max = 0;
	int fd, family, calls = 0, intr, intrs = 0, err = 0, rounds = 1, kind = -1, c;
	const char *flags = NULL, *fields = NULL;
	long age = -1;

	while ((c = getopt(argc, argv, "f:a:F:")) != -1) {
		switch (c) {
		case 'f': flags = optarg; break;
		case 'F': fields = optarg; break;
		case 'a': age = atol(optarg); break;
		default: goto usage;
		}
	}
	if (optind < argc)
		rounds = atoi(argv[optind++]);
	if (optind < argc)
		kind = atoi(argv[optind++]);
	if (rounds < 1 || optind < argc || (age < -1))
		goto usage;
	if (NSBOX_ABI_VERSION < 9 && (flags || age >= 0)) {
		fprintf(stderr, "dump_stats: -%c: not in ABI %d\n", flags ? 'f' : 'a',
			NSBOX_ABI_VERSION);
		return 2;
	}
	fd = nlt_socket();
	family = nlt_family(fd, NSBOX_GENL_NAME);
	if (family < 0)
		return 1;
	close(fd);
	nlt_init(msg, family, NSBOX_CMD_GET_GROUP, NLM_F_DUMP);
	if (kind >= 0) {
		uint8_t k = kind;

		nlt_put(msg, NSBOX_A_KIND, &k, sizeof(k));
	}
	put_abi9(msg, flags, age);
	if (fields)
		put_fields(msg, fields);
	for (int r = 0; r <= rounds; r++) {
		long long t0, t;

		entries = 0;
		bytes = 0;
		fd = nlt_socket();
		t0 = now_ns();
		calls = nlt_dump(fd, msg, 32768, count, &bytes, &intr, &err);
		t = now_ns() - t0;
		close(fd);
		if (calls < 0 || err) {
			fprintf(stderr, "dump_stats: dump failed (%d)\n", err);
			return 1;
		}
		if (r == 0)
			continue;	/* the untimed first dump */
		intrs += intr;
		sum += t;
		if (r == 1 || t < min)
			min = t;
		if (r == 1 || t > max)
			max = t;
	}
	printf("entries=%ld bytes=%lld recvmsg=%d intr=%d rounds=%d ns=%lld ns_min=%lld ns_max=%lld per_entry=%lld\n",
	       entries, bytes, calls, intrs, rounds, sum / rounds, min, max,
	       entries ? sum / rounds / entries : 0);
	return 0;
usage:
	fprintf(stderr, "usage: dump_stats [-f packed,no_live,batch] [-a MAX_AGE_MS] [-F kind,id,...] [ROUNDS [KIND]]\n");
	return 2;
}
