#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdharden suggest --profile: evidence-driven drop-in, modes, JSON, --write keeps the previous.
. "$(dirname "$0")/../lib.sh"

R=$WORK/root
mkdir -p "$R/etc/systemd/system" "$R/var/lib/kv"
cp "$TOP/tests/gen/kv.service" "$R/etc/systemd/system/"
echo 'port 7000' >"$R/etc/kv.conf"
chmod 0644 "$R/etc/kv.conf"
P=$TOP/tests/gen/kv-localhost.json
drop=$R/etc/systemd/system/kv.service.d/50-sdharden.conf

expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --profile="$P"
assert_file_lacks_content "$WORK/out" "STATIC"
for l in DynamicUser=yes StateDirectory=kv PrivateUsers=yes ProtectSystem=strict \
    IPAddressDeny=any IPAddressAllow=localhost SystemCallFilter=@system-service \
    SystemCallErrorNumber=EPERM NoNewPrivileges=yes CapabilityBoundingSet=; do
    assert_file_has_content "$WORK/out" "^$l\$"
done
assert_file_has_content "$WORK/err" "^exposure 9\.6 -> (0\.[0-9]|1\.[0-9])$"
# Every directive line has a comment right above it, or follows a line of the same key.
awk '/^[A-Za-z]+=/ { k = substr($0, 1, index($0, "=")); if (prev !~ /^#/ && substr(prev, 1, length(k)) != k) { print "no evidence: " $0; bad = 1 } } { prev = $0 } END { exit bad }' "$WORK/out" ||
    fail "a directive without its evidence"

# A config file only root may read: the service keeps running as root.
chmod 0600 "$R/etc/kv.conf"
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --profile="$P"
assert_file_lacks_content "$WORK/out" "^DynamicUser="
assert_file_has_content "$WORK/out" "DynamicUser=: runs as root: reads '/etc/kv.conf'"
chmod 0644 "$R/etc/kv.conf"

# Strict takes the profile at its word: exact families, ProcSubset=.
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --profile="$P" --mode=strict
assert_file_has_content "$WORK/out" "^RestrictAddressFamilies=AF_INET$"
assert_file_has_content "$WORK/out" "^ProcSubset=pid$"

# JSON is the same model.
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --profile="$P" --json
python3 - "$WORK/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["unit"] == "kv.service" and d["mode"] == "safe" and d["static"] is False, d
keys = [x["key"] for x in d["sections"][0]["directives"]]
assert keys[0] == "DynamicUser" and "SystemCallFilter" in keys, keys
assert all(x["reason"] for x in d["sections"][0]["directives"]), d
assert d["exposure_before"] == 9.6 and d["exposure_after"] < 2, d
PY

# --write twice with different content keeps the previous version; --undo restores it.
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --write
expect_exit 0 "$SDH" --root="$R" --systemd=252 suggest kv.service --profile="$P" --write
[ -f "$drop.prev" ] || fail "no previous version kept"
assert_file_has_content "$drop.prev" "STATIC"
assert_file_has_content "$drop" "^DynamicUser=yes$"
expect_exit 0 "$SDH" --root="$R" --systemd=252 lint --fail-on=info kv.service
expect_exit 0 "$SDH" --root="$R" --systemd=252 analyze kv.service
if command -v systemd-analyze >/dev/null && systemd-analyze --version | grep -q '^systemd 252'; then
    systemd-analyze security --offline=true --root="$R" kv.service >"$WORK/sa" 2>&1 ||
        { cat "$WORK/sa"; fail "systemd-analyze rejects the drop-in"; }
    want=$(sed -n 's/.*exposure level for kv.service: \([0-9.]*\) .*/\1/p' "$WORK/out")
    assert_file_has_content "$WORK/sa" "exposure level for kv.service: $want "
fi
expect_exit 0 "$SDH" --root="$R" suggest kv.service --undo
assert_file_has_content "$WORK/err" "^restored the previous"
assert_file_has_content "$drop" "STATIC"

# A broken profile is an error, not a static fallback.
echo '{"version": 7}' >"$WORK/bad.json"
expect_exit 1 "$SDH" --root="$R" suggest kv.service --profile="$WORK/bad.json"
assert_file_has_content "$WORK/err" "cannot read profile"
