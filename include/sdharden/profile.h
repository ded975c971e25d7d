/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Profiles: what a command or service really used while it ran.  A profile is recorded by
 * `sdharden profile` (sdh_profile_record()), saved as JSON (schema: doc/profile-schema.md,
 * "version": 1), read back with sdh_profile_load()/sdh_profile_parse(), combined with
 * sdh_profile_merge(), and consumed by `sdharden suggest`.
 *
 * Lifecycle:
 *	struct sdh_profile *p = NULL;
 *	r = sdh_profile_load("nginx.json", &p);     (-errno; -EBADMSG for a malformed profile)
 *	for (size_t i = 0; i < p->n_syscalls; i++) ... p->syscalls[i].name ...
 *	sdh_profile_free(p);
 *
 * Every array is sorted by its key (see each struct) and holds no duplicates, both after
 * recording and after loading, so callers may bsearch or compare profiles record by record.
 * Counts are occurrences during the run; "ok"/"failed" split them by the syscall's result.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SDH_PROFILE_VERSION 1

/* One syscall.  Key: name.  A syscall libseccomp cannot name is "#NR" with name_known false. */
struct sdh_profile_syscall {
	char *name;
	int nr; /* native (x86_64) number, -1 if unknown (profile from another arch) */
	uint64_t count;
};

/*
 * Kernel capability checks (cap_capable).  Key: cap.  `routine` counts the checks made by the
 * kernel on the process's behalf that do not express a need (CAP_SYS_ADMIN during mmap/brk for
 * overcommit accounting, ...); `needed` is true when some check was not routine.  The method
 * is in meta.capability_method.
 */
struct sdh_profile_cap {
	unsigned cap; /* 0..63 */
	uint64_t checked, granted, denied, routine;
	bool needed;
	char **syscalls; /* strv: syscalls during which non-routine checks happened, sorted */
};

/* File accesses.  Key: (path, access). */
enum sdh_file_access {
	SDH_FILE_READ,
	SDH_FILE_WRITE,
	SDH_FILE_CREATE,
	SDH_FILE_DELETE,
	SDH_FILE_EXEC,
	SDH_FILE_CHMOD,
	SDH_FILE_CHOWN,
	SDH_FILE_MKDIR,
	SDH_FILE_ACCESS_MAX,
};

struct sdh_profile_file {
	char *path; /* absolute, resolved through dirfd and cwd; not through symlinks */
	enum sdh_file_access access;
	uint64_t ok, failed;
	char *error; /* errno name of the last failure ("ENOENT"), NULL if none failed */
};

/*
 * Executed binaries.  Key: path.  interpreter: "#!" line's program or ELF PT_INTERP.  argv: the
 * command line of every run whose command line could be read; NULL when none could, or, with
 * argv_unknown, when they differed.
 */
struct sdh_profile_exec {
	char *path;
	char *interpreter; /* NULL: none or unreadable */
	uint64_t ok, failed;
	char **argv;
	bool argv_unknown;
};

/*
 * Socket activity.  Key: (op, family, type, address, port).  op "socket" has no address;
 * "bind" and "connect" carry the address ("0.0.0.0", "::1", "/run/x.sock", "@abstract",
 * "netlink:GROUPS") and the port (0 when none); "listen" the address bound before, if known.
 */
struct sdh_profile_socket {
	char *op;     /* "socket", "bind", "listen", "connect" */
	char *family; /* "AF_INET", ..., or "AF_#NR" */
	char *type;   /* "SOCK_STREAM", "SOCK_DGRAM", ..., "" when unknown */
	char *address;
	unsigned port;
	uint64_t ok, failed;
};

/* Device nodes opened.  Key: (path, mode). */
struct sdh_profile_device {
	char *path;
	char type; /* 'c' or 'b' */
	unsigned major, minor;
	char mode[3]; /* "r", "w", "rw" */
	uint64_t ok, failed;
};

/*
 * Rarer privileged events.  Key: (kind, syscall, detail).  kinds (doc/profile-schema.md):
 * namespace personality realtime setuid setgid suid-bit mount module kexec reboot clock
 * hostname kernel-log proc-sys-write sys-write keyring ptrace signal-foreign mlock bpf perf
 * wx-mapping.
 */
struct sdh_profile_event {
	char *kind;
	char *syscall;
	char *detail; /* "" when none: flags, target, ... */
	uint64_t ok, failed;
};

struct sdh_profile_meta {
	char *backend;           /* "bpf", "seccomp", or "merged" */
	char *syscall_method;    /* how syscalls were counted, in words */
	char *capability_method; /* how capability checks were seen and routine ones told apart */
	char **command;          /* strv, NULL for --unit/--pid/--cgroup */
	char *unit;              /* --unit */
	char *target;            /* "command", "unit", "pid", "cgroup" */
	char *kernel;            /* uname -r */
	char *systemd;           /* systemd version string, NULL if unknown */
	char *arch;              /* "x86_64" */
	char *started;           /* ISO 8601 UTC */
	double duration;         /* seconds */
	bool complete;           /* the traced processes all exited, the cgroup emptied or the unit
				  * stopped (not interrupted/timed out) */
	bool traced;             /* at least one syscall was recorded: false means an empty profile
				  * (nothing ran in the cgroup, the unit never exec'd, ...) */
	int exit_status;         /* of the main process: exit code, or -1 */
	int exit_signal;         /* killing signal, or 0 */
	uint64_t processes;      /* processes seen */
	uint64_t events;         /* detailed events handled */
	uint64_t lost;           /* events the kernel dropped (ring buffer full) */
	unsigned merged;         /* number of profiles merged into this one, 0 if recorded */
};

