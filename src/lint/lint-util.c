/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the rules ask of a unit: last values, list words after resets, capability sets and the
 * system call filter evaluated with systemd's merge rules, and the Exec binaries under the root.
 * Only the small evaluations the rules need live here; the full effective-settings record is
 * sdh_settings_build()'s job.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "lint/lint-internal.h"
#include "sdharden/kb.h"
#include "sdharden/settings.h"

#define CAP_SYS_ADMIN_NR 21

static bool is_key(const struct lint_ctx *c, const struct sdh_assignment *a, const char *section,
		   const char *key)
{
	section = section ? section : c->exec_section;
	return section && streq(a->key, key) && streq(a->section, section);
}

const struct sdh_assignment *lint_last(const struct lint_ctx *c, const char *section,
				       const char *key)
{
	for (size_t i = c->u->n_assignments; i > 0; i--)
		if (is_key(c, &c->u->assignments[i - 1], section, key))
			return &c->u->assignments[i - 1];
	return NULL;
}

bool lint_bool(const struct lint_ctx *c, const char *key, bool def)
{
	const struct sdh_assignment *a = lint_last(c, NULL, key);
	int r;

	if (!a || isempty(a->value))
		return def;
	r = parse_boolean(a->value);
	return r < 0 ? def : r > 0;
}

const char *lint_value(const struct lint_ctx *c, const char *key)
{
	const struct sdh_assignment *a = lint_last(c, NULL, key);

	return a && !isempty(a->value) ? a->value : NULL;
}

bool lint_runs_as_root(const struct lint_ctx *c)
{
	if (c->o->scope == SDH_SCOPE_USER || !c->s || !c->s->has_exec_context)
		return false;
	if (c->s->dynamic_user)
		return false;
	return !c->s->user || streq(c->s->user, "root") || streq(c->s->user, "0");
}

/* Index just after the last reset of KEY in the exec section (0 when never reset). */
static size_t after_reset(const struct lint_ctx *c, const char *key)
{
	size_t start = 0;

	for (size_t i = 0; i < c->u->n_assignments; i++)
		if (is_key(c, &c->u->assignments[i], NULL, key) &&
		    isempty(c->u->assignments[i].value))
			start = i + 1;
	return start;
}

