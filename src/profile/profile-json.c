/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The profile file: JSON writer, strict reader and the readable summary.  Schema (version 1):
 * doc/profile-schema.md.  The reader rejects a wrong version or wrongly typed known keys with
 * -EBADMSG and ignores unknown keys, so later minor additions stay readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "profile/profile-internal.h"
#include "sdharden/kb.h"

/* A profile of a long-running service is big but not unbounded. */
#define PROFILE_SIZE_MAX (256U * 1024U * 1024U)

DEFINE_CLEANUP_FUNC(json_object *, json_object_put, json_object_putp)
#define cleanup_json cleanup_attr(json_object_putp)

static int add(json_object *o, const char *k, json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, k, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_str(json_object *o, const char *k, const char *s)
{
	if (!s)
		return json_object_object_add(o, k, NULL) < 0 ? -ENOMEM : 0;
	return add(o, k, json_object_new_string(s));
}

static int add_u64(json_object *o, const char *k, uint64_t v)
{
	return add(o, k, json_object_new_uint64(v));
}

static int add_int(json_object *o, const char *k, int v)
{
	return add(o, k, json_object_new_int(v));
}

static json_object *strv_to_json(char *const *l)
{
	json_object *a = json_object_new_array();

	STRV_FOREACH(s, l)
		if (!a || json_object_array_add(a, json_object_new_string(*s)) < 0) {
			json_object_put(a);
			return NULL;
		}
	return a;
}

static int meta_to_json(const struct sdh_profile_meta *m, json_object **ret)
{
	cleanup_json json_object *o = json_object_new_object();
	int r;

	if (!o)
		return -ENOMEM;
	if ((r = add_str(o, "backend", m->backend)) < 0 ||
	    (r = add_str(o, "target", m->target)) < 0 ||
	    (r = (m->command ? add(o, "command", strv_to_json(m->command))
			     : add_str(o, "command", NULL))) < 0 ||
	    (r = add_str(o, "unit", m->unit)) < 0 || (r = add_str(o, "started", m->started)) < 0 ||
	    (r = add(o, "duration", json_object_new_double(m->duration))) < 0 ||
	    (r = add(o, "complete", json_object_new_boolean(m->complete))) < 0 ||
	    (r = add(o, "traced", json_object_new_boolean(m->traced))) < 0 ||
	    (r = add_int(o, "exit_status", m->exit_status)) < 0 ||
	    (r = add_int(o, "exit_signal", m->exit_signal)) < 0 ||
	    (r = add_u64(o, "processes", m->processes)) < 0 ||
	    (r = add_u64(o, "events", m->events)) < 0 || (r = add_u64(o, "lost", m->lost)) < 0 ||
	    (r = add_int(o, "merged", (int)m->merged)) < 0 ||
	    (r = add_str(o, "syscall_method", m->syscall_method)) < 0 ||
	    (r = add_str(o, "capability_method", m->capability_method)) < 0 ||
	    (r = add_str(o, "kernel", m->kernel)) < 0 ||
	    (r = add_str(o, "systemd", m->systemd)) < 0 || (r = add_str(o, "arch", m->arch)) < 0)
		return r;
	*ret = TAKE_PTR(o);
	return 0;
}

static int add_result(json_object *o, uint64_t ok, uint64_t failed)
{
	int r = add_u64(o, "ok", ok);

	return r < 0 ? r : add_u64(o, "failed", failed);
}

int sdh_profile_to_json(const struct sdh_profile *p, char **ret)
{
	cleanup_json json_object *root = json_object_new_object();
	json_object *meta = NULL, *a;
	const char *text;
	int r;

	if (!root)
		return -ENOMEM;
	if ((r = add_int(root, "version", SDH_PROFILE_VERSION)) < 0 ||
	    (r = meta_to_json(&p->meta, &meta)) < 0 || (r = add(root, "meta", meta)) < 0)
		return r;

#define ARRAY(key)                               \
	do {                                     \
		a = json_object_new_array();     \
		if ((r = add(root, key, a)) < 0) \
			return r;                \
	} while (0)
#define ITEM(o)                                              \
	do {                                                 \
		o = json_object_new_object();                \
		if (!o || json_object_array_add(a, o) < 0) { \
			json_object_put(o);                  \
			return -ENOMEM;                      \
		}                                            \
	} while (0)

	ARRAY("syscalls");
	for (size_t i = 0; i < p->n_syscalls; i++) {
		json_object *o;

		ITEM(o);
		if ((r = add_str(o, "name", p->syscalls[i].name)) < 0 ||
		    (r = add_int(o, "nr", p->syscalls[i].nr)) < 0 ||
		    (r = add_u64(o, "count", p->syscalls[i].count)) < 0)
			return r;
	}
	ARRAY("capabilities");
	for (size_t i = 0; i < p->n_caps; i++) {
		const struct sdh_profile_cap *c = &p->caps[i];
		const struct sdh_capability *k = sdh_capability_lookup(c->cap);
		char name[32];
		json_object *o;

		if (k)
			snprintf(name, sizeof(name), "%s", k->name);
		else
			snprintf(name, sizeof(name), "CAP_#%u", c->cap);
		ITEM(o);
		if ((r = add_str(o, "name", name)) < 0 ||
		    (r = add_int(o, "number", (int)c->cap)) < 0 ||
		    (r = add_u64(o, "checked", c->checked)) < 0 ||
		    (r = add_u64(o, "granted", c->granted)) < 0 ||
		    (r = add_u64(o, "denied", c->denied)) < 0 ||
		    (r = add_u64(o, "routine", c->routine)) < 0 ||
		    (r = add(o, "needed", json_object_new_boolean(c->needed))) < 0 ||
		    (r = add(o, "syscalls", strv_to_json(c->syscalls))) < 0)
			return r;
	}
	ARRAY("files");
	for (size_t i = 0; i < p->n_files; i++) {
		const struct sdh_profile_file *f = &p->files[i];
		json_object *o;

		ITEM(o);
		if ((r = add_str(o, "path", f->path)) < 0 ||
		    (r = add_str(o, "access", sdh_file_access_to_string(f->access))) < 0 ||
		    (r = add_result(o, f->ok, f->failed)) < 0 ||
		    (r = add_str(o, "error", f->error)) < 0)
			return r;
	}
	ARRAY("exec");
	for (size_t i = 0; i < p->n_execs; i++) {
		const struct sdh_profile_exec *e = &p->execs[i];
		json_object *o;

		ITEM(o);
		if ((r = add_str(o, "path", e->path)) < 0 ||
		    (r = add_str(o, "interpreter", e->interpreter)) < 0 ||
		    (r = add_result(o, e->ok, e->failed)) < 0 ||
		    (e->argv && (r = add(o, "argv", strv_to_json(e->argv))) < 0) ||
		    (e->argv_unknown &&
		     (r = add(o, "argv_unknown", json_object_new_boolean(true))) < 0))
			return r;
	}
	ARRAY("sockets");
	for (size_t i = 0; i < p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &p->sockets[i];
		json_object *o;

		ITEM(o);
		if ((r = add_str(o, "op", s->op)) < 0 ||
		    (r = add_str(o, "family", s->family)) < 0 ||
		    (r = add_str(o, "type", s->type)) < 0 ||
		    (r = add_str(o, "address", s->address)) < 0 ||
		    (r = add_int(o, "port", (int)s->port)) < 0 ||
		    (r = add_result(o, s->ok, s->failed)) < 0)
			return r;
	}
	ARRAY("devices");
	for (size_t i = 0; i < p->n_devices; i++) {
		const struct sdh_profile_device *d = &p->devices[i];
		char type[2] = { d->type ? d->type : '?', 0 };
		json_object *o;

		ITEM(o);
		if ((r = add_str(o, "path", d->path)) < 0 || (r = add_str(o, "type", type)) < 0 ||
		    (r = add_int(o, "major", (int)d->major)) < 0 ||
		    (r = add_int(o, "minor", (int)d->minor)) < 0 ||
		    (r = add_str(o, "mode", d->mode)) < 0 ||
		    (r = add_result(o, d->ok, d->failed)) < 0)
			return r;
	}
	ARRAY("events");
	for (size_t i = 0; i < p->n_events; i++) {
		const struct sdh_profile_event *e = &p->events[i];
		json_object *o;

		ITEM(o);
		if ((r = add_str(o, "kind", e->kind)) < 0 ||
		    (r = add_str(o, "syscall", e->syscall)) < 0 ||
		    (r = add_str(o, "detail", e->detail)) < 0 ||
		    (r = add_result(o, e->ok, e->failed)) < 0)
			return r;
	}
#undef ARRAY
#undef ITEM

	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return -ENOMEM;
	*ret = malloc(strlen(text) + 2);
	if (!*ret)
		return -ENOMEM;
	strcpy(stpcpy(*ret, text), "\n");
	return 0;
}

int sdh_profile_save(const struct sdh_profile *p, const char *path)
{
	cleanup_free char *text = NULL;
	FILE *f;
	int r;

	r = sdh_profile_to_json(p, &text);
	if (r < 0)
		return r;
	if (streq(path, "-"))
		return fputs(text, stdout) < 0 || fflush(stdout) != 0 ? -EIO : 0;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	r = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

/* Reading: each getter returns -EBADMSG for a present key of the wrong type. */

static int get_str(json_object *o, const char *k, bool optional, char **ret)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v) {
		if (!optional)
			return -EBADMSG;
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return -EBADMSG;
	*ret = strdup(json_object_get_string(v));
	return *ret ? 0 : -ENOMEM;
}

static int get_u64(json_object *o, const char *k, uint64_t *ret)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v) {
		*ret = 0;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return -EBADMSG;
	*ret = json_object_get_uint64(v);
	return 0;
}

