#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# analyze --online without a reachable service manager fails cleanly (no crash, exit 1, one
# message), and refuses --online together with --root=.
. "$(dirname "$0")/../lib.sh"
"$SDH" analyze --help 2>&1 | grep -q -- '--online' || skip "analyze has no --online yet"
expect_exit 2 "$SDH" analyze --online --root=/ nginx.service
if [ ! -S /run/systemd/private ] && [ ! -S /run/dbus/system_bus_socket ]; then
    expect_exit 1 "$SDH" analyze --online nginx.service
    assert_file_has_content "$WORK/err" 'bus|manager'
fi
