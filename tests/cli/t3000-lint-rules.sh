#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Table-driven: every lint rule has tests/lint/ID/{trigger,clean}.service; the first must be
# reported by exactly that rule, the second not (see tests/lint/README).
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null || skip "python3 needed to craft ELF files"

rules=$("$SDH" lint --list-rules | awk '{ print $1 }')
[ "$(echo "$rules" | wc -l)" -ge 27 ] || fail "too few rules: $rules"
for id in $rules; do
    d=$TOP/tests/lint/$id
    for kind in trigger clean; do
        [ -f "$d/$kind.service" ] || fail "rule '$id' has no tests/lint/$id/$kind.service"
        R=$WORK/$id-$kind
        mkdir -p "$R/etc/systemd/system" "$R/usr/bin"
        cp /bin/true "$R/usr/bin/true"
        cp "$d/$kind.service" "$R/etc/systemd/system/lint-$kind.service"
        if [ -d "$d/$kind.service.d" ]; then
            cp -r "$d/$kind.service.d" "$R/etc/systemd/system/lint-$kind.service.d"
        fi
        if [ -f "$d/setup.sh" ]; then
            (LINTDIR=$TOP/tests/lint; . "$d/setup.sh")
        fi
        opts=--systemd=262
        [ -f "$d/options" ] && opts=$(cat "$d/options")
        rc=0
        # shellcheck disable=SC2086
        "$SDH" --root="$R" $opts lint --enable="$id" --fail-on=info --format=json \
            "lint-$kind.service" >"$WORK/out" 2>"$WORK/err" || rc=$?
        n=$(grep -c "\"rule\": \"$id\"" "$WORK/out" || true)
        if [ "$kind" = trigger ]; then
            [ "$rc" -eq 1 ] && [ "$n" -ge 1 ] ||
                { cat "$WORK/out" "$WORK/err" >&2; fail "$id: trigger.service not reported (exit $rc)"; }
        else
            [ "$rc" -eq 0 ] && [ "$n" -eq 0 ] ||
                { cat "$WORK/out" "$WORK/err" >&2; fail "$id: clean.service reported (exit $rc)"; }
        fi
        # Every rule together must not crash on either unit.
        rc=0
        # shellcheck disable=SC2086
        "$SDH" --root="$R" $opts lint "lint-$kind.service" >/dev/null 2>&1 || rc=$?
        [ "$rc" -le 1 ] || fail "$id: full lint of $kind.service exited $rc"
    done
    echo "ok $id"
done
# Fixture directories without a rule are stale.
for d in "$TOP"/tests/lint/*/; do
    id=$(basename "$d")
    echo "$rules" | grep -qx "$id" || fail "tests/lint/$id matches no rule"
done
