/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "bpf" back end (kernel half: bpf/profile.bpf.c).  Syscall counts and capability checks
 * are aggregated in kernel maps and read once at the end; detailed syscalls, forks, execs and
 * exits arrive through a ring buffer.  The traced set is a map of (global) thread group ids
 * seeded by the kernel itself (a task iterator, so that it works in a pid namespace too) with
 * the launched child (before it may exec), the --pid process and its descendants, or the
 * processes already in the --cgroup; the kernel adds every process of the cgroup, or of the
 * --unit's cgroup, that calls execve, and every child of a traced process.
 *
 * Nothing outlives the tracer: the links and maps belong to the skeleton, which is destroyed
 * in free(), and the kernel drops them with our last file descriptor anyway.
 */
#ifdef SDH_WITH_BPF
#	include <bpf/bpf.h>
#	include <bpf/libbpf.h>
#	include <dirent.h>
#	include <errno.h>
#	include <fcntl.h>
#	include <signal.h>
#	include <stdio.h>
#	include <stdlib.h>
#	include <string.h>
#	include <sys/stat.h>
#	include <sys/wait.h>
#	include <time.h>
#	include <unistd.h>

#	include "basic/alloc-util.h"
#	include "basic/macro.h"
#	include "basic/path-util.h"
#	include "profile.skel.h"
#	include "profile/tracer.h"

struct cap_key {
	uint32_t cap;
	int32_t nr;
	uint32_t granted;
};

struct tracer {
	const struct sdh_record_options *o;
	struct profile_bpf *skel;
	struct ring_buffer *rb;
	pid_t main;
	int main_status;
	bool main_exited;
	int ctl;
	/* Thread group ids alive in the traced set, as user space knows them. */
	pid_t *live;
	size_t n_live;
	/* Events taken from the ring buffer, handed out one by one. */
	struct tev_event *queue;
	size_t q_head, q_len, q_alloc;
	bool stopping, done;
	int drain_stage; /* 0 counts, 1 caps, 2 finished */
	uint32_t drain_nr;
	struct cap_key drain_cap;
	bool drain_cap_started;
	struct timespec stop_time, last_check;
	int cgroup_fd;
	/*
	 * --cgroup: it had processes (it ends when it is empty again): seen populated, or a
	 * process of it traced, which also covers one that came and went between two looks.
	 */
	bool populated_seen;
};

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* The library never prints; the verifier log is only wanted when debugging. */
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void bpf_free_op(struct tracer *t);

/*
 * The inode of our pid namespace, 0 for the initial one (4026531836, PROC_PID_INIT_INO) or
 * when unknown: then the kernel's pids are ours.
 */
static uint32_t pidns_inum(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) < 0 || st.st_ino == 0xEFFFFFFCU)
		return 0;
	return (uint32_t)st.st_ino;
}

static int bpf_init_op(const struct sdh_record_options *o, const struct trace_unit *unit,
		       struct tracer **ret)
{
	struct tracer *t;
	int r;

