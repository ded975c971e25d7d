/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which syscalls are recorded in detail, what to copy from the tracee for each, and the child
 * launcher both back ends share.  Names are resolved to numbers by libseccomp at run time, so
 * the table is arch-neutral (a name the arch lacks is skipped).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/macro.h"
#include "profile/tracer.h"

#define S1(a)                                    \
	{                                        \
		.detailed = 1, .str = {(a) + 1 } \
	}
#define S2(a, b)                                          \
	{                                                 \
		.detailed = 1, .str = {(a) + 1, (b) + 1 } \
	}
#define SA(a)                                      \
	{                                          \
		.detailed = 1, .sockaddr = (a) + 1 \
	}
#define MEM(a)                                \
	{                                     \
		.detailed = 1, .mem = (a) + 1 \
	}
#define S1MEM(s, m)                                               \
	{                                                         \
		.detailed = 1, .str = { (s) + 1 }, .mem = (m) + 1 \
	}
#define NONE                  \
	{                     \
		.detailed = 1 \
	} /* nothing to copy */
#define FILTER(a, m)                                                     \
	{                                                                \
		.detailed = 1, .filter_arg = (a) + 1, .filter_mask = (m) \
	}

/* PROT_WRITE|PROT_EXEC and PROT_EXEC: only such mappings matter, and mmap is hot. */
#define PROT_WX 0x6
#define PROT_X  0x4

static const struct {
	const char *name;
	struct tev_spec spec;
} detailed[] = {
	/* files */
	{ "open", S1(0) },
	{ "openat", S1(1) },
	{ "openat2", S1MEM(1, 2) },
	{ "creat", S1(0) },
	{ "unlink", S1(0) },
	{ "unlinkat", S1(1) },
	{ "rmdir", S1(0) },
	{ "mkdir", S1(0) },
	{ "mkdirat", S1(1) },
	{ "rename", S2(0, 1) },
	{ "renameat", S2(1, 3) },
	{ "renameat2", S2(1, 3) },
	{ "link", S2(0, 1) },
	{ "linkat", S2(1, 3) },
	{ "symlink", S2(0, 1) },
	{ "symlinkat", S2(0, 2) },
	{ "chmod", S1(0) },
	{ "fchmod", NONE },
	{ "fchmodat", S1(1) },
	{ "fchmodat2", S1(1) },
	{ "chown", S1(0) },
	{ "lchown", S1(0) },
	{ "fchown", NONE },
	{ "fchownat", S1(1) },
	{ "truncate", S1(0) },
	{ "mknod", S1(0) },
	{ "mknodat", S1(1) },
	{ "execve", S1(0) },
	{ "execveat", S1(1) },
	{ "chdir", S1(0) },
	{ "fchdir", NONE },
	{ "dup2", NONE },
	{ "dup3", NONE },
	/* sockets */
	{ "socket", NONE },
	{ "bind", SA(1) },
	{ "connect", SA(1) },
	{ "listen", NONE },
	/* namespaces, processes */
	{ "clone", NONE },
	{ "clone3", MEM(0) },
	{ "unshare", NONE },
	{ "setns", NONE },
	{ "personality", NONE },
	{ "sched_setscheduler", NONE },
	{ "sched_setattr", MEM(1) },
	{ "setuid", NONE },
	{ "setgid", NONE },
	{ "setreuid", NONE },
	{ "setregid", NONE },
	{ "setresuid", NONE },
	{ "setresgid", NONE },
	{ "setfsuid", NONE },
	{ "setfsgid", NONE },
	{ "setgroups", NONE },
	/* system-wide state */
	{ "mount", S2(0, 1) },
	{ "umount2", S1(0) },
	{ "pivot_root", S2(0, 1) },
	{ "move_mount", S2(1, 3) },
	{ "fsopen", S1(0) },
	{ "fsmount", NONE },
	{ "open_tree", S1(1) },
	{ "mount_setattr", S1(1) },
	{ "init_module", NONE },
	{ "finit_module", NONE },
	{ "delete_module", S1(0) },
	{ "kexec_load", NONE },
	{ "kexec_file_load", NONE },
	{ "reboot", NONE },
	{ "settimeofday", NONE },
	{ "clock_settime", NONE },
	{ "clock_adjtime", MEM(1) },
	{ "adjtimex", MEM(0) },
	{ "sethostname", S1(0) },
	{ "setdomainname", S1(0) },
	{ "syslog", NONE },
	{ "add_key", S1(0) },
	{ "request_key", S1(0) },
	{ "keyctl", NONE },
	{ "ptrace", NONE },
	{ "kill", NONE },
	{ "tkill", NONE },
	{ "tgkill", NONE },
	{ "rt_sigqueueinfo", NONE },
	{ "rt_tgsigqueueinfo", NONE },
	{ "pidfd_send_signal", NONE },
	{ "mlock", NONE },
	{ "mlock2", NONE },
	{ "mlockall", NONE },
	{ "bpf", NONE },
	{ "perf_event_open", NONE },
	{ "mmap", FILTER(2, PROT_WX) },
	{ "mprotect", FILTER(2, PROT_X) },
	{ "pkey_mprotect", FILTER(2, PROT_X) },
	{ "shmat", NONE },
};