static int get_uint(json_object *o, const char *k, unsigned max, unsigned *ret)
{
	uint64_t v;
	int r = get_u64(o, k, &v);

	if (r < 0)
		return r;
	if (v > max)
		return -EBADMSG;
	*ret = (unsigned)v;
	return 0;
}

static int get_bool(json_object *o, const char *k, bool *ret)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !v) {
		*ret = false;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean))
		return -EBADMSG;
	*ret = json_object_get_boolean(v);
	return 0;
}

static int get_strv(json_object *o, const char *k, char ***ret)
{
	cleanup_strv char **l = NULL;
	json_object *v;

	*ret = NULL;
	if (!json_object_object_get_ex(o, k, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return -EBADMSG;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *e = json_object_array_get_idx(v, i);
		int r;

		if (!json_object_is_type(e, json_type_string))
			return -EBADMSG;
		r = strv_extend(&l, json_object_get_string(e));
		if (r < 0)
			return r;
	}
	/* An empty array stays an empty strv, not NULL, for "command": [] round trips. */
	if (!l && !(l = calloc(1, sizeof(char *))))
		return -ENOMEM;
	*ret = TAKE_PTR(l);
	return 0;
}

static int parse_meta(json_object *o, struct sdh_profile_meta *m)
{
	json_object *v;
	uint64_t u;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return -EBADMSG;
	if ((r = get_str(o, "backend", true, &m->backend)) < 0 ||
	    (r = get_str(o, "target", true, &m->target)) < 0 ||
	    (r = get_strv(o, "command", &m->command)) < 0 ||
	    (r = get_str(o, "unit", true, &m->unit)) < 0 ||
	    (r = get_str(o, "started", true, &m->started)) < 0 ||
	    (r = get_bool(o, "complete", &m->complete)) < 0 ||
	    (r = get_bool(o, "traced", &m->traced)) < 0 ||
	    (r = get_u64(o, "processes", &m->processes)) < 0 ||
	    (r = get_u64(o, "events", &m->events)) < 0 || (r = get_u64(o, "lost", &m->lost)) < 0 ||
	    (r = get_uint(o, "merged", UINT32_MAX, &m->merged)) < 0 ||
	    (r = get_str(o, "syscall_method", true, &m->syscall_method)) < 0 ||
	    (r = get_str(o, "capability_method", true, &m->capability_method)) < 0 ||
	    (r = get_str(o, "kernel", true, &m->kernel)) < 0 ||
	    (r = get_str(o, "systemd", true, &m->systemd)) < 0 ||
	    (r = get_str(o, "arch", true, &m->arch)) < 0)
		return r;
	if (json_object_object_get_ex(o, "duration", &v) && v) {
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			return -EBADMSG;
		m->duration = json_object_get_double(v);
	}
	m->exit_status = -1;
	if (json_object_object_get_ex(o, "exit_status", &v) && v) {
		if (!json_object_is_type(v, json_type_int))
			return -EBADMSG;
		m->exit_status = json_object_get_int(v);
	}
	if ((r = get_u64(o, "exit_signal", &u)) < 0)
		return r;
	m->exit_signal = u > 128 ? 0 : (int)u;
	return 0;
}

static int get_array(json_object *root, const char *k, json_object **ret)
{
	if (!json_object_object_get_ex(root, k, ret) || !*ret) {
		*ret = NULL;
		return 0;
	}
	return json_object_is_type(*ret, json_type_array) ? 0 : -EBADMSG;
}

/* errno name back to a number for the add functions; unknown names fall back to EIO. */
static int error_number(const char *name)
{
	if (!name)
		return 0;
	for (int e = 1; e < 256; e++) {
		const char *n = strerrorname_np(e);

		if (n && streq(n, name))
			return e;
	}
	return EIO;
}

static int parse_records(json_object *root, struct sdh_profile *p)
{
	json_object *a;
	int r;

#define EACH(key)                                                                         \
	if ((r = get_array(root, key, &a)) < 0)                                           \
		return r;                                                                 \
	for (size_t i = 0; a && i < json_object_array_length(a); i++)                     \
		for (json_object *o = json_object_array_get_idx(a, i), *once_ = o; once_; \
		     once_ = NULL)                                                        \
			if (!json_object_is_type(o, json_type_object))                    \
				return -EBADMSG;                                          \
			else

	EACH("syscalls")
	{
		cleanup_free char *name = NULL;
		uint64_t count;
		json_object *v;
		int nr = -1;

		if ((r = get_str(o, "name", false, &name)) < 0 ||
		    (r = get_u64(o, "count", &count)) < 0)
			return r;
		if (json_object_object_get_ex(o, "nr", &v) && v) {
			if (!json_object_is_type(v, json_type_int))
				return -EBADMSG;
			nr = json_object_get_int(v);
		}
		if (isempty(name))
			return -EBADMSG;
		if ((r = sdh_profile_add_syscall(p, name, nr, count)) < 0)
			return r;
	}
	EACH("capabilities")
	{
		cleanup_free char *name = NULL;
		cleanup_strv char **sc = NULL;
		struct sdh_profile_cap *c = NULL;
		unsigned cap = UINT32_MAX;
		json_object *v;

		if (json_object_object_get_ex(o, "number", &v) && v) {
			if ((r = get_uint(o, "number", 63, &cap)) < 0)
				return r;
		} else {
			if ((r = get_str(o, "name", false, &name)) < 0)
				return r;
			r = sdh_capability_from_name(name);
			if (r < 0)
				return -EBADMSG;
			cap = (unsigned)r;
		}
		if ((r = sdh_profile_add_cap(p, cap, true, true, NULL, 0)) < 0)
			return r;
		for (size_t j = 0; j < p->n_caps; j++)
			if (p->caps[j].cap == cap)
				c = &p->caps[j];
		if (c->checked)
			return -EBADMSG; /* duplicate */
		if ((r = get_u64(o, "checked", &c->checked)) < 0 ||
		    (r = get_u64(o, "granted", &c->granted)) < 0 ||
		    (r = get_u64(o, "denied", &c->denied)) < 0 ||
		    (r = get_u64(o, "routine", &c->routine)) < 0 ||
		    (r = get_bool(o, "needed", &c->needed)) < 0 ||
		    (r = get_strv(o, "syscalls", &sc)) < 0)
			return r;
		STRV_FOREACH(s, sc)
			if (!strv_contains(c->syscalls, *s) &&
			    (r = strv_extend(&c->syscalls, *s)) < 0)
				return r;
	}
	EACH("files")
	{
		cleanup_free char *path = NULL, *access = NULL, *error = NULL;
		uint64_t ok, failed;
		int acc;

		if ((r = get_str(o, "path", false, &path)) < 0 ||
		    (r = get_str(o, "access", false, &access)) < 0 ||
		    (r = get_str(o, "error", true, &error)) < 0 ||
		    (r = get_u64(o, "ok", &ok)) < 0 || (r = get_u64(o, "failed", &failed)) < 0)
			return r;
		acc = sdh_file_access_from_string(access);
		if (acc < 0 || isempty(path))
			return -EBADMSG;
		if ((r = sdh_profile_add_file(p, path, acc, 0, ok)) < 0 ||
		    (failed &&
		     (r = sdh_profile_add_file(p, path, acc, error_number(error), failed)) < 0))
			return r;
	}
	EACH("exec")
	{
		cleanup_free char *path = NULL, *interp = NULL;
		cleanup_strv char **argv = NULL;
		uint64_t ok, failed;
		bool varies;

		if ((r = get_str(o, "path", false, &path)) < 0 ||
		    (r = get_str(o, "interpreter", true, &interp)) < 0 ||
		    (r = get_u64(o, "ok", &ok)) < 0 || (r = get_u64(o, "failed", &failed)) < 0 ||
		    (r = get_strv(o, "argv", &argv)) < 0 ||
		    (r = get_bool(o, "argv_unknown", &varies)) < 0)
			return r;
		if (isempty(path) || (argv && (!argv[0] || varies)))
			return -EBADMSG;
		if ((r = sdh_profile_add_exec(p, path, interp, 0, ok)) < 0 ||
		    (failed && (r = sdh_profile_add_exec(p, path, NULL, EIO, failed)) < 0) ||
		    (r = sdh_profile_add_exec_argv(p, path, argv, varies)) < 0)
			return r;
	}
	EACH("sockets")
	{
		cleanup_free char *op = NULL, *family = NULL, *type = NULL, *address = NULL;
		uint64_t ok, failed;
		unsigned port;

		if ((r = get_str(o, "op", false, &op)) < 0 ||
		    (r = get_str(o, "family", false, &family)) < 0 ||
		    (r = get_str(o, "type", true, &type)) < 0 ||
		    (r = get_str(o, "address", true, &address)) < 0 ||
		    (r = get_uint(o, "port", 65535, &port)) < 0 ||
		    (r = get_u64(o, "ok", &ok)) < 0 || (r = get_u64(o, "failed", &failed)) < 0)
			return r;
		if ((r = sdh_profile_add_socket(p, op, family, type, address, port, 0, ok)) < 0 ||
		    (failed && (r = sdh_profile_add_socket(p, op, family, type, address, port, EIO,
							   failed)) < 0))
			return r;
	}
	EACH("devices")
	{
		cleanup_free char *path = NULL, *type = NULL, *mode = NULL;
		unsigned major, minor;
		uint64_t ok, failed;

		if ((r = get_str(o, "path", false, &path)) < 0 ||
		    (r = get_str(o, "type", false, &type)) < 0 ||
		    (r = get_str(o, "mode", false, &mode)) < 0 ||
		    (r = get_uint(o, "major", 4095, &major)) < 0 ||
		    (r = get_uint(o, "minor", 1048575, &minor)) < 0 ||
		    (r = get_u64(o, "ok", &ok)) < 0 || (r = get_u64(o, "failed", &failed)) < 0)
			return r;
		if (!streq(type, "c") && !streq(type, "b") && !streq(type, "?"))
			return -EBADMSG;
		if (!streq(mode, "r") && !streq(mode, "w") && !streq(mode, "rw"))
			return -EBADMSG;
		if ((r = sdh_profile_add_device(p, path, type[0] == '?' ? 0 : type[0], major, minor,
						mode, 0, ok)) < 0 ||
		    (failed &&
		     (r = sdh_profile_add_device(p, path, 0, 0, 0, mode, EIO, failed)) < 0))
			return r;
	}
	EACH("events")
	{
		cleanup_free char *kind = NULL, *syscall = NULL, *detail = NULL;
		uint64_t ok, failed;

		if ((r = get_str(o, "kind", false, &kind)) < 0 ||
		    (r = get_str(o, "syscall", true, &syscall)) < 0 ||
		    (r = get_str(o, "detail", true, &detail)) < 0 ||
		    (r = get_u64(o, "ok", &ok)) < 0 || (r = get_u64(o, "failed", &failed)) < 0)
			return r;
		if (isempty(kind))
			return -EBADMSG;
		if ((r = sdh_profile_add_event(p, kind, syscall, detail, 0, ok)) < 0 ||
		    (failed &&
		     (r = sdh_profile_add_event(p, kind, syscall, detail, EIO, failed)) < 0))
			return r;
	}
#undef EACH
	return 0;
}

int sdh_profile_parse(const char *text, size_t len, struct sdh_profile **ret)
{
	json_tokener *tok;
	cleanup_json json_object *root = NULL;
	struct sdh_profile *p;
	json_object *v;
	int r;

	if (len > INT32_MAX)
		return -EBADMSG;
	tok = json_tokener_new_ex(64);
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, text, (int)len);
	r = json_tokener_get_error(tok) == json_tokener_success ? 0 : -EBADMSG;
	/* Trailing garbage after the object is an error too. */
	if (r == 0 && json_tokener_get_parse_end(tok) < len) {
		for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
			if (!strchr(" \t\r\n", text[i]) && text[i]) {
				r = -EBADMSG;
				break;
			}
	}
	json_tokener_free(tok);
	if (r < 0 || !json_object_is_type(root, json_type_object))
		return -EBADMSG;
	if (!json_object_object_get_ex(root, "version", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != SDH_PROFILE_VERSION)
		return -EBADMSG;

	p = sdh_profile_new();
	if (!p)
		return -ENOMEM;
	if (json_object_object_get_ex(root, "meta", &v) && v)
		r = parse_meta(v, &p->meta);
	if (r >= 0)
		r = parse_records(root, p);
	if (r < 0) {
		sdh_profile_free(p);
		return r;
	}
	/* "traced" came later in version 1: without it, any recorded syscall says so. */
	if (!json_object_object_get_ex(json_object_object_get_ex(root, "meta", &v) ? v : NULL,
				       "traced", NULL))
		for (size_t i = 0; i < p->n_syscalls && !p->meta.traced; i++)
			p->meta.traced = p->syscalls[i].count > 0;
	sdh_profile_sort(p);
	*ret = p;
	return 0;
}

int sdh_profile_load(const char *path, struct sdh_profile **ret)
{
	cleanup_free char *buf = NULL;
	size_t len;
	int r;

	if (streq(path, "-"))
		r = read_full_file_at(AT_FDCWD, "/dev/stdin", PROFILE_SIZE_MAX, &buf, &len);
	else
		r = read_full_file_at(AT_FDCWD, path, PROFILE_SIZE_MAX, &buf, &len);
	if (r < 0)
		return r;
	return sdh_profile_parse(buf, len, ret);
}

static uint64_t file_total(const struct sdh_profile *p, enum sdh_file_access a)
{
	uint64_t n = 0;

	for (size_t i = 0; i < p->n_files; i++)
		n += p->files[i].access == a && p->files[i].ok;
	return n;
}

int sdh_profile_show(const struct sdh_profile *p, FILE *f)
{
	const struct sdh_profile_meta *m = &p->meta;
	uint64_t total = 0;

	for (size_t i = 0; i < p->n_syscalls; i++)
		total += p->syscalls[i].count;

	if (m->command) {
		cleanup_free char *cmd = strv_join(m->command, " ");

		fprintf(f, "Command:      %s\n", strempty(cmd));
	}
	if (m->unit)
		fprintf(f, "Unit:         %s\n", m->unit);
	fprintf(f, "Backend:      %s%s\n", strempty(m->backend), m->merged ? " (merged)" : "");
	if (m->merged)
		fprintf(f, "Merged:       %u profiles\n", m->merged);
	fprintf(f, "Kernel:       %s, systemd %s\n", m->kernel ? m->kernel : "?",
		m->systemd ? m->systemd : "?");
	fprintf(f, "Run:          %.3fs, %s", m->duration,
		m->complete ? "complete" : "incomplete (interrupted)");
	if (m->exit_signal)
		fprintf(f, ", killed by signal %d", m->exit_signal);
	else if (m->exit_status >= 0)
		fprintf(f, ", exit status %d", m->exit_status);
	fprintf(f, ", %" PRIu64 " processes\n", m->processes);
	if (!m->traced)
		fprintf(f, "Warning:      nothing was traced: an empty profile\n");
	if (m->lost)
		fprintf(f, "Warning:      %" PRIu64 " events lost\n", m->lost);

	fprintf(f, "\nSyscalls:     %zu distinct, %" PRIu64 " calls\n", p->n_syscalls, total);
	for (size_t i = 0; i < p->n_syscalls; i++) {
		fprintf(f, "%s%s", i % 8 == 0 ? "  " : " ", p->syscalls[i].name);
		if (i % 8 == 7 || i + 1 == p->n_syscalls)
			fputc('\n', f);
	}

	fprintf(f, "\nCapabilities: (method: %s)\n",
		m->capability_method ? m->capability_method : "?");
	for (size_t i = 0; i < p->n_caps; i++) {
		const struct sdh_profile_cap *c = &p->caps[i];
		const struct sdh_capability *k = sdh_capability_lookup(c->cap);
		cleanup_free char *sc = strv_join(c->syscalls, ",");

		fprintf(f,
			"  %-22s %s checked=%" PRIu64 " granted=%" PRIu64 " denied=%" PRIu64
			" routine=%" PRIu64 "%s%s\n",
			k ? k->name : "?", c->needed ? "needed " : "routine", c->checked,
			c->granted, c->denied, c->routine, isempty(sc) ? "" : " in ", strempty(sc));
	}

	fprintf(f,
		"\nFiles:        %zu records: %" PRIu64 " read, %" PRIu64 " written, %" PRIu64
		" created, %" PRIu64 " deleted\n",
		p->n_files, file_total(p, SDH_FILE_READ), file_total(p, SDH_FILE_WRITE),
		file_total(p, SDH_FILE_CREATE), file_total(p, SDH_FILE_DELETE));
	for (size_t i = 0; i < p->n_files; i++) {
		const struct sdh_profile_file *x = &p->files[i];

		if (x->ok && x->access != SDH_FILE_READ)
			fprintf(f, "  %-7s %s\n", sdh_file_access_to_string(x->access), x->path);
	}
	fprintf(f, "\nExecuted:\n");
	for (size_t i = 0; i < p->n_execs; i++)
		fprintf(f, "  %s%s%s%s\n", p->execs[i].path,
			p->execs[i].interpreter ? " (interpreter " : "",
			strempty(p->execs[i].interpreter), p->execs[i].interpreter ? ")" : "");
	fprintf(f, "\nSockets:\n");
	for (size_t i = 0; i < p->n_sockets; i++) {
		const struct sdh_profile_socket *s = &p->sockets[i];

		fprintf(f, "  %-7s %s %s", s->op, s->family, s->type);
		if (!isempty(s->address))
			fprintf(f, " %s", s->address);
		if (s->port)
			fprintf(f, " port %u", s->port);
		fprintf(f, "%s\n", s->ok ? "" : " (failed)");
	}
	fprintf(f, "\nDevices:\n");
	for (size_t i = 0; i < p->n_devices; i++) {
		const struct sdh_profile_device *d = &p->devices[i];

		fprintf(f, "  %s %c %u:%u %s%s\n", d->path, d->type ? d->type : '?', d->major,
			d->minor, d->mode, d->ok ? "" : " (failed)");
	}
	fprintf(f, "\nEvents:\n");
	for (size_t i = 0; i < p->n_events; i++) {
		const struct sdh_profile_event *e = &p->events[i];

		fprintf(f, "  %-15s %s%s%s%s\n", e->kind, e->syscall, isempty(e->detail) ? "" : " ",
			e->detail, e->ok ? "" : " (failed)");
	}
	return ferror(f) ? -EIO : 0;
}
