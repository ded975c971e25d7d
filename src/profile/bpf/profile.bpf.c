/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BPF half of the bpf back end (user half: ../bpf.c).  Only tracepoints (tp_btf), which
 * this kernel allows under lockdown; no kprobes, no fentry.
 *
 * Hot path (every syscall of every process while loaded): one hash lookup of the caller's tgid
 * in `traced`, then, for a traced process, a per-CPU counter bump.  Only syscalls with a spec
 * (user space fills `specs`) go further: their arguments are copied at entry into `pending`,
 * completed with the result at exit and sent through the ring buffer.  Capability checks are
 * aggregated in a hash keyed by (cap, syscall in progress, granted).
 *
 * The traced set is keyed by global thread group ids, which only the kernel knows when the
 * tracer runs in a pid namespace (inside a container): so user space never names a process to
 * this map itself.  The task iterator `seed` adds what user space asks for (a pid of ITS
 * namespace and the descendants, or the members of a cgroup), and the pids in events are
 * translated into the tracer's namespace (ns_inum) so that user space can read /proc.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "profile/trace-event.h"

char LICENSE[] SEC("license") = "GPL";

/* cgroup mode: adopt processes of this cgroup (id = inode of its directory) at execve. */
const volatile __u64 target_cgroup = 0;
/*
 * unit mode: adopt at execve the tasks of a cgroup named target_unit ("nginx.service") whose
 * parent cgroup has the id target_parent (0: any parent).  By name, because systemd creates
 * the unit's cgroup anew when it starts the unit, after we are loaded.
 */
const volatile char target_unit[256] = {};
const volatile __u64 target_parent = 0;
/* The inode of the tracer's pid namespace, 0 when it is the initial one (no translation). */
const volatile __u32 ns_inum = 0;

/* Seeding (the `seed` iterator): what user space asks for before each pass. */
__u32 seed_mode = 0;
__u32 seed_pid = 0;  /* SEED_FIND: a thread group id in the tracer's namespace */
__u32 seed_tgid = 0; /* SEED_FIND result, SEED_TREE input: the global id */

__u64 lost = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} traced SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TEV_NR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TEV_NR_MAX);
	__type(key, __u32);
	__type(value, struct tev_spec);
} specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct tev_event);
} pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tev_event);
} scratch SEC(".maps");

struct cap_key {
	__u32 cap;
	__s32 nr;
	__u32 granted;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct cap_key);
	__type(value, __u64);
} caps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024);
} events SEC(".maps");

static __always_inline bool is_traced(__u32 tgid)
{
	return bpf_map_lookup_elem(&traced, &tgid) != NULL;
}

/* The number of PID in the tracer's pid namespace, 0 when not visible there. */
static __always_inline __u32 ns_nr(struct pid *pid)
{
	unsigned int level;

	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	for (unsigned int i = 0; i < 8; i++) {
		if (i > level)
			break;
		if (BPF_CORE_READ(pid, numbers[i].ns, ns.inum) == ns_inum)
			return (__u32)BPF_CORE_READ(pid, numbers[i].nr);
	}
	return 0;
}

/* Thread group id and thread id of T as the tracer sees them. */
static __always_inline void ids_of(struct task_struct *t, __u32 *tgid, __u32 *tid)
{
	if (!ns_inum) {
		*tgid = BPF_CORE_READ(t, tgid);
		*tid = BPF_CORE_READ(t, pid);
		return;
	}
	*tgid = ns_nr(BPF_CORE_READ(t, group_leader, thread_pid));
	*tid = ns_nr(BPF_CORE_READ(t, thread_pid));
}

static __always_inline void current_ids(__u32 *tgid, __u32 *tid)
{
	__u64 pid_tgid;

	if (ns_inum) {
		ids_of(bpf_get_current_task_btf(), tgid, tid);
		return;
	}
	pid_tgid = bpf_get_current_pid_tgid();
	*tgid = pid_tgid >> 32;
	*tid = (__u32)pid_tgid;
}

/*
 * No wakeup per event: waking the reader (irq_work, then a context switch on another CPU) for
 * each of tens of thousands of opens cost more than the tracing itself (tar of /usr: +50%).
 * The reader polls every few milliseconds anyway (bpf.c); it is woken early only when a
 * megabyte has piled up, long before the buffer could overflow.
 */
static __always_inline void emit(struct tev_event *ev)
{
	__u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > (1 << 20)
			      ? BPF_RB_FORCE_WAKEUP
			      : BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), flags) < 0)
		__sync_fetch_and_add(&lost, 1);
}

