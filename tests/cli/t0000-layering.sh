#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The include graph respects the layering of src/README.md, and the checker does catch a violation.
. "$(dirname "$0")/../lib.sh"
"$TOP/tools/check-layering.sh" || fail "layering violated"

# A planted violation (basic including unit) must be reported.
mkdir -p "$WORK/tree/src/basic" "$WORK/tree/tools"
cp "$TOP/tools/check-layering.sh" "$WORK/tree/tools/"
printf '#include "unit/loader.h"\n' >"$WORK/tree/src/basic/x.c"
expect_exit 1 "$WORK/tree/tools/check-layering.sh"
assert_file_has_content "$WORK/out" "src/basic/x.c:1: 'basic' must not include 'unit/loader.h'"
