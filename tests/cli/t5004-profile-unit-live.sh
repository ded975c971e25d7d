#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `profile --unit` under real systemd: tests/e2e/t-profile-unit.sh (nginx and redis-server in a
# systemd-nspawn container, profiled from inside while their clients drive them).  Skips when
# not root, without systemd-nspawn/debootstrap, or when the e2e rootfs cannot be built here.
. "${TOP:-$(dirname "$0")/../..}/tests/lib.sh"
need_root
command -v systemd-nspawn >/dev/null || skip "no systemd-nspawn"
command -v debootstrap >/dev/null || skip "no debootstrap"
command -v jq >/dev/null || skip "no jq"
rc=0
BUILD=$BUILD "$TOP/tests/e2e/t-profile-unit.sh" >"$WORK/log" 2>&1 || rc=$?
cat "$WORK/log"
case $rc in
    0) ;;
    77) skip "$(tail -n 1 "$WORK/log")" ;;
    *) fail "t-profile-unit.sh exited $rc" ;;
esac
