/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - the direct table writer behind table.h (lib/tablewr.c):
 * the bytes libsmartcols 2.38 prints for a table that is not on a
 * terminal (text with column widths, -r, -n, JSON), made with no stdio
 * and no per-cell allocation: typed cells, keys made once per column,
 * numbers formatted by hand, one output buffer written at the end.
 * Internal to lib/; commands use table.h.
 */
#ifndef NSBOX_TABLEWR_H
#define NSBOX_TABLEWR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wbuf.h"

#define NSBOX_WR_MAX_COLS 64
#define NSBOX_WR_KEY_FAST 32

enum nsbox_wr_mode { NSBOX_WR_TEXT, NSBOX_WR_RAW, NSBOX_WR_JSON };

struct nsbox_wcol {
	struct nsbox_wbuf head;	/* the heading, encoded as the mode wants */
	/* JSON: the key and its indent, ",\n         \"id\": " (no ",\n" first) */
	struct nsbox_wbuf key;
	char key_fast[NSBOX_WR_KEY_FAST];	/* the key, if it fits, zero-padded */
	bool right;		/* text: right-aligned */
	bool number;		/* JSON: a number (raw), else a string */
	size_t width;		/* text: the widest cell or heading */
};

struct nsbox_wr {
	enum nsbox_wr_mode mode;
	bool noheadings;
	size_t ncols, col, rows;
	struct nsbox_wcol c[NSBOX_WR_MAX_COLS];
	struct nsbox_wbuf out;	/* what is printed */
	size_t start;		/* JSON: the length of the prologue */
	/* JSON and -r: printed to @stream each time @out holds 64 KiB */
	FILE *stream;
	bool streamed;		/* some of it printed already */
	bool stream_err;	/* ... and a write failed (errno kept) */
	/* text: every cell, encoded, in @cells; (offset, length) each */
	struct nsbox_wbuf cells;
	uint32_t (*cell)[2];
	size_t ncells, capcells;
};

void nsbox_wr_init(struct nsbox_wr *w, enum nsbox_wr_mode mode, bool noheadings,
		   const char *json_name);
/* Columns, in order: @head as libsmartcols would get it. */
void nsbox_wr_column(struct nsbox_wr *w, const char *head, bool right, bool number);
void nsbox_wr_row_begin(struct nsbox_wr *w);
/* The next cell's text (@len bytes; NULL or "" for an empty cell). */
void nsbox_wr_cell(struct nsbox_wr *w, const char *s, size_t len);
/* The next cell, a number column's integer @v in decimal. */
void nsbox_wr_cell_u64(struct nsbox_wr *w, uint64_t v);
void nsbox_wr_row_end(struct nsbox_wr *w);

/*
 * nsbox_wr_cell_u64() in JSON mode, inline for the loops that write
 * tens of thousands of them: the key (copied as 32 fixed bytes when it
 * fits), then the digits straight into the output.
 */
static inline void nsbox_wr_json_u64(struct nsbox_wr *w, uint64_t v)
{
	const struct nsbox_wcol *c = &w->c[w->col++];
	struct nsbox_wbuf *b = &w->out;
	size_t n = nsbox_dec_len(v);

	nsbox_wbuf_reserve(b, NSBOX_WR_KEY_FAST + n);
	if (__builtin_expect(c->key.len <= NSBOX_WR_KEY_FAST, 1))
		memcpy(b->p + b->len, c->key_fast, NSBOX_WR_KEY_FAST);
	else
		memcpy(b->p + b->len, c->key.p, c->key.len);
	b->len += c->key.len;
	nsbox_dec_put(b->p + b->len + n, v);
	b->len += n;
}
/*
 * Print JSON and raw output to @out as it is made, 64 KiB at a time (the
 * text table needs every row for its widths): a large table then never
 * sits whole in memory.  No nsbox_wr_restart() after it.
 */
void nsbox_wr_stream(struct nsbox_wr *w, FILE *out);
/* Forget the rows (a dump begins again); not after some were streamed. */
void nsbox_wr_restart(struct nsbox_wr *w);
/* Print it all to @out; 0 or -1 (errno). */
int nsbox_wr_finish(struct nsbox_wr *w, FILE *out);
void nsbox_wr_free(struct nsbox_wr *w);

#endif
