// SPDX-License-Identifier: GPL-2.0
/*
 * sysinfo32 - sysinfo(2) through the 32-bit system call (int $0x80, the
 * i386 ABI: compat_sys_sysinfo on a 64-bit kernel), without a C library
 * (none for i386 is needed to build it).  Prints "TOTALRAM FREERAM
 * TOTALSWAP PROCS LOAD1 UPTIME" in bytes (loads x 65536), like box_helper
 * sysinfo, and exits 0; 2 if the call fails.
 */
struct sysinfo32 {
	int uptime;
	unsigned int loads[3];
	unsigned int totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned int totalhigh, freehigh, mem_unit;
	char f[8];
};

static long sys32(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

static char *put(char *p, unsigned long long v)
{
	char d[24];
	int n = 0;

	do
		d[n++] = '0' + v % 10;
	while ((v /= 10));
	while (n)
		*p++ = d[--n];
	*p++ = ' ';
	return p;
}

void _start(void)
{
	struct sysinfo32 si;
	char out[200], *p = out;
	unsigned long long u;

	if (sys32(116, (long)&si, 0, 0))
		sys32(1, 2, 0, 0);
	u = si.mem_unit;
	p = put(p, si.totalram * u);
	p = put(p, si.freeram * u);
	p = put(p, si.totalswap * u);
	p = put(p, si.procs);
	p = put(p, si.loads[0]);
	p = put(p, (unsigned long long)si.uptime);
	p[-1] = '\n';
	sys32(4, 1, (long)out, p - out);
	sys32(1, 0, 0, 0);
	for (;;)
		;
}
