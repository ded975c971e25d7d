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

# One case = one argument list (split on blanks); "" = no unit: every loaded service, overview only.
CASES=(nginx.service redis-server.service memcached.service postgresql@15-main.service
    ssh.service systemd-journald.service systemd-logind.service dbus.service
    systemd-networkd.service systemd-udevd.service getty@tty1.service systemd-tmpfiles-setup.service
    sdh-parity-a.service sdh-parity-b.service sdh-parity-c.service sdh-parity-d.service
    "postgresql@.service" sshd nginx no-such-unit.service
    "nginx.service ssh.service dbus.service" "nginx.service no-such.service"
    "no-such.service redis-server.service" "nginx.service foo.socket ssh.service"
    "--json=short nginx.service" "--json=pretty redis-server.service"
    "--json=short nginx.service sdh-parity-a.service" "--json=pretty" "--json=short" ""
    "--threshold=50 nginx.service redis-server.service" "--threshold=20 redis-server.service")
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

# Synthetic units (loaded, never started) that exercise every property the reader maps: list
# settings, errno entries, IP prefixes, device ACLs, capability implications.
ct_exec "$CT" sh -c 'cat > /etc/systemd/system/sdh-parity-a.service' <<'UNIT'
[Service]
ExecStart=/bin/true
DynamicUser=yes
IPAddressDeny=any
IPAddressAllow=localhost
DeviceAllow=/dev/null rw
PrivateDevices=yes
ProtectClock=yes
RestrictAddressFamilies=AF_UNIX AF_PACKET
SystemCallFilter=@system-service
SystemCallFilter=~@resources:EPERM
SystemCallErrorNumber=EPERM
SystemCallArchitectures=native
CapabilityBoundingSet=CAP_NET_RAW CAP_SYS_TIME
AmbientCapabilities=CAP_NET_RAW
RestrictNamespaces=~user net
UMask=0077
NotifyAccess=all
ProtectProc=invisible
ProcSubset=pid
KeyringMode=shared
SupplementaryGroups=adm
UNIT
ct_exec "$CT" sh -c 'cat > /etc/systemd/system/sdh-parity-b.service' <<'UNIT'
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/true
User=nobody
IPAddressDeny=any
IPAddressAllow=127.0.0.1 10.0.0.0/8
RestrictAddressFamilies=~AF_INET6 AF_NETLINK
SystemCallFilter=~@mount @debug
PrivateTmp=yes
ProtectSystem=full
ProtectHome=tmpfs
ProtectKernelModules=yes
ProtectKernelLogs=yes
Delegate=yes
RootDirectory=/
UNIT
ct_exec "$CT" sh -c 'cat > /etc/systemd/system/sdh-parity-c.service' <<'UNIT'
[Service]
Type=oneshot
ExecStart=/bin/true
User=root
IPAddressDeny=0.0.0.0/0 ::/0
IPAddressAllow=::1/128 127.0.0.0/8
RestrictAddressFamilies=none
RestrictNamespaces=yes
SystemCallFilter=~@clock @cpu-emulation @debug @module @mount @obsolete @privileged @raw-io @reboot @resources @swap
PrivateNetwork=yes
PrivateUsers=yes
PrivateMounts=yes
NoNewPrivileges=yes
ProtectHostname=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
RemoveIPC=yes
DevicePolicy=strict
UNIT
# Online, 127.0.0.1 (a /32) is not "localhost": only 127.0.0.0/8 and ::1/128 are.
ct_exec "$CT" sh -c 'cat > /etc/systemd/system/sdh-parity-d.service' <<'UNIT'
[Service]
ExecStart=/bin/true
IPAddressDeny=any
IPAddressAllow=127.0.0.1
UNIT
ct_exec "$CT" systemctl daemon-reload

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
