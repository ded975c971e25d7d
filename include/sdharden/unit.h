/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The unit model, offline: find a unit by name under a root the way systemd's manager does
 * (search paths, aliases, masks, templates, drop-ins), parse every file into one ordered stream
 * of assignments with their provenance, and report problems as diagnostics.
 *
 * Lifecycle:
 *	struct sdh_load_options o = SDH_LOAD_OPTIONS_INIT;   (then set root, scope, version)
 *	struct sdh_unit *u = NULL;
 *	r = sdh_unit_load(&o, "nginx.service", &diags, &u);
 *	... u->assignments ...
 *	sdh_unit_free(u);
 *
 * sdh_unit_load() returns 0 when a unit object was produced, whatever its load state (a masked or
 * missing unit is a result, not an error: u->load_state says which); -ENOMEM, -EINVAL (bad name or
 * options) otherwise.  Paths in the model and in diagnostics are as seen inside the root
 * ("/usr/lib/systemd/system/foo.service"), like systemd-analyze --root prints them.
 */

#include <stdbool.h>
#include <stddef.h>

#include "sdharden/diag.h"

enum sdh_scope {
	SDH_SCOPE_SYSTEM,
	SDH_SCOPE_USER,
	SDH_SCOPE_MAX,
};

enum sdh_load_state {
	SDH_LOAD_LOADED,
	SDH_LOAD_NOT_FOUND,
	SDH_LOAD_MASKED,
	SDH_LOAD_BAD_SETTING, /* loaded, but a setting systemd treats as fatal (e.g. User=00) */
	SDH_LOAD_ERROR,       /* the file exists but could not be read */
	SDH_LOAD_STATE_MAX,
};

struct sdh_load_options {
	const char *root; /* NULL or "/" for the host */
	enum sdh_scope scope;
	unsigned version;     /* SDH_VERSION() of the target systemd; selects search paths etc. */
	const char *instance; /* instance for bare templates; NULL: the version's default */
	char **unit_path; /* replaces the search path (like $SYSTEMD_UNIT_PATH), NULL: default */
	bool unit_path_append_default; /* $SYSTEMD_UNIT_PATH ended in ':' */
	struct sdh_unit_cache *cache;  /* optional, see sdh_unit_cache_new() */
};

#define SDH_LOAD_OPTIONS_INIT             \
	{                                 \
		.scope = SDH_SCOPE_SYSTEM \
	}

/*
 * One `Key=Value` line after continuation joining; VALUE is raw (no specifiers expanded).  The
 * texts belong to the unit (sdh_unit_add_assignment()) and live as long as it does.
 */
struct sdh_assignment {
	const char *section; /* "Service", "Unit", ... */
	const char *key;
	const char *value;
	const char *file; /* path inside the root */
	unsigned line;    /* first line of the assignment */
	bool from_dropin;
	unsigned line_end; /* last line of a continued assignment (systemd's messages cite it) */
};

struct sdh_arena;

struct sdh_unit {
	char *name;     /* as asked for (after instantiating a bare template) */
	char *id;       /* the name systemd reports: alias target, instantiated template */
	char *type;     /* "service", "socket", ... */
	char *prefix;   /* %p: part before '@' (or before the suffix) */
	char *instance; /* %i: NULL unless a template instance */
	enum sdh_scope scope;
	unsigned version;
	enum sdh_load_state load_state;
	char *fragment_path; /* main file (inside the root), NULL when none */
	char **dropin_paths; /* in application order */
	char **aliases;      /* other names that resolved to this unit */
	struct sdh_assignment *assignments;
	size_t n_assignments;
	size_t assignments_alloc;
	struct sdh_arena *strings; /* owns the assignments' texts */
	char *root;                /* the root it was loaded from (NULL: host), for specifiers */
};

/*
 * Append a copy of A (its texts copied into U's storage; A->file may be NULL) to the
 * assignments of U.  0 or -ENOMEM.
 */
int sdh_unit_add_assignment(struct sdh_unit *u, const struct sdh_assignment *a);

/*
 * Loading a unit needs the names of every unit in the search path (to find its aliases, as
 * systemd's name map does).  A cache keeps that listing, and where each alias leads, between
 * loads: callers loading many units pass one in sdh_load_options.cache.  It is rebuilt when the
 * root or search path differs from the one it was filled for; it assumes the tree does not
 * change while it is in use.
 */
struct sdh_unit_cache;
int sdh_unit_cache_new(struct sdh_unit_cache **ret);
struct sdh_unit_cache *sdh_unit_cache_free(struct sdh_unit_cache *c);
/*
 * Fill C completely for the root and search path of OPTS (listings and alias index).  Loads with
 * options of that same root and search path then only read the cache, so several threads may
 * load units through it at once (each with its own diagnostics).
 */
int sdh_unit_cache_prepare(struct sdh_unit_cache *c, const struct sdh_load_options *opts);

int sdh_unit_load(const struct sdh_load_options *opts, const char *name, struct sdh_diags *diags,
		  struct sdh_unit **ret);
struct sdh_unit *sdh_unit_free(struct sdh_unit *u);

/* Every unit name with SUFFIX (e.g. ".service") visible in the search path, sorted, unique. */
int sdh_unit_list(const struct sdh_load_options *opts, const char *suffix, char ***ret);

/* The search path for OPTS, in priority order, as paths inside the root. */
int sdh_unit_search_path(const struct sdh_load_options *opts, char ***ret);

/*
 * Expand %-specifiers in S for unit U.  Specifiers whose value cannot be known offline are left
 * as written and counted in *ret_unknown (may be NULL).  -EINVAL for an unknown specifier.
 */
int sdh_unit_expand_specifiers(const struct sdh_unit *u, const char *s, char **ret,
			       unsigned *ret_unknown);

/* Last assignment of SECTION.KEY, or NULL. */
const struct sdh_assignment *sdh_unit_last(const struct sdh_unit *u, const char *section,
					   const char *key);

const char *sdh_load_state_to_string(enum sdh_load_state s);
const char *sdh_scope_to_string(enum sdh_scope s);
