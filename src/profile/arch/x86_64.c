/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x86_64 registers for the ptrace back end (strace's get_scno.c, reduced): the syscall number
 * is orig_rax, arguments rdi rsi rdx r10 r8 r9, the return value rax.  A tracee running in
 * 32-bit mode (cs 0x23) is reported as not native: its numbers are another table.
 */
#if defined(__x86_64__)
#	include <errno.h>
#	include <sys/ptrace.h>
#	include <sys/user.h>

#	include "profile/tracer.h"

static int get_regs(pid_t tid, struct user_regs_struct *regs)
{
	return ptrace(PTRACE_GETREGS, tid, 0, regs) < 0 ? -errno : 0;
}

int arch_get_syscall(pid_t tid, long *ret_nr, unsigned long long args[6])
{
	struct user_regs_struct regs;
	int r = get_regs(tid, &regs);

	if (r < 0)
		return r;
	*ret_nr = (long)regs.orig_rax;
	args[0] = regs.rdi;
	args[1] = regs.rsi;
	args[2] = regs.rdx;
	args[3] = regs.r10;
	args[4] = regs.r8;
	args[5] = regs.r9;
	return 0;
}

int arch_get_return(pid_t tid, long long *ret)
{
	struct user_regs_struct regs;
	int r = get_regs(tid, &regs);

	if (r < 0)
		return r;
	*ret = (long long)regs.rax;
	return 0;
}

int arch_is_native(pid_t tid)
{
	struct user_regs_struct regs;
	int r = get_regs(tid, &regs);

	return r < 0 ? r : regs.cs == 0x33;
}
#endif