	libbpf_set_print(silent);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->o = o;
	t->ctl = -1;
	t->main = -1;
	t->cgroup_fd = -1;
	t->skel = profile_bpf__open();
	if (!t->skel) {
		r = -errno;
		goto fail;
	}
	if (o->cgroup) {
		struct stat st;

		t->cgroup_fd = open(o->cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (t->cgroup_fd < 0 || fstat(t->cgroup_fd, &st) < 0) {
			r = errno == ENOENT ? -ESRCH : -errno;
			goto fail;
		}
		/* A cgroup2 directory's inode number is its cgroup id. */
		t->skel->rodata->target_cgroup = st.st_ino;
	}
	if (unit) {
		if (strlen(unit->cgroup) >= sizeof(t->skel->rodata->target_unit)) {
			r = -ENAMETOOLONG;
			goto fail;
		}
		memcpy((char *)t->skel->rodata->target_unit, unit->cgroup,
		       strlen(unit->cgroup) + 1);
		t->skel->rodata->target_parent = unit->parent_id;
	}
	t->skel->rodata->ns_inum = pidns_inum();
	/* The seeding iterator runs on demand (seed_pass()), not at attach. */
	bpf_program__set_autoattach(t->skel->progs.seed, false);
	r = profile_bpf__load(t->skel);
	if (r < 0) {
		r = r == -EACCES ? -EPERM : r;
		goto fail;
	}
	for (uint32_t nr = 0; nr < TEV_NR_MAX; nr++) {
		struct tev_spec spec;

		if (trace_spec_for(nr, &spec) &&
		    bpf_map_update_elem(bpf_map__fd(t->skel->maps.specs), &nr, &spec, BPF_ANY) <
			    0) {
			r = -errno;
			goto fail;
		}
	}
	*ret = t;
	return 0;
fail:
	bpf_free_op(t);
	return r;
}

static int live_add(struct tracer *t, pid_t pid)
{
	pid_t *n;

	for (size_t i = 0; i < t->n_live; i++)
		if (t->live[i] == pid)
			return 0;
	n = realloc(t->live, (t->n_live + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->live = n;
	t->live[t->n_live++] = pid;
	return 0;
}

static void live_remove(struct tracer *t, pid_t pid)
{
	for (size_t i = 0; i < t->n_live; i++)
		if (t->live[i] == pid) {
			t->live[i] = t->live[--t->n_live];
			return;
		}
}

/*
 * One pass of the kernel's seeding iterator (bpf/profile.bpf.c `seed`) in MODE: it adds the
 * processes asked for to the traced set and tells us their pids, in our namespace.
 */
static int seed_pass(struct tracer *t, uint32_t mode, uint32_t pid)
{
	struct bpf_link *link;
	cleanup_fd int fd = -1;
	unsigned char buf[1024];
	size_t have = 0;
	ssize_t n;
	int r = 0;

	t->skel->bss->seed_mode = mode;
	t->skel->bss->seed_pid = pid;
	link = bpf_program__attach_iter(t->skel->progs.seed, NULL);
	if (!link)
		return -errno;
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	/* A stream of u32s; a read may in principle end inside one, so carry the rest over. */
	while ((n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		size_t i;

		have += (size_t)n;
		for (i = 0; i + sizeof(uint32_t) <= have; i += sizeof(uint32_t)) {
			uint32_t v;

			memcpy(&v, buf + i, sizeof(v));
			r = live_add(t, (pid_t)v);
			if (r < 0)
				goto out;
		}
		memmove(buf, buf + i, have - i);
		have -= i;
	}
	if (n < 0)
		r = -errno;
out:
	t->skel->bss->seed_mode = 0;
	bpf_link__destroy(link);
	return r;
}

/* PID (in our namespace) and its descendants: -ESRCH when there is no such process. */
static int seed_tree(struct tracer *t, pid_t pid)
{
	int r;

	t->skel->bss->seed_tgid = 0;
	r = seed_pass(t, TEV_SEED_FIND, (uint32_t)pid);
	if (r < 0)
		return r;
	if (!t->skel->bss->seed_tgid)
		return -ESRCH;
	return seed_pass(t, TEV_SEED_TREE, 0);
}

static int on_ring_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct tev_event))
		return 0;
	if (t->q_head + t->q_len == t->q_alloc) {
		if (t->q_head > 0) { /* compact first */
			memmove(t->queue, t->queue + t->q_head, t->q_len * sizeof(*t->queue));
			t->q_head = 0;
		} else if (GREEDY_REALLOC(t->queue, t->q_alloc, t->q_len + 1, 256) < 0)
			return -ENOMEM;
	}
	memcpy(&t->queue[t->q_head + t->q_len++], data, sizeof(struct tev_event));
	return 0;
}

static int bpf_start_op(struct tracer *t, pid_t *ret_pid)
{
	int r;

	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_ring_event, t, NULL);
	if (!t->rb)
		return -errno;
	r = profile_bpf__attach(t->skel);
	if (r < 0)
		return r;

