/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the rule engine (lint.c), the rules (rules.c) and their helpers (lint-util.c). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "basic/macro.h"
#include "sdharden/lint.h"
#include "sdharden/settings.h"

struct lint_ctx {
	const struct sdh_lint_options *o;
	const struct sdh_unit *u;
	const char *root; /* never NULL: "/" for the host */
	int root_fd;      /* O_PATH directory of the root, -1 if it cannot be opened */
	unsigned version;
	const char *exec_section; /* "Service", "Socket", "Mount", "Swap", or NULL */
	bool installed;           /* the root holds an installed system (usr/bin), not only units */
	/* The effective settings (sdh_settings_build()); NULL without an exec context. */
	const struct sdh_settings *s;
	const struct sdh_lint_rule *rule; /* the rule running now */
	struct sdh_lint_findings *out;
	int error; /* first -ENOMEM, sticky */
};

/* One rule: the row of data/lint-rules.tsv with id ID and the function that checks it. */
struct lint_rule_impl {
	const char *id;
	void (*check)(struct lint_ctx *c);
};

const struct lint_rule_impl *lint_rule_impls(size_t *ret_n);

/* Add a finding of the running rule at A (may be NULL: about the unit); FIX NULL: the rule's. */
void lint_report(struct lint_ctx *c, const struct sdh_assignment *a, const char *fix,
		 const char *fmt, ...) printf_attr(4, 5);

/* The last assignment of KEY in SECTION (NULL section: the exec section), or NULL. */
const struct sdh_assignment *lint_last(const struct lint_ctx *c, const char *section,
				       const char *key);
/* Boolean KEY of the exec section: DEF when unset, empty or unparsable. */
bool lint_bool(const struct lint_ctx *c, const char *key, bool def);
/* The value of single-valued KEY of the exec section, NULL when unset or reset. */
const char *lint_value(const struct lint_ctx *c, const char *key);
/* Whether the unit's processes run as UID 0 (system scope, no User= other than root). */
bool lint_runs_as_root(const struct lint_ctx *c);

/*
 * Call FN for every word of list KEY in the exec section after its last reset (empty
 * assignment).  Words are unquoted; FN returns < 0 to stop with that value.
 */
typedef int (*lint_word_fn)(struct lint_ctx *c, const struct sdh_assignment *a, const char *word,
			    void *userdata);
int lint_foreach_word(struct lint_ctx *c, const char *key, lint_word_fn fn, void *userdata);

/* The capability bounding set (all when unset) and the ambient set of the service. */
uint64_t lint_bounding_set(const struct lint_ctx *c);
uint64_t lint_ambient_set(const struct lint_ctx *c);

/* SystemCallFilter=: 1 if syscall NAME may be called, 0 if the filter denies it. */
int lint_syscall_allowed(const struct lint_ctx *c, const char *name);

/*
 * RestrictAddressFamilies=: false when unrestricted; else *RET_ALLOWED has bit N set when
 * family N may be used.
 */
bool lint_families(const struct lint_ctx *c, uint64_t *ret_allowed);

/* Where setting F was last assigned, as an assignment for lint_report() (key/value empty). */
bool lint_origin(const struct lint_ctx *c, enum sdh_setting f, struct sdh_assignment *ret);

/* Whether NoNewPrivileges= is in effect, explicitly or implied; *RET_WHY names the setting. */
bool lint_nnp(const struct lint_ctx *c, const struct sdh_assignment **ret_why);

/* An Exec binary of the unit, resolved and opened under the root. */
struct lint_exec {
	const struct sdh_assignment *a; /* the Exec*= line */
	char *path;                     /* as resolved inside the root */
	char **argv;                    /* the words of the command line */
	int fd;                         /* O_RDONLY, -1 if absent */
	mode_t mode;
};
typedef int (*lint_exec_fn)(struct lint_ctx *c, const struct lint_exec *e, void *userdata);
/* Call FN for each Exec*= command that runs sandboxed (no '+' prefix) and exists. */
int lint_foreach_exec(struct lint_ctx *c, lint_exec_fn fn, void *userdata);
/* Open PATH (inside the root) read-only, following symlinks within the root.  fd or -errno. */
int lint_open_in_root(const struct lint_ctx *c, const char *path, int flags);
/* Read the regular file PATH (inside the root) into a NUL-terminated heap buffer. */
int lint_read_in_root(const struct lint_ctx *c, const char *path, char **ret);
/* Whether PATH exists inside the root: 1, 0, or -errno other than ENOENT. */
int lint_path_exists(const struct lint_ctx *c, const char *path);

/* ELF facts of an open file. */
struct lint_elf {
	bool is_elf;
	unsigned elf_class; /* 1: 32-bit, 2: 64-bit */
	unsigned machine;   /* e_machine */
	char **needed;      /* DT_NEEDED entries */
	char *interpreter;  /* "#!" interpreter (and its argument), NULL for non-scripts */
};
int lint_elf_read(int fd, struct lint_elf *ret);
void lint_elf_release(struct lint_elf *e);
/* Whether the file FD contains the byte string NEEDLE (reads up to 64 MiB). */
bool lint_file_contains(int fd, const char *needle);
