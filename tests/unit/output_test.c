// SPDX-License-Identifier: GPL-2.0
/*
 * output_test - the direct table writer (tools/lib/tablewr.c) prints the
 * same bytes as libsmartcols, which it replaces off the terminal: the
 * same rows -- hostile strings among them: control bytes, quotes,
 * backslashes ("\x41" too), UTF-8, DEL, empty, very long -- through both,
 * in every format (text with widths and alignment, -r, -n, -b, -o lists,
 * JSON, keys short and long), by both ways of adding a row (a string per
 * cell, typed cells), and a table without rows; then the writer's numbers
 * (lib/wbuf.c: integers, and the metrics' fixed-point values).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "table.h"

static const struct nsbox_col cols[] = {
	{ "name", NSBOX_COL_TEXT, true, "", 0 },
	{ "id", NSBOX_COL_NUM, true, "", 1 },
	{ "cpu_ns", NSBOX_COL_NS, true, "", 2 },
	{ "rss_bytes", NSBOX_COL_BYTES, true, "", 3 },
	{ "uptime", NSBOX_COL_SECS, false, "", 4 },
	{ "load1", NSBOX_COL_NUM, false, "", 5 },
	{ "path", NSBOX_COL_TEXT, true, "", 6 },
	{ "probe.Mixed", NSBOX_COL_NUM, false, "", 7 },
	/* a JSON key past the writer's 32 bytes copied whole */
	{ "probe.a_name_of_more_than_thirty_two_bytes", NSBOX_COL_NUM, false, "", 8 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

struct row {
	const char *name, *path;
	uint64_t id, cpu, rss, up, load, calls;
	bool has_cpu;
};

static char longname[5000];

static struct row rows[] = {
	{ "plain", "/nsbox/b1", 4026531840ULL, 2410000000ULL, 8500000, 3700, 150, 0, true },
	{ "ctl\x1b[31m\n\t\r\b\f\x01\x7f", "/a b/c\"d'e", 1, 999, 1023, 59, 0, 1, true },
	{ "back\\slash \\x41 \\", "\\x", 18446744073709551615ULL, 18446744073709551615ULL,
	  18446744073709551615ULL, 18446744073709551615ULL, 99999, 42, true },
	{ "utf8 \xc3\xa9t\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xa6 \xff\xfe", "", 0, 0, 0, 0, 1, 7, false },
	{ "", NULL, 12, 59950000000ULL, 1ULL << 40, 86400, 5, 3, true },
	{ longname, nsbox_cell_removed, 7, 1000, 1024, 3600, 100, 9, true },
	{ "\"quoted\" 'single' {json}: [1,2]", "tab\there", 99, 1, 1, 1, 1, 1, true },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const char *str_cell(const void *r, int col, char *buf, size_t len)
{
	const struct row *x = r;

	switch (col) {
	case 0: return x->name;
	case 1: snprintf(buf, len, "%" PRIu64, x->id); return buf;
	case 2:
		if (!x->has_cpu)
			return NULL;
		snprintf(buf, len, "%" PRIu64, x->cpu);
		return buf;
	case 3: snprintf(buf, len, "%" PRIu64, x->rss); return buf;
	case 4: snprintf(buf, len, "%" PRIu64, x->up); return buf;
	case 5: snprintf(buf, len, "%" PRIu64 ".%02" PRIu64, x->load / 100, x->load % 100); return buf;
	case 6: return x->path;
	case 7: snprintf(buf, len, "%" PRIu64, x->calls); return buf;
	case 8: snprintf(buf, len, "%" PRIu64, x->id); return buf;
	}
	return NULL;
}

static void typed_cell(const void *r, int col, struct nsbox_cell *c)
{
	const struct row *x = r;

	switch (col) {
	case 0: c->kind = NSBOX_CELL_STR; c->s = x->name; c->len = strlen(x->name); break;
	case 1: c->kind = NSBOX_CELL_U64; c->u = x->id; break;
	case 2: if (x->has_cpu) { c->kind = NSBOX_CELL_U64; c->u = x->cpu; } break;
	case 3: c->kind = NSBOX_CELL_U64; c->u = x->rss; break;
	case 4: c->kind = NSBOX_CELL_U64; c->u = x->up; break;
	case 5: c->kind = NSBOX_CELL_LOAD; c->u = x->load; break;
	case 6:
		if (x->path) {
			c->kind = NSBOX_CELL_STR;
			c->s = x->path;
			c->len = strlen(x->path);
		}
		break;
	case 7: c->kind = NSBOX_CELL_U64; c->u = x->calls; break;
	case 8: c->kind = NSBOX_CELL_U64; c->u = x->id; break;
	}
}

/*
 * The table of @n rows (the rows over again past NROWS) with options @o,
 * printed; malloc'd text.  @stream: printed as they are added.
 */
static char *render_as(struct nsbox_table_opts o, bool smartcols, bool typed, size_t n,
		       bool stream)
{
	struct nsbox_table t;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	o.out = f;
	o.smartcols = smartcols;
	if (nsbox_table_init(&t, cols, NCOLS, &o, "groups", "test")) {
		fclose(f);
		free(text);
		return NULL;
	}
	if (stream)
		nsbox_table_stream(&t);
	for (size_t i = 0; i < n; i++) {
		if (typed)
			nsbox_table_add_typed(&t, &rows[i % NROWS], typed_cell);
		else
			nsbox_table_add(&t, &rows[i % NROWS], str_cell);
	}
	nsbox_table_print(&t);
	nsbox_table_free(&t);
	fclose(f);
	return text;
}

static char *render(struct nsbox_table_opts o, bool smartcols, bool typed, size_t n)
{
	return render_as(o, smartcols, typed, n, false);
}

/* Both ways, both libraries: the same bytes; the first difference logged. */
static int same(struct __test_metadata *_metadata, struct nsbox_table_opts o, size_t n,
		const char *what)
{
	char *want = render(o, true, false, n);
	int bad = 0;

	if (!want)
		return 1;
	for (int typed = 0; typed < 2; typed++) {
		char *got = render(o, false, typed, n);
		size_t i = 0;

		if (!got)
			return 1;
		if (strcmp(want, got)) {
			while (want[i] && want[i] == got[i])
				i++;
			TH_LOG("%s (%s cells): differs at byte %zu: libsmartcols '%.60s', writer '%.60s'",
			       what, typed ? "typed" : "string", i, want + i, got + i);
			bad = 1;
		}
		free(got);
	}
	free(want);
	return bad;
}

#define SAME(o, n) EXPECT_EQ(0, same(_metadata, o, n, #o))

static void fill_long(void)
{
	for (size_t i = 0; i < sizeof(longname) - 1; i++)
		longname[i] = (char)('a' + i % 26);
	longname[sizeof(longname) - 1] = '\0';
}

TEST(text_default_columns)
{
	fill_long();
	SAME(((struct nsbox_table_opts){ 0 }), NROWS);
}

TEST(text_every_column_and_orders)
{
	fill_long();
	SAME(((struct nsbox_table_opts){ .columns = "name,id,cpu_ns,rss_bytes,uptime,load1,path,probe.Mixed" }), NROWS);
	/* a number last (right-aligned, no trailing fill), text last */
	SAME(((struct nsbox_table_opts){ .columns = "path,name,id" }), NROWS);
	SAME(((struct nsbox_table_opts){ .columns = "id,path" }), NROWS);
	SAME(((struct nsbox_table_opts){ .columns = "cpu_ns" }), NROWS);
	SAME(((struct nsbox_table_opts){ .columns = "path" }), NROWS);
}

TEST(text_exact_and_noheadings)
{
	fill_long();
	SAME(((struct nsbox_table_opts){ .exact = true }), NROWS);
	SAME(((struct nsbox_table_opts){ .noheadings = true }), NROWS);
	SAME(((struct nsbox_table_opts){ .noheadings = true, .exact = true,
					  .columns = "uptime,name,rss_bytes" }), NROWS);
}

TEST(raw)
{
	fill_long();
	SAME(((struct nsbox_table_opts){ .raw = true }), NROWS);
	SAME(((struct nsbox_table_opts){ .raw = true, .noheadings = true }), NROWS);
	SAME(((struct nsbox_table_opts){ .raw = true, .exact = true,
					  .columns = "path,id,name,probe.Mixed" }), NROWS);
}

TEST(json)
{
	fill_long();
	SAME(((struct nsbox_table_opts){ .json = true }), NROWS);
	SAME(((struct nsbox_table_opts){ .json = true, .columns = "path,load1,name,probe.Mixed" }), NROWS);
	SAME(((struct nsbox_table_opts){ .json = true, .columns = "id" }), 1);
}

TEST(no_rows)
{
	SAME(((struct nsbox_table_opts){ 0 }), 0);
	SAME(((struct nsbox_table_opts){ .raw = true }), 0);
	SAME(((struct nsbox_table_opts){ .json = true }), 0);
}

TEST(each_row_alone)
{
	fill_long();
	for (size_t i = 0; i < NROWS; i++) {
		struct row keep = rows[0];

		rows[0] = rows[i];
		SAME(((struct nsbox_table_opts){ 0 }), 1);
		SAME(((struct nsbox_table_opts){ .raw = true }), 1);
		SAME(((struct nsbox_table_opts){ .json = true }), 1);
		rows[0] = keep;
	}
}

/* every byte value in a cell, in each format */
TEST(every_byte)
{
	static char all[256];
	struct row keep = rows[1];

	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	rows[1].name = all;
	rows[1].path = all + 120;
	SAME(((struct nsbox_table_opts){ 0 }), 3);
	SAME(((struct nsbox_table_opts){ .raw = true }), 3);
	SAME(((struct nsbox_table_opts){ .json = true }), 3);
	rows[1] = keep;
}

/* Streamed as rows arrive (64 KiB at a time): the same bytes. */
TEST(streamed)
{
	static const struct nsbox_table_opts os[] = {
		{ .json = true }, { .raw = true }, { 0 }, { .json = true, .columns = "id" },
	};

	fill_long();
	for (size_t k = 0; k < sizeof(os) / sizeof(os[0]); k++) {
		for (size_t n = 0; n < 200; n += 199) {
			char *want = render_as(os[k], true, false, n, false);
			char *got = render_as(os[k], false, true, n, true);

			ASSERT_NE(NULL, want);
			ASSERT_NE(NULL, got);
			EXPECT_STREQ(want, got) TH_LOG("options %zu, %zu rows", k, n);
			if (n && !os[k].columns)	/* more than one chunk of 64 KiB */
				EXPECT_LT(65536 * 2, strlen(got));
			free(want);
			free(got);
		}
	}
}

TEST(u64_to_dec)
{
	static const uint64_t v[] = { 0, 1, 9, 10, 99, 100, 101, 999, 1000, 4026531840ULL,
				      1ULL << 32, 10000000000000000000ULL, UINT64_MAX };
	char a[32], b[32];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(a, sizeof(a), "%" PRIu64, v[i]);
		EXPECT_EQ(strlen(a), nsbox_u64_to_dec(v[i], b));
		EXPECT_STREQ(a, b);
	}
	/* each digit count's edges: 10^k - 1, 10^k, 10^k + 1; and a sweep */
	for (uint64_t p = 1, k = 0; k < 20; k++, p *= 10) {
		uint64_t e[3] = { p - 1, p, p + 1 };

		for (int j = 0; j < 3; j++) {
			snprintf(a, sizeof(a), "%" PRIu64, e[j]);
			ASSERT_EQ(strlen(a), nsbox_u64_to_dec(e[j], b));
			ASSERT_STREQ(a, b);
		}
	}
	for (uint64_t x = 0, i = 0; i < 100000; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL) {
		uint64_t y = x >> (i % 64);

		snprintf(a, sizeof(a), "%" PRIu64, y);
		ASSERT_EQ(strlen(a), nsbox_u64_to_dec(y, b));
		ASSERT_STREQ(a, b);
	}
}

/* The old way, digit by digit (cmd/metrics.c before wbuf.c) */
static void fixed_ref(uint64_t v, int decimals, char *out)
{
	char buf[48], *p = buf + sizeof(buf);
	bool digits = false;

	*--p = '\0';
	for (int i = 0; i < decimals; i++, v /= 10) {
		if (!digits && v % 10 == 0)
			continue;
		digits = true;
		*--p = (char)('0' + v % 10);
	}
	if (digits)
		*--p = '.';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strcpy(out, p);
}

/* A metric's value: v / 10^decimals exactly, no trailing zeros */
TEST(wbuf_fixed)
{
	static const uint64_t v[] = { 0, 1, 7, 10, 150, 100, 1500000000ULL, 1000000001ULL,
				      999999999ULL, 1000000000ULL, 123456789012345ULL, UINT64_MAX };
	static const int d[] = { 0, 1, 2, 9, 18, 19 };
	struct nsbox_wbuf b = { 0 };
	char want[64];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (size_t j = 0; j < sizeof(d) / sizeof(d[0]); j++) {
			b.len = 0;
			nsbox_wbuf_fixed(&b, v[i], d[j]);
			fixed_ref(v[i], d[j], want);
			ASSERT_EQ(strlen(want), b.len);
			ASSERT_EQ(0, memcmp(want, b.p, b.len)) TH_LOG("%" PRIu64 " / 10^%d", v[i], d[j]);
		}
	}
	for (uint64_t x = 1, i = 0; i < 100000; i++, x = x * 6364136223846793005ULL + 1442695040888963407ULL) {
		uint64_t y = x >> (i % 64);
		int dd = (int)(i % 20);

		b.len = 0;
		nsbox_wbuf_fixed(&b, y, dd);
		fixed_ref(y, dd, want);
		ASSERT_EQ(strlen(want), b.len);
		ASSERT_EQ(0, memcmp(want, b.p, b.len)) TH_LOG("%" PRIu64 " / 10^%d", y, dd);
	}
	free(b.p);
}

TEST_HARNESS_MAIN
