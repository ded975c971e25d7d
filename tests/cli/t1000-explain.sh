#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdharden explain: directives, syscall groups, capabilities, families; errors.
. "$(dirname "$0")/../lib.sh"

expect_exit 0 "$SDH" --systemd=252 explain ProtectProc=
assert_file_has_content "$WORK/out" "added in:  systemd 247$"
assert_file_has_content "$WORK/out" "scored by: ProtectProc=$"

# A directive the target version does not know is flagged as such.
expect_exit 0 "$SDH" --systemd=252 explain PrivateIPC
assert_file_lacks_content "$WORK/out" "NOT known"

# Group members follow the version's table: @sandbox exists only from v258 on.
expect_exit 1 "$SDH" --systemd=252 explain @sandbox
assert_file_has_content "$WORK/err" "unknown name '@sandbox'"
expect_exit 0 "$SDH" --systemd=262 explain @sandbox

# Nested groups listed by name, or expanded.
expect_exit 0 "$SDH" --systemd=262 explain @privileged
assert_file_has_content "$WORK/out" "^    @chown$"
expect_exit 0 "$SDH" --systemd=262 explain --expand @privileged
assert_file_lacks_content "$WORK/out" "^    @chown$"
assert_file_has_content "$WORK/out" "^  53 entries$"

expect_exit 0 "$SDH" explain cap_sys_admin AF_ROUTE
assert_file_has_content "$WORK/out" "^CAP_SYS_ADMIN \\(21\\)$"
assert_file_has_content "$WORK/out" "^AF_ROUTE \\(16\\), alias of AF_NETLINK$"

# JSON is valid and carries the fields.
expect_exit 0 "$SDH" --systemd=257 explain --json NoNewPrivileges= @clock
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["name"]=="NoNewPrivileges" and d[0]["checks"]==["NoNewPrivileges="], d; assert "settimeofday" in d[1]["members"]' "$WORK/out"

# Typos get a suggestion and exit 1; no argument is a usage error.
expect_exit 1 "$SDH" explain ProtectSytem
assert_file_has_content "$WORK/err" "did you mean 'ProtectSystem='"
expect_exit 2 "$SDH" explain
expect_exit 2 "$SDH" explain --bogus
expect_exit 2 "$SDH" --systemd=banana explain ProtectSystem

# Lint rules: their texts come from data/lint-rules.tsv.
expect_exit 0 "$SDH" explain missing-rw-path
assert_file_has_content "$WORK/out" "^missing-rw-path \\(lint rule, (error|warning|info)\\)$"
rationale=$(awk -F'\t' '$1 == "missing-rw-path" { print $4 }' "$TOP/data/lint-rules.tsv")
[ -n "$rationale" ] || fail "no rationale column for missing-rw-path in data/lint-rules.tsv"
grep -qF "  why:      $rationale" "$WORK/out" || fail "rationale not shown"
expect_exit 0 "$SDH" explain --json nnp-breaks-setuid
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["kind"]=="lint-rule" and d[0]["fix"], d' "$WORK/out"
