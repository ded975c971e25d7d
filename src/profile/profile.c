/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The profile model: records added by key (a small hash index per array keeps recording
 * linear in the number of events), sorting, merging and lookups.  JSON is in profile-json.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "profile/profile-internal.h"

static const char *const access_names[SDH_FILE_ACCESS_MAX] = {
	[SDH_FILE_READ] = "read",     [SDH_FILE_WRITE] = "write", [SDH_FILE_CREATE] = "create",
	[SDH_FILE_DELETE] = "delete", [SDH_FILE_EXEC] = "exec",   [SDH_FILE_CHMOD] = "chmod",
	[SDH_FILE_CHOWN] = "chown",   [SDH_FILE_MKDIR] = "mkdir",
};

const char *sdh_file_access_to_string(enum sdh_file_access a)
{
	return (unsigned)a < SDH_FILE_ACCESS_MAX ? access_names[a] : NULL;
}

int sdh_file_access_from_string(const char *s)
{
	for (unsigned i = 0; i < SDH_FILE_ACCESS_MAX; i++)
		if (streq(s, access_names[i]))
			return (int)i;
	return -EINVAL;
}

/* FNV-1a: keys are short and this is not exposed to hostile collisions worth caring about. */
static uint64_t hash_key(const char *k)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

static void index_clear(struct profile_index *ix)
{
	for (size_t i = 0; i < ix->size; i++)
		free(ix->slots[i].key);
	free(ix->slots);
	*ix = (struct profile_index){ 0 };
}

static int index_put(struct profile_index *ix, char *key, size_t pos);

static int index_grow(struct profile_index *ix)
{
	struct profile_index n = { .size = ix->size ? ix->size * 2 : 64 };

	n.slots = calloc(n.size, sizeof(*n.slots));
	if (!n.slots)
		return -ENOMEM;
	for (size_t i = 0; i < ix->size; i++)
		if (ix->slots[i].key)
			(void)index_put(&n, ix->slots[i].key, ix->slots[i].pos);
	free(ix->slots);
	*ix = n;
	return 0;
}

/* Takes ownership of KEY; the caller checked it is absent. */
static int index_put(struct profile_index *ix, char *key, size_t pos)
{
	size_t i;

	if ((ix->used + 1) * 2 > ix->size && index_grow(ix) < 0) {
		free(key);
		return -ENOMEM;
	}
	for (i = hash_key(key) & (ix->size - 1); ix->slots[i].key; i = (i + 1) & (ix->size - 1))
		;
	ix->slots[i].key = key;
	ix->slots[i].pos = pos;
	ix->used++;
	return 0;
}

static bool index_get(const struct profile_index *ix, const char *key, size_t *ret)
{
	if (!ix->size)
		return false;
	for (size_t i = hash_key(key) & (ix->size - 1); ix->slots[i].key;
	     i = (i + 1) & (ix->size - 1))
		if (streq(ix->slots[i].key, key)) {
			*ret = ix->slots[i].pos;
			return true;
		}
	return false;
}

static struct profile_impl *impl_of(const struct sdh_profile *p)
{
	return (struct profile_impl *)((char *)p - offsetof(struct profile_impl, pub));
}

struct sdh_profile *sdh_profile_new(void)
{
	struct profile_impl *impl = calloc(1, sizeof(*impl));

	if (!impl)
		return NULL;
	impl->pub.version = SDH_PROFILE_VERSION;
	impl->pub.meta.exit_status = -1;
	return &impl->pub;
}

static void meta_release(struct sdh_profile_meta *m)
{
	free(m->backend);
	free(m->syscall_method);
	free(m->capability_method);
	strv_free(m->command);
	free(m->unit);
	free(m->target);
	free(m->kernel);
	free(m->systemd);
	free(m->arch);
	free(m->started);
}

struct sdh_profile *sdh_profile_free(struct sdh_profile *p)
{
	struct profile_impl *impl;

