/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sdharden cat UNIT...: a unit's files as `systemctl cat` shows them, found offline.  For each
 * unit "# PATH" and the fragment, then each drop-in the same way, a blank line before every file
 * but the first and between units.  A masked or missing unit is an error (exit 1), the others
 * are still printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/path-util.h"
#include "basic/strv.h"
#include "cli/cli.h"
#include "cli/log.h"
#include "sdharden/unit.h"

static void help(void)
{
	printf("Usage: sdharden [--root=DIR] [--user] cat UNIT...\n\n"
	       "Show the unit file and drop-ins of each UNIT, as 'systemctl cat' does, found the way\n"
	       "systemd's manager finds them (search path, aliases, templates, drop-ins), offline.\n\n"
	       "  -h, --help   this help\n\n"
	       "Exit status: 0 all shown, 1 a unit is masked, missing or unreadable, 2 usage.\n");
}

/* Print the file at PATH (inside the root). */
static int cat_file(const char *root, const char *path, bool blank_before)
{
	cleanup_free char *host = NULL, *buf = NULL;
	size_t len = 0;
	int r;

	host = isempty(root) || streq(root, "/") ? strdup(path) : path_join(root, path);
	if (!host)
		return -ENOMEM;
	r = read_full_file_at(AT_FDCWD, host, SDH_FILE_SIZE_MAX, &buf, &len);
	if (r < 0)
		return r;
	printf("%s# %s\n", blank_before ? "\n" : "", path);
	fwrite(buf, 1, len, stdout);
	if (len > 0 && buf[len - 1] != '\n')
		putchar('\n');
	return 0;
}

int verb_cat(int argc, char *argv[], struct sdh_cli *cli)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct sdh_load_options o;
	bool first = true;
	int c, ret = SDH_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (c) {
		case 'h': help(); return SDH_EXIT_OK;
		default: return SDH_EXIT_USAGE;
		}
	if (optind >= argc) {
		log_error("missing unit name (see 'sdharden cat --help')");
		return SDH_EXIT_USAGE;
	}
	sdh_cli_load_options(cli, &o);

	for (int i = optind; i < argc; i++) {
		struct sdh_diags diags = SDH_DIAGS_INIT;
		struct sdh_unit *u = NULL;
		int r = sdh_unit_load(&o, argv[i], &diags, &u);

		if (r == -EINVAL) {
			log_error("invalid unit name '%s'", argv[i]);
			ret = SDH_EXIT_USAGE;
			continue;
		}
		if (r < 0) {
			sdh_diags_release(&diags);
			log_error_errno(r, "cannot load '%s': %m", argv[i]);
			return SDH_EXIT_INTERNAL;
		}
		if (cli->verbose)
			sdh_cli_print_diags(&diags, SDH_SEVERITY_INFO);
		else
			sdh_cli_print_diags(&diags, SDH_SEVERITY_ERROR);
		sdh_diags_release(&diags);

		if (u->load_state == SDH_LOAD_NOT_FOUND) {
			log_error("no files found for '%s'", argv[i]);
			ret = MAX(ret, SDH_EXIT_FINDINGS);
		} else if (u->load_state == SDH_LOAD_MASKED) {
			log_error("unit '%s' is masked", argv[i]);
			ret = MAX(ret, SDH_EXIT_FINDINGS);
		} else {
			r = cat_file(cli->root, u->fragment_path, !first);
			if (r < 0) {
				log_error_errno(r, "cannot read '%s': %m", u->fragment_path);
				ret = MAX(ret, SDH_EXIT_FINDINGS);
			}
			first = false;
			STRV_FOREACH(d, u->dropin_paths) {
				r = cat_file(cli->root, *d, true);
				if (r < 0) {
					log_error_errno(r, "cannot read '%s': %m", *d);
					ret = MAX(ret, SDH_EXIT_FINDINGS);
				}
			}
		}
		sdh_unit_free(u);
	}
	fflush(stdout);
	return ret;
}
