// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - libsmartcols tables (see table.h). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "scols.h"		/* libsmartcols' calls go through it */
#include "table.h"
#include "units.h"

const char nsbox_cell_removed[] = "(removed)";

static int find_col(const struct nsbox_col *cols, size_t ncols,
		    const char *name, size_t len)
{
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len && !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
}

static int select_cols(struct nsbox_table *t, const struct nsbox_col *cols,
		       size_t ncols, const struct nsbox_table_opts *o,
		       const char *cmd)
{
	const char *p = o->columns;

	t->nsel = 0;
	if (!p) {
		/* JSON carries every field; the text table the usual ones. */
		for (size_t i = 0; i < ncols && t->nsel < NSBOX_MAX_COLS; i++)
			if (o->json || cols[i].dflt)
				t->sel[t->nsel++] = (int)i;
		return NSBOX_EXIT_OK;
	}
	while (*p) {
		size_t len = strcspn(p, ",");
		int c = find_col(cols, ncols, p, len);

		if (c < 0)
			return nsbox_usage_err(cmd, "unknown column '%.*s' in -o (see --help for the list)",
					       (int)len, p);
		if (t->nsel >= NSBOX_MAX_COLS)
			return nsbox_usage_err(cmd, "too many columns in -o");
		t->sel[t->nsel++] = c;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!t->nsel)
		return nsbox_usage_err(cmd, "-o needs at least one column");
	return NSBOX_EXIT_OK;
}

bool nsbox_table_opt(int c, const char *arg, struct nsbox_table_opts *o)
{
	switch (c) {
	case 'o': o->columns = arg; return true;
	case 'J': o->json = true; return true;
	case 'r': o->raw = true; return true;
	case 'n': o->noheadings = true; return true;
	case 'b': o->exact = true; return true;
	default: return false;
	}
}

int nsbox_table_init(struct nsbox_table *t, const struct nsbox_col *cols,
		     size_t ncols, const struct nsbox_table_opts *o,
		     const char *json_name, const char *cmd)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->cols = cols;
	ret = select_cols(t, cols, ncols, o, cmd);
	if (ret)
		return ret;
	t->json = o->json;
	t->human = !o->json && !o->exact;
	t->out = o->out ? o->out : stdout;
	/*
	 * A terminal gets libsmartcols, which fits the table to its width;
	 * anything else the direct writer, which prints the same bytes
	 * libsmartcols would print there (tests/unit/output_test.c).
	 */
	if (!o->smartcols && (o->json || o->raw || !isatty(fileno(t->out)))) {
		t->w = malloc(sizeof(*t->w));
		if (!t->w)
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		nsbox_wr_init(t->w, o->json ? NSBOX_WR_JSON : o->raw ? NSBOX_WR_RAW : NSBOX_WR_TEXT,
			      o->noheadings, json_name);
	} else {
		t->tb = scols_new_table();
		if (!t->tb)
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		scols_table_enable_json(t->tb, o->json);
		scols_table_set_name(t->tb, json_name);
		scols_table_enable_raw(t->tb, o->raw);
		scols_table_enable_noheadings(t->tb, o->noheadings);
		if (o->out) {
			scols_table_set_stream(t->tb, o->out);
			scols_table_set_termforce(t->tb, SCOLS_TERMFORCE_NEVER);
		}
	}
	for (size_t i = 0; i < t->nsel; i++) {
		const struct nsbox_col *c = &cols[t->sel[i]];
		size_t k, n = strlen(c->name);
		struct libscols_column *cl;
		char head[64];

		/* JSON keys are the field names; headings their upper case,
		 * without the unit when the cells say it ("2.41s" under CPU) */
		if (t->human && c->type == NSBOX_COL_NS && n > 3 &&
		    !strcmp(c->name + n - 3, "_ns"))
			n -= 3;
		if (t->human && c->type == NSBOX_COL_BYTES && n > 6 &&
		    !strcmp(c->name + n - 6, "_bytes"))
			n -= 6;
		for (k = 0; k < n && k < sizeof(head) - 1; k++)
			head[k] = o->json ? c->name[k] : (char)toupper((unsigned char)c->name[k]);
		head[k] = '\0';
		if (t->w) {
			nsbox_wr_column(t->w, head, c->type != NSBOX_COL_TEXT, c->type != NSBOX_COL_TEXT);
			continue;
		}
		cl = scols_table_new_column(t->tb, head, 0,
					    c->type != NSBOX_COL_TEXT ? SCOLS_FL_RIGHT : 0);
		if (!cl)
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		scols_column_set_json_type(cl, c->type != NSBOX_COL_TEXT ? SCOLS_JSON_NUMBER
									 : SCOLS_JSON_STRING);
	}
	return NSBOX_EXIT_OK;
}

