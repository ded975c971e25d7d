# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by tests/cli/t*.sh.  A script exits 0 (pass), 77 (skip, with a reason on the last
# line) or anything else (fail).  $SDH is the binary under test, $TOP the source tree.
set -euo pipefail
: "${TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${BUILD:=build}"
: "${SDH:=$TOP/$BUILD/sdharden}"
SHARED=${SDH_SHARED:-$TOP/../shared}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sdh-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C.UTF-8

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*"; exit 77; }
need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }
need_shared() { [ -d "$SHARED/corpus" ] || skip "no ../shared/corpus"; }

assert_streq() { [ "$1" == "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }
assert_file_has_content() { grep -qE -- "$2" "$1" || { cat "$1" >&2; fail "'$1' lacks /$2/"; }; }
assert_file_lacks_content() { ! grep -qE -- "$2" "$1" || { cat "$1" >&2; fail "'$1' has /$2/"; }; }
# expect_exit CODE CMD...: run CMD, stdout to $WORK/out, stderr to $WORK/err, check the code.
expect_exit() {
    local want=$1 rc=0; shift
    "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
    [ "$rc" -eq "$want" ] || { cat "$WORK/out" "$WORK/err" >&2; fail "'$*' exited $rc, expected $want"; }
}
# vs_systemd_analyze LABEL SA-CMD... -- SDH-CMD...: run both in the same bare environment and
# compare their stdout and exit status; counts into the caller's `same` and `bad`, and shows the
# start of a difference.
vs_systemd_analyze() {
    local label=$1 rc1=0 rc2=0
    local -a sa=() envx=(env -i LC_ALL=C.UTF-8 TERM=dumb SYSTEMD_COLORS=0 SYSTEMD_PAGER= PATH="$PATH")
    shift
    while [ "$1" != -- ]; do sa+=("$1"); shift; done
    shift
    "${envx[@]}" "${sa[@]}" >"$WORK/sd.out" 2>/dev/null || rc1=$?
    "${envx[@]}" "$@" >"$WORK/me.out" 2>/dev/null || rc2=$?
    if [ "$rc1" -ne "$rc2" ] || ! cmp -s "$WORK/sd.out" "$WORK/me.out"; then
        bad=$((bad + 1))
        echo "differs ($label): systemd-analyze exit $rc1, sdharden exit $rc2"
        diff "$WORK/sd.out" "$WORK/me.out" | head -n 6 || true # diff exits 1: go on counting
    else
        same=$((same + 1))
    fi
}
# mkunit ROOT RELPATH <<EOF ... : write a unit file under a root
mkunit() { mkdir -p "$(dirname "$1/$2")"; cat >"$1/$2"; }

# corpus_tree NAME DEST: a usable copy of ../shared/corpus/NAME (debian-12, debian-13) at DEST.
# The shared corpus stores symlinks (aliases, masks, lib -> usr/lib) as small files holding the
# target text; this rebuilds them as real links from NAME.manifest.tsv.  Cached per test run in
# $SDH_CORPUS_CACHE when set (tests/run.sh sets it), so the copy is made once per suite.
corpus_tree() {
    local name=$1 dst=$2 src=$SHARED/corpus/$1 cache=${SDH_CORPUS_CACHE:-}
    [ -d "$src" ] || fail "no corpus tree $src"
    if [ -n "$cache" ] && [ -d "$cache/$name" ]; then
        ln -sfn "$cache/$name" "$dst"
        return
    fi
    local out=$dst
    [ -n "$cache" ] && { mkdir -p "$cache"; out=$cache/$name.tmp.$$; }
    cp -r "$src" "$out"
    chmod -R u+w "$out"
    local l t p
    for l in lib lib64 bin sbin; do
        if [ -f "$out/$l" ] && [ ! -L "$out/$l" ]; then
            t=$(cat "$out/$l"); rm "$out/$l"; ln -s "$t" "$out/$l"
        fi
    done
    tail -n +2 "$SHARED/corpus/$name.manifest.tsv" |
        awk -F'\t' '$2 == "symlink" || $2 == "mask" { print $1 "\t" $3 }' |
        while IFS=$'\t' read -r p t; do rm -f "$out/$p"; ln -s "$t" "$out/$p"; done
    if [ -n "$cache" ]; then
        mv -T "$out" "$cache/$name" 2>/dev/null || rm -rf "$out" # another test won the race
        ln -sfn "$cache/$name" "$dst"
    fi
}
