#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# sdharden cat: systemctl-cat layout (fragment, then drop-ins, blank line before each file and
# between units), aliases, masks and missing units (exit 1, the rest still printed), --help.
. "$(dirname "$0")/../lib.sh"

R=$WORK/root
mkunit "$R" usr/lib/systemd/system/web.service <<'EOF2'
[Service]
ExecStart=/usr/bin/web
EOF2
mkunit "$R" usr/lib/systemd/system/web.service.d/10-a.conf <<'EOF2'
[Service]
User=a
EOF2
mkunit "$R" etc/systemd/system/web.service.d/20-b.conf <<'EOF2'
[Service]
User=b
EOF2
mkunit "$R" usr/lib/systemd/system/db.service <<'EOF2'
[Service]
ExecStart=/usr/bin/db
EOF2
ln -s web.service "$R/usr/lib/systemd/system/www.service"
ln -s /dev/null "$R/usr/lib/systemd/system/gone.service"

expect_exit 0 "$SDH" --root="$R" --systemd=257 cat web.service db.service
cat >"$WORK/want" <<'EOF2'
# /usr/lib/systemd/system/web.service
[Service]
ExecStart=/usr/bin/web

# /usr/lib/systemd/system/web.service.d/10-a.conf
[Service]
User=a

# /etc/systemd/system/web.service.d/20-b.conf
[Service]
User=b

# /usr/lib/systemd/system/db.service
[Service]
ExecStart=/usr/bin/db
EOF2
diff -u "$WORK/want" "$WORK/out" || fail "cat layout differs"

# An alias shows the target's files.
expect_exit 0 "$SDH" --root="$R" cat www.service
assert_file_has_content "$WORK/out" '^# /usr/lib/systemd/system/web.service$'

# Masked and missing: error, exit 1, the others still printed.
expect_exit 1 "$SDH" --root="$R" cat gone.service nope.service db.service
assert_file_has_content "$WORK/err" "unit 'gone.service' is masked"
assert_file_has_content "$WORK/err" "no files found for 'nope.service'"
assert_file_has_content "$WORK/out" '^# /usr/lib/systemd/system/db.service$'

expect_exit 2 "$SDH" --root="$R" cat 'bad name'
expect_exit 2 "$SDH" --root="$R" cat
expect_exit 0 "$SDH" cat --help
assert_file_has_content "$WORK/out" 'Usage: sdharden'
