// SPDX-License-Identifier: GPL-2.0
/*
 * nsbox tool - the direct table writer (see tablewr.h).
 *
 * Byte for byte what libsmartcols 2.38 (util-linux) prints when the
 * output is not a terminal, as tests/unit/output_test.c checks on hostile
 * strings, for each of its formats:
 *  - text: a cell is "safe-encoded" -- a control byte, a byte >= 0x80 (the
 *    tool runs in the C locale) and a backslash before an 'x' become
 *    \xNN; a column is as wide as its widest cell or heading (at least
 *    1); right-aligned cells are padded on the left, the others on the
 *    right except in the last column; one space between columns; no
 *    heading and no line at all for a table without rows;
 *  - raw (-r): no alignment; blanks, backslashes and every byte that is
 *    not printable ASCII become \xNN;
 *  - JSON: {"NAME": [{...},{...}]} indented by three spaces a level,
 *    objects joined by "},{", keys in lower case, an empty cell null, a
 *    number column's text as it is, strings with ", \ and control bytes
 *    escaped (\b \t \n \f \r, else \u00NN) and every other byte as it is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tablewr.h"

/* the buffer's calls (wbuf.h), by short names */
#define reserve nsbox_wbuf_reserve
#define put nsbox_wbuf_put
#define put_char nsbox_wbuf_putc
#define PUTS NSBOX_WBUF_PUTS
#define dec_len nsbox_dec_len
#define dec_put nsbox_dec_put

static const char hex[] = "0123456789abcdef";

static inline void put_hex(struct nsbox_wbuf *b, unsigned char c)
{
	char x[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

	put(b, x, 4);
}

/* text: libsmartcols' mbs_safe_encode_to_buffer() in the C locale */
static void put_safe(struct nsbox_wbuf *b, const char *s, size_t n)
{
	size_t i = 0;

	reserve(b, n);
	while (i < n) {
		size_t j = i;

		while (j < n) {
			unsigned char c = (unsigned char)s[j];

			if (c < 0x20 || c >= 0x7f || (c == '\\' && j + 1 < n && s[j + 1] == 'x'))
				break;
			j++;
		}
		put(b, s + i, j - i);
		if (j < n)
			put_hex(b, (unsigned char)s[j++]);
		i = j;
	}
}

/* raw: libsmartcols' fputs_nonblank() in the C locale */
static void put_nonblank(struct nsbox_wbuf *b, const char *s, size_t n)
{
	reserve(b, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\')
			put_hex(b, c);
		else
			b->p[b->len++] = (char)c;
	}
}

/* JSON: libsmartcols' fputs_quoted_case_json(); @lower for keys */
static void put_json_string(struct nsbox_wbuf *b, const char *s, size_t n, bool lower)
{
	put_char(b, '"');
	reserve(b, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			put(b, e, 2);
		} else if (c >= 0x20) {
			put_char(b, (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c));
		} else {
			switch (c) {
			case '\b': PUTS(b, "\\b"); break;
			case '\t': PUTS(b, "\\t"); break;
			case '\n': PUTS(b, "\\n"); break;
			case '\f': PUTS(b, "\\f"); break;
			case '\r': PUTS(b, "\\r"); break;
			default: {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

				put(b, u, 6);
			}
			}
		}
	}
	put_char(b, '"');
}

void nsbox_wr_init(struct nsbox_wr *w, enum nsbox_wr_mode mode, bool noheadings,
		   const char *json_name)
{
	memset(w, 0, sizeof(*w));
	w->mode = mode;
	w->noheadings = noheadings;
	if (mode == NSBOX_WR_JSON) {
		PUTS(&w->out, "{\n   ");
		put_json_string(&w->out, json_name, strlen(json_name), true);
		PUTS(&w->out, ": [\n");
		w->start = w->out.len;
	}
}

