/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/string-util.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/kb.h"

struct verb {
	const char *name;
	int (*run)(int argc, char *argv[], struct sdh_cli *cli);
	const char *summary;
	bool needs_version; /* the verb applies a systemd version's rules: detect it */
};

/* Sorted by name.  See cli.h for how to add a verb. */
static const struct verb verbs[] = {
	{ "analyze", verb_analyze, "exposure score of units, as systemd-analyze security", true },
	{ "cat", verb_cat, "show a unit's files, as systemctl cat, offline", true },
	{ "explain", verb_explain, "explain a directive, syscall group, capability or family",
	  true },
	{ "lint", verb_lint, "find settings that silently weaken or break a sandbox", true },
	{ "profile", verb_profile, "record what a command or service really uses", false },
	{ "show", verb_show, "effective security settings and where each comes from", true },
	{ "suggest", verb_suggest, "the tightest hardening drop-in a profile allows", true },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: sdharden [OPTIONS] VERB [ARGS...]\n\n"
		   "Harden systemd services: score, lint, profile and suggest sandboxing.\n\n"
		   "Verbs:\n");
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		fprintf(f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nGlobal options (before or after the verb):\n"
		   "  --root=DIR         operate on the tree under DIR (default /)\n"
		   "  --user             user units instead of system units\n"
		   "  --systemd=VERSION  rules of this systemd version (252, 257, 262; default:\n"
		   "                     the version found in the root, else the newest known)\n"
		   "  --no-pager         accepted for compatibility; output is never paged\n"
		   "  -q, --quiet        fewer messages     -v, --verbose  more messages\n"
		   "  -h, --help         this help          --version      print the version\n\n"
		   "Run 'sdharden VERB --help' for the options of a verb; see sdharden(1).\n");
}

static int parse_version_output(const char *text, unsigned *ret)
{
	/* "systemd 252 (252.38-1~deb12u1)": prefer the parenthesised full version. */
	const char *p = strchr(text, '(');

	if (p && sdh_version_parse(p + 1, ret) >= 0)
		return 0;
	p = startswith(text, "systemd ");
	return p ? sdh_version_parse(p, ret) : -EINVAL;
}

static int version_from_dpkg(const char *root, unsigned *ret)
{
	cleanup_free char *path = path_join(root, "var/lib/dpkg/status");
	cleanup_free char *buf = NULL;
	const char *p;

	if (!path)
		return -ENOMEM;
	if (read_full_file_at(AT_FDCWD, path, 64U * 1024U * 1024U, &buf, NULL) < 0)
		return -ENOENT;
	for (p = buf; (p = strstr(p, "Package: systemd\n")); p++) {
		const char *end = strstr(p, "\n\n");
		const char *v = strstr(p, "\nVersion: ");

		if ((p == buf || p[-1] == '\n') && v && (!end || v < end))
			return sdh_version_parse(v + strlen("\nVersion: "), ret);
	}
	return -ENOENT;
}

static int version_from_libs(const char *root, unsigned *ret)
{
	static const char *const dirs[] = { "usr/lib/systemd", "lib/systemd",
					    "usr/lib/x86_64-linux-gnu/systemd" };

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		cleanup_free char *d = path_join(root, dirs[i]);
		DIR *dir = d ? opendir(d) : NULL;
		struct dirent *de;
		int r = -ENOENT;

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			const char *v = startswith(de->d_name, "libsystemd-shared-");

			if (v && endswith(v, ".so") && sdh_version_parse(v, ret) >= 0) {
				r = 0;
				break;
			}
		}
		closedir(dir);
		if (r == 0)
			return 0;
	}
	return -ENOENT;
}

/*
 * The systemd version of the target: what the root has installed (dpkg status, cheap to read),
 * else for the host what `systemctl --version` says (an exec: ~50 ms), else the version in the
 * name of libsystemd-shared-*.so.
 */
static unsigned detect_version(const char *root)
{
	const char *r = root ? root : "/";
	unsigned v;

	if (version_from_dpkg(r, &v) >= 0)
		return v;
	if (streq(r, "/")) {
		FILE *f = popen("systemctl --version 2>/dev/null", "re");
		char line[256];
		bool ok = false;

		if (f) {
			ok = fgets(line, sizeof(line), f) && parse_version_output(line, &v) >= 0;
			(void)pclose(f);
		}
		if (ok)
			return v;
	}
	if (version_from_libs(r, &v) >= 0)
		return v;
	return SDH_VERSION_NEWEST;
}

