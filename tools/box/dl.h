/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbox boxes - the libraries only boxes use, called through dlopen()
 * (dl.c says why).
 *
 * net.c, nft.c and sec.c include this after the libraries' own headers
 * and call the functions by their names, as if linked: the macros below
 * turn each call into one through its library's table, which the first
 * call opens.  A function of these libraries that is not listed here does
 * not link (the libraries are not linked): add it to its list and give it
 * its macro.
 */
#ifndef NSBOX_BOX_DL_H
#define NSBOX_BOX_DL_H

#include <errno.h>
#include <stdarg.h>
#include <cap-ng.h>
#include <seccomp.h>
#include <nftables/libnftables.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "box.h"

/* Each library's functions that nsbox calls: X(name) for each. */
#define BOX_DL_CAPNG_FUNCS(X) \
	X(capng_name_to_capability) X(capng_capability_to_name) X(capng_clear) \
	X(capng_update) X(capng_apply)
#define BOX_DL_SECCOMP_FUNCS(X) \
	X(seccomp_init) X(seccomp_release) X(seccomp_load) \
	X(seccomp_syscall_resolve_name) X(seccomp_rule_add_array)
#define BOX_DL_ROUTE_FUNCS(X) \
	X(rtnl_addr_alloc) X(rtnl_addr_put) X(rtnl_addr_set_family) \
	X(rtnl_addr_set_ifindex) X(rtnl_addr_set_local) X(rtnl_addr_add) \
	X(rtnl_link_alloc) X(rtnl_link_put) X(rtnl_link_bridge_alloc) \
	X(rtnl_link_veth_alloc) X(rtnl_link_veth_get_peer) X(rtnl_link_add) \
	X(rtnl_link_change) X(rtnl_link_delete) X(rtnl_link_get_kernel) \
	X(rtnl_link_get_flags) X(rtnl_link_get_ifindex) X(rtnl_link_set_addr) \
	X(rtnl_link_set_flags) X(rtnl_link_set_master) X(rtnl_link_set_name) \
	X(rtnl_link_set_ns_pid) X(rtnl_route_alloc) X(rtnl_route_put) \
	X(rtnl_route_add) X(rtnl_route_add_nexthop) X(rtnl_route_set_dst) \
	X(rtnl_route_set_family) X(rtnl_route_set_table) X(rtnl_route_nh_alloc) \
	X(rtnl_route_nh_free) X(rtnl_route_nh_set_gateway) X(rtnl_route_nh_set_ifindex)
#define BOX_DL_NFT_FUNCS(X) \
	X(nft_ctx_new) X(nft_ctx_free) X(nft_ctx_buffer_output) X(nft_ctx_buffer_error) \
	X(nft_ctx_get_error_buffer) X(nft_run_cmd_from_buffer)

/* The tables: one pointer per function, of the type its header declares. */
#define BOX_DL_FIELD(f) __typeof__(f) *f;
struct box_dl_capng { BOX_DL_CAPNG_FUNCS(BOX_DL_FIELD) };
struct box_dl_seccomp { BOX_DL_SECCOMP_FUNCS(BOX_DL_FIELD) };
struct box_dl_route { BOX_DL_ROUTE_FUNCS(BOX_DL_FIELD) };
struct box_dl_nft { BOX_DL_NFT_FUNCS(BOX_DL_FIELD) };
#undef BOX_DL_FIELD

/*
 * The library's table, every function in it resolved.  The first call
 * opens the library; if it cannot (not installed, too old), it prints
 * what to install and exits with BOX_EXIT_SETUP.
 */
const struct box_dl_capng *box_dl_capng(void);
const struct box_dl_seccomp *box_dl_seccomp(void);
const struct box_dl_route *box_dl_route(void);
const struct box_dl_nft *box_dl_nft(void);

#ifndef BOX_DL_NO_REDIRECT	/* dl.c: it resolves the real names */
#define capng_name_to_capability (box_dl_capng()->capng_name_to_capability)
#define capng_capability_to_name (box_dl_capng()->capng_capability_to_name)
#define capng_clear (box_dl_capng()->capng_clear)
#define capng_update (box_dl_capng()->capng_update)
#define capng_apply (box_dl_capng()->capng_apply)

#define seccomp_init (box_dl_seccomp()->seccomp_init)
#define seccomp_release (box_dl_seccomp()->seccomp_release)
#define seccomp_load (box_dl_seccomp()->seccomp_load)
#define seccomp_syscall_resolve_name (box_dl_seccomp()->seccomp_syscall_resolve_name)
#define seccomp_rule_add_array (box_dl_seccomp()->seccomp_rule_add_array)

