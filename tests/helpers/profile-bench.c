/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* profile-bench N: N getppid() syscalls (the null-syscall loop of bench/profile). */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;

	for (long i = 0; i < n; i++)
		(void)syscall(SYS_getppid);
	return 0;
}
