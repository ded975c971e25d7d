#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every unit of both corpus trees (system and user scope, every unit type) goes through the whole
# model: `sdharden show` loads it and builds its effective settings, in text and JSON, without a
# crash or sanitizer report; masked units are reported as such.
. "$(dirname "$0")/../lib.sh"
need_shared
total=0
for tree in debian-12 debian-13; do
    root=$WORK/$tree
    corpus_tree "$tree" "$root"
    case $tree in debian-12) v=252 ;; *) v=257 ;; esac
    for scope in system user; do
        flag=(); [ $scope = user ] && flag=(--user)
        mapfile -t units < <(find "$root/etc/systemd/$scope" "$root/usr/lib/systemd/$scope" \
            -maxdepth 1 \( -type f -o -type l \) -printf '%f\n' 2>/dev/null |
            grep -E '\.(service|socket|mount|swap|timer|path|target|slice|scope|automount)$' | sort -u)
        [ ${#units[@]} -gt 0 ] || continue
        for fmt in text json; do
            jflag=(); [ $fmt = json ] && jflag=(--json)
            rc=0
            "$SDH" --root="$root" --systemd=$v "${flag[@]}" show "${jflag[@]}" "${units[@]}" \
                >"$WORK/out" 2>"$WORK/err" || rc=$?
            [ $rc -le 1 ] || { tail "$WORK/err" >&2; fail "$tree $scope $fmt: exit $rc"; }
            ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$WORK/err" ||
                fail "$tree $scope $fmt: sanitizer report"
        done
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert isinstance(d, list) and len(d) > 0' "$WORK/out" ||
            fail "$tree $scope: show --json is not a JSON array"
        masked=$(grep -c 'masked' "$WORK/err" || true)
        echo "$tree $scope: ${#units[@]} units shown ($masked masked)"
        total=$((total + ${#units[@]}))
    done
done
echo "total: $total units"
[ "$total" -gt 3000 ] || fail "expected more than 3000 units, got $total"
