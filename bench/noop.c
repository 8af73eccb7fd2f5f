// SPDX-License-Identifier: GPL-2.0
/*
 * noop - does nothing: the start-up of a dynamically linked program.
 * Built twice (bench/Makefile): `noop` against libc alone, and
 * `noop_nsbox_libs` against every library the nsbox tool loads (its
 * DT_NEEDED list), so that bench/guest.sh can split `nsbox --version`
 * into exec, loading those libraries, and nsbox's own start.
 */
int main(void)
{
	return 0;
}
