/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "seccomp" back end: the child installs a seccomp filter whose default action is
 * SECCOMP_RET_TRACE, so every syscall stops once (PTRACE_EVENT_SECCOMP; strace without
 * --seccomp-bpf stops twice).  Counts are therefore exact.  Only the syscalls with a spec
 * (syscalls.c) are resumed with PTRACE_SYSCALL to see their result; the rest continue at once.
 * Capability checks are invisible to ptrace: meta.capability_method says so.
 *
 * 32-bit (compat) syscalls of a 64-bit tracee are let through untraced (SCMP_FLTATR_ACT_BADARCH
 * = allow): their numbers are another table, and the BPF back end does not see them either.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/macro.h"
#include "profile/tracer.h"

#define EVQ_MAX 64

struct task {
	pid_t tid, tgid;
	bool in_syscall;
	struct tev_event ev;
};

struct tracer {
	const struct sdh_record_options *o;
	pid_t main;
	int main_status;
	bool main_exited;
	int ctl;
	struct task *tasks;
	size_t n_tasks;
	uint64_t counts[TEV_NR_MAX];
	uint64_t *other_counts; /* numbers >= TEV_NR_MAX are rare: emitted one by one */
	struct tev_event queue[EVQ_MAX];
	size_t q_head, q_len;
	bool stopping, counts_sent, done;
	struct timespec stop_time;
	/* SIGCHLD (a tracee stopped or exited) as an fd, so waiting can have a timeout. */
	int sfd;
	bool mask_set;
	sigset_t old_mask;
};

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static int seccomp_init_op(const struct sdh_record_options *o, const struct trace_unit *unit,
			   struct tracer **ret)
{
	struct tracer *t;

	(void)unit;
	if (!o->command || !o->command[0])
		return -EOPNOTSUPP; /* attaching needs the bpf back end */
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->o = o;
	t->ctl = -1;
	t->main = -1;
	t->sfd = -1;
	*ret = t;
	return 0;
}

/* In the child, before exec: the filter that makes every syscall a ptrace stop. */
static int child_pre(void *userdata)
{
	scmp_filter_ctx ctx;
	int r;

	(void)userdata;
	ctx = seccomp_init(SCMP_ACT_TRACE(0));
	if (!ctx)
		return -ENOMEM;
	/* With CAP_SYS_ADMIN no_new_privs is not needed, and setuid programs keep working. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, geteuid() == 0 ? 0 : 1);
	if (r >= 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (r >= 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r;
}

static struct task *task_find(struct tracer *t, pid_t tid)
{
	for (size_t i = 0; i < t->n_tasks; i++)
		if (t->tasks[i].tid == tid)
			return &t->tasks[i];
	return NULL;
}

static pid_t tgid_of(pid_t tid)
{
	char path[64], buf[1024];
	cleanup_fd int fd = -1;
	ssize_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tid;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return tid;
	buf[n] = 0;
	p = strstr(buf, "\nTgid:");
	return p ? (pid_t)atoi(p + 6) : tid;
}

static struct task *task_add(struct tracer *t, pid_t tid)
{
	struct task *n, *k = task_find(t, tid);

	if (k)
		return k;
	n = realloc(t->tasks, (t->n_tasks + 1) * sizeof(*n));
	if (!n)
		return NULL;
	t->tasks = n;
	k = &t->tasks[t->n_tasks++];
	*k = (struct task){ .tid = tid, .tgid = tgid_of(tid) };
	return k;
}

static void task_remove(struct tracer *t, pid_t tid)
{
	struct task *k = task_find(t, tid);

	if (k)
		*k = t->tasks[--t->n_tasks];
}

static void push(struct tracer *t, const struct tev_event *ev)
{
	/* The queue only holds what one wait produced (at most a few): it cannot overflow. */
	if (t->q_len < EVQ_MAX)
		t->queue[(t->q_head + t->q_len++) % EVQ_MAX] = *ev;
}

static int seccomp_start(struct tracer *t, pid_t *ret_pid)
{
	sigset_t chld;
	int r;

	/* Blocked only in this thread, for the recording; the old mask comes back in free(). */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	r = -pthread_sigmask(SIG_BLOCK, &chld, &t->old_mask);
	if (r < 0)
		return r;
	t->mask_set = true;
	t->sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (t->sfd < 0)
		return -errno;
	r = trace_child_spawn(t->o->command, child_pre, NULL, &t->main, &t->ctl);
	if (r < 0)
		return r;
	/* Seize while the child waits for the go byte: no SIGSTOP dance, options from the start. */
	if (ptrace(PTRACE_SEIZE, t->main, 0,
		   PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
			   PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD |
			   PTRACE_O_EXITKILL) < 0) {
		r = -errno;
		kill(t->main, SIGKILL);
		(void)waitpid(t->main, NULL, 0);
		t->main = -1;
		return r == -EPERM ? -EPERM : r;
	}
	if (!task_add(t, t->main))
		return -ENOMEM;
	r = trace_child_release(t->ctl);
	if (r < 0)
		return r;
	*ret_pid = t->main;
	return 0;
}

