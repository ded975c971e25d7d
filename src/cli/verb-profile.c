/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdharden profile [-o FILE] [--backend=auto|bpf|seccomp] [--duration=SECS] -- COMMAND...
 * sdharden profile --unit=UNIT | --pid=PID | --cgroup=PATH [-o FILE] [--duration=SECS]
 * sdharden profile merge PROFILE... [-o FILE]
 * sdharden profile show PROFILE
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/kb.h"
#include "sdharden/profile.h"

static volatile int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sdharden profile [OPTIONS] -- COMMAND [ARGS...]\n"
		"       sdharden profile --unit=UNIT|--pid=PID|--cgroup=PATH [OPTIONS]\n"
		"       sdharden profile merge PROFILE... [-o FILE]\n"
		"       sdharden profile show PROFILE\n\n"
		"Record the syscalls, capability checks, files, executables, sockets, devices\n"
		"and privileged events of a command and all its descendants.\n\n"
		"  -o, --output=FILE        write the profile here (default: stdout)\n"
		"      --backend=BACKEND    auto (default: bpf if permitted), bpf or seccomp\n"
		"      --duration=SECS      stop recording after SECS seconds\n"
		"      --unit=UNIT          stop UNIT (systemd), start it and follow it from its first\n"
		"                           execve, ExecStartPre= to ExecStartPost= and every\n"
		"                           child, until it stops (bpf)\n"
		"      --pid=PID            follow a running process, its children and new ones (bpf)\n"
		"      --cgroup=PATH        follow the processes of a cgroup2 directory, waiting\n"
		"                           for some if it is empty, until it is empty again (bpf)\n"
		"  -h, --help               this help\n");
}

static void status_line(uint64_t events, double elapsed, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "\r\033[Krecording: %llu events, %.1fs", (unsigned long long)events,
		elapsed);
	fflush(stderr);
}

static int save(const struct sdh_profile *p, const char *out)
{
	int r = sdh_profile_save(p, out ? out : "-");

	if (r < 0) {
		log_error_errno(r, "cannot write profile '%s': %m", out ? out : "-");
		return SDH_EXIT_INTERNAL;
	}
	return SDH_EXIT_OK;
}

static int load(const char *path, struct sdh_profile **ret)
{
	int r = sdh_profile_load(path, ret);

	if (r == -EBADMSG)
		log_error("invalid profile '%s': not a version %d sdharden profile", path,
			  SDH_PROFILE_VERSION);
	else if (r < 0)
		log_error_errno(r, "cannot read profile '%s': %m", path);
	return r;
}

static int do_merge(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sdh_profile *dst;
	const char *out = NULL;
	int c, r, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) >= 0)
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return SDH_EXIT_OK;
		default: return SDH_EXIT_USAGE;
		}
	if (optind >= argc) {
		log_error("missing profile: 'profile merge' needs at least one file");
		return SDH_EXIT_USAGE;
	}
	dst = sdh_profile_new();
	if (!dst)
		return log_oom(), SDH_EXIT_INTERNAL;
	for (int i = optind; i < argc; i++) {
		struct sdh_profile *p = NULL;

		if (load(argv[i], &p) < 0) {
			sdh_profile_free(dst);
			return SDH_EXIT_FINDINGS;
		}
		r = sdh_profile_merge(dst, p);
		sdh_profile_free(p);
		if (r < 0) {
			sdh_profile_free(dst);
			return log_oom(), SDH_EXIT_INTERNAL;
		}
	}
	ret = save(dst, out);
	sdh_profile_free(dst);
	return ret;
}

static int do_show(int argc, char *argv[])
{
	struct sdh_profile *p = NULL;
	int r;

	if (argc != 2) {
		log_error("wrong arguments: 'profile show' takes one profile file");
		return SDH_EXIT_USAGE;
	}
	if (load(argv[1], &p) < 0)
		return SDH_EXIT_FINDINGS;
	r = sdh_profile_show(p, stdout);
	sdh_profile_free(p);
	return r < 0 ? SDH_EXIT_INTERNAL : SDH_EXIT_OK;
}

enum {
	ARG_BACKEND = 0x100,
	ARG_DURATION,
	ARG_PID,
	ARG_CGROUP,
	ARG_UNIT,
};

static int parse_backend(const char *s, enum sdh_profile_backend *ret)
{
	if (streq(s, "auto"))
		*ret = SDH_PROFILE_BACKEND_AUTO;
	else if (streq(s, "bpf"))
		*ret = SDH_PROFILE_BACKEND_BPF;
	else if (streq(s, "seccomp") || streq(s, "ptrace"))
		*ret = SDH_PROFILE_BACKEND_SECCOMP;
	else
		return -EINVAL;
	return 0;
}

