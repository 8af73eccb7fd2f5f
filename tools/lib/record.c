// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - records: one description, a text line or a JSON object (see record.h). */
#include <inttypes.h>
#include <string.h>

#include "err.h"
#include "record.h"
#include "table.h"

/* Escaped, a value can grow 4 times (\xNN); a path is up to 4096 bytes. */
#define VAL_MAX 4096
#define ESC_MAX (4 * VAL_MAX + 1)

static bool has_field(const struct nsbox_rec_field *f, unsigned int variant)
{
	return !f->when || (variant < 32 && (f->when & (1u << variant)));
}

static bool get_value(const struct nsbox_record *r, const void *rec,
		      const struct nsbox_rec_field *f, struct nsbox_rec_val *v)
{
	const char *p = (const char *)rec + f->off;

	memset(v, 0, sizeof(*v));
	if (r->get)
		return r->get(rec, f, v);
	switch (f->type) {
	case NSBOX_REC_U64: memcpy(&v->u, p, sizeof(v->u)); break;
	case NSBOX_REC_S64: memcpy(&v->i, p, sizeof(v->i)); break;
	case NSBOX_REC_STR: memcpy(&v->s, p, sizeof(v->s)); break;
	case NSBOX_REC_BOOL: memcpy(&v->b, p, sizeof(v->b)); break;
	case NSBOX_REC_RECORDS: memcpy(&v->list, p, sizeof(v->list)); break;
	default: return false;	/* MAP and LIST need a get() */
	}
	return true;
}

static json_object *value_json(const struct nsbox_rec_field *f,
			       const struct nsbox_rec_val *v)
{
	json_object *o;

	switch (f->type) {
	case NSBOX_REC_U64: return json_object_new_uint64(v->u);
	case NSBOX_REC_S64: return json_object_new_int64(v->i);
	case NSBOX_REC_STR: return json_object_new_string(v->s ? v->s : "");
	case NSBOX_REC_BOOL: return json_object_new_boolean(v->b);
	case NSBOX_REC_MAP:
		o = json_object_new_object();
		for (size_t i = 0; o && i < v->n; i++)
			json_object_object_add(o, v->names[i], json_object_new_uint64(v->nums[i]));
		return o;
	case NSBOX_REC_LIST:
		o = json_object_new_array();
		for (size_t i = 0; o && i < v->n; i++)
			json_object_array_add(o, json_object_new_string(v->names[i]));
		return o;
	case NSBOX_REC_RECORDS:
		o = json_object_new_array();
		for (size_t i = 0; o && i < v->list.n; i++)
			json_object_array_add(o, nsbox_record_json(f->sub,
				(const char *)v->list.items + i * v->list.size, 0));
		return o;
	}
	return NULL;
}

json_object *nsbox_record_json(const struct nsbox_record *r, const void *rec,
			       unsigned int variant)
{
	json_object *o = json_object_new_object();

	if (!o)
		nsbox_die(NSBOX_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < r->nfields; i++) {
		const struct nsbox_rec_field *f = &r->fields[i];
		struct nsbox_rec_val v;

		if (has_field(f, variant) && get_value(r, rec, f, &v))
			json_object_object_add(o, f->key, value_json(f, &v));
	}
	return o;
}

/* The default text of a value (before escaping). */
static const char *value_text(const struct nsbox_rec_field *f,
			      const struct nsbox_rec_val *v, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	switch (f->type) {
	case NSBOX_REC_U64: snprintf(buf, len, "%" PRIu64, v->u); break;
	case NSBOX_REC_S64: snprintf(buf, len, "%" PRId64, v->i); break;
	case NSBOX_REC_STR: return v->s ? v->s : "?";
	case NSBOX_REC_MAP:
	case NSBOX_REC_LIST:
		for (size_t i = 0; i < v->n && off < len; i++) {
			if (f->type == NSBOX_REC_MAP)
				off += snprintf(buf + off, len - off, "%s%s=%" PRIu64,
						i ? "," : "", v->names[i], v->nums[i]);
			else
				off += snprintf(buf + off, len - off, "%s%s",
						i ? "," : "", v->names[i]);
		}
		break;
	default:
		break;
	}
	return buf;
}

/* One field's fragment, after a space unless it is the line's first; a
 * fragment that comes out empty is left out. */
static void field_text(const struct nsbox_rec_field *f, const void *rec,
		       const struct nsbox_rec_val *v, bool *first, FILE *out)
{
	char buf[VAL_MAX + ESC_MAX], frag[ESC_MAX + 256];
	const char *s;

	if (f->type == NSBOX_REC_BOOL) {
		s = f->text ? f->text : f->key;
	} else {
		s = f->fmt ? f->fmt(rec, v, buf, VAL_MAX) : value_text(f, v, buf, VAL_MAX);
		s = nsbox_escape(s, buf + VAL_MAX, ESC_MAX);
		if (f->text)
			snprintf(frag, sizeof(frag), f->text, s);
		else
			snprintf(frag, sizeof(frag), "%s=%s", f->key, s);
		s = frag;
	}
	if (!s[0])
		return;
	if (!*first)
		fputc(' ', out);
	*first = false;
	fputs(s, out);
}

/* Is @f on the text line, in pass @lead (0: the fields without a lead)? */
static bool on_line(const struct nsbox_rec_field *f, unsigned int lead)
{
	return f->lead == lead && f->type != NSBOX_REC_RECORDS &&
	       !(f->text && !f->text[0]);
}

void nsbox_record_text(const struct nsbox_record *r, const void *rec,
		       unsigned int variant, FILE *out)
{
	unsigned int max_lead = 0;
	bool first = true;

	for (size_t i = 0; i < r->nfields; i++)
		if (r->fields[i].lead > max_lead)
			max_lead = r->fields[i].lead;
	if (r->indent)
		fputs(r->indent, out);
	/* leads 1..max first, then pass 0: everything else */
	for (unsigned int pass = 1; pass <= max_lead + 1; pass++) {
		unsigned int lead = pass <= max_lead ? pass : 0;

		for (size_t i = 0; i < r->nfields; i++) {
			const struct nsbox_rec_field *f = &r->fields[i];
			struct nsbox_rec_val v;

			if (!on_line(f, lead) || !has_field(f, variant) ||
			    !get_value(r, rec, f, &v))
				continue;
			if (f->type == NSBOX_REC_BOOL && !v.b)
				continue;
			field_text(f, rec, &v, &first, out);
		}
	}
	fputc('\n', out);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct nsbox_rec_field *f = &r->fields[i];
		struct nsbox_rec_val v;

		if (f->type != NSBOX_REC_RECORDS || (f->text && !f->text[0]) ||
		    !has_field(f, variant) || !get_value(r, rec, f, &v))
			continue;
		for (size_t k = 0; k < v.list.n; k++)
			nsbox_record_text(f->sub, (const char *)v.list.items + k * v.list.size,
					  0, out);
	}
}

int nsbox_record_print(const struct nsbox_record *r, const void *rec,
		       unsigned int variant, bool json)
{
	if (json) {
		json_object *o = nsbox_record_json(r, rec, variant);

		puts(json_object_to_json_string_ext(o, r->json_flags));
		json_object_put(o);
	} else {
		nsbox_record_text(r, rec, variant, stdout);
	}
	return ferror(stdout) ? NSBOX_EXIT_FAIL : NSBOX_EXIT_OK;
}
