/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nsbox release, shared by the module (MODULE_VERSION, GET_INFO) and
 * the tool (nsbox --version): one place to bump.
 */
#ifndef _NSBOX_VERSION_H
#define _NSBOX_VERSION_H

#define NSBOX_VERSION "0.1.0"

#endif /* _NSBOX_VERSION_H */