struct sdh_profile {
	unsigned version;
	struct sdh_profile_meta meta;
	struct sdh_profile_syscall *syscalls;
	size_t n_syscalls;
	struct sdh_profile_cap *caps;
	size_t n_caps;
	struct sdh_profile_file *files;
	size_t n_files;
	struct sdh_profile_exec *execs;
	size_t n_execs;
	struct sdh_profile_socket *sockets;
	size_t n_sockets;
	struct sdh_profile_device *devices;
	size_t n_devices;
	struct sdh_profile_event *events;
	size_t n_events;
};

const char *sdh_file_access_to_string(enum sdh_file_access a);
int sdh_file_access_from_string(const char *s); /* enum value or -EINVAL */

struct sdh_profile *sdh_profile_new(void);
struct sdh_profile *sdh_profile_free(struct sdh_profile *p);

/* Parse a JSON profile.  -EBADMSG when it is not a version-1 profile, -ENOMEM. */
int sdh_profile_parse(const char *text, size_t len, struct sdh_profile **ret);
/* Read and parse PATH ("-" is stdin). */
int sdh_profile_load(const char *path, struct sdh_profile **ret);
/* JSON text (heap, NUL-terminated), pretty-printed, keys in schema order. */
int sdh_profile_to_json(const struct sdh_profile *p, char **ret);
int sdh_profile_save(const struct sdh_profile *p, const char *path);
/* Union of SRC into DST: records joined by key, counts added, meta.merged counted. */
int sdh_profile_merge(struct sdh_profile *dst, const struct sdh_profile *src);
/* A readable summary. */
int sdh_profile_show(const struct sdh_profile *p, FILE *f);

/* Adding records (the recorder, tests): find or add by key, then add the counts.  -ENOMEM. */
int sdh_profile_add_syscall(struct sdh_profile *p, const char *name, int nr, uint64_t count);
int sdh_profile_add_cap(struct sdh_profile *p, unsigned cap, bool granted, bool routine,
			const char *syscall, uint64_t count);
int sdh_profile_add_file(struct sdh_profile *p, const char *path, enum sdh_file_access a, int error,
			 uint64_t count);
int sdh_profile_add_exec(struct sdh_profile *p, const char *path, const char *interpreter,
			 int error, uint64_t count);
/*
 * Record a command line PATH ran with (PATH must have been added): ARGV NULL, a run that could
 * not be read; DIFFERED, runs known to differ (a merged or parsed record).
 */
int sdh_profile_add_exec_argv(struct sdh_profile *p, const char *path, char *const *argv,
			      bool differed);
int sdh_profile_add_socket(struct sdh_profile *p, const char *op, const char *family,
			   const char *type, const char *address, unsigned port, int error,
			   uint64_t count);
int sdh_profile_add_device(struct sdh_profile *p, const char *path, char type, unsigned major,
			   unsigned minor, const char *mode, int error, uint64_t count);
int sdh_profile_add_event(struct sdh_profile *p, const char *kind, const char *syscall,
			  const char *detail, int error, uint64_t count);
/* Sort every array by key (after adding). */
void sdh_profile_sort(struct sdh_profile *p);

/* Lookups on a sorted profile, NULL when absent. */
const struct sdh_profile_syscall *sdh_profile_find_syscall(const struct sdh_profile *p,
							   const char *name);
const struct sdh_profile_cap *sdh_profile_find_cap(const struct sdh_profile *p, unsigned cap);
const struct sdh_profile_file *sdh_profile_find_file(const struct sdh_profile *p, const char *path,
						     enum sdh_file_access a);

/* Recording. */
enum sdh_profile_backend {
	SDH_PROFILE_BACKEND_AUTO,
	SDH_PROFILE_BACKEND_BPF,
	SDH_PROFILE_BACKEND_SECCOMP,
};

struct sdh_record_options {
	enum sdh_profile_backend backend;
	char **command;           /* run this (argv), or: */
	int pid;                  /* attach to this process tree (bpf only), or: */
	const char *cgroup;       /* every process of this cgroup2 directory (bpf only), or: */
	const char *unit;         /* restart this unit of the system manager and follow it from
				   * its first execve (bpf only); "nginx" means nginx.service */
	double duration;          /* stop after this many seconds, 0: no limit */
	const char *systemd;      /* systemd version for meta, NULL if unknown */
	volatile const int *stop; /* set non-zero (from a signal handler) to stop */
	/* Called about every 200 ms with the events so far; may be NULL. */
	void (*progress)(uint64_t events, double elapsed, void *userdata);
	void *userdata;
};

/*
 * Record a profile.  Returns 0 with *ret set (meta says whether the run was complete), or
 * -ENOENT (command not found, or unit not loaded: meta not produced), -EPERM (no privilege
 * for the backend), -EOPNOTSUPP (backend not built), -ESRCH (no such pid/cgroup), -ENOTCONN
 * (--unit: no system manager reachable), -EACCES (--unit: restart refused), other -errno.
 * Nothing traced or created is left behind on any return.
 *
 * Ends when: a command's processes have all exited; a --pid tree has; a --cgroup that has had
 * processes is empty again (one empty at the start is waited for); a --unit is inactive or
 * failed with no job pending; or on *stop / duration (then meta.complete is false).
 */
int sdh_profile_record(const struct sdh_record_options *o, struct sdh_profile **ret);
/* Whether a backend can run here: 0, -EOPNOTSUPP (not built), -EPERM. */
int sdh_profile_backend_available(enum sdh_profile_backend b);
