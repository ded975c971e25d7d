#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# show: every effective security setting with value and origin (file:line of the last
# assignment, a drop-in overriding the file, "default", "implied by DynamicUser=yes").
. "$(dirname "$0")/../lib.sh"
r=$WORK/root
d=usr/lib/systemd/system
mkunit "$r" $d/s.service <<'EOF2'
[Service]
ExecStart=/bin/true
DynamicUser=yes
ProtectSystem=full
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
EOF2
mkunit "$r" etc/systemd/system/s.service.d/10-x.conf <<'EOF2'
[Service]
CapabilityBoundingSet=CAP_KILL
ProtectHome=maybe
EOF2
s() { "$SDH" --systemd=252 --root="$r" show "$@"; }
expect_exit 0 s s.service
assert_file_has_content "$WORK/out" '^# s.service$'
assert_file_has_content "$WORK/out" '^CapabilityBoundingSet= +cap_kill cap_net_bind_service  \(/etc/systemd/system/s.service.d/10-x.conf:2\)$'
assert_file_has_content "$WORK/out" '^ProtectSystem= +strict  \(implied by DynamicUser=yes\)$'
assert_file_has_content "$WORK/out" '^ProtectHome= +read-only  \(implied by DynamicUser=yes\)$'
assert_file_has_content "$WORK/out" '^DynamicUser= +yes  \(/usr/lib/systemd/system/s.service:3\)$'
assert_file_has_content "$WORK/out" '^UMask= +0022  \(default\)$'
assert_file_has_content "$WORK/out" '^User= +s  \(implied by DynamicUser=yes\)$'
# The unparsable ProtectHome= is a warning with file:line, and ignored.
assert_file_has_content "$WORK/err" "10-x.conf:3: warning: .*ProtectHome"

expect_exit 0 s -p UMask,User --json s.service
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert [x["name"] for x in v[0]["settings"]] == ["User","UMask"] and v[0]["settings"][0]["origin"] == "implied by DynamicUser=yes", v' "$WORK/out"
expect_exit 2 s -p NoSuchThing s.service
expect_exit 1 s missing.service
