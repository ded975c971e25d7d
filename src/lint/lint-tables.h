/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The generated lint tables (build/gen/kb-lint_*.gen.c).  Only src/lint/ uses them directly. */

#include <stddef.h>

#include "sdharden/lint.h"

extern const struct sdh_lint_rule sdh_kb_lint_rules[];
extern const size_t sdh_kb_lint_rules_count;
extern const struct sdh_lint_deprecated sdh_kb_lint_deprecated[];
extern const size_t sdh_kb_lint_deprecated_count;
