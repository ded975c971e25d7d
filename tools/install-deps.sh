#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what building and testing sdharden needs on Debian 12 / Ubuntu.  Only missing
# packages are installed (with sudo when not run as root); `--e2e` adds what the end-to-end
# harness needs.
set -euo pipefail

pkgs=(
    make gcc pkg-config gawk
    libseccomp-dev libjson-c-dev libcap-dev libsystemd-dev   # libsdharden
    libbpf-dev bpftool libelf-dev zlib1g-dev clang llvm      # eBPF profiler backend
    libcmocka-dev python3 python3-jsonschema python3-prometheus-client strace  # tests
    libclang-rt-14-dev                                       # libFuzzer + sanitizer runtimes for clang
    clang-format                                             # make format-check
)
[ "${1:-}" = "--e2e" ] && pkgs+=(debootstrap systemd-container iproute2 curl)

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: everything is installed"
    exit 0
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root: apt-get install ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
