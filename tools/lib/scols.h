/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - libsmartcols, opened with dlopen() when first called.
 *
 * libsmartcols prints the tables that go to a terminal (it fits them to
 * its width); everything else is printed by tablewr.c.  Linked, it cost
 * every command's start-up ~240,000 instructions (its ~260 symbol
 * relocations, bound at load): about half of `nsbox --version`.  Include
 * this after <libsmartcols/libsmartcols.h> and call the functions by
 * their names: the macros below send the calls through the table, which
 * the first call fills (lib/dlopen.h).  A function not listed here does
 * not link: add it to the list and give it its macro.
 */
#ifndef NSBOX_SCOLS_H
#define NSBOX_SCOLS_H

#include <libsmartcols/libsmartcols.h>

#define NSBOX_SCOLS_FUNCS(X) \
	X(scols_new_table) X(scols_unref_table) X(scols_print_table) \
	X(scols_table_enable_json) X(scols_table_enable_raw) X(scols_table_enable_noheadings) \
	X(scols_table_set_name) X(scols_table_set_stream) X(scols_table_set_termforce) \
	X(scols_table_new_column) X(scols_column_set_json_type) X(scols_table_new_line) \
	X(scols_table_remove_lines) X(scols_line_set_data) X(scols_line_refer_data)

#define NSBOX_SCOLS_FIELD(f) __typeof__(f) *f;
struct nsbox_scols { NSBOX_SCOLS_FUNCS(NSBOX_SCOLS_FIELD) };
#undef NSBOX_SCOLS_FIELD

/* The table, filled; if libsmartcols cannot be opened, what to install and
 * exit NSBOX_EXIT_FAIL. */
const struct nsbox_scols *nsbox_scols(void);

#ifndef NSBOX_SCOLS_NO_REDIRECT	/* scols.c: it resolves the real names */
#define scols_new_table (nsbox_scols()->scols_new_table)
#define scols_unref_table (nsbox_scols()->scols_unref_table)
#define scols_print_table (nsbox_scols()->scols_print_table)
#define scols_table_enable_json (nsbox_scols()->scols_table_enable_json)
#define scols_table_enable_raw (nsbox_scols()->scols_table_enable_raw)
#define scols_table_enable_noheadings (nsbox_scols()->scols_table_enable_noheadings)
#define scols_table_set_name (nsbox_scols()->scols_table_set_name)
#define scols_table_set_stream (nsbox_scols()->scols_table_set_stream)
#define scols_table_set_termforce (nsbox_scols()->scols_table_set_termforce)
#define scols_table_new_column (nsbox_scols()->scols_table_new_column)
#define scols_column_set_json_type (nsbox_scols()->scols_column_set_json_type)
#define scols_table_new_line (nsbox_scols()->scols_table_new_line)
#define scols_table_remove_lines (nsbox_scols()->scols_table_remove_lines)
#define scols_line_set_data (nsbox_scols()->scols_line_set_data)
#define scols_line_refer_data (nsbox_scols()->scols_line_refer_data)
#endif

#endif
