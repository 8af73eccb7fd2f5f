// SPDX-License-Identifier: GPL-2.0
/* 5.11+: a kretprobe instance no longer points at its kretprobe (ri->rp) */
#include <linux/kprobes.h>

struct kretprobe *nsbox_probe(struct kretprobe_instance *ri);
struct kretprobe *nsbox_probe(struct kretprobe_instance *ri)
{
	return get_kretprobe(ri);
}
