/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdh_suggest(): the rules that turn a profile (what a service really used) into a hardening
 * drop-in.  One function per directive (or per group of directives that share their evidence),
 * called in the order of the `rules[]` table at the end of this file, which follows the order of
 * the security checks in the knowledge base (User= first, AmbientCapabilities= last) with each
 * unscored companion (ReadWritePaths=, SystemCallErrorNumber=, ...) after the directive it
 * belongs to.
 *
 * Two modes: SAFE leaves out what a code path not exercised while profiling could plausibly
 * need; STRICT takes the profile at its word.  Without a profile, rules fall back to a static
 * choice that is safe for almost any daemon (what systemd's own units use without exception).
 *
 * How to add a directive: write `static int rule_x(struct ctx *c)` that calls emit() (the
 * directive, its value and the evidence) or omit() (why not), and put it in `rules[]` at the
 * position of its check.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/path-util.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "sdharden/gen.h"
#include "sdharden/kb.h"
#include "sdharden/settings.h"

#define SECTION    "Service"
#define CAP_BIT(n) (UINT64_C(1) << (n))

/* Capability numbers the rules reason about by name. */
enum {
	CAP_NR_CHOWN = 0,
	CAP_NR_SETGID = 6,
	CAP_NR_SETUID = 7,
	CAP_NR_NET_BIND_SERVICE = 10,
	CAP_NR_SYS_ADMIN = 21,
	CAP_NR_SYS_RESOURCE = 24,
};

struct ctx {
	const struct sdh_suggest_options *o;
	const struct sdh_profile *p; /* NULL: static */
	struct sdh_dropin *d;
	bool strict;
	int root_fd;

	/* From the unit. */
	bool unit_nonroot; /* User= names a non-root user, or DynamicUser=yes */
	const char *unit_user;
	struct sdh_settings *before; /* its effective settings; NULL: no unit (nothing to keep) */

	/* A wrapper script that only started one program, and that program's command line. */
	char *wrapper, *exec_line;
	const struct sdh_profile_exec *wrapped;

	/* The fixed identity a root daemon switches to, which we suggest as User=/Group=. */
	char *switch_user, *switch_group;
	char *switch_why;

	/* Derived from the profile. */
	bool dynamic;     /* we suggest DynamicUser=yes */
	bool runs_root;   /* after the drop-in */
	uint64_t caps;    /* capabilities needed (non-routine, granted) */
	char *root_need;  /* why the service needs root or a fixed uid, NULL: it does not */
	char **rw_paths;  /* ReadWritePaths= to add */
	char **dirs[4];   /* StateDirectory= CacheDirectory= LogsDirectory= RuntimeDirectory= */
	char *rw_blocker; /* a write that ProtectSystem=strict cannot allow */
	bool ipc_used;    /* SysV IPC or POSIX message queues */
};

enum {
	DIR_STATE,
	DIR_CACHE,
	DIR_LOGS,
	DIR_RUNTIME
};
static const struct {
	const char *base, *directive;
} dir_kinds[] = {
	[DIR_STATE] = { "/var/lib", "StateDirectory" },
	[DIR_CACHE] = { "/var/cache", "CacheDirectory" },
	[DIR_LOGS] = { "/var/log", "LogsDirectory" },
	[DIR_RUNTIME] = { "/run", "RuntimeDirectory" },
};

/* ---------------------------------------------------------------------------------------- */
/* Helpers */

static bool directive_known(const struct ctx *c, const char *key)
{
	const struct sdh_directive *d = sdh_directive_lookup(key);

	return d && sdh_directive_known_at(d, c->o->version);
}

static int omit(struct ctx *c, const char *key, const char *fmt, ...) printf_attr(3, 4);
static int omit(struct ctx *c, const char *key, const char *fmt, ...)
{
	cleanup_free char *s = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return sdh_dropin_omit(c->d, key, s);
}

/* Add KEY=VALUE (after a reset when RESET) if the target version knows KEY, else omit it. */
static int emit(struct ctx *c, const char *key, const char *value, bool reset, const char *fmt, ...)
	printf_attr(5, 6);
static int emit(struct ctx *c, const char *key, const char *value, bool reset, const char *fmt, ...)
{
	cleanup_free char *s = NULL;
	va_list ap;
	int r;

	if (!directive_known(c, key))
		return omit(c, key, "not known to systemd %u", SDH_VERSION_MAJOR(c->o->version));
	if (fmt) {
		va_start(ap, fmt);
		r = vasprintf(&s, fmt, ap);
		va_end(ap);
		if (r < 0)
			return -ENOMEM;
	}
	return sdh_dropin_add(c->d, SECTION, key, value, reset, s);
}

/* The last value the unit assigns to Service.KEY (an empty assignment counts), or NULL. */
static const char *unit_value(const struct ctx *c, const char *key)
{
	const struct sdh_unit *u = c->o->unit;
	const char *v = NULL;

	if (!u)
		return NULL;
	for (size_t i = 0; i < u->n_assignments; i++)
		if (streq(u->assignments[i].section, SECTION) && streq(u->assignments[i].key, key))
			v = u->assignments[i].value;
	return v;
}

/* Every word of every assignment of Service.KEY since its last reset. */
static int unit_list(const struct ctx *c, const char *key, char ***ret)
{
	const struct sdh_unit *u = c->o->unit;
	cleanup_strv char **l = NULL;

	for (size_t i = 0; u && i < u->n_assignments; i++) {
		const struct sdh_assignment *a = &u->assignments[i];
		const char *p = a->value;
		char *w;
		int r;

		if (!streq(a->section, SECTION) || !streq(a->key, key))
			continue;
		if (isempty(a->value))
			l = strv_free(l);
		while ((r = extract_word(&p, &w, true)) > 0)
			if (strv_consume(&l, w) < 0)
				return -ENOMEM;
		if (r < 0 && r != -EINVAL)
			return r;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static bool unit_bool(const struct ctx *c, const char *key)
{
	const char *v = unit_value(c, key);

	return v && parse_boolean(v) > 0;
}

/* Orders of enumerated settings, weakest first. */
static const char *const protect_system_order[] = { "no", "yes", "full", "strict", NULL };
static const char *const protect_home_order[] = { "no", "read-only", "tmpfs", "yes", NULL };
static const char *const protect_proc_order[] = { "default", "ptraceable", "invisible", "noaccess",
						  NULL };

static int rank_of(const char *const *order, const char *v)
{
	for (int i = 0; v && order[i]; i++)
		if (streq(order[i], v))
			return i;
	return -1;
}

/*
 * Never weaken: when the unit's effective value HAVE is stricter than VALUE, our line would
 * loosen it; leave it out and say so.  Returns 1 (omitted), 0 (go ahead), -ENOMEM.
 */
static int keep_stricter(struct ctx *c, const char *key, const char *have, const char *const *order,
			 const char *value)
{
	int a = rank_of(order, have), b = rank_of(order, value), r;

	if (a < 0 || b < 0 || a <= b)
		return 0;
	r = omit(c, key, "the unit's '%s' is stricter than '%s'", have, value);
	return r < 0 ? r : 1;
}

/*
 * A value that narrows a list the unit may already set (a "~" deny list, "native"): reset, then
 * the unit's own values since its last reset, then ours.  The result equals what the drop-in
 * would add without the reset, but the reset makes it independent of files read earlier.
 */
static int emit_narrowing(struct ctx *c, const char *key, const char *value, const char *reason)
{
	const struct sdh_unit *u = c->o->unit;
	size_t start = 0;
	bool first = true;
	int r;

	for (size_t i = 0; u && i < u->n_assignments; i++)
		if (streq(u->assignments[i].section, SECTION) &&
		    streq(u->assignments[i].key, key) && isempty(u->assignments[i].value))
			start = i + 1;
	for (size_t i = start; u && i < u->n_assignments; i++) {
		const struct sdh_assignment *a = &u->assignments[i];

		if (!streq(a->section, SECTION) || !streq(a->key, key))
			continue;
		r = first ? emit(c, key, a->value, true, "%s (kept: the unit's '%s=%s')", reason,
				 key, a->value)
			  : emit(c, key, a->value, false, NULL);
		if (r < 0)
			return r;
		first = false;
	}
	return first ? emit(c, key, value, true, "%s", reason) : emit(c, key, value, false, NULL);
}

static bool has_syscall(const struct ctx *c, const char *name)
{
	return c->p && sdh_profile_find_syscall(c->p, name);
}

static bool has_event(const struct ctx *c, const char *kind, const struct sdh_profile_event **ret)
{
	for (size_t i = 0; c->p && i < c->p->n_events; i++)
		if (streq(c->p->events[i].kind, kind)) {
			if (ret)
				*ret = &c->p->events[i];
			return true;
		}
	return false;
}

static bool file_is_write(enum sdh_file_access a)
{
	return a == SDH_FILE_WRITE || a == SDH_FILE_CREATE || a == SDH_FILE_DELETE ||
	       a == SDH_FILE_MKDIR || a == SDH_FILE_CHMOD || a == SDH_FILE_CHOWN;
}

/* A file record that counts as evidence: it succeeded, or (safe mode) it was tried and refused. */
static bool file_counts(const struct ctx *c, const struct sdh_profile_file *f)
{
	if (f->ok)
		return true;
	if (c->strict || !f->error)
		return false;
	return streq(f->error, "EACCES") || streq(f->error, "EPERM") || streq(f->error, "EROFS");
}

/* The first file record below one of PREFIXES (NULL-terminated), with a write access if WRITE. */
static const struct sdh_profile_file *find_file_under(const struct ctx *c,
						      const char *const *prefixes, bool write)
{
	for (size_t i = 0; c->p && i < c->p->n_files; i++) {
		const struct sdh_profile_file *f = &c->p->files[i];

		if (!file_counts(c, f) || (write && !file_is_write(f->access)))
			continue;
		for (const char *const *x = prefixes; *x; x++)
			if (path_startswith(f->path, *x))
				return f;
	}
	return NULL;
}

static bool is_proc_pid_path(const char *path)
{
	const char *rest = path_startswith(path, "/proc");
	size_t n;

	if (!rest)
		return false;
	if (isempty(rest) || startswith(rest, "self") || startswith(rest, "thread-self"))
		return true;
	n = strspn(rest, "0123456789");
	return n > 0 && (rest[n] == 0 || rest[n] == '/');
}

static int stat_in_root(const struct ctx *c, const char *path, struct stat *st, bool follow)
{
	if (c->root_fd < 0 || !path_is_absolute(path))
		return -ENOENT;
	if (fstatat(c->root_fd, path[1] ? path + 1 : ".", st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	return 0;
}

static int set_reason(char **dst, const char *fmt, ...) printf_attr(2, 3);
static int set_reason(char **dst, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*dst)
		return 0; /* the first reason found is enough */
	va_start(ap, fmt);
	r = vasprintf(dst, fmt, ap);
	va_end(ap);
	if (r < 0) {
		*dst = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* "CAP_A CAP_B" for a mask, in capability number order. */
static char *caps_to_string(uint64_t mask)
{
	cleanup_strv char **l = NULL;

	for (unsigned i = 0; i < 64; i++) {
		const struct sdh_capability *cap;

		if (!(mask & CAP_BIT(i)) || !(cap = sdh_capability_lookup(i)))
			continue;
		if (strv_extend(&l, cap->name) < 0)
			return NULL;
	}
	return l ? strv_join(l, " ") : strdup("");
}

/* ---------------------------------------------------------------------------------------- */
/* Analysis of the profile, shared by several rules. */

static const char *const setid_syscalls[] = {
	"setuid",      "setgid",      "setreuid",   "setregid",   "setresuid", "setresgid",
	"setgroups",   "setfsuid",    "setfsgid",   "setuid32",   "setgid32",  "setgroups32",
	"setresuid32", "setresgid32", "setreuid32", "setregid32", NULL,
};

static bool uses_setid(const struct ctx *c, const char **ret)
{
	for (const char *const *s = setid_syscalls; *s; s++)
		if (has_syscall(c, *s)) {
			if (ret)
				*ret = *s;
			return true;
		}
	return has_event(c, "setuid", NULL) || has_event(c, "setgid", NULL);
}

/*
 * Syscalls that only move data through, or look up, files: a CAP_SYS_ADMIN or CAP_SYS_RESOURCE
 * check during one of them is the kernel's bookkeeping (reserved blocks, quotas, the file-max
 * limit, trusted.* xattrs that overlayfs reads with its mounter's credentials), not a privilege
 * the service asked for; permission to the file itself is CAP_DAC_* and stays a need.
 */
static const char *const file_io_syscalls[] = {
	"open",      "openat",     "openat2",    "creat",      "read",      "write",
	"pread64",   "pwrite64",   "readv",      "writev",     "preadv",    "pwritev",
	"preadv2",   "pwritev2",   "sendfile",   "splice",     "fallocate", "ftruncate",
	"truncate",  "fsync",      "fdatasync",  "newfstatat", "fstat",     "stat",
	"lstat",     "statx",      "getdents64", "rename",     "renameat",  "renameat2",
	"unlink",    "unlinkat",   "mkdir",      "mkdirat",    "chdir",     "access",
	"faccessat", "faccessat2", "readlink",   "readlinkat", NULL,
};

static bool opens_devices(const struct ctx *c);

static bool cap_check_is_bookkeeping(const struct ctx *c, const struct sdh_profile_cap *k)
{
	if (k->cap != CAP_NR_SYS_ADMIN && k->cap != CAP_NR_SYS_RESOURCE)
		return false;
	/* Kernel tunables and device nodes may really check these on write or open. */
	if (has_event(c, "proc-sys-write", NULL) || has_event(c, "sys-write", NULL) ||
	    opens_devices(c) || !k->syscalls)
		return false;
	STRV_FOREACH(s, k->syscalls)
		if (!strv_contains((char **)file_io_syscalls, *s))
			return false;
	return true;
}

/*
 * The capabilities the service needs: non-routine checks that were granted, limited to what the
 * unit lets it have.  A check made while the capability was outside the bounding set (or, for a
 * non-root service, outside its ambient set) was granted to someone else's credentials
 * (overlayfs acts with its mounter's) and cannot be a need of the service.
 */
static void analyze_caps(struct ctx *c)
{
	uint64_t limit = ~UINT64_C(0);

	if (c->before) {
		limit = c->before->capability_bounding_set;
		if (c->unit_nonroot)
			limit &= c->before->ambient_capabilities;
	}
	for (size_t i = 0; c->p && i < c->p->n_caps; i++) {
		const struct sdh_profile_cap *k = &c->p->caps[i];

		if (!k->needed || k->granted == 0 || k->cap >= 64 || !(limit & CAP_BIT(k->cap)))
			continue;
		if (cap_check_is_bookkeeping(c, k))
			continue;
		c->caps |= CAP_BIT(k->cap);
	}
	/* Privilege drops come in pairs; a path not profiled may change only the group. */
	if (!c->strict) {
		uint64_t ids = CAP_BIT(CAP_NR_SETGID) | CAP_BIT(CAP_NR_SETUID);

		if (c->caps & ids)
			c->caps |= ids & limit;
	}
}

/* PATH below base K; /var/run is the legacy name of /run (a symlink to it wherever systemd runs).
 */
static const char *base_rest(const char *path, size_t k)
{
	const char *rest = path_startswith(path, dir_kinds[k].base);

	if (!rest && k == DIR_RUNTIME)
		rest = path_startswith(path, "/var/run");
	return rest;
}

/* Which well-known base (/var/lib, ...) holds PATH, and the top directory below it. */
static int classify_dir(const char *path, char **ret_top, bool *ret_direct)
{
	for (size_t k = 0; k < ELEMENTSOF(dir_kinds); k++) {
		const char *rest = base_rest(path, k);
		size_t n;

		if (!rest || isempty(rest))
			continue;
		n = strcspn(rest, "/");
		*ret_direct = rest[n] == 0;
		*ret_top = strndup_safe(rest, n);
		return *ret_top ? (int)k : -ENOMEM;
	}
	return -ENOENT;
}

static const char *const no_rw_needed[] = { "/dev", "/proc", "/sys", "/tmp", "/var/tmp", NULL };

/* Is PATH below a tree the sandbox leaves writable, or handles on its own (no_rw_needed)? */
static bool in_no_rw_needed(const char *path)
{
	for (const char *const *x = no_rw_needed; *x; x++)
		if (path_startswith(path, *x))
			return true;
	return false;
}

/* Is PATH already writable through a directory the unit declares (StateDirectory=, ...)? */
static bool unit_declares_dir(const struct ctx *c, const char *path)
{
	for (size_t k = 0; k < ELEMENTSOF(dir_kinds); k++) {
		cleanup_strv char **l = NULL;

		if (unit_list(c, dir_kinds[k].directive, &l) < 0)
			continue;
		STRV_FOREACH(x, l) {
			cleanup_free char *full = path_join(dir_kinds[k].base, *x);
			const char *rest = base_rest(path, k);

			if (full &&
			    (path_startswith(path, full) || (rest && path_startswith(rest, *x))))
				return true;
		}
	}
	return false;
}

static char *strjoin_dash(const char *path)
{
	char *s = NULL;

	return asprintf(&s, "-%s", path) < 0 ? NULL : s;
}

static int add_unique(char ***l, const char *s)
{
	return strv_contains(*l, s) ? 0 : strv_extend(l, s);
}

/*
 * Map every observed write to what ProtectSystem=strict needs to allow it: a directory of a
 * well-known base (StateDirectory= etc. when the user is dynamic, else ReadWritePaths=), the file
 * itself when it was only written, or its directory when entries were created or removed there.
 */
static int analyze_writes(struct ctx *c)
{
	int r;

	for (size_t i = 0; c->p && i < c->p->n_files; i++) {
		const struct sdh_profile_file *f = &c->p->files[i];
		cleanup_free char *top = NULL, *target = NULL;
		bool direct = false, entry_change;
		struct stat st;
		int k;

		if (!file_counts(c, f) || !file_is_write(f->access) || !path_is_absolute(f->path))
			continue;
		if (in_no_rw_needed(f->path) || unit_declares_dir(c, f->path))
			continue;
		entry_change = f->access == SDH_FILE_CREATE || f->access == SDH_FILE_DELETE ||
			       f->access == SDH_FILE_MKDIR;

		k = classify_dir(f->path, &top, &direct);
		if (k == -ENOMEM)
			return -ENOMEM;
		if (k >= 0 && (!direct || (f->access == SDH_FILE_MKDIR))) {
			/* Below /var/lib/X, /run/X, ...: the whole of X, one directive each. */
			cleanup_free char *full = path_join(dir_kinds[k].base, top);

			if (!full)
				return -ENOMEM;
			if (c->dynamic || c->switch_user ||
			    sdh_profile_find_file(c->p, full, SDH_FILE_MKDIR))
				/* systemd creates it (and hands it to the dynamic user). */
				r = add_unique(&c->dirs[k], top);
			else if (stat_in_root(c, full, &st, true) >= 0)
				r = add_unique(&c->rw_paths, full);
			else {
				/* Not in the root: tolerate its absence rather than fail to start.
				 */
				cleanup_free char *opt = strjoin_dash(full);

				r = opt ? add_unique(&c->rw_paths, opt) : -ENOMEM;
			}
			if (r < 0)
				return r;
			continue;
		}
		if (c->dynamic) {
			/* Checked by analyze_root_need(): cannot happen. */
			r = set_reason(&c->rw_blocker, "write to '%s'", f->path);
			if (r < 0)
				return r;
			continue;
		}
		/* A file written in place stays put; created or removed ones need their directory.
		 */
		if (entry_change || !c->strict)
			target = path_dirname(f->path);
		else
			target = strdup(f->path);
		if (!target)
			return -ENOMEM;
		if (!c->strict && k < 0 && !entry_change &&
		    stat_in_root(c, f->path, &st, true) >= 0 && S_ISREG(st.st_mode)) {
			/* An existing file outside the bases (/etc/x, /var/log/wtmp): the file. */
			free(target);
			target = strdup(f->path);
			if (!target)
				return -ENOMEM;
		}
		if (k >= 0 && direct && !entry_change) {
			free(target);
			target = strdup(f->path); /* /var/log/wtmp, /run/utmp: written in place */
			if (!target)
				return -ENOMEM;
		}
		if (streq(target, "/")) {
			r = set_reason(&c->rw_blocker, "entries created in '/' ('%s')", f->path);
			if (r < 0)
				return r;
			continue;
		}
		r = add_unique(&c->rw_paths, target);
		if (r < 0)
			return r;
	}
	strv_sort(c->rw_paths);
	/* Drop entries below another entry. */
	for (size_t i = 0; c->rw_paths && c->rw_paths[i];) {
		bool covered = false;

		for (size_t j = 0; c->rw_paths[j]; j++)
			if (j != i && path_startswith(c->rw_paths[i], c->rw_paths[j]))
				covered = true;
		if (covered) {
			free(c->rw_paths[i]);
			memmove(&c->rw_paths[i], &c->rw_paths[i + 1],
				(strv_length(c->rw_paths + i + 1) + 1) * sizeof(char *));
		} else
			i++;
	}
	return 0;
}

/* ---- Switching a root daemon to the user it drops to ---- */

/*
 * Split the next line of a colon-separated file (/etc/passwd, /etc/group) at *P into at most
 * N fields; advances *P.  Returns the line (to free), NULL on OOM; fields beyond it are NULL.
 */
static char *next_colon_line(const char **p, char **f, size_t n)
{
	size_t len = strcspn(*p, "\n");
	char *line = strndup_safe(*p, len), *q;

	*p += len + ((*p)[len] == '\n');
	if (!line)
		return NULL;
	memset(f, 0, n * sizeof(*f));
	q = line;
	for (size_t i = 0; i < n && q; i++) {
		f[i] = q;
		q = strchr(q, ':');
		if (q)
			*q++ = 0;
	}
	return line;
}

/*
 * Field 0 (the name) of the line of the root's /etc/passwd or /etc/group whose field 2 is ID;
 * *ret_gid (may be NULL) gets field 3.  Members (field 3 of /etc/group) of groups that list
 * NAME go to *ret_member_of when it is not NULL.  -ENOENT when not found.
 */
static int lookup_id(const struct ctx *c, const char *file, unsigned id, char **ret_name,
		     unsigned *ret_gid)
{
	cleanup_free char *text = NULL;
	const char *p;
	int r;

	if (c->root_fd < 0)
		return -ENOENT;
	r = read_full_file_at(c->root_fd, file, SDH_FILE_SIZE_MAX, &text, NULL);
	if (r < 0)
		return r;
	for (p = text; *p;) {
		char *f[4];
		cleanup_free char *line = next_colon_line(&p, f, ELEMENTSOF(f));
		unsigned v, g = 0;

		if (!line)
			return -ENOMEM;
		if (!f[2] || safe_atou(f[2], &v) < 0 || v != id)
			continue;
		if (ret_gid && (!f[3] || safe_atou(f[3], &g) < 0))
			continue;
		*ret_name = strdup(f[0]);
		if (!*ret_name)
			return -ENOMEM;
		if (ret_gid)
			*ret_gid = g;
		return 0;
	}
	return -ENOENT;
}

/* gids of the groups of the root's /etc/group that list USER as a member. */
static int member_gids(const struct ctx *c, const char *user, unsigned *gids, size_t max, size_t *n)
{
	cleanup_free char *text = NULL;
	const char *p;
	int r;

	r = read_full_file_at(c->root_fd, "etc/group", SDH_FILE_SIZE_MAX, &text, NULL);
	if (r < 0)
		return r;
	for (p = text; *p && *n < max;) {
		char *f[4], *q;
		cleanup_free char *line = next_colon_line(&p, f, ELEMENTSOF(f));
		unsigned v;

		if (!line)
			return -ENOMEM;
		if (!f[3] || safe_atou(f[2], &v) < 0)
			continue;
		for (char *m = strtok_r(f[3], ",", &q); m; m = strtok_r(NULL, ",", &q))
			if (streq(m, user))
				gids[(*n)++] = v;
	}
	return 0;
}

/*
 * Does the group the service runs with give access to nobody else?  1 when USER's group (GROUP,
 * or USER's primary group) has no other member in the root's /etc/group and is nobody else's
 * primary group in /etc/passwd; 0 when it has, or when it cannot be told.
 */
static int group_is_private(const struct ctx *c, const char *user, const char *group)
{
	cleanup_free char *pw = NULL, *gr = NULL;
	unsigned gid = UINT_MAX, v;
	const char *p;
	char *f[4];

	if (isempty(user) || c->root_fd < 0 ||
	    read_full_file_at(c->root_fd, "etc/passwd", SDH_FILE_SIZE_MAX, &pw, NULL) < 0 ||
	    read_full_file_at(c->root_fd, "etc/group", SDH_FILE_SIZE_MAX, &gr, NULL) < 0)
		return 0;
	for (p = gr; !isempty(group) && *p;) {
		cleanup_free char *line = next_colon_line(&p, f, ELEMENTSOF(f));

		if (!line)
			return -ENOMEM;
		if (f[2] && streq(f[0], group) && safe_atou(f[2], &v) >= 0)
			gid = v;
	}
	for (p = pw; isempty(group) && *p;) {
		cleanup_free char *line = next_colon_line(&p, f, ELEMENTSOF(f));

		if (!line)
			return -ENOMEM;
		if (f[3] && streq(f[0], user) && safe_atou(f[3], &v) >= 0)
			gid = v;
	}
	if (gid == UINT_MAX || gid == 0)
		return 0;
	for (p = pw; *p;) {
		cleanup_free char *line = next_colon_line(&p, f, ELEMENTSOF(f));

		if (!line)
			return -ENOMEM;
		if (f[3] && !streq(f[0], user) && safe_atou(f[3], &v) >= 0 && v == gid)
			return 0;
	}
	for (p = gr; *p;) {
		cleanup_free char *line = next_colon_line(&p, f, ELEMENTSOF(f));
		char *q;

		if (!line)
			return -ENOMEM;
		if (!f[3] || safe_atou(f[2], &v) < 0 || v != gid)
			continue;
		for (char *m = strtok_r(f[3], ",", &q); m; m = strtok_r(NULL, ",", &q))
			if (!streq(m, user))
				return 0;
	}
	return 1;
}

struct identity {
	unsigned uid, gids[32];
	size_t n_gids;
};

/* Would IDENTITY get WANT (4 read, 2 write, 1 search) on a file with ST's owner and mode? */
static bool may_access(const struct identity *id, const struct stat *st, unsigned want)
{
	unsigned m = st->st_mode;

	if (st->st_uid == id->uid)
		return ((m >> 6) & want) == want;
	for (size_t i = 0; i < id->n_gids; i++)
		if (st->st_gid == id->gids[i])
			return ((m >> 3) & want) == want;
	return (m & want) == want;
}

/* The one id the set-id events of KIND switch to: 1 found, 0 none, -1 several or root. */
static int setid_target(const struct ctx *c, const char *kind, unsigned *ret)
{
	bool found = false;

	for (size_t i = 0; i < c->p->n_events; i++) {
		const struct sdh_profile_event *e = &c->p->events[i];
		unsigned v;

		if (!streq(e->kind, kind) || startswith(e->syscall, "setgroups"))
			continue;
		if (streq(strempty(e->detail), "-1"))
			continue; /* "leave unchanged" */
		if (safe_atou(strempty(e->detail), &v) < 0 || v == 0 || (found && v != *ret))
			return -1;
		*ret = v;
		found = true;
	}
	return found;
}

/*
 * Why IDENTITY could not do what the profile shows the service doing, NULL if it could: every
 * file it used must be open to it by owner, group and mode, except below /run/X, /var/lib/X
 * and the like, which systemd creates and hands to the User= (RuntimeDirectory= etc.).
 */
static int identity_blocker(const struct ctx *c, const struct identity *id, char **ret)
{
	for (size_t i = 0; i < c->p->n_files; i++) {
		const struct sdh_profile_file *f = &c->p->files[i];
		cleanup_free char *top = NULL, *dir = NULL;
		const char *target = f->path;
		bool direct = false;
		unsigned want = 4;
		struct stat st;
		int k;

		if (!f->ok || f->access == SDH_FILE_EXEC || !path_is_absolute(f->path))
			continue;
		if (in_no_rw_needed(f->path))
			continue;
		k = classify_dir(f->path, &top, &direct);
		if (k == -ENOMEM)
			return -ENOMEM;
		if (k >= 0 && !direct && file_is_write(f->access))
			continue;
		switch (f->access) {
		case SDH_FILE_CHOWN:
			return asprintf(ret, "changes the owner of '%s'", f->path) < 0 ? -ENOMEM
										       : 0;
		case SDH_FILE_CREATE:
		case SDH_FILE_DELETE:
		case SDH_FILE_MKDIR:
			dir = path_dirname(f->path);
			if (!dir)
				return -ENOMEM;
			target = dir;
			want = 3;
			break;
		case SDH_FILE_WRITE:
		case SDH_FILE_CHMOD: want = 2; break;
		default: break;
		}
		if (stat_in_root(c, target, &st, true) < 0) {
			if (want == 4)
				continue; /* not in the root: nothing to compare with */
			return asprintf(ret, "writes '%s', whose owner is unknown", f->path) < 0
				       ? -ENOMEM
				       : 0;
		}
		if (S_ISDIR(st.st_mode) && want == 4)
			want = 5;
		if (f->access == SDH_FILE_CHMOD ? st.st_uid != id->uid : !may_access(id, &st, want))
			return asprintf(ret, "%s '%s' (owner %u:%u, mode %04o)",
					want == 4 || want == 5 ? "reads"
					: want == 2            ? "writes"
							       : "changes entries of",
					target, (unsigned)st.st_uid, (unsigned)st.st_gid,
					(unsigned)(st.st_mode & 07777)) < 0
				       ? -ENOMEM
				       : 0;
	}
	for (size_t i = 0; i < c->p->n_sockets; i++) {
		const struct sdh_profile_socket *so = &c->p->sockets[i];
		cleanup_free char *top = NULL, *dir = NULL;
		bool direct = false;
		struct stat st;
		int k;

		if (!streq(so->op, "bind") || !so->ok || !path_is_absolute(so->address))
			continue;
		k = classify_dir(so->address, &top, &direct);
		if (k == -ENOMEM)
			return -ENOMEM;
		if (k >= 0 && !direct)
			continue;
		dir = path_dirname(so->address);
		if (!dir)
			return -ENOMEM;
		if (stat_in_root(c, dir, &st, true) < 0 || !may_access(id, &st, 3))
			return asprintf(ret, "binds the socket '%s'", so->address) < 0 ? -ENOMEM
										       : 0;
	}
	*ret = NULL;
	return 0;
}

/* Does PATH below the root start with "#!"?  -1: unreadable. */
static int is_script(const struct ctx *c, const char *path)
{
	cleanup_fd int fd = -1;
	char h[2];

	if (!path_is_absolute(path) || c->root_fd < 0 ||
	    (fd = openat(c->root_fd, path + 1, O_RDONLY | O_CLOEXEC)) < 0 ||
	    read(fd, h, sizeof(h)) != (ssize_t)sizeof(h))
		return -1;
	return memcmp(h, "#!", 2) == 0;
}

/*
 * A script (or an unreadable program) among what the service runs, NULL if none: its checks
 * ("Only root wants to run this wrapper") are logic the profile cannot see.
 */
static int script_run(struct ctx *c, char **ret)
{
	cleanup_strv char **l = NULL;
	int r;

	*ret = NULL;
	r = unit_list(c, "ExecStart", &l);
	if (r < 0)
		return r;
	if (!l)
		return 0;
	{
		const char *path = c->wrapped ? c->wrapped->path : l[0] + strspn(l[0], "-@:+!|");

		if (is_script(c, path) != 0) {
			*ret = strdup(path);
			return *ret ? 1 : -ENOMEM;
		}
	}
	for (size_t i = 0; i < c->p->n_execs; i++) {
		const struct sdh_profile_exec *x = &c->p->execs[i];

		if (x->ok && x->interpreter && !strstr(x->interpreter, "/ld-") &&
		    !streq_ptr(x->path, c->wrapper)) {
			*ret = strdup(x->path);
			return *ret ? 1 : -ENOMEM;
		}
	}
	return 0;
}

/* ---- A wrapper script that only starts the real program ---- */

/* One word of an ExecStart= line, quoted where systemd would split or expand it. */
static void exec_word(struct strbuf *b, const char *w)
{
	bool quote = isempty(w) || streq(w, ";") || w[strcspn(w, " \t\n\"'\\")];

	if (quote)
		strbuf_addc(b, '"');
	for (const char *q = w; *q; q++) {
		/* \" and \\ inside quotes; %% and $$: no specifier, no variable */
		if (*q == '"' || *q == '\\')
			strbuf_addc(b, '\\');
		else if (*q == '%' || *q == '$')
			strbuf_addc(b, *q);
		strbuf_addc(b, *q);
	}
	if (quote)
		strbuf_addc(b, '"');
}

/*
 * Strict mode: when the one ExecStart= runs a script whose only run of a program was one exec
 * of a compiled binary with a known command line (a wrapper that turns a configuration file
 * into options, then execs the daemon), the daemon can be started directly: its own
 * checks are then what the profile saw, and it can start as the user it switches to.
 */
static int analyze_wrapper(struct ctx *c)
{
	const struct sdh_unit *u = c->o->unit;
	const struct sdh_profile_exec *w = NULL, *b = NULL;
	cleanup_strbuf struct strbuf line = STRBUF_INIT;
	cleanup_free char *first = NULL;
	const char *value = NULL, *p, *path;
	size_t n = 0;
	int r;

	if (!c->p || !u)
		return 0;
	for (size_t i = 0; i < u->n_assignments; i++) {
		const struct sdh_assignment *a = &u->assignments[i];

		if (!streq(a->section, SECTION) || !streq(a->key, "ExecStart"))
			continue;
		value = isempty(a->value) ? NULL : a->value;
		n = value ? n + 1 : 0;
	}
	if (n != 1)
		return 0;
	p = value;
	r = extract_word(&p, &first, true);
	if (r <= 0)
		return r == -ENOMEM ? r : 0;
	path = first + (first[0] == '-');
	if (!path_is_absolute(path) || is_script(c, path) != 1)
		return 0;
	for (size_t i = 0; i < c->p->n_execs; i++) {
		const struct sdh_profile_exec *x = &c->p->execs[i];

		if (!x->ok)
			continue;
		if (streq(x->path, path) && !w)
			w = x;
		else if (!b)
			b = x;
		else
			return 0; /* more than one program */
	}
	if (!w || !b || !b->argv || b->ok != w->ok || is_script(c, b->path) != 0 ||
	    (b->interpreter && !strstr(b->interpreter, "/ld-")))
		return 0;

	if (first[0] == '-')
		strbuf_addc(&line, '-');
	if (!streq(b->argv[0], b->path)) {
		strbuf_addc(&line, '@');
		exec_word(&line, b->path);
		strbuf_addc(&line, ' ');
	}
	STRV_FOREACH(a, b->argv) {
		if (a != b->argv)
			strbuf_addc(&line, ' ');
		exec_word(&line, *a);
	}
	if (strbuf_error(&line) < 0)
		return -ENOMEM;
	if (!c->strict)
		return omit(c, "ExecStart",
			    "'%s' only started '%s' as: %s (with --mode=strict, that command runs "
			    "directly)",
			    path, b->path, line.buf);
	c->wrapper = strdup(path);
	c->exec_line = strbuf_detach(&line);
	if (!c->wrapper || !c->exec_line)
		return -ENOMEM;
	c->wrapped = b;
	return 0;
}

static int rule_exec_start(struct ctx *c)
{
	if (!c->exec_line)
		return 0;
	return emit(c, "ExecStart", c->exec_line, true,
		    "strict: '%s' only ran this command; it is frozen here, edit it when the "
		    "wrapper's configuration changes",
		    c->wrapper);
}

/*
 * A daemon that starts as root only to switch to a fixed user can start as that user: when
 * the switch is its only use of root (no capability beyond CAP_SETUID/CAP_SETGID and
 * CAP_NET_BIND_SERVICE, which AmbientCapabilities= gives the user), that user could do every
 * file access observed (systemd creates /run/X and the like for it), it asks for its own uid
 * (getuid(2)/geteuid(2): daemons skip the switch when they are not root; one that does not
 * would fail its setgroups(2) as any non-root user), and what it runs is compiled code, not a
 * wrapper script whose "must be root" checks leave no trace in a profile.
 */
static int analyze_switch(struct ctx *c)
{
	const uint64_t providable =
		CAP_BIT(CAP_NR_SETUID) | CAP_BIT(CAP_NR_SETGID) | CAP_BIT(CAP_NR_NET_BIND_SERVICE);
	struct identity id = { 0 };
	cleanup_free char *user = NULL, *group = NULL, *blocker = NULL;
	unsigned uid = 0, gid = 0, pgid = 0;
	int r;

	if (!c->p || c->unit_nonroot || (c->caps & ~providable))
		return 0;
	if (setid_target(c, "setuid", &uid) <= 0)
		return 0;
	r = setid_target(c, "setgid", &gid);
	if (r < 0)
		return 0;
	if (!has_syscall(c, "getuid") && !has_syscall(c, "geteuid") && !has_syscall(c, "getresuid"))
		return 0;
	r = script_run(c, &blocker);
	if (r < 0)
		return r;
	if (blocker)
		return set_reason(&c->root_need,
				  "switches identity after starting '%s', a script or a program "
				  "that cannot be read, whose own checks of root are not profiled",
				  blocker);
	r = lookup_id(c, "etc/passwd", uid, &user, &pgid);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	if (!has_event(c, "setgid", NULL) || gid == 0)
		gid = pgid;
	r = lookup_id(c, "etc/group", gid, &group, NULL);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	id.uid = uid;
	id.gids[id.n_gids++] = gid;
	if (pgid != gid)
		id.gids[id.n_gids++] = pgid;
	r = member_gids(c, user, id.gids, ELEMENTSOF(id.gids), &id.n_gids);
	if (r == -ENOMEM)
		return r;
	r = identity_blocker(c, &id, &blocker);
	if (r < 0)
		return r;
	if (blocker) {
		cleanup_free char *why = NULL;

		if (asprintf(&why, "switches to '%s' but %s", user, blocker) < 0)
			return -ENOMEM;
		return set_reason(&c->root_need, "%s", why);
	}
	if (asprintf(&c->switch_why,
		     "starts as root only to switch to '%s' (uid %u, gid %u), after asking for its "
		     "uid: nothing else it did needs root",
		     user, uid, gid) < 0)
		return -ENOMEM;
	c->switch_user = TAKE_PTR(user);
	c->switch_group = TAKE_PTR(group);
	/* What is left of root is the low port, as an ambient capability. */
	c->caps &= CAP_BIT(CAP_NR_NET_BIND_SERVICE);
	return 0;
}

/*
 * Does anything observed need root or a fixed uid?  Capabilities, identity changes, chown, or a
 * file that only its owner or group may read or write (a dynamic uid would be neither), unless
 * it lies in a directory systemd hands over to the dynamic user (StateDirectory= etc.).
 */
static int analyze_root_need(struct ctx *c)
{
	const char *s = NULL;
	int r;

	if (c->caps) {
		cleanup_free char *caps = caps_to_string(c->caps);

		return set_reason(&c->root_need, "needs %s", caps ? caps : "capabilities");
	}
	if (uses_setid(c, &s))
		return set_reason(&c->root_need, "changes identity (%s)", s ? s : "setuid");
	for (size_t i = 0; c->p && i < c->p->n_files; i++) {
		const struct sdh_profile_file *f = &c->p->files[i];
		cleanup_free char *top = NULL;
		bool direct, write = file_is_write(f->access);
		struct stat st;
		int k;

		if (!file_counts(c, f) || f->access == SDH_FILE_EXEC)
			continue;
		if (f->access == SDH_FILE_CHOWN)
			return set_reason(&c->root_need, "changes file owners ('%s')", f->path);
		if (in_no_rw_needed(f->path))
			continue;
		k = classify_dir(f->path, &top, &direct);
		if (k == -ENOMEM)
			return -ENOMEM;
		if (k >= 0 && !direct)
			continue; /* handed over to the dynamic user by systemd */
		if (write)
			return set_reason(&c->root_need, "writes '%s'", f->path);
		r = stat_in_root(c, f->path, &st, true);
		if (r < 0) {
			if (c->strict || f->error)
				continue;
			return set_reason(&c->root_need, "cannot check the owner of '%s'", f->path);
		}
		if (!S_ISDIR(st.st_mode) && !(st.st_mode & S_IROTH))
			return set_reason(&c->root_need,
					  "reads '%s' (mode %04o, not world-readable)", f->path,
					  (unsigned)(st.st_mode & 07777));
	}
	return 0;
}

static void analyze_ipc(struct ctx *c)
{
	static const char *const ipc[] = { "shmget", "semget", "msgget", "mq_open", "shmat", NULL };

	for (const char *const *s = ipc; *s; s++)
		if (has_syscall(c, *s))
			c->ipc_used = true;
}

/* ---------------------------------------------------------------------------------------- */
/* Rules, in the order of the knowledge base's security checks. */

static int rule_user(struct ctx *c)
{
	if (c->unit_nonroot)
		return omit(c, "DynamicUser", "the unit already runs as '%s'",
			    c->unit_user ? c->unit_user : "a dynamic user");
	if (!c->p)
		return omit(c, "DynamicUser",
			    "no profile: whether the service needs root is unknown");
	if (c->switch_user) {
		int r = omit(c, "DynamicUser",
			     "the service's own user '%s' may own files outside the profile",
			     c->switch_user);

		if (r >= 0)
			r = emit(c, "User", c->switch_user, false, "%s", c->switch_why);
		if (r >= 0)
			r = emit(c, "Group", c->switch_group, false, NULL);
		return r;
	}
	if (c->root_need)
		return omit(c, "DynamicUser", "runs as root: %s", c->root_need);
	return emit(c, "DynamicUser", "yes", false,
		    "no capability, identity change or owner-only file was observed");
}

static const char *const private_devices_ok[] = {
	"/dev/null",    "/dev/zero", "/dev/full", "/dev/random",
	"/dev/urandom", "/dev/tty",  "/dev/ptmx", NULL,
};

static bool device_in_private_dev(const char *path)
{
	for (const char *const *x = private_devices_ok; *x; x++)
		if (streq(path, *x))
			return true;
	return !!path_startswith(path, "/dev/pts");
}

static bool opens_devices(const struct ctx *c)
{
	for (size_t i = 0; c->p && i < c->p->n_devices; i++)
		if (!device_in_private_dev(c->p->devices[i].path))
			return true;
	return false;
}

static int rule_devices(struct ctx *c)
{
	cleanup_strv char **allow = NULL;
	cleanup_free char *joined = NULL;
	int r;

	if (!c->p)
		return omit(c, "PrivateDevices", "no profile: hardware access cannot be ruled out");
	for (size_t i = 0; i < c->p->n_devices; i++) {
		const struct sdh_profile_device *dv = &c->p->devices[i];
		cleanup_free char *e = NULL;

		if (device_in_private_dev(dv->path) || (!dv->ok && c->strict))
			continue;
		if (asprintf(&e, "%s %s", dv->path, dv->mode) < 0)
			return -ENOMEM;
		if (!strv_contains(allow, e) && strv_consume(&allow, TAKE_PTR(e)) < 0)
			return -ENOMEM;
	}
	if (!allow)
		return emit(
			c, "PrivateDevices", "yes", false,
			"no device beyond /dev/null, /dev/urandom, /dev/tty and the like opened");
	joined = strv_join(allow, ", ");
	if (!joined)
		return -ENOMEM;
	r = omit(c, "PrivateDevices", "opens %s", joined);
	if (r < 0)
		return r;
	if (c->before && streq_ptr(c->before->device_policy, "strict"))
		r = omit(c, "DevicePolicy", "the unit's 'strict' is stricter than 'closed'");
	else
		r = emit(c, "DevicePolicy", "closed", false,
			 "opens only %s besides the pseudo devices", joined);
	if (r < 0)
		return r;
	r = emit(c, "DeviceAllow", "", false, "reset: the unit's own entries would add to ours");
	STRV_FOREACH(a, allow)
		if (r >= 0)
			r = emit(c, "DeviceAllow", *a, false, NULL);
	return r;
}

static int rule_private_mounts(struct ctx *c)
{
	const struct sdh_profile_event *e;

	if (has_event(c, "mount", &e))
		return omit(c, "PrivateMounts", "mounts ('%s')", e->syscall);
	return emit(c, "PrivateMounts", "yes", false, "%s",
		    c->p ? "no mount observed" : "static: mounts of a daemon stay its own");
}

static bool family_is(const struct sdh_profile_socket *s, const char *fam)
{
	const struct sdh_address_family *a = sdh_address_family_lookup(s->family);
	const struct sdh_address_family *b = sdh_address_family_lookup(fam);

	return a && b && a->number == b->number;
}

static int rule_private_network(struct ctx *c)
{
	static const char *const resolver[] = { "/etc/resolv.conf", "/etc/hosts",
						"/run/systemd/resolve", NULL };
	const struct sdh_profile_file *f;

	if (!c->p)
		return omit(c, "PrivateNetwork", "no profile: network use cannot be ruled out");
	for (size_t i = 0; i < c->p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &c->p->sockets[i];

		if (!family_is(s, "AF_UNIX"))
			return omit(c, "PrivateNetwork", "uses %s sockets", s->family);
		if (s->address && s->address[0] == '@')
			return omit(c, "PrivateNetwork", "uses the abstract socket '%s'",
				    s->address);
	}
	if (!c->strict && (f = find_file_under(c, resolver, false)))
		return omit(c, "PrivateNetwork", "reads '%s': name lookups may follow", f->path);
	return emit(c, "PrivateNetwork", "yes", false, "no network socket observed");
}

static int rule_private_tmp(struct ctx *c)
{
	static const char *const tmp[] = { "/tmp", "/var/tmp", NULL };

	for (size_t i = 0; c->p && i < c->p->n_files; i++) {
		const struct sdh_profile_file *f = &c->p->files[i];
		bool created;

		if (!f->ok ||
		    !(path_startswith(f->path, tmp[0]) || path_startswith(f->path, tmp[1])))
			continue;
		if (streq(f->path, "/tmp") || streq(f->path, "/var/tmp"))
			continue;
		created = sdh_profile_find_file(c->p, f->path, SDH_FILE_CREATE) ||
			  sdh_profile_find_file(c->p, f->path, SDH_FILE_MKDIR);
		if (!created)
			return omit(c, "PrivateTmp", "uses '%s', which it did not create", f->path);
	}
	for (size_t i = 0; c->p && i < c->p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &c->p->sockets[i];

		if (streq(s->op, "connect") && s->address &&
		    (path_startswith(s->address, "/tmp") ||
		     path_startswith(s->address, "/var/tmp")))
			return omit(c, "PrivateTmp", "connects to '%s'", s->address);
	}
	return emit(c, "PrivateTmp", "yes", false, "%s",
		    c->p ? "no file in /tmp or /var/tmp shared with others"
			 : "static: daemons rarely share /tmp with other programs");
}

/* Does the user of the service (after the drop-in) own or may read every file it read? */
static int rule_private_users(struct ctx *c)
{
	if (!c->p)
		return omit(c, "PrivateUsers", "no profile: file ownership needs are unknown");
	if (c->runs_root || c->caps)
		return omit(c, "PrivateUsers", "%s",
			    c->caps ? "capabilities are needed in the host's user namespace"
				    : "runs as root");
	/*
	 * A fixed user keeps its access: the kernel checks the real ids, which the namespace
	 * does not change; only owners other than root and the user show as "nobody".
	 */
	if (unit_value(c, "SupplementaryGroups"))
		return omit(c, "PrivateUsers", "SupplementaryGroups= would be unmapped");
	return emit(c, "PrivateUsers", "yes", false,
		    "non-root without capabilities or identity changes");
}

static int rule_protect_cgroups(struct ctx *c)
{
	static const char *const cg[] = { "/sys/fs/cgroup", NULL };
	const struct sdh_profile_file *f = find_file_under(c, cg, true);

	if (f)
		return omit(c, "ProtectControlGroups", "writes '%s'", f->path);
	return emit(c, "ProtectControlGroups", "yes", false, "%s",
		    c->p ? "no write below /sys/fs/cgroup" : "static: only managers write cgroups");
}

static int rule_protect_kernel(struct ctx *c)
{
	static const char *const modules[] = { "/lib/modules", "/usr/lib/modules", NULL };
	static const char *const tunables[] = { "/proc/sys", "/sys", NULL };
	static const char *const klog[] = { "/dev/kmsg", "/proc/kmsg", NULL };
	const struct sdh_profile_file *f;
	const struct sdh_profile_event *e;
	int r;

	/* ProtectKernelModules= */
	if (has_event(c, "module", &e))
		r = omit(c, "ProtectKernelModules", "loads modules ('%s')", e->syscall);
	else if ((f = find_file_under(c, modules, false)))
		r = omit(c, "ProtectKernelModules", "reads '%s'", f->path);
	else
		r = emit(c, "ProtectKernelModules", "yes", false, "%s",
			 c->p ? "no module loaded, nothing read in /usr/lib/modules"
			      : "static: daemons do not load modules");
	if (r < 0)
		return r;

	/* ProtectKernelTunables= (writes below /sys/fs/cgroup are ProtectControlGroups=). */
	f = NULL;
	for (size_t i = 0; c->p && i < c->p->n_files; i++) {
		const struct sdh_profile_file *g = &c->p->files[i];

		if (file_counts(c, g) && file_is_write(g->access) &&
		    (path_startswith(g->path, tunables[0]) ||
		     path_startswith(g->path, tunables[1])) &&
		    !path_startswith(g->path, "/sys/fs/cgroup")) {
			f = g;
			break;
		}
	}
	if (f)
		r = omit(c, "ProtectKernelTunables", "writes '%s'", f->path);
	else if (has_event(c, "proc-sys-write", &e) || has_event(c, "sys-write", &e))
		r = omit(c, "ProtectKernelTunables", "writes kernel tunables ('%s')", e->detail);
	else
		r = emit(c, "ProtectKernelTunables", "yes", false, "%s",
			 c->p ? "no write below /proc/sys or /sys"
			      : "static: daemons read kernel tunables, they do not set them");
	if (r < 0)
		return r;

	/* ProtectKernelLogs= */
	if (has_event(c, "kernel-log", &e))
		r = omit(c, "ProtectKernelLogs", "uses the kernel log ('%s')", e->syscall);
	else if ((f = find_file_under(c, klog, false)))
		r = omit(c, "ProtectKernelLogs", "opens '%s'", f->path);
	else if (has_syscall(c, "syslog"))
		r = omit(c, "ProtectKernelLogs", "calls syslog(2)");
	else
		r = emit(
			c, "ProtectKernelLogs", "yes", false, "%s",
			c->p ? "no access to /dev/kmsg or syslog(2)"
			     : "static: daemons log through the journal, not the kernel ring buffer");
	if (r < 0)
		return r;

	/* ProtectClock= */
	if (has_event(c, "clock", &e))
		return omit(c, "ProtectClock", "sets the clock ('%s')", e->syscall);
	for (size_t i = 0; c->p && i < c->p->n_devices; i++)
		if (startswith(c->p->devices[i].path, "/dev/rtc"))
			return omit(c, "ProtectClock", "opens '%s'", c->p->devices[i].path);
	for (const char *const *s = (const char *const[]){ "settimeofday", "clock_settime",
							   "clock_adjtime", "adjtimex", NULL };
	     *s; s++)
		if (has_syscall(c, *s))
			return omit(c, "ProtectClock", "calls %s", *s);
	return emit(c, "ProtectClock", "yes", false, "%s",
		    c->p ? "no clock change observed" : "static: only time daemons set the clock");
}

static int rule_protect_home(struct ctx *c)
{
	static const char *const home[] = { "/home", "/root", "/run/user", NULL };
	const struct sdh_profile_file *f;

	if (!c->p)
		return omit(c, "ProtectHome",
			    "no profile: daemons that serve users need their homes");
	if ((f = find_file_under(c, home, false))) {
		int r = keep_stricter(c, "ProtectHome", c->before ? c->before->protect_home : NULL,
				      protect_home_order, "read-only");

		if (r != 0)
			return r < 0 ? r : 0;
		return emit(c, "ProtectHome", "read-only", false,
			    "uses '%s'; writes there, if any, are in ReadWritePaths=", f->path);
	}
	return emit(c, "ProtectHome", "yes", false, "nothing below /home, /root or /run/user used");
}

static int rule_protect_hostname(struct ctx *c)
{
	const struct sdh_profile_event *e;

	if (has_event(c, "hostname", &e) || has_syscall(c, "sethostname") ||
	    has_syscall(c, "setdomainname"))
		return omit(c, "ProtectHostname", "changes the host name");
	return emit(c, "ProtectHostname", "yes", false, "%s",
		    c->p ? "no sethostname(2) or setdomainname(2)"
			 : "static: only network managers set the host name");
}

static int rule_protect_system(struct ctx *c)
{
	cleanup_strv char **own = NULL;
	int r;

	const char *have = c->before ? c->before->protect_system : NULL;

	if (!c->p) {
		r = keep_stricter(c, "ProtectSystem", have, protect_system_order, "yes");
		if (r != 0)
			return r < 0 ? r : 0;
		return emit(c, "ProtectSystem", "yes", false,
			    "static: /usr and /boot read-only; 'strict' needs the writes profiled");
	}
	if (c->rw_blocker) {
		r = keep_stricter(c, "ProtectSystem", have, protect_system_order, "full");
		if (r != 0)
			return r < 0 ? r : 0;
		return emit(c, "ProtectSystem", "full", false,
			    "'strict' cannot allow the %s; /usr, /boot and /etc read-only",
			    c->rw_blocker);
	}
	r = emit(c, "ProtectSystem", "strict", false, "%s",
		 c->rw_paths || c->dirs[0] || c->dirs[1] || c->dirs[2] || c->dirs[3]
			 ? "writes observed only in the directories listed below"
			 : "no write outside /tmp, /dev, /proc and /sys observed");
	if (r < 0)
		return r;
	/* Safe mode keeps the unit's own writable paths: they were put there for a reason. */
	if (!c->strict) {
		r = unit_list(c, "ReadWritePaths", &own);
		if (r < 0)
			return r;
		STRV_FOREACH(x, own)
			if (add_unique(&c->rw_paths, *x) < 0)
				return -ENOMEM;
	}
	if (c->rw_paths || unit_value(c, "ReadWritePaths")) {
		cleanup_free char *l = strv_join(c->rw_paths, " ");

		if (!l)
			return -ENOMEM;
		r = emit(c, "ReadWritePaths", l, true, "%s",
			 c->strict ? "observed writes" : "observed writes, and the unit's own");
		if (r < 0)
			return r;
	}
	for (size_t k = 0; k < ELEMENTSOF(dir_kinds); k++) {
		cleanup_free char *l = NULL;

		if (!c->dirs[k])
			continue;
		l = strv_join(c->dirs[k], " ");
		if (!l)
			return -ENOMEM;
		/* Not reset: the unit's own directories must still be created. */
		r = emit(c, dir_kinds[k].directive, l, false, "written below %s%s",
			 dir_kinds[k].base,
			 c->dynamic ? ", handed to the dynamic user" : ", created by systemd");
		if (r < 0)
			return r;
	}
	return 0;
}

/* Executed files whose ELF machine is not the native one (a foreign ABI). */
static bool foreign_exec(const struct ctx *c, const char **ret)
{
	for (size_t i = 0; c->p && i < c->p->n_execs; i++) {
		const struct sdh_profile_exec *x = &c->p->execs[i];
		unsigned char h[20];
		cleanup_fd int fd = -1;

		if (!x->ok || c->root_fd < 0 || !path_is_absolute(x->path))
			continue;
		fd = openat(c->root_fd, x->path + 1, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, h, sizeof(h)) != (ssize_t)sizeof(h))
			continue;
		if (memcmp(h, "\177ELF", 4) != 0)
			continue;
		/* EM_X86_64 = 62, little endian (e_machine at offset 18). */
		if (h[4] != 2 || h[18] != 62 || h[19] != 0) {
			*ret = x->path;
			return true;
		}
	}
	return false;
}

/* A JIT (W+X memory) is likely in these runtimes, even if the profile did not show it. */
static const char *const jit_runtimes[] = { "java",   "node",     "nodejs", "mono",
					    "dotnet", "beam.smp", "luajit", "pypy",
					    "pypy3",  "qemu",     NULL };

static int rule_lock_mdwe_nnp(struct ctx *c)
{
	const struct sdh_profile_event *e;
	int r;

	/* LockPersonality= allows querying and setting PER_LINUX; anything else was seen. */
	if (has_event(c, "personality", &e) && !isempty(e->detail) &&
	    !streq(e->detail, "PER_LINUX") && !streq(e->detail, "0xffffffff"))
		r = omit(c, "LockPersonality", "sets the personality '%s'", e->detail);
	else
		r = emit(c, "LockPersonality", "yes", false, "%s",
			 c->p ? "no personality change observed"
			      : "static: only emulators change the personality");
	if (r < 0)
		return r;

	/* MemoryDenyWriteExecute= */
	if (!c->p)
		r = omit(c, "MemoryDenyWriteExecute", "no profile: a JIT cannot be ruled out");
	else if (has_event(c, "wx-mapping", &e))
		r = omit(c, "MemoryDenyWriteExecute", "maps memory writable and executable ('%s')",
			 e->syscall);
	else {
		const char *jit = NULL;

		for (size_t i = 0; !c->strict && i < c->p->n_execs && !jit; i++) {
			const char *b = path_basename(c->p->execs[i].path);

			for (const char *const *x = jit_runtimes; *x && !jit; x++)
				if (startswith(b, *x))
					jit = c->p->execs[i].path;
		}
		if (jit)
			r = omit(c, "MemoryDenyWriteExecute", "runs '%s', a runtime with a JIT",
				 jit);
		else
			r = emit(c, "MemoryDenyWriteExecute", "yes", false,
				 "no writable and executable mapping observed");
	}
	if (r < 0)
		return r;

	/* NoNewPrivileges=: set-id or file-capability binaries would lose their privileges. */
	if (!c->p)
		return omit(c, "NoNewPrivileges",
			    "no profile: set-id helpers such as sendmail's "
			    "cannot be ruled out");
	for (size_t i = 0; i < c->p->n_execs; i++) {
		const struct sdh_profile_exec *x = &c->p->execs[i];
		struct stat st;
		char buf[8];

		if (!x->ok || stat_in_root(c, x->path, &st, true) < 0)
			continue;
		if (st.st_mode & (S_ISUID | S_ISGID))
			return omit(c, "NoNewPrivileges", "runs the set-id program '%s'", x->path);
		if (c->root_fd >= 0) {
			cleanup_free char *full = NULL;

			if (asprintf(&full, "/proc/self/fd/%d/%s", c->root_fd, x->path + 1) < 0)
				return -ENOMEM;
			if (getxattr(full, "security.capability", buf, sizeof(buf)) >= 0 ||
			    errno == ERANGE)
				return omit(c, "NoNewPrivileges",
					    "runs '%s', which has file capabilities", x->path);
		}
	}
	return emit(c, "NoNewPrivileges", "yes", false, "no set-id or file-capability program run");
}

/* Capabilities no ordinary daemon needs: the static bounding set drops them. */
static const char *const static_drop_caps[] = {
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_TIME",
	"CAP_WAKE_ALARM",
	"CAP_SYS_BOOT",
	"CAP_SYS_PACCT",
	"CAP_LINUX_IMMUTABLE",
	"CAP_MAC_ADMIN",
	"CAP_MAC_OVERRIDE",
	"CAP_MKNOD",
	"CAP_SYSLOG",
	"CAP_AUDIT_CONTROL",
	"CAP_AUDIT_READ",
	"CAP_BLOCK_SUSPEND",
	"CAP_BPF",
	"CAP_PERFMON",
	"CAP_CHECKPOINT_RESTORE",
	NULL,
};

static bool cap_known_at(unsigned cap, unsigned version)
{
	const struct sdh_capability *k = sdh_capability_lookup(cap);

	if (!k)
		return false;
	return SDH_VERSION_MAJOR(version) == 252 ? k->in_v252_list : k->in_v262_list;
}

/*
 * The bounding set the unit's own CapabilityBoundingSet= lines give, replayed the way systemd's
 * config_parse_capability_set() does: an empty value or the first value replaces, later ones
 * merge ("~" removes).  Returns false when the unit does not set it.
 */
static bool unit_capability_set(const struct ctx *c, uint64_t *ret)
{
	const struct sdh_unit *u = c->o->unit;
	uint64_t all = 0, set;
	bool seen = false;

	for (unsigned i = 0; i < 64; i++)
		if (sdh_capability_lookup(i))
			all |= CAP_BIT(i);
	set = all;
	for (size_t i = 0; u && i < u->n_assignments; i++) {
		const struct sdh_assignment *a = &u->assignments[i];
		const char *p = a->value;
		bool invert = false;
		uint64_t sum = 0;
		char *w;

		if (!streq(a->section, SECTION) || !streq(a->key, "CapabilityBoundingSet"))
			continue;
		seen = true;
		if (*p == '~') {
			invert = true;
			p++;
		}
		while (extract_word(&p, &w, true) > 0) {
			int n = sdh_capability_from_name(w);

			free(w);
			if (n >= 0)
				sum |= CAP_BIT(n);
		}
		if (sum == 0 || set == all)
			set = invert ? all & ~sum : sum;
		else if (invert)
			set &= ~sum;
		else
			set |= sum;
	}
	*ret = set;
	return seen;
}

static int rule_capabilities(struct ctx *c)
{
	cleanup_free char *s = NULL;

	if (!c->p) {
		uint64_t drop = 0, own;

		for (const char *const *x = static_drop_caps; *x; x++) {
			int n = sdh_capability_from_name(*x);

			if (n >= 0 && cap_known_at((unsigned)n, c->o->version))
				drop |= CAP_BIT(n);
		}
		/*
		 * No reset before a "~" list: systemd resets the set to empty, and "~X" then
		 * removes X from nothing.  When the unit has its own set, write out the result.
		 */
		if (unit_capability_set(c, &own)) {
			s = caps_to_string(own & ~drop);
			if (!s)
				return -ENOMEM;
			return emit(c, "CapabilityBoundingSet", s, true,
				    "static: the unit's set without the capabilities for hardware, "
				    "kernel and MAC administration");
		}
		s = caps_to_string(drop);
		if (!s)
			return -ENOMEM;
		{
			cleanup_free char *inv = NULL;

			if (asprintf(&inv, "~%s", s) < 0)
				return -ENOMEM;
			return emit(
				c, "CapabilityBoundingSet", inv, false,
				"static: capabilities for hardware, kernel and MAC administration");
		}
	}
	s = caps_to_string(c->caps);
	if (!s)
		return -ENOMEM;
	if (!c->caps)
		return emit(c, "CapabilityBoundingSet", "", true,
			    "no capability check that expresses a need was observed");
	return emit(c, "CapabilityBoundingSet", s, true, "capability checks observed: %s%s", s,
		    c->strict ? "" : " (CAP_SETUID and CAP_SETGID go together)");
}

static int rule_umask(struct ctx *c)
{
	const char *v = unit_value(c, "UMask");
	unsigned cur = 0022;
	bool unix_bind = false, creates = false;
	int private_group = 0;

	if (v && parse_mode(v, &cur) < 0)
		cur = 0022;
	if ((cur & 0077) == 0077)
		return omit(c, "UMask", "the unit's UMask=%04o is already strict", cur);
	if (!c->p)
		return omit(c, "UMask",
			    "no profile: files shared through group or world "
			    "permissions cannot be ruled out");
	for (size_t i = 0; i < c->p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &c->p->sockets[i];

		if (streq(s->op, "bind") && family_is(s, "AF_UNIX") && path_is_absolute(s->address))
			unix_bind = true;
	}
	for (size_t i = 0; i < c->p->n_files; i++)
		if (c->p->files[i].ok && (c->p->files[i].access == SDH_FILE_CREATE ||
					  c->p->files[i].access == SDH_FILE_MKDIR))
			creates = true;
	/* A group nobody else is in shares nothing: group bits would only matter to strangers. */
	if (creates && !unix_bind && !c->strict && !c->runs_root) {
		const char *user = c->switch_user ?: c->unit_user;
		const char *group = c->switch_user ? c->switch_group : unit_value(c, "Group");

		if (c->dynamic || (unit_bool(c, "DynamicUser") && isempty(c->unit_user)))
			private_group = 1;
		else
			private_group = group_is_private(c, user, group);
		if (private_group < 0)
			return private_group;
	}
	{
		unsigned want = 0077;
		const char *why =
			creates ? "files created are the service's own" : "creates no file";
		char buf[16];

		if (unix_bind && !c->strict) {
			want = 0022;
			why = "binds a socket file that clients must be able to open";
		} else if (unix_bind || (creates && !c->strict && private_group <= 0)) {
			want = 0027;
			why = "creates files; other users lose access, its group keeps it";
		} else if (private_group > 0)
			why = "creates files; its group has no other member, so nobody loses access";

		/* Never weaken: the bits the unit's own UMask= clears stay cleared. */
		if (v && (cur | want) != want) {
			(void)snprintf(buf, sizeof(buf), "%04o", (cur | want) & 0777);
			return emit(c, "UMask", buf, false, "%s; with the unit's %04o", why, cur);
		}
		(void)snprintf(buf, sizeof(buf), "%04o", want);
		return emit(c, "UMask", buf, false, "%s", why);
	}
}

static int rule_keyring(struct ctx *c)
{
	const char *v = unit_value(c, "KeyringMode");

	if (v && !streq(v, "private"))
		return omit(c, "KeyringMode", "the unit chose '%s'", v);
	return emit(c, "KeyringMode", "private", false,
		    "the service keyring is not shared with other services");
}

static int rule_proc(struct ctx *c)
{
	const struct sdh_profile_event *e;
	int r;

	if (has_event(c, "ptrace", &e) || has_event(c, "signal-foreign", &e))
		r = omit(c, "ProtectProc", "acts on processes of other users ('%s')", e->syscall);
	else if (!c->p)
		r = omit(c, "ProtectProc",
			 "no profile: process monitors need other users' processes");
	else if ((r = keep_stricter(c, "ProtectProc", c->before ? c->before->protect_proc : NULL,
				    protect_proc_order, "invisible")) == 0)
		r = emit(c, "ProtectProc", "invisible", false,
			 "no ptrace or signal to other users' processes observed");
	if (r < 0)
		return r;

	for (size_t i = 0; c->p && i < c->p->n_files; i++) {
		const struct sdh_profile_file *f = &c->p->files[i];

		if (f->ok && path_startswith(f->path, "/proc") && !is_proc_pid_path(f->path))
			return omit(c, "ProcSubset", "reads '%s'", f->path);
	}
	if (!c->p)
		return omit(c, "ProcSubset", "no profile: /proc/meminfo and the like may be read");
	return emit(c, "ProcSubset", "pid", false, "only /proc/PID files read");
}

static int rule_ipc(struct ctx *c)
{
	int r;

	if (!c->p)
		return omit(c, "RemoveIPC", "no profile: shared IPC objects cannot be ruled out");
	if (c->runs_root)
		r = omit(c, "RemoveIPC", "runs as root: RemoveIPC= has no effect");
	else if (c->ipc_used && !c->strict)
		r = omit(c, "RemoveIPC",
			 "uses SysV IPC or message queues, which other services of "
			 "the same user may share");
	else
		r = emit(c, "RemoveIPC", "yes", false, "%s",
			 c->ipc_used ? "IPC objects are the service's own" : "no SysV IPC used");
	if (r < 0)
		return r;
	if (c->ipc_used && !c->strict)
		return omit(c, "PrivateIPC", "uses SysV IPC or message queues, possibly shared");
	return emit(c, "PrivateIPC", "yes", false, "%s",
		    c->ipc_used ? "IPC objects are the service's own" : "no SysV IPC used");
}

static int rule_restrict(struct ctx *c)
{
	static const struct {
		const char *flag, *name;
		uint64_t bit;
	} ns[] = {
		{ "CLONE_NEWCGROUP", "cgroup", SDH_NS_CGROUP },
		{ "CLONE_NEWIPC", "ipc", SDH_NS_IPC },
		{ "CLONE_NEWNET", "net", SDH_NS_NET },
		{ "CLONE_NEWNS", "mnt", SDH_NS_MNT },
		{ "CLONE_NEWPID", "pid", SDH_NS_PID },
		{ "CLONE_NEWUSER", "user", SDH_NS_USER },
		{ "CLONE_NEWUTS", "uts", SDH_NS_UTS },
	};
	/* Never weaken: only types the unit allows itself. */
	uint64_t unit_allows = c->before ? c->before->restrict_namespaces : SDH_NS_UNSET;
	const struct sdh_profile_event *e;
	cleanup_strv char **allowed = NULL;
	int r;

	if (has_event(c, "realtime", &e))
		r = omit(c, "RestrictRealtime", "asks for realtime scheduling ('%s')", e->syscall);
	else
		r = emit(c, "RestrictRealtime", "yes", false, "%s",
			 c->p ? "no realtime scheduling requested"
			      : "static: only audio and latency daemons need realtime scheduling");
	if (r < 0)
		return r;

	if (has_event(c, "suid-bit", &e))
		r = omit(c, "RestrictSUIDSGID", "sets set-id bits ('%s')", e->detail);
	else
		r = emit(c, "RestrictSUIDSGID", "yes", false, "%s",
			 c->p ? "no set-id file created"
			      : "static: daemons do not create set-id files");
	if (r < 0)
		return r;

	for (size_t i = 0; c->p && i < c->p->n_events; i++) {
		const struct sdh_profile_event *x = &c->p->events[i];
		bool any = false;

		if (!streq(x->kind, "namespace"))
			continue;
		for (size_t k = 0; k < ELEMENTSOF(ns); k++)
			if (strstr(strempty(x->detail), ns[k].flag)) {
				any = true;
				if ((unit_allows & ns[k].bit) &&
				    add_unique(&allowed, ns[k].name) < 0)
					return -ENOMEM;
			}
		if (!any)
			return omit(c, "RestrictNamespaces", "creates namespaces ('%s')",
				    x->detail);
	}
	if (allowed) {
		cleanup_free char *l = strv_join(allowed, " ");

		if (!l)
			return -ENOMEM;
		return emit(c, "RestrictNamespaces", l, false, "creates namespaces of these types");
	}
	return emit(c, "RestrictNamespaces", "yes", false, "%s",
		    c->p ? "no namespace created" : "static: daemons do not create namespaces");
}

/* Does the unit's own RestrictAddressFamilies= allow NAME?  Ours never adds to it. */
static bool unit_allows_family(const struct ctx *c, const char *name)
{
	const struct sdh_address_family *a = sdh_address_family_lookup(name);
	const struct sdh_settings *b = c->before;
	bool in;

	if (!b || !a || a->number >= 64)
		return true;
	if (!b->af_has_set)
		return !b->af_allow_list; /* "none" allows nothing, unset everything */
	in = b->af_set & (UINT64_C(1) << a->number);
	return b->af_allow_list ? in : !in;
}

static int rule_address_families(struct ctx *c)
{
	cleanup_strv char **fams = NULL;
	cleanup_free char *l = NULL;

	if (!c->p)
		return omit(c, "RestrictAddressFamilies",
			    "no profile: packet, netlink or bluetooth daemons would break");
	for (size_t i = 0; i < c->p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &c->p->sockets[i];
		const struct sdh_address_family *a = sdh_address_family_lookup(s->family);

		if (!a)
			return omit(c, "RestrictAddressFamilies", "uses the unnamed family '%s'",
				    s->family);
		if (!s->ok && c->strict)
			continue;
		if (a->alias_of)
			a = sdh_address_family_lookup(a->alias_of) ?: a;
		if (unit_allows_family(c, a->name) && add_unique(&fams, a->name) < 0)
			return -ENOMEM;
		/* A service that speaks IPv4 will speak IPv6 after a configuration change. */
		if (!c->strict && (streq(a->name, "AF_INET") || streq(a->name, "AF_INET6")) &&
		    ((unit_allows_family(c, "AF_INET") && add_unique(&fams, "AF_INET") < 0) ||
		     (unit_allows_family(c, "AF_INET6") && add_unique(&fams, "AF_INET6") < 0)))
			return -ENOMEM;
	}
	/* syslog(3) and sd_notify(3) use AF_UNIX, whether or not the profile caught it. */
	if (!c->strict && unit_allows_family(c, "AF_UNIX") && add_unique(&fams, "AF_UNIX") < 0)
		return -ENOMEM;
	if (!fams)
		return emit(c, "RestrictAddressFamilies",
			    directive_known(c, "RestrictAddressFamilies") &&
					    c->o->version >= SDH_VERSION(249, 0)
				    ? "none"
				    : "AF_UNIX",
			    true, "no socket observed");
	strv_sort(fams);
	l = strv_join(fams, " ");
	if (!l)
		return -ENOMEM;
	return emit(c, "RestrictAddressFamilies", l, true, "socket families observed%s",
		    c->strict ? "" : ", with AF_UNIX and both IP versions");
}

/* ---- SystemCallFilter= ---- */

struct collect {
	char ***set;
};

static int collect_member(const struct sdh_syscall_group_member *m, void *userdata)
{
	struct collect *x = userdata;

	if (streq(m->member_kind, "group"))
		return 0;
	return add_unique(x->set, m->member);
}

static int group_closure(unsigned version, const char *group, char ***ret)
{
	struct collect x = { .set = ret };

	return sdh_syscall_group_walk(version, group, true, collect_member, &x);
}

static int direct_subgroups(const struct sdh_syscall_group_member *m, void *userdata)
{
	struct collect *x = userdata;

	return streq(m->member_kind, "group") ? add_unique(x->set, m->member) : 0;
}

/*
 * SystemCallErrorNumber=EPERM: a refused call fails instead of killing the service.  Then
 * SystemCallLog= (v247+) names what is refused, so that the failures can be found: everything
 * outside ALLOW (an allow-list, may be NULL) plus the groups in DENIED.
 */
static int emit_errno_and_log(struct ctx *c, const char *allow, const char *denied)
{
	cleanup_free char *inv = NULL;
	int r;

	r = emit(c, "SystemCallErrorNumber", "EPERM", false,
		 "a refused call fails with EPERM instead of killing the service");
	if (r < 0 || !directive_known(c, "SystemCallLog"))
		return r;
	if (allow) {
		if (asprintf(&inv, "~%s", allow) < 0)
			return -ENOMEM;
		r = emit(c, "SystemCallLog", inv, true, "log the refused calls");
		if (r >= 0 && denied)
			r = emit(c, "SystemCallLog", denied, false, NULL);
		return r;
	}
	return emit(c, "SystemCallLog", denied, true, "log the refused calls");
}

/* Does the unit's own SystemCallFilter= allow NAME?  Ours never adds to it. */
static bool unit_allows_syscall(const struct ctx *c, const char *name)
{
	int nr;

	if (!c->before || (!c->before->syscall_allow_list && !c->before->n_syscall_filter))
		return true;
	nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return true;
	return !!sdh_settings_syscall_find(c->before, nr) == c->before->syscall_allow_list;
}

/*
 * Never weaken: after our allow-list, the unit's own deny lines ("~@resources") again, then
 * each call our list lets through that the unit's filter did not.
 */
static int keep_unit_denials(struct ctx *c, char *const *allowed)
{
	const struct sdh_unit *u = c->o->unit;
	cleanup_strv char **denied = NULL, **rest = NULL;
	size_t start = 0;
	bool first = true;
	int r;

	for (size_t i = 0; u && i < u->n_assignments; i++)
		if (streq(u->assignments[i].section, SECTION) &&
		    streq(u->assignments[i].key, "SystemCallFilter") &&
		    isempty(u->assignments[i].value))
			start = i + 1;
	for (size_t i = start; u && i < u->n_assignments; i++) {
		const struct sdh_assignment *a = &u->assignments[i];
		const char *p;
		char *w;

		if (!streq(a->section, SECTION) || !streq(a->key, "SystemCallFilter") ||
		    a->value[0] != '~')
			continue;
		r = first ? emit(c, "SystemCallFilter", a->value, false, "kept: the unit's '%s'",
				 a->value)
			  : emit(c, "SystemCallFilter", a->value, false, NULL);
		if (r < 0)
			return r;
		first = false;
		p = a->value + 1;
		while ((r = extract_word(&p, &w, true)) > 0) {
			char *colon = strchr(w, ':');

			if (colon)
				*colon = 0;
			r = w[0] == '@' ? group_closure(c->o->version, w, &denied)
					: add_unique(&denied, w);
			free(w);
			if (r < 0)
				return r;
		}
		if (r == -ENOMEM)
			return r;
	}
	STRV_FOREACH(n, allowed)
		if (!unit_allows_syscall(c, *n) && !strv_contains(denied, *n) &&
		    add_unique(&rest, *n) < 0)
			return -ENOMEM;
	if (rest) {
		cleanup_free char *j = strv_join(rest, " "), *v = NULL;

		if (!j || asprintf(&v, "~%s", j) < 0)
			return -ENOMEM;
		return emit(c, "SystemCallFilter", v, false, "the unit's own filter refuses these");
	}
	return 0;
}

static int rule_syscall_archs(struct ctx *c)
{
	const char *foreign = NULL;

	if (foreign_exec(c, &foreign))
		return omit(c, "SystemCallArchitectures", "runs the foreign binary '%s'", foreign);
	return emit(c, "SystemCallArchitectures", "native", true, "%s",
		    c->p ? "only native binaries run" : "static: daemons run native binaries");
}

static int rule_syscall_filter(struct ctx *c)
{
	unsigned v = c->o->version;
	cleanup_strv char **service = NULL, **extra = NULL, **unnamed = NULL, **drop = NULL,
			  **candidates = NULL;
	cleanup_free char *allow = NULL, *deny = NULL;
	size_t n_checks;
	const struct sdh_check_row *checks = sdh_checks(v, &n_checks);
	int r;

	if (!c->p) {
		static const char *const groups[] = { "@clock",  "@cpu-emulation", "@debug",
						      "@module", "@mount",         "@obsolete",
						      "@raw-io", "@reboot",        "@swap",
						      NULL };
		cleanup_strv char **l = NULL;

		for (const char *const *g = groups; *g; g++)
			if (sdh_syscall_group_exists(v, *g) && strv_extend(&l, *g) < 0)
				return -ENOMEM;
		allow = strv_join(l, " ");
		if (!allow || asprintf(&deny, "~%s", allow) < 0)
			return -ENOMEM;
		/* A deny list narrows an allow list the unit may have: no reset. */
		r = emit_narrowing(c, "SystemCallFilter", deny,
				   "static: groups no ordinary daemon calls; an allow-list needs a "
				   "profile");
		/*
		 * chroot(2) is in @mount, but privilege-separating daemons (sshd, postfix,
		 * vsftpd, unbound, avahi) chroot their unprivileged children: allowed again,
		 * unless the unit refused it itself.
		 */
		if (r >= 0 && sdh_syscall_group_exists(v, "@mount") &&
		    unit_allows_syscall(c, "chroot"))
			r = emit(c, "SystemCallFilter", "chroot", false,
				 "static: chroot(2) stays allowed for privilege separation");
		if (r < 0)
			return r;
		return emit_errno_and_log(c, NULL, allow);
	}

	r = group_closure(v, "@system-service", &service);
	if (r < 0)
		return r;
	for (size_t i = 0; i < c->p->n_syscalls; i++) {
		const char *name = c->p->syscalls[i].name;

		if (strv_contains(service, name))
			continue;
		if (name[0] == '#' || seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
			r = add_unique(&unnamed, name);
		else
			r = add_unique(&extra, name);
		if (r < 0)
			return r;
	}

	/* Groups to take out again: the scored ones, plus (strict) every unused subgroup. */
	for (size_t i = 0; i < n_checks; i++) {
		const char *g = startswith(strempty(checks[i].parameter), "group=");

		if (streq(checks[i].assess_kind, "system_call_filter") && g &&
		    add_unique(&candidates, g) < 0)
			return -ENOMEM;
	}
	if (c->strict) {
		struct collect x = { .set = &candidates };

		r = sdh_syscall_group_walk(v, "@system-service", false, direct_subgroups, &x);
		if (r < 0)
			return r;
	}
	STRV_FOREACH(g, candidates) {
		cleanup_strv char **members = NULL;
		bool used = false, allowed = false;

		if (streq(*g, "@default") || !sdh_syscall_group_exists(v, *g))
			continue;
		/* Safe mode: a root service may chown a new log file. */
		if (!c->strict && streq(*g, "@privileged") && c->runs_root)
			continue;
		r = group_closure(v, *g, &members);
		if (r < 0)
			return r;
		STRV_FOREACH(m, members) {
			/* Started as the user it switched to, it has no identity to change. */
			bool switch_call =
				c->switch_user && strv_contains((char **)setid_syscalls, *m);

			used = used || (has_syscall(c, *m) && !switch_call);
			allowed = allowed || strv_contains(service, *m) || strv_contains(extra, *m);
		}
		if (!used && allowed && strv_extend(&drop, *g) < 0)
			return -ENOMEM;
	}

	if (extra) {
		cleanup_free char *e = strv_join(extra, " ");

		if (!e || asprintf(&allow, "@system-service %s", e) < 0)
			return -ENOMEM;
	} else if (!(allow = strdup("@system-service")))
		return -ENOMEM;
	r = emit(c, "SystemCallFilter", allow, true, "allow-list: @system-service%s%s",
		 extra ? " and the calls observed beyond it" : "",
		 unnamed ? "; calls libseccomp cannot name are left out" : "");
	if (r >= 0 && drop) {
		cleanup_free char *dj = strv_join(drop, " ");

		if (!dj || asprintf(&deny, "~%s", dj) < 0)
			return -ENOMEM;
		r = emit(c, "SystemCallFilter", deny, false, "no call of these groups observed");
	}
	if (r < 0)
		return r;
	{
		cleanup_strv char **all = NULL;

		r = group_closure(v, "@system-service", &all);
		if (r >= 0 && extra)
			r = strv_extend_strv(&all, extra);
		if (r >= 0)
			r = keep_unit_denials(c, all);
		if (r < 0)
			return r;
	}
	{
		cleanup_free char *dj = drop ? strv_join(drop, " ") : NULL;

		if (drop && !dj)
			return -ENOMEM;
		return emit_errno_and_log(c, allow, dj);
	}
}

/* ---- IPAddressDeny=/IPAddressAllow=, SocketBindAllow= ---- */

static bool address_is_loopback(const char *a)
{
	return a && (startswith(a, "127.") || streq(a, "::1") || startswith(a, "::ffff:127.") ||
		     streq(a, "localhost"));
}

static int rule_ip(struct ctx *c)
{
	bool inet = false, dgram_unconnected = false, dgram_connect = false;
	const char *remote = NULL, *why = NULL;
	int r;

	if (!c->p)
		return omit(c, "IPAddressDeny", "no profile: peers are unknown");
	for (size_t i = 0; i < c->p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &c->p->sockets[i];

		if (!family_is(s, "AF_INET") && !family_is(s, "AF_INET6"))
			continue;
		inet = true;
		if (streq(s->op, "socket") && streq_ptr(s->type, "SOCK_DGRAM"))
			dgram_unconnected = true;
		if (streq(s->op, "connect") && streq_ptr(s->type, "SOCK_DGRAM"))
			dgram_connect = true;
		if ((streq(s->op, "bind") || streq(s->op, "connect")) && s->ok &&
		    !address_is_loopback(s->address)) {
			remote = s->address;
			why = s->op;
		}
	}
	if (!inet)
		return omit(c, "IPAddressDeny", "no IP socket observed");
	if (remote)
		return omit(c, "IPAddressDeny", "%s '%s': peers beyond localhost", why,
			    isempty(remote) ? "(any)" : remote);
	if (dgram_unconnected && !dgram_connect && !c->strict)
		return omit(c, "IPAddressDeny", "unconnected datagram sockets: peers not observed");
	r = emit(c, "IPAddressDeny", "any", true, "binds and connects only on loopback addresses");
	if (r < 0)
		return r;
	return emit(c, "IPAddressAllow", "localhost", true, "loopback peers only");
}

/*
 * SocketBindAllow=/SocketBindDeny=: strict mode pins the IP ports the service bound (or, when it
 * bound none, forbids binding); safe mode leaves it, since listening ports come from the
 * configuration.  Enforced only by a systemd built with BPF_FRAMEWORK (not Debian 12's); not
 * scored.
 */
static int rule_socket_bind(struct ctx *c)
{
	cleanup_strv char **allow = NULL;

	if (!c->p)
		return omit(c, "SocketBindDeny", "no profile: bound ports are unknown");
	for (size_t i = 0; i < c->p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &c->p->sockets[i];
		const char *fam = family_is(s, "AF_INET")    ? "ipv4"
				  : family_is(s, "AF_INET6") ? "ipv6"
							     : NULL;
		const char *proto = streq_ptr(s->type, "SOCK_STREAM")  ? "tcp"
				    : streq_ptr(s->type, "SOCK_DGRAM") ? "udp"
								       : NULL;
		char rule[32];

		if (!streq(s->op, "bind") || !fam || !s->ok)
			continue;
		if (!proto || s->port == 0)
			return omit(c, "SocketBindDeny", "binds %s to %s",
				    s->port ? "a socket of another type" : "an ephemeral port",
				    strempty(s->address));
		(void)snprintf(rule, sizeof(rule), "%s:%s:%u", fam, proto, s->port);
		if (!strv_contains(allow, rule) && strv_extend(&allow, rule) < 0)
			return -ENOMEM;
	}
	if (!c->strict)
		return omit(c, "SocketBindDeny",
			    "listening ports come from the configuration (with --mode=strict, the "
			    "observed ones are pinned)");
	STRV_FOREACH(a, allow) {
		int r = a == allow
				? emit(c, "SocketBindAllow", *a, true, "strict: the ports it bound")
				: emit(c, "SocketBindAllow", *a, false, NULL);

		if (r < 0)
			return r;
	}
	return emit(c, "SocketBindDeny", "any", true, "%s",
		    allow ? "no other port" : "strict: bound no IP port");
}

static int rule_ambient(struct ctx *c)
{
	cleanup_free char *s = NULL;

	if (!c->p && !c->runs_root)
		return omit(c, "AmbientCapabilities",
			    "no profile: the non-root service may rely on the unit's ambient set");
	if (c->runs_root || !c->caps)
		return emit(c, "AmbientCapabilities", "", true, "%s",
			    c->runs_root ? "root has its capabilities without ambient ones"
					 : "no capability needed");
	s = caps_to_string(c->caps);
	if (!s)
		return -ENOMEM;
	return emit(c, "AmbientCapabilities", s, true, "needed by the non-root service: %s", s);
}

static const struct {
	int (*fn)(struct ctx *c);
} rules[] = {
	{ rule_exec_start },       /* ExecStart= (strict: the program a wrapper started) */
	{ rule_user },             /* User=/DynamicUser= */
	{ rule_devices },          /* PrivateDevices= (DevicePolicy=, DeviceAllow=) */
	{ rule_private_mounts },   /* PrivateMounts= */
	{ rule_private_network },  /* PrivateNetwork= */
	{ rule_private_tmp },      /* PrivateTmp= */
	{ rule_private_users },    /* PrivateUsers= */
	{ rule_protect_cgroups },  /* ProtectControlGroups= */
	{ rule_protect_kernel },   /* ProtectKernelModules/Tunables/Logs=, ProtectClock= */
	{ rule_protect_home },     /* ProtectHome= */
	{ rule_protect_hostname }, /* ProtectHostname= */
	{ rule_protect_system },   /* ProtectSystem= (ReadWritePaths=, StateDirectory=, ...) */
	{ rule_lock_mdwe_nnp },    /* LockPersonality=, MemoryDenyWriteExecute=, NoNewPrivileges= */
	{ rule_capabilities },     /* CapabilityBoundingSet= */
	{ rule_umask },            /* UMask= */
	{ rule_keyring },          /* KeyringMode= */
	{ rule_proc },             /* ProtectProc=, ProcSubset= */
	{ rule_ipc },              /* RemoveIPC=, PrivateIPC= */
	{ rule_restrict },         /* RestrictRealtime=, RestrictSUIDSGID=, RestrictNamespaces= */
	{ rule_address_families }, /* RestrictAddressFamilies= */
	{ rule_syscall_archs },    /* SystemCallArchitectures= */
	{ rule_syscall_filter },   /* SystemCallFilter= (SystemCallErrorNumber=) */
	{ rule_ip },               /* IPAddressDeny=, IPAddressAllow= */
	{ rule_socket_bind },      /* SocketBindAllow=, SocketBindDeny= */
	{ rule_ambient },          /* AmbientCapabilities= */
};

static void ctx_release(struct ctx *c)
{
	free(c->root_need);
	free(c->rw_blocker);
	free(c->switch_user);
	free(c->switch_group);
	free(c->switch_why);
	free(c->wrapper);
	free(c->exec_line);
	sdh_settings_free(c->before);
	strv_free(c->rw_paths);
	for (size_t k = 0; k < ELEMENTSOF(c->dirs); k++)
		strv_free(c->dirs[k]);
	if (c->root_fd >= 0)
		(void)close(c->root_fd);
}

int sdh_suggest(const struct sdh_suggest_options *o, struct sdh_dropin **ret)
{
	struct ctx c = { .o = o, .root_fd = -1 };
	const char *user, *unit_name;
	int r = 0;

	if (!o || !ret || !o->version || o->mode >= SDH_SUGGEST_MODE_MAX)
		return -EINVAL;
	unit_name = o->unit ? (o->unit->id ?: o->unit->name) : NULL;
	c.d = sdh_dropin_new(unit_name, o->version, o->mode);
	if (!c.d)
		return -ENOMEM;
	c.p = o->profile;
	c.strict = o->mode == SDH_SUGGEST_STRICT;
	c.d->is_static = !c.p;
	c.root_fd = open(isempty(o->root) ? "/" : o->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	user = unit_value(&c, "User");
	c.unit_user = user;
	c.unit_nonroot = unit_bool(&c, "DynamicUser") ||
			 (!isempty(user) && !streq(user, "root") && !streq(user, "0"));

	if (o->unit) {
		struct sdh_diags diags = SDH_DIAGS_INIT;

		/* Unloadable settings leave nothing to compare with: rules then assume defaults. */
		r = sdh_settings_build(o->unit, &diags, &c.before);
		sdh_diags_release(&diags);
		if (r == -ENOMEM)
			goto finish;
		r = 0;
	}
	analyze_caps(&c);
	analyze_ipc(&c);
	r = analyze_wrapper(&c);
	if (r < 0)
		goto finish;
	if (c.p && !c.unit_nonroot) {
		r = analyze_switch(&c);
		if (r >= 0 && !c.switch_user) {
			r = analyze_root_need(&c);
			c.dynamic = r >= 0 && !c.root_need;
		}
	}
	c.runs_root = !c.unit_nonroot && !c.dynamic && !c.switch_user;
	if (r >= 0 && c.p)
		r = analyze_writes(&c);

	if (r >= 0)
		r = sdh_dropin_add_note(
			c.d, "Generated by sdharden suggest%s%s (mode %s, systemd %u)",
			unit_name ? " for " : "", strempty(unit_name),
			sdh_suggest_mode_to_string(o->mode), SDH_VERSION_MAJOR(o->version));
	if (r >= 0 && !c.p)
		r = sdh_dropin_add_note(c.d, "STATIC suggestion (no profile): safe for almost any "
					     "daemon, far from the tightest; profile the service "
					     "for more");
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(rules); i++)
		r = rules[i].fn(&c);
finish:
	ctx_release(&c);
	if (r < 0) {
		sdh_dropin_free(c.d);
		return r;
	}
	*ret = c.d;
	return 0;
}
