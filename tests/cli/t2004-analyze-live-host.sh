#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Parity on units that are in no corpus: every .service unit of this machine (system and user
# scope) and, when the end-to-end harness has built its Debian rootfs, every unit of that tree,
# scored by the installed systemd-analyze and by sdharden with that version's rules: same text,
# same JSON, same exit status.  Bare templates get systemd's own instance here (--instance=i).
. "$(dirname "$0")/../lib.sh"
command -v systemd-analyze >/dev/null || skip "no systemd-analyze installed"
ver=$(systemd-analyze --version | sed -n '1s/^systemd [0-9]* (\([0-9.]*\).*/\1/p')
case $ver in 252.*) inst=i ;; 257.*) inst=test_instance ;; *) skip "installed systemd $ver has no rule set here" ;; esac

same=0 bad=0
compare() { # ROOT SCOPE UNIT
    local root=$1 scope=$2 u=$3 mode
    local -a sd=(systemd-analyze) me=("$SDH" --systemd="$ver" --root="$root")
    if [ "$scope" = user ]; then
        sd=(env SYSTEMD_UNIT_PATH="$root/etc/systemd/user:$root/usr/lib/systemd/user" XDG_RUNTIME_DIR=/tmp systemd-analyze --user)
        me+=(--user)
    else
        sd+=(--root="$root")
    fi
    for mode in text json; do
        local -a flag=(); [ $mode = json ] && flag=(--json=short)
        vs_systemd_analyze "$scope, $mode, $root $u" \
            "${sd[@]}" security --offline=yes "${flag[@]}" "$u" -- \
            "${me[@]}" analyze --instance="$inst" "${flag[@]}" "$u"
    done
}
roots=(/)
for r in "$TOP"/tests/e2e/cache/rootfs-*/; do [ -d "$r/usr/lib/systemd/system" ] && roots+=("${r%/}"); done
n=0
for root in "${roots[@]}"; do
    for scope in system user; do
        for f in "$root"/usr/lib/systemd/$scope/*.service "$root"/etc/systemd/$scope/*.service; do
            [ -e "$f" ] || continue
            compare "$root" "$scope" "$(basename "$f")"
            n=$((n + 1))
        done
    done
done
echo "live parity with systemd-analyze $ver on ${#roots[@]} trees: $same/$((same + bad)) outputs identical ($n units)"
[ "$n" -gt 50 ] || fail "only $n units found"
[ "$bad" -eq 0 ] || fail "$bad outputs differ"