int nsbox_table_add(struct nsbox_table *t, const void *row,
		    const char *(*cell)(const void *row, int col,
					char *buf, size_t len))
{
	struct libscols_line *ln = NULL;
	char buf[4096], hbuf[32];

	if (t->w)
		nsbox_wr_row_begin(t->w);
	else if (!(ln = scols_table_new_line(t->tb, NULL)))
		return NSBOX_EXIT_FAIL;
	for (size_t i = 0; i < t->nsel; i++) {
		const char *s = cell(row, t->sel[i], buf, sizeof(buf));

		if (s == nsbox_cell_removed && t->json)
			s = "";
		else if (s)
			s = nsbox_cell_human(t->cols[t->sel[i]].type, !t->human,
					     s, hbuf, sizeof(hbuf));
		if (t->w)
			nsbox_wr_cell(t->w, s, s ? strlen(s) : 0);
		else if (scols_line_set_data(ln, i, s ? s : ""))
			return NSBOX_EXIT_FAIL;
	}
	if (t->w)
		nsbox_wr_row_end(t->w);
	return NSBOX_EXIT_OK;
}

/* Is a @type cell printed in human units unless -b? */
static bool unit_type(enum nsbox_coltype type)
{
	return type == NSBOX_COL_NS || type == NSBOX_COL_SECS || type == NSBOX_COL_BYTES;
}

/* The text of a typed cell, as nsbox_table_add() would make it. */
static const char *typed_text(const struct nsbox_table *t, enum nsbox_coltype type,
			      const struct nsbox_cell *c, char *buf, size_t *len)
{
	switch (c->kind) {
	case NSBOX_CELL_STR:
		if (c->s == nsbox_cell_removed && t->json) {
			*len = 0;
			return "";
		}
		*len = c->len;
		return c->s;
	case NSBOX_CELL_U64:
		*len = nsbox_u64_to_dec(c->u, buf);
		if (t->human && unit_type(type)) {
			const char *s = nsbox_cell_human(type, false, buf, buf + 32, 32);

			*len = strlen(s);
			return s;
		}
		return buf;
	case NSBOX_CELL_LOAD:
		*len = strlen(nsbox_load_format(c->u, buf, 32));
		return buf;
	default:
		*len = 0;
		return NULL;
	}
}

