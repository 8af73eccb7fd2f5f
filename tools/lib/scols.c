// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - libsmartcols, opened with dlopen() when first called (see scols.h). */
#define NSBOX_SCOLS_NO_REDIRECT
#include <stdlib.h>

#include "dlopen.h"
#include "err.h"
#include "scols.h"
#include "util.h"

#ifndef DL_SONAME_SCOLS
#error "build with tools/Makefile: it gives libsmartcols' soname (DL_SONAME_SCOLS)"
#endif

#define SCOLS_WHAT "tables on a terminal"

NSBOX_DLOPEN_NOTE(note_scols, "tables", SCOLS_WHAT, "required", DL_SONAME_SCOLS);

static struct nsbox_scols scols;
#define SCOLS_SYM(f) NSBOX_DL_SYM(struct nsbox_scols, f)
static const struct nsbox_dl_sym syms[] = { NSBOX_SCOLS_FUNCS(SCOLS_SYM) };
static struct nsbox_dl_lib lib = {
	DL_SONAME_SCOLS, DL_PACKAGE_SCOLS, SCOLS_WHAT, syms, ARRAY_SIZE(syms), &scols, false
};

const struct nsbox_scols *nsbox_scols(void)
{
	if (!lib.open && nsbox_dl_open(&lib))
		exit(NSBOX_EXIT_FAIL);
	return &scols;
}