/* Copy LEN bytes (or a NUL-terminated string up to LEN when STR) from the tracee. */
static unsigned peek(pid_t tid, uint64_t addr, char *buf, size_t len, bool str)
{
	size_t got = 0;

	if (!addr)
		return 0;
	while (got < len) {
		/* Never cross a page in one read: the next page may be unmapped. */
		size_t chunk = MIN(len - got, 4096 - ((addr + got) & 4095));
		struct iovec local = { buf + got, chunk }, remote = { (void *)(addr + got), chunk };
		ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);

		if (n <= 0)
			break;
		if (str && memchr(buf + got, 0, (size_t)n))
			return (unsigned)(got + strnlen(buf + got, (size_t)n) + 1);
		got += (size_t)n;
	}
	if (str) {
		if (got == 0)
			return 0;
		buf[MIN(got, len - 1)] = 0; /* truncated */
		return (unsigned)MIN(got, len);
	}
	return (unsigned)got;
}

static int resume(struct task *k, int sig)
{
	return ptrace(k->in_syscall ? PTRACE_SYSCALL : PTRACE_CONT, k->tid, 0, sig) < 0 ? -errno
											: 0;
}

static int on_seccomp_stop(struct tracer *t, struct task *k)
{
	unsigned long long args[6];
	struct tev_spec spec;
	struct tev_event *ev = &k->ev;
	long nr;
	int r;

	r = arch_get_syscall(k->tid, &nr, args);
	if (r < 0)
		return r;
	if (nr >= 0 && nr < TEV_NR_MAX)
		t->counts[nr]++;
	else {
		struct tev_event c = { .type = TEV_COUNT, .pid = k->tgid, .nr = nr, .count = 1 };

		push(t, &c);
	}
	if (!trace_spec_for(nr, &spec))
		return resume(k, 0);

	*ev = (struct tev_event){ .type = TEV_SYSCALL, .pid = k->tgid, .tid = k->tid, .nr = nr };
	for (unsigned i = 0; i < 6; i++)
		ev->args[i] = args[i];
	for (unsigned i = 0; i < 2; i++)
		if (spec.str[i])
			ev->len[i] =
				peek(k->tid, args[spec.str[i] - 1], ev->str[i], TEV_STR_MAX, true);
	if (spec.sockaddr)
		ev->len[0] = peek(k->tid, args[spec.sockaddr - 1], ev->str[0],
				  MIN((size_t)args[spec.sockaddr], (size_t)TEV_STR_MAX), false);
	if (spec.mem)
		(void)peek(k->tid, args[spec.mem - 1], (char *)ev->mem, TEV_MEM_MAX, false);
	k->in_syscall = true;
	return resume(k, 0);
}

static void send_kill(struct tracer *t, int sig)
{
	for (size_t i = 0; i < t->n_tasks; i++)
		if (t->tasks[i].tid == t->tasks[i].tgid)
			(void)kill(t->tasks[i].tid, sig);
}

/* Handle one wait status; queues the events it produces. */
static int handle(struct tracer *t, pid_t tid, int status)
{
	struct tev_event ev = { 0 };
	struct task *k;
	unsigned long msg;
	int sig, event;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		k = task_find(t, tid);
		if (tid == t->main) {
			t->main_status = status;
			t->main_exited = true;
		}
		if (k && k->tid == k->tgid) {
			ev = (struct tev_event){ .type = TEV_EXIT,
						 .pid = k->tgid,
						 .status = status };
			push(t, &ev);
		}
		task_remove(t, tid);
		return 0;
	}
	if (!WIFSTOPPED(status))
		return 0;
	k = task_add(t, tid);
	if (!k)
		return -ENOMEM;
	sig = WSTOPSIG(status);
	event = status >> 16;

	switch (event) {
	case PTRACE_EVENT_SECCOMP: return on_seccomp_stop(t, k);
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0) {
			struct task *c = task_add(t, (pid_t)msg);

			k = task_find(t, tid); /* task_add may have moved it */
			if (c && k) {
				ev = (struct tev_event){ .type = TEV_FORK,
							 .pid = k->tgid,
							 .tid = k->tid,
							 .child = c->tgid };
				push(t, &ev);
			}
		}
		return k ? resume(k, 0) : 0;
	case PTRACE_EVENT_EXEC:
		ev = (struct tev_event){ .type = TEV_EXEC, .pid = k->tgid, .tid = tid };
		push(t, &ev);
		return resume(k, 0);
	case PTRACE_EVENT_STOP:
		/* A new task's first stop, or a group stop (which we do not keep). */
		return resume(k, 0);
	default: break;
	}
	if (sig == (SIGTRAP | 0x80)) {
		long long ret;

		if (k->in_syscall && arch_get_return(tid, &ret) >= 0) {
			k->ev.ret = ret;
			push(t, &k->ev);
		}
		k->in_syscall = false;
		return resume(k, 0);
	}
	/* A signal for the tracee: deliver it. */
	return resume(k, sig == SIGTRAP && event ? 0 : sig);
}

