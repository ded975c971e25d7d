/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdharden explain NAME...: what the knowledge base knows about a directive (`ProtectSystem=`),
 * a syscall group (`@mount`), a capability (`CAP_SYS_ADMIN`), an address family (`AF_INET`) or
 * a lint rule (`missing-rw-path`).
 */
#include <getopt.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "basic/macro.h"
#include "basic/string-util.h"
#include "basic/strv.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/kb.h"
#include "sdharden/lint.h"

static bool arg_expand;
static bool arg_json;

static void help(void)
{
	printf("Usage: sdharden explain [OPTIONS] NAME...\n\n"
	       "Explain a directive (ProtectSystem=), a syscall group (@mount), a capability\n"
	       "(CAP_SYS_ADMIN), an address family (AF_INET) or a lint rule (missing-rw-path),\n"
	       "for the chosen systemd version.\n\n"
	       "  -e, --expand   list nested syscall groups' members instead of the group names\n"
	       "  --json         machine-readable output\n"
	       "  -h, --help     this help\n");
}

static void version_string(unsigned v, char *buf, size_t n)
{
	if (!v)
		snprintf(buf, n, "unknown");
	else if (SDH_VERSION_MINOR(v))
		snprintf(buf, n, "%u.%u", SDH_VERSION_MAJOR(v), SDH_VERSION_MINOR(v));
	else
		snprintf(buf, n, "%u", SDH_VERSION_MAJOR(v));
}

/* The checks of `systemd-analyze security` whose name mentions this directive. */
static int checks_for_directive(const char *directive, unsigned version, char ***ret)
{
	size_t n;
	const struct sdh_check_row *c = sdh_checks(version, &n);
	size_t l = strlen(directive);
	char **l_out = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *p = c[i].name;

		/* "User=/DynamicUser=", "RootDirectory=/RootImage=", "CapabilityBoundingSet=~CAP_…"
		 */
		for (; (p = strstr(p, directive)); p += l)
			if ((p == c[i].name || p[-1] == '/') && p[l] == '=') {
				if (strv_extend(&l_out, c[i].name) < 0) {
					strv_free(l_out);
					return -ENOMEM;
				}
				break;
			}
	}
	*ret = l_out;
	return 0;
}

static int explain_directive(const char *name, const struct sdh_cli *cli, json_object *out)
{
	const struct sdh_directive *d;
	cleanup_free char *key = strdup(name);
	cleanup_strv char **checks = NULL;
	char added[32], target[32];
	char *eq;
	int r;

	if (!key)
		return log_oom();
	eq = strchr(key, '=');
	if (eq)
		*eq = 0;
	d = sdh_directive_lookup(key);
	if (!d)
		return 0;
	r = checks_for_directive(d->directive, cli->version, &checks);
	if (r < 0)
		return log_oom();
	version_string(d->version_added, added, sizeof(added));
	version_string(cli->version, target, sizeof(target));

	if (out) {
		json_object *o = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(o, "kind", json_object_new_string("directive"));
		json_object_object_add(o, "name", json_object_new_string(d->directive));
		json_object_object_add(o, "sections", json_object_new_string(d->sections_v262));
		json_object_object_add(o, "value", json_object_new_string(d->value_kind));
		json_object_object_add(o, "added", json_object_new_string(added));
		json_object_object_add(
			o, "known_at_target",
			json_object_new_boolean(sdh_directive_known_at(d, cli->version)));
		json_object_object_add(o, "status", json_object_new_string(d->status));
		json_object_object_add(o, "man", json_object_new_string(d->man_page));
		STRV_FOREACH(c, checks)
			json_object_array_add(a, json_object_new_string(*c));
		json_object_object_add(o, "checks", a);
		json_object_array_add(out, o);
		return 1;
	}

	printf("%s=\n", d->directive);
	printf("  sections:  [%s]\n", d->sections_v262);
	printf("  value:     %s\n", d->value_kind);
	printf("  added in:  systemd %s%s\n", added,
	       sdh_directive_known_at(d, cli->version) ? "" : " (NOT known to the target version)");
	printf("  target:    systemd %s\n", target);
	if (!streq(d->status, "current"))
		printf("  status:    %s\n", d->status);
	printf("  manual:    %s\n", d->man_page);
	if (checks) {
		printf("  scored by: ");
		STRV_FOREACH(c, checks)
			printf("%s%s", c == checks ? "" : ", ", *c);
		printf("\n");
	} else
		printf("  scored by: no check of systemd-analyze security\n");
	return 1;
}