	if (!p)
		return NULL;
	impl = impl_of(p);
	for (size_t i = 0; i < ELEMENTSOF(impl->index); i++)
		index_clear(&impl->index[i]);
	meta_release(&p->meta);
	for (size_t i = 0; i < p->n_syscalls; i++)
		free(p->syscalls[i].name);
	for (size_t i = 0; i < p->n_caps; i++)
		strv_free(p->caps[i].syscalls);
	for (size_t i = 0; i < p->n_files; i++) {
		free(p->files[i].path);
		free(p->files[i].error);
	}
	for (size_t i = 0; i < p->n_execs; i++) {
		free(p->execs[i].path);
		free(p->execs[i].interpreter);
		strv_free(p->execs[i].argv);
	}
	for (size_t i = 0; i < p->n_sockets; i++) {
		free(p->sockets[i].op);
		free(p->sockets[i].family);
		free(p->sockets[i].type);
		free(p->sockets[i].address);
	}
	for (size_t i = 0; i < p->n_devices; i++)
		free(p->devices[i].path);
	for (size_t i = 0; i < p->n_events; i++) {
		free(p->events[i].kind);
		free(p->events[i].syscall);
		free(p->events[i].detail);
	}
	free(p->syscalls);
	free(p->caps);
	free(p->files);
	free(p->execs);
	free(p->sockets);
	free(p->devices);
	free(p->events);
	free(impl);
	return NULL;
}

/*
 * Find the record with KEY in array *ARR (N elements of SIZE bytes) of kind WHICH, or append a
 * zeroed one.  Returns the element, *created says whether it is new; NULL on OOM.
 */
static void *find_or_add(struct sdh_profile *p, unsigned which, void **arr, size_t *n, size_t size,
			 const char *key, bool *created)
{
	struct profile_impl *impl = impl_of(p);
	struct profile_index *ix = &impl->index[which];
	cleanup_free char *k = NULL;
	size_t pos;
	void *a;

	/* Arrays are re-sorted (sdh_profile_sort) or loaded without the index: rebuild it. */
	if (ix->used != *n) {
		index_clear(ix);
		for (size_t i = 0; i < *n; i++) {
			char *ki = impl->key_of[which](p, i);

			if (!ki || index_put(ix, ki, i) < 0) {
				index_clear(ix);
				return NULL;
			}
		}
	}
	if (index_get(ix, key, &pos)) {
		*created = false;
		return (char *)*arr + pos * size;
	}
	k = strdup(key);
	if (!k)
		return NULL;
	a = realloc(*arr, (*n + 1) * size);
	if (!a)
		return NULL;
	*arr = a;
	memset((char *)a + *n * size, 0, size);
	if (index_put(ix, TAKE_PTR(k), *n) < 0)
		return NULL;
	*created = true;
	return (char *)a + (*n)++ * size;
}

#define SEP "\x1f"

static char *key_syscall(const struct sdh_profile *p, size_t i)
{
	return strdup(p->syscalls[i].name);
}

static char *key_cap(const struct sdh_profile *p, size_t i)
{
	char *k;

	return asprintf(&k, "%u", p->caps[i].cap) < 0 ? NULL : k;
}

static char *make_key(const char *a, const char *b, const char *c, const char *d, unsigned n)
{
	char *k;

	return asprintf(&k, "%s" SEP "%s" SEP "%s" SEP "%s" SEP "%u", strempty(a), strempty(b),
			strempty(c), strempty(d), n) < 0
		       ? NULL
		       : k;
}

static char *key_file(const struct sdh_profile *p, size_t i)
{
	return make_key(p->files[i].path, NULL, NULL, NULL, p->files[i].access);
}

static char *key_exec(const struct sdh_profile *p, size_t i)
{
	return strdup(p->execs[i].path);
}

static char *key_socket(const struct sdh_profile *p, size_t i)
{
	const struct sdh_profile_socket *s = &p->sockets[i];

	return make_key(s->op, s->family, s->type, s->address, s->port);
}

static char *key_device(const struct sdh_profile *p, size_t i)
{
	return make_key(p->devices[i].path, p->devices[i].mode, NULL, NULL, 0);
}

static char *key_event(const struct sdh_profile *p, size_t i)
{
	const struct sdh_profile_event *e = &p->events[i];

	return make_key(e->kind, e->syscall, e->detail, NULL, 0);
}

/* Set up the per-kind key functions on a new profile (called lazily by the add functions). */
static struct profile_impl *impl_ready(struct sdh_profile *p)
{
	struct profile_impl *impl = impl_of(p);

	impl->key_of[IDX_SYSCALL] = key_syscall;
	impl->key_of[IDX_CAP] = key_cap;
	impl->key_of[IDX_FILE] = key_file;
	impl->key_of[IDX_EXEC] = key_exec;
	impl->key_of[IDX_SOCKET] = key_socket;
	impl->key_of[IDX_DEVICE] = key_device;
	impl->key_of[IDX_EVENT] = key_event;
	return impl;
}