static int seccomp_next_event(struct tracer *t, struct tev_event *ev, int timeout_ms)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int status, r;
		pid_t pid;

		if (t->q_len) {
			*ev = t->queue[t->q_head];
			t->q_head = (t->q_head + 1) % EVQ_MAX;
			t->q_len--;
			return 1;
		}
		if (t->done) {
			/* Deliver the counts, then end. */
			for (; !t->counts_sent; t->counts_sent = true)
				for (long nr = 0; nr < TEV_NR_MAX; nr++)
					if (t->counts[nr]) {
						*ev = (struct tev_event){ .type = TEV_COUNT,
									  .nr = nr,
									  .count = t->counts[nr] };
						t->counts[nr] = 0;
						return 1;
					}
			return 0;
		}
		if (t->stopping && since(&t->stop_time) > 2.0)
			send_kill(t, SIGKILL);

		pid = waitpid(-1, &status, __WALL | WNOHANG);
		if (pid < 0) {
			if (errno == EINTR)
				return -EAGAIN;
			if (errno == ECHILD) {
				t->done = true;
				continue;
			}
			return -errno;
		}
		if (pid == 0) {
			/* Nothing yet: wait for the next SIGCHLD, at most until the timeout. */
			struct signalfd_siginfo si;
			struct pollfd pfd = { .fd = t->sfd, .events = POLLIN };
			int left = timeout_ms - (int)(since(&start) * 1000);

			if (left <= 0)
				return -EAGAIN;
			r = poll(&pfd, 1, MIN(left, 100));
			if (r < 0 && errno == EINTR)
				return -EAGAIN;
			while (read(t->sfd, &si, sizeof(si)) == sizeof(si))
				;
			continue;
		}
		r = handle(t, pid, status);
		if (r < 0 && r != -ESRCH)
			return r;
		if (t->main_exited && t->n_tasks == 0)
			t->done = true;
	}
}

static int seccomp_stop(struct tracer *t)
{
	if (t->stopping)
		return 0;
	t->stopping = true;
	clock_gettime(CLOCK_MONOTONIC, &t->stop_time);
	send_kill(t, SIGTERM);
	return 0;
}

static int seccomp_main_status(struct tracer *t, int *ret)
{
	int r;

	if (t->ctl >= 0 && (r = trace_child_result(t->ctl, false)) < 0 && r != -EAGAIN)
		return r; /* exec failed: -ENOENT etc. */
	if (!t->main_exited)
		return -ESRCH;
	*ret = t->main_status;
	return 0;
}

static void seccomp_free(struct tracer *t)
{
	if (!t)
		return;
	/* Nothing outlives us: PTRACE_O_EXITKILL covers our death, this covers errors. */
	if (!t->done) {
		send_kill(t, SIGKILL);
		while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
			;
	}
	if (t->ctl >= 0)
		close(t->ctl);
	if (t->sfd >= 0)
		close(t->sfd);
	if (t->mask_set)
		(void)pthread_sigmask(SIG_SETMASK, &t->old_mask, NULL);
	free(t->tasks);
	free(t->other_counts);
	free(t);
}

const struct tracer_ops tracer_seccomp_ops = {
	.name = "seccomp",
	.init = seccomp_init_op,
	.start = seccomp_start,
	.next_event = seccomp_next_event,
	.stop = seccomp_stop,
	.free = seccomp_free,
	.main_status = seccomp_main_status,
	.syscall_method =
		"seccomp filter SECCOMP_RET_TRACE on every syscall, one ptrace stop each: "
		"exact counts",
	.capability_method = "none: capability checks are not visible to the seccomp back end",
};
