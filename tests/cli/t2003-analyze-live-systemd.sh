#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Parity beyond the corpus: every unit fixture of this repository (the golden units, the lint
# rules' trigger and clean units, the generator's fixtures: many odd or broken on purpose) is
# scored by the systemd-analyze installed here and by sdharden with that version's rules, in
# the same tree, and the text, JSON and exit status must be identical.
. "$(dirname "$0")/../lib.sh"
command -v systemd-analyze >/dev/null || skip "no systemd-analyze installed"
ver=$(systemd-analyze --version | sed -n '1s/^systemd [0-9]* (\([0-9.]*\).*/\1/p')
case $ver in 252.* | 257.*) ;; *) skip "installed systemd $ver has no rule set here" ;; esac

root=$WORK/root
dir=$root/etc/systemd/system
mkdir -p "$dir"
n=0
add() { # FILE NAME: copy a fixture in as NAME, with its drop-in directory if any
    cp "$1" "$dir/$2"
    [ -d "$1.d" ] && cp -r "$1.d" "$dir/$2.d"
    n=$((n + 1))
}
for f in "$TOP"/tests/golden/exposure/units/*.service; do add "$f" "$(basename "$f")"; done
for f in "$TOP"/tests/lint/*/*.service; do
    rule=$(basename "$(dirname "$f")")
    add "$f" "lint-$rule-$(basename "$f")"
done
for f in "$TOP"/tests/gen/*.service; do [ -f "$f" ] && add "$f" "gen-$(basename "$f")"; done
[ "$n" -gt 100 ] || fail "only $n fixtures found"

same=0 bad=0
for f in "$dir"/*.service; do
    u=$(basename "$f")
    for mode in text json; do
        flag=(); [ $mode = json ] && flag=(--json=short)
        vs_systemd_analyze "$mode, $u" \
            systemd-analyze security --offline=yes --root="$root" "${flag[@]}" "$u" -- \
            "$SDH" --systemd="$ver" --root="$root" analyze "${flag[@]}" "$u"
    done
done
echo "live parity with systemd-analyze $ver: $same/$((same + bad)) outputs identical over $n units"
[ "$bad" -eq 0 ] || fail "$bad outputs differ"
