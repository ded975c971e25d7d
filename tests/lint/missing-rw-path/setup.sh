# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced with R=the test root, LINTDIR=tests/lint.
mkdir -p "$R/srv/present"
