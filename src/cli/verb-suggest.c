/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdharden suggest UNIT [--profile=FILE...] [--mode=safe|strict] [--write [--reload]] [--undo]:
 * the tightest hardening drop-in the profiles allow, with the evidence for each line and the
 * exposure of the unit before and after (the numbers `analyze` prints for the target version).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/gen.h"
#include "sdharden/profile.h"
#include "sdharden/score.h"
#include "sdharden/settings.h"
#include "sdharden/unit.h"

static char **arg_profiles;
static enum sdh_suggest_mode arg_mode = SDH_SUGGEST_SAFE;
static bool arg_write, arg_undo, arg_reload, arg_json, arg_force;

static void help(void)
{
	printf("Usage: sdharden suggest [OPTIONS] UNIT   (global: --root=DIR --systemd=VER)\n\n"
	       "Print a [Service] drop-in that hardens UNIT as far as the recorded profiles allow,\n"
	       "each line with the evidence for it, and the exposure before and after.  Without a\n"
	       "profile, a static suggestion safe for almost any daemon.\n\n"
	       "  -p, --profile=FILE   a profile from 'sdharden profile' (repeatable: merged)\n"
	       "  --mode=safe|strict   safe (default) leaves out what unexercised code may need;\n"
	       "                       strict takes the profile at its word\n"
	       "  --write              install it as /etc/systemd/system/UNIT.d/" SDH_DROPIN_NAME
	       "\n"
	       "                       under the root, atomically, keeping the previous version\n"
	       "  --undo               restore the previous version (or remove the drop-in)\n"
	       "  --reload             after --write/--undo, run 'systemctl daemon-reload'\n"
	       "  --json               the drop-in model as JSON instead of the file text\n"
	       "  --force              use a profile in which nothing was traced\n"
	       "  -h, --help           this help\n\n"
	       "Exit status: 0 ok, 1 unit not loadable, empty profile or nothing to undo, 2 usage,\n"
	       "4 no permission.\n");
}

static int load_profiles(struct sdh_profile **ret)
{
	struct sdh_profile *all = NULL;
	int r;

	STRV_FOREACH(f, arg_profiles) {
		struct sdh_profile *p = NULL;

		r = sdh_profile_load(*f, &p);
		if (r < 0) {
			sdh_profile_free(all);
			return log_error_errno(r, "cannot read profile '%s': %s", *f,
					       r == -EBADMSG ? "not a version-1 profile" : "%m");
		}
		/*
		 * A profile without a single syscall saw nothing of the service (the wrong cgroup,
		 * a unit that never started): every rule would read it as "not needed".
		 */
		if ((p->n_syscalls == 0 || p->meta.processes == 0) && !arg_force) {
			sdh_profile_free(p);
			sdh_profile_free(all);
			return log_error_errno(
				-ENODATA,
				"profile '%s' is empty: nothing was traced (use --force "
				"to build from it anyway)",
				*f);
		}
		if (p->n_syscalls == 0 || p->meta.processes == 0)
			log_warning("profile '%s' is empty: nothing was traced (--force)", *f);
		/* A service profiled for a while is stopped by the profiler, not by itself. */
		if (!p->meta.complete && streq_ptr(p->meta.target, "command"))
			log_warning("profile '%s' is incomplete (interrupted or timed out): code "
				    "paths after the interruption are missing",
				    *f);
		if (p->meta.lost)
			log_warning("profile '%s' lost %" PRIu64 " events", *f, p->meta.lost);
		if (!all) {
			all = p;
			continue;
		}
		r = sdh_profile_merge(all, p);
		sdh_profile_free(p);
		if (r < 0) {
			sdh_profile_free(all);
			return log_oom();
		}
	}
	*ret = all;
	return 0;
}

/* Exposure of U as `analyze` computes it (tenths), or -1 when it cannot be computed. */
static int exposure_of(const struct sdh_unit *u)
{
	struct sdh_diags d = SDH_DIAGS_INIT;
	struct sdh_settings *s = NULL;
	struct sdh_score *sc = NULL;
	int r, e = -1;

	r = sdh_settings_build(u, &d, &s);
	if (r >= 0)
		r = sdh_score_compute(s, NULL, &sc);
	if (r >= 0)
		e = (int)sc->exposure;
	sdh_score_free(sc);
	sdh_settings_free(s);
	sdh_diags_release(&d);
	return e;
}

