/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - records: one description of a record's fields, from which
 * both its text line and its JSON object are made, so the two cannot
 * drift apart.  For what is printed one line at a time (events as they
 * come, the lines of a report) rather than as a table (table.h).
 *
 * Text: the fields' fragments on one line, separated by a space: first
 * the "lead" fields (lead 1, 2, ...), then the others in their order.  A
 * fragment is "key=VALUE" unless the field's text template says
 * otherwise; every VALUE goes through nsbox_escape().  JSON: one object,
 * keys in the fields' order, built with json-c (which escapes exactly).
 */
#ifndef NSBOX_RECORD_H
#define NSBOX_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

enum nsbox_rec_type {
	NSBOX_REC_U64,
	NSBOX_REC_S64,
	NSBOX_REC_STR,		/* NULL: unknown ("?" in text, "" in JSON) */
	NSBOX_REC_BOOL,		/* text: the key (or template) if true, else nothing */
	NSBOX_REC_MAP,		/* names -> u64: a JSON object; text name=N,... */
	NSBOX_REC_LIST,		/* names: a JSON array; text a,b,... */
	NSBOX_REC_RECORDS,	/* records of field->sub: a JSON array of objects;
				 * text one line each, after this record's line */
};

#define NSBOX_REC_MAX_ITEMS 16

/* The items of a NSBOX_REC_RECORDS field, as a struct holds them. */
struct nsbox_rec_list {
	const void *items;
	size_t n, size;		/* count, and the size of one item */
};

struct nsbox_rec_val {
	uint64_t u;		/* U64 */
	int64_t i;		/* S64 */
	bool b;			/* BOOL */
	const char *s;		/* STR */
	size_t n;		/* MAP, LIST: items */
	const char *names[NSBOX_REC_MAX_ITEMS];
	uint64_t nums[NSBOX_REC_MAX_ITEMS];	/* MAP */
	struct nsbox_rec_list list;		/* RECORDS */
};

struct nsbox_record;

struct nsbox_rec_field {
	const char *key;		/* JSON key; "key=" in text */
	enum nsbox_rec_type type;
	unsigned int when;		/* variants that have it (bit v); 0: all */
	/*
	 * Text form: NULL "key=VALUE"; "" none (JSON only); else a printf
	 * template with one %s for VALUE, e.g. "%-11s" or "walked %s tasks,".
	 */
	const char *text;
	unsigned char lead;		/* text: printed first, in lead order (1, 2, ...) */
	/* text VALUE instead of the default rendering (still escaped) */
	const char *(*fmt)(const void *rec, const struct nsbox_rec_val *v,
			   char *buf, size_t len);
	const struct nsbox_record *sub;	/* RECORDS: the items' description */
	size_t off;			/* without get(): the value is at rec + off */
	int attr;			/* the caller's, for its get() */
	int arg;			/* the caller's, for its get() */
};

struct nsbox_record {
	const struct nsbox_rec_field *fields;
	size_t nfields;
	/*
	 * Fill @v for @f; false if the record has no such value (then the
	 * field is in neither form).  NULL: the value is a uint64_t,
	 * int64_t, const char *, bool or struct nsbox_rec_list at rec + off.
	 */
	bool (*get)(const void *rec, const struct nsbox_rec_field *f,
		    struct nsbox_rec_val *v);
	const char *indent;		/* text: before each line */
	int json_flags;			/* JSON_C_TO_STRING_* for print() */
};

/* The JSON object of @rec (variant @variant); the caller owns it. */
json_object *nsbox_record_json(const struct nsbox_record *r, const void *rec,
			       unsigned int variant);
/* Its text line (and the lines of its RECORDS fields) to @out. */
void nsbox_record_text(const struct nsbox_record *r, const void *rec,
		       unsigned int variant, FILE *out);
/* One or the other on stdout; returns an enum nsbox_exit code. */
int nsbox_record_print(const struct nsbox_record *r, const void *rec,
		       unsigned int variant, bool json);

#endif
