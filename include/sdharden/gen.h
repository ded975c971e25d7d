/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The drop-in generator behind `sdharden suggest`: one drop-in model (sections -> ordered
 * directives, each with the reason that justified it) built by sdh_suggest() from a unit and an
 * optional profile, and two emitters, text and JSON.
 *
 * Lifecycle:
 *	struct sdh_suggest_options o = SDH_SUGGEST_OPTIONS_INIT;   (then set version, unit, profile)
 *	struct sdh_dropin *d = NULL;
 *	r = sdh_suggest(&o, &d);                  (-EINVAL bad options, -ENOMEM)
 *	r = sdh_dropin_to_text(d, &text);         (heap string)
 *	r = sdh_dropin_install(root, d->unit, text, &path);
 *	sdh_dropin_free(d);
 *
 * Directives are emitted in the order of the rule table in src/gen/suggest.c, which follows the
 * security checks of the knowledge base (sdh_checks()); a list directive is preceded by its reset
 * (`X=` with an empty value) because drop-in values add to the unit's own.  Only directives the
 * target version knows (sdh_directive_known_at()) are emitted; the others end up in `omitted`.
 *
 * All strings are heap-owned by the model and copied on the way in.
 */

#include <stdbool.h>
#include <stddef.h>

#include "sdharden/profile.h"
#include "sdharden/unit.h"

enum sdh_suggest_mode {
	SDH_SUGGEST_SAFE,   /* leave out what an unexercised code path could plausibly need */
	SDH_SUGGEST_STRICT, /* take the observed profile at its word */
	SDH_SUGGEST_MODE_MAX,
};

const char *sdh_suggest_mode_to_string(enum sdh_suggest_mode m);
int sdh_suggest_mode_from_string(const char *s); /* enum value or -EINVAL */

/* One `Key=Value` line; value "" is a reset.  reason is NULL for the set line after a reset. */
struct sdh_dropin_item {
	char *key;
	char *value;
	char *reason;
};

struct sdh_dropin_section {
	char *name; /* "Service" */
	struct sdh_dropin_item *items;
	size_t n_items, alloc;
};

/* A directive considered and left out, with why (the evidence, or its absence). */
struct sdh_dropin_omission {
	char *key;
	char *reason;
};

struct sdh_dropin {
	char *unit;       /* unit name the drop-in is for, may be NULL */
	unsigned version; /* SDH_VERSION() the directives were chosen for */
	enum sdh_suggest_mode mode;
	bool is_static; /* no profile: the suggestion safe for almost any daemon */
	int exposure_before, exposure_after; /* tenths as `analyze` prints them, -1 unknown */
	char **notes;                        /* header lines (without '#') */
	struct sdh_dropin_section *sections;
	size_t n_sections;
	struct sdh_dropin_omission *omitted;
	size_t n_omitted, alloc_omitted;
};

struct sdh_dropin *sdh_dropin_new(const char *unit, unsigned version, enum sdh_suggest_mode mode);
struct sdh_dropin *sdh_dropin_free(struct sdh_dropin *d);

/*
 * Append KEY=VALUE to SECTION (created on first use).  REASON may be NULL.  With reset=true a
 * `KEY=` line goes first (and REASON goes with it); an empty VALUE after a reset adds nothing
 * more.  -ENOMEM, -EINVAL for an empty key.
 */
int sdh_dropin_add(struct sdh_dropin *d, const char *section, const char *key, const char *value,
		   bool reset, const char *reason);
int sdh_dropin_omit(struct sdh_dropin *d, const char *key, const char *reason);
int sdh_dropin_add_note(struct sdh_dropin *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Last value set for SECTION.KEY in the model (a reset counts as ""), or NULL. */
const char *sdh_dropin_get(const struct sdh_dropin *d, const char *section, const char *key);

/* Emitters.  Text is a drop-in file systemd accepts: comments on their own lines. */
int sdh_dropin_to_text(const struct sdh_dropin *d, char **ret);
int sdh_dropin_to_json(const struct sdh_dropin *d, char **ret);

/*
 * The drop-in as extra assignments appended to a copy of U (file FILE, from_dropin true), so
 * that settings and score can be computed for the unit with the drop-in applied.  -ENOMEM.
 */
int sdh_dropin_apply(const struct sdh_dropin *d, const struct sdh_unit *u, const char *file,
		     struct sdh_unit **ret);

struct sdh_suggest_options {
	unsigned version; /* SDH_VERSION() of the target systemd; required */
	enum sdh_suggest_mode mode;
	const struct sdh_unit *unit;       /* loaded unit, or NULL (nothing known about it) */
	const struct sdh_profile *profile; /* NULL: the static suggestion */
	const char *root; /* NULL or "/": where exec'd binaries and paths are looked at */
};

#define SDH_SUGGEST_OPTIONS_INIT         \
	{                                \
		.mode = SDH_SUGGEST_SAFE \
	}

int sdh_suggest(const struct sdh_suggest_options *o, struct sdh_dropin **ret);

/* Where the drop-in of UNIT lives, inside the root: "/etc/systemd/system/UNIT.d/50-sdharden.conf".
 */
#define SDH_DROPIN_NAME "50-sdharden.conf"
#define SDH_DROPIN_PREV SDH_DROPIN_NAME ".prev"
char *sdh_dropin_path(const char *unit);

/*
 * Install TEXT as the drop-in of UNIT under ROOT (NULL: "/"), atomically: a temporary file in
 * the same directory, fsync, the current file (if any) hard-linked to SDH_DROPIN_PREV, rename
 * over, fsync of the directory.  Returns 1 when written, 0 when the file already had this
 * content (nothing changed, the previous version kept), -errno.  *ret_path (may be NULL): the
 * path inside the root.
 */
int sdh_dropin_install(const char *root, const char *unit, const char *text, char **ret_path);
/*
 * Undo the last install: restore SDH_DROPIN_PREV if there is one, else remove the drop-in.
 * Returns 1 when the previous version was restored, 0 when the drop-in was removed, -ENOENT
 * when there is nothing to undo, -errno.
 */
int sdh_dropin_undo(const char *root, const char *unit, char **ret_path);
