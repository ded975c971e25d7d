# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced with R=the test root, LINTDIR=tests/lint.
python3 "$LINTDIR/mkelf.py" "$R/usr/bin/old32" 3 32
