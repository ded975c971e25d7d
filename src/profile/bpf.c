/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The "bpf" back end (kernel half: bpf/profile.bpf.c).  Syscall counts and capability checks
 * are aggregated in kernel maps and read once at the end; detailed syscalls, forks, execs and
 * exits arrive through a ring buffer.  The traced set is a map of thread group ids seeded with
 * the launched child (before it may exec), the --pid process and its descendants, or the
 * processes of the --cgroup (plus, in the kernel, every process of it that calls execve).
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

static int bpf_init_op(const struct sdh_record_options *o, struct tracer **ret)
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

static int trace_pid(struct tracer *t, pid_t pid)
{
	uint32_t key = (uint32_t)pid;
	uint8_t one = 1;

	if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.traced), &key, &one, BPF_ANY) < 0)
		return -errno;
	return live_add(t, pid);
}

/* PID and its descendants already running (/proc/PID/task/TID/children). */
static int trace_tree(struct tracer *t, pid_t pid, unsigned depth)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	int r;

	r = trace_pid(t, pid);
	if (r < 0 || depth > 64)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char cpath[384];
		FILE *f;
		int child;

		if (de->d_name[0] == '.')
			continue;
		snprintf(cpath, sizeof(cpath), "/proc/%d/task/%s/children", (int)pid, de->d_name);
		f = fopen(cpath, "re");
		if (!f)
			continue;
		while (fscanf(f, "%d", &child) == 1)
			if (child > 0 && (r = trace_tree(t, child, depth + 1)) < 0)
				break;
		fclose(f);
		if (r < 0)
			break;
	}
	closedir(d);
	return r;
}

/* Every process in the cgroup subtree at DIRFD. */
static int trace_cgroup(struct tracer *t, int dirfd)
{
	cleanup_fd int fd = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	FILE *f;
	int pid, r = 0, dfd;

	if (fd < 0)
		return -errno;
	f = fdopen(TAKE_FD(fd), "re");
	if (!f)
		return -errno;
	while (r >= 0 && fscanf(f, "%d", &pid) == 1)
		r = trace_pid(t, pid);
	fclose(f);
	if (r < 0)
		return r;
	dfd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	while (r >= 0 && (de = readdir(d))) {
		cleanup_fd int sub = -1;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0)
			r = trace_cgroup(t, sub);
	}
	closedir(d);
	return r;
}

static int on_ring_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;

	if (size < sizeof(struct tev_event))
		return 0;
	if (t->q_head + t->q_len == t->q_alloc) {
		struct tev_event *n;

		if (t->q_head > 0) { /* compact first */
			memmove(t->queue, t->queue + t->q_head, t->q_len * sizeof(*n));
			t->q_head = 0;
		} else {
			size_t want = t->q_alloc ? t->q_alloc * 2 : 256;

			n = realloc(t->queue, want * sizeof(*n));
			if (!n)
				return -ENOMEM;
			t->queue = n;
			t->q_alloc = want;
		}
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
		r = trace_pid(t, t->main);
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
		if (kill(t->o->pid, 0) < 0 && errno == ESRCH)
			return -ESRCH;
		r = trace_tree(t, t->o->pid, 0);
		if (r < 0)
			return r;
	} else {
		r = trace_cgroup(t, t->cgroup_fd);
		if (r < 0)
			return r;
	}
	clock_gettime(CLOCK_MONOTONIC, &t->last_check);
	return 0;
}

static bool cgroup_populated(struct tracer *t)
{
	cleanup_fd int fd = openat(t->cgroup_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	char buf[256];
	ssize_t n;

	if (fd < 0)
		return false; /* removed */
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
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
			else if (ev->type == TEV_EXEC)
				(void)live_add(t, (pid_t)ev->pid);
			else if (ev->type == TEV_EXIT)
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

		r = ring_buffer__poll(t->rb, t->q_len ? 0 : MIN(timeout_ms, 50));
		if (r < 0 && r != -EINTR)
			return r;
		if (t->q_len)
			continue;
		/* Finished: the ring buffer is empty and nothing traced is left (or we stop). */
		if ((t->o->command && t->main_exited && t->n_live == 0) ||
		    (t->o->pid > 0 && t->n_live == 0) ||
		    (t->o->cgroup && since(&t->last_check) > 0.5 && !cgroup_populated(t)) ||
		    (t->stopping && !t->o->command)) {
			(void)ring_buffer__consume(t->rb);
			if (!t->q_len)
				t->done = true;
			continue;
		}
		if (t->o->cgroup && since(&t->last_check) > 0.5)
			clock_gettime(CLOCK_MONOTONIC, &t->last_check);
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