void nsbox_wr_column(struct nsbox_wr *w, const char *head, bool right, bool number)
{
	struct nsbox_wcol *c = &w->c[w->ncols];
	size_t n = strlen(head);

	if (w->ncols >= NSBOX_WR_MAX_COLS)
		nsbox_die(NSBOX_EXIT_FAIL, "too many columns");
	w->ncols++;
	c->right = right;
	c->number = number;
	switch (w->mode) {
	case NSBOX_WR_JSON:
		/* every key but the first ends the cell before it */
		if (w->ncols > 1)
			PUTS(&c->key, ",\n");
		PUTS(&c->key, "         ");
		put_json_string(&c->key, head, n, true);
		PUTS(&c->key, ": ");
		memcpy(c->key_fast, c->key.p, c->key.len < NSBOX_WR_KEY_FAST ? c->key.len
										: NSBOX_WR_KEY_FAST);
		break;
	case NSBOX_WR_RAW:
		put_nonblank(&c->head, head, n);
		break;
	case NSBOX_WR_TEXT:
		put_safe(&c->head, head, n);
		c->width = c->head.len ? c->head.len : 1;
		break;
	}
}

void nsbox_wr_row_begin(struct nsbox_wr *w)
{
	w->col = 0;
	if (w->mode == NSBOX_WR_JSON) {
		if (w->rows)
			PUTS(&w->out, ",{\n");
		else
			PUTS(&w->out, "      {\n");
	} else if (w->mode == NSBOX_WR_RAW && !w->rows && !w->noheadings) {
		/* the heading, before the first row only: none without rows */
		for (size_t i = 0; i < w->ncols; i++) {
			if (i)
				put_char(&w->out, ' ');
			put(&w->out, w->c[i].head.p, w->c[i].head.len);
		}
		put_char(&w->out, '\n');
	}
}

/* Text: the cell of column @i now in @cells from @off on. */
static inline void text_cell_done(struct nsbox_wr *w, size_t i, size_t off)
{
	size_t n = w->cells.len - off;

	if (w->ncells == w->capcells) {
		size_t cap = w->capcells ? w->capcells * 2 : 1024;
		void *p = realloc(w->cell, cap * sizeof(*w->cell));

		if (!p)
			nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
		w->cell = p;
		w->capcells = cap;
	}
	w->cell[w->ncells][0] = (uint32_t)off;
	w->cell[w->ncells][1] = (uint32_t)n;
	if (n > w->c[i].width)
		w->c[i].width = n;
	w->ncells++;
}

void nsbox_wr_cell(struct nsbox_wr *w, const char *s, size_t len)
{
	size_t i = w->col++;

	if (!s)
		len = 0;
	switch (w->mode) {
	case NSBOX_WR_JSON:
		put(&w->out, w->c[i].key.p, w->c[i].key.len);
		if (!len)
			PUTS(&w->out, "null");
		else if (w->c[i].number)
			put(&w->out, s, len);
		else
			put_json_string(&w->out, s, len, false);
		break;
	case NSBOX_WR_RAW:
		if (i)
			put_char(&w->out, ' ');
		put_nonblank(&w->out, s, len);
		break;
	case NSBOX_WR_TEXT: {
		size_t off = w->cells.len;

		put_safe(&w->cells, s, len);
		text_cell_done(w, i, off);
		break;
	}
	}
}

void nsbox_wr_cell_u64(struct nsbox_wr *w, uint64_t v)
{
	size_t i, n, off;
	struct nsbox_wbuf *b;

	if (w->mode == NSBOX_WR_JSON) {
		nsbox_wr_json_u64(w, v);
		return;
	}
	i = w->col++;
	n = dec_len(v);
	b = w->mode == NSBOX_WR_TEXT ? &w->cells : &w->out;
	reserve(b, 1 + n);
	if (w->mode == NSBOX_WR_RAW && i)
		b->p[b->len++] = ' ';
	off = b->len;
	dec_put(b->p + off + n, v);
	b->len += n;
	if (w->mode == NSBOX_WR_TEXT)
		text_cell_done(w, i, off);
}

#define STREAM_CHUNK 65536

/* What @out holds so far, to the stream. */
static void stream_out(struct nsbox_wr *w)
{
	if (!w->stream_err && fwrite(w->out.p, 1, w->out.len, w->stream) != w->out.len)
		w->stream_err = true;
	w->out.len = 0;
	w->streamed = true;
}

