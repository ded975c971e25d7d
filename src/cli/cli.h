/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The command line.  main.c parses the global options (accepted before or after the verb, as
 * systemd-analyze does) into a `struct sdh_cli` and dispatches to verb_<name>() in
 * verb-<name>.c, which parses its own options with getopt_long.
 *
 * How to add a verb: write src/cli/verb-NAME.c with `int verb_NAME(int argc, char *argv[],
 * struct sdh_cli *cli)`, declare it below, add one row to `verbs[]` in main.c (keep it sorted),
 * document it in man/sdharden.1 and in the usage text, and add tests/cli/tNNNN-NAME-*.sh.
 *
 * Exit codes (documented in sdharden(1)): verbs return one of these.
 */

#include <stdbool.h>

#include "sdharden/diag.h"
#include "sdharden/unit.h"

enum {
	SDH_EXIT_OK = 0,
	SDH_EXIT_FINDINGS = 1,  /* unit not loadable, threshold exceeded, lint findings, ... */
	SDH_EXIT_USAGE = 2,     /* bad option or argument */
	SDH_EXIT_NOPERM = 4,    /* missing privilege (BPF, ptrace, root) */
	SDH_EXIT_INTERNAL = 70, /* internal error, out of memory (EX_SOFTWARE) */
};

struct sdh_cli {
	const char *root;     /* --root=, NULL for / */
	enum sdh_scope scope; /* --user */
	unsigned version;     /* --systemd=, or detected */
	bool version_given;
	bool no_pager;
	bool quiet;
	int verbose;
	const char *argv0;
	struct sdh_unit_cache *unit_cache; /* shared by every load of this run */
};

int verb_analyze(int argc, char *argv[], struct sdh_cli *cli);
int verb_cat(int argc, char *argv[], struct sdh_cli *cli);
int verb_explain(int argc, char *argv[], struct sdh_cli *cli);
int verb_lint(int argc, char *argv[], struct sdh_cli *cli);
int verb_profile(int argc, char *argv[], struct sdh_cli *cli);
int verb_show(int argc, char *argv[], struct sdh_cli *cli);
int verb_suggest(int argc, char *argv[], struct sdh_cli *cli);

/* Fill load options from the global options. */
void sdh_cli_load_options(const struct sdh_cli *cli, struct sdh_load_options *o);
/* Print diagnostics as "FILE:LINE: severity: message" on stderr; returns the error count. */
unsigned sdh_cli_print_diags(const struct sdh_diags *d, enum sdh_severity min);
