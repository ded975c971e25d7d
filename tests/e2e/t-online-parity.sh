#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# t-online-parity.sh [CT] -- `sdharden analyze --online UNIT` against `systemd-analyze security
# UNIT` (online: both ask the container's PID 1 over D-Bus), stdout and exit status compared byte
# for byte, for the e2e daemons, a handful of stock units, and one several-unit call (overview
# table).  CT: a container booted by lib.sh's ct_boot; without it one is booted and torn down.
# Last line: "parity N/M identical".  Exit 0 all identical, 1 any difference, 77 cannot run.
set -euo pipefail
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$E2E_DIR/lib.sh"

CASES=(nginx.service redis-server.service memcached.service postgresql@15-main.service
    ssh.service systemd-journald.service systemd-logind.service dbus.service
    systemd-networkd.service systemd-udevd.service getty@tty1.service systemd-tmpfiles-setup.service
    "nginx.service ssh.service dbus.service" no-such-unit.service)
SDH_IN=/opt/sdharden/sdharden
CT=${1:-}
own=

if [ -z "$CT" ]; then
    e2e_need_host
    [ -x "$BUILD/sdharden" ] || e2e_skip "no $BUILD/sdharden"
    CT=sdh-parity-$$
    own=$CT
    trap 'ct_stop "$own" >/dev/null 2>&1 || true' EXIT
    e2e_rootfs
    ct_boot "$CT"
fi

if ! ct_exec "$CT" "$SDH_IN" analyze --help 2>&1 | grep -q -- '--online'; then
    e2e_skip "sdharden analyze --online not available in this build"
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/sdh-parity.XXXXXX")
trap 'rm -rf "$W"; [ -z "$own" ] || ct_stop "$own" >/dev/null 2>&1 || true' EXIT
same=0 total=0
for c in "${CASES[@]}"; do
    read -ra units <<<"$c"
    total=$((total + 1))
    rc_a=0 rc_b=0
    ct_exec "$CT" timeout 30 systemd-analyze security --no-pager "${units[@]}" >"$W/want" 2>"$W/want.err" || rc_a=$?
    ct_exec "$CT" timeout 30 "$SDH_IN" analyze --online "${units[@]}" >"$W/got" 2>"$W/got.err" || rc_b=$?
    if [ "$rc_a" -eq "$rc_b" ] && cmp -s "$W/want" "$W/got"; then
        same=$((same + 1))
        printf 'same  %-60s exit %d, %d lines\n' "$c" "$rc_a" "$(wc -l <"$W/want")"
    else
        printf 'DIFF  %-60s exit %d (systemd-analyze) vs %d (sdharden)\n' "$c" "$rc_a" "$rc_b"
        diff -u --label systemd-analyze --label sdharden "$W/want" "$W/got" | sed -n '3,14p' | sed 's/^/      /'
        sed -n '1,3p' "$W/got.err" | sed 's/^/      stderr: /'
    fi
done
echo "parity $same/$total identical"
[ "$same" -eq "$total" ]
