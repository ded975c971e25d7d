/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdharden show UNIT... [-p NAME...] [--json]: every effective security setting of a unit, with
 * its value and where it comes from (FILE:LINE, "default", "implied by DynamicUser=yes").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/strbuf.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/settings.h"
#include "sdharden/unit.h"

static void help(void)
{
	printf("Usage: sdharden [--root=DIR] [--user] show [OPTIONS] UNIT...\n\n"
	       "Show the effective security settings of each UNIT (unit file, drop-ins and the\n"
	       "settings systemd implies), each with its value and origin.\n\n"
	       "  -p, --property=NAME   only this setting (repeatable, comma-separated)\n"
	       "      --json            one JSON object per unit, in an array\n"
	       "  -h, --help            this help\n\n"
	       "Exit status: 0 ok, 1 a unit is masked, missing or refused by systemd, 2 usage.\n");
}

static bool wanted(char *const *props, enum sdh_setting f)
{
	if (!props)
		return true;
	STRV_FOREACH(p, props)
		if (strcasecmp(*p, sdh_setting_to_string(f)) == 0)
			return true;
	return false;
}

static int show_one(const struct sdh_settings *s, char *const *props, bool json, bool first,
		    struct strbuf *sb)
{
	size_t w = 0;

	for (unsigned f = 0; f < SDH_SETTING_MAX; f++)
		if (wanted(props, f))
			w = MAX(w, strlen(sdh_setting_to_string(f)));
	if (json) {
		strbuf_adds(sb, first ? "" : ",");
		strbuf_adds(sb, "{\"unit\":\"");
		strbuf_add_json_escaped(sb, s->id);
		strbuf_adds(sb, "\",\"fragment_path\":");
		if (s->fragment_path) {
			strbuf_addc(sb, '"');
			strbuf_add_json_escaped(sb, s->fragment_path);
			strbuf_addc(sb, '"');
		} else
			strbuf_adds(sb, "null");
		strbuf_adds(sb, ",\"settings\":[");
	} else {
		if (!first)
			strbuf_addc(sb, '\n');
		strbuf_addf(sb, "# %s\n", s->id);
	}
	for (unsigned f = 0, n = 0; f < SDH_SETTING_MAX; f++) {
		cleanup_free char *v = NULL, *o = NULL;
		const struct sdh_origin *orig = &s->origin[f];

		if (!wanted(props, f))
			continue;
		v = sdh_settings_format(s, f);
		o = sdh_origin_format(orig);
		if (!v || !o)
			return -ENOMEM;
		if (json) {
			strbuf_adds(sb, n++ ? ",{\"name\":\"" : "{\"name\":\"");
			strbuf_adds(sb, sdh_setting_to_string(f));
			strbuf_adds(sb, "\",\"value\":\"");
			strbuf_add_json_escaped(sb, v);
			strbuf_adds(sb, "\",\"origin\":\"");
			strbuf_add_json_escaped(sb, o);
			strbuf_adds(sb, "\"");
			if (orig->kind == SDH_ORIGIN_FILE) {
				strbuf_adds(sb, ",\"file\":\"");
				strbuf_add_json_escaped(sb, strempty(orig->file));
				strbuf_addf(sb, "\",\"line\":%u", orig->line);
			}
			strbuf_adds(sb, "}");
		} else {
			/* NAME= padded to one column, the value, then where it comes from. */
			strbuf_addf(sb, "%s=%*s%s%s(%s)\n", sdh_setting_to_string(f),
				    (int)(w - strlen(sdh_setting_to_string(f)) + 1), "", v,
				    *v ? "  " : "", o);
		}
	}
	if (json)
		strbuf_adds(sb, "]}");
	return strbuf_error(sb);
}

int verb_show(int argc, char *argv[], struct sdh_cli *cli)
{
	enum {
		ARG_JSON = 0x100,
	};
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "property", required_argument, NULL, 'p' },
		{ "json", optional_argument, NULL, ARG_JSON },
		{},
	};
	cleanup_strv char **props = NULL;
	cleanup_strbuf struct strbuf sb = STRBUF_INIT;
	struct sdh_load_options o;
	bool json = false, first = true;
	int c, ret = SDH_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hp:", options, NULL)) >= 0)
		switch (c) {
		case 'h': help(); return SDH_EXIT_OK;
		case 'p':
			for (const char *p = optarg; *p;) {
				size_t n = strcspn(p, ",");
				cleanup_free char *name = strndup_safe(p, n);

				if (!name) {
					(void)log_oom();
					return SDH_EXIT_INTERNAL;
				}
				if (sdh_setting_from_string(name) < 0) {
					log_error("unknown security setting '%s'", name);
					return SDH_EXIT_USAGE;
				}
				if (strv_consume(&props, TAKE_PTR(name)) < 0) {
					(void)log_oom();
					return SDH_EXIT_INTERNAL;
				}
				p += n + (p[n] == ',');
			}
			break;
		case ARG_JSON:
			if (optarg && !streq(optarg, "short") && !streq(optarg, "pretty")) {
				log_error("invalid '--json=%s': expected short or pretty", optarg);
				return SDH_EXIT_USAGE;
			}
			json = true;
			break;
		default: return SDH_EXIT_USAGE;
		}
	if (optind >= argc) {
		log_error("missing unit name (see 'sdharden show --help')");
		return SDH_EXIT_USAGE;
	}
	sdh_cli_load_options(cli, &o);
	if (json)
		strbuf_addc(&sb, '[');
	for (int i = optind; i < argc; i++) {
		struct sdh_diags diags = SDH_DIAGS_INIT;
		struct sdh_unit *u = NULL;
		struct sdh_settings *s = NULL;
		const char *name = strchr(argv[i], '/') ? path_basename(argv[i]) : argv[i];
		int r = sdh_unit_load(&o, name, &diags, &u);

		if (r < 0) {
			sdh_diags_release(&diags);
			if (r == -EINVAL) {
				log_error("invalid unit name '%s'", name);
				ret = SDH_EXIT_USAGE;
				continue;
			}
			log_error_errno(r, "cannot load '%s': %m", name);
			return SDH_EXIT_INTERNAL;
		}
		if (u->load_state == SDH_LOAD_MASKED || u->load_state == SDH_LOAD_NOT_FOUND ||
		    u->load_state == SDH_LOAD_ERROR) {
			log_error("unit '%s' is %s", name, sdh_load_state_to_string(u->load_state));
			ret = SDH_EXIT_FINDINGS;
		} else {
			r = sdh_settings_build(u, &diags, &s);
			if (r < 0) {
				sdh_unit_free(u);
				sdh_diags_release(&diags);
				log_error_errno(r, "cannot build the settings of '%s': %m", name);
				return SDH_EXIT_INTERNAL;
			}
			if (s->bad_setting)
				ret = SDH_EXIT_FINDINGS;
			r = show_one(s, props, json, first, &sb);
			first = false;
			sdh_settings_free(s);
			if (r < 0) {
				sdh_unit_free(u);
				sdh_diags_release(&diags);
				{
					(void)log_oom();
					return SDH_EXIT_INTERNAL;
				}
			}
		}
		sdh_cli_print_diags(&diags, cli->quiet ? SDH_SEVERITY_ERROR : SDH_SEVERITY_WARNING);
		sdh_diags_release(&diags);
		sdh_unit_free(u);
	}
	if (json)
		strbuf_adds(&sb, "]\n");
	if (strbuf_error(&sb)) {
		(void)log_oom();
		return SDH_EXIT_INTERNAL;
	}
	fputs(sb.buf, stdout);
	fflush(stdout);
	return ret;
}