static void count_result(uint64_t *ok, uint64_t *failed, int error, uint64_t count)
{
	if (error)
		*failed += count;
	else
		*ok += count;
}

static int dup_error(char **dst, int error)
{
	const char *name;
	char buf[32];

	if (!error)
		return 0;
	name = strerrorname_np(error);
	if (!name) {
		snprintf(buf, sizeof(buf), "E#%d", error);
		name = buf;
	}
	free(*dst);
	*dst = strdup(name);
	return *dst ? 0 : -ENOMEM;
}

int sdh_profile_add_syscall(struct sdh_profile *p, const char *name, int nr, uint64_t count)
{
	struct sdh_profile_syscall *s;
	bool created;

	impl_ready(p);
	s = find_or_add(p, IDX_SYSCALL, (void **)&p->syscalls, &p->n_syscalls, sizeof(*s), name,
			&created);
	if (!s)
		return -ENOMEM;
	if (created) {
		s->nr = nr;
		s->name = strdup(name);
		if (!s->name) {
			p->n_syscalls--;
			impl_of(p)->index[IDX_SYSCALL].used = SIZE_MAX; /* force rebuild */
			return -ENOMEM;
		}
	}
	s->count += count;
	return 0;
}

/* On a failed strdup of a new record's fields: drop the record and force an index rebuild. */
#define DROP_NEW(p, which, n)                             \
	do {                                              \
		(n)--;                                    \
		impl_of(p)->index[which].used = SIZE_MAX; \
		return -ENOMEM;                           \
	} while (0)

int sdh_profile_add_cap(struct sdh_profile *p, unsigned cap, bool granted, bool routine,
			const char *syscall, uint64_t count)
{
	struct sdh_profile_cap *c;
	char key[16];
	bool created;

	impl_ready(p);
	snprintf(key, sizeof(key), "%u", cap);
	c = find_or_add(p, IDX_CAP, (void **)&p->caps, &p->n_caps, sizeof(*c), key, &created);
	if (!c)
		return -ENOMEM;
	c->cap = cap;
	c->checked += count;
	if (granted)
		c->granted += count;
	else
		c->denied += count;
	if (routine)
		c->routine += count;
	else {
		c->needed = true;
		if (syscall && !strv_contains(c->syscalls, syscall) &&
		    strv_extend(&c->syscalls, syscall) < 0)
			return -ENOMEM;
	}
	return 0;
}

int sdh_profile_add_file(struct sdh_profile *p, const char *path, enum sdh_file_access a, int error,
			 uint64_t count)
{
	cleanup_free char *key = make_key(path, NULL, NULL, NULL, a);
	struct sdh_profile_file *f;
	bool created;

	if (!key)
		return -ENOMEM;
	impl_ready(p);
	f = find_or_add(p, IDX_FILE, (void **)&p->files, &p->n_files, sizeof(*f), key, &created);
	if (!f)
		return -ENOMEM;
	if (created) {
		f->access = a;
		f->path = strdup(path);
		if (!f->path)
			DROP_NEW(p, IDX_FILE, p->n_files);
	}
	count_result(&f->ok, &f->failed, error, count);
	return dup_error(&f->error, error);
}

int sdh_profile_add_exec(struct sdh_profile *p, const char *path, const char *interpreter,
			 int error, uint64_t count)
{
	struct sdh_profile_exec *e;
	bool created;

	impl_ready(p);
	e = find_or_add(p, IDX_EXEC, (void **)&p->execs, &p->n_execs, sizeof(*e), path, &created);
	if (!e)
		return -ENOMEM;
	if (created) {
		e->path = strdup(path);
		if (!e->path)
			DROP_NEW(p, IDX_EXEC, p->n_execs);
	}
	if (interpreter && !e->interpreter) {
		e->interpreter = strdup(interpreter);
		if (!e->interpreter)
			return -ENOMEM;
	}
	count_result(&e->ok, &e->failed, error, count);
	return 0;
}

static bool argv_equal(char *const *a, char *const *b)
{
	for (; *a && *b; a++, b++)
		if (!streq(*a, *b))
			return false;
	return !*a && !*b;
}