struct group_ctx {
	json_object *members;
	unsigned n;
};

static int print_member(const struct sdh_syscall_group_member *m, void *userdata)
{
	struct group_ctx *ctx = userdata;
	int nr = streq(m->member_kind, "group") ? -1 : seccomp_syscall_resolve_name(m->member);

	ctx->n++;
	if (ctx->members) {
		json_object_array_add(ctx->members, json_object_new_string(m->member));
		return 0;
	}
	if (streq(m->member_kind, "group"))
		printf("    %s\n", m->member);
	else if (nr >= 0)
		printf("    %-28s %d\n", m->member, nr);
	else
		printf("    %-28s (%s)\n", m->member,
		       nr == __NR_SCMP_ERROR ? "unknown to libseccomp" : "not native");
	return 0;
}

static int explain_group(const char *name, const struct sdh_cli *cli, json_object *out)
{
	struct group_ctx ctx = { 0 };
	const char *help_text;

	if (!sdh_syscall_group_exists(cli->version, name))
		return 0;
	help_text = sdh_syscall_group_help_text(cli->version, name);
	if (out) {
		json_object *o = json_object_new_object();

		ctx.members = json_object_new_array();
		(void)sdh_syscall_group_walk(cli->version, name, arg_expand, print_member, &ctx);
		json_object_object_add(o, "kind", json_object_new_string("syscall-group"));
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "help",
				       help_text ? json_object_new_string(help_text) : NULL);
		json_object_object_add(o, "members", ctx.members);
		json_object_array_add(out, o);
		return 1;
	}
	printf("%s: %s\n", name, strempty(help_text));
	printf("  members%s (x86-64 numbers per the libseccomp in use):\n",
	       arg_expand ? ", nested groups expanded" : "");
	(void)sdh_syscall_group_walk(cli->version, name, arg_expand, print_member, &ctx);
	printf("  %u entries\n", ctx.n);
	return 1;
}

static int explain_capability(const char *name, const struct sdh_cli *cli, json_object *out)
{
	const struct sdh_capability *c;
	int n;

	(void)cli;
	if (!startswith_no_case(name, "cap_"))
		return 0;
	n = sdh_capability_from_name(name);
	if (n < 0 || !(c = sdh_capability_lookup((unsigned)n)))
		return 0;
	if (out) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string("capability"));
		json_object_object_add(o, "name", json_object_new_string(c->name));
		json_object_object_add(o, "number", json_object_new_int((int)c->number));
		json_object_object_add(o, "linux", json_object_new_string(c->linux_added));
		json_object_object_add(
			o, "check",
			c->scored_by_check_json_field_v262
				? json_object_new_string(c->scored_by_check_json_field_v262)
				: NULL);
		json_object_object_add(
			o, "dropped_by",
			c->dropped_from_bounding_set_by
				? json_object_new_string(c->dropped_from_bounding_set_by)
				: NULL);
		json_object_array_add(out, o);
		return 1;
	}
	printf("%s (%u)\n", c->name, c->number);
	printf("  since Linux:   %s\n", c->linux_added);
	printf("  scored by:     %s\n",
	       c->scored_by_check_json_field_v262 ?: "no check of systemd-analyze security");
	if (c->dropped_from_bounding_set_by)
		printf("  dropped by:    %s\n", c->dropped_from_bounding_set_by);
	return 1;
}

