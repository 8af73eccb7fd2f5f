/* SPDX-License-Identifier: GPL-2.0 */
/* ADOPT every namespace kept by a mount or an open file (nl/adopt.c). */
#ifndef NSBOX_NL_ADOPT_H
#define NSBOX_NL_ADOPT_H

#include <stddef.h>

struct nsbox_nl;

/* 0 or an enum nsbox_exit code (the error printed); @adopted: how many */
int nsbox_adopt_all(struct nsbox_nl *nl, int verbose, int best_effort, size_t *adopted);

#endif
