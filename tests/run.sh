#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run the whole suite: cmocka unit tests (one result per test case), CLI tests
# (tests/cli/tNNNN-*.sh, one result per script; exit 77 = skipped), and the fuzz corpus replay.
# Ends with the line "N passed, N failed, N skipped"; exits non-zero if anything failed.
#
#   BUILD=build tests/run.sh [PATTERN...]     PATTERN filters test names (substring)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
BUILD=${BUILD:-build}
export BUILD SDH=$top/$BUILD/sdharden TOP=$top
log=$top/$BUILD/test-logs
mkdir -p "$log"
# Materialised corpus trees (tests/lib.sh corpus_tree) are shared by the tests of one run.
export SDH_CORPUS_CACHE=$top/$BUILD/corpus-cache
rm -rf "$SDH_CORPUS_CACHE"
passed=0 failed=0 skipped=0
failures=()

match() {
    local name=$1; shift
    [ ${#filters[@]} -eq 0 ] && return 0
    for f in "${filters[@]}"; do [[ $name == *"$f"* ]] && return 0; done
    return 1
}
filters=("$@")

# cmocka: count the cases from its standard output ("[       OK ]", "[  FAILED  ]", "[  SKIPPED ]").
for t in "$BUILD"/tests/test-*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    match "$name" || continue
    out=$log/$name.log
    "$t" >"$out" 2>&1
    rc=$?
    # The status line right after each "[ RUN      ] name" decides that case.
    read -r ok ko sk < <(awk '
        /^\[ RUN      \]/ { pending = 1; next }
        pending && /^\[       OK \]/ { ok++; pending = 0 }
        pending && /^\[  SKIPPED \]/ { sk++; pending = 0 }
        pending && /^\[  (FAILED|ERROR) +\]/ { ko++; pending = 0 }
        END { print ok + 0, ko + pending, sk + 0 }' "$out")
    passed=$((passed + ok)); skipped=$((skipped + sk))
    if [ "$rc" -ne 0 ] && [ "$ko" -eq 0 ]; then ko=1; fi
    failed=$((failed + ko))
    if [ "$ko" -ne 0 ]; then failures+=("$name (see $out)"); fi
    printf '%-44s %d ok, %d failed, %d skipped\n' "$name" "$ok" "$ko" "$sk"
done

# CLI and integration scripts.
for t in tests/cli/t[0-9]*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    match "$name" || continue
    out=$log/$name.log
    bash "$t" >"$out" 2>&1
    rc=$?
    case $rc in
        0) passed=$((passed + 1)); r=ok ;;
        77) skipped=$((skipped + 1)); r="skipped: $(tail -n 1 "$out")" ;;
        *) failed=$((failed + 1)); r="FAILED (exit $rc)"; failures+=("$name (see $out)") ;;
    esac
    printf '%-44s %s\n' "$name" "$r"
done

# Fuzz corpus replay: every input of fuzz/corpus/TARGET/ through the target, without libFuzzer.
for t in "$BUILD"/fuzz/fuzz-*-replay; do
    [ -x "$t" ] || continue
    target=$(basename "$t" -replay)
    name=replay-$target
    match "$name" || continue
    dir=fuzz/corpus/${target#fuzz-}
    if [ ! -d "$dir" ]; then
        failed=$((failed + 1)); failures+=("$name: no corpus $dir"); continue
    fi
    if "$t" "$dir" >"$log/$name.log" 2>&1; then
        passed=$((passed + 1)); printf '%-44s ok (%s inputs)\n' "$name" "$(ls "$dir" | wc -l)"
    else
        failed=$((failed + 1)); failures+=("$name (see $log/$name.log)"); printf '%-44s FAILED\n' "$name"
    fi
done

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
