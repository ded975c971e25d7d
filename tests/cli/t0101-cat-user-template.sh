#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdharden cat with --user and with templates: the template file and its drop-ins serve the
# instance, prefix drop-ins of dashed names apply ("get-@.service.d" for an instance), user units are not seen as system units.
. "$(dirname "$0")/../lib.sh"

R=$WORK/root
mkunit "$R" usr/lib/systemd/user/agent.service <<'EOF2'
[Service]
ExecStart=/usr/bin/agent
EOF2
mkunit "$R" usr/lib/systemd/system/get-ty@.service <<'EOF2'
[Service]
ExecStart=/sbin/agetty %I
EOF2
mkunit "$R" etc/systemd/system/get-@.service.d/p.conf <<'EOF2'
[Service]
Nice=1
EOF2

expect_exit 0 "$SDH" --root="$R" --user cat agent.service
assert_file_has_content "$WORK/out" '^# /usr/lib/systemd/user/agent.service$'
expect_exit 1 "$SDH" --root="$R" cat agent.service

expect_exit 0 "$SDH" --root="$R" cat get-ty@tty1.service
assert_file_has_content "$WORK/out" '^# /usr/lib/systemd/system/get-ty@.service$'
assert_file_has_content "$WORK/out" '^# /etc/systemd/system/get-@.service.d/p.conf$'
expect_exit 0 "$SDH" --root="$R" cat get-ty@.service