void sdh_cli_load_options(const struct sdh_cli *cli, struct sdh_load_options *o)
{
	*o = (struct sdh_load_options)SDH_LOAD_OPTIONS_INIT;
	o->root = cli->root;
	o->scope = cli->scope;
	o->version = cli->version;
	o->cache = cli->unit_cache;
}

unsigned sdh_cli_print_diags(const struct sdh_diags *d, enum sdh_severity min)
{
	unsigned errors = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct sdh_diag *x = &d->items[i];

		errors += x->severity == SDH_SEVERITY_ERROR;
		if (x->severity < min)
			continue;
		if (x->file && x->line)
			fprintf(stderr, "%s:%u: ", x->file, x->line);
		else if (x->file)
			fprintf(stderr, "%s: ", x->file);
		fprintf(stderr, "%s: %s\n", sdh_severity_to_string(x->severity), x->message);
	}
	return errors;
}

enum {
	ARG_ROOT = 0x100,
	ARG_SYSTEMD,
	ARG_USER,
	ARG_SYSTEM,
	ARG_NO_PAGER,
	ARG_VERSION,
};

/*
 * Pull the global options out of argv wherever they stand (until "--"), leaving the verb and its
 * own arguments in order.  Returns the new argc, or -1 after printing an error.
 */
static int extract_globals(int argc, char *argv[], struct sdh_cli *cli, bool *help, bool *version)
{
	int out = 1;
	bool dashdash = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (dashdash || streq(a, "--")) {
			dashdash = true;
			argv[out++] = argv[i];
			continue;
		}
		if ((v = startswith(a, "--root=")) ||
		    (streq(a, "--root") && (v = argv[i + 1]) && ++i)) {
			if (isempty(v)) {
				log_error("--root= needs a directory");
				return -1;
			}
			cli->root = v;
		} else if ((v = startswith(a, "--systemd=")) ||
			   (streq(a, "--systemd") && (v = argv[i + 1]) && ++i)) {
			if (sdh_version_parse(v, &cli->version) < 0) {
				log_error(
					"invalid systemd version '%s': expected e.g. 252, 257 or 262",
					v);
				return -1;
			}
			cli->version_given = true;
		} else if (streq(a, "--user"))
			cli->scope = SDH_SCOPE_USER;
		else if (streq(a, "--system"))
			cli->scope = SDH_SCOPE_SYSTEM;
		else if (streq(a, "--no-pager"))
			cli->no_pager = true;
		else if (streq(a, "--version"))
			*version = true;
		else if (streq(a, "-q") || streq(a, "--quiet"))
			cli->quiet = true;
		else if (streq(a, "-v") || streq(a, "--verbose"))
			cli->verbose++;
		else if ((streq(a, "-h") || streq(a, "--help")) && out == 1)
			*help = true; /* before the verb: global help; after it: the verb's */
		else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char *argv[])
{
	struct sdh_cli cli = { .scope = SDH_SCOPE_SYSTEM, .argv0 = argv[0] };
	bool help = false, version = false;
	const struct verb *verb = NULL;
	int n;

	/*
	 * The locale decides the charset (UTF-8 glyphs, text widths) and the language of the
	 * system's error messages; numbers are read and written in the C locale, as systemd does.
	 * Loading only these two categories also spares a dozen locale files on every start.
	 */
	(void)setlocale(LC_CTYPE, "");
	(void)setlocale(LC_MESSAGES, "");
	n = extract_globals(argc, argv, &cli, &help, &version);
	if (n < 0)
		return SDH_EXIT_USAGE;
	log_set_level(cli.quiet     ? LOG_LEVEL_ERROR
		      : cli.verbose ? LOG_LEVEL_DEBUG
				    : LOG_LEVEL_WARNING);

	if (version) {
		printf("sdharden %s\n", SDH_VERSION_STRING);
		return SDH_EXIT_OK;
	}
	if (help || n < 2) {
		usage(help ? stdout : stderr);
		return help ? SDH_EXIT_OK : SDH_EXIT_USAGE;
	}
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		if (streq(argv[1], verbs[i].name))
			verb = &verbs[i];
	if (!verb) {
		log_error("unknown verb '%s' (see 'sdharden --help')", argv[1]);
		return SDH_EXIT_USAGE;
	}
	if (!cli.version_given)
		cli.version = verb->needs_version ? detect_version(cli.root) : SDH_VERSION_NEWEST;

	if (sdh_unit_cache_new(&cli.unit_cache) < 0) {
		log_oom();
		return SDH_EXIT_INTERNAL;
	}
	/* Verbs see argv[0] = the verb name, so getopt error messages name it. */
	n = verb->run(n - 1, argv + 1, &cli);
	sdh_unit_cache_free(cli.unit_cache);
	return n;
}
