/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The generated lint tables (build/gen/kb-lint_*.gen.c).  Only src/lint/ uses them directly. */

#include <stddef.h>

#include "sdharden/lint.h"

extern const struct sdh_lint_rule sdh_kb_lint_rules[];
extern const size_t sdh_kb_lint_rules_count;
extern const struct sdh_lint_deprecated sdh_kb_lint_deprecated[];
extern const size_t sdh_kb_lint_deprecated_count;

/* Runtimes that generate machine code at run time (data/jit-runtimes.tsv): a binary or library
 * whose file name starts with PREFIX (whole name, or followed by a version or separator). */
struct sdh_lint_jit {
	const char *prefix;
	const char *runtime;
};
extern const struct sdh_lint_jit sdh_kb_lint_jits[];
extern const size_t sdh_kb_lint_jits_count;
