/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Tracing back ends (aesthetics.md §4.8, openssh's sandbox-*.c shape): each fills `struct
 * trace_event`s; summarize.c turns them into profile records.  The caller drives:
 *
 *	init -> start -> next_event ... (until 0) -> stop -> free
 *
 * next_event() returns 1 with an event, -EAGAIN when nothing arrived within the timeout, 0 once
 * the traced processes are gone and everything (aggregated counts too) has been delivered.
 * stop() ends the tracing early (SIGINT, --duration): the back end detaches or kills what it
 * started, after which next_event() delivers what is left and returns 0.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile/trace-event.h"
#include "sdharden/profile.h"

struct tracer;

/*
 * --unit: what to adopt at execve, resolved through the system manager by record.c: the unit's
 * cgroup name ("nginx.service") and the cgroup id of its slice (0 when the slice has no cgroup
 * yet: then the name alone decides).
 */
struct trace_unit {
	const char *cgroup;
	uint64_t parent_id;
};

struct tracer_ops {
	const char *name;
	/* UNIT is NULL unless o->unit is set. */
	int (*init)(const struct sdh_record_options *o, const struct trace_unit *unit,
		    struct tracer **ret);
	/* Launch o->command (or attach).  *ret_pid: the main process, for the exit status. */
	int (*start)(struct tracer *t, pid_t *ret_pid);
	int (*next_event)(struct tracer *t, struct tev_event *ev, int timeout_ms);
	int (*stop)(struct tracer *t);
	void (*free)(struct tracer *t);
	/* Filled after the main process exited: its wait status (exit code/signal). */
	int (*main_status)(struct tracer *t, int *ret_status);
	/* Events the kernel dropped (optional). */
	uint64_t (*lost)(struct tracer *t);
	const char *syscall_method;
	const char *capability_method;
};

extern const struct tracer_ops tracer_bpf_ops;
extern const struct tracer_ops tracer_seccomp_ops;

/* Syscalls with details, by name: the spec and the classification summarize.c applies. */
int trace_spec_for(long nr, struct tev_spec *ret);
/* libseccomp name of a native syscall number, or NULL. */
const char *trace_syscall_name(long nr);

/*
 * Fork a child that waits until trace_child_release(), then runs `pre(userdata)` (may be NULL)
 * and execvp()s ARGV.  ret_ctl: the control fd to release it with; exec errors come back
 * through it (trace_child_release() returns -errno of a failed exec, e.g. -ENOENT).
 */
int trace_child_spawn(char **argv, int (*pre)(void *userdata), void *userdata, pid_t *ret_pid,
		      int *ret_ctl);
int trace_child_release(int ctl);
/* -errno of a failed exec, 0 when it succeeded (or nothing said), -EAGAIN if !WAIT and unsure. */
int trace_child_result(int ctl, bool wait);

/* Per-arch register access for the ptrace back end (arch/<arch>.c). */
struct arch_regs;
int arch_get_syscall(pid_t tid, long *ret_nr, unsigned long long args[6]);
int arch_get_return(pid_t tid, long long *ret);
int arch_is_native(pid_t tid);
