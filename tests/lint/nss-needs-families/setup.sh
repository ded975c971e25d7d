# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced with R=the test root, LINTDIR=tests/lint.
printf "passwd: files sss\ngroup: files sss\nhosts: files dns\n" >"$R/etc/nsswitch.conf"
