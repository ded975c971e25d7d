# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced with R=the test root, LINTDIR=tests/lint.
cp /bin/true "$R/usr/bin/suidhelper"
chmod 4755 "$R/usr/bin/suidhelper"