static int run_daemon_reload(const struct sdh_cli *cli)
{
	pid_t pid;
	int status;

	if (cli->root && !streq(cli->root, "/")) {
		log_warning("--reload ignored with --root=%s: no manager runs there", cli->root);
		return 0;
	}
	pid = fork();
	if (pid < 0)
		return log_error_errno(-errno, "cannot fork: %m");
	if (pid == 0) {
		execlp("systemctl", "systemctl", "daemon-reload", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return log_error_errno(-errno, "cannot wait for systemctl: %m");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_error("'systemctl daemon-reload' failed");
		return -EIO;
	}
	return 0;
}

/*
 * Forget the assignments of our own drop-in (an earlier --write): the suggestion and the
 * "before" exposure are about the unit as its vendor and admin left it.
 */
static void drop_own_dropin(struct sdh_unit *u, const char *path)
{
	size_t j = 0;

	for (size_t i = 0; i < u->n_assignments; i++) {
		struct sdh_assignment *a = &u->assignments[i];

		if (a->file && streq(a->file, path))
			continue; /* its texts go with the unit */
		u->assignments[j++] = *a;
	}
	u->n_assignments = j;
}

static int exit_for_errno(int r)
{
	return r == -EACCES || r == -EPERM || r == -EROFS ? SDH_EXIT_NOPERM : SDH_EXIT_INTERNAL;
}

int verb_suggest(int argc, char *argv[], struct sdh_cli *cli)
{
	enum {
		ARG_JSON = 0x100,
		ARG_MODE,
		ARG_RELOAD,
		ARG_UNDO,
		ARG_WRITE,
		ARG_FORCE,
	};
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, ARG_JSON },
		{ "mode", required_argument, NULL, ARG_MODE },
		{ "profile", required_argument, NULL, 'p' },
		{ "reload", no_argument, NULL, ARG_RELOAD },
		{ "undo", no_argument, NULL, ARG_UNDO },
		{ "write", no_argument, NULL, ARG_WRITE },
		{ "force", no_argument, NULL, ARG_FORCE },
		{},
	};
	struct sdh_load_options lo;
	struct sdh_diags diags = SDH_DIAGS_INIT;
	struct sdh_unit *u = NULL, *after = NULL;
	struct sdh_profile *prof = NULL;
	struct sdh_dropin *d = NULL;
	cleanup_free char *text = NULL, *path = NULL;
	struct sdh_suggest_options so = SDH_SUGGEST_OPTIONS_INIT;
	const char *name;
	int c, r, ret = SDH_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "hp:", options, NULL)) >= 0)
		switch (c) {
		case 'h': help(); return SDH_EXIT_OK;
		case 'p':
			if (strv_extend(&arg_profiles, optarg) < 0) {
				(void)log_oom();
				return SDH_EXIT_INTERNAL;
			}
			break;
		case ARG_JSON: arg_json = true; break;
		case ARG_MODE:
			r = sdh_suggest_mode_from_string(optarg);
			if (r < 0) {
				log_error("invalid mode '%s': expected 'safe' or 'strict'", optarg);
				return SDH_EXIT_USAGE;
			}
			arg_mode = (enum sdh_suggest_mode)r;
			break;
		case ARG_RELOAD: arg_reload = true; break;
		case ARG_UNDO: arg_undo = true; break;
		case ARG_WRITE: arg_write = true; break;
		case ARG_FORCE: arg_force = true; break;
		default: return SDH_EXIT_USAGE;
		}
	if (optind + 1 != argc) {
		log_error(optind >= argc ? "suggest needs a unit name, e.g. 'nginx.service'"
					 : "suggest takes exactly one unit");
		return SDH_EXIT_USAGE;
	}
	if (arg_undo && (arg_write || arg_profiles)) {
		log_error("--undo cannot be combined with --write or --profile");
		return SDH_EXIT_USAGE;
	}
	if (cli->scope == SDH_SCOPE_USER && (arg_write || arg_undo)) {
		log_error("--write and --undo install system drop-ins only; drop '--user'");
		return SDH_EXIT_USAGE;
	}
	name = argv[optind];

	sdh_cli_load_options(cli, &lo);
	r = sdh_unit_load(&lo, name, &diags, &u);
	if (r < 0) {
		ret = r == -EINVAL ? SDH_EXIT_USAGE : SDH_EXIT_INTERNAL;
		log_error_errno(r, "cannot load '%s': %m", name);
		goto out;
	}
	(void)sdh_cli_print_diags(&diags, cli->verbose ? SDH_SEVERITY_INFO : SDH_SEVERITY_ERROR);
	if (u->load_state != SDH_LOAD_LOADED) {
		log_error("unit '%s' is %s", name, sdh_load_state_to_string(u->load_state));
		ret = SDH_EXIT_FINDINGS;
		goto out;
	}

	if (arg_undo) {
		r = sdh_dropin_undo(cli->root, u->id ?: u->name, &path);
		if (r == -ENOENT) {
			log_error("nothing to undo for '%s'", u->id ?: u->name);
			ret = SDH_EXIT_FINDINGS;
			goto out;
		}
		if (r < 0) {
			log_error_errno(r, "cannot undo the drop-in of '%s': %m", u->id ?: u->name);
			ret = exit_for_errno(r);
			goto out;
		}
		if (!cli->quiet)
			fprintf(stderr, "%s '%s'\n", r > 0 ? "restored the previous" : "removed",
				path);
		goto reload;
	}

	r = load_profiles(&prof);
	if (r < 0) {
		ret = r == -ENOMEM ? SDH_EXIT_INTERNAL : SDH_EXIT_FINDINGS;
		goto out;
	}
	if (prof && prof->meta.unit && !streq(prof->meta.unit, u->id ?: u->name))
		log_warning("the profile was recorded for '%s', not '%s'", prof->meta.unit,
			    u->id ?: u->name);

	path = sdh_dropin_path(u->id ?: u->name);
	if (!path) {
		log_oom();
		ret = SDH_EXIT_INTERNAL;
		goto out;
	}
	drop_own_dropin(u, path);

	so.version = cli->version;
	so.mode = arg_mode;
	so.unit = u;
	so.profile = prof;
	so.root = cli->root;
	r = sdh_suggest(&so, &d);
	if (r < 0) {
		log_error_errno(r, "cannot build the suggestion: %m");
		ret = SDH_EXIT_INTERNAL;
		goto out;
	}

	/* The drop-in would be read after every other one: apply it last and score both. */
	d->exposure_before = exposure_of(u);
	if (sdh_dropin_apply(d, u, path, &after) >= 0)
		d->exposure_after = exposure_of(after);
	if (d->exposure_before >= 0 && d->exposure_after >= 0)
		(void)sdh_dropin_add_note(d,
					  "Exposure (systemd-analyze security, systemd %u): "
					  "%d.%d -> %d.%d",
					  SDH_VERSION_MAJOR(cli->version), d->exposure_before / 10,
					  d->exposure_before % 10, d->exposure_after / 10,
					  d->exposure_after % 10);

	r = arg_json ? sdh_dropin_to_json(d, &text) : sdh_dropin_to_text(d, &text);
	if (r < 0) {
		log_oom();
		ret = SDH_EXIT_INTERNAL;
		goto out;
	}
	if (!arg_write || !cli->quiet)
		fputs(text, stdout);
	if (d->exposure_before >= 0 && d->exposure_after >= 0 && !cli->quiet)
		fprintf(stderr, "exposure %d.%d -> %d.%d\n", d->exposure_before / 10,
			d->exposure_before % 10, d->exposure_after / 10, d->exposure_after % 10);

	if (arg_write) {
		cleanup_free char *file_text = NULL, *installed = NULL;

		/* The file always holds the text form, whatever --json printed. */
		if (arg_json && sdh_dropin_to_text(d, &file_text) < 0) {
			log_oom();
			ret = SDH_EXIT_INTERNAL;
			goto out;
		}
		r = sdh_dropin_install(cli->root, u->id ?: u->name, file_text ?: text, &installed);
		if (r < 0) {
			log_error_errno(r, "cannot write '%s': %m", path);
			ret = exit_for_errno(r);
			goto out;
		}
		if (!cli->quiet)
			fprintf(stderr, "%s '%s'%s\n", r > 0 ? "wrote" : "unchanged", installed,
				arg_reload ? "" : "; run 'systemctl daemon-reload' to apply it");
	}
reload:
	if ((arg_write || arg_undo) && arg_reload && run_daemon_reload(cli) < 0)
		ret = SDH_EXIT_INTERNAL;
out:
	sdh_dropin_free(d);
	sdh_unit_free(after);
	sdh_unit_free(u);
	sdh_profile_free(prof);
	sdh_diags_release(&diags);
	arg_profiles = strv_free(arg_profiles);
	arg_force = false;
	return ret;
}