int lint_foreach_word(struct lint_ctx *c, const char *key, lint_word_fn fn, void *userdata)
{
	for (size_t i = after_reset(c, key); i < c->u->n_assignments; i++) {
		const struct sdh_assignment *a = &c->u->assignments[i];
		const char *p = a->value;

		if (!is_key(c, a, NULL, key))
			continue;
		for (;;) {
			cleanup_free char *w = NULL;
			int r = extract_word(&p, &w, true);

			if (r == -ENOMEM)
				return r;
			if (r <= 0)
				break; /* end, or a bad quote: invalid-value's business */
			r = fn(c, a, w, userdata);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

uint64_t lint_bounding_set(const struct lint_ctx *c)
{
	return c->s ? c->s->capability_bounding_set : UINT64_MAX;
}

uint64_t lint_ambient_set(const struct lint_ctx *c)
{
	return c->s ? c->s->ambient_capabilities : 0;
}

int lint_syscall_allowed(const struct lint_ctx *c, const char *name)
{
	const struct sdh_syscall_entry *e;
	int nr = seccomp_syscall_resolve_name(name);

	if (!c->s || nr == __NR_SCMP_ERROR)
		return 1;
	e = sdh_settings_syscall_find(c->s, nr);
	if (c->s->syscall_allow_list)
		return e && e->error < 0; /* an allow-list entry with an errno denies */
	return !e;
}

bool lint_families(const struct lint_ctx *c, uint64_t *ret_allowed)
{
	if (!c->s || (!c->s->af_has_set && !c->s->af_allow_list))
		return false;
	*ret_allowed = c->s->af_allow_list ? c->s->af_set : ~c->s->af_set;
	return true;
}

bool lint_origin(const struct lint_ctx *c, enum sdh_setting f, struct sdh_assignment *ret)
{
	const struct sdh_origin *o;

	if (!c->s)
		return false;
	o = &c->s->origin[f];
	if (o->kind != SDH_ORIGIN_FILE)
		return false;
	*ret = (struct sdh_assignment){
		.file = o->file, .line = o->line, .key = (char *)"", .value = (char *)""
	};
	return true;
}

bool lint_nnp(const struct lint_ctx *c, const struct sdh_assignment **ret_why)
{
	static const char *const implying_bools[] = {
		"PrivateDevices",    "ProtectKernelTunables", "ProtectKernelModules",
		"ProtectKernelLogs", "ProtectClock",          "MemoryDenyWriteExecute",
		"RestrictRealtime",  "RestrictSUIDSGID",      "LockPersonality",
		"DynamicUser",
	};
	static const char *const implying_lists[] = {
		"SystemCallFilter",
		"SystemCallArchitectures",
		"RestrictAddressFamilies",
		"RestrictNamespaces",
	};
	const struct sdh_assignment *a;

	if (c->s && c->s->no_new_privileges) {
		/* Set explicitly, or implied by DynamicUser=yes: say which. */
		a = lint_last(c, NULL, "NoNewPrivileges");
		*ret_why = a && parse_boolean(a->value) > 0 ? a : lint_last(c, NULL, "DynamicUser");
		return *ret_why != NULL;
	}
	if (lint_bool(c, "NoNewPrivileges", false)) {
		*ret_why = lint_last(c, NULL, "NoNewPrivileges");
		return true;
	}
	/*
	 * systemd.exec(5): the seccomp-based settings imply NoNewPrivileges=yes in user mode or
	 * when the service runs without CAP_SYS_ADMIN, i.e. as a non-root user without it in its
	 * ambient set.
	 */
	if (c->o->scope != SDH_SCOPE_USER) {
		if (lint_runs_as_root(c))
			return false;
		if (lint_ambient_set(c) & lint_bounding_set(c) & (UINT64_C(1) << CAP_SYS_ADMIN_NR))
			return false;
	}
	for (size_t i = 0; i < ELEMENTSOF(implying_bools); i++)
		if (lint_bool(c, implying_bools[i], false)) {
			*ret_why = lint_last(c, NULL, implying_bools[i]);
			return true;
		}
	for (size_t i = 0; i < ELEMENTSOF(implying_lists); i++) {
		a = lint_last(c, NULL, implying_lists[i]);
		if (a && !isempty(a->value) && parse_boolean(a->value) != 0) {
			*ret_why = a;
			return true;
		}
	}
	return false;
}

/* --- files under the root ------------------------------------------------------------------ */

int lint_open_in_root(const struct lint_ctx *c, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd;

	if (c->root_fd < 0)
		return -ENOENT;
	while (*path == '/')
		path++;
	if (!*path)
		path = ".";
	fd = syscall(SYS_openat2, c->root_fd, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int lint_path_exists(const struct lint_ctx *c, const char *path)
{
	int fd = lint_open_in_root(c, path, O_PATH);

	if (fd >= 0) {
		(void)close(fd);
		return 1;
	}
	return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
}

int lint_read_in_root(const struct lint_ctx *c, const char *path, char **ret)
{
	cleanup_fd int fd = lint_open_in_root(c, path, O_RDONLY);
	cleanup_free char *buf = NULL;
	size_t len = 0, alloc = 0;

	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t n;

		if (alloc - len < 4096) {
			char *b;

			if (alloc >= SDH_FILE_SIZE_MAX)
				return -EFBIG;
			b = realloc(buf, alloc + 65536);
			if (!b)
				return -ENOMEM;
			buf = b;
			alloc += 65536;
		}
		n = read(fd, buf + len, alloc - len - 1);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (!buf && !(buf = strdup("")))
		return -ENOMEM;
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	return 0;
}

static const char *const exec_keys[] = {
	"ExecCondition", "ExecStartPre", "ExecStart",    "ExecStartPost",
	"ExecReload",    "ExecStop",     "ExecStopPost",
};

/* The root's idea of $PATH for services (systemd's default for system units). */
static const char *const path_dirs[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
};

static int open_regular(const struct lint_ctx *c, const char *path, mode_t *ret_mode)
{
	struct stat st;
	int fd = lint_open_in_root(c, path, O_RDONLY);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		(void)close(fd);
		return -ENOENT;
	}
	*ret_mode = st.st_mode;
	return fd;
}

static int exec_one(struct lint_ctx *c, const struct sdh_assignment *a, lint_exec_fn fn,
		    void *userdata)
{
	cleanup_strv char **argv = NULL;
	cleanup_free char *path = NULL;
	cleanup_fd int fd = -1;
	const char *p = a->value;
	struct lint_exec e = { .a = a, .fd = -1 };
	bool privileged = false;
	int r;

	/* Prefixes of systemd.service(5) "Command lines": '+' runs outside the sandbox. */
	for (; *p && strchr("-@:+!|", *p); p++)
		privileged = privileged || *p == '+';
	if (privileged)
		return 0;
	for (;;) {
		cleanup_free char *w = NULL;

		r = extract_word(&p, &w, true);
		if (r == -ENOMEM)
			return r;
		if (r <= 0)
			break;
		if (streq(w, ";"))
			break; /* a second command on the line: ignored here */
		if (strv_consume(&argv, TAKE_PTR(w)) < 0)
			return -ENOMEM;
	}
	if (!argv || strchr(argv[0], '%'))
		return 0; /* specifiers in the path cannot be resolved offline reliably */
	if (path_is_absolute(argv[0])) {
		path = strdup(argv[0]);
		if (!path)
			return -ENOMEM;
		fd = open_regular(c, path, &e.mode);
	} else if (!strchr(argv[0], '/')) {
		for (size_t i = 0; i < ELEMENTSOF(path_dirs) && fd < 0; i++) {
			free(path);
			path = path_join(path_dirs[i], argv[0]);
			if (!path)
				return -ENOMEM;
			fd = open_regular(c, path, &e.mode);
		}
	}
	if (fd < 0)
		return 0;
	e.path = path;
	e.argv = argv;
	e.fd = fd;
	return fn(c, &e, userdata);
}

int lint_foreach_exec(struct lint_ctx *c, lint_exec_fn fn, void *userdata)
{
	if (!c->exec_section)
		return 0;
	for (size_t k = 0; k < ELEMENTSOF(exec_keys); k++)
		for (size_t i = after_reset(c, exec_keys[k]); i < c->u->n_assignments; i++) {
			const struct sdh_assignment *a = &c->u->assignments[i];
			int r;

			if (!is_key(c, a, NULL, exec_keys[k]))
				continue;
			r = exec_one(c, a, fn, userdata);
			if (r != 0)
				return r;
		}
	return 0;
}
