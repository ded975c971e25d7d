/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "basic/alloc-util.h"
#include "basic/macro.h"
#include "kb/kb-tables.h"

/*
 * Which research table describes VERSION.  The v252 tag and 252.39 differ (quotactl_fd,
 * set_mempolicy_home_node, ...: exposure-spec.md §8); 252.19+ carries the backports.
 */
const struct sdh_syscall_group_member *sdh_syscall_groups(unsigned version, size_t *ret_n)
{
	if (version < SDH_VERSION(252, 19)) {
		*ret_n = sdh_kb_syscall_groups_v252_count;
		return sdh_kb_syscall_groups_v252;
	}
	if (version < SDH_VERSION(258, 0)) {
		*ret_n = sdh_kb_syscall_groups_v252_39_count;
		return sdh_kb_syscall_groups_v252_39;
	}
	*ret_n = sdh_kb_syscall_groups_v262_count;
	return sdh_kb_syscall_groups_v262;
}

const char *sdh_syscall_group_help_text(unsigned version, const char *group)
{
	unsigned table = version < SDH_VERSION(252, 19)  ? SDH_VERSION(252, 0)
			 : version < SDH_VERSION(258, 0) ? SDH_VERSION(252, 39)
							 : SDH_VERSION(262, 0);

	for (size_t i = 0; i < sdh_kb_syscall_group_help_count; i++)
		if (sdh_kb_syscall_group_help[i].version == table &&
		    streq(sdh_kb_syscall_group_help[i].group, group))
			return sdh_kb_syscall_group_help[i].help;
	return NULL;
}

#define GROUP_DEPTH_MAX 8 /* systemd's groups nest two levels deep; anything deeper is a loop */

/*
 * Every group of a table with its members flattened in walk order (depth first, source order).
 * Walking a group by scanning the table costs a pass over its ~1000 rows per nested group, and
 * every unit walks groups many times (SystemCallFilter=@system-service, the score's ~10 syscall
 * checks), so each table is indexed once, on first use.  The index is derived from constant
 * tables and never changes once built: these are the only mutable globals here, written once
 * under pthread_once().  If building it fails (out of memory) the walk scans the table instead.
 */
struct flat_group {
	const char *name;
	size_t first, n_rows; /* its own rows: rows[first .. first + n_rows) of the table's index */
	const struct sdh_syscall_group_member **members; /* recursive walk, groups expanded */
	size_t n_members;
	int error; /* how the walk ends after the members: 0, -ENOENT (a nested group is missing) */
};

struct flat_table {
	const struct sdh_syscall_group_member *t;
	size_t n;
	const struct sdh_syscall_group_member **rows; /* by (group, position) */
	struct flat_group *groups;                    /* by name */
	size_t n_groups;
	bool ok;
};

static struct flat_table flat_tables[3];
static pthread_once_t flat_once[3] = { PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT, PTHREAD_ONCE_INIT };

static int cmp_row(const void *a, const void *b)
{
	const struct sdh_syscall_group_member
		*x = *(const struct sdh_syscall_group_member *const *)a,
		*y = *(const struct sdh_syscall_group_member *const *)b;
	int c = strcmp(x->group, y->group);

	return c ? c : (x > y) - (x < y);
}