static __always_inline __u64 arg_of(struct pt_regs *regs, unsigned i)
{
	switch (i) {
	case 0: return BPF_CORE_READ(regs, di);
	case 1: return BPF_CORE_READ(regs, si);
	case 2: return BPF_CORE_READ(regs, dx);
	case 3: return BPF_CORE_READ(regs, r10);
	case 4: return BPF_CORE_READ(regs, r8);
	default: return BPF_CORE_READ(regs, r9);
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid, key, zero = 0;
	struct tev_spec *spec;
	struct tev_event *ev;
	__u64 *c;

	if (!is_traced(tgid) || id < 0 || id >= TEV_NR_MAX)
		return 0;
	key = (__u32)id;
	c = bpf_map_lookup_elem(&counts, &key);
	if (c)
		(*c)++;
	spec = bpf_map_lookup_elem(&specs, &key);
	if (!spec || !spec->detailed)
		return 0;
	if (spec->filter_arg) {
		__u64 a = arg_of(regs, (spec->filter_arg - 1) & 7);

		if ((a & spec->filter_mask) != spec->filter_mask)
			return 0;
	}
	ev = bpf_map_lookup_elem(&scratch, &zero);
	if (!ev)
		return 0;
	ev->type = TEV_SYSCALL;
	current_ids(&ev->pid, &ev->tid);
	ev->child = 0;
	ev->nr = id;
	ev->ret = 0;
	ev->counted = 0;
	ev->len[0] = ev->len[1] = 0;
	for (unsigned i = 0; i < 6; i++)
		ev->args[i] = arg_of(regs, i);
	__builtin_memset(ev->mem, 0, sizeof(ev->mem));
	for (unsigned i = 0; i < 2; i++)
		if (spec->str[i]) {
			long n = bpf_probe_read_user_str(ev->str[i], TEV_STR_MAX,
							 (void *)ev->args[(spec->str[i] - 1) & 7]);

			ev->len[i] = n > 0 ? (__u32)n : 0;
		}
	if (spec->sockaddr) {
		__u64 len = ev->args[spec->sockaddr & 7]; /* the length follows the pointer */

		if (len > TEV_STR_MAX)
			len = TEV_STR_MAX;
		if (len > 0 && bpf_probe_read_user(ev->str[0], len & (TEV_STR_MAX * 2 - 1),
						   (void *)ev->args[(spec->sockaddr - 1) & 7]) == 0)
			ev->len[0] = (__u32)len;
	}
	if (spec->mem)
		bpf_probe_read_user(ev->mem, sizeof(ev->mem),
				    (void *)ev->args[(spec->mem - 1) & 7]);
	bpf_map_update_elem(&pending, &tid, ev, BPF_ANY);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct tev_event *ev = bpf_map_lookup_elem(&pending, &tid);

	struct tev_spec *spec;
	__u32 key;

	if (!ev)
		return 0;
	ev->ret = ret;
	/*
	 * A string in a page not yet faulted in cannot be read at entry (BPF cannot fault); the
	 * syscall has touched it since, so try once more.
	 */
	key = (__u32)ev->nr & (TEV_NR_MAX - 1);
	spec = bpf_map_lookup_elem(&specs, &key);
	if (spec && ev->counted != 2) /* 2: after a successful execve the old memory is gone */
		for (unsigned i = 0; i < 2; i++)
			if (spec->str[i] && !ev->len[i]) {
				long n = bpf_probe_read_user_str(
					ev->str[i], TEV_STR_MAX,
					(void *)ev->args[(spec->str[i] - 1) & 7]);

				ev->len[i] = n > 0 ? (__u32)n : 0;
			}
	ev->counted = 0;
	emit(ev);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

/* An event about the current task (the parent, for a fork). */
static __always_inline void emit_small(__u32 type, __u32 child, __s32 status)
{
	struct tev_event *ev;
	__u32 zero = 0;

	ev = bpf_map_lookup_elem(&scratch, &zero);
	if (!ev)
		return;
	ev->type = type;
	current_ids(&ev->pid, &ev->tid);
	ev->tid = ev->pid;
	ev->child = child;
	ev->nr = -1;
	ev->status = status;
	ev->len[0] = ev->len[1] = 0;
	emit(ev);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	__u8 one = 1;

	if (ptgid == ctgid || !is_traced(ptgid))
		return 0;
	bpf_map_update_elem(&traced, &ctgid, &one, BPF_ANY);
	if (ns_inum)
		ctgid = ns_nr(BPF_CORE_READ(child, thread_pid));
	emit_small(TEV_FORK, ctgid, 0);
	return 0;
}

/* Whether the cgroup of task P, or one of its 4 nearest ancestors, is the unit's. */
static __always_inline bool in_target_unit(struct task_struct *p)
{
	struct cgroup *cg, *parent;
	char name[256];

	if (!target_unit[0])
		return false;
	cg = BPF_CORE_READ(p, cgroups, dfl_cgrp);
	/* Sub-cgroups too: a unit with Delegate= runs its processes below its own cgroup. */
	for (int i = 0; i < 4 && cg; i++) {
		parent = (struct cgroup *)BPF_CORE_READ(cg, self.parent);
		if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(cg, kn, name)) >
			    0 &&
		    bpf_strncmp(name, sizeof(name), (const char *)target_unit) == 0 &&
		    (!target_parent || (parent && BPF_CORE_READ(parent, kn, id) == target_parent)))
			return true;
		cg = parent;
	}
	return false;
}