int sdh_profile_add_exec_argv(struct sdh_profile *p, const char *path, char *const *argv,
			      bool differed)
{
	struct sdh_profile_exec *e = NULL;

	for (size_t i = 0; i < p->n_execs && !e; i++)
		if (streq(p->execs[i].path, path))
			e = &p->execs[i];
	if (!e)
		return -ENOENT;
	/* A run that could not be read says nothing; two that differ make it unknown. */
	if (e->argv_unknown || (!argv && !differed))
		return 0;
	if (differed || (e->argv && !argv_equal(e->argv, argv))) {
		e->argv = strv_free(e->argv);
		e->argv_unknown = true;
		return 0;
	}
	if (!e->argv) {
		e->argv = strv_copy(argv);
		if (!e->argv)
			return -ENOMEM;
	}
	return 0;
}

int sdh_profile_add_socket(struct sdh_profile *p, const char *op, const char *family,
			   const char *type, const char *address, unsigned port, int error,
			   uint64_t count)
{
	cleanup_free char *key = make_key(op, family, type, address, port);
	struct sdh_profile_socket *s;
	bool created;

	if (!key)
		return -ENOMEM;
	impl_ready(p);
	s = find_or_add(p, IDX_SOCKET, (void **)&p->sockets, &p->n_sockets, sizeof(*s), key,
			&created);
	if (!s)
		return -ENOMEM;
	if (created) {
		s->op = strdup(op);
		s->family = strdup(strempty(family));
		s->type = strdup(strempty(type));
		s->address = strdup(strempty(address));
		s->port = port;
		if (!s->op || !s->family || !s->type || !s->address) {
			free(s->op);
			free(s->family);
			free(s->type);
			free(s->address);
			DROP_NEW(p, IDX_SOCKET, p->n_sockets);
		}
	}
	count_result(&s->ok, &s->failed, error, count);
	return 0;
}

int sdh_profile_add_device(struct sdh_profile *p, const char *path, char type, unsigned major,
			   unsigned minor, const char *mode, int error, uint64_t count)
{
	cleanup_free char *key = make_key(path, mode, NULL, NULL, 0);
	struct sdh_profile_device *d;
	bool created;

	if (!key)
		return -ENOMEM;
	impl_ready(p);
	d = find_or_add(p, IDX_DEVICE, (void **)&p->devices, &p->n_devices, sizeof(*d), key,
			&created);
	if (!d)
		return -ENOMEM;
	if (created) {
		d->path = strdup(path);
		if (!d->path)
			DROP_NEW(p, IDX_DEVICE, p->n_devices);
		snprintf(d->mode, sizeof(d->mode), "%s", mode);
	}
	/* A failed open has no inode to describe: keep what a successful one found. */
	if (type && !d->type) {
		d->type = type;
		d->major = major;
		d->minor = minor;
	}
	count_result(&d->ok, &d->failed, error, count);
	return 0;
}

int sdh_profile_add_event(struct sdh_profile *p, const char *kind, const char *syscall,
			  const char *detail, int error, uint64_t count)
{
	cleanup_free char *key = make_key(kind, syscall, detail, NULL, 0);
	struct sdh_profile_event *e;
	bool created;

	if (!key)
		return -ENOMEM;
	impl_ready(p);
	e = find_or_add(p, IDX_EVENT, (void **)&p->events, &p->n_events, sizeof(*e), key, &created);
	if (!e)
		return -ENOMEM;
	if (created) {
		e->kind = strdup(kind);
		e->syscall = strdup(strempty(syscall));
		e->detail = strdup(strempty(detail));
		if (!e->kind || !e->syscall || !e->detail) {
			free(e->kind);
			free(e->syscall);
			free(e->detail);
			DROP_NEW(p, IDX_EVENT, p->n_events);
		}
	}
	count_result(&e->ok, &e->failed, error, count);
	return 0;
}

static int cmp_syscall(const void *a, const void *b)
{
	return strcmp(((const struct sdh_profile_syscall *)a)->name,
		      ((const struct sdh_profile_syscall *)b)->name);
}

static int cmp_cap(const void *a, const void *b)
{
	unsigned x = ((const struct sdh_profile_cap *)a)->cap;
	unsigned y = ((const struct sdh_profile_cap *)b)->cap;

	return (x > y) - (x < y);
}