static struct flat_group *flat_find(const struct flat_table *f, const char *name)
{
	size_t lo = 0, hi = f->n_groups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, f->groups[mid].name);

		if (c == 0)
			return &f->groups[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct flat_out {
	const struct sdh_syscall_group_member **v;
	size_t n, alloc;
};

/* What walk() below does, appending the members instead of calling back. */
static int flatten(const struct flat_table *f, const char *name, unsigned depth,
		   struct flat_out *out)
{
	const struct flat_group *g;

	if (depth > GROUP_DEPTH_MAX)
		return -ELOOP;
	g = flat_find(f, name);
	if (!g)
		return -ENOENT;
	for (size_t i = g->first; i < g->first + g->n_rows; i++) {
		const struct sdh_syscall_group_member *m = f->rows[i];

		if (streq(m->member_kind, "group")) {
			int r = flatten(f, m->member, depth + 1, out);

			if (r < 0)
				return r;
			continue;
		}
		if (GREEDY_REALLOC(out->v, out->alloc, out->n + 1, 16) < 0)
			return -ENOMEM;
		out->v[out->n++] = m;
	}
	return 0;
}

static void flat_build(size_t index, const struct sdh_syscall_group_member *t, size_t n)
{
	struct flat_table *f = &flat_tables[index];

	f->t = t;
	f->n = n;
	f->rows = calloc(MAX(n, (size_t)1), sizeof(*f->rows));
	f->groups = calloc(MAX(n, (size_t)1), sizeof(*f->groups));
	if (!f->rows || !f->groups)
		return;
	for (size_t i = 0; i < n; i++)
		f->rows[i] = &t[i];
	qsort(f->rows, n, sizeof(*f->rows), cmp_row);
	for (size_t i = 0; i < n; i++) {
		if (f->n_groups == 0 || !streq(f->groups[f->n_groups - 1].name, f->rows[i]->group))
			f->groups[f->n_groups++] =
				(struct flat_group){ .name = f->rows[i]->group, .first = i };
		f->groups[f->n_groups - 1].n_rows++;
	}
	for (size_t i = 0; i < f->n_groups; i++) {
		struct flat_out out = { 0 };
		int r = flatten(f, f->groups[i].name, 0, &out);

		if (r == -ENOMEM) {
			free(out.v);
			return; /* not ok: the walk scans */
		}
		f->groups[i].members = out.v;
		f->groups[i].n_members = out.n;
		f->groups[i].error = r;
	}
	f->ok = true;
}

static void flat_build_0(void)
{
	flat_build(0, sdh_kb_syscall_groups_v252, sdh_kb_syscall_groups_v252_count);
}

static void flat_build_1(void)
{
	flat_build(1, sdh_kb_syscall_groups_v252_39, sdh_kb_syscall_groups_v252_39_count);
}

static void flat_build_2(void)
{
	flat_build(2, sdh_kb_syscall_groups_v262, sdh_kb_syscall_groups_v262_count);
}

/* The index of VERSION's table, NULL if it could not be built. */
static const struct flat_table *flat_table(unsigned version)
{
	static void (*const build[3])(void) = { flat_build_0, flat_build_1, flat_build_2 };
	size_t n, i;
	const struct sdh_syscall_group_member *t = sdh_syscall_groups(version, &n);

	i = t == sdh_kb_syscall_groups_v252 ? 0 : t == sdh_kb_syscall_groups_v252_39 ? 1 : 2;
	(void)pthread_once(&flat_once[i], build[i]);
	return flat_tables[i].ok ? &flat_tables[i] : NULL;
}

bool sdh_syscall_group_exists(unsigned version, const char *group)
{
	size_t n;
	const struct sdh_syscall_group_member *t;
	const struct flat_table *f = flat_table(version);

	if (f)
		return flat_find(f, group) != NULL;
	t = sdh_syscall_groups(version, &n);
	for (size_t i = 0; i < n; i++)
		if (streq(t[i].group, group))
			return true;
	return false;
}

static int walk(const struct sdh_syscall_group_member *t, size_t n, const char *group,
		bool recursive, unsigned depth,
		int (*fn)(const struct sdh_syscall_group_member *m, void *userdata), void *userdata)
{
	bool found = false;

	if (depth > GROUP_DEPTH_MAX)
		return -ELOOP;
	for (size_t i = 0; i < n; i++) {
		int r;

		if (!streq(t[i].group, group))
			continue;
		found = true;
		if (recursive && streq(t[i].member_kind, "group"))
			r = walk(t, n, t[i].member, true, depth + 1, fn, userdata);
		else
			r = fn(&t[i], userdata);
		if (r != 0)
			return r;
	}
	return found ? 0 : -ENOENT;
}

int sdh_syscall_group_walk(unsigned version, const char *group, bool recursive,
			   int (*fn)(const struct sdh_syscall_group_member *m, void *userdata),
			   void *userdata)
{
	size_t n;
	const struct sdh_syscall_group_member *t = sdh_syscall_groups(version, &n);
	const struct flat_table *f = flat_table(version);
	const struct flat_group *g;

	if (!f)
		return walk(t, n, group, recursive, 0, fn, userdata);
	g = flat_find(f, group);
	if (!g)
		return -ENOENT;
	if (!recursive) {
		for (size_t i = g->first; i < g->first + g->n_rows; i++) {
			int r = fn(f->rows[i], userdata);

			if (r != 0)
				return r;
		}
		return 0;
	}
	for (size_t i = 0; i < g->n_members; i++) {
		int r = fn(g->members[i], userdata);

		if (r != 0)
			return r;
	}
	return g->error;
}

const struct sdh_check_row *sdh_checks(unsigned version, size_t *ret_n)
{
	/* CapabilityBoundingSet=~CAP_BPF arrived in 252.19 and v255 (exposure-spec.md §9). */
	if (version < SDH_VERSION(252, 19) ||
	    (version >= SDH_VERSION(253, 0) && version < SDH_VERSION(255, 0))) {
		*ret_n = sdh_kb_checks_v252_count;
		return sdh_kb_checks_v252;
	}
	if (version < SDH_VERSION(253, 0)) {
		*ret_n = sdh_kb_checks_v252_38_count;
		return sdh_kb_checks_v252_38;
	}
	*ret_n = sdh_kb_checks_v262_count;
	return sdh_kb_checks_v262;
}
