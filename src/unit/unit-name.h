/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Unit names as systemd's unit-name.c defines them: PREFIX[@[INSTANCE]].TYPE, at most 255 bytes,
 * PREFIX of [A-Za-z0-9:_.\-], INSTANCE of the same plus '@'.  Internal to src/unit/.
 */

#include <stdbool.h>

enum unit_name_kind {
	UNIT_NAME_PLAIN = 1 << 0,    /* foo.service */
	UNIT_NAME_TEMPLATE = 1 << 1, /* foo@.service */
	UNIT_NAME_INSTANCE = 1 << 2, /* foo@bar.service */
	UNIT_NAME_ANY = UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE,
};

#define UNIT_NAME_MAX 255

/* The unit types of systemd, by suffix without the dot; -1 if TYPE is none of them. */
int unit_type_from_string(const char *type);
const char *unit_type_to_string(int type);
/* The kind of NAME (one of enum unit_name_kind), or 0 when it is not a valid unit name. */
int unit_name_classify(const char *name);
bool unit_name_is_valid(const char *name, int kinds);
bool unit_prefix_is_valid(const char *prefix);
/* "service" for "foo.service"; pointer into NAME (after the dot), NULL if invalid. */
const char *unit_name_suffix(const char *name);
/* Newly allocated parts; each -EINVAL for a name without that part, -ENOMEM. */
int unit_name_to_prefix(const char *name, char **ret);
int unit_name_to_instance(const char *name, char **ret); /* 0 and NULL for a plain name */
int unit_name_template(const char *name, char **ret);    /* foo@bar.service -> foo@.service */
int unit_name_replace_instance(const char *name, const char *instance, char **ret);
/* PREFIX[@INSTANCE].SUFFIX */
int unit_name_build(const char *prefix, const char *instance, const char *suffix, char **ret);
/* systemd's unit_name_unescape(): "\xNN" -> byte, '-' -> '/'. */
int unit_name_unescape(const char *s, char **ret);
/* Alias rules of unit_validate_alias_symlink_or_warn(): 0, or -EINVAL/-EXDEV with a reason. */
int unit_validate_alias(const char *src, const char *dst, const char **ret_reason);
