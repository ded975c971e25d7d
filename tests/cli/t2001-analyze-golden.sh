#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Golden tests that need no ../shared: 60 single-setting units (tests/golden/exposure/units) with
# the text and debug JSON that systemd-analyze 252.38 and v262 printed for them (manifest.tsv has
# both overall scores), plus a policy file case.  Units are given as paths, so their directory
# is searched first, as systemd-analyze --offline=yes does.
. "$(dirname "$0")/../lib.sh"
g=$TOP/tests/golden/exposure
[ -f "$g/manifest.tsv" ] || fail "no $g/manifest.tsv"
umask 022
# sdh [VAR=VALUE...] -- ARGS...: run sdharden in the oracle's environment
sdh() {
    local -a vars=()
    while [ "$1" != -- ]; do vars+=("$1"); shift; done
    shift
    env -i LC_ALL=C.UTF-8 TERM=xterm-256color PATH="$PATH" "${vars[@]}" "$SDH" "${args[@]}" "$@"
}
bad=0 n=0
for v in 252.38 v262; do
    args=(--systemd="${v#v}" analyze)
    while IFS=$'\t' read -r unit e252 p252 e262 p262; do
        [ "$unit" = unit ] && continue
        n=$((n + 1))
        sdh -- "$g/units/$unit.service" >"$WORK/out.txt" 2>/dev/null || true
        cmp -s "$WORK/out.txt" "$g/expected-$v/$unit.txt" ||
            { echo "text differs: $v $unit"; diff "$g/expected-$v/$unit.txt" "$WORK/out.txt" | head -n 5; bad=$((bad + 1)); }
        sdh SYSTEMD_ANALYZE_DEBUG=1 -- --json=short "$g/units/$unit.service" >"$WORK/out.json" 2>/dev/null || true
        cmp -s "$WORK/out.json" "$g/expected-$v/$unit.debug.json" ||
            { echo "debug json differs: $v $unit"; bad=$((bad + 1)); }
        want=$([ "$v" = v262 ] && echo "$e262 $p262" || echo "$e252 $p252")
        got=$(tail -n 1 "$WORK/out.txt" | awk '{ print $(NF-2), $(NF-1) }')
        assert_streq "$got" "$want" "$v $unit overall"
    done <"$g/manifest.tsv"
    for p in "$g"/expected-"$v"/*.policy-*.txt; do
        [ -f "$p" ] || continue
        base=$(basename "$p" .txt) unit=${base%%.policy-*} policy=${base#*.}
        sdh -- --security-policy="$g/policies/$policy.json" "$g/units/$unit.service" >"$WORK/out.txt" 2>/dev/null || true
        cmp -s "$WORK/out.txt" "$p" || { echo "policy output differs: $v $base"; diff "$p" "$WORK/out.txt" | head -n 5; bad=$((bad + 1)); }
    done
done
echo "golden: $n unit runs, $bad mismatches"
[ "$bad" -eq 0 ]
