#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# analyze --online reads the unit from PID 1 over D-Bus and prints exactly what
# `systemd-analyze security` prints: checked in a container with systemd 252 as PID 1 (the e2e
# harness; the rootfs is built once and cached under tests/e2e/cache/).
. "$(dirname "$0")/../lib.sh"
need_root
"$SDH" analyze --help 2>&1 | grep -q -- '--online' || skip "analyze has no --online yet"
rc=0
env TOP="$TOP" BUILD="$BUILD" "$TOP/tests/e2e/t-online-parity.sh" >"$WORK/parity" 2>&1 || rc=$?
cat "$WORK/parity"
[ "$rc" -ne 77 ] || skip "$(tail -n 1 "$WORK/parity")"
[ "$rc" -eq 0 ] || fail "analyze --online differs from systemd-analyze security"
assert_file_has_content "$WORK/parity" '^parity ([0-9]+)/\1 identical$'
