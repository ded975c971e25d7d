/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sdharden lint: find settings that systemd ignores, rejects at start or that undo each other. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/kb.h"
#include "sdharden/lint.h"

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_SARIF,
};

static void help(void)
{
	printf("Usage: sdharden lint [OPTIONS] [UNIT|FILE...]\n"
	       "       (global options: --root=DIR --user --systemd=VERSION)\n\n"
	       "Find unit settings that systemd ignores, rejects at start, or that undo each\n"
	       "other.  With no UNIT, lint every unit in the root.\n\n"
	       "  --format=text|json|sarif  output format (default text)\n"
	       "  --enable=ID,...           run only these rules\n"
	       "  --disable=ID,...          do not run these rules\n"
	       "  --fail-on=error|warning|info\n"
	       "                            exit 1 on findings of this severity or above\n"
	       "                            (default warning); all findings are shown\n"
	       "  --config=FILE             per-unit exclusions (default: ROOT/etc/sdharden/lint.conf\n"
	       "                            when it exists); lines 'UNIT-GLOB RULE-ID[,...]'\n"
	       "  --list-rules              print the rules and exit\n"
	       "  -h, --help                this help\n\n"
	       "In a unit file, '# sdharden: disable=ID[,ID...]' turns rules off for that unit.\n"
	       "'sdharden explain RULE-ID' shows a rule's rationale.\n\n"
	       "Exit status: 0 no finding at or above --fail-on, 1 findings or a unit that cannot\n"
	       "be loaded, 2 usage error, 70 internal error.\n");
}

static int parse_rule_list(const char *arg, char ***l)
{
	cleanup_free char *copy = strdup(arg);
	char *s = copy;

	if (!copy)
		return log_oom();
	for (char *tok; (tok = strsep(&s, ","));) {
		if (!*tok)
			continue;
		if (!sdh_lint_rule_lookup(tok)) {
			log_error("unknown lint rule '%s' (see 'sdharden lint --list-rules')", tok);
			return -EINVAL;
		}
		if (strv_extend(l, tok) < 0)
			return log_oom();
	}
	return 0;
}