/* Whether task P's cgroup is target_cgroup or below it. */
static __always_inline bool task_in_cgroup(struct task_struct *p)
{
	struct cgroup *cg = BPF_CORE_READ(p, cgroups, dfl_cgrp);

	for (int i = 0; i < 32 && cg; i++) {
		if (BPF_CORE_READ(cg, kn, id) == target_cgroup)
			return true;
		cg = (struct cgroup *)BPF_CORE_READ(cg, self.parent);
	}
	return false;
}

static __always_inline bool in_target_cgroup(void)
{
	if (!target_cgroup)
		return false;
	/* Every ancestor level, so that it also works under a cgroup namespace. */
	for (int level = 0; level < 16; level++) {
		__u64 id = bpf_get_current_ancestor_cgroup_id(level);

		if (id == target_cgroup)
			return true;
		if (!id)
			break;
	}
	return false;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = p->tgid, tid = p->pid;
	struct tev_event *ev;
	__u8 one = 1;

	/* The execve in progress: its file name from the kernel, if the user copy failed. */
	ev = bpf_map_lookup_elem(&pending, &tid);
	if (ev) {
		if (!ev->len[0]) {
			long n = bpf_probe_read_kernel_str(ev->str[0], TEV_STR_MAX,
							   BPF_CORE_READ(bprm, filename));

			ev->len[0] = n > 0 ? (__u32)n : 0;
		}
		ev->counted = 2;
	}
	if (!is_traced(tgid)) {
		__u32 zero = 0;

		if (!in_target_cgroup() && !in_target_unit(p))
			return 0;
		bpf_map_update_elem(&traced, &tgid, &one, BPF_ANY);
		emit_small(TEV_EXEC, 0, 0);
		/*
		 * Adopted at this execve, whose entry we did not see: the execve itself as a
		 * detailed, counted event, so that the first executable is in the profile.
		 */
		ev = bpf_map_lookup_elem(&scratch, &zero);
		if (!ev)
			return 0;
		ev->type = TEV_SYSCALL;
		current_ids(&ev->pid, &ev->tid);
		ev->child = 0;
		ev->nr = 59; /* execve: bprm->filename is the path as given, or /dev/fd/N/... */
		ev->ret = 0;
		ev->counted = 1;
		for (unsigned i = 0; i < 6; i++)
			ev->args[i] = 0;
		ev->args[0] = (__u64)-100; /* AT_FDCWD */
		ev->len[1] = 0;
		long n = bpf_probe_read_kernel_str(ev->str[0], TEV_STR_MAX,
						   BPF_CORE_READ(bprm, filename));
		ev->len[0] = n > 0 ? (__u32)n : 0;
		emit(ev);
		return 0;
	}
	emit_small(TEV_EXEC, 0, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	__u32 tgid = p->tgid, tid = p->pid;

	if (!is_traced(tgid))
		return 0;
	bpf_map_delete_elem(&pending, &tid);
	/* The last thread: the tgid can be reused from now on, so forget it. */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;
	bpf_map_delete_elem(&traced, &tgid);
	emit_small(TEV_EXIT, 0, p->exit_code);
	return 0;
}

/*
 * Seeding: one pass over every task, run by user space reading an iterator of this program
 * (bpf_iter_create).  Each process added to `traced` is written to the iterator's output as
 * its pid in the tracer's namespace (u32), so that user space knows what it follows.
 */
SEC("iter/task")
int seed(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task, *a;
	__u32 tgid, nstgid, nstid;
	bool match = false;
	__u8 one = 1;

	if (!t || t->pid != t->tgid) /* group leaders only: the set holds processes */
		return 0;
	tgid = t->tgid;
	ids_of(t, &nstgid, &nstid);
	switch (seed_mode) {
	case TEV_SEED_FIND:
		if (nstgid == seed_pid)
			seed_tgid = tgid;
		return 0;
	case TEV_SEED_TREE:
		/* T or one of its ancestors (up to 64 generations) is the seed. */
		a = t;
		for (int i = 0; i < 64 && a; i++) {
			__u32 at = BPF_CORE_READ(a, tgid);

			if (at == seed_tgid) {
				match = true;
				break;
			}
			if (at <= 1)
				break;
			a = BPF_CORE_READ(a, real_parent);
		}
		break;
	case TEV_SEED_CGROUP: match = target_cgroup && task_in_cgroup(t); break;
	default: return 0;
	}
	if (!match || !nstgid)
		return 0;
	bpf_map_update_elem(&traced, &tgid, &one, BPF_ANY);
	bpf_seq_write(ctx->meta->seq, &nstgid, sizeof(nstgid));
	return 0;
}

SEC("tp_btf/cap_capable")
int BPF_PROG(on_cap_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct cap_key k = { .cap = (__u32)cap & 63, .granted = ret == 0 };
	struct pt_regs *regs;
	__u64 *v, one = 1;

	if (!is_traced(tgid))
		return 0;
	/* The syscall in progress (orig_ax), -1 outside one: says what the check was for. */
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	k.nr = regs ? (__s32)BPF_CORE_READ(regs, orig_ax) : -1;
	v = bpf_map_lookup_elem(&caps, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&caps, &k, &one, BPF_NOEXIST);
	return 0;
}
