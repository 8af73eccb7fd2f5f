/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - tables and JSON through libsmartcols, the library behind
 * lsns and lsblk: column selection (-o), JSON (-J), raw (-r) and
 * no-headings (-n) output, the way util-linux tools do them.
 */
#ifndef NSBOX_TABLE_H
#define NSBOX_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <libsmartcols/libsmartcols.h>

#include "tablewr.h"

/*
 * What a column holds.  The cell callback always gives the exact integer
 * (ns, bytes, seconds); the table prints it in human units unless -b or
 * JSON asked for the exact number.
 */
enum nsbox_coltype {
	NSBOX_COL_TEXT,		/* a JSON string */
	NSBOX_COL_NUM,		/* a JSON number, printed as it is */
	NSBOX_COL_NS,		/* a duration in ns: "2.41s" */
	NSBOX_COL_SECS,		/* a duration in seconds: "1h02m" */
	NSBOX_COL_BYTES,	/* a size in bytes: "8.1M" */
};

struct nsbox_col {
	/*
	 * JSON key; the heading is its upper case, without a unit suffix
	 * (_ns, _bytes) when the cells are printed in human units
	 */
	const char *name;
	enum nsbox_coltype type;
	bool dflt;		/* shown by default in the text table */
	const char *help;	/* for --help */
	int attr;		/* the netlink attribute it shows */
};

struct nsbox_table_opts {
	bool json;
	bool raw;
	bool noheadings;
	bool exact;		/* -b: integers in base units, not human units */
	const char *columns;	/* -o LIST, or NULL */
	/* where to print (NULL: stdout); for tests */
	FILE *out;
	/* always through libsmartcols (tests: the writer is compared with it) */
	bool smartcols;
};

#define NSBOX_MAX_COLS 64

struct nsbox_table {
	/*
	 * libsmartcols for a terminal (it fits the table to its width), the
	 * direct writer (tablewr.h) for everything else: the same bytes
	 */
	struct libscols_table *tb;
	struct nsbox_wr *w;
	FILE *out;
	const struct nsbox_col *cols;
	int sel[NSBOX_MAX_COLS];	/* indexes into cols */
	size_t nsel;
	bool json;
	bool human;		/* cells of unit columns in human units */
};

/*
 * getopt_long() entries and handling of -o, -J, -r, -n, -b (lsblk's
 * --bytes; --exact says the same for durations), shared by commands.
 */
#define NSBOX_TABLE_OPTIONS \
	{ "output", required_argument, NULL, 'o' }, \
	{ "json", no_argument, NULL, 'J' }, \
	{ "raw", no_argument, NULL, 'r' }, \
	{ "noheadings", no_argument, NULL, 'n' }, \
	{ "bytes", no_argument, NULL, 'b' }, \
	{ "exact", no_argument, NULL, 'b' }
#define NSBOX_TABLE_SHORTOPTS "o:Jrnb"
/* true if @c was one of the table options (and is now in @o) */
bool nsbox_table_opt(int c, const char *arg, struct nsbox_table_opts *o);

/* Returns an enum nsbox_exit code; prints the error itself. */
int nsbox_table_init(struct nsbox_table *t, const struct nsbox_col *cols,
		     size_t ncols, const struct nsbox_table_opts *o,
		     const char *json_name, const char *cmd);
/*
 * What a cell callback returns for the name of something removed (the
 * path of a cgroup that is gone): "(removed)" in text, "" in JSON, where
 * the row's state says it.
 */
extern const char nsbox_cell_removed[];

/* Add a row; cell(row, col) returns the text of one cell. */
int nsbox_table_add(struct nsbox_table *t, const void *row,
		    const char *(*cell)(const void *row, int col,
					char *buf, size_t len));
/*
 * A cell as the typed callback gives it: nothing, a string, an integer
 * (printed in human units in a unit column unless -b or JSON), or a load
 * average x100 ("1.50").
 */
enum nsbox_cell_kind { NSBOX_CELL_NONE, NSBOX_CELL_STR, NSBOX_CELL_U64, NSBOX_CELL_LOAD };
struct nsbox_cell {
	enum nsbox_cell_kind kind;
	const char *s;		/* STR (nsbox_cell_removed: see above) */
	size_t len;		/* its length */
	uint64_t u;		/* U64, LOAD */
};
/* Add a row; cell(row, col, c) fills @c: no snprintf, no copy of strings. */
int nsbox_table_add_typed(struct nsbox_table *t, const void *row,
			  void (*cell)(const void *row, int col, struct nsbox_cell *c));
/* Drop the rows added so far (a dump that starts again). */
void nsbox_table_restart(struct nsbox_table *t);
/*
 * Print rows as they are added where the format allows (JSON, -r, off a
 * terminal): for a caller that will not restart.
 */
void nsbox_table_stream(struct nsbox_table *t);
int nsbox_table_print(struct nsbox_table *t);
void nsbox_table_free(struct nsbox_table *t);
/*
 * The text of one cell of @type holding @s for people: human units unless
 * @exact (else @s itself).  Returns @s or @buf.
 */
const char *nsbox_cell_human(enum nsbox_coltype type, bool exact,
			     const char *s, char *buf, size_t len);
/* The --help lines of -o, -J, -r, -n, -b (JSON: {"@json_name":[...]}). */
void nsbox_table_options_help(FILE *out, const char *json_name, const char *example);
/* The column list, for --help. */
void nsbox_table_help(const struct nsbox_col *cols, size_t ncols);

/*
 * @s for a terminal: every byte that is not printable ASCII, and '\\'
 * itself, as \xNN (what libsmartcols does to table cells), so a name
 * holding ESC or a newline -- a comm, a file name, a cgroup directory
 * anybody may name -- cannot reach the reader's terminal raw.  JSON
 * output is not escaped this way: json-c escapes it exactly.  Truncates
 * to @len; returns @buf.
 */
const char *nsbox_escape(const char *s, char *buf, size_t len);

#endif
