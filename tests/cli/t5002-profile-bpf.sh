#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# t5001's exact-record checks with the bpf back end (skips when BPF is not permitted).
PROFILE_BACKEND=bpf
. "${TOP:-$(dirname "$0")/../..}/tests/cli/t5001-profile-seccomp.sh"
