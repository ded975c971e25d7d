# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# Sourced by tests/e2e/*.sh: a Debian 12 rootfs with real daemons, and throwaway containers that
# boot it with systemd 252 as PID 1 (systemd-nspawn) on a host whose own PID 1 need not be
# systemd.  See tests/e2e/README.md for the recipe and the pitfalls behind each option.
#
#   e2e_need_host                  root + namespaces + debootstrap/nspawn (installed if missing),
#                                  else exit 77 with a reason
#   e2e_rootfs                     build or reuse the cached rootfs; sets E2E_ROOTFS
#   ct_boot NAME                   boot an overlay of E2E_ROOTFS as container NAME; $BUILD is
#                                  bound read-only at /opt/sdharden
#   ct_exec NAME CMD...            run CMD inside NAME (all namespaces of its PID 1), clean env
#   ct_stop NAME                   orderly poweroff, then drop the overlay
#
# Everything a container writes goes to its own overlay; it has its own network namespace with
# loopback only, so no probe traffic can leave the machine.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=${TOP:-$(cd "$E2E_DIR/../.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
E2E_CACHE=${E2E_CACHE:-$E2E_DIR/cache}
E2E_STATE=/run/sdh-e2e
E2E_BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-60}
E2E_SUITE=bookworm

# What the rootfs holds.  Changing this list (or mkrootfs_build) changes the cache key.
E2E_PKGS="nginx-light redis-server redis-tools memcached openssh-server postgresql
    curl iproute2 procps netcat-openbsd libcap2-bin
    libseccomp2 libjson-c5 libcap2 libsystemd0 libbpf1 ${E2E_EXTRA_PKGS:-}"
# Timers that would touch the network or disturb timings inside the container.
E2E_MASK="apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer"

e2e_log() { printf '%s\n' "e2e: $*" >&2; }
e2e_skip() {
    echo "skip: $*"
    exit 77
}

# The first Debian (non-security) URI of the host's apt sources, one-line or deb822 format.
e2e_mirror() {
    if [ -n "${E2E_MIRROR:-}" ]; then
        echo "$E2E_MIRROR"
        return
    fi
    {
        cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
            awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; break } }'
        cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" { print $2 }'
    } | grep -v -- '-security/*$' | head -n 1
}

e2e_need_host() {
    [ "$(id -u)" -eq 0 ] || e2e_skip "e2e needs root (systemd-nspawn, overlayfs)"
    unshare --mount --pid --net --uts --ipc --fork true 2>/dev/null ||
        e2e_skip "cannot create namespaces here (unshare failed)"
    if ! command -v debootstrap >/dev/null || ! command -v systemd-nspawn >/dev/null; then
        e2e_log "installing debootstrap systemd-container on the host"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            debootstrap systemd-container >/dev/null 2>&1 ||
            e2e_skip "debootstrap/systemd-nspawn missing and apt-get install failed"
    fi
    grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
        e2e_skip "no overlayfs in this kernel"
}

