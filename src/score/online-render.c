/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output that only online mode has: the JSON form of the UNIT EXPOSURE PREDICATE HAPPY overview
 * (systemd-analyze security --json=... with several units or none, v252: the overview table
 * printed as JSON, one object per row, no checks).
 */
#include <stdio.h>
#include <stdlib.h>

#include "basic/macro.h"
#include "basic/strbuf.h"
#include "sdharden/online.h"
#include "sdharden/score.h"

static void json_string(struct strbuf *sb, const char *s)
{
	strbuf_addc(sb, '"');
	strbuf_add_json_escaped(sb, s);
	strbuf_addc(sb, '"');
}

static void json_member(struct strbuf *sb, bool pretty, bool first, const char *key,
			const char *value)
{
	if (!first)
		strbuf_addc(sb, ',');
	if (pretty)
		strbuf_adds(sb, "\n\t\t");
	json_string(sb, key);
	strbuf_adds(sb, pretty ? " : " : ":");
	json_string(sb, value);
}

char *sdh_online_format_overview_json(struct sdh_score *const *v, size_t n, bool pretty,
				      const struct sdh_render_options *o)
{
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;

	strbuf_addc(&sb, '[');
	for (size_t i = 0; i < n; i++) {
		char num[16];

		(void)snprintf(num, sizeof(num), "%u.%u", v[i]->exposure / 10, v[i]->exposure % 10);
		if (i > 0)
			strbuf_addc(&sb, ',');
		strbuf_adds(&sb, pretty ? "\n\t{" : "{");
		json_member(&sb, pretty, true, "unit", v[i]->id);
		json_member(&sb, pretty, false, "exposure", num);
		json_member(&sb, pretty, false, "predicate",
			    sdh_exposure_predicate(v[i]->exposure));
		json_member(&sb, pretty, false, "happy",
			    sdh_exposure_smiley(v[i]->exposure, o && o->emoji));
		strbuf_adds(&sb, pretty ? "\n\t}" : "}");
	}
	if (pretty && n > 0)
		strbuf_addc(&sb, '\n');
	strbuf_adds(&sb, "]\n");
	if (strbuf_error(&sb))
		return NULL;
	return strbuf_detach(&sb);
}
