// SPDX-License-Identifier: GPL-2.0
/*
 * The program PID 1 becomes once the box is set up (box/pid1/pid1.c),
 * built by tools/Makefile and embedded here as bytes: init.c writes them
 * to a sealed memfd and execs that, so no file of the host's is needed
 * in the box, or reachable from it, for PID 1 to run.
 */
#include "inside.h"

#ifndef NSBOX_PID1_IMAGE
#error "NSBOX_PID1_IMAGE: the path of box/pid1/nsbox-init (tools/Makefile sets it)"
#endif

__asm__(".section .rodata\n"
	".balign 16\n"
	".global box_pid1_image\n"
	".type box_pid1_image, @object\n"
	"box_pid1_image:\n"
	".incbin \"" NSBOX_PID1_IMAGE "\"\n"
	".global box_pid1_image_end\n"
	"box_pid1_image_end:\n"
	".previous\n");
