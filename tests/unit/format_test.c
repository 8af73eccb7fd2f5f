// SPDX-License-Identifier: GPL-2.0
/*
 * format_test - host unit test of what the tool prints for people: the
 * terminal escaping of names (nsbox_escape(), tools/lib/table.c) and the
 * number formats of `nsbox top` and friends (tools/lib/units.c).
 */
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "table.h"
#include "units.h"

/* nsbox_escape() into a buffer of @len, checking nothing past it is written. */
static const char *esc(const char *s, size_t len)
{
	static char buf[512];

	memset(buf, '#', sizeof(buf));
	nsbox_escape(s, buf, len);
	for (size_t i = len; i < sizeof(buf); i++)
		if (buf[i] != '#')
			return "<written past len>";
	return buf;
}

TEST(escape_printable_unchanged)
{
	EXPECT_STREQ("", esc("", 64));
	EXPECT_STREQ("abc", esc("abc", 64));
	EXPECT_STREQ("a b/c.d-e_f:1", esc("a b/c.d-e_f:1", 64));
	EXPECT_STREQ(" !~", esc(" !~", 64));	/* 0x20 and 0x7e: the ends */
	EXPECT_STREQ("{\"json\":[1]}", esc("{\"json\":[1]}", 64));
}

TEST(escape_control_and_backslash)
{
	EXPECT_STREQ("\\x1b[31mred\\x1b[0m", esc("\x1b[31mred\x1b[0m", 64));
	EXPECT_STREQ("a\\x0ab", esc("a\nb", 64));
	EXPECT_STREQ("a\\x0db", esc("a\rb", 64));
	EXPECT_STREQ("\\x09tab", esc("\ttab", 64));
	EXPECT_STREQ("\\x01\\x1f", esc("\x01\x1f", 64));
	EXPECT_STREQ("\\x7f", esc("\x7f", 64));
	/* the backslash itself, so \x41 in a name cannot pass for an escape */
	EXPECT_STREQ("a\\x5cb", esc("a\\b", 64));
	EXPECT_STREQ("\\x5cx41", esc("\\x41", 64));
}

TEST(escape_high_bytes)
{
	/* UTF-8 too: every byte >= 0x80, as libsmartcols does */
	EXPECT_STREQ("caf\\xc3\\xa9", esc("caf\xc3\xa9", 64));
	EXPECT_STREQ("\\x80\\xff", esc("\x80\xff", 64));
	EXPECT_STREQ("\\xe2\\x80\\xae", esc("\xe2\x80\xae", 64));	/* RLO */
}

TEST(escape_every_byte)
{
	char in[2], want[8];

	for (int c = 1; c < 256; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		if (c >= 0x20 && c < 0x7f && c != '\\')
			snprintf(want, sizeof(want), "%c", c);
		else
			snprintf(want, sizeof(want), "\\x%02x", c);
		EXPECT_STREQ(want, esc(in, 16)) TH_LOG("byte 0x%02x", c);
	}
}

TEST(escape_truncates_whole)
{
	/* room for 5 more bytes is what it wants before each character */
	EXPECT_STREQ("abcde", esc("abcdefghijkl", 10));
	EXPECT_STREQ("abc", esc("abcdefgh", 8));
	EXPECT_STREQ("", esc("abc", 5));
	EXPECT_STREQ("a", esc("abc", 6));
	/* an escape is never cut in half */
	EXPECT_STREQ("a\\x1b", esc("a\x1b" "bc", 10));
	EXPECT_STREQ("a\\x1b", esc("a\x1b" "bc", 7));
	EXPECT_STREQ("a", esc("a\x1b" "bc", 6));
	EXPECT_STREQ("", esc("abc", 1));
}

TEST(escape_len_zero)
{
	char buf[4] = "xyz";

	EXPECT_STREQ("", nsbox_escape("abc", buf, 0));
	EXPECT_STREQ("xyz", buf);
}

TEST(escape_returns_buf)
{
	char buf[16];

	EXPECT_EQ((const char *)buf, nsbox_escape("a", buf, sizeof(buf)));
}

static const char *human(double v)
{
	static char buf[32];

	return nsbox_human(v, buf, sizeof(buf));
}

