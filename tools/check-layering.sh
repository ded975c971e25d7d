#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Check that src/<module>/ only includes the modules src/README.md allows.  Prints each
# violation as FILE:LINE and exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."

allowed() {
    case $1 in
        basic) echo "basic" ;;
        kb) echo "basic kb" ;;
        unit) echo "basic kb unit" ;;
        score) echo "basic kb unit score" ;;
        lint) echo "basic kb unit score lint" ;;
        gen) echo "basic kb unit score lint profile gen" ;;
        profile) echo "basic kb profile" ;;
        run) echo "basic kb run" ;;
        cli) echo "basic kb unit score lint gen profile run cli" ;;
        *) echo "" ;;
    esac
}
# Public headers belong to the module that implements them.
header_module() {
    case $1 in
        diag.h) echo basic ;;
        kb.h) echo kb ;;
        unit.h | settings.h) echo unit ;;
        score.h | online.h) echo score ;;
        lint.h) echo lint ;;
        gen.h | suggest.h) echo gen ;;
        profile.h) echo profile ;;
        run.h) echo run ;;
        *) echo unknown ;;
    esac
}

bad=0
for f in $(find src -name '*.[ch]' | sort); do
    mod=$(echo "$f" | cut -d/ -f2)
    ok=" $(allowed "$mod") "
    while IFS=: read -r line inc; do
        target=${inc#*\"}
        target=${target%\"*}
        case $target in
            sdharden/*) dep=$(header_module "${target#sdharden/}") ;;
            */*) dep=${target%%/*} ;;
            *) continue ;; # same-directory include
        esac
        if [[ $ok != *" $dep "* ]]; then
            echo "$f:$line: '$mod' must not include '$target' (see src/README.md)"
            bad=1
        fi
    done < <(grep -n '^#[[:space:]]*include[[:space:]]*"' "$f" | sed 's/:#[[:space:]]*include[[:space:]]*/:/')
done
exit $bad
