#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdharden lint: output formats, exit codes, --fail-on/--enable/--disable, exclusions by comment
# and by config file, FILE arguments, linting a whole root.
. "$(dirname "$0")/../lib.sh"

R=$WORK/root
mkdir -p "$R/usr/bin"
cp /bin/true "$R/usr/bin/true"
mkunit "$R" etc/systemd/system/good.service <<'U'
[Service]
ExecStart=/usr/bin/true
User=nobody
U
mkunit "$R" etc/systemd/system/warn.service <<'U'
[Service]
ExecStart=/usr/bin/true
ProtectSystem=strict
U
mkunit "$R" etc/systemd/system/info.service <<'U'
[Service]
ExecStart=/usr/bin/true
User=nobody
PIDFile=/run/info.pid
U
mkunit "$R" etc/systemd/system/err.service <<'U'
[Service]
ExecStart=/usr/bin/true
User=nobody
ProtectSystem=maybe
U
lint() { "$SDH" --root="$R" --systemd=252 lint "$@"; }

# Exit codes: 0 clean, 1 findings at/above --fail-on (default warning), 2 usage.
expect_exit 0 lint good.service
[ ! -s "$WORK/out" ] || fail "clean unit printed findings"
expect_exit 1 lint warn.service
expect_exit 0 lint info.service
assert_file_has_content "$WORK/out" '\[pidfile-in-run-root\]'
expect_exit 1 lint --fail-on=info info.service
expect_exit 0 lint --fail-on=error warn.service
expect_exit 1 lint --fail-on=error err.service
expect_exit 2 lint --fail-on=fatal good.service
expect_exit 2 lint --format=xml good.service
expect_exit 2 lint --enable=no-such-rule good.service
assert_file_has_content "$WORK/err" "unknown lint rule 'no-such-rule'"
expect_exit 2 lint --no-such-option good.service
expect_exit 1 lint missing.service
expect_exit 0 lint --disable=readonly-escapable warn.service
expect_exit 0 lint --enable=invalid-value warn.service
expect_exit 0 lint --help
assert_file_has_content "$WORK/out" '^Usage: sdharden lint'

# Text: compiler style, then an indented fix line.
expect_exit 1 lint err.service
assert_file_has_content "$WORK/out" \
    "^/etc/systemd/system/err.service:4: error: cannot parse 'ProtectSystem=maybe': .* \[invalid-value\]$"
assert_file_has_content "$WORK/out" '^    fix: '

# JSON: the documented fields.
expect_exit 1 lint --format=json err.service warn.service
python3 - "$WORK/out" <<'PY' || fail "bad JSON output"
import json, sys
a = json.load(open(sys.argv[1]))
assert isinstance(a, list) and len(a) >= 2, a
for f in a:
    assert set(f) == {"rule", "severity", "unit", "file", "line", "message", "fix"}, f
assert {f["unit"] for f in a} == {"err.service", "warn.service"}, a
e = [f for f in a if f["rule"] == "invalid-value"][0]
assert e["severity"] == "error" and e["line"] == 4 and e["file"] == "/etc/systemd/system/err.service"
PY

# SARIF 2.1.0: rule metadata with help text, results pointing into the rules array.
expect_exit 1 lint --format=sarif err.service warn.service info.service
python3 - "$WORK/out" <<'PY' || fail "bad SARIF output"
import json, sys
log = json.load(open(sys.argv[1]))
assert log["version"] == "2.1.0" and len(log["runs"]) == 1
run = log["runs"][0]
rules = run["tool"]["driver"]["rules"]
assert run["tool"]["driver"]["name"] == "sdharden"
assert len(rules) >= 27 and all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
for res in run["results"]:
    assert rules[res["ruleIndex"]]["id"] == res["ruleId"], res
    assert res["level"] in ("error", "warning", "note")
    loc = res["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].startswith("/etc/systemd/system/")
    assert loc["region"]["startLine"] >= 1
assert {r["level"] for r in run["results"]} == {"error", "warning", "note"}
PY
# ... and valid against the complete SARIF 2.1.0 schema.
rc=0; "$TOP/tests/sarif-validate.py" "$WORK/out" || rc=$?
[ $rc -eq 0 ] || { [ $rc -eq 77 ] && [ -z "${CI:-}" ]; } || fail "SARIF does not validate against the 2.1.0 schema"

# Exclusions: a comment in the unit, the root's lint.conf, --config=.
mkunit "$R" etc/systemd/system/commented.service <<'U'
# sdharden: disable=readonly-escapable
[Service]
ExecStart=/usr/bin/true
ProtectSystem=strict
U
expect_exit 0 lint commented.service
mkdir -p "$R/etc/sdharden"
echo 'warn.service readonly-escapable  # accepted: needs to remount' >"$R/etc/sdharden/lint.conf"
expect_exit 0 lint warn.service
echo 'w*.service *' >"$WORK/other.conf"
rm "$R/etc/sdharden/lint.conf"
expect_exit 1 lint warn.service
expect_exit 0 lint --config="$WORK/other.conf" warn.service
expect_exit 2 lint --config="$WORK/nonexistent.conf" warn.service
echo 'w*.service bogus-rule' >"$WORK/bad.conf"
expect_exit 1 lint --config="$WORK/bad.conf" warn.service
assert_file_has_content "$WORK/err" "unknown lint rule 'bogus-rule'"

# A FILE outside any search path, and a drop-in next to it is not needed.
mkdir -p "$WORK/proj"
printf '[Service]\nExecStart=/usr/bin/true\nUser=nobody\nProtectSytem=yes\n' >"$WORK/proj/app.service"
expect_exit 1 "$SDH" --systemd=252 lint "$WORK/proj/app.service"
assert_file_has_content "$WORK/out" "app.service:4: error: .*ProtectSytem.*\[unknown-directive\]"

# No unit: every unit of the root, each once.
expect_exit 1 lint --format=json
python3 - "$WORK/out" <<'PY' || fail "whole-root lint missed units"
import json, sys
units = {f["unit"] for f in json.load(open(sys.argv[1]))}
assert {"warn.service", "err.service", "info.service"} <= units, units
assert "good.service" not in units and "commented.service" not in units, units
PY

# nnp-breaks-setuid also sees sendmail inside a shell command line (host root: /bin/sh).
printf '[Service]\nExecStart=/bin/sh -c "date | /usr/sbin/sendmail root"\nUser=nobody\nSystemCallFilter=@system-service\n' >"$WORK/proj/mail.service"
expect_exit 1 "$SDH" lint --enable=nnp-breaks-setuid "$WORK/proj/mail.service"
assert_file_has_content "$WORK/out" "mail.service:2: error: 'sendmail' needs the setgid"
printf '[Service]\nExecStart=/bin/sh -c "echo sendmailer"\nUser=nobody\nSystemCallFilter=@system-service\n' >"$WORK/proj/nomail.service"
expect_exit 0 "$SDH" lint --enable=nnp-breaks-setuid "$WORK/proj/nomail.service"

# A masked unit named explicitly cannot be linted (exit 1); a whole-root run skips it.
ln -s /dev/null "$R/etc/systemd/system/masked.service"
expect_exit 1 lint masked.service
assert_file_has_content "$WORK/err" "cannot lint 'masked.service': unit is masked"
expect_exit 1 lint --format=json
assert_file_lacks_content "$WORK/err" "masked"