/*
 * seccomp_rule_add(ctx, action, nr, count, SCMP_A0(...), ...): variadic,
 * so not through a pointer: its arguments go to seccomp_rule_add_array(),
 * which it calls itself.  More than 6 (a system call's) is -EINVAL there.
 */
static inline int box_dl_seccomp_rule_add(scmp_filter_ctx ctx, uint32_t action, int nr,
					  unsigned int count, ...)
{
	struct scmp_arg_cmp args[6];
	va_list ap;

	if (count > 6)
		return -EINVAL;
	va_start(ap, count);
	for (unsigned int i = 0; i < count; i++)
		args[i] = va_arg(ap, struct scmp_arg_cmp);
	va_end(ap);
	return seccomp_rule_add_array(ctx, action, nr, count, args);
}
#define seccomp_rule_add box_dl_seccomp_rule_add

#define rtnl_addr_alloc (box_dl_route()->rtnl_addr_alloc)
#define rtnl_addr_put (box_dl_route()->rtnl_addr_put)
#define rtnl_addr_set_family (box_dl_route()->rtnl_addr_set_family)
#define rtnl_addr_set_ifindex (box_dl_route()->rtnl_addr_set_ifindex)
#define rtnl_addr_set_local (box_dl_route()->rtnl_addr_set_local)
#define rtnl_addr_add (box_dl_route()->rtnl_addr_add)
#define rtnl_link_alloc (box_dl_route()->rtnl_link_alloc)
#define rtnl_link_put (box_dl_route()->rtnl_link_put)
#define rtnl_link_bridge_alloc (box_dl_route()->rtnl_link_bridge_alloc)
#define rtnl_link_veth_alloc (box_dl_route()->rtnl_link_veth_alloc)
#define rtnl_link_veth_get_peer (box_dl_route()->rtnl_link_veth_get_peer)
#define rtnl_link_add (box_dl_route()->rtnl_link_add)
#define rtnl_link_change (box_dl_route()->rtnl_link_change)
#define rtnl_link_delete (box_dl_route()->rtnl_link_delete)
#define rtnl_link_get_kernel (box_dl_route()->rtnl_link_get_kernel)
#define rtnl_link_get_flags (box_dl_route()->rtnl_link_get_flags)
#define rtnl_link_get_ifindex (box_dl_route()->rtnl_link_get_ifindex)
#define rtnl_link_set_addr (box_dl_route()->rtnl_link_set_addr)
#define rtnl_link_set_flags (box_dl_route()->rtnl_link_set_flags)
#define rtnl_link_set_master (box_dl_route()->rtnl_link_set_master)
#define rtnl_link_set_name (box_dl_route()->rtnl_link_set_name)
#define rtnl_link_set_ns_pid (box_dl_route()->rtnl_link_set_ns_pid)
#define rtnl_route_alloc (box_dl_route()->rtnl_route_alloc)
#define rtnl_route_put (box_dl_route()->rtnl_route_put)
#define rtnl_route_add (box_dl_route()->rtnl_route_add)
#define rtnl_route_add_nexthop (box_dl_route()->rtnl_route_add_nexthop)
#define rtnl_route_set_dst (box_dl_route()->rtnl_route_set_dst)
#define rtnl_route_set_family (box_dl_route()->rtnl_route_set_family)
#define rtnl_route_set_table (box_dl_route()->rtnl_route_set_table)
#define rtnl_route_nh_alloc (box_dl_route()->rtnl_route_nh_alloc)
#define rtnl_route_nh_free (box_dl_route()->rtnl_route_nh_free)
#define rtnl_route_nh_set_gateway (box_dl_route()->rtnl_route_nh_set_gateway)
#define rtnl_route_nh_set_ifindex (box_dl_route()->rtnl_route_nh_set_ifindex)

#define nft_ctx_new (box_dl_nft()->nft_ctx_new)
#define nft_ctx_free (box_dl_nft()->nft_ctx_free)
#define nft_ctx_buffer_output (box_dl_nft()->nft_ctx_buffer_output)
#define nft_ctx_buffer_error (box_dl_nft()->nft_ctx_buffer_error)
#define nft_ctx_get_error_buffer (box_dl_nft()->nft_ctx_get_error_buffer)
#define nft_run_cmd_from_buffer (box_dl_nft()->nft_run_cmd_from_buffer)
#endif

#endif