	if (t->o->command) {
		r = trace_child_spawn(t->o->command, NULL, NULL, &t->main, &t->ctl);
		if (r < 0)
			return r;
		/* In the traced set before it runs a single instruction of the command. */
		r = seed_tree(t, t->main);
		if (r < 0)
			return r;
		r = trace_child_release(t->ctl);
		if (r < 0)
			return r;
		r = trace_child_result(t->ctl, true);
		if (r < 0) {
			/* exec failed: reap the child now, nothing is left running. */
			(void)waitpid(t->main, &t->main_status, 0);
			t->main_exited = true;
			t->done = true;
			return r;
		}
		*ret_pid = t->main;
	} else if (t->o->pid > 0) {
		r = seed_tree(t, t->o->pid);
		if (r < 0)
			return r;
	} else if (t->o->cgroup) {
		r = seed_pass(t, TEV_SEED_CGROUP, 0);
		if (r < 0)
			return r;
		t->populated_seen = t->n_live > 0;
	}
	/* --unit: nothing to seed, the kernel adopts the unit's processes at their execve. */
	clock_gettime(CLOCK_MONOTONIC, &t->last_check);
	return 0;
}

/* Whether the cgroup (subtree) has processes: 1, 0, or -1 once it has been removed. */
static int cgroup_populated(struct tracer *t)
{
	cleanup_fd int fd = openat(t->cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	char buf[256];
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return !strstr(buf, "populated 0");
}

static void send_kill(struct tracer *t, int sig)
{
	/* Only what we launched is ours to end; attached processes are left alone. */
	if (!t->o->command)
		return;
	for (size_t i = 0; i < t->n_live; i++)
		(void)kill(t->live[i], sig);
}

/* After the run: per-CPU syscall counts, then capability checks, one event at a time. */
static int drain(struct tracer *t, struct tev_event *ev)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return ncpu;
	while (t->drain_stage == 0 && t->drain_nr < TEV_NR_MAX) {
		cleanup_free uint64_t *vals = calloc((size_t)ncpu, sizeof(uint64_t));
		uint32_t nr = t->drain_nr++;
		uint64_t sum = 0;

		if (!vals)
			return -ENOMEM;
		if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.counts), &nr, vals) < 0)
			continue;
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		if (sum) {
			*ev = (struct tev_event){ .type = TEV_COUNT, .nr = nr, .count = sum };
			return 1;
		}
	}
	t->drain_stage = MAX(t->drain_stage, 1);
	while (t->drain_stage == 1) {
		int fd = bpf_map__fd(t->skel->maps.caps);
		struct cap_key next;
		uint64_t v;

		if (bpf_map_get_next_key(fd, t->drain_cap_started ? &t->drain_cap : NULL, &next) <
		    0) {
			t->drain_stage = 2;
			break;
		}
		t->drain_cap = next;
		t->drain_cap_started = true;
		if (bpf_map_lookup_elem(fd, &next, &v) < 0 || !v)
			continue;
		*ev = (struct tev_event){ .type = TEV_CAP,
					  .nr = next.nr,
					  .cap = (int32_t)next.cap,
					  .status = (int32_t)next.granted,
					  .count = v };
		return 1;
	}
	return 0;
}

