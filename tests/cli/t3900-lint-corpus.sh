#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Lint every unit of both corpus trees (system and user scope): no crash, no sanitizer report,
# every finding well-formed; prints the number of findings per rule.
. "$(dirname "$0")/../lib.sh"
need_shared

for tree in debian-12 debian-13; do
    root=$SHARED/corpus/$tree
    [ -d "$root" ] || skip "no corpus tree $tree"
    ver=252
    [ "$tree" = debian-13 ] && ver=257
    for scope in --system --user; do
        rc=0
        "$SDH" --root="$root" --systemd=$ver $scope lint --format=json \
            >"$WORK/$tree$scope.json" 2>"$WORK/err" || rc=$?
        [ "$rc" -le 1 ] || { cat "$WORK/err" >&2; fail "lint of $tree $scope exited $rc"; }
        ! grep -qE 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error' "$WORK/err" ||
            { cat "$WORK/err" >&2; fail "sanitizer report linting $tree $scope"; }
    done
done
python3 - "$WORK"/*.json <<'PY'
import collections, json, sys
total = collections.Counter()
for path in sys.argv[1:]:
    findings = json.load(open(path))
    for f in findings:
        assert f["rule"] and f["message"] and f["fix"] and f["unit"], f
        assert f["file"] is None or f["file"].startswith("/"), f
        total[f["rule"]] += 1
    print(f"{path.rsplit('/', 1)[1]}: {len(findings)} findings in "
          f"{len({f['unit'] for f in findings})} units")
for rule, n in sorted(total.items(), key=lambda x: (-x[1], x[0])):
    print(f"{n:6d} {rule}")
PY
