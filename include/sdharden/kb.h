/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The knowledge base: what systemd knows, per version.  Every table here is generated at build
 * time from data/ TSV files (tools/gen-kb.awk, KB_TABLES in the Makefile); nothing is typed by
 * hand.
 *
 * How to add a table: put the TSV in data/, add a row type below whose field names are the
 * column names, add one line to KB_TABLES in the Makefile, and add an invariants test to
 * tests/unit/test-kb.c.
 *
 * Versions are encoded as SDH_VERSION(major, minor), e.g. 252.39 -> 252039.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SDH_VERSION(major, minor) ((major)*1000U + (minor))
#define SDH_VERSION_MAJOR(v)      ((v) / 1000U)
#define SDH_VERSION_MINOR(v)      ((v) % 1000U)

/* The systemd versions whose scoring rules the knowledge base carries. */
#define SDH_VERSION_V252   SDH_VERSION(252, 39) /* Debian 12 */
#define SDH_VERSION_V257   SDH_VERSION(257, 13) /* Debian 13 */
#define SDH_VERSION_V262   SDH_VERSION(262, 0)
#define SDH_VERSION_NEWEST SDH_VERSION_V262

struct sdh_directive {
	const char *directive;
	const char *sections_v262; /* comma-separated section names */
	const char *value_kind;
	const char *parser_v262;
	unsigned version_added; /* SDH_VERSION() encoding, 0 if unknown */
	bool present_at_v252;
	const char *status;
	const char *man_page;
};

struct sdh_capability {
	unsigned number;
	const char *name;
	const char *systemd_display_name;
	const char *linux_added;
	bool in_v252_list;
	bool in_v262_list;
	const char *scored_by_check_json_field_v262; /* NULL: not scored */
	const char *dropped_from_bounding_set_by;    /* NULL: nothing drops it */
};

struct sdh_address_family {
	const char *name;
	unsigned number;
	const char *alias_of; /* NULL unless an alias */
	const char *printed_name;
	const char *security_bucket; /* inet, unix, netlink, packet, other */
};

struct sdh_syscall_group_member {
	const char *group;
	const char *member;
	const char *member_kind; /* "syscall" or "group" */
	int x86_64_syscall_nr;   /* per libseccomp 2.5.4: -1 unknown, < -1 pseudo number */
};

struct sdh_syscall_group_help {
	unsigned version;
	const char *group;
	const char *help;
	unsigned member_count;
};

struct sdh_check_row {
	unsigned order;
	const char *name;
	const char *json_field;
	unsigned weight;
	unsigned range;
	const char *assess_kind;
	const char *parameter;
	bool default_dependencies_only;
	bool needs_seccomp_build;
	const char *description_good; /* NULL: none */
	const char *description_bad;
	const char *description_na;
	const char *url;
};

/* Version strings: "252", "252.39", "v262", "262~rc1" (suffix ignored).  0 or -EINVAL. */
int sdh_version_parse(const char *s, unsigned *ret);
/* The supported version whose rules apply to V (e.g. 252.12 -> 252 rules, 260 -> 262). */
unsigned sdh_version_normalize(unsigned v);

/* Directives (all 531 of v262, with the version that added each). */
const struct sdh_directive *sdh_directive_lookup(const char *name);
const struct sdh_directive *sdh_directive_table(size_t *ret_n);
bool sdh_directive_in_section(const struct sdh_directive *d, const char *section);
bool sdh_directive_known_at(const struct sdh_directive *d, unsigned version);
/* The closest known directive name within a small edit distance (did-you-mean), or NULL. */
const char *sdh_directive_suggest(const char *name);

/* Capabilities: "CAP_SYS_ADMIN", "cap_sys_admin", "sys_admin" or a number 0..63 -> 0..63. */
int sdh_capability_from_name(const char *name);
const struct sdh_capability *sdh_capability_lookup(unsigned number);
const struct sdh_capability *sdh_capability_table(size_t *ret_n);

/* Address families by name (case-insensitive, aliases included), or NULL. */
const struct sdh_address_family *sdh_address_family_lookup(const char *name);
const struct sdh_address_family *sdh_address_family_table(size_t *ret_n);

/* Syscall groups of a version, members in source order. */
const struct sdh_syscall_group_member *sdh_syscall_groups(unsigned version, size_t *ret_n);
bool sdh_syscall_group_exists(unsigned version, const char *group);
const char *sdh_syscall_group_help_text(unsigned version, const char *group);
/*
 * Call FN for each member of GROUP (with its '@'), depth-first in source order, nested groups
 * expanded in place when RECURSIVE.  Stops and returns FN's value when it returns non-zero;
 * -ENOENT for an unknown group.
 */
int sdh_syscall_group_walk(unsigned version, const char *group, bool recursive,
			   int (*fn)(const struct sdh_syscall_group_member *m, void *userdata),
			   void *userdata);

/* The security-check table systemd-analyze uses at VERSION, in evaluation order. */
const struct sdh_check_row *sdh_checks(unsigned version, size_t *ret_n);
