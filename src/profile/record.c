/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The recording loop: a back end's events through the summarizer into a profile. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "profile/manager.h"
#include "profile/summarize.h"
#include "profile/tracer.h"

static double elapsed(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static const struct tracer_ops *ops_for(enum sdh_profile_backend b)
{
	return b == SDH_PROFILE_BACKEND_BPF ? &tracer_bpf_ops : &tracer_seccomp_ops;
}

static int meta_init(struct sdh_profile_meta *m, const struct sdh_record_options *o,
		     const struct tracer_ops *ops)
{
	struct utsname u;
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	m->backend = strdup(ops->name);
	m->syscall_method = strdup(ops->syscall_method);
	m->capability_method = strdup(ops->capability_method);
	m->target = strdup(o->command   ? "command"
			   : o->pid > 0 ? "pid"
			   : o->unit    ? "unit"
					: "cgroup");
	if (o->command && !(m->command = strv_copy(o->command)))
		return -ENOMEM;
	if (uname(&u) == 0) {
		m->kernel = strdup(u.release);
		m->arch = strdup(u.machine);
	}
	if (o->systemd)
		m->systemd = strdup(o->systemd);
	if (gmtime_r(&now, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		m->started = strdup(buf);
	if (!m->backend || !m->syscall_method || !m->capability_method || !m->target)
		return -ENOMEM;
	return 0;
}

int sdh_profile_backend_available(enum sdh_profile_backend b)
{
	struct tracer *t = NULL;
	const struct tracer_ops *ops = ops_for(b);
	static char *const probe[] = { (char *)"true", NULL };
	struct sdh_record_options o = { .command = (char **)probe };
	int r;

	if (b == SDH_PROFILE_BACKEND_SECCOMP)
		return 0;
	/* init of the bpf back end loads and verifies the programs: the real test. */
	r = ops->init(&o, NULL, &t);
	if (r >= 0)
		ops->free(t);
	return r;
}

int sdh_profile_record(const struct sdh_record_options *o, struct sdh_profile **ret)
{
	const struct tracer_ops *ops;
	struct sdh_profile *p = NULL;
	struct summarizer *s = NULL;
	struct tracer *t = NULL;
	struct manager_unit *unit = NULL;
	struct trace_unit tu;
	struct timespec start, last, polled;
	struct tev_event *ev = NULL;
	bool stopped = false, unit_ended = false;
	bool unit_down = false; /* we stopped the unit and have not started it again */
	pid_t main_pid = -1;
	char cwd[4096];
	int r, status, unit_status = -1, unit_signal = 0;

	if (!o || !ret || !!o->command + (o->pid > 0) + !!o->cgroup + !!o->unit != 1)
		return -EINVAL;
	if (o->unit) {
		/* Before anything is loaded: a unit that is not loaded leaves nothing behind. */
		if (o->backend == SDH_PROFILE_BACKEND_SECCOMP)
			return -EOPNOTSUPP;
		r = manager_unit_open(o->unit, &unit);
		if (r < 0)
			return r;
		tu = (struct trace_unit){ .cgroup = manager_unit_id(unit),
					  .parent_id = manager_unit_parent_cgroup(unit) };
	}
	if (o->backend == SDH_PROFILE_BACKEND_AUTO)
		ops = ops_for(sdh_profile_backend_available(SDH_PROFILE_BACKEND_BPF) >= 0
				      ? SDH_PROFILE_BACKEND_BPF
				      : SDH_PROFILE_BACKEND_SECCOMP);
	else
		ops = ops_for(o->backend);

	ev = malloc(sizeof(*ev));
	p = sdh_profile_new();
	if (!ev || !p) {
		r = -ENOMEM;
		goto finish;
	}
	r = meta_init(&p->meta, o, ops);
	if (r < 0)
		goto finish;
	if (unit && !(p->meta.unit = strdup(manager_unit_id(unit)))) {
		r = -ENOMEM;
		goto finish;
	}
	r = summarizer_new(p, &s);
	if (r < 0)
		goto finish;
	if (unit) {
		/*
		 * Stop the unit before attaching, so that what its old instance does on the way
		 * out (ExecStop=, signals to its main process) is not taken for the new one's
		 * needs. systemd's default TimeoutStopSec= is 90 s; allow a little more.
		 */
		unit_down = true;
		r = manager_unit_stop_wait(unit, 100 * 1000);
		if (r < 0)
			goto finish;
	}
	r = ops->init(o, unit ? &tu : NULL, &t);
	if (r < 0)
		goto finish;
	clock_gettime(CLOCK_MONOTONIC, &start);
	last = polled = start;
	r = ops->start(t, &main_pid);
	if (r < 0)
		goto finish;
	if (unit) {
		/* Attached: the unit's processes are adopted from their execve on. */
		r = manager_unit_start(unit);
		if (r < 0)
			goto finish;
		unit_down = false;
	}
	if (main_pid > 0) {
		r = summarizer_add_process(s, main_pid, getcwd(cwd, sizeof(cwd)) ? cwd : NULL);
		if (r < 0)
			goto finish;
	}

	for (;;) {
		r = ops->next_event(t, ev, 200);
		if (r == 0)
			break;
		if (r > 0) {
			r = summarizer_add(s, ev);
			if (r < 0)
				goto finish;
		} else if (r != -EAGAIN)
			goto finish;
		if (!stopped && !unit_ended &&
		    ((o->stop && *o->stop) ||
		     (o->duration > 0 && elapsed(&start) >= o->duration))) {
			stopped = true;
			r = ops->stop(t);
			if (r < 0)
				goto finish;
		}
		if (unit && !stopped && !unit_ended && elapsed(&polled) >= 0.2) {
			clock_gettime(CLOCK_MONOTONIC, &polled);
			r = manager_unit_running(unit, &unit_status, &unit_signal);
			if (r < 0)
				goto finish;
			if (r == 0) {
				/* The unit stopped by itself: a complete run. */
				unit_ended = true;
				r = ops->stop(t);
				if (r < 0)
					goto finish;
			}
		}
		if (o->progress && elapsed(&last) >= 0.2) {
			clock_gettime(CLOCK_MONOTONIC, &last);
			o->progress(p->meta.events, elapsed(&start), o->userdata);
		}
	}

	p->meta.duration = elapsed(&start);
	r = ops->main_status(t, &status);
	if (r == -ENOENT || r == -EACCES || r == -ENOEXEC || r == -EPERM)
		goto finish; /* the command could not be started: no profile */
	if (r >= 0) {
		p->meta.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		p->meta.exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	if (unit_ended) {
		p->meta.exit_status = unit_status;
		p->meta.exit_signal = unit_signal;
	}
	/* Without a launched command there is no main status: the end itself says it all. */
	p->meta.complete = !stopped && (o->command ? r >= 0 : true);
	for (size_t i = 0; i < p->n_syscalls && !p->meta.traced; i++)
		p->meta.traced = p->syscalls[i].count > 0;
	if (ops->lost)
		p->meta.lost = ops->lost(t);
	sdh_profile_sort(p);
	*ret = TAKE_PTR(p);
	r = 0;
finish:
	if (t)
		ops->free(t);
	/* Failing to attach must not leave the user's service stopped. */
	if (unit_down)
		(void)manager_unit_start(unit);
	summarizer_free(s);
	manager_unit_free(unit);
	sdh_profile_free(p);
	free(ev);
	return r;
}
