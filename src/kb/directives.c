/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/string-util.h"
#include "kb/kb-tables.h"

/*
 * An open-addressing hash index over the directive table, built once (every assignment of every
 * unit is looked up: a binary search costs about ten strcmp() calls each).  Slots hold a table
 * index + 1, 0 = empty; the table has fewer than half as many entries as slots.
 */
#define DIRECTIVE_SLOTS 2048U

static uint16_t directive_index[DIRECTIVE_SLOTS];
static bool directive_index_ok;
static pthread_once_t directive_once = PTHREAD_ONCE_INIT;

static uint32_t directive_hash(const char *s)
{
	uint32_t h = 2166136261U; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619U;
	return h;
}

static void directive_index_build(void)
{
	if (sdh_kb_directives_count >= DIRECTIVE_SLOTS / 2)
		return; /* the lookup falls back to the binary search */
	for (size_t i = 0; i < sdh_kb_directives_count; i++) {
		uint32_t h = directive_hash(sdh_kb_directives[i].directive) % DIRECTIVE_SLOTS;

		while (directive_index[h])
			h = (h + 1) % DIRECTIVE_SLOTS;
		directive_index[h] = (uint16_t)(i + 1);
	}
	directive_index_ok = true;
}

static int cmp_directive(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sdh_directive *)elem)->directive);
}

const struct sdh_directive *sdh_directive_lookup(const char *name)
{
	(void)pthread_once(&directive_once, directive_index_build);
	if (!directive_index_ok)
		return bsearch(name, sdh_kb_directives, sdh_kb_directives_count,
			       sizeof(sdh_kb_directives[0]), cmp_directive);
	for (uint32_t h = directive_hash(name) % DIRECTIVE_SLOTS; directive_index[h];
	     h = (h + 1) % DIRECTIVE_SLOTS)
		if (streq(sdh_kb_directives[directive_index[h] - 1].directive, name))
			return &sdh_kb_directives[directive_index[h] - 1];
	return NULL;
}

const struct sdh_directive *sdh_directive_table(size_t *ret_n)
{
	*ret_n = sdh_kb_directives_count;
	return sdh_kb_directives;
}

bool sdh_directive_in_section(const struct sdh_directive *d, const char *section)
{
	size_t l = strlen(section);

	for (const char *p = d->sections_v262; (p = strstr(p, section)); p += l)
		if ((p == d->sections_v262 || p[-1] == ',') && (p[l] == 0 || p[l] == ','))
			return true;
	return false;
}

bool sdh_directive_known_at(const struct sdh_directive *d, unsigned version)
{
	if (SDH_VERSION_MAJOR(version) == 252)
		return d->present_at_v252;
	return d->version_added == 0 || d->version_added <= version;
}

const char *sdh_directive_suggest(const char *name)
{
	const char *best = NULL;
	unsigned best_d = 3; /* accept at most two edits, or a case-only difference */

	for (size_t i = 0; i < sdh_kb_directives_count; i++) {
		unsigned d = string_distance(name, sdh_kb_directives[i].directive);

		if (strcasecmp(name, sdh_kb_directives[i].directive) == 0)
			return sdh_kb_directives[i].directive;
		if (d < best_d) {
			best_d = d;
			best = sdh_kb_directives[i].directive;
		}
	}
	return best;
}
