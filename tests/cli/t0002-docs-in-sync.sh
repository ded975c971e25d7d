#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every verb of the verb table is documented in sdharden(1), in README.md and in --help, and each
# verb answers --help with exit 0.
. "$(dirname "$0")/../lib.sh"

verbs=$(sed -n '/^static const struct verb verbs\[\] = {/,/^};/p' "$TOP/src/cli/main.c" |
    grep -o '{ "[a-z-]*"' | tr -d '{" ')
[ -n "$verbs" ] || fail "no verbs found in src/cli/main.c"
expect_exit 0 "$SDH" --help
for v in $verbs; do
    grep -q "^\.SS $v\b" "$TOP/man/sdharden.1" || fail "verb '$v' missing from man/sdharden.1"
    grep -q "sdharden $v" "$TOP/README.md" || fail "verb '$v' missing from README.md"
    grep -q "^  $v " "$WORK/out" || fail "verb '$v' missing from 'sdharden --help'"
    "$SDH" "$v" --help >"$WORK/vhelp" 2>&1 || fail "'sdharden $v --help' failed"
    grep -qE "^Usage: sdharden (\[[^]]*\] )*$v( |$)" "$WORK/vhelp" || fail "'sdharden $v --help' has no usage line"
done
# Exit codes in the man page match cli.h.
for code in $(grep -o '= [0-9]*,' "$TOP/src/cli/cli.h" | tr -dc '0-9\n'); do
    grep -q "^\.B $code$" "$TOP/man/sdharden.1" || fail "exit code $code not documented"
done
# The README's two commands are the ones CI and users run.
grep -qx 'tools/install-deps.sh && make -j2 && build/sdharden analyze' "$TOP/README.md" || fail "README setup command changed"
grep -qx 'make -j2 check' "$TOP/README.md" || fail "README test command changed"
grep -q 'make -j2 DEVELOPER=1 check' "$TOP/.ci/run" || fail ".ci/run does not run the README test command"