static int parse_severity(const char *s, enum sdh_severity *ret)
{
	for (int i = 0; i < SDH_SEVERITY_MAX; i++)
		if (streq(s, sdh_severity_to_string(i))) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

static void list_rules(void)
{
	size_t n;
	const struct sdh_lint_rule *r = sdh_lint_rules(&n);

	for (size_t i = 0; i < n; i++)
		printf("%-30s %-8s %s\n", r[i].id, r[i].severity, r[i].summary);
}

static int load_config(const struct sdh_cli *cli, const char *path, bool explicit,
		       struct sdh_lint_config *cfg)
{
	struct sdh_diags diags = SDH_DIAGS_INIT;
	cleanup_free char *def = NULL;
	cleanup_free char *buf = NULL;
	int r;

	if (!path) {
		def = path_join(cli->root ? cli->root : "/", "etc/sdharden/lint.conf");
		if (!def)
			return log_oom();
		path = def;
	}
	r = read_full_file_at(AT_FDCWD, path, SDH_FILE_SIZE_MAX, &buf, NULL);
	if (r == -ENOENT && !explicit)
		return 0;
	if (r < 0)
		return log_error_errno(r, "cannot read lint config '%s': %m", path);
	r = sdh_lint_config_parse(buf, path, cfg, &diags);
	sdh_cli_print_diags(&diags, SDH_SEVERITY_WARNING);
	sdh_diags_release(&diags);
	if (r < 0)
		return log_oom();
	return 0;
}

static bool lintable(const char *name)
{
	static const char *const suffixes[] = { ".service", ".socket", ".mount",
						".swap",    ".timer",  ".path",
						".target",  ".slice",  ".automount" };

	for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
		if (endswith(name, suffixes[i]))
			return true;
	return false;
}

/*
 * A FILE argument: lint it as the only directory of the search path.  Under the root it is
 * seen as inside the root; elsewhere the host is the root for the binary checks.
 */
static int file_options(const struct sdh_cli *cli, const char *arg, struct sdh_load_options *o,
			char ***unit_path, char **ret_name, const char **ret_root)
{
	cleanup_free char *abs = realpath(arg, NULL);
	cleanup_free char *root_abs = NULL;
	cleanup_free char *dir = NULL;
	const char *inside;

	if (!abs)
		return log_error_errno(-errno, "cannot open '%s': %m", arg);
	*ret_root = NULL;
	if (cli->root && (root_abs = realpath(cli->root, NULL)) &&
	    (inside = path_startswith(abs, root_abs)) && *inside) {
		cleanup_free char *p = path_join("/", inside);

		if (!p)
			return log_oom();
		dir = path_dirname(p);
		*ret_root = cli->root;
	} else
		dir = path_dirname(abs);
	if (!dir || strv_consume(unit_path, TAKE_PTR(dir)) < 0)
		return log_oom();
	o->unit_path = *unit_path;
	o->root = *ret_root;
	*ret_name = strdup(path_basename(abs));
	return *ret_name ? 0 : log_oom();
}

int verb_lint(int argc, char *argv[], struct sdh_cli *cli)
{
	enum {
		ARG_FORMAT = 0x100,
		ARG_ENABLE,
		ARG_DISABLE,
		ARG_FAIL_ON,
		ARG_CONFIG,
		ARG_LIST_RULES,
	};
	static const struct option options[] = {
		{ "config", required_argument, NULL, ARG_CONFIG },
		{ "disable", required_argument, NULL, ARG_DISABLE },
		{ "enable", required_argument, NULL, ARG_ENABLE },
		{ "fail-on", required_argument, NULL, ARG_FAIL_ON },
		{ "format", required_argument, NULL, ARG_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "list-rules", no_argument, NULL, ARG_LIST_RULES },
		{},
	};
	struct sdh_lint_findings findings = SDH_LINT_FINDINGS_INIT;
	struct sdh_lint_config cfg = { 0 };
	struct sdh_lint_options lo = SDH_LINT_OPTIONS_INIT;
	cleanup_strv char **enable = NULL;
	cleanup_strv char **disable = NULL;
	cleanup_strv char **names = NULL;
	cleanup_strv char **seen = NULL;
	cleanup_free char *out = NULL;
	enum sdh_severity fail_on = SDH_SEVERITY_WARNING;
	enum format format = FORMAT_TEXT;
	const char *config = NULL;
	int c, r, ret = SDH_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (c) {
		case 'h': help(); return SDH_EXIT_OK;
		case ARG_LIST_RULES: list_rules(); return SDH_EXIT_OK;
		case ARG_FORMAT:
			if (streq(optarg, "text"))
				format = FORMAT_TEXT;
			else if (streq(optarg, "json"))
				format = FORMAT_JSON;
			else if (streq(optarg, "sarif"))
				format = FORMAT_SARIF;
			else {
				log_error("invalid format '%s': expected text, json or sarif",
					  optarg);
				return SDH_EXIT_USAGE;
			}
			break;
		case ARG_ENABLE:
		case ARG_DISABLE:
			r = parse_rule_list(optarg, c == ARG_ENABLE ? &enable : &disable);
			if (r < 0)
				return r == -ENOMEM ? SDH_EXIT_INTERNAL : SDH_EXIT_USAGE;
			break;
		case ARG_FAIL_ON:
			if (parse_severity(optarg, &fail_on) < 0) {
				log_error("invalid severity '%s': expected error, warning or info",
					  optarg);
				return SDH_EXIT_USAGE;
			}
			break;
		case ARG_CONFIG: config = optarg; break;
		default: return SDH_EXIT_USAGE;
		}

	r = load_config(cli, config, config != NULL, &cfg);
	if (r < 0)
		return r == -ENOMEM ? SDH_EXIT_INTERNAL : SDH_EXIT_USAGE;
	lo.root = cli->root;
	lo.version = cli->version;
	lo.scope = cli->scope;
	lo.enable = enable;
	lo.disable = disable;
	lo.config = &cfg;

	if (optind < argc) {
		if (strv_extend_strv(&names, argv + optind) < 0)
			goto oom;
	} else {
		struct sdh_load_options o;
		cleanup_strv char **all = NULL;

		sdh_cli_load_options(cli, &o);
		r = sdh_unit_list(&o, NULL, &all);
		if (r < 0) {
			log_error_errno(r, "cannot list units: %m");
			ret = SDH_EXIT_INTERNAL;
			goto finish;
		}
		STRV_FOREACH(n, all)
			if (lintable(*n) && strv_extend(&names, *n) < 0)
				goto oom;
	}

	STRV_FOREACH(arg, names) {
		struct sdh_diags diags = SDH_DIAGS_INIT;
		struct sdh_load_options o;
		struct sdh_lint_options unit_lo = lo;
		struct sdh_unit *u = NULL;
		cleanup_strv char **unit_path = NULL;
		cleanup_free char *file_name = NULL;
		const char *name = *arg;

		sdh_cli_load_options(cli, &o);
		/* Keys too new for the target stay in the stream: directive-too-new reports them.
		 */
		o.version = SDH_VERSION_NEWEST;
		if (strchr(*arg, '/')) {
			r = file_options(cli, *arg, &o, &unit_path, &file_name, &unit_lo.root);
			if (r == -ENOMEM)
				goto oom;
			if (r < 0) {
				ret = MAX(ret, SDH_EXIT_FINDINGS);
				continue;
			}
			name = file_name;
		}
		r = sdh_unit_load(&o, name, &diags, &u);
		if (r == -EINVAL) {
			sdh_diags_release(&diags);
			log_error("invalid unit name '%s'", *arg);
			ret = MAX(ret, SDH_EXIT_USAGE);
			continue;
		}
		if (r < 0) {
			sdh_diags_release(&diags);
			log_error_errno(r, "cannot load '%s': %m", *arg);
			ret = SDH_EXIT_INTERNAL;
			goto finish;
		}
		sdh_cli_print_diags(&diags, cli->verbose ? SDH_SEVERITY_INFO : SDH_SEVERITY_ERROR);
		unit_lo.load_diags = &diags;
		if (u->load_state == SDH_LOAD_NOT_FOUND || u->load_state == SDH_LOAD_ERROR) {
			log_error("cannot lint '%s': %s", *arg,
				  sdh_load_state_to_string(u->load_state));
			ret = MAX(ret, SDH_EXIT_FINDINGS);
		} else if (u->load_state == SDH_LOAD_MASKED) {
			/* Named explicitly: as sdharden(1) says, a unit that cannot be loaded. */
			if (optind < argc) {
				log_error("cannot lint '%s': unit is masked", *arg);
				ret = MAX(ret, SDH_EXIT_FINDINGS);
			}
		} else if (u->fragment_path && strv_contains(seen, u->fragment_path)) {
			/* an alias of a unit already linted */
		} else {
			if (u->fragment_path && strv_extend(&seen, u->fragment_path) < 0) {
				sdh_unit_free(u);
				sdh_diags_release(&diags);
				goto oom;
			}
			r = sdh_lint_unit(&unit_lo, u, &findings);
			if (r < 0) {
				sdh_unit_free(u);
				sdh_diags_release(&diags);
				log_error_errno(r, "cannot lint '%s': %m", *arg);
				ret = SDH_EXIT_INTERNAL;
				goto finish;
			}
		}
		sdh_unit_free(u);
		sdh_diags_release(&diags);
	}

	r = format == FORMAT_JSON ? sdh_lint_format_json(&findings, SDH_SEVERITY_INFO, &out)
	    : format == FORMAT_SARIF
		    ? sdh_lint_format_sarif(&findings, SDH_SEVERITY_INFO, SDH_VERSION_STRING, &out)
		    : sdh_lint_format_text(&findings, SDH_SEVERITY_INFO, &out);
	if (r < 0)
		goto oom;
	fputs(out, stdout);
	if (fflush(stdout) != 0) {
		log_error_errno(-errno, "cannot write output: %m");
		ret = SDH_EXIT_INTERNAL;
		goto finish;
	}
	if (sdh_lint_findings_count(&findings, fail_on) > 0)
		ret = MAX(ret, SDH_EXIT_FINDINGS);
	goto finish;
oom:
	log_oom();
	ret = SDH_EXIT_INTERNAL;
finish:
	sdh_lint_findings_release(&findings);
	sdh_lint_config_release(&cfg);
	return ret;
}
