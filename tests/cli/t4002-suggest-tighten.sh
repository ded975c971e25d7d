#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdharden suggest never loosens the unit, keeps chroot(2) in static mode, and refuses a profile
# in which nothing was traced unless --force.
. "$(dirname "$0")/../lib.sh"

R=$WORK/root
mkdir -p "$R/etc/systemd/system"
cat >"$R/etc/systemd/system/kv.service" <<'UNIT'
[Service]
ExecStart=/usr/bin/kvd
User=kv
ProtectSystem=strict
CapabilityBoundingSet=
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
UNIT

# Static: no ProtectSystem=yes over strict, the unit's deny list kept, chroot(2) allowed.
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service
assert_file_lacks_content "$WORK/out" "^ProtectSystem=yes$"
assert_file_has_content "$WORK/out" "ProtectSystem=: the unit's 'strict' is stricter than 'yes'"
assert_file_has_content "$WORK/out" "^SystemCallFilter=~@privileged @resources$"
assert_file_has_content "$WORK/err" "^exposure ([0-9.]*) -> "
before=$(sed -n 's/^exposure \([0-9.]*\) -> \([0-9.]*\)$/\1/p' "$WORK/err")
after=$(sed -n 's/^exposure \([0-9.]*\) -> \([0-9.]*\)$/\2/p' "$WORK/err")
awk -v a="$after" -v b="$before" 'BEGIN { exit !(a + 0 <= b + 0) }' || fail "exposure rose: $before -> $after"
cat >"$R/etc/systemd/system/sshd.service" <<'UNIT'
[Service]
ExecStart=/usr/sbin/sshd -D
UNIT
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest sshd.service
assert_file_has_content "$WORK/out" "^SystemCallFilter=~@clock .*@mount"
assert_file_has_content "$WORK/out" "^SystemCallFilter=chroot$"

# An empty profile: refused (exit 1) unless --force.
cat >"$WORK/empty.json" <<'JSON'
{"version": 1, "meta": {"backend": "bpf", "target": "cgroup", "complete": false, "processes": 0,
 "events": 0, "lost": 0, "merged": 0, "duration": 8.0}, "syscalls": [], "capabilities": [],
 "files": [], "exec": [], "sockets": [], "devices": [], "events": []}
JSON
expect_exit 1 "$SDH" --root="$R" --systemd=252 suggest kv.service -p "$WORK/empty.json"
assert_file_has_content "$WORK/err" "is empty: nothing was traced"
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service -p "$WORK/empty.json" --force
assert_file_has_content "$WORK/err" "is empty: nothing was traced \\(--force\\)"
