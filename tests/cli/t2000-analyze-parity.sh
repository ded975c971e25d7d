#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Parity with systemd-analyze security --offline=yes: every .service unit (system and user) of
# both corpus trees against the recorded answers of systemd 252.39 and 257.13.  Compares the
# overall score, the JSON rows and the text output byte for byte, and that the units systemd
# rejects are rejected.  One sdharden invocation per (version, tree, scope) writes every unit's
# output into a directory (--output-dir), so this stays fast.
. "$(dirname "$0")/../lib.sh"
need_shared
corpus=$SHARED/corpus
umask 022 # user-scope units take the analyser's umask; the oracle ran with 022
rc=0
declare -A sum_o sum_n sum_j sum_t sum_u

# The shared trees store symlinks (aliases, /dev/null masks) as small files holding the target;
# the manifest says which.  Rebuild real symlinks in a private copy, as systemd saw them.
materialize() { # TREE -> $WORK/trees/TREE
    local dst=$WORK/trees/$1
    [ -d "$dst" ] && return 0
    mkdir -p "$WORK/trees"
    cp -r "$corpus/$1" "$dst"
    chmod -R u+w "$dst"
    while IFS=$'\t' read -r path type target _; do
        case $type in symlink | mask) rm -f "$dst/$path" && ln -s "$target" "$dst/$path" ;; esac
    done <"$corpus/$1.manifest.tsv"
}

run() { # VERSION TREE SCOPE(system|user) ORACLE_DIR
    local version=$1 tree=$2 scope=$3 odir=$4 out=$WORK/$1-$2-$3
    local -a scope_opt=()
    [ "$scope" = user ] && scope_opt=(--user)
    mkdir -p "$out"
    materialize "$tree"
    tail -n +2 "$odir/units.tsv" | cut -f1 >"$out/units"
    env -i LC_ALL=C.UTF-8 TERM=dumb SYSTEMD_COLORS=0 PATH="$PATH" "$SDH" --systemd="$version" \
        --root="$WORK/trees/$tree" "${scope_opt[@]}" analyze --output-dir="$out" \
        $(cat "$out/units") >"$out/result" 2>"$out/stderr" || true
    # overall: unit exposure predicate of the scored ones; failures: the rejected ones.
    tail -n +2 "$odir/overall.tsv" | sort >"$out/want-overall"
    awk -F'\t' '$2 != "fail"' "$out/result" | sort >"$out/got-overall"
    tail -n +2 "$odir/failures.tsv" | cut -f1 | sort >"$out/want-fail"
    awk -F'\t' '$2 == "fail" { print $1 }' "$out/result" | sort >"$out/got-fail"
    local total overall_ok json_ok=0 text_ok=0 n=0 bad=()
    total=$(wc -l <"$out/want-overall")
    overall_ok=$(comm -12 "$out/want-overall" "$out/got-overall" | wc -l)
    while IFS=$'\t' read -r unit _; do
        n=$((n + 1))
        if cmp -s "$odir/$unit.json" "$out/$unit.json"; then json_ok=$((json_ok + 1)); else bad+=("$unit.json"); fi
        if cmp -s "$odir/$unit.txt" "$out/$unit.txt"; then text_ok=$((text_ok + 1)); else bad+=("$unit.txt"); fi
    done < <(tail -n +2 "$odir/overall.tsv")
    sum_o[$version]=$((${sum_o[$version]:-0} + overall_ok)); sum_n[$version]=$((${sum_n[$version]:-0} + total))
    sum_j[$version]=$((${sum_j[$version]:-0} + json_ok)); sum_t[$version]=$((${sum_t[$version]:-0} + text_ok))
    sum_u[$version]=$((${sum_u[$version]:-0} + n))
    echo "parity v$version $tree $scope: overall $overall_ok/$total, json $json_ok/$n, text $text_ok/$n," \
        "rejected $(comm -12 "$out/want-fail" "$out/got-fail" | wc -l)/$(wc -l <"$out/want-fail")"
    if [ "$overall_ok" -ne "$total" ] || [ "$json_ok" -ne "$n" ] || [ "$text_ok" -ne "$n" ] ||
        ! cmp -s "$out/want-fail" "$out/got-fail"; then
        diff "$out/want-overall" "$out/got-overall" | head -n 10 || true
        diff "$out/want-fail" "$out/got-fail" | head -n 10 || true
        printf '  mismatch: %s\n' "${bad[@]:0:10}"
        rc=1
    fi
}

for v in 252 257; do
    for tree in debian-12 debian-13; do
        odir=$corpus/oracle/v$v/$tree
        [ -d "$odir" ] || fail "no oracle $odir"
        run "$v" "$tree" system "$odir"
        run "$v" "$tree" user "$odir/user"
    done
    echo "parity v$v: overall ${sum_o[$v]}/${sum_n[$v]}, json ${sum_j[$v]}/${sum_u[$v]}, text ${sum_t[$v]}/${sum_u[$v]}"
done
exit $rc