void nsbox_wr_row_end(struct nsbox_wr *w)
{
	while (w->col < w->ncols)
		nsbox_wr_cell(w, NULL, 0);
	if (w->mode == NSBOX_WR_JSON)
		PUTS(&w->out, "\n      }");
	else if (w->mode == NSBOX_WR_RAW)
		put_char(&w->out, '\n');
	w->rows++;
	if (w->stream && w->out.len >= STREAM_CHUNK)
		stream_out(w);
}

void nsbox_wr_stream(struct nsbox_wr *w, FILE *out)
{
	if (w->mode != NSBOX_WR_TEXT)
		w->stream = out;
}

void nsbox_wr_restart(struct nsbox_wr *w)
{
	if (w->streamed)
		nsbox_die(NSBOX_EXIT_FAIL, "internal error: a table restarted after it was printed");
	w->rows = 0;
	w->out.len = w->start;
	w->cells.len = 0;
	w->ncells = 0;
	for (size_t i = 0; w->mode == NSBOX_WR_TEXT && i < w->ncols; i++)
		w->c[i].width = w->c[i].head.len ? w->c[i].head.len : 1;
}

#define FIXED 32	/* short copies as this many fixed bytes (no call) */
static const char spaces[FIXED + 1] = "                                ";

static inline char *put_pad(char *o, size_t n)
{
	if (n <= FIXED)
		memcpy(o, spaces, FIXED);
	else
		memset(o, ' ', n);
	return o + n;
}

/*
 * One aligned cell of column @i at @o, in room the caller made (FIXED
 * bytes more than it takes); libsmartcols' print_data().  @slack: @s
 * has FIXED readable bytes past its start.  Returns the cell's end.
 */
static char *put_aligned(const struct nsbox_wr *w, size_t i, char *o,
			 const char *s, size_t len, bool slack)
{
	const struct nsbox_wcol *c = &w->c[i];
	size_t pad = c->width - len;

	if (len && c->right) {
		o = put_pad(o, pad);
		pad = 0;
	}
	if (slack && len <= FIXED)
		memcpy(o, s, FIXED);
	else
		memcpy(o, s, len);
	o += len;
	if (i + 1 == w->ncols)
		return o;	/* the last column is not filled */
	o = put_pad(o, pad);
	*o++ = ' ';
	return o;
}

int nsbox_wr_finish(struct nsbox_wr *w, FILE *out)
{
	if (w->mode == NSBOX_WR_JSON) {
		PUTS(&w->out, "\n   ]\n}\n");
	} else if (w->mode == NSBOX_WR_TEXT && w->ncells) {
		size_t k = 0, line = 1;
		char *o;

		for (size_t i = 0; i < w->ncols; i++)
			line += w->c[i].width + 1;
		/* every line at most @line bytes, and room for a fixed copy */
		reserve(&w->out, (w->rows + 1) * line + FIXED);
		reserve(&w->cells, FIXED);
		o = w->out.p + w->out.len;
		if (!w->noheadings) {
			for (size_t i = 0; i < w->ncols; i++)
				o = put_aligned(w, i, o, w->c[i].head.p, w->c[i].head.len, false);
			*o++ = '\n';
		}
		for (size_t r = 0; r < w->rows; r++) {
			for (size_t i = 0; i < w->ncols; i++, k++)
				o = put_aligned(w, i, o, w->cells.p + w->cell[k][0], w->cell[k][1], true);
			*o++ = '\n';
		}
		w->out.len = (size_t)(o - w->out.p);
	}
	if (w->stream_err)
		return -1;
	if (!w->out.len)
		return fflush(out) ? -1 : 0;
	if (fwrite(w->out.p, 1, w->out.len, out) != w->out.len || fflush(out))
		return -1;
	return 0;
}

void nsbox_wr_free(struct nsbox_wr *w)
{
	for (size_t i = 0; i < w->ncols; i++) {
		free(w->c[i].head.p);
		free(w->c[i].key.p);
	}
	free(w->out.p);
	free(w->cells.p);
	free(w->cell);
	memset(w, 0, sizeof(*w));
}
