// SPDX-License-Identifier: GPL-2.0
/* 5.12+: file_open_root() takes a struct path, not a dentry and a mount */
#include <linux/fs.h>

struct file *nsbox_probe(const struct path *root);
struct file *nsbox_probe(const struct path *root)
{
	return file_open_root(root, "x", O_RDONLY, 0);
}