static int bpf_next_event(struct tracer *t, struct tev_event *ev, int timeout_ms)
{
	for (;;) {
		int r;

		if (t->q_len) {
			*ev = t->queue[t->q_head++];
			t->q_len--;
			if (t->q_len == 0)
				t->q_head = 0;
			if (ev->type == TEV_FORK)
				(void)live_add(t, (pid_t)ev->child);
			else if (ev->type == TEV_EXEC) {
				(void)live_add(t, (pid_t)ev->pid);
				t->populated_seen = true;
			} else if (ev->type == TEV_EXIT)
				live_remove(t, (pid_t)ev->pid);
			return 1;
		}
		if (t->done)
			return drain(t, ev);

		if (t->main > 0 && !t->main_exited &&
		    waitpid(t->main, &t->main_status, WNOHANG) == t->main)
			t->main_exited = true;
		if (t->stopping && t->o->command && since(&t->stop_time) > 2.0)
			send_kill(t, SIGKILL);

		/*
		 * The kernel side does not wake us per event (profile.bpf.c emit()): wait a
		 * little, then take whatever is there.
		 */
		r = ring_buffer__poll(t->rb, t->q_len ? 0 : MIN(timeout_ms, 10));
		if (r == 0)
			r = ring_buffer__consume(t->rb);
		if (r < 0 && r != -EINTR)
			return r;
		if (t->q_len)
			continue;
		/*
		 * Finished: the ring buffer is empty and nothing traced is left (or we stop).  A
		 * cgroup empty at the start is waited for; it ends once it has had processes and
		 * is empty again.  A unit ends when record.c says so (stop()).
		 */
		if (t->o->cgroup && since(&t->last_check) > 0.25) {
			int populated = cgroup_populated(t);

			clock_gettime(CLOCK_MONOTONIC, &t->last_check);
			if (populated > 0)
				t->populated_seen = true;
			else if (t->populated_seen || populated < 0)
				t->stopping = true; /* a removed cgroup never comes back */
		}
		if ((t->o->command && t->main_exited && t->n_live == 0) ||
		    (t->o->pid > 0 && t->n_live == 0) || (t->stopping && !t->o->command)) {
			(void)ring_buffer__consume(t->rb);
			if (!t->q_len)
				t->done = true;
			continue;
		}
		if (r == -EINTR || r == 0)
			return -EAGAIN;
	}
}

static int bpf_stop_op(struct tracer *t)
{
	if (t->stopping)
		return 0;
	t->stopping = true;
	clock_gettime(CLOCK_MONOTONIC, &t->stop_time);
	send_kill(t, SIGTERM);
	return 0;
}

static int bpf_main_status(struct tracer *t, int *ret)
{
	if (!t->o->command || !t->main_exited)
		return -ESRCH;
	*ret = t->main_status;
	return 0;
}

static uint64_t bpf_lost(struct tracer *t)
{
	return t->skel && t->skel->bss ? t->skel->bss->lost : 0;
}

static void bpf_free_op(struct tracer *t)
{
	if (!t)
		return;
	if (t->o->command && t->main > 0 && !t->main_exited) {
		/* An error path: end what we launched, and reap it. */
		send_kill(t, SIGKILL);
		(void)kill(t->main, SIGKILL);
		(void)waitpid(t->main, NULL, 0);
	}
	ring_buffer__free(t->rb);
	profile_bpf__destroy(t->skel);
	if (t->ctl >= 0)
		close(t->ctl);
	if (t->cgroup_fd >= 0)
		close(t->cgroup_fd);
	free(t->live);
	free(t->queue);
	free(t);
}

const struct tracer_ops tracer_bpf_ops = {
	.name = "bpf",
	.init = bpf_init_op,
	.start = bpf_start_op,
	.next_event = bpf_next_event,
	.stop = bpf_stop_op,
	.free = bpf_free_op,
	.main_status = bpf_main_status,
	.lost = bpf_lost,
	.syscall_method = "eBPF tracepoint raw_syscalls:sys_enter, counted in a per-CPU kernel map "
			  "for the traced process tree: exact counts",
	.capability_method =
		"eBPF tracepoint capability:cap_capable, attributed to the syscall in progress "
		"(task pt_regs orig_ax); CAP_SYS_ADMIN checks during mmap, brk, mremap, mprotect, "
		"execve, clone, fork, shmget and shmat are the kernel's overcommit accounting "
		"(cap_vm_enough_memory, a noaudit check) and counted as routine, not as need",
};
#endif
