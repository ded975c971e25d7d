#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# analyze on a hand-made root: threshold boundary, masked units, aliases, templates, several
# units (overview table), JSON arrays, --user with --root, and the SARIF/Prometheus/Markdown
# formats.
. "$(dirname "$0")/../lib.sh"
r=$WORK/root
d=usr/lib/systemd/system
mkunit "$r" $d/base.service <<'EOF2'
[Service]
ExecStart=/bin/true
EOF2
mkunit "$r" $d/hard.service <<'EOF2'
[Service]
ExecStart=/bin/true
DynamicUser=yes
PrivateNetwork=yes
ProtectSystem=strict
EOF2
mkunit "$r" $d/tmpl@.service <<'EOF2'
[Service]
ExecStart=/bin/true
User=%i
EOF2
ln -s base.service "$r/$d/alias.service"
ln -s /dev/null "$r/$d/masked.service"
mkunit "$r" usr/lib/systemd/user/u.service <<'EOF2'
[Service]
ExecStart=/bin/true
EOF2
export TERM=dumb
a() { "$SDH" --systemd=252 --root="$r" analyze "$@"; }

# 9.6 passes --threshold=96 and fails --threshold=95 (spec §6.1); the table is printed anyway.
expect_exit 0 a --threshold=96 base.service
expect_exit 1 a --threshold=95 base.service
assert_file_has_content "$WORK/out" "Overall exposure level for base.service: 9.6 UNSAFE :-\{"
expect_exit 2 a --threshold=101 base.service

# Aliases are scored under the target's name; masked units are refused like systemd.
expect_exit 0 a alias.service
assert_file_has_content "$WORK/out" "Overall exposure level for base.service: 9.6"
expect_exit 1 a masked.service
assert_file_has_content "$WORK/err" "Unit masked.service is masked."
[ ! -s "$WORK/out" ] || fail "masked unit printed a table"

# Templates: instance from --instance= (default test), %i expanded for User=.
expect_exit 0 a tmpl@.service
assert_file_has_content "$WORK/out" "for tmpl@test.service: "
assert_file_has_content "$WORK/out" "Service runs under a static non-root user identity"
expect_exit 0 a --instance=root tmpl@.service
assert_file_has_content "$WORK/out" "for tmpl@root.service: 9.6"

# Several units: detail tables, then the overview; a masked one makes the exit 1.
expect_exit 1 a base.service hard.service masked.service
assert_file_has_content "$WORK/out" "^UNIT +EXPOSURE PREDICATE HAPPY$"
assert_file_has_content "$WORK/out" "^hard.service +[0-9]\.[0-9] [A-Z]+ +:-."
# No unit: the overview of every service, each unit once under its id, sorted (the alias
# alias.service is base.service; masked ones left out, silently).
expect_exit 0 a
assert_streq "$(grep -c 'service' "$WORK/out")" 3
assert_streq "$(grep -o '^[a-z@]*\.service' "$WORK/out" | tr '\n' ' ')" "base.service hard.service tmpl@test.service "
assert_file_lacks_content "$WORK/err" "masked"
assert_file_lacks_content "$WORK/out" "NAME"

# JSON: one unit -> its rows; several -> objects with unit, exposure, predicate, checks.
expect_exit 0 a --json=short base.service
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert len(v) == 81 and v[0]["set"] is False' "$WORK/out"
expect_exit 0 a --json=pretty base.service hard.service
python3 -c 'import json,sys; v=json.load(open(sys.argv[1])); assert [x["unit"] for x in v] == ["base.service","hard.service"] and v[0]["exposure"] == "9.6" and len(v[1]["checks"]) == 81' "$WORK/out"

# --user works together with --root (systemd refuses; we allow).
expect_exit 0 "$SDH" --systemd=252 --root="$r" --user analyze u.service
assert_file_has_content "$WORK/out" "Overall exposure level for u.service"

# SARIF: one result per failing check, located at the line that set it.
expect_exit 0 a --format=sarif hard.service
python3 - "$WORK/out" <<'EOF2'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["version"] == "2.1.0"
res = s["runs"][0]["results"]
ids = {r["ruleId"] for r in res}
assert "PrivateNetwork" not in ids and "PrivateDevices" in ids, ids
rules = {r["id"] for r in s["runs"][0]["tool"]["driver"]["rules"]}
assert ids <= rules
# ProtectHome is implied (read-only, partial) by DynamicUser: no line; PrivateDevices: no line.
EOF2
cp "$WORK/out" "$WORK/hard.sarif"
mkunit "$r" $d/line.service <<'EOF2'
[Service]
ExecStart=/bin/true
PrivateTmp=no
EOF2
expect_exit 0 a --format=sarif line.service
python3 -c 'import json,sys; r=[x for x in json.load(open(sys.argv[1]))["runs"][0]["results"] if x["ruleId"]=="PrivateTmp"][0]; l=r["locations"][0]["physicalLocation"]; assert l["region"]["startLine"]==3 and l["artifactLocation"]["uri"].endswith("line.service"), l' "$WORK/out"
# Both logs validate against the complete SARIF 2.1.0 schema (tests/schemas/).
rc=0; "$TOP/tests/sarif-validate.py" "$WORK/hard.sarif" "$WORK/out" || rc=$?
[ $rc -eq 0 ] || { [ $rc -eq 77 ] && [ -z "${CI:-}" ]; } || fail "SARIF does not validate against the 2.1.0 schema"

expect_exit 0 a --format=prometheus base.service hard.service
assert_file_has_content "$WORK/out" '^sdharden_unit_exposure\{unit="base.service"\} 9.6$'
assert_file_has_content "$WORK/out" '^sdharden_check_exposure\{unit="base.service",check="PrivateNetwork"\} 0.5$'
# The text format parses with the Prometheus client library's own parser (as node_exporter's
# textfile collector would read it): 2 units x (1 overall + 81 checks) samples.
if /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
    /usr/bin/python3 - "$WORK/out" <<'EOF2' || fail "Prometheus text format does not parse"
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
assert fams["sdharden_unit_exposure"].type == "gauge"
units = {s.labels["unit"]: s.value for s in fams["sdharden_unit_exposure"].samples}
assert units == {"base.service": 9.6, "hard.service": units["hard.service"]} and len(units) == 2, units
assert len(fams["sdharden_check_exposure"].samples) == 2 * 81, len(fams["sdharden_check_exposure"].samples)
EOF2
elif [ -n "${CI:-}" ]; then
    fail "python3-prometheus-client missing in CI"
fi
expect_exit 0 a --format=markdown base.service
assert_file_has_content "$WORK/out" '^## base.service: 9.6 UNSAFE$'
assert_file_has_content "$WORK/out" '^\| ✗ \| `PrivateNetwork=` \| Service has access to the host.s network \| 0.5 \|$'
expect_exit 2 a --format=xml base.service
