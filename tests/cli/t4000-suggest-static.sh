#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdharden suggest without a profile: the labelled static drop-in, --write/--undo, round trip.
. "$(dirname "$0")/../lib.sh"

R=$WORK/root
mkdir -p "$R/etc/systemd/system"
cp "$TOP/tests/gen/kv.service" "$R/etc/systemd/system/"
mkunit "$R" etc/systemd/system/narrow.service <<'U'
[Service]
ExecStart=/usr/bin/narrow
User=narrow
CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SYS_MODULE
SystemCallFilter=@system-service
U
drop=$R/etc/systemd/system/kv.service.d/50-sdharden.conf

expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service
assert_file_has_content "$WORK/out" "^# STATIC suggestion"
assert_file_has_content "$WORK/out" "^ProtectSystem=yes$"
assert_file_has_content "$WORK/out" "^CapabilityBoundingSet=~CAP_"
assert_file_lacks_content "$WORK/out" "^(PrivateNetwork|NoNewPrivileges|DynamicUser|MemoryDenyWriteExecute)="
assert_file_lacks_content "$WORK/out" "@system-service"
assert_file_has_content "$WORK/err" "^exposure 9\.6 -> [0-9]\.[0-9]$"
[ ! -e "$drop" ] || fail "printing must not write"

# A unit with its own lists: the reset is followed by the unit's values, never a bare "~".
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest narrow.service
assert_file_has_content "$WORK/out" "^CapabilityBoundingSet=CAP_NET_BIND_SERVICE$"
grep -A1 '^SystemCallFilter=$' "$WORK/out" | grep -q '^SystemCallFilter=@system-service$' ||
    fail "the unit's allow-list is not kept after the reset"

# --write, idempotent, lint finds nothing, analyze and systemd-analyze agree.
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --write
assert_file_has_content "$WORK/err" "^wrote '/etc/systemd/system/kv.service.d/50-sdharden.conf'"
after=$(sed -n 's/^exposure 9\.6 -> //p' "$WORK/err")
cmp -s "$drop" "$WORK/out" || fail "the file differs from the printed drop-in"
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --write
assert_file_has_content "$WORK/err" "^unchanged "
assert_file_has_content "$WORK/err" "^exposure 9\.6 -> $after$"   # our own drop-in is not "before"
[ ! -e "$drop.prev" ] || fail "an unchanged write must not rotate"
expect_exit 0 "$SDH" --root="$R" --systemd=252 lint --fail-on=info kv.service
"$SDH" --root="$R" --systemd=252 suggest -q --write narrow.service
"$SDH" --root="$R" --systemd=252 lint --fail-on=info narrow.service >"$WORK/lint" 2>&1 || true
assert_file_lacks_content "$WORK/lint" "50-sdharden"
expect_exit 0 "$SDH" --root="$R" --systemd=252 analyze kv.service
assert_file_has_content "$WORK/out" "exposure level for kv.service: $after "
if command -v systemd-analyze >/dev/null && systemd-analyze --version | grep -q '^systemd 252'; then
    systemd-analyze security --offline=true --root="$R" kv.service >"$WORK/sa" 2>&1 ||
        { cat "$WORK/sa"; fail "systemd-analyze rejects the drop-in"; }
    assert_file_has_content "$WORK/sa" "exposure level for kv.service: $after "
fi

# --undo: first write had no predecessor, so undo removes it; then nothing to undo.
expect_exit 0 "$SDH" --root="$R" suggest kv.service --undo
[ ! -e "$drop" ] || fail "undo did not remove the drop-in"
expect_exit 1 "$SDH" --root="$R" suggest kv.service --undo
assert_file_has_content "$WORK/err" "nothing to undo for 'kv.service'"

# Usage errors.
expect_exit 2 "$SDH" --root="$R" suggest
expect_exit 2 "$SDH" --root="$R" suggest kv.service --mode=loose
expect_exit 2 "$SDH" --root="$R" suggest kv.service --undo --write
expect_exit 1 "$SDH" --root="$R" suggest missing.service