int nsbox_table_add_typed(struct nsbox_table *t, const void *row,
			  void (*cell)(const void *row, int col, struct nsbox_cell *c))
{
	struct libscols_line *ln = NULL;
	bool json = t->w && t->json;
	char buf[64];

	if (t->w)
		nsbox_wr_row_begin(t->w);
	else if (!(ln = scols_table_new_line(t->tb, NULL)))
		return NSBOX_EXIT_FAIL;
	for (size_t i = 0; i < t->nsel; i++) {
		struct nsbox_cell c = { NSBOX_CELL_NONE, NULL, 0, 0 };
		const char *s;
		size_t len;

		cell(row, t->sel[i], &c);
		if (json && c.kind == NSBOX_CELL_U64) {
			nsbox_wr_json_u64(t->w, c.u);	/* the common case, inline */
			continue;
		}
		if (t->w && c.kind == NSBOX_CELL_U64 &&
		    !(t->human && unit_type(t->cols[t->sel[i]].type))) {
			nsbox_wr_cell_u64(t->w, c.u);	/* digits straight into the output */
			continue;
		}
		s = typed_text(t, t->cols[t->sel[i]].type, &c, buf, &len);
		if (t->w) {
			nsbox_wr_cell(t->w, s, len);
		} else {
			/* libsmartcols takes a C string */
			char *z = strndup(s ? s : "", len);

			if (!z || scols_line_refer_data(ln, i, z)) {
				free(z);
				return NSBOX_EXIT_FAIL;
			}
		}
	}
	if (t->w)
		nsbox_wr_row_end(t->w);
	return NSBOX_EXIT_OK;
}

void nsbox_table_restart(struct nsbox_table *t)
{
	if (t->w)
		nsbox_wr_restart(t->w);
	else
		scols_table_remove_lines(t->tb);
}

void nsbox_table_stream(struct nsbox_table *t)
{
	if (t->w)
		nsbox_wr_stream(t->w, t->out);
}

int nsbox_table_print(struct nsbox_table *t)
{
	if (t->w)
		return nsbox_wr_finish(t->w, t->out) ? NSBOX_EXIT_FAIL : NSBOX_EXIT_OK;
	return scols_print_table(t->tb) ? NSBOX_EXIT_FAIL : NSBOX_EXIT_OK;
}

void nsbox_table_free(struct nsbox_table *t)
{
	if (t->w) {
		nsbox_wr_free(t->w);
		free(t->w);
		t->w = NULL;
	}
	if (t->tb)	/* (tablewr.c's tables never open libsmartcols) */
		scols_unref_table(t->tb);
	t->tb = NULL;
}

const char *nsbox_cell_human(enum nsbox_coltype type, bool exact,
			     const char *s, char *buf, size_t len)
{
	unsigned long long v;
	char *end;

	if (exact || (type != NSBOX_COL_NS && type != NSBOX_COL_SECS &&
		      type != NSBOX_COL_BYTES))
		return s;
	if (*s < '0' || *s > '9')
		return s;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno)
		return s;	/* not an integer: shown as it is */
	if (type == NSBOX_COL_BYTES)
		return nsbox_size_format(v, buf, len);
	if (type == NSBOX_COL_SECS)
		return nsbox_duration_format(v > UINT64_MAX / 1000000000 ? UINT64_MAX
						: v * 1000000000, buf, len);
	return nsbox_duration_format(v, buf, len);
}

void nsbox_table_options_help(FILE *out, const char *json_name, const char *example)
{
	fprintf(out,
		"  -o, --output LIST  columns to show, e.g. -o %s\n"
		"  -J, --json         JSON: {\"%s\":[{...}]}, every column unless -o;\n"
		"                     numbers exact, in ns and bytes\n"
		"  -r, --raw          raw output, no column alignment\n"
		"  -n, --noheadings   no header line\n"
		"  -b, --bytes, --exact\n"
		"                     exact integers (ns, bytes, seconds), not 2.41s or 8.1M\n",
		example, json_name);
}

void nsbox_table_help(const struct nsbox_col *cols, size_t ncols)
{
	printf("\nColumns (-o a,b,...; * = shown by default):\n");
	for (size_t i = 0; i < ncols; i++)
		printf("  %c %-12s %s\n", cols[i].dflt ? '*' : ' ', cols[i].name,
		       cols[i].help);
}

const char *nsbox_escape(const char *s, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (!len)
		return "";
	for (; *s && o + 5 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			buf[o++] = (char)ch;
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[ch >> 4];
		buf[o++] = hex[ch & 15];
	}
	buf[o] = '\0';
	return buf;
}