/* "%.0f" and "%.1f" by hand: what snprintf prints, halves included */
TEST(fixed_format_is_printf)
{
	static const double edge[] = { 0, 0.04, 0.05, 0.15, 0.25, 0.35, 0.45, 0.95, 1.25, 2.5,
				       9.95, 9.949999, 99.95, 1023.5, 0.1 + 0.2, 1e8 + 0.05,
				       999999999.95, 1e14 + 0.5, 4.5e15, -1, 0.0 / 0.0 };
	char a[64], b[64];

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		for (int d = 0; d < 2; d++) {
			snprintf(a, sizeof(a), "%.*f", d, edge[i]);
			nsbox_fixed_format(edge[i], d, b, sizeof(b));
			EXPECT_STREQ(a, b) TH_LOG("%.17g with %d decimals", edge[i], d);
		}
	}
	/* rates, shares and sizes: random values at every scale */
	for (uint64_t x = 7, i = 0; i < 200000; i++) {
		double v;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		v = (double)(x >> 11) / (double)(1ULL << 53) * (double)(1ULL << (i % 40));
		for (int d = 0; d < 2; d++) {
			snprintf(a, sizeof(a), "%.*f", d, v);
			nsbox_fixed_format(v, d, b, sizeof(b));
			ASSERT_STREQ(a, b) TH_LOG("%.17g with %d decimals", v, d);
		}
		/* tenths exactly: the values a rate or a share often takes */
		v = (double)(x % 100000) / 10;
		snprintf(a, sizeof(a), "%.1f", v);
		nsbox_fixed_format(v, 1, b, sizeof(b));
		ASSERT_STREQ(a, b) TH_LOG("%.17g", v);
	}
}

TEST(human_sizes)
{
	EXPECT_STREQ("0", human(0));
	EXPECT_STREQ("1", human(1));
	EXPECT_STREQ("999", human(999));
	EXPECT_STREQ("1023", human(1023));
	EXPECT_STREQ("1.0K", human(1024));
	EXPECT_STREQ("1.5K", human(1536));
	EXPECT_STREQ("9.9K", human(10137));		/* 9.899... */
	EXPECT_STREQ("10K", human(10240));
	EXPECT_STREQ("100K", human(102400));
	EXPECT_STREQ("1023K", human(1023 * 1024));
	EXPECT_STREQ("1.0M", human(1048576));
	EXPECT_STREQ("1.5M", human(1572864));
	EXPECT_STREQ("64M", human(64 << 20));
	EXPECT_STREQ("1.0G", human(1ULL << 30));
	EXPECT_STREQ("2.0T", human(2ULL << 40));
	EXPECT_STREQ("1.0P", human(1ULL << 50));
	/* the unit is chosen after rounding: never "1024K" */
	EXPECT_STREQ("1.0M", human(1048575));
	EXPECT_STREQ("1023K", human(1023.4 * 1024));
	EXPECT_STREQ("1.0M", human(1023.5 * 1024));
	EXPECT_STREQ("1.0K", human(1023.5));
	EXPECT_STREQ("9.9K", human(9.94 * 1024));
	EXPECT_STREQ("10K", human(9.96 * 1024));
}

static const char *size(uint64_t v)
{
	static char buf[32];

	return nsbox_size_format(v, buf, sizeof(buf));
}

TEST(sizes_in_bytes)
{
	EXPECT_STREQ("0B", size(0));
	EXPECT_STREQ("1B", size(1));
	EXPECT_STREQ("1023B", size(1023));
	EXPECT_STREQ("1.0K", size(1024));
	EXPECT_STREQ("8.1M", size(8519680));		/* the RSS_BYTES */
	EXPECT_STREQ("1.0M", size(1048575));
	EXPECT_STREQ("16384P", size(UINT64_MAX));
}

static const char *dur(uint64_t ns)
{
	static char buf[32];

	return nsbox_duration_format(ns, buf, sizeof(buf));
}

