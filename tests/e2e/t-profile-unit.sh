#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# t-profile-unit.sh [CT] -- `sdharden profile --unit UNIT` INSIDE a container whose PID 1 is
# real systemd, while the daemon's real client drives it: nginx (--duration) and redis-server
# (stopped with SIGINT).  Each profile must hold what the daemon really does (bind, accept,
# sendfile/writev, CAP_NET_BIND_SERVICE, setuid/setgid to www-data, its configuration file,
# its state directory) and nothing of systemd's own sandbox setup before execve (a oneshot unit
# with PrivateTmp=/ProtectSystem= checks that, and that a unit that stops ends the run by
# itself).  Bad input: a unit that is not loaded.  Nothing may be left behind: no profiler
# process in the container, no BPF program on the host.
# CT: a container booted by lib.sh's ct_boot; without it one is booted and torn down.
# Prints a summary of each profile; last line "profile-unit N/M checks passed".
# Exit 0 all passed, 1 any failed, 77 cannot run here.
set -euo pipefail
E2E_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/e2e/lib.sh
. "$E2E_DIR/lib.sh"
# shellcheck source=tests/e2e/probes.sh
. "$E2E_DIR/probes.sh"

SDH_IN=/opt/sdharden/sdharden
CT=${1:-}
own=
W=$(mktemp -d "${TMPDIR:-/tmp}/sdh-profunit.XXXXXX")
cleanup() {
    rm -rf "$W"
    if [ -n "$own" ]; then ct_stop "$own" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
command -v jq >/dev/null || e2e_skip "no jq on the host"

if [ -z "$CT" ]; then
    e2e_need_host
    [ -x "$BUILD/sdharden" ] || e2e_skip "no $BUILD/sdharden"
    CT=sdh-profunit-$$
    own=$CT
    e2e_rootfs
    ct_boot "$CT"
fi
ct_exec "$CT" "$SDH_IN" profile --backend=bpf -o /dev/null -- true >/dev/null 2>"$W/probe" ||
    e2e_skip "bpf back end not usable inside the container: $(tail -n 1 "$W/probe")"

passed=0 total=0
check() { # check NAME JQ-EXPR PROFILE: the expression must be true
    total=$((total + 1))
    if jq -e "$2" "$3" >/dev/null 2>&1; then
        passed=$((passed + 1))
        printf '  ok    %s\n' "$1"
    else
        printf '  FAIL  %s  (%s)\n' "$1" "$2"
    fi
}
bpf_progs() { bpftool prog list 2>/dev/null | grep -c ' name on_sys_enter ' || true; }
progs0=$(bpf_progs)

# A short summary of a profile, for the report.
summary() {
    jq -r '"  \(.meta.unit): \(.meta.duration * 10 | floor / 10)s, complete=\(.meta.complete), traced=\(.meta.traced), \(.meta.processes) processes, \(.meta.events) events, lost \(.meta.lost)",
        "    syscalls (\(.syscalls | length)): \([.syscalls[].name] | join(" "))",
        "    caps needed: \([.capabilities[] | select(.needed) | "\(.name)(\(.syscalls | join(",")))"] | join(" "))",
        "    exec: \([.exec[].path] | unique | join(" "))",
        "    sockets: \([.sockets[] | select(.op == "bind" or .op == "listen" or .op == "connect") | "\(.op) \(.family) \(.address):\(.port)"] | unique | join(", "))",
        "    events: \([.events[] | "\(.kind) \(.syscall) \(.detail)"] | join(", "))",
        "    files: \(.files | length) records, e.g. \([.files[] | select(.access != "read") | "\(.access) \(.path)"] | .[:6] | join(", "))"' "$1"
}

# profile_unit UNIT HOW OUT: profile UNIT inside CT while its probe runs; HOW is
# "duration" (--duration=6) or "sigint" (SIGINT after the probes).
profile_unit() {
    local u=$1 how=$2 out=$3 i opt=()
    [ "$how" = duration ] && opt=(--duration=6)
    ct_exec "$CT" sh -c "$SDH_IN profile --unit=$u ${opt[*]} -o /root/$u.prof \
        >/root/$u.prof.log 2>&1 & echo \$! > /root/$u.prof.pid"
    # The restart happens once the profiler is attached; then the real client drives it.
    sleep 1
    ct_probe_retry "$CT" "$u" 15 || echo "  (probe of $u failed while profiling)"
    for ((i = 0; i < 5; i++)); do ct_probe "$CT" "$u" || true; done
    if [ "$how" = sigint ]; then
        ct_exec "$CT" sh -c "kill -INT \$(cat /root/$u.prof.pid)"
    fi
    ct_exec "$CT" sh -c "for i in \$(seq 150); do kill -0 \$(cat /root/$u.prof.pid) 2>/dev/null || exit 0; sleep 0.1; done; exit 1" ||
        echo "  (profiler of $u still running after 15 s)"
    ct_exec "$CT" cat "/root/$u.prof" >"$out" 2>/dev/null || true
    ct_exec "$CT" cat "/root/$u.prof.log" >"$out.log" 2>/dev/null || true
}

echo "nginx.service (--duration):"
profile_unit nginx.service duration "$W/nginx.json"
p=$W/nginx.json
check "nginx: profile written, target unit" '.meta.target == "unit" and .meta.unit == "nginx.service" and .meta.traced' "$p"
check "nginx: bind 0.0.0.0:80" '.sockets[] | select(.op == "bind" and .family == "AF_INET" and .port == 80 and .ok > 0)' "$p"
check "nginx: accept4" '.syscalls[] | select(.name == "accept4")' "$p"
check "nginx: sendfile or writev" '[.syscalls[].name] | index("sendfile") or index("writev")' "$p"
check "nginx: CAP_NET_BIND_SERVICE checked, needed" '.capabilities[] | select(.name == "CAP_NET_BIND_SERVICE" and .needed)' "$p"
check "nginx: setgid/setuid to www-data (33)" '([.events[] | select(.kind == "setgid" and .detail == "33")] | length > 0) and ([.events[] | select(.kind == "setuid" and .detail == "33")] | length > 0)' "$p"
check "nginx: reads /etc/nginx/nginx.conf" '.files[] | select(.path == "/etc/nginx/nginx.conf" and .access == "read")' "$p"
check "nginx: exec /usr/sbin/nginx (ExecStartPre + ExecStart)" '.exec[] | select(.path == "/usr/sbin/nginx" and .ok >= 2)' "$p"
check "nginx: stopped by --duration: incomplete" '.meta.complete == false' "$p"
summary "$p" || cat "$p.log"

echo "redis-server.service (SIGINT):"
profile_unit redis-server.service sigint "$W/redis.json"
p=$W/redis.json
check "redis: profile written, target unit" '.meta.target == "unit" and .meta.unit == "redis-server.service" and .meta.traced' "$p"
check "redis: bind 127.0.0.1:6379" '.sockets[] | select(.op == "bind" and .address == "127.0.0.1" and .port == 6379 and .ok > 0)' "$p"
check "redis: accept/accept4" '[.syscalls[].name] | index("accept4") or index("accept")' "$p"
check "redis: writes its state dir (SAVE)" '.files[] | select((.path | startswith("/var/lib/redis/")) and (.access == "create" or .access == "write") and .ok > 0)' "$p"
check "redis: reads /etc/redis/redis.conf" '.files[] | select(.path == "/etc/redis/redis.conf" and .access == "read")' "$p"
check "redis: exec /usr/bin/redis-server" '.exec[] | select(.path == "/usr/bin/redis-server")' "$p"
check "redis: stopped by SIGINT: incomplete" '.meta.complete == false' "$p"
summary "$p" || cat "$p.log"

# A oneshot unit with a sandbox: systemd's mount namespace setup happens between fork and
# execve and must not be recorded; ExecStartPre/ExecStart/ExecStartPost and a child must be;
# the run ends by itself when the unit is inactive again.
echo "sdh-prof-oneshot.service (ends by itself):"
ct_exec "$CT" sh -c 'cat > /etc/systemd/system/sdh-prof-oneshot.service' <<'UNIT'
[Service]
Type=oneshot
PrivateTmp=yes
ProtectSystem=strict
ExecStartPre=/bin/true
ExecStart=/bin/sh -c 'cat /etc/hostname >/dev/null; sleep 1.5'
ExecStartPost=/bin/echo post
UNIT
ct_exec "$CT" systemctl daemon-reload
ct_exec "$CT" timeout 30 "$SDH_IN" profile --unit=sdh-prof-oneshot --duration=20 -o /root/oneshot.prof >"$W/oneshot.log" 2>&1 || true
ct_exec "$CT" cat /root/oneshot.prof >"$W/oneshot.json" 2>/dev/null || true
p=$W/oneshot.json
check "oneshot: complete (ended with the unit), exit 0" '.meta.complete and .meta.exit_status == 0' "$p"
check "oneshot: ExecStartPre, ExecStart, child, ExecStartPost" '([.exec[].path] | index("/usr/bin/true") and index("/usr/bin/sh") and index("/usr/bin/cat") and index("/usr/bin/echo")) or ([.exec[].path] | index("/bin/true") and index("/bin/sh") and index("/usr/bin/cat") and index("/bin/echo"))' "$p"
check "oneshot: no sandbox setup (mount/namespace) recorded" '([.events[] | select(.kind == "mount" or .kind == "namespace")] | length == 0) and ([.syscalls[].name] | index("unshare") | not)' "$p"
summary "$p" || cat "$W/oneshot.log"

echo "bad input:"
rc=0
ct_exec "$CT" "$SDH_IN" profile --unit=sdh-no-such-unit -o /root/none.prof >"$W/bad.out" 2>&1 || rc=$?
total=$((total + 1))
if [ "$rc" -eq 1 ] && grep -q "unit not loaded: 'sdh-no-such-unit'" "$W/bad.out" &&
    ! ct_exec "$CT" test -e /root/none.prof; then
    passed=$((passed + 1))
    echo "  ok    unit not loaded: exit 1, clear message, no profile"
else
    echo "  FAIL  unit not loaded: exit $rc, $(cat "$W/bad.out")"
fi

total=$((total + 1))
left=$(ct_exec "$CT" pgrep -c -f "$SDH_IN profile" || true)
for _ in $(seq 50); do [ "$(bpf_progs)" -le "$progs0" ] && break; sleep 0.2; done
if [ "${left:-0}" -eq 0 ] && [ "$(bpf_progs)" -le "$progs0" ]; then
    passed=$((passed + 1))
    echo "  ok    nothing left: no profiler process, no BPF program"
else
    echo "  FAIL  left behind: ${left:-0} profiler processes, $(bpf_progs) BPF programs (was $progs0)"
fi
ct_exec "$CT" rm -f /etc/systemd/system/sdh-prof-oneshot.service
ct_exec "$CT" systemctl daemon-reload

echo "profile-unit $passed/$total checks passed"
[ "$passed" -eq "$total" ]