static int cmp_file(const void *a, const void *b)
{
	const struct sdh_profile_file *x = a, *y = b;
	int r = strcmp(x->path, y->path);

	return r ? r : (int)x->access - (int)y->access;
}

static int cmp_exec(const void *a, const void *b)
{
	return strcmp(((const struct sdh_profile_exec *)a)->path,
		      ((const struct sdh_profile_exec *)b)->path);
}

static int cmp_socket(const void *a, const void *b)
{
	const struct sdh_profile_socket *x = a, *y = b;
	int r;

	if ((r = strcmp(x->op, y->op)) || (r = strcmp(x->family, y->family)) ||
	    (r = strcmp(x->type, y->type)) || (r = strcmp(x->address, y->address)))
		return r;
	return (x->port > y->port) - (x->port < y->port);
}

static int cmp_device(const void *a, const void *b)
{
	const struct sdh_profile_device *x = a, *y = b;
	int r = strcmp(x->path, y->path);

	return r ? r : strcmp(x->mode, y->mode);
}

static int cmp_event(const void *a, const void *b)
{
	const struct sdh_profile_event *x = a, *y = b;
	int r;

	if ((r = strcmp(x->kind, y->kind)) || (r = strcmp(x->syscall, y->syscall)))
		return r;
	return strcmp(x->detail, y->detail);
}

void sdh_profile_sort(struct sdh_profile *p)
{
	struct profile_impl *impl = impl_of(p);

	if (p->n_syscalls)
		qsort(p->syscalls, p->n_syscalls, sizeof(*p->syscalls), cmp_syscall);
	if (p->n_caps)
		qsort(p->caps, p->n_caps, sizeof(*p->caps), cmp_cap);
	for (size_t i = 0; i < p->n_caps; i++)
		strv_sort(p->caps[i].syscalls);
	if (p->n_files)
		qsort(p->files, p->n_files, sizeof(*p->files), cmp_file);
	if (p->n_execs)
		qsort(p->execs, p->n_execs, sizeof(*p->execs), cmp_exec);
	if (p->n_sockets)
		qsort(p->sockets, p->n_sockets, sizeof(*p->sockets), cmp_socket);
	if (p->n_devices)
		qsort(p->devices, p->n_devices, sizeof(*p->devices), cmp_device);
	if (p->n_events)
		qsort(p->events, p->n_events, sizeof(*p->events), cmp_event);
	for (size_t i = 0; i < ELEMENTSOF(impl->index); i++)
		index_clear(&impl->index[i]);
}

const struct sdh_profile_syscall *sdh_profile_find_syscall(const struct sdh_profile *p,
							   const char *name)
{
	struct sdh_profile_syscall k = { .name = (char *)name };

	return p->n_syscalls ? bsearch(&k, p->syscalls, p->n_syscalls, sizeof(k), cmp_syscall)
			     : NULL;
}

const struct sdh_profile_cap *sdh_profile_find_cap(const struct sdh_profile *p, unsigned cap)
{
	struct sdh_profile_cap k = { .cap = cap };

	return p->n_caps ? bsearch(&k, p->caps, p->n_caps, sizeof(k), cmp_cap) : NULL;
}

const struct sdh_profile_file *sdh_profile_find_file(const struct sdh_profile *p, const char *path,
						     enum sdh_file_access a)
{
	struct sdh_profile_file k = { .path = (char *)path, .access = a };

	return p->n_files ? bsearch(&k, p->files, p->n_files, sizeof(k), cmp_file) : NULL;
}

