/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox tool - error reporting and exit codes.
 *
 * One style everywhere: a message starts with "nsbox: ", says what failed
 * and, when the user can do something about it, what to do.  Commands
 * return an exit code from enum nsbox_exit; nsbox_die() is for the cases
 * where there is nothing to unwind.
 */
#ifndef NSBOX_ERR_H
#define NSBOX_ERR_H

#include <stddef.h>
#include <stdnoreturn.h>

/* Exit codes: distinct so scripts can tell the failures apart. */
enum nsbox_exit {
	NSBOX_EXIT_OK = 0,
	NSBOX_EXIT_FAIL = 1,		/* the operation failed (kernel error, I/O) */
	NSBOX_EXIT_USAGE = 2,		/* bad command line */
	NSBOX_EXIT_NOMODULE = 3,	/* nsbox.ko not loaded */
	NSBOX_EXIT_PERM = 4,		/* not allowed (needs root/capabilities) */
	NSBOX_EXIT_ABI = 5,		/* the module is too old for this request */
};

void nsbox_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void nsbox_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Keep the first nsbox_err()/nsbox_die() message in @buf instead of
 * printing it, until called again with len 0: for code that must report
 * failures some other way (a box's first process: its error pipe).
 */
void nsbox_err_capture(char *buf, size_t len);
/* Print "nsbox: CMD: usage problem; see 'nsbox CMD --help'" and return 2. */
int nsbox_usage_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