# mkrootfs_build DIR: debootstrap + packages + configuration into DIR (which must not exist).
mkrootfs_build() {
    local root=$1 mirror
    mirror=$(e2e_mirror)
    [ -n "$mirror" ] || {
        e2e_log "no Debian mirror in the apt sources; set E2E_MIRROR="
        return 1
    }
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus \
        "$E2E_SUITE" "$root" "$mirror" >"$root.log" 2>&1 || {
        tail -n 20 "$root.log" >&2
        return 1
    }
    # Nothing may start during installation (no systemd runs in this chroot anyway).
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 0755 "$root/usr/sbin/policy-rc.d"
    local pkgs
    # shellcheck disable=SC2086,SC2116 # one line, words separated by single blanks
    pkgs=$(echo $E2E_PKGS)
    systemd-nspawn --register=no --keep-unit -q -D "$root" --setenv=DEBIAN_FRONTEND=noninteractive \
        sh -c "apt-get update -qq && apt-get install -y -qq --no-install-recommends $pkgs && apt-get clean" \
        >>"$root.log" 2>&1 || {
        tail -n 20 "$root.log" >&2
        return 1
    }
    rm -f "$root/usr/sbin/policy-rc.d" "$root"/var/lib/apt/lists/*_Packages
    echo e2e >"$root/etc/hostname"
    # The ssh probe logs in as root with this key.
    install -d -m 0700 "$root/root/.ssh"
    ssh-keygen -q -t ed25519 -N '' -C sdh-e2e -f "$root/root/.ssh/id_ed25519"
    cp "$root/root/.ssh/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
    local t
    for t in $E2E_MASK; do
        ln -sf /dev/null "$root/etc/systemd/system/$t"
    done
    rm -f "$root.log"
}

# The cache key: the package list, the suite and the recipe itself.
e2e_rootfs_key() {
    # shellcheck disable=SC2086 # whitespace-insensitive on purpose
    { echo "$E2E_SUITE"; echo $E2E_PKGS; declare -f mkrootfs_build; } | sha256sum | cut -c1-16
}

# Build (once) and select the rootfs.  Serialised with a lock; a rootfs is published by rename
# only when complete, so an interrupted build never counts as cached.
e2e_rootfs() {
    local key dir
    key=$(e2e_rootfs_key)
    dir=$E2E_CACHE/rootfs-$key
    mkdir -p "$E2E_CACHE"
    exec {lockfd}>"$E2E_CACHE/.lock"
    flock -w 600 "$lockfd" || {
        e2e_log "cache lock busy"
        return 1
    }
    if [ ! -e "$dir/.sdh-e2e-ready" ]; then
        e2e_log "building rootfs $key (debootstrap $E2E_SUITE, about a minute)"
        rm -rf "$dir" "$dir.tmp"
        mkrootfs_build "$dir.tmp" || {
            rm -rf "$dir.tmp"
            exec {lockfd}>&-
            return 1
        }
        touch "$dir.tmp/.sdh-e2e-ready"
        mv "$dir.tmp" "$dir"
        # Older keys are dead weight (about 600 MB each), unless a container still runs on one.
        local old
        for old in "$E2E_CACHE"/rootfs-*; do
            if [ "$old" = "$dir" ] || [ ! -d "$old" ]; then continue; fi
            grep -q "lowerdir=$old," /proc/mounts || rm -rf "$old"
        done
    fi
    exec {lockfd}>&-
    E2E_ROOTFS=$dir
}

ct_pid() { cat "$E2E_STATE/$1/pid"; }

ct_exec() {
    local name=$1
    shift
    nsenter -t "$(ct_pid "$name")" -a \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb LANG=C.UTF-8 "$@"
}

# ct_boot NAME: prints nothing; the state lives in $E2E_STATE/NAME/.
ct_boot() {
    local name=$1 st=$E2E_STATE/$1 rd nsp init='' state='' i
    mkdir -p "$st"
    rd=$(mktemp -d "/var/tmp/sdh-e2e-$name.XXXXXX")
    echo "$rd" >"$st/rundir"
    mkdir "$rd/upper" "$rd/work" "$rd/root"
    # Our own overlay, not --volatile=overlay: redirect_dir=on lets systemd rename lower
    # directories (DynamicUser= moves /var/lib/X to /var/lib/private/X; EXDEV without it).
    mount -t overlay overlay \
        -o "lowerdir=$E2E_ROOTFS,upperdir=$rd/upper,workdir=$rd/work,redirect_dir=on" "$rd/root"
    # Unified cgroup + bpf() allowed: IPAddressDeny= and DevicePolicy= are enforced only so.
    # --register=no --keep-unit: no host systemd, machined or bus needed.
    SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 setsid systemd-nspawn --system-call-filter=bpf \
        --register=no --keep-unit --private-network --console=passive -q -M "$name" \
        -D "$rd/root" --bind-ro="$BUILD:/opt/sdharden" -b </dev/null >"$st/log" 2>&1 &
    nsp=$!
    echo "$nsp" >"$st/nspawn.pid"
    for ((i = 0; i < E2E_BOOT_TIMEOUT * 10; i++)); do
        init=$(pgrep -P "$nsp" -x systemd || true)
        [ -n "$init" ] && break
        kill -0 "$nsp" 2>/dev/null || break
        sleep 0.1
    done
    if [ -z "$init" ]; then
        e2e_log "container $name: no init (nspawn log follows)"
        cat "$st/log" >&2
        return 1
    fi
    echo "$init" >"$st/pid"
    # The bus comes up late: until then systemctl fails at once, so retry.
    for ((i = 0; i < E2E_BOOT_TIMEOUT * 5; i++)); do
        state=$(timeout 5 nsenter -t "$init" -a systemctl is-system-running --wait 2>/dev/null) || true
        case $state in running | degraded) break ;; esac
        sleep 0.2
    done
    echo "$state" >"$st/state"
    case $state in
        running | degraded) return 0 ;;
        *)
            e2e_log "container $name did not boot (state '$state')"
            return 1
            ;;
    esac
}

ct_stop() {
    local name=$1 st=$E2E_STATE/$1 nsp rd i
    nsp=$(cat "$st/nspawn.pid" 2>/dev/null || true)
    if [ -n "$nsp" ] && kill -0 "$nsp" 2>/dev/null; then
        kill -TERM "$nsp" # nspawn turns this into an orderly poweroff of a booted container
        for ((i = 0; i < 200; i++)); do
            kill -0 "$nsp" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$nsp" 2>/dev/null && kill -KILL "$nsp"
        for ((i = 0; i < 50; i++)); do
            kill -0 "$nsp" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rd=$(cat "$st/rundir" 2>/dev/null || true)
    if [ -n "$rd" ] && [ -d "$rd" ]; then
        if mountpoint -q "$rd/root"; then
            umount "$rd/root" 2>/dev/null || umount -l "$rd/root"
        fi
        rm -rf "$rd"
    fi
    rm -rf "$st"
}
