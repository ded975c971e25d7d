# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced with R=the test root, LINTDIR=tests/lint.
mkdir -p "$R/usr/sbin"
cp /bin/true "$R/usr/sbin/forkd"
printf "usage: forkd [--foreground]\n" >>"$R/usr/sbin/forkd"