static int explain_family(const char *name, const struct sdh_cli *cli, json_object *out)
{
	const struct sdh_address_family *f = sdh_address_family_lookup(name);

	(void)cli;
	if (!f)
		return 0;
	if (out) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string("address-family"));
		json_object_object_add(o, "name", json_object_new_string(f->name));
		json_object_object_add(o, "number", json_object_new_int((int)f->number));
		json_object_object_add(o, "alias_of",
				       f->alias_of ? json_object_new_string(f->alias_of) : NULL);
		json_object_object_add(o, "bucket", json_object_new_string(f->security_bucket));
		json_object_array_add(out, o);
		return 1;
	}
	printf("%s (%u)%s%s\n", f->name, f->number, f->alias_of ? ", alias of " : "",
	       strempty(f->alias_of));
	printf("  RestrictAddressFamilies= check bucket: %s\n", f->security_bucket);
	return 1;
}

static int explain_lint_rule(const char *name, const struct sdh_cli *cli, json_object *out)
{
	const struct sdh_lint_rule *rule = sdh_lint_rule_lookup(name);

	(void)cli;
	if (!rule)
		return 0;
	if (out) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string("lint-rule"));
		json_object_object_add(o, "name", json_object_new_string(rule->id));
		json_object_object_add(o, "severity", json_object_new_string(rule->severity));
		json_object_object_add(o, "summary", json_object_new_string(rule->summary));
		json_object_object_add(o, "rationale", json_object_new_string(rule->rationale));
		json_object_object_add(o, "fix", json_object_new_string(rule->fix));
		json_object_array_add(out, o);
		return 1;
	}
	printf("%s (lint rule, %s)\n", rule->id, rule->severity);
	printf("  catches:  %s\n", rule->summary);
	printf("  why:      %s\n", rule->rationale);
	printf("  fix:      %s\n", rule->fix);
	printf("  disable:  '# sdharden: disable=%s' in the unit, or --disable=%s\n", rule->id,
	       rule->id);
	return 1;
}

int verb_explain(int argc, char *argv[], struct sdh_cli *cli)
{
	enum {
		ARG_JSON = 0x100
	};
	static const struct option options[] = { { "expand", no_argument, NULL, 'e' },
						 { "help", no_argument, NULL, 'h' },
						 { "json", no_argument, NULL, ARG_JSON },
						 {} };
	json_object *out = NULL;
	int c, ret = SDH_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "eh", options, NULL)) >= 0)
		switch (c) {
		case 'e': arg_expand = true; break;
		case 'h': help(); return SDH_EXIT_OK;
		case ARG_JSON: arg_json = true; break;
		default: return SDH_EXIT_USAGE;
		}
	if (optind >= argc) {
		log_error("explain needs a name, e.g. 'ProtectSystem=', '@mount', 'CAP_SYS_ADMIN'");
		return SDH_EXIT_USAGE;
	}
	if (arg_json)
		out = json_object_new_array();

	for (int i = optind; i < argc; i++) {
		const char *name = argv[i];
		int r;

		if (name[0] == '@')
			r = explain_group(name, cli, out);
		else if ((r = explain_capability(name, cli, out)) == 0 &&
			 (r = explain_family(name, cli, out)) == 0 &&
			 (r = explain_lint_rule(name, cli, out)) == 0)
			r = explain_directive(name, cli, out);
		if (r < 0) {
			json_object_put(out);
			return SDH_EXIT_INTERNAL;
		}
		if (r == 0) {
			const char *s = name[0] == '@' ? NULL : sdh_directive_suggest(name);

			log_error("unknown name '%s'%s%s%s", name, s ? ", did you mean '" : "",
				  strempty(s), s ? "='?" : "");
			ret = SDH_EXIT_FINDINGS;
		} else if (!out && i + 1 < argc)
			printf("\n");
	}
	if (out) {
		printf("%s\n",
		       json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(out);
	}
	return ret;
}
