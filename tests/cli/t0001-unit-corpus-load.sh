#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every unit of the real Debian trees (system and user) loads through `sdharden cat` without a
# crash or sanitizer report, and the fragment found for each unit the oracle analysed is the
# file systemd-analyze used (alias and template resolution, search-path order).
. "$(dirname "$0")/../lib.sh"
need_shared

total=0
for tree in debian-12 debian-13; do
    [ -d "$SHARED/corpus/$tree" ] || continue
    root=$WORK/$tree
    corpus_tree "$tree" "$root"
    case $tree in debian-12) v=252 ;; *) v=257 ;; esac
    for scope in system user; do
        dirs=("$root/etc/systemd/$scope" "$root/usr/lib/systemd/$scope")
        mapfile -t units < <(find "${dirs[@]}" -maxdepth 1 \( -type f -o -type l \) -printf '%f\n' 2>/dev/null |
            grep -E '\.(service|socket|mount|swap|timer|path|target|slice|scope|automount|device)$' | sort -u)
        [ ${#units[@]} -gt 0 ] || continue
        flag=; [ $scope = user ] && flag=--user
        rc=0
        "$SDH" --root="$root" --systemd=$v $flag cat "${units[@]}" >"$WORK/out" 2>"$WORK/err" || rc=$?
        [ $rc -le 1 ] || { tail "$WORK/err" >&2; fail "$tree $scope: exit $rc"; }
        ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$WORK/err" || fail "$tree $scope: sanitizer report"
        echo "$tree $scope: ${#units[@]} units loaded ($(grep -c 'is masked' "$WORK/err" || true) masked)"
        total=$((total + ${#units[@]}))

        # Oracle parity: the fragment of each analysed unit (v252 answers for Debian 12, v257 for 13).
        o=$SHARED/corpus/oracle/v$v/$tree; [ $scope = user ] && o=$o/user
        [ -f "$o/units.tsv" ] || continue
        # The id systemd-analyze reported ("Overall exposure level for ID: ...") names the
        # fragment: a template instance comes from the template file.
        n=0 bad=0
        while IFS=$'\t' read -r unit _ _ status; do
            [ "$status" = ok ] || continue
            id=$(sed -n 's/^→ Overall exposure level for \(.*\): .*/\1/p' "$o/$unit.txt")
            want=$id
            if ! [ -e "${dirs[0]}/$id" ] && ! [ -e "${dirs[1]}/$id" ]; then
                want=$(sed -E 's/@[^.]*\./@./' <<<"$id")
            fi
            got=$("$SDH" --root="$root" --systemd=$v $flag cat "$unit" 2>/dev/null | head -n 1) || true
            got=${got##*/}
            n=$((n + 1))
            if [ "$got" != "$want" ]; then
                bad=$((bad + 1)); echo "mismatch: $unit: oracle $want, we $got" >&2
            fi
        done < <(tail -n +2 "$o/units.tsv")
        [ $bad -eq 0 ] || fail "$tree $scope: $bad of $n fragments differ from the oracle"
        names=$n
        echo "$tree $scope: $names fragments match the oracle"
    done
done
[ $total -gt 0 ] || skip "no corpus trees"
echo "total: $total units"