TEST(durations)
{
	EXPECT_STREQ("0", dur(0));
	EXPECT_STREQ("1ns", dur(1));
	EXPECT_STREQ("999ns", dur(999));
	EXPECT_STREQ("1.00us", dur(1000));
	EXPECT_STREQ("1.50us", dur(1500));
	EXPECT_STREQ("15.0us", dur(15000));
	EXPECT_STREQ("999us", dur(999499));
	EXPECT_STREQ("1.00ms", dur(999500));		/* rounds into the next unit */
	EXPECT_STREQ("20.0ms", dur(20000000));
	EXPECT_STREQ("1.00s", dur(999999999));
	EXPECT_STREQ("2.41s", dur(2414378002ULL));	/* the CPU_NS */
	EXPECT_STREQ("10.0s", dur(9995000000ULL));
	EXPECT_STREQ("59.9s", dur(59949999999ULL));
	EXPECT_STREQ("1m00s", dur(59950000000ULL));	/* never "60.0s" */
	EXPECT_STREQ("4m01s", dur(241000000000ULL));
	EXPECT_STREQ("59m59s", dur(3599499999999ULL));
	EXPECT_STREQ("1h00m", dur(3599500000000ULL));
	EXPECT_STREQ("1h02m", dur(3720000000000ULL));
	EXPECT_STREQ("23h59m", dur(86399000000000ULL));
	EXPECT_STREQ("1d00h", dur(86400000000000ULL));
	EXPECT_STREQ("3d04h", dur((3 * 86400ULL + 4 * 3600 + 59 * 60) * 1000000000));
	EXPECT_STREQ("213503d23h", dur(UINT64_MAX));	/* 584 years */
}

static const char *cell(enum nsbox_coltype type, bool exact, const char *s)
{
	static char buf[32];

	return nsbox_cell_human(type, exact, s, buf, sizeof(buf));
}

TEST(table_cells_human_unless_exact)
{
	EXPECT_STREQ("2.41s", cell(NSBOX_COL_NS, false, "2414378002"));
	EXPECT_STREQ("2414378002", cell(NSBOX_COL_NS, true, "2414378002"));
	EXPECT_STREQ("8.1M", cell(NSBOX_COL_BYTES, false, "8519680"));
	EXPECT_STREQ("8519680", cell(NSBOX_COL_BYTES, true, "8519680"));
	EXPECT_STREQ("1h02m", cell(NSBOX_COL_SECS, false, "3720"));
	EXPECT_STREQ("12345", cell(NSBOX_COL_NUM, false, "12345"));
	EXPECT_STREQ("abc", cell(NSBOX_COL_TEXT, false, "abc"));
	/* what is not a whole number is shown as it is */
	EXPECT_STREQ("", cell(NSBOX_COL_NS, false, ""));
	EXPECT_STREQ("-5", cell(NSBOX_COL_BYTES, false, "-5"));
	EXPECT_STREQ("12x", cell(NSBOX_COL_BYTES, false, "12x"));
	EXPECT_STREQ("99999999999999999999999", cell(NSBOX_COL_BYTES, false, "99999999999999999999999"));
	EXPECT_STREQ("213503d23h", cell(NSBOX_COL_SECS, false, "18446744073709551615"));
}

TEST(human_huge_stays_in_p)
{
	/* P is the largest unit: bigger numbers grow digits, nothing overflows */
	EXPECT_STREQ("1024P", human(1ULL << 60));
	EXPECT_STREQ("16384P", human((double)UINT64_MAX));
	EXPECT_STREQ("888178419700125P", human(1e30));
}

TEST(human_rates)
{
	/* rates are doubles: below 1024 they are rounded, never cut */
	EXPECT_STREQ("0", human(0.4));
	EXPECT_STREQ("1", human(0.6));
	EXPECT_STREQ("12", human(12.4));
}

TEST(human_small_buffer)
{
	char buf[4];

	memset(buf, 'x', sizeof(buf));
	nsbox_human(1536, buf, 3);
	EXPECT_STREQ("1.", buf);
	EXPECT_EQ('x', buf[3]);
}

static const char *load(uint64_t x100)
{
	static char buf[32];

	return nsbox_load_format(x100, buf, sizeof(buf));
}

TEST(load_averages)
{
	EXPECT_STREQ("0.00", load(0));
	EXPECT_STREQ("0.05", load(5));
	EXPECT_STREQ("0.99", load(99));
	EXPECT_STREQ("1.00", load(100));
	EXPECT_STREQ("1.50", load(150));
	EXPECT_STREQ("123.45", load(12345));
	EXPECT_STREQ("184467440737095516.15", load(UINT64_MAX));
}

TEST_HARNESS_MAIN
