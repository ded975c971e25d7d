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
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "profile/trace-event.h"

char LICENSE[] SEC("license") = "GPL";

/* cgroup mode: adopt processes of this cgroup (id = inode of its directory) at execve. */
const volatile __u64 target_cgroup = 0;

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

static __always_inline void emit(struct tev_event *ev)
{
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0) < 0)
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
	ev->pid = tgid;
	ev->tid = tid;
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

static __always_inline void emit_small(__u32 type, __u32 pid, __u32 child, __s32 status)
{
	struct tev_event *ev;
	__u32 zero = 0;

	ev = bpf_map_lookup_elem(&scratch, &zero);
	if (!ev)
		return;
	ev->type = type;
	ev->pid = pid;
	ev->tid = pid;
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
	emit_small(TEV_FORK, ptgid, ctgid, 0);
	return 0;
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
		if (!in_target_cgroup())
			return 0;
		bpf_map_update_elem(&traced, &tgid, &one, BPF_ANY);
	}
	emit_small(TEV_EXEC, tgid, 0, 0);
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
	emit_small(TEV_EXIT, tgid, 0, p->exit_code);
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