static int record_error(int r, const struct sdh_record_options *o)
{
	switch (r) {
	case -ENOENT:
		if (o->unit) {
			log_error("unit not loaded: '%s'", o->unit);
			return SDH_EXIT_FINDINGS;
		}
		if (o->command)
			log_error("command not found: '%s'", o->command[0]);
		else
			log_error("no such process or cgroup: '%s'", o->cgroup ? o->cgroup : "pid");
		return SDH_EXIT_USAGE;
	case -ESRCH: log_error("no such process or cgroup to attach to"); return SDH_EXIT_USAGE;
	case -ETIMEDOUT:
		if (!o->unit)
			break;
		log_error("unit '%s' did not stop in time; nothing was recorded", o->unit);
		return SDH_EXIT_FINDINGS;
	case -ENOEXEC:
		log_error_errno(r, "cannot execute '%s': %m", o->command ? o->command[0] : "?");
		return SDH_EXIT_USAGE;
	case -EACCES:
		if (o->unit) {
			log_error("permission denied: cannot stop or start unit '%s'", o->unit);
			return SDH_EXIT_NOPERM;
		}
		log_error_errno(r, "cannot execute '%s': %m", o->command ? o->command[0] : "?");
		return SDH_EXIT_USAGE;
	case -EPERM:
		log_error("permission denied: the %s back end needs %s",
			  o->backend == SDH_PROFILE_BACKEND_SECCOMP ? "seccomp" : "bpf",
			  o->backend == SDH_PROFILE_BACKEND_SECCOMP
				  ? "ptrace access"
				  : "CAP_BPF and CAP_PERFMON (root)");
		return SDH_EXIT_NOPERM;
	case -ENOTCONN:
		log_error("cannot profile unit '%s': no system manager reachable (systemd not "
			  "running?)",
			  o->unit ? o->unit : "?");
		return SDH_EXIT_FINDINGS;
	case -EOPNOTSUPP:
		if (!o->command)
			log_error("unsupported: --unit, --pid and --cgroup need the bpf back end");
		else
#ifdef SDH_WITH_BPF
			log_error("unsupported: the bpf back end needs libbpf (libbpf.so.1), which "
				  "could not be loaded: install libbpf1, or use --backend=seccomp");
#else
			log_error("unsupported: the bpf back end is not built into this sdharden");
#endif
		return SDH_EXIT_USAGE;
	default: break;
	}
	log_error_errno(r, "recording failed: %m");
	return SDH_EXIT_INTERNAL;
}

int verb_profile(int argc, char *argv[], struct sdh_cli *cli)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "backend", required_argument, NULL, ARG_BACKEND },
		{ "duration", required_argument, NULL, ARG_DURATION },
		{ "pid", required_argument, NULL, ARG_PID },
		{ "cgroup", required_argument, NULL, ARG_CGROUP },
		{ "unit", required_argument, NULL, ARG_UNIT },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sdh_record_options o = { .stop = &stop_requested };
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	struct sdh_profile *p = NULL;
	const char *out = NULL;
	char version[32];
	bool status;
	int c, r, ret;

	if (argc >= 2 && streq(argv[1], "merge"))
		return do_merge(argc - 1, argv + 1);
	if (argc >= 2 && streq(argv[1], "show"))
		return do_show(argc - 1, argv + 1);

	optind = 0;
	while ((c = getopt_long(argc, argv, "+o:h", opts, NULL)) >= 0)
		switch (c) {
		case 'o': out = optarg; break;
		case ARG_BACKEND:
			if (parse_backend(optarg, &o.backend) < 0) {
				log_error("invalid backend '%s': expected auto, bpf or seccomp",
					  optarg);
				return SDH_EXIT_USAGE;
			}
			break;
		case ARG_DURATION: {
			char *end;

			o.duration = strtod(optarg, &end);
			if (*end || !(o.duration > 0)) {
				log_error("invalid duration '%s': expected seconds > 0", optarg);
				return SDH_EXIT_USAGE;
			}
			break;
		}
		case ARG_PID: {
			unsigned pid;

			if (safe_atou(optarg, &pid) < 0 || pid == 0 || pid > INT32_MAX) {
				log_error("invalid pid '%s'", optarg);
				return SDH_EXIT_USAGE;
			}
			o.pid = (int)pid;
			break;
		}
		case ARG_CGROUP: o.cgroup = optarg; break;
		case ARG_UNIT: o.unit = optarg; break;
		case 'h': usage(stdout); return SDH_EXIT_OK;
		default: return SDH_EXIT_USAGE;
		}
	if (optind < argc)
		o.command = argv + optind;
	if (!!o.command + (o.pid > 0) + !!o.cgroup + !!o.unit != 1) {
		log_error("wrong arguments: give one of -- COMMAND, --unit, --pid or --cgroup");
		return SDH_EXIT_USAGE;
	}
	if (cli->version) {
		snprintf(version, sizeof(version), "%u.%u", SDH_VERSION_MAJOR(cli->version),
			 SDH_VERSION_MINOR(cli->version));
		o.systemd = version;
	}
	status = !cli->quiet && isatty(STDERR_FILENO);
	if (status)
		o.progress = status_line;

	/* No SA_RESTART: a signal must interrupt the tracer's wait so it can stop. */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, &old_int);
	(void)sigaction(SIGTERM, &sa, &old_term);
	r = sdh_profile_record(&o, &p);
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigaction(SIGTERM, &old_term, NULL);
	if (status)
		fputs("\r\033[K", stderr);
	if (r < 0)
		return record_error(r, &o);
	if (!p->meta.traced)
		log_warning("nothing was traced: the profile is empty");
	else if (!p->meta.complete)
		log_info("recording stopped before the traced processes ended");
	ret = save(p, out);
	sdh_profile_free(p);
	return ret;
}
