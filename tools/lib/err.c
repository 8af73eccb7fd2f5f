// SPDX-License-Identifier: GPL-2.0
/* nsbox tool - error reporting (see err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"

static char *capture_buf;
static size_t capture_len;

void nsbox_err_capture(char *buf, size_t len)
{
	capture_buf = len ? buf : NULL;
	capture_len = len;
	if (capture_buf)
		capture_buf[0] = '\0';
}

static void vreport(const char *fmt, va_list ap)
{
	if (capture_buf) {
		/* the first message: the cause; later ones follow from it */
		if (!capture_buf[0])
			vsnprintf(capture_buf, capture_len, fmt, ap);
		return;
	}
	fflush(stdout);
	fputs("nsbox: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void nsbox_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
}

noreturn void nsbox_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap);
	va_end(ap);
	exit(status);
}

int nsbox_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "nsbox: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see 'nsbox %s --help'\n", cmd);
	return NSBOX_EXIT_USAGE;
}
