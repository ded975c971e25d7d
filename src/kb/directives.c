/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/string-util.h"
#include "kb/kb-tables.h"

static int cmp_directive(const void *key, const void *elem)
{
	return strcmp(key, ((const struct sdh_directive *)elem)->directive);
}

const struct sdh_directive *sdh_directive_lookup(const char *name)
{
	return bsearch(name, sdh_kb_directives, sdh_kb_directives_count,
		       sizeof(sdh_kb_directives[0]), cmp_directive);
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