static struct tev_spec specs[TEV_NR_MAX];
static const char *names[TEV_NR_MAX];
static pthread_once_t specs_once = PTHREAD_ONCE_INIT;

static void specs_init(void)
{
	for (size_t i = 0; i < ELEMENTSOF(detailed); i++) {
		int nr = seccomp_syscall_resolve_name(detailed[i].name);

		if (nr >= 0 && nr < TEV_NR_MAX)
			specs[nr] = detailed[i].spec;
	}
	for (int nr = 0; nr < TEV_NR_MAX; nr++) {
		/* libseccomp returns a heap string; these live for the process. */
		char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);

		names[nr] = n;
	}
}

int trace_spec_for(long nr, struct tev_spec *ret)
{
	(void)pthread_once(&specs_once, specs_init);
	if (nr < 0 || nr >= TEV_NR_MAX || !specs[nr].detailed)
		return 0;
	*ret = specs[nr];
	return 1;
}

const char *trace_syscall_name(long nr)
{
	(void)pthread_once(&specs_once, specs_init);
	return nr >= 0 && nr < TEV_NR_MAX ? names[nr] : NULL;
}

/*
 * The child: wait for the go byte, run PRE, exec.  A failure is reported as an int errno on
 * the control socket, which the successful exec closes (SOCK_CLOEXEC).
 */
int trace_child_spawn(char **argv, int (*pre)(void *userdata), void *userdata, pid_t *ret_pid,
		      int *ret_ctl)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(sv[0]);
		close(sv[1]);
		return r;
	}
	if (pid == 0) {
		char c;
		int e;

		close(sv[0]);
		/* Die with the tracer rather than run on untraced. */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (read(sv[1], &c, 1) != 1)
			_exit(127);
		e = pre ? pre(userdata) : 0;
		if (e >= 0) {
			execvp(argv[0], argv);
			e = -errno;
		}
		e = -e;
		(void)!write(sv[1], &e, sizeof(e));
		_exit(127);
	}
	close(sv[1]);
	*ret_pid = pid;
	*ret_ctl = sv[0];
	return 0;
}

int trace_child_release(int ctl)
{
	return write(ctl, "g", 1) == 1 ? 0 : -errno;
}

int trace_child_result(int ctl, bool wait)
{
	int e = 0;
	ssize_t n = recv(ctl, &e, sizeof(e), wait ? 0 : MSG_DONTWAIT);

	if (n == sizeof(e) && e > 0)
		return -e;
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -EAGAIN;
	return 0;
}