static int merge_string(char **dst, const char *src)
{
	if (*dst || !src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

int sdh_profile_merge(struct sdh_profile *dst, const struct sdh_profile *src)
{
	struct sdh_profile_meta *m = &dst->meta;
	bool fresh = !m->backend; /* a new, empty profile: take SRC's facts as they are */
	int r = 0;

	for (size_t i = 0; i < src->n_syscalls && r >= 0; i++)
		r = sdh_profile_add_syscall(dst, src->syscalls[i].name, src->syscalls[i].nr,
					    src->syscalls[i].count);
	for (size_t i = 0; i < src->n_caps && r >= 0; i++) {
		const struct sdh_profile_cap *c = &src->caps[i];
		struct sdh_profile_cap *d;

		/* Add an empty record, then the counts as they are (they need not add up). */
		r = sdh_profile_add_cap(dst, c->cap, true, true, NULL, 0);
		if (r < 0)
			break;
		for (d = dst->caps; d->cap != c->cap; d++)
			;
		d->checked += c->checked;
		d->granted += c->granted;
		d->denied += c->denied;
		d->routine += c->routine;
		d->needed = d->needed || c->needed;
		STRV_FOREACH(s, c->syscalls)
			if (!strv_contains(d->syscalls, *s) &&
			    (r = strv_extend(&d->syscalls, *s)) < 0)
				break;
	}
	for (size_t i = 0; i < src->n_files && r >= 0; i++) {
		const struct sdh_profile_file *f = &src->files[i];

		r = sdh_profile_add_file(dst, f->path, f->access, 0, f->ok);
		if (r >= 0 && f->failed) {
			/* Keep the failure's name: add the failures with a placeholder errno. */
			r = sdh_profile_add_file(dst, f->path, f->access, EIO, f->failed);
			for (size_t j = 0; r >= 0 && j < dst->n_files; j++)
				if (dst->files[j].access == f->access &&
				    streq(dst->files[j].path, f->path)) {
					free(dst->files[j].error);
					dst->files[j].error = f->error ? strdup(f->error) : NULL;
					if (f->error && !dst->files[j].error)
						r = -ENOMEM;
					break;
				}
		}
	}
	for (size_t i = 0; i < src->n_execs && r >= 0; i++) {
		const struct sdh_profile_exec *e = &src->execs[i];

		r = sdh_profile_add_exec(dst, e->path, e->interpreter, 0, e->ok);
		if (r >= 0 && e->failed)
			r = sdh_profile_add_exec(dst, e->path, NULL, EIO, e->failed);
		if (r >= 0 && (e->argv || e->argv_unknown))
			r = sdh_profile_add_exec_argv(dst, e->path, e->argv, e->argv_unknown);
	}
	for (size_t i = 0; i < src->n_sockets && r >= 0; i++) {
		const struct sdh_profile_socket *s = &src->sockets[i];

		r = sdh_profile_add_socket(dst, s->op, s->family, s->type, s->address, s->port, 0,
					   s->ok);
		if (r >= 0 && s->failed)
			r = sdh_profile_add_socket(dst, s->op, s->family, s->type, s->address,
						   s->port, EIO, s->failed);
	}
	for (size_t i = 0; i < src->n_devices && r >= 0; i++) {
		const struct sdh_profile_device *d = &src->devices[i];

		r = sdh_profile_add_device(dst, d->path, d->type, d->major, d->minor, d->mode, 0,
					   d->ok);
		if (r >= 0 && d->failed)
			r = sdh_profile_add_device(dst, d->path, 0, 0, 0, d->mode, EIO, d->failed);
	}
	for (size_t i = 0; i < src->n_events && r >= 0; i++) {
		const struct sdh_profile_event *e = &src->events[i];

		r = sdh_profile_add_event(dst, e->kind, e->syscall, e->detail, 0, e->ok);
		if (r >= 0 && e->failed)
			r = sdh_profile_add_event(dst, e->kind, e->syscall, e->detail, EIO,
						  e->failed);
	}
	if (r < 0)
		return r;

	/* meta: the first profile's facts; the union is complete only if every part was. */
	if (fresh)
		m->complete = src->meta.complete;
	else
		m->complete = m->complete && src->meta.complete;
	if (!fresh && m->merged == 0)
		m->merged = 1;
	m->merged += src->meta.merged ? src->meta.merged : 1;
	m->traced = m->traced || src->meta.traced;
	m->duration += src->meta.duration;
	m->processes += src->meta.processes;
	m->events += src->meta.events;
	m->lost += src->meta.lost;
	if ((r = merge_string(&m->syscall_method, src->meta.syscall_method)) < 0 ||
	    (r = merge_string(&m->capability_method, src->meta.capability_method)) < 0 ||
	    (r = merge_string(&m->kernel, src->meta.kernel)) < 0 ||
	    (r = merge_string(&m->systemd, src->meta.systemd)) < 0 ||
	    (r = merge_string(&m->arch, src->meta.arch)) < 0 ||
	    (r = merge_string(&m->unit, src->meta.unit)) < 0)
		return r;
	free(m->backend);
	m->backend = strdup("merged");
	if (!m->backend)
		return -ENOMEM;
	sdh_profile_sort(dst);
	return 0;
}
